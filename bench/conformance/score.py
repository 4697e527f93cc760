#!/usr/bin/python3
"""score.py - the correctness table of bench/conformance/run.sh.

    score.py --cases CASES.TSV --out DIR [--enforce NAME] [--allow CASE-NAME ...]
             --impl NAME KIND FILE LABEL ... [--skip "NAME: reason" ...]

Reads the expected verdicts of corpus/conformance/cases.tsv and, for each
implementation, what it answered: KIND "jsonl" is authsweep's --format
jsonl, KIND "peer" the one-line-per-message format every harness of
bench/peers/ prints (bench/README.md, "Peers, side by side"):

    PATH <TAB> VERDICT,D,S,DETAIL <TAB> ...     one field per signature, top first
    PATH <TAB> !error,,,DETAIL                  the peer refused the whole message

A peer's VERDICT is put in RFC 8601 words: pass, fail, policy and
temperror as they are; invalid, unsupported, nokey, revoked, expired and
future are permerror; error (OpenDKIM: signature not processed) and a
refused message are "none", as is a signature the peer left out.

A signature is right when the word is one the case accepts (cases.tsv
"expect": "permerror|fail" accepts both); a case is right when all its
signatures are.  Signatures are matched by d= and s=, in order, since a
peer may leave out a field it cannot parse.  The second figure only asks
pass or not pass, as bench/peers/compare.py does.

Prints the table on standard output and writes DIR/NAME.verdicts.tsv
(every signature: case, expected, got, detail, right) and
DIR/NAME.failures.tsv (the wrong ones).  Exit status 1 when --enforce
names an implementation that got a case wrong, unless --allow names that
case (by its name, which stays when cases are added; ids may not); else 0.
"""

import argparse
import json
import os
import sys

PEER_WORDS = {
    "pass": "pass",
    "fail": "fail",
    "policy": "policy",
    "temperror": "temperror",
    "invalid": "permerror",
    "unsupported": "permerror",
    "nokey": "permerror",
    "revoked": "permerror",
    "expired": "permerror",
    "future": "permerror",
    "error": "none",
}


def load_cases(path):
    cases = []
    now = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# now:"):
                now = int(line.split()[2])
            if not line or line.startswith("#") or line.startswith("id\t"):
                continue
            c = dict(zip(
                ("id", "name", "category", "file", "storage", "signers", "expect", "section",
                 "room", "quote", "why"), line.split("\t")))
            c["signers"] = c["signers"].split()
            c["expect"] = [set(e.split("|")) for e in c["expect"].split()]
            c["base"] = os.path.basename(c["file"])
            cases.append(c)
    return cases, now


def read_jsonl(path):
    """authsweep records -> {basename: [(word, d, s, detail), ...]}"""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            sigs = []
            for s in r.get("dkim", []):
                detail = s.get("code", "")
                if s.get("reason"):
                    detail += ": " + s["reason"]
                sigs.append((s["result"], s.get("d", ""), s.get("s", ""), detail))
            if "error" in r:
                sigs = None
            out[os.path.basename(r["path"])] = (sigs, r.get("error", ""))
    return out


def read_peer(path):
    out = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            sigs = []
            err = ""
            for fld in fields[1:]:
                verdict, d, s, detail = (fld.split(",", 3) + ["", "", ""])[:4]
                if verdict == "!error":
                    sigs, err = None, detail
                    break
                word = PEER_WORDS.get(verdict, "none")
                sigs.append((word, d, s, (verdict + " " + detail).strip()))
            out[os.path.basename(fields[0])] = (sigs, err)
    return out


def match(case, answer):
    """Per expected signature: (word, detail) the implementation gave."""
    sigs, err = answer if answer is not None else (None, "no output line")
    if sigs is None:
        return [("none", "message refused: " + err)] * len(case["signers"])
    used = set()
    got = []
    for signer in case["signers"]:
        d, s = signer.split("/")
        for i, (word, gd, gs, detail) in enumerate(sigs):
            if i not in used and gd.lower() == d.lower() and gs.lower() == s.lower():
                used.add(i)
                got.append((word, detail))
                break
        else:
            got.append(("none", "no result for this signature"))
    return got


