#!/usr/bin/python3
"""fanout.py IN_MAILDIR OUT_MAILDIR COUNT COPIES

A fan-out corpus, as a mailbox provider stores bulk mail: the first COUNT
messages of IN_MAILDIR/cur (in name order), each written COPIES times to
OUT_MAILDIR/cur, every copy with its own Delivered-To and Received fields
on top (unsigned trace fields), the rest byte for byte the same.
"""
import os
import sys


def main():
    src, dst, count, copies = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    names = sorted(os.listdir(os.path.join(src, "cur")))[:count]
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(dst, sub), exist_ok=True)
    n = 0
    for name in names:
        body = open(os.path.join(src, "cur", name), "rb").read()
        eol = b"\r\n" if b"\r\n" in body[:2000] else b"\n"
        for k in range(copies):
            trace = (b"Delivered-To: user%d@example.net" % k + eol +
                     b"Received: from mx%d.example.net by store%d.example.net"
                     b" with LMTP id %05d; Mon, 23 Nov 2026 10:00:%02d +0000"
                     % (k, k, n, k % 60) + eol)
            out = os.path.join(dst, "cur", "%06d.%02d.fanout:2,S" % (n, k))
            with open(out, "wb") as f:
                f.write(trace + body)
        n += 1
    print("%d messages, %d copies each" % (n, copies))


main()
