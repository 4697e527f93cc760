#!/usr/bin/python3
"""zonekeys.py KEYS.ZONE > KEYS.TXT

Turns corpusgen's keys.zone (an RFC 1035 master file: $ORIGIN, relative
names, parentheses, several quoted strings per TXT record) into the one
flat format every peer harness of bench/peers/ reads, so that none of them
needs a zone-file parser or the network:

    <name> <SP> <TXT value>

one line per owner name that holds a TXT record: the name in lower case
without its final dot (k2048a._domainkey.example.com), the value with its
strings joined (RFC 6376 §3.6.2.2).  An owner with several TXT records
keeps the first, as a resolver handing back "the" key would.  The zone is
read by the master-file reader of tests/diff/dkimpy_verify.py, the one the
python3-dkim differential test already trusts.
"""

import os
import sys

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "diff")
)
from dkimpy_verify import load_zone  # noqa: E402


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: zonekeys.py KEYS.ZONE > KEYS.TXT")
    out = sys.stdout.buffer
    for name, records in sorted(load_zone(sys.argv[1]).items()):
        value = records[0]
        if b"\n" in value or b"\r" in value:
            sys.exit("zonekeys: a TXT record of %s holds a line break" % name)
        out.write(name.rstrip(".").encode("ascii") + b" " + value + b"\n")


if __name__ == "__main__":
    main()
