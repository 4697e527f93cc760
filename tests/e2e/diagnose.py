#!/usr/bin/python3
"""diagnose.py CORPUS RECORDS.jsonl

Checks authsweep's diagnoses (issue 7) against what the corpus generator
injected (CORPUS/diagnoses.tsv, corpusgen --bugs), and its verdicts against
CORPUS/expected.tsv.  RECORDS.jsonl is `authsweep verify --format jsonl`
run from inside CORPUS, so that paths read maildir/....

Prints the hit rate per diagnosis and exits 1 when:
 - fewer than 95% of the signatures with an injected diagnosis get it;
 - any signature gets a diagnosis it should not (a false claim: a sound
   signature, a tampered body or header, a signer bug hidden by a later
   change);
 - a verdict differs from expected.tsv.
"""
import collections
import json
import os
import sys


def rows(path):
    with open(path) as f:
        for line in f:
            if line.startswith("#") or line.startswith("file\t"):
                continue
            yield line.rstrip("\n").split("\t")


def main():
    corpus, records = sys.argv[1], sys.argv[2]
    want = {}
    for file, idx, diag, bug in rows(os.path.join(corpus, "diagnoses.tsv")):
        want[(file, int(idx))] = (diag, bug)
    expect = {}
    for r in rows(os.path.join(corpus, "expected.tsv")):
        if r[1] != "-":
            expect[(r[0], int(r[1]))] = (r[6], r[7])
    got = {}
    verdict = {}
    with open(records) as f:
        for line in f:
            rec = json.loads(line)
            for i, sig in enumerate(rec.get("dkim", [])):
                key = (rec["path"], i)
                got[key] = sig.get("diagnosis", {}).get("code", "-")
                verdict[key] = (sig["result"], sig["code"])

    per = collections.defaultdict(lambda: [0, 0])
    false_claims, wrong_verdicts, missing = [], [], []
    for key, (diag, bug) in sorted(want.items()):
        if key not in got:
            missing.append(key)
            continue
        if verdict[key] != expect[key]:
            wrong_verdicts.append((key, verdict[key], expect[key]))
        g = got[key]
        if diag == "-":
            if g != "-":
                false_claims.append((key, g, bug))
            continue
        per[diag][0] += 1
        if g == diag:
            per[diag][1] += 1
    total = sum(n for n, _ in per.values())
    hits = sum(h for _, h in per.values())
    print("diagnosis                       signatures  diagnosed")
    for d in sorted(per):
        n, h = per[d]
        print("  %-30s %8d   %8d  %5.1f%%" % (d, n, h, 100.0 * h / n))
    rate = hits / total if total else 0.0
    print("  %-30s %8d   %8d  %5.1f%%   target >= 95%%" %
          ("all", total, hits, 100.0 * rate))
    print("false claims: %d (of %d signatures that must get none)" %
          (len(false_claims),
           sum(1 for d, _ in want.values() if d == "-")))
    for k, g, bug in false_claims[:10]:
        print("  FALSE %s#%d: %s (signer bug %s)" % (k[0], k[1], g, bug))
    for k, v, e in wrong_verdicts[:10]:
        print("  VERDICT %s#%d: %s, expected %s" % (k[0], k[1], v, e))
    for k in missing[:10]:
        print("  MISSING %s#%d" % k)
    ok = total > 0 and rate >= 0.95 and not false_claims and \
        not wrong_verdicts and not missing
    print("diagnose: %s" % ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
