#!/usr/bin/python3
"""Verify every DKIM signature of a corpusgen corpus with python3-dkim.

Usage: /usr/bin/python3 dkimpy_verify.py [--jobs N] CORPUS_DIR > dkimpy.tsv

CORPUS_DIR is what `corpusgen --out` wrote: maildir/, keys.zone and
expected.tsv (read only for the list of files and how many DKIM-Signature
fields each holds).  Keys come from keys.zone through a small RFC 1035
master-file reader of our own, handed to dkimpy as its dnsfunc, so no
network is used.

Output, one line per signature, TAB-separated:
    file  idx  outcome  detail
outcome is "pass", "fail" (verify() returned False) or "error" (verify()
raised; detail is the exception class and message).  Lines come in
expected.tsv order.  Run it with /usr/bin/python3: the Debian package
python3-dkim is installed for the system interpreter only.
"""

import argparse
import multiprocessing
import os
import re
import sys

import dkim

# ---------------------------------------------------------------------------
# A minimal RFC 1035 master-file reader: $ORIGIN, $TTL, relative names, "@",
# blank owners, parentheses, comments, quoted and unquoted strings with \X
# and \DDD escapes.  Only TXT records are kept.

_TTL_RE = re.compile(r"^[0-9]+[smhdwSMHDW]?([0-9]+[smhdwSMHDW])*$")
_CLASSES = {"IN", "CH", "HS", "CS"}


def _tokenize(text):
    """Yield (tokens, starts_with_blank) per logical entry."""
    tokens = []
    blank_owner = False
    depth = 0
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and depth == 0:
            if tokens:
                yield tokens, blank_owner
                tokens = []
            blank_owner = c in " \t"
            at_line_start = False
        if c == "\n":
            at_line_start = depth == 0
            i += 1
        elif c in " \t\r":
            i += 1
        elif c == ";":
            while i < n and text[i] != "\n":
                i += 1
        elif c == "(":
            depth += 1
            i += 1
        elif c == ")":
            depth -= 1
            i += 1
        elif c == '"':
            i += 1
            buf = bytearray()
            while i < n and text[i] != '"':
                i = _unescape(text, i, buf)
            i += 1
            tokens.append(("q", bytes(buf)))
        else:
            buf = bytearray()
            while i < n and text[i] not in " \t\r\n;()\"":
                i = _unescape(text, i, buf)
            tokens.append(("w", bytes(buf)))
    if tokens:
        yield tokens, blank_owner


def _unescape(text, i, buf):
    if text[i] == "\\" and i + 1 < len(text):
        if text[i + 1 : i + 4].isdigit() and len(text[i + 1 : i + 4]) == 3:
            buf.append(int(text[i + 1 : i + 4]))
            return i + 4
        buf.extend(text[i + 1].encode("latin-1"))
        return i + 2
    buf.extend(text[i].encode("utf-8"))
    return i + 1


def _absolute(name, origin):
    if name == "@":
        return origin
    if name.endswith("."):
        return name.lower()
    return (name + "." + origin).lower() if origin != "." else name.lower() + "."


def load_zone(path):
    """Return {lowercase absolute name: [TXT record bytes, ...]}."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    origin = "."
    owner = None
    txt = {}
    for tokens, blank in _tokenize(text):
        words = [v.decode("utf-8") if k == "w" else None for k, v in tokens]
        if words[0] == "$ORIGIN":
            origin = _absolute(words[1], ".")
            continue
        if words[0] == "$TTL":
            continue
        pos = 0
        if not blank:
            owner = _absolute(words[0], origin)
            pos = 1
        while pos < len(tokens) and words[pos] is not None and (
            _TTL_RE.match(words[pos]) or words[pos].upper() in _CLASSES
        ):
            pos += 1
        rtype = words[pos].upper()
        if rtype == "TXT":
            txt.setdefault(owner, []).append(b"".join(v for _, v in tokens[pos + 1 :]))
    return txt


# ---------------------------------------------------------------------------

_ZONE = None


def _init(zone_path):
    global _ZONE
    _ZONE = load_zone(zone_path)


def _dnsfunc(name, timeout=5):
    if isinstance(name, bytes):
        name = name.decode("ascii")
    name = name.lower()
    if not name.endswith("."):
        name += "."
    records = _ZONE.get(name)
    return records[0] if records else None


# A header line whose field name is followed by WSP before the colon
# (RFC 5322 §4.5.3 obsolete syntax), which dkimpy's parser refuses.
_OBS_COLON = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]+:", re.M)


def _without_obs_colon(message):
    """Delete WSP before the colon in the header section only."""
    m = re.search(rb"\r?\n\r?\n", message)
    end = m.start() if m else len(message)
    return _OBS_COLON.sub(rb"\1:", message[:end]) + message[end:]


def _verify(job):
    corpus, rel, count = job
    with open(os.path.join(corpus, rel), "rb") as f:
        message = f.read()
    note = ""
    try:
        d = dkim.DKIM(message)
    except dkim.MessageFormatError as e:
        # Relaxed header canonicalization deletes WSP before the colon
        # (RFC 6376 §3.4.2), so a copy without it verifies the same way
        # for relaxed signatures, and for simple ones that do not sign
        # that field.  Only simple signatures over it cannot be checked.
        fixed = _without_obs_colon(message)
        if fixed == message:
            why = "%s: %s" % (type(e).__name__, e)
            return [(rel, i, "error", why) for i in range(count)]
        d = dkim.DKIM(fixed)
        note = "obs-colon normalized; "
    except Exception as e:  # the message itself is refused
        why = "%s: %s" % (type(e).__name__, e)
        return [(rel, i, "error", why) for i in range(count)]
    out = []
    for i in range(count):
        try:
            ok = d.verify(idx=i, dnsfunc=_dnsfunc)
            out.append((rel, i, "pass" if ok else "fail", note))
        except Exception as e:
            out.append((rel, i, "error", "%s%s: %s" % (note, type(e).__name__, e)))
    return out


def _clean(s):
    return re.sub(r"[\t\r\n]+", " ", s)[:300]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("corpus")
    args = ap.parse_args()

    jobs = []
    counts = {}
    with open(os.path.join(args.corpus, "expected.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("file\t"):
                continue
            fields = line.rstrip("\n").split("\t")
            if fields[1] == "-":
                continue
            if fields[0] not in counts:
                counts[fields[0]] = 0
                jobs.append(fields[0])
            counts[fields[0]] += 1
    work = [(args.corpus, rel, counts[rel]) for rel in jobs]
    zone = os.path.join(args.corpus, "keys.zone")
    w = sys.stdout
    if args.jobs > 1:
        with multiprocessing.Pool(args.jobs, _init, (zone,)) as pool:
            results = pool.imap(_verify, work, chunksize=8)
            for res in results:
                for rel, i, outcome, detail in res:
                    w.write("%s\t%d\t%s\t%s\n" % (rel, i, outcome, _clean(detail)))
    else:
        _init(zone)
        for job in work:
            for rel, i, outcome, detail in _verify(job):
                w.write("%s\t%d\t%s\t%s\n" % (rel, i, outcome, _clean(detail)))


if __name__ == "__main__":
    main()
