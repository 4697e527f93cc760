#!/usr/bin/python3
"""compare.py --authsweep A.JSONL --peer P.OUT [--details FILE]

Compares the per-signature verdicts of one peer (the TAB-separated lines of
a bench/peers/*_verify harness) with authsweep's (its jsonl records, made
with --now at the same time the peers judge t= and x= against).  Only the
messages the peer reports are compared (a slow peer may see a subset).

A signature agrees when both say pass, or both say anything but pass
(RFC 6376 §6.1: a verifier may stop at the first reason not to pass, and
the reasons differ in wording and order between verifiers).  A message
agrees when all its signatures do.  Signatures are matched by d= and s=
(without case), in order, because a peer leaves out a field it cannot
parse at all.

Prints one line "messages MSGS_AGREE MSGS SIGS_AGREE SIGS", then one line
"COUNT<TAB>CATEGORY" per category of disagreement, largest first.  With
--details, writes every disagreement (path, index, both verdicts) there.
"""

import argparse
import collections
import functools
import json
import re
import sys


def read_authsweep(path):
    recs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            recs[r["path"]] = r
    return recs


def read_peer(path):
    """{path: (refusal detail or None, [(verdict, d, s, detail), ...])}"""
    res = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            sigs, refused = [], None
            for field in fields[1:]:
                verdict, d, s, detail = (field.split(",", 3) + ["", "", ""])[:4]
                if verdict == "!error":
                    refused = detail
                else:
                    sigs.append((verdict, d, s, detail))
            res[fields[0]] = (refused, sigs)
    return res


class Message:
    """What the categories need to know about a message file."""

    def __init__(self, path):
        with open(path, "rb") as f:
            raw = f.read()
        m = re.search(rb"\r?\n\r?\n", raw)
        self.has_body_separator = m is not None
        header = raw[: m.start()] if m else raw
        body = raw[m.end() :] if m else b""
        self.header_8bit = re.search(rb"[\x80-\xff]", header) is not None
        self.header_a0 = b"\xa0" in header
        self.unterminated = body != b"" and not body.endswith(b"\n")


@functools.lru_cache(maxsize=64)
def message(path):
    return Message(path)


def category(a, p, msg):
    """Why authsweep's signature A and the peer's verdict P differ."""
    code, alg = a.get("code", ""), a.get("a", "").lower()
    verdict, detail = (p[0], p[3]) if p is not None else ("", "")
    if a["result"] == "policy" and code == "sha1" and verdict == "pass":
        return "rsa-sha1 passed by the peer (authsweep: policy, RFC 8301)"
    if a["result"] == "policy" and code == "key-small" and verdict == "pass":
        return "RSA key under 1024 bits passed by the peer (authsweep: policy, RFC 8301)"
    if alg.startswith("ed25519") and verdict == "unsupported":
        return "ed25519-sha256 unsupported by the peer (RFC 8463)"
    if code == "expired" or verdict in ("expired", "future"):
        return "expiry: authsweep %s/%s, peer %s" % (a["result"], code, verdict)
    if a["result"] == "pass" and not msg.has_body_separator:
        return (
            "message without a body (no empty line after the header "
            "section): the peer says %s" % ("nothing" if p is None else ("%s %s" % (verdict, detail)).strip())
        )
    if p is None:
        return "the peer gives no result for the signature (a=%s)" % alg
    if a["result"] == "pass" and msg.unterminated and (
        (verdict == "fail" and detail == "bh") or "length" in detail
    ):
        return (
            "body whose last line has no line break: the peer's body hash differs "
            "(RFC 6376 3.4.3/3.4.4 add the CRLF; peer %s %s)" % (verdict, detail)
        )
    if a["result"] == "pass" and verdict == "fail" and detail == "sig" and msg.header_a0:
        return (
            "byte 0xA0 in the header section (UTF-8 of U+00E0 and others): "
            "the peer's header hash differs"
        )
    if a["result"] == "pass" and verdict == "fail" and detail == "sig" and msg.header_8bit:
        return "8-bit bytes in the header section: the peer's header hash differs"
    tail = " (%s)" % detail if detail and verdict not in ("fail",) else ""
    return "authsweep %s/%s, peer %s%s" % (a["result"], code, verdict, tail)


def refusal(detail):
    if "Unexpected characters in RFC822 header" in detail:
        return (
            "the peer refuses the message: white space before a header "
            "field's colon (RFC 5322 4.5.3 obsolete syntax)"
        )
    return "the peer refuses the message: %s" % re.sub(r": b['\"].*$", "", detail)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--authsweep", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--details")
    args = ap.parse_args()

    ref = read_authsweep(args.authsweep)
    peer = read_peer(args.peer)
    msgs = msgs_ok = sigs = sigs_ok = 0
    cats = collections.Counter()
    details = []
    for path, (refused, psigs) in peer.items():
        r = ref.get(path)
        if r is None:
            cats["message not in authsweep's records"] += 1
            details.append((path, "-", "-", "not in authsweep's records"))
            continue
        msgs += 1
        asigs = r.get("dkim", [])
        used = [False] * len(psigs)
        agree = True
        for i, a in enumerate(asigs):
            sigs += 1
            p = None
            if refused is None:
                key = (a.get("d", "").lower(), a.get("s", "").lower())
                for j, q in enumerate(psigs):
                    if not used[j] and (q[1].lower(), q[2].lower()) == key:
                        used[j] = True
                        p = q
                        break
            a_pass = a["result"] == "pass"
            p_pass = p is not None and p[0] == "pass"
            if a_pass == p_pass:
                sigs_ok += 1
                continue
            agree = False
            if refused is not None:
                why = refusal(refused)
            else:
                why = category(a, p, message(path))
            cats[why] += 1
            details.append((path, str(i), "%s/%s" % (a["result"], a.get("code", "")),
                            ",".join(p) if p else "(none)"))
        for j, q in enumerate(psigs):
            if not used[j] and q[0] == "pass":
                agree = False
                cats["peer passes a signature authsweep does not list"] += 1
                details.append((path, "+", "-", ",".join(q)))
        if agree:
            msgs_ok += 1
    missing = len([p for p in ref if p not in peer])
    print("messages %d %d %d %d" % (msgs_ok, msgs, sigs_ok, sigs))
    for why, n in cats.most_common():
        print("%d\t%s" % (n, why))
    if args.details:
        with open(args.details, "w", encoding="utf-8") as f:
            f.write("# %d messages of authsweep's records not run by the peer\n" % missing)
            f.write("# path\tidx\tauthsweep\tpeer\n")
            for d in details:
                f.write("\t".join(d) + "\n")


if __name__ == "__main__":
    sys.exit(main())
