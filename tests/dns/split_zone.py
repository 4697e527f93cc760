#!/usr/bin/python3
"""split_zone.py KEYS.ZONE OUTDIR [NEG_TTL]

Turns a master file that holds names of several domains (corpusgen's
keys.zone, a --dns-cache file) into zone files NSD can serve.  Every entry
is rewritten with an absolute owner and filed under its zone: the parent
of "_domainkey" for key names, else the $ORIGIN it was written under, else
the owner itself (the longest such apex that is a suffix of the owner wins).
Each zone gets an SOA record, whose MINIMUM is the negative TTL (RFC 2308,
default 300), and an NS record.  Prints "ZONE FILE" pairs for nsd_start.
"""
import os
import sys


def entries(text):
    """Yields (owner or None, [tokens]) per entry, $-directives included."""
    buf, depth, first = [], 0, None
    for line in text.splitlines():
        toks, i, quoted = [], 0, False
        cur = ""
        while i < len(line):
            c = line[i]
            if quoted:
                cur += c
                if c == "\\" and i + 1 < len(line):
                    cur += line[i + 1]
                    i += 1
                elif c == '"':
                    quoted = False
            elif c == '"':
                quoted = True
                cur += c
            elif c == ";":
                break
            elif c in " \t":
                if cur:
                    toks.append(cur)
                cur = ""
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            else:
                cur += c
            i += 1
        if cur:
            toks.append(cur)
        if not buf and first is None:
            first = line[:1]
        buf += toks
        if depth == 0:
            if buf:
                yield (first not in (" ", "\t", "")), buf
            buf, first = [], None


def main():
    src, out = sys.argv[1], sys.argv[2]
    neg_ttl = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    origin, owner, ttl = "", None, "3600"
    recs, apexes = [], set()
    for has_owner, toks in entries(open(src, encoding="latin-1").read()):
        if has_owner and toks[0].upper() == "$ORIGIN":
            origin = toks[1].rstrip(".").lower()
            apexes.add(origin)
            continue
        if has_owner and toks[0].upper() == "$TTL":
            ttl = toks[1]
            continue
        if has_owner:
            name = toks.pop(0)
            if name == "@":
                owner = origin
            elif name.endswith("."):
                owner = name.rstrip(".").lower()
            else:
                owner = (name + "." + origin).strip(".").lower()
        labels = owner.split(".")
        if "_domainkey" in labels:
            apexes.add(".".join(labels[labels.index("_domainkey") + 1:]))
        recs.append((owner, toks))
    os.makedirs(out, exist_ok=True)
    files = {}
    for owner, toks in recs:
        apex = max((a for a in apexes
                    if owner == a or owner.endswith("." + a)),
                   key=len, default=owner)
        files.setdefault(apex, []).append(
            "%s. %s\n" % (owner, " ".join(toks)))
    for apex in sorted(files):
        path = os.path.join(out, apex + ".zone")
        with open(path, "w", encoding="latin-1") as f:
            f.write("$TTL %s\n" % ttl)
            f.write("%s. 3600 IN SOA ns.%s. hostmaster.%s. "
                    "( 1 7200 900 86400 %d )\n" % (apex, apex, apex, neg_ttl))
            f.write("%s. 3600 IN NS ns.%s.\n" % (apex, apex))
            f.writelines(files[apex])
        print(apex, path)


main()
