#!/usr/bin/python3
"""Compare authsweep's verdicts with the corpus expectations and with dkimpy.

Usage: /usr/bin/python3 compare.py --corpus DIR --authsweep FILE.jsonl
           --dkimpy FILE.tsv --readme tests/diff/README.md [--details FILE]

Checks, per DKIM-Signature field (file, idx):
 1. authsweep against expected.tsv: result and code must match exactly, and
    every message must have a record with the expected number of
    signatures.
 2. authsweep against python3-dkim: pass or not pass must agree, unless the
    disagreement falls in a category documented in README.md (the table of
    known, deliberate differences).  Each rule below names its category; a
    category that the README does not list counts as undocumented.

Prints a one-line summary and a table of counts; exits 1 on any mismatch
in check 1 or any undocumented disagreement in check 2.
"""

import argparse
import collections
import json
import os
import re
import sys
import time


def read_expected(path):
    exp = collections.OrderedDict()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("file\t"):
                continue
            fl = line.rstrip("\n").split("\t")
            sigs = exp.setdefault(fl[0], [])
            if fl[1] != "-":
                sigs.append(
                    dict(d=fl[2], s=fl[3], a=fl[4], c=fl[5], result=fl[6], code=fl[7])
                )
    return exp


def read_authsweep(path, corpus):
    recs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            recs[os.path.relpath(r["path"], corpus)] = r
    return recs


def read_dkimpy(path):
    res = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            rel, idx, outcome, detail = line.rstrip("\n").split("\t", 3)
            res[(rel, int(idx))] = (outcome, detail)
    return res


def documented_keys(readme):
    """The category keys of README.md's table: rows starting "| `key` |"."""
    keys = set()
    with open(readme, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\|\s*`([a-z0-9-]+)`\s*\|", line)
            if m:
                keys.add(m.group(1))
    return keys


# ---------------------------------------------------------------------------
# Our own view of the message, independent of both verifiers.


def split_message(raw):
    """Return (fields, body): fields as (name, value) with WSP before the
    colon kept in the name; body is None when there is no empty line."""
    lines = re.split(rb"\r?\n", raw)
    fields = []
    body = None
    for i, line in enumerate(lines):
        if line == b"":
            body = raw.split(b"\n", i + 1)[-1] if i + 1 < len(lines) else b""
            break
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1][1] += b"\n" + line
        else:
            name, _, value = line.partition(b":")
            fields.append([name, value])
    return fields, body


def sig_tags(fields, idx):
    sigs = [v for n, v in fields if n.strip().lower() == b"dkim-signature"]
    if idx >= len(sigs):
        return {}
    tags = {}
    for spec in re.sub(rb"\s+", b"", sigs[idx]).split(b";"):
        k, _, v = spec.partition(b"=")
        if k:
            tags[k.decode("ascii", "replace")] = v.decode("ascii", "replace")
    return tags


def odd_colon(fields):
    return any(re.search(rb"[ \t]$", n) for n, _ in fields)


def eol_wsp(body):
    """The body's last line has no line ending and ends in WSP."""
    return body is not None and body[-1:] in (b" ", b"\t")


# ---------------------------------------------------------------------------
# Rules for known differences.  Each returns a category key or None; the
# first rule that matches wins.


