#!/usr/bin/python3
"""arc_valimail.py SUITE.yml

Turns the ValiMail ARC validation suite (YAML, tests/vectors/conformance/
arc-valimail/) into the plain format tests/vectors/arc.c reads, on
standard output:

    S <scenario description>
    K <name> <TXT value>                 one per DNS record
    T <id> <cv> <length>\\n<message>\\n    cv: pass, fail or none

The messages are YAML literal blocks with LF line endings; they are
written with CRLF.  An expected cv of "" (three tests whose newest seal
already says cv=fail) is written as fail, as every known harness reads it.
"""
import sys

import yaml


def main():
    out = sys.stdout.buffer
    with open(sys.argv[1], encoding="utf-8") as f:
        docs = list(yaml.safe_load_all(f))
    for doc in docs:
        if not doc or "tests" not in doc:
            continue
        desc = " ".join(str(doc.get("description", "")).split())
        out.write(b"S %s\n" % desc.encode())
        for name, value in (doc.get("txt-records") or {}).items():
            value = " ".join(str(value).split("\n"))
            out.write(b"K %s %s\n" % (name.encode(), value.encode()))
        for tid, t in doc["tests"].items():
            cv = (t.get("cv") or "fail").lower()
            msg = (t.get("message") or "").replace("\r\n", "\n")
            data = msg.replace("\n", "\r\n").encode("utf-8")
            out.write(b"T %s %s %d\n" % (tid.encode(), cv.encode(), len(data)))
            out.write(data + b"\n")


main()
