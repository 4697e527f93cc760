#!/usr/bin/python3
"""dkimpy_verify.py KEYS.TXT < PATHS

python3-dkim (dkimpy, Debian 12: 1.1.4) as a peer of authsweep, for
bench/peers/run.sh.  Verifies every DKIM-Signature of each message file
named on standard input (one path per line), in one process.  Keys come
from KEYS.TXT (bench/peers/zonekeys.py) through dkimpy's dnsfunc, so no
network is used.  Run it with /usr/bin/python3: the Debian package is
installed for the system interpreter only.

Output: one line per message, TAB-separated, as every peer harness here
prints it (bench/README.md, "Peers, side by side"):

    PATH  VERDICT,D,S,DETAIL  ...     one field per signature, top first
    PATH  !error,,,DETAIL             dkimpy refused the whole message

dkimpy runs with its defaults: minkey=1024 (smaller RSA keys raise
KeyFormatError), rsa-sha1 accepted, t= and x= judged against the clock
with 10 hours of slop.  It takes LF-only messages as they are (its parser
splits lines on \\r?\\n).  Each signature is checked by its own
DKIM.verify(idx=i) call, which hashes the body again: that is how the
library is used for more than one signature.
"""

import re
import sys

import dkim
from dkim.util import parse_tag_value

_KEYS = {}
# An empty p= (RFC 6376 §3.6.1): the key was revoked.  verify() returns
# False for it as for a missing key, so the harness looks at the record.
_REVOKED = re.compile(rb"(^|;)\s*p\s*=\s*(;|$)")


def _load_keys(path):
    with open(path, "rb") as f:
        for line in f:
            name, _, value = line.rstrip(b"\n").partition(b" ")
            _KEYS[name.lower()] = value


def _dnsfunc(name, timeout=5):
    if isinstance(name, str):
        name = name.encode("ascii")
    return _KEYS.get(name.lower().rstrip(b"."))


def _clean(s):
    return re.sub(r"[\t\r\n]+", " ", s)[:200]


def _classify(e):
    """Turn a dkimpy exception into (verdict, detail)."""
    msg = str(e)
    if "x= value is past" in msg:
        return "expired", ""
    if "t= value is in the future" in msg:
        return "future", ""
    if "body hash mismatch" in msg:
        return "fail", "bh"
    if "public key too small" in msg:
        return "policy", "key-small"
    if isinstance(e, dkim.KeyFormatError) and "missing public key" in msg:
        return "nokey", ""
    if "unknown signature algorithm" in msg or isinstance(
        e, dkim.UnknownKeyTypeError
    ):
        return "unsupported", msg
    return "invalid", "%s: %s" % (type(e).__name__, msg)


def _tags(value):
    try:
        t = parse_tag_value(value)
        return (
            t.get(b"d", b"-").decode("ascii", "replace"),
            t.get(b"s", b"-").decode("ascii", "replace"),
        )
    except Exception:
        return "-", "-"


def _verify(path):
    try:
        with open(path, "rb") as f:
            message = f.read()
        d = dkim.DKIM(message)
    except Exception as e:
        return ["!error,,,%s: %s" % (type(e).__name__, _clean(str(e)))]
    sigs = [v for k, v in d.headers if k.lower() == b"dkim-signature"]
    out = []
    for i, value in enumerate(sigs):
        sd, ss = _tags(value)
        key = _KEYS.get(("%s._domainkey.%s" % (ss, sd)).lower().encode())
        try:
            if d.verify(idx=i, dnsfunc=_dnsfunc):
                verdict, detail = "pass", ""
            elif key is None:
                verdict, detail = "nokey", ""
            elif _REVOKED.search(key):
                verdict, detail = "revoked", ""
            else:
                verdict, detail = "fail", "sig"
        except Exception as e:
            verdict, detail = _classify(e)
        out.append("%s,%s,%s,%s" % (verdict, sd, ss, _clean(detail)))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: dkimpy_verify.py KEYS.TXT < PATHS")
    _load_keys(sys.argv[1])
    w = sys.stdout
    for line in sys.stdin:
        path = line.rstrip("\n")
        if path:
            w.write("\t".join([path] + _verify(path)) + "\n")


if __name__ == "__main__":
    main()