def classify(a, dk, tags, fields, body, now):
    outcome, detail = dk
    a_pass = a["result"] == "pass"
    if not a_pass and outcome == "pass":
        if a["code"] == "sha1" and tags.get("a") == "rsa-sha1":
            return "rsa-sha1"
        if a["code"] == "key-small":
            return "key-small"
    if a_pass and outcome == "fail" and detail.startswith("obs-colon normalized"):
        # dkimpy verified a copy without WSP before the colon: that is
        # equivalent only under relaxed header canonicalization.
        if tags.get("c", "simple").split("/")[0] == "simple" and odd_colon(fields):
            return "obs-colon"
    if a_pass and outcome == "error":
        if "x= value is past" in detail and "x" in tags:
            # Valid at arrival (authsweep's evaluation time), expired by
            # the clock dkimpy reads.
            if int(tags["x"]) < now:
                return "x-clock"
        if "t= value is in the future" in detail:
            # dkimpy compares t= with the clock; authsweep has nothing to
            # object to, since t= is before arrival.
            return "t-clock"
        if detail.startswith("MessageFormatError") and odd_colon(fields):
            return "obs-colon"
        if "body hash mismatch" in detail and eol_wsp(body):
            c = tags.get("c", "simple/simple")
            if c.split("/")[-1] == "relaxed" and "/" in c:
                return "relaxed-eol-wsp"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--authsweep", required=True)
    ap.add_argument("--dkimpy", required=True)
    ap.add_argument("--readme", required=True)
    ap.add_argument("--details")
    args = ap.parse_args()

    exp = read_expected(os.path.join(args.corpus, "expected.tsv"))
    recs = read_authsweep(args.authsweep, args.corpus)
    dk = read_dkimpy(args.dkimpy)
    known = documented_keys(args.readme)
    now = int(time.time())

    n_msgs = len(exp)
    n_sigs = 0
    exp_bad = []
    counts = collections.Counter()
    details = []
    for rel, sigs in exp.items():
        r = recs.get(rel)
        if r is None or "error" in r:
            exp_bad.append((rel, "-", "a record", r and r.get("error")))
            continue
        got = r.get("dkim", [])
        if len(got) != len(sigs):
            exp_bad.append((rel, "-", "%d signatures" % len(sigs), len(got)))
            continue
        raw = None
        for i, (e, a) in enumerate(zip(sigs, got)):
            n_sigs += 1
            if (a["result"], a["code"]) != (e["result"], e["code"]):
                exp_bad.append(
                    (rel, i, e["result"] + "/" + e["code"], a["result"] + "/" + a["code"])
                )
            d = dk.get((rel, i))
            if d is None:
                counts["dkimpy: no answer"] += 1
                details.append((rel, i, a["result"], a["code"], "-", "no answer", "undocumented"))
                continue
            if (a["result"] == "pass") == (d[0] == "pass"):
                counts["agree"] += 1
                continue
            if raw is None:
                with open(os.path.join(args.corpus, rel), "rb") as f:
                    raw = f.read()
                fields, body = split_message(raw)
            cat = classify(a, d, sig_tags(fields, i), fields, body, now)
            if cat is not None and cat in known:
                counts["documented: " + cat] += 1
                verdict = cat
            else:
                counts["undocumented" + (" (%s, not in README)" % cat if cat else "")] += 1
                verdict = "undocumented"
            details.append((rel, i, a["result"], a["code"], d[0], d[1], verdict))
    if len(recs) != n_msgs:
        exp_bad.append(("*", "-", "%d records" % n_msgs, len(recs)))

    undoc = sum(v for k, v in counts.items() if not k.startswith(("agree", "documented")))
    documented = sum(v for k, v in counts.items() if k.startswith("documented"))
    print(
        "diff: %d messages, %d signatures; authsweep vs expected.tsv: %d mismatches; "
        "authsweep vs dkimpy: %d agree, %d documented disagreements, %d undocumented"
        % (n_msgs, n_sigs, len(exp_bad), counts["agree"], documented, undoc)
    )
    print("  %-44s %7s" % ("category", "count"))
    print("  %-44s %7d" % ("expected.tsv mismatch", len(exp_bad)))
    for k in sorted(counts, key=lambda k: (not k.startswith("agree"), k)):
        print("  %-44s %7d" % (k, counts[k]))
    if undoc == 0:
        print("  %-44s %7d" % ("undocumented", 0))
    for b in exp_bad[:20]:
        print("  MISMATCH %s idx %s: expected %s, authsweep %s" % b, file=sys.stderr)
    shown = 0
    for d in details:
        if d[-1] == "undocumented" and shown < 20:
            print("  UNDOCUMENTED %s idx %d: authsweep %s/%s, dkimpy %s %s" % d[:6], file=sys.stderr)
            shown += 1
    if args.details:
        with open(args.details, "w", encoding="utf-8") as f:
            f.write("file\tidx\tauthsweep\tcode\tdkimpy\tdetail\tcategory\n")
            for d in details:
                f.write("\t".join(str(x) for x in d) + "\n")
    return 1 if exp_bad or undoc else 0


if __name__ == "__main__":
    sys.exit(main())