def score(cases, answers):
    rows = []
    for c in cases:
        got = match(c, answers.get(c["base"]))
        sig_ok = [w in e for (w, _), e in zip(got, c["expect"])]
        bin_ok = [(w == "pass") == ("pass" in e) for (w, _), e in zip(got, c["expect"])]
        rows.append((c, got, all(sig_ok), all(bin_ok)))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--impl", nargs=4, action="append", default=[],
                    metavar=("NAME", "KIND", "FILE", "LABEL"))
    ap.add_argument("--skip", action="append", default=[])
    ap.add_argument("--enforce", action="append", default=[])
    ap.add_argument("--allow", action="append", default=[])
    ap.add_argument("--title", default="")
    args = ap.parse_args()

    cases, now = load_cases(args.cases)
    nsigs = sum(len(c["signers"]) for c in cases)
    categories = []
    for c in cases:
        if c["category"] not in categories:
            categories.append(c["category"])
    nroom = sum(1 for c in cases if c["room"] != "-")

    results = []
    for name, kind, path, label in args.impl:
        answers = read_jsonl(path) if kind == "jsonl" else read_peer(path)
        rows = score(cases, answers)
        results.append((name, label, rows))
        with open(os.path.join(args.out, name + ".verdicts.tsv"), "w", encoding="utf-8") as v, \
                open(os.path.join(args.out, name + ".failures.tsv"), "w", encoding="utf-8") as fl:
            head = "id\tname\tcategory\tsignature\texpected\tgot\tdetail\tright\n"
            v.write(head)
            fl.write(head)
            for c, got, ok, _ in rows:
                for k, ((word, detail), e) in enumerate(zip(got, c["expect"]), 1):
                    line = "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n" % (
                        c["id"], c["name"], c["category"], k, "|".join(sorted(e)), word,
                        detail.replace("\t", " "), "yes" if word in e else "no")
                    v.write(line)
                    if word not in e:
                        fl.write(line)

    w = sys.stdout.write
    w("%s\n" % args.title if args.title else "")
    w("  %d cases, %d signatures (corpus/conformance/cases.tsv), judged at %s; "
      "* marks the %d cases where the RFC leaves room (reading chosen in cases.tsv)\n"
      % (len(cases), nsigs, now, nroom))
    w("%-24s %-16s %-16s %s\n" % ("implementation", "cases right", "pass/not-pass", "wrong cases, by category"))
    for name, label, rows in results:
        right = sum(1 for r in rows if r[2])
        binr = sum(1 for r in rows if r[3])
        wrong = {}
        for c, _, ok, _ in rows:
            if not ok:
                wrong.setdefault(c["category"], []).append(c["id"] + ("*" if c["room"] != "-" else ""))
        first = True
        pieces = ["%s %s" % (cat, " ".join(wrong[cat])) for cat in categories if cat in wrong] or ["-"]
        for p in pieces:
            if first:
                w("%-24s %3d/%d %5.1f%%   %3d/%d %5.1f%%   %s\n" % (
                    label, right, len(cases), 100.0 * right / len(cases), binr, len(cases),
                    100.0 * binr / len(cases), p))
                first = False
            else:
                w("%-24s %-16s %-16s %s\n" % ("", "", "", p))
    for s in args.skip:
        n, _, why = s.partition(": ")
        w("%-24s skipped: %s\n" % (n, why))

    # Per category.
    w("\ncases right per category\n")
    w("%-16s %5s" % ("category", "cases"))
    for name, _, _ in results:
        w(" %10s" % name[:10])
    w("\n")
    for cat in categories:
        n = sum(1 for c in cases if c["category"] == cat)
        w("%-16s %5d" % (cat, n))
        for _, _, rows in results:
            w(" %10d" % sum(1 for c, _, ok, _ in rows if c["category"] == cat and ok))
        w("\n")

    # What each wrong case of the enforced implementations was.
    status = 0
    for name, label, rows in results:
        bad = [r for r in rows if not r[2]]
        if name in args.enforce or (bad and name == "authsweep"):
            if bad:
                w("\n%s: wrong cases\n" % label)
            for c, got, _, _ in bad:
                w("  %s %s%s%s: expected %s, got %s\n" % (
                    c["id"], c["name"], " (room: see cases.tsv)" if c["room"] != "-" else "",
                    " (allowed)" if c["name"] in args.allow else "",
                    " ".join("|".join(sorted(e)) for e in c["expect"]),
                    "; ".join("%s (%s)" % g for g in got)))
        if name in args.enforce and any(c["name"] not in args.allow for c, _, _, _ in bad):
            status = 1
    w("\ndetails: %s/<implementation>.failures.tsv\n" % args.out)
    sys.exit(status)


if __name__ == "__main__":
    main()
