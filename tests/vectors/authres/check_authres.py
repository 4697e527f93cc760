#!/usr/bin/python3
"""check_authres.py DUMP_AUTHRES VECTORS.json

Runs the python-authres parse vectors (tests/vectors/conformance/
authres-python/) through auth/authres.c, by way of the dump_authres
filter, and checks each expectation the parsed structure can answer:
authserv-id, each result's method, result, reason and properties, the
<ptype>_<property> shortcuts, and the re-serialized resinfo (authres drops
comments, and so does the parser).  Checks of authres's own Python API
(AttributeError for an unregistered shortcut) are counted as not
applicable.  Deviations are listed below with the rule behind them; the
run fails on any other difference and on a listed deviation that no
longer happens.
"""
import json
import re
import subprocess
import sys

DEVIATIONS = {}

# Single checks where the parser deliberately differs from authres.
CHECK_DEVIATIONS = {
    ("authres-20", "str($.results[0])"):
        "authres re-serializes without the properties that have no ptype "
        "(\"version=TLSv1.2\"); authsweep keeps them, since receivers "
        "write them (x-tls, authres-22), with an empty ptype",
}


def unquote(v):
    if v is not None and len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return re.sub(r"\\(.)", r"\1", v[1:-1])
    return v


class Prop:
    # Keywords compare case-insensitively (RFC 8601 §2.2); authres
    # lowercases them, so the names are lowercased here to compare.
    def __init__(self, t, n, v):
        self.type, self.name = t.lower(), n.lower()
        self.raw, self.value = v, unquote(v)


class Result:
    def __init__(self, d):
        self.method = d["method"]
        self.result = d["result"]
        self.reason = unquote(d["reason"])
        self.properties = [Prop(*p) for p in d["props"]]

    def __getattr__(self, attr):
        if "_" not in attr:
            raise AttributeError(attr)
        t, n = attr.split("_", 1)
        for p in self.properties:
            if p.type.lower() == t and p.name.lower() == n:
                return p.value
        return None

    def __str__(self):
        s = "%s=%s" % (self.method, self.result)
        if self.reason is not None:
            s += " reason=%s" % json.dumps(self.reason)
        for p in self.properties:
            if p.type:
                s += " %s.%s=%s" % (p.type, p.name, p.raw)
            else:
                s += " %s=%s" % (p.name, p.raw)
        return s


class AR:
    def __init__(self, d):
        self.authserv_id = unquote(d["authserv_id"])
        self.results = [Result(r) for r in d["results"]]


def main():
    vectors = json.load(open(sys.argv[2], encoding="utf-8"))
    cases = vectors["parse_cases"]
    inputs = "".join(c["input"].replace("\n", "\\n") + "\n" for c in cases)
    out = subprocess.run([sys.argv[1]], input=inputs.encode(),
                         capture_output=True, check=True).stdout.decode()
    dumps = [json.loads(l) for l in out.splitlines()]
    assert len(dumps) == len(cases)
    agree = na = bad = dev = 0
    seen = set()
    for c, d in zip(cases, dumps):
        cid = c["id"]
        if "expect_error" in c and c["expect_error"] is not None:
            ok = not d["ok"]
            checks = []
        else:
            ok = d["ok"]
            checks = c.get("checks", [])
        if cid in DEVIATIONS:
            seen.add(cid)
            if ok:
                print("stale deviation: %s" % cid)
                bad += 1
            else:
                dev += 1
            continue
        if not ok:
            print("%s: parse %s (%s)" % (cid, "succeeded" if d["ok"] else
                                          "failed", d.get("why")))
            bad += 1
            continue
        agree += 1
        ar = AR(d) if d["ok"] else None
        for ch in checks:
            expr = ch["expr"]
            if expr.startswith("try:"):
                na += 1
                continue
            code = expr.replace("$", "ar")
            try:
                got = eval(code)  # the vectors' own expressions
            except Exception as e:  # noqa: BLE001
                print("%s: %s raised %r" % (cid, expr, e))
                bad += 1
                continue
            want = ch["want"]
            if (cid, expr) in CHECK_DEVIATIONS:
                seen.add((cid, expr))
                if repr(got) == want or str(got) == want:
                    print("stale deviation: %s %s" % (cid, expr))
                    bad += 1
                else:
                    dev += 1
                continue
            if repr(got) == want or str(got) == want:
                agree += 1
            else:
                print("%s: %s = %r, want %s" % (cid, expr, got, want))
                bad += 1
    for cid in list(DEVIATIONS) + list(CHECK_DEVIATIONS):
        if cid not in seen:
            print("stale deviation: %s" % cid)
            bad += 1
    print("authres vectors: %d agree, %d documented deviations, "
          "%d not applicable (authres API), %d mismatches"
          % (agree, dev, na, bad))
    sys.exit(1 if bad else 0)


main()
