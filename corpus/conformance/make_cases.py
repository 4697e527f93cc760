#!/usr/bin/python3
"""make_cases.py - writes the DKIM canonicalization conformance corpus.

    /usr/bin/python3 corpus/conformance/make_cases.py           # (re)write the corpus
    /usr/bin/python3 corpus/conformance/make_cases.py --check   # compare with the files checked in

Every case is a message signed here, by this file, with the TEST-ONLY keys
of corpus/keys/ (never trust them for real mail), plus what a verifier
must answer for each of its DKIM-Signature fields and the sentence of the
RFC that decides it.  The format is described in README.md next to this
file.

The canonicalizers below are written from RFC 6376 section 3.4 alone, as
plainly as possible, and share nothing with authsweep: the point of the
corpus is to catch a verifier, authsweep included, that canonicalizes
wrongly.  Before anything is written, a small verifier in this file reads
each stored message back (bare LF read as CRLF), recomputes both hashes,
checks the signatures and asserts that it reaches the expected verdicts.

Output is deterministic (RSA PKCS#1 v1.5 and Ed25519 signatures are, and
every date is fixed): running it twice gives byte-identical files.

Needs python3-cryptography (Debian 12: 38.0.4), installed for the system
interpreter, hence /usr/bin/python3.
"""

import argparse
import base64
import filecmp
import hashlib
import os
import re
import shutil
import sys
import tempfile

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
except ImportError:
    sys.exit(
        "make_cases.py needs python3-cryptography "
        "(apt-get install python3-cryptography; run it with /usr/bin/python3)"
    )

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
KEYS_DIR = os.path.join(ROOT, "corpus", "keys")

DOMAIN = "conformance.example"
T_SIGN = 1700000000  # t= of every signature: 2023-11-14 22:13:20 UTC
NOW = T_SIGN + 3600  # the time verifiers are asked to judge at
DATE = "Tue, 14 Nov 2023 22:13:20 +0000"

# selector -> (key file, algorithm)
SELECTORS = {
    "rsa": ("rsa2048-a.pem", "rsa-sha256"),
    "rsb": ("rsa2048-b.pem", "rsa-sha256"),
    "ed": ("ed25519-a.pem", "ed25519-sha256"),
}

CRLF = b"\r\n"
FWS_CHARS = b" \t\r\n"

# ---------------------------------------------------------------------------
# RFC 6376 section 3.4, written out.  Input is always CRLF text: a stored
# message is first read with every bare LF taken as CRLF (see read_message).
# ---------------------------------------------------------------------------

WSP_RUN = re.compile(rb"[ \t]+")  # WSP is SP or HTAB (RFC 5234), nothing else


def body_simple(body):
    """3.4.3: "*CRLF" at the end becomes one CRLF; a CRLF is added when
    there is none (so an empty or missing body is one CRLF)."""
    while body.endswith(CRLF):
        body = body[:-2]
    return body + CRLF


def body_relaxed(body):
    """3.4.4: (a) per line, WSP at the end deleted and every WSP run made
    one SP; (b) empty lines at the end deleted; a CRLF after a last line
    that has none.  An empty result stays empty."""
    lines = body.split(CRLF)
    if lines[-1] == b"":  # the body ended in CRLF (or was empty)
        lines.pop()
    out = [WSP_RUN.sub(b" ", line).rstrip(b" ") for line in lines]
    while out and out[-1] == b"":
        out.pop()
    return b"".join(line + CRLF for line in out)


def split_field(raw):
    """A header field as stored ("Name: value" + CRLF, folding included)
    -> (name, value), the value without its final CRLF."""
    assert raw.endswith(CRLF), raw
    name, colon, value = raw.partition(b":")
    assert colon, raw
    return name, value[:-2]


def field_name(raw):
    """The name a field is selected by: WSP before the colon (RFC 5322
    section 4.5.3 obsolete syntax) is not part of it; case is ignored."""
    return split_field(raw)[0].rstrip(b" \t").lower()


def header_simple(raw):
    """3.4.1: the field exactly as it is, with its CRLF."""
    return raw


def header_relaxed(raw):
    """3.4.2, the five steps in order."""
    name, value = split_field(raw)
    name = name.lower()  # 1. names to lower case
    value = value.replace(CRLF, b"")  # 2. unfold (every CRLF in a field precedes WSP)
    value = WSP_RUN.sub(b" ", value)  # 3. WSP runs to one SP
    value = value.rstrip(b" ")  # 4. WSP at the end of the value
    name = name.rstrip(b" \t")  # 5. WSP before and after the colon
    value = value.lstrip(b" ")
    return name + b":" + value + CRLF


def parse_h(value):
    """h= -> list of names, FWS around each colon removed."""
    return [n.strip(FWS_CHARS) for n in value.split(b":")]


def select_fields(fields, names, topdown=False):
    """5.4.2: for each name of h=, the last field of that name not taken
    yet (bottom-up); None when there is none left (contributes nothing)."""
    taken = set()
    out = []
    for name in names:
        idx = [i for i, f in enumerate(fields) if i not in taken and field_name(f) == name.lower()]
        if not idx:
            out.append(None)
            continue
        i = idx[0] if topdown else idx[-1]
        taken.add(i)
        out.append(fields[i])
    return out


def without_b_value(raw):
    """3.7: the field with the value of its b= tag, and the whitespace
    around that value, deleted.  raw ends with CRLF and so does the result."""
    body = raw[:-2]
    name, colon, value = body.partition(b":")
    segs = value.split(b";")
    for i, seg in enumerate(segs):
        tname, eq, _ = seg.partition(b"=")
        if eq and tname.strip(FWS_CHARS) == b"b":
            segs[i] = tname + eq
    return name + colon + b";".join(segs) + CRLF


def header_hash_input(fields, sig_field_without_b, hcanon, names):
    """3.7 hash step 2: the fields h= names (bottom-up), each with its
    CRLF, then the DKIM-Signature field without b= value and without its
    final CRLF."""
    canon = header_relaxed if hcanon == "relaxed" else header_simple
    data = b"".join(canon(f) for f in select_fields(fields, names) if f is not None)
    return data + canon(sig_field_without_b)[:-2]


def b64(data):
    return base64.b64encode(data)


def sha256_b64(data):
    return b64(hashlib.sha256(data).digest())


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------

_PRIVATE = {}


def private_key(selector):
    if selector not in _PRIVATE:
        path = os.path.join(KEYS_DIR, SELECTORS[selector][0])
        with open(path, "rb") as f:
            _PRIVATE[selector] = serialization.load_pem_private_key(f.read(), password=None)
    return _PRIVATE[selector]


def public_p(selector):
    """p= of the key record: SubjectPublicKeyInfo for RSA (RFC 6376
    3.6.1), the raw 32 bytes for Ed25519 (RFC 8463 4.2)."""
    pub = private_key(selector).public_key()
    if SELECTORS[selector][1] == "ed25519-sha256":
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    else:
        raw = pub.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    return b64(raw).decode()


def sign_data(selector, data):
    key = private_key(selector)
    if SELECTORS[selector][1] == "ed25519-sha256":
        # RFC 8463 section 3: Ed25519 signs the SHA-256 hash of the data.
        return key.sign(hashlib.sha256(data).digest())
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def verify_data(selector, data, sig):
    pub = private_key(selector).public_key()
    try:
        if SELECTORS[selector][1] == "ed25519-sha256":
            pub.verify(sig, hashlib.sha256(data).digest())
        else:
            pub.verify(sig, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


# ---------------------------------------------------------------------------
# The signer.  A case may make it sign the way a broken signer does
# (body_bug, hdr_bug): the verdict expected is then fail.
# ---------------------------------------------------------------------------


class Sig:
    """One DKIM-Signature to add.

    c       the c= value as written; None leaves the tag out
    hash_c  (header, body) canonicalization actually hashed; by default
            what c= means (absent: simple/simple; one name: name/simple)
    h       the h= value as written
    l       the l= value as written (str or int), or None
    sel     selector (rsa, rsb, ed); the algorithm follows from it
    template  the whole field, with {bh} and {b} for the two values,
            instead of the default layout
    fold    how the b= value is folded: (width, joiner); None: one line
    body_bug  function(raw body) -> the bytes a broken signer hashed
    hdr_bug   name of a header-hash mistake (see header_input_with_bug;
            "b-fws-kept" is handled in sign())
    extra   unknown tags put before h= in the default layout
    bh_fold   a fold put into the bh= value after 20 characters
    """

    def __init__(self, c="relaxed/relaxed", h=b"from:to:subject:date:message-id", l=None,
                 sel="rsa", template=None, fold=(64, b"\r\n\t"), hash_c=None,
                 body_bug=None, hdr_bug=None, extra=b"", bh_fold=None):
        self.c = c
        self.bh_fold = bh_fold
        self.h = h if isinstance(h, bytes) else h.encode()
        self.l = l
        self.sel = sel
        self.alg = SELECTORS[sel][1]
        self.fold = fold
        self.body_bug = body_bug
        self.hdr_bug = hdr_bug
        self.extra = extra
        self.template = template if template is not None else self.default_template()
        if hash_c is None:
            hash_c = canon_of(c)
        self.hash_c = hash_c

    def default_template(self):
        t = b"DKIM-Signature: v=1; a=" + self.alg.encode() + b"; "
        if self.c is not None:
            t += b"c=" + self.c.encode() + b"; "
        t += b"d=" + DOMAIN.encode() + b"; s=" + self.sel.encode() + b";\r\n\tt=%d; " % T_SIGN
        if self.l is not None:
            t += b"l=" + str(self.l).encode() + b"; "
        t += self.extra
        t += b"h=" + self.h + b";\r\n\tbh={bh};\r\n\tb={b}\r\n"
        return t

    def render(self, bh, b):
        if self.bh_fold is not None:
            bh = bh[:20] + self.bh_fold + bh[20:]
        return self.template.replace(b"{bh}", bh).replace(b"{b}", b)

    def render_unsigned(self, bh):
        """The field as hashed: the b= value and the FWS around it left
        out of the template."""
        before, after = self.render(bh, b"{b}").split(b"{b}")
        assert re.search(rb"b[ \t]*=[ \t\r\n]*$", before), before
        return before.rstrip(FWS_CHARS) + (after.lstrip(FWS_CHARS) or CRLF)

    def fold_b(self, value):
        if self.fold is None:
            return value
        width, joiner = self.fold
        return joiner.join(value[i:i + width] for i in range(0, len(value), width))


def canon_of(c):
    """c= -> (header, body) per RFC 6376 3.5; None when not recognized."""
    if c is None:
        return ("simple", "simple")
    parts = c.split("/")
    known = ("simple", "relaxed")
    if len(parts) == 1 and parts[0] in known:
        return (parts[0], "simple")
    if len(parts) == 2 and parts[0] in known and parts[1] in known:
        return (parts[0], parts[1])
    return None


def header_input_with_bug(fields, sig_field_without_b, hcanon, names, bug):
    """The header hash input of a broken signer."""
    if bug is None:
        return header_hash_input(fields, sig_field_without_b, hcanon, names)
    canon = header_relaxed if hcanon == "relaxed" else header_simple
    if bug == "name-case-kept":  # relaxed, but the names keep their case
        def canon(raw):
            lowered = header_relaxed(raw)
            return split_field(raw)[0].rstrip(b" \t") + lowered[lowered.index(b":"):]
    elif bug == "colon-wsp-kept":  # relaxed, but WSP before the colon stays
        def canon(raw):
            lowered = header_relaxed(raw)
            return split_field(raw)[0].lower() + lowered[lowered.index(b":"):]
    elif bug == "unfold-eats-wsp":  # unfolding deletes CRLF and the WSP after it
        def canon(raw):
            name, value = split_field(raw)
            value = re.sub(rb"\r\n[ \t]+", b"", value)
            return header_relaxed(name + b":" + value + CRLF)
    elif bug == "nbsp-is-wsp":  # byte 0xA0 treated as WSP (a JavaScript \s)
        def canon(raw):
            name, value = split_field(raw)
            value = value.replace(CRLF, b"")
            value = re.sub(rb"[ \t\xa0]+", b" ", value).strip(b" ")
            return name.lower().rstrip(b" \t") + b":" + value + CRLF
    elif bug == "trailing-wsp-kept":  # relaxed, WSP at the value end kept (as one SP)
        def canon(raw):
            name, value = split_field(raw)
            value = WSP_RUN.sub(b" ", value.replace(CRLF, b"")).lstrip(b" ")
            return name.lower().rstrip(b" \t") + b":" + value + CRLF
    elif bug == "hashed-relaxed":  # c= says simple, the signer hashed relaxed
        canon = header_relaxed
    data = b""
    for name, f in zip(names, select_fields(fields, names, topdown=(bug == "topdown"))):
        if f is None:
            if bug == "absent-contributes":
                data += name.lower() + b":" + CRLF
            continue
        data += canon(f)
    sig = canon(sig_field_without_b)
    if bug == "sig-with-crlf":
        return data + sig
    if bug == "sig-without-b-tag":
        sig = re.sub(rb";[ \t\r\n]*b=(?=[;\r\n]|$)", b"", sig)
    return data + sig[:-2]


def sign(msg, sig):
    """Add sig on top of msg's header, signed over msg as it is now."""
    hcanon, bcanon = sig.hash_c
    body = msg.body if msg.body is not None else b""
    if sig.body_bug is not None:
        canon_body = sig.body_bug(body)
    else:
        canon_body = (body_relaxed if bcanon == "relaxed" else body_simple)(body)
        if sig.l is not None:
            canon_body = canon_body[:int(sig.l)]
    bh = sha256_b64(canon_body)
    unsigned = sig.render_unsigned(bh)
    names = parse_h(tags_of(unsigned)[b"h"])
    if sig.hdr_bug == "b-fws-kept":  # FWS between "b=" and the value kept
        data = header_hash_input(msg.fields, sig.render(bh, b""), hcanon, names)
    else:
        data = header_input_with_bug(msg.fields, unsigned, hcanon, names, sig.hdr_bug)
    b = sig.fold_b(b64(sign_data(sig.sel, data)))
    field = sig.render(bh, b)
    assert without_b_value(field) == unsigned, (field, unsigned)
    msg.fields.insert(msg.sig_at, field)


# ---------------------------------------------------------------------------
# The checking verifier: reads a stored message back and judges each
# DKIM-Signature, to make sure every expected verdict holds.
# ---------------------------------------------------------------------------


class PermError(Exception):
    pass


def tags_of(raw_field):
    """3.2 tag=value list of a field -> {name: value}, FWS around both
    removed."""
    _, value = split_field(raw_field)
    tags = {}
    for seg in value.split(b";"):
        if not seg.strip(FWS_CHARS):
            continue  # the optional ";" at the end
        name, eq, val = seg.partition(b"=")
        if not eq:
            raise PermError("tag without =")
        name = name.strip(FWS_CHARS)
        if not re.fullmatch(rb"[A-Za-z][A-Za-z0-9_]*", name):
            raise PermError("tag name")  # tag-name = ALPHA *ALNUMPUNC
        if name in tags:
            raise PermError("duplicate tag")
        tags[name] = val.strip(FWS_CHARS)
    return tags


def read_message(data):
    """Stored bytes -> (header fields, body or None).  A bare LF is read
    as CRLF (a line end, as the message was before it was stored); a bare
    CR is data."""
    data = re.sub(rb"(?<!\r)\n", CRLF, data)
    fields = []
    pos = 0
    while pos < len(data):
        end = data.find(CRLF, pos)
        line = data[pos:] if end < 0 else data[pos:end + 2]
        if line == CRLF:
            return fields, data[end + 2:]
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += line
        else:
            fields.append(line)
        pos = len(data) if end < 0 else end + 2
    return fields, None


def judge(fields, body, raw):
    """One DKIM-Signature field -> (verdict, detail, header input, body input)."""
    try:
        tags = tags_of(raw)
        for t in (b"v", b"a", b"b", b"bh", b"d", b"h", b"s"):
            if t not in tags:
                raise PermError("missing " + t.decode())
        if tags[b"v"] != b"1":
            raise PermError("v")
        sel = tags[b"s"].decode()
        if tags[b"d"].decode().lower() != DOMAIN or sel not in SELECTORS:
            raise PermError("no key")
        if tags[b"a"].decode() != SELECTORS[sel][1]:
            raise PermError("a")
        c = tags[b"c"].decode() if b"c" in tags else None
        canon = canon_of(c)
        if canon is None:
            raise PermError("c")
        names = parse_h(tags[b"h"])
        if b"from" not in [n.lower() for n in names]:
            raise PermError("h without from")
        canon_body = (body_relaxed if canon[1] == "relaxed" else body_simple)(body or b"")
        if b"l" in tags:
            if not re.fullmatch(rb"[0-9]{1,76}", tags[b"l"]):
                raise PermError("l syntax")
            l = int(tags[b"l"])
            if l > len(canon_body):
                raise PermError("l exceeds the body")
            canon_body = canon_body[:l]
    except PermError as e:
        return "permerror", str(e), None, None
    head = header_hash_input(fields, without_b_value(raw), canon[0], names)
    bh = re.sub(rb"[ \t\r\n]", b"", tags[b"bh"])
    if sha256_b64(canon_body) != bh:
        return "fail", "bh", head, canon_body
    sig = base64.b64decode(re.sub(rb"[ \t\r\n]", b"", tags[b"b"]))
    if not verify_data(sel, head, sig):
        return "fail", "sig", head, canon_body
    return "pass", "", head, canon_body


def judge_message(data):
    fields, body = read_message(data)
    return [judge(fields, body, f) for f in fields if field_name(f) == b"dkim-signature"]


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------


class Msg:
    def __init__(self, fields, body):
        self.fields = list(fields)
        self.body = body
        self.sig_at = 0  # where signatures are inserted

    def field(self, name):
        """Index of the last field named name."""
        name = name.encode().lower()
        return [i for i, f in enumerate(self.fields) if field_name(f) == name][-1]

    def replace(self, name, new):
        self.fields[self.field(name)] = new

    def bytes(self):
        out = b"".join(self.fields)
        if self.body is not None:
            out += CRLF + self.body
        return out


def std_fields(subject, extra=()):
    """The ordinary header of a case: From, To, Subject, Date,
    Message-ID, MIME-Version, Content-Type, then extra fields."""
    subj = subject if isinstance(subject, bytes) else b"Subject: " + subject.encode() + CRLF
    return [
        b"From: Alice Example <alice@conformance.example>\r\n",
        b"To: Bob Example <bob@example.net>\r\n",
        subj,
        b"Date: " + DATE.encode() + CRLF,
        b"Message-ID: <%s@conformance.example>\r\n",
        b"MIME-Version: 1.0\r\n",
        b"Content-Type: text/plain; charset=utf-8\r\n",
    ] + [x for x in extra]


def to_lf(data):
    assert b"\r" not in data.replace(CRLF, b""), "a bare CR cannot be stored LF-only"
    return data.replace(CRLF, b"\n")


def body_to_lf(data):
    """Header CRLF, body LF."""
    head, sep, body = data.partition(CRLF + CRLF)
    return head + sep + to_lf(body)


# ---------------------------------------------------------------------------
# RFC sentences the cases test (RFC 6376 unless said otherwise).
# ---------------------------------------------------------------------------

Q = {
    "2.8": ("RFC 6376 2.8", "WSP represents simple whitespace, i.e., a space or a tab character (formal definition in [RFC5234])."),
    "3.2-case": ("RFC 6376 3.2", "Values MUST be processed as case sensitive unless the specific tag description of semantics specifies case insensitivity."),
    "3.2-unknown": ("RFC 6376 3.2", "Unrecognized tags MUST be ignored."),
    "3.2-wsp": ("RFC 6376 3.2", 'Note that WSP is allowed anywhere around tags. In particular, any WSP after the "=" and any WSP before the terminating ";" is not part of the value; however, WSP inside the value is significant.'),
    "3.2-list": ("RFC 6376 3.2", 'tag-list = tag-spec *( ";" tag-spec ) [ ";" ]'),
    "3.4-default": ("RFC 6376 3.4", 'If no canonicalization algorithm is specified by the Signer, the "simple" algorithm defaults for both header and body.'),
    "3.4-unknown": ("RFC 6376 3.4", "Further canonicalization algorithms MAY be defined in the future; Verifiers MUST ignore any signatures that use unrecognized canonicalization algorithms."),
    "3.4-diff": ("RFC 6376 3.4", "Note that the header and body MAY use different canonicalization algorithms."),
    "3.4.1": ("RFC 6376 3.4.1", 'The "simple" header canonicalization algorithm does not change header fields in any way. Header fields MUST be presented to the signing or verification algorithm exactly as they are in the message being signed or verified. In particular, header field names MUST NOT be case folded and whitespace MUST NOT be changed.'),
    "3.4.2-lower": ("RFC 6376 3.4.2", 'Convert all header field names (not the header field values) to lowercase. For example, convert "SUBJect: AbC" to "subject: AbC".'),
    "3.4.2-unfold": ("RFC 6376 3.4.2", "Unfold all header field continuation lines as described in [RFC5322]; in particular, lines with terminators embedded in continued header field values (that is, CRLF sequences followed by WSP) MUST be interpreted without the CRLF. Implementations MUST NOT remove the CRLF at the end of the header field value."),
    "3.4.2-wsp": ("RFC 6376 3.4.2", "Convert all sequences of one or more WSP characters to a single SP character. WSP characters here include those before and after a line folding boundary."),
    "3.4.2-end": ("RFC 6376 3.4.2", "Delete all WSP characters at the end of each unfolded header field value."),
    "3.4.2-colon": ("RFC 6376 3.4.2", "Delete any WSP characters remaining before and after the colon separating the header field name from the header field value. The colon separator MUST be retained."),
    "3.4.3-empty-lines": ("RFC 6376 3.4.3", 'The "simple" body canonicalization algorithm ignores all empty lines at the end of the message body. An empty line is a line of zero length after removal of the line terminator.'),
    "3.4.3-add": ("RFC 6376 3.4.3", "If there is no body or no trailing CRLF on the message body, a CRLF is added. It makes no other changes to the message body."),
    "3.4.3-formal": ("RFC 6376 3.4.3", 'In more formal terms, the "simple" body canonicalization algorithm converts "*CRLF" at the end of the body to a single "CRLF".'),
    "3.4.3-empty": ("RFC 6376 3.4.3", 'Note that a completely empty or missing body is canonicalized as a single "CRLF"; that is, the canonicalized length will be 2 octets.'),
    "3.4.3-sha": ("RFC 6376 3.4.3", 'The SHA-1 value (in base64) for an empty body (canonicalized to a "CRLF") is: uoq1oCgLlTqpdDX/iUbLy7J1Wic= The SHA-256 value is: frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY='),
    "3.4.4-order": ("RFC 6376 3.4.4", 'The "relaxed" body canonicalization algorithm MUST apply the following steps (a) and (b) in order:'),
    "3.4.4-eol": ("RFC 6376 3.4.4", "Ignore all whitespace at the end of lines. Implementations MUST NOT remove the CRLF at the end of the line."),
    "3.4.4-runs": ("RFC 6376 3.4.4", "Reduce all sequences of WSP within a line to a single SP character."),
    "3.4.4-empty": ("RFC 6376 3.4.4", 'Ignore all empty lines at the end of the message body. "Empty line" is defined in Section 3.4.3. If the body is non-empty but does not end with a CRLF, a CRLF is added.'),
    "3.4.4-sha": ("RFC 6376 3.4.4", "The SHA-1 value (in base64) for an empty body (canonicalized to a null input) is: 2jmj7l5rSw0yVb/vlWAYkK/YBwk= The SHA-256 value is: 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
    "3.4.5-relaxed": ("RFC 6376 3.4.5", "Example 1: A message reading: [...] when canonicalized using relaxed canonicalization for both header and body results in a header reading: a:X <CRLF> b:Y <SP> Z <CRLF> and a body reading: <SP> C <CRLF> D <SP> E <CRLF>"),
    "3.4.5-simple": ("RFC 6376 3.4.5", "Example 2: The same message canonicalized using simple canonicalization for both header and body results in a header reading: A: <SP> X <CRLF> B <SP> : <SP> Y <HTAB><CRLF> <HTAB> Z <SP><SP><CRLF> and a body reading: <SP> C <SP><CRLF> D <SP><HTAB><SP> E <CRLF>"),
    "3.5-b": ("RFC 6376 3.5", "Whitespace is ignored in this value and MUST be ignored when reassembling the original signature. In particular, the signing process can safely insert FWS in this value in arbitrary places to conform to line-length limits."),
    "3.5-bh": ("RFC 6376 3.5", 'bh= The hash of the canonicalized body part of the message as limited by the "l=" tag (base64; REQUIRED). Whitespace is ignored in this value and MUST be ignored when reassembling the original signature.'),
    "3.5-c": ("RFC 6376 3.5", 'c= Message canonicalization (plain-text; OPTIONAL, default is "simple/simple").'),
    "3.5-c-one": ("RFC 6376 3.5", 'If only one algorithm is named, that algorithm is used for the header and "simple" is used for the body. For example, "c=relaxed" is treated the same as "c=relaxed/simple".'),
    "3.5-h-absent": ("RFC 6376 3.5", "The field MAY contain names of header fields that do not exist when signed; nonexistent header fields do not contribute to the signature computation (that is, they are treated as the null input, including the header field name, the separating colon, the header field value, and any CRLF terminator)."),
    "3.5-h-multi": ("RFC 6376 3.5", "The field MAY contain multiple instances of a header field name, meaning multiple occurrences of the corresponding header field are included in the header hash."),
    "3.5-h-others": ("RFC 6376 3.5", "The field MUST NOT include the DKIM-Signature header field that is being created or verified but may include others."),
    "3.5-h-fws": ("RFC 6376 3.5", "Folding whitespace (FWS) MAY be included on either side of the colon separator."),
    "3.5-h-case": ("RFC 6376 3.5", "Header field names MUST be compared against actual header field names in a case-insensitive manner."),
    "3.5-h-order": ("RFC 6376 3.5", "The field MUST contain the complete list of header fields in the order presented to the signing algorithm."),
    "3.5-l": ("RFC 6376 3.5", "This tag informs the Verifier of the number of octets in the body of the email after canonicalization included in the cryptographic hash, starting from 0 immediately following the CRLF preceding the body."),
    "3.5-l-max": ("RFC 6376 3.5", "This value MUST NOT be larger than the actual number of octets in the canonicalized message body."),
    "3.5-l-abnf": ("RFC 6376 3.5", 'sig-l-tag = %x6c [FWS] "=" [FWS] 1*76DIGIT'),
    "3.7-body": ("RFC 6376 3.7", 'In hash step 1, the Signer/Verifier MUST hash the message body, canonicalized using the body canonicalization algorithm specified in the "c=" tag and then truncated to the length specified in the "l=" tag.'),
    "3.7-fields": ("RFC 6376 3.7", 'The header fields specified by the "h=" tag, in the order specified in that tag, and canonicalized using the header canonicalization algorithm specified in the "c=" tag. Each header field MUST be terminated with a single CRLF.'),
    "3.7-sig": ("RFC 6376 3.7", 'The DKIM-Signature header field that exists (verifying) or will be inserted (signing) in the message, with the value of the "b=" tag (including all surrounding whitespace) deleted (i.e., treated as the empty string), canonicalized using the header canonicalization algorithm specified in the "c=" tag, and without a trailing CRLF.'),
    "3.7-dot": ("RFC 6376 3.7", 'However, the hash MUST be computed before transport-level encodings such as SMTP "dot-stuffing" (the modification of lines beginning with a "." to avoid confusion with the SMTP end-of-message marker, as specified in [RFC5321]).'),
    "5.3": ("RFC 6376 5.3", "In particular, bare CR or LF characters (used by some systems as a local line separator convention) MUST be converted to the SMTP-standard CRLF sequence before the message is signed."),
    "5.4.2": ("RFC 6376 5.4.2", 'Signers choosing to sign an existing header field that occurs more than once in the message (such as Received) MUST sign the physically last instance of that header field in the header block. Signers wishing to sign multiple instances of such a header field MUST include the header field name multiple times in the "h=" tag of the DKIM-Signature header field and MUST sign such header fields in order starting from the bottom of the header field block and working upward.'),
    "5.4.2-over": ("RFC 6376 5.4.2", 'The Signer MAY include more instances of a header field name in "h=" than there are actual corresponding header fields so that the signature will not verify if additional header fields of that name are added.'),
    "6.1.1": ("RFC 6376 6.1.1", "Implementers MUST meticulously validate the format and values in the DKIM-Signature header field; any inconsistency or unexpected values MUST cause the header field to be completely ignored and the Verifier to return PERMFAIL (signature syntax error)."),
    "5322-3.5": ("RFC 5322 3.5", "A message consists of header fields, optionally followed by a message body."),
    "8463": ("RFC 8463 3", "The Ed25519-SHA256 signing algorithm computes a message hash as defined in Section 3 of [RFC6376] using SHA-256 [FIPS-180-4-2015] as the hash-alg. It signs the hash with the PureEdDSA variant Ed25519, as defined in RFC 8032, Section 5.1 [RFC8032]."),
}

LF_ROOM = (
    "RFC 6376 5.3 has signers turn bare LF into CRLF and says nothing of a verifier reading a store "
    "that holds LF-only lines; reading chosen: a bare LF is a line end (CRLF), as the message was in transit"
)
CR_ROOM = (
    "RFC 6376 5.3 names bare CR as a local line separator some systems use; RFC 5322 mail has none; "
    "reading chosen: a bare CR is data, not a line end, in the body"
)

L_ROOM = (
    "RFC 6376 3.5 forbids an l= past the canonical body but does not say what a verifier does with one; "
    "some hash the body there is and pass; reading chosen: an inconsistent value (6.1.1), permerror, fail also accepted"
)

# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------

CASES = []


class Case:
    def __init__(self, cat, name, q, why, expect="pass", body=b"Hello, world.\r\n", fields=None,
                 sigs=None, post=None, storage="crlf", room="", subject=None, sig_at=0, **sigkw):
        self.cat = cat
        self.name = name
        self.q = q
        self.why = why
        self.body = body
        self.fields = fields
        self.sigs = sigs if sigs is not None else [Sig(**sigkw)]
        self.expect = expect if isinstance(expect, list) else [expect] * len(self.sigs)
        self.post = post
        self.storage = storage
        self.room = room
        self.subject = subject
        self.sig_at = sig_at
        assert len(self.expect) == len(self.sigs), name


def case(*args, **kw):
    CASES.append(Case(*args, **kw))


# Mistakes of broken signers (and of verifiers that share them).
def bug_relaxed_empty_as_crlf(body):
    return body_relaxed(body) or CRLF


def bug_simple_empty_as_nothing(body):
    return body_simple(body) if body else b""


def bug_relaxed_blank_lines_first(body):
    """Step (b) before step (a): whitespace-only lines at the end survive
    as empty lines."""
    while body.endswith(CRLF + CRLF):
        body = body[:-2]
    lines = body.split(CRLF)
    if lines[-1] == b"":
        lines.pop()
    return b"".join(WSP_RUN.sub(b" ", x).rstrip(b" ") + CRLF for x in lines)


def bug_relaxed_eol_kept(body):
    lines = body.split(CRLF)
    if lines[-1] == b"":
        lines.pop()
    out = [WSP_RUN.sub(b" ", x) for x in lines]
    while out and out[-1] == b"":
        out.pop()
    return b"".join(x + CRLF for x in out)


def bug_relaxed_runs_kept(body):
    lines = body.split(CRLF)
    if lines[-1] == b"":
        lines.pop()
    out = [x.rstrip(b" \t") for x in lines]
    while out and out[-1] == b"":
        out.pop()
    return b"".join(x + CRLF for x in out)


def bug_lf(canon):
    return lambda body: canon(body).replace(CRLF, b"\n")


def bug_simple_trailing_kept(body):
    return body if body.endswith(CRLF) else body + CRLF


def bug_no_crlf_added(canon):
    return lambda body: canon(body)[:-2] if not body.endswith(CRLF) else canon(body)


def bug_relaxed_last_line_wsp(body):
    """WSP deleted only before a CRLF (a last line without one keeps it)."""
    out = re.sub(rb"[ \t]+\r\n", CRLF, body)
    out = WSP_RUN.sub(b" ", out)
    while out.endswith(CRLF + CRLF):
        out = out[:-2]
    if out == CRLF:
        return b""
    return out if out.endswith(CRLF) or not out else out + CRLF


def bug_relaxed_cr_is_wsp(body):
    lines = body.split(CRLF)
    if lines[-1] == b"":
        lines.pop()
    out = [re.sub(rb"[ \t\r]+", b" ", x).rstrip(b" ") for x in lines]
    while out and out[-1] == b"":
        out.pop()
    return b"".join(x + CRLF for x in out)


def bug_relaxed_strip_both(body):
    lines = body.split(CRLF)
    if lines[-1] == b"":
        lines.pop()
    out = [WSP_RUN.sub(b" ", x).strip(b" ") for x in lines]
    while out and out[-1] == b"":
        out.pop()
    return b"".join(x + CRLF for x in out)


def bug_raw_prefix(n):
    """l= counted in raw bytes: the first n bytes of the body as stored."""
    return lambda body: body[:n]


# Helpers for post-signing changes.
def set_body(new):
    def f(m):
        m.body = new
    return f


def append_body(extra):
    def f(m):
        m.body = (m.body or b"") + extra
    return f


def replace_field(name, new):
    def f(m):
        m.replace(name, new)
    return f


def edit_field(name, fn):
    def f(m):
        i = m.field(name)
        m.fields[i] = fn(m.fields[i])
    return f


def refold_b(width, joiner):
    """Fold the b= value (the last tag) of the top DKIM-Signature anew."""
    def f(m):
        i = [k for k, x in enumerate(m.fields) if field_name(x) == b"dkim-signature"][0]
        head, sep, value = m.fields[i].rpartition(b"b=")
        value = re.sub(rb"[ \t\r\n]", b"", value)
        m.fields[i] = head + sep + joiner.join(value[k:k + width] for k in range(0, len(value), width)) + CRLF
    return f


def insert_field(pos, new):
    def f(m):
        m.fields.insert(pos if pos >= 0 else len(m.fields), new)
    return f


def replace_sig(old, new):
    """Change bytes inside the (top) DKIM-Signature field."""
    def f(m):
        i = [k for k, x in enumerate(m.fields) if field_name(x) == b"dkim-signature"][0]
        assert old in m.fields[i]
        m.fields[i] = m.fields[i].replace(old, new)
    return f


H = b"from:to:subject:date:message-id"
RS = "relaxed/simple"
SS = "simple/simple"
RR = "relaxed/relaxed"
SR = "simple/relaxed"

# --- body, simple (3.4.3) ----------------------------------------------------
C = "body-simple"
case(C, "body-simple-empty-body", "3.4.3-sha", "an empty body is one CRLF under simple: bh=frcCV1k9..., not the hash of nothing", body=b"", c=RS)
case(C, "body-simple-missing-body", "3.4.3-empty", "a message that ends after its header (no empty line) has a missing body: one CRLF", body=None, c=RS)
case(C, "body-simple-body-one-crlf", "3.4.3-formal", "a body of one CRLF stays one CRLF", body=b"\r\n", c=RS)
case(C, "body-simple-body-only-crlfs", "3.4.3-formal", "a body of five empty lines is one CRLF", body=b"\r\n" * 5, c=RS)
case(C, "body-simple-trailing-empty-lines", "3.4.3-empty-lines", "empty lines at the end are removed, the last line's CRLF stays", body=b"Hello.\r\n\r\n\r\n", c=RS)
case(C, "body-simple-no-final-crlf", "3.4.3-add", "a last line without CRLF gets one", body=b"Hello.", c=RS)
case(C, "body-simple-no-final-crlf-multiline", "3.4.3-add", "only the last line lacks its CRLF; one is added after it", body=b"line 1\r\nline 2", c=RS)
case(C, "body-simple-trailing-wsp-kept", "3.4.3-add", "simple keeps WSP at line ends", body=b"Hello.  \r\nWorld\t\r\n", c=RS)
case(C, "body-simple-wsp-only-lines-kept", "3.4.3-empty-lines", "lines holding only WSP are not empty lines: simple keeps them, even at the end", body=b"Hello.\r\n  \r\n\t\r\n", c=RS)
case(C, "body-simple-wsp-line-then-empty-lines", "3.4.3-empty-lines", "empty lines after a WSP-only line go, the WSP-only line stays", body=b"Hello.\r\n \r\n\r\n\r\n", c=RS)
case(C, "body-simple-wsp-runs-kept", "3.4.3-add", "WSP runs are data under simple", body=b"a \t  b\t\tc\r\n", c=RS)
case(C, "body-simple-empty-lines-inside", "3.4.3-empty-lines", "only empty lines at the end are removed, not those inside", body=b"a\r\n\r\n\r\nb\r\n", c=RS)
case(C, "body-simple-leading-empty-lines", "3.4.3-empty-lines", "empty lines at the start of the body are data", body=b"\r\n\r\nHello.\r\n", c=RS)
case(C, "body-simple-last-line-wsp-no-crlf", "3.4.3-add", "a last line of text and WSP without CRLF keeps its WSP and gets a CRLF", body=b"Hello. \t", c=RS)
case(C, "body-simple-body-only-space", "3.4.3-add", "a body of one SP without CRLF is SP CRLF, not empty", body=b" ", c=RS)
case(C, "body-simple-body-only-wsp-lines", "3.4.3-empty-lines", "a body of WSP-only lines is kept whole", body=b" \r\n\t\r\n", c=RS)
case(C, "body-simple-empty-lines-then-text-no-crlf", "3.4.3-add", "leading empty lines stay; the unterminated last line gets its CRLF", body=b"\r\n\r\nx", c=RS)
case(C, "body-simple-dot-lines", "3.7-dot", "lines starting with a dot are hashed as stored (no SMTP dot-stuffing in a stored message)", body=b".\r\n..\r\n.Hello.\r\n", c=RS)
case(C, "body-simple-8bit", "3.4.3-add", "8-bit bytes (UTF-8 and a lone Latin-1 byte) are data", body=b"Gr\xc3\xbc\xc3\x9fe \xe2\x80\x94 caf\xe9\r\n", c=RS)
case(C, "body-simple-long-line", "3.4.3-add", "a 2000-byte line (over the RFC 5322 limit) is hashed whole", body=b"x" * 2000 + b"\r\n", c=RS)
case(C, "body-simple-simple-body-wsp", "3.4.1", "simple/simple: trailing WSP, runs and WSP-only last lines all stay", body=b"a  b \r\n \r\n", c=SS)

# --- body, relaxed (3.4.4) ---------------------------------------------------
C = "body-relaxed"
case(C, "body-relaxed-empty-body", "3.4.4-sha", "an empty body is empty under relaxed: bh=47DEQpj8... (SHA-256 of nothing), not the CRLF hash", body=b"", c=RR)
case(C, "body-relaxed-missing-body", "3.4.4-sha", "a message without an empty line after its header has an empty relaxed body", body=None, c=RR)
case(C, "body-relaxed-body-one-crlf", "3.4.4-empty", "a body of one empty line is empty", body=b"\r\n", c=RR)
case(C, "body-relaxed-body-only-crlfs", "3.4.4-empty", "a body of empty lines only is empty", body=b"\r\n" * 4, c=RR)
case(C, "body-relaxed-body-only-wsp-lines", "3.4.4-order", "WSP-only lines become empty in step (a) and are removed in step (b): empty body", body=b" \r\n\t\r\n  \t \r\n", c=RR)
case(C, "body-relaxed-body-wsp-no-crlf", "3.4.4-order", "a body of WSP without CRLF: (a) deletes the WSP, the body is then empty and gets no CRLF", body=b"   \t", c=RR)
case(C, "body-relaxed-trailing-empty-lines", "3.4.4-empty", "empty lines at the end are removed", body=b"Hello.\r\n\r\n\r\n", c=RR)
case(C, "body-relaxed-trailing-wsp-lines", "3.4.4-order", "whitespace-only lines at the end are removed under relaxed", body=b"Hello.\r\n \r\n\t\r\n  \r\n", c=RR)
case(C, "body-relaxed-trailing-mixed-blank-lines", "3.4.4-order", "empty and whitespace-only lines mixed at the end all go", body=b"Hello.\r\n\r\n \r\n\r\n\t\r\n", c=RR)
case(C, "body-relaxed-eol-wsp", "3.4.4-eol", "WSP at line ends is deleted, the CRLF kept", body=b"Hello.  \r\nWorld\t\r\n", c=RR)
case(C, "body-relaxed-wsp-runs", "3.4.4-runs", "each run of SP and HTAB becomes one SP", body=b"a \t  b\t\tc\r\n", c=RR)
case(C, "body-relaxed-leading-wsp-one-sp", "3.4.4-runs", "WSP at the start of a line is a run like any other: one SP, not deleted", body=b"   indented\r\n\tTabbed\r\n", c=RR)
case(C, "body-relaxed-no-final-crlf", "3.4.4-empty", "a non-empty body without final CRLF gets one", body=b"Hello.", c=RR)
case(C, "body-relaxed-no-final-crlf-eol-wsp", "3.4.4-eol", "the last line without CRLF loses its trailing WSP too, then gets a CRLF", body=b"Hello. \t ", c=RR)
case(C, "body-relaxed-text-then-wsp-no-crlf", "3.4.4-order", "a last line of WSP without CRLF after text becomes empty and goes", body=b"Hello.\r\n \t ", c=RR)
case(C, "body-relaxed-wsp-lines-inside", "3.4.4-empty", "WSP-only lines inside the body become empty lines and stay", body=b"a\r\n\r\n \r\n\t\r\nb\r\n", c=RR)
case(C, "body-relaxed-wsp-line-then-text-no-crlf", "3.4.4-empty", "an inner WSP-only line stays as an empty line; the last line gets its CRLF", body=b"a\r\n  \r\nb", c=RR)
case(C, "body-relaxed-tabs", "3.4.4-runs", "tabs between columns become single SPs", body=b"col1\tcol2\t\tcol3\r\n", c=RR)
case(C, "body-relaxed-long-wsp-run", "3.4.4-runs", "a run of 1500 SP is one SP", body=b"a" + b" " * 1500 + b"b\r\n", c=RR)
case(C, "body-relaxed-8bit", "3.4.4-runs", "8-bit bytes are data; only the SP and HTAB around them change", body=b"caf\xc3\xa9  \xe2\x80\x94 ok \r\n", c=RR)
case(C, "body-relaxed-nbsp-not-wsp", "2.8", "byte 0xA0 (NBSP in Latin-1, part of UTF-8 sequences) is not WSP: kept, and the SP before it stays", body=b"a\xa0\xa0b \xa0\r\n", c=RR)
case(C, "body-relaxed-ff-vt-not-wsp", "2.8", "form feed and vertical tab are not WSP", body=b"a\x0c\x0b b \x0c\r\n", c=RR)
case(C, "body-relaxed-nul-is-data", "3.4.4-runs", "NUL bytes are data (RFC 5322 obs-body allows them); a verifier that stops at NUL hashes less", body=b"a\x00 \x00b\r\n", c=RR)
case(C, "body-relaxed-relaxed-body-mixed", "3.4.4-order", "several relaxed rules on one body", body=b"  Dear  Bob,\t\r\n\r\n\tThanks \t for  the  file.  \r\n \r\n\r\n", c=RR)

# --- line endings as stored -------------------------------------------------
C = "line-endings"
case(C, "lf-simple-simple", "5.3", "stored with LF only; read as CRLF the simple/simple signature verifies", body=b"a\r\nb\r\n\r\n", c=SS, storage="lf", room=LF_ROOM)
case(C, "lf-relaxed-relaxed", "5.3", "stored with LF only, relaxed/relaxed, trailing WSP and a folded field", body=b"Hello  \r\nworld\t\r\n", c=RR, storage="lf", room=LF_ROOM, subject=b"Subject: folded\r\n\tsubject\r\n")
case(C, "lf-empty-body-simple", "3.4.3-empty", "LF-only message with an empty body: one CRLF under simple", body=b"", c=SS, storage="lf", room=LF_ROOM)
case(C, "lf-empty-body-relaxed", "3.4.4-sha", "LF-only message with an empty body: empty under relaxed", body=b"", c=RR, storage="lf", room=LF_ROOM)
case(C, "lf-no-final-newline", "3.4.3-add", "LF-only message whose last line has no line break", body=b"line 1\r\nline 2", c=SS, storage="lf", room=LF_ROOM)
case(C, "lf-trailing-blank-lines-relaxed", "3.4.4-empty", "LF-only message with trailing blank and WSP-only lines", body=b"a\r\n\r\n \r\n\r\n", c=RR, storage="lf", room=LF_ROOM)
case(C, "lf-folded-header-simple", "3.4.1", "LF-only folded field under simple: its line breaks are read as CRLF", body=b"Hello.\r\n", c=SS, storage="lf", room=LF_ROOM, subject=b"Subject: a folded\r\n\tsubject,\r\n   three lines\r\n")
case(C, "lf-body-crlf-header", "5.3", "header stored CRLF, body LF", body=b"one\r\ntwo\r\n\r\n", c=SS, storage=body_to_lf, room=LF_ROOM)
case(C, "mixed-line-ends-in-body", "5.3", "a body with CRLF and bare LF lines mixed", body=b"one\r\ntwo\r\nthree\r\nfour\r\n", c=SS, room=LF_ROOM,
     storage=lambda d: d.replace(b"two\r\n", b"two\n").replace(b"four\r\n", b"four\n"))
case(C, "bare-cr-in-body-simple", "3.4.3-add", "a bare CR inside a line is data", body=b"a\rb\r\n", c=RS, room=CR_ROOM)
case(C, "bare-cr-in-body-relaxed", "2.8", "a bare CR is neither WSP nor a line end: SP CR SP stays", body=b"a \r b\r\n", c=RR, room=CR_ROOM)
case(C, "cr-before-crlf-relaxed", "3.4.4-eol", "line 'a SP CR' then CRLF: the line ends in CR, not WSP, so the SP stays", body=b"a \r\r\nb\r\n", c=RR, room=CR_ROOM)
case(C, "bare-cr-at-end-simple", "3.4.3-add", "a body ending in a bare CR: the CR is data and a CRLF is added after it", body=b"a\r", c=RS, room=CR_ROOM)

# --- header, simple (3.4.1) --------------------------------------------------
C = "header-simple"
case(C, "hdr-simple-name-case-kept", "3.4.1", "simple hashes field names in the case they are written", c=SS,
     fields=[b"FROM: Alice Example <alice@conformance.example>\r\n", b"to: Bob Example <bob@example.net>\r\n", b"SUBJect: AbC\r\n",
             b"Date: " + DATE.encode() + CRLF, b"Message-Id: <%s@conformance.example>\r\n"])
case(C, "hdr-simple-folded-kept", "3.4.1", "folding is kept as written under simple", c=SS, subject=b"Subject: a subject\r\n\tfolded twice\r\n    with spaces\r\n")
case(C, "hdr-simple-wsp-before-colon", "3.4.1", "obsolete 'Subject : x' (RFC 5322 4.5.3) is hashed with its WSP", c=SS, subject=b"Subject : spaced colon\r\n")
case(C, "hdr-simple-trailing-wsp-kept", "3.4.1", "WSP at the end of a value stays under simple", c=SS, subject=b"Subject: trailing \t \r\n")
case(C, "hdr-simple-no-space-after-colon", "3.4.1", "no SP after the colon", c=SS, subject=b"Subject:nospace\r\n")
case(C, "hdr-simple-tab-after-colon", "3.4.1", "an HTAB after the colon", c=SS, subject=b"Subject:\ttabbed\r\n")
case(C, "hdr-simple-empty-value", "3.4.1", "a field with an empty value", c=SS, subject=b"Subject:\r\n")
case(C, "hdr-simple-wsp-runs-kept", "3.4.1", "WSP runs inside a value stay", c=SS, subject=b"Subject: a   b\t\tc\r\n")
case(C, "hdr-simple-8bit-header", "3.4.1", "raw UTF-8 in a value (RFC 6532)", c=SS, subject=b"Subject: Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln \xe2\x80\x94 \xc3\xa0 bient\xc3\xb4t\r\n")
case(C, "hdr-simple-nbsp-header", "3.4.1", "byte 0xA0 in a value under simple", c=SS, subject=b"Subject: voil\xc3\xa0 \xc3\xa0 la carte\r\n")
case(C, "hdr-simple-long-folded-to", "3.4.1", "a long To list folded over five lines", c=SS,
     fields=[b"From: Alice Example <alice@conformance.example>\r\n",
             b"To: one@example.net, two@example.net,\r\n three@example.net, four@example.net,\r\n\tfive@example.net,\r\n  six@example.net,\r\n seven@example.net\r\n",
             b"Subject: many recipients\r\n", b"Date: " + DATE.encode() + CRLF, b"Message-ID: <%s@conformance.example>\r\n"])
case(C, "hdr-simple-header-relaxed-body", "3.4-diff", "c=simple/relaxed: header exact, body relaxed", c=SR, subject=b"Subject:  Two  spaces \r\n", body=b"body  with   runs \r\n\r\n")

# --- header, relaxed (3.4.2) -------------------------------------------------
C = "header-relaxed"
case(C, "hdr-relaxed-name-lowercase", "3.4.2-lower", "names are hashed in lower case", c=RS,
     fields=[b"FROM: Alice Example <alice@conformance.example>\r\n", b"To: Bob Example <bob@example.net>\r\n", b"SUBJECT: Hello\r\n",
             b"DATE: " + DATE.encode() + CRLF, b"MESSAGE-ID: <%s@conformance.example>\r\n"])
case(C, "hdr-relaxed-value-case-kept", "3.4.2-lower", "the RFC's example: 'SUBJect: AbC' becomes 'subject:AbC'; the value keeps its case", c=RS, subject=b"SUBJect: AbC\r\n")
case(C, "hdr-relaxed-unfold-sp", "3.4.2-unfold", "CRLF SP inside a value: unfolded to SP", c=RS, subject=b"Subject: folded\r\n value\r\n")
case(C, "hdr-relaxed-unfold-tab", "3.4.2-unfold", "CRLF HTAB inside a value: unfolded, the HTAB becomes SP", c=RS, subject=b"Subject: folded\r\n\tvalue\r\n")
case(C, "hdr-relaxed-wsp-around-fold", "3.4.2-wsp", "WSP before and after a fold are one run: one SP", c=RS, subject=b"Subject: a  \r\n \t b\r\n")
case(C, "hdr-relaxed-unfold-three-lines", "3.4.2-unfold", "a value folded over three lines", c=RS, subject=b"Subject: a\r\n b\r\n c\r\n")
case(C, "hdr-relaxed-wsp-runs", "3.4.2-wsp", "WSP runs in the value become one SP", c=RS, subject=b"Subject: a \t  b\t\tc\r\n")
case(C, "hdr-relaxed-trailing-wsp", "3.4.2-end", "WSP at the end of the value is deleted", c=RS, subject=b"Subject: x \t \r\n")
case(C, "hdr-relaxed-wsp-before-colon", "3.4.2-colon", "obsolete WSP before the colon is deleted", c=RS, subject=b"Subject \t: x\r\n")
case(C, "hdr-relaxed-wsp-after-colon", "3.4.2-colon", "WSP after the colon is deleted", c=RS, subject=b"Subject:   \t x\r\n")
case(C, "hdr-relaxed-fold-after-colon", "3.4.2-colon", "a fold right after the colon is deleted with its WSP", c=RS, subject=b"Subject:\r\n x\r\n")
case(C, "hdr-relaxed-empty-value", "3.4.2-colon", "an empty value: 'subject:'", c=RS, subject=b"Subject:\r\n")
case(C, "hdr-relaxed-wsp-only-value", "3.4.2-end", "a value of WSP only: 'subject:'", c=RS, subject=b"Subject:  \t \r\n")
case(C, "hdr-relaxed-wsp-only-continuation", "3.4.2-unfold", "a continuation line of WSP only (RFC 5322 obs-FWS) unfolds to trailing WSP, which is deleted", c=RS, subject=b"Subject: x\r\n \r\n")
case(C, "hdr-relaxed-nbsp-not-wsp", "2.8", "byte 0xA0 in a value is not WSP: kept (the UTF-8 of U+00E0 ends in it)", c=RS, subject=b"Subject: voil\xc3\xa0 \xc3\xa0\xa0 la carte\r\n")
case(C, "hdr-relaxed-8bit-header", "3.4.2-wsp", "raw UTF-8 with WSP runs around it", c=RS, subject=b"Subject:  Gr\xc3\xbc\xc3\x9fe   \xe2\x80\x94  K\xc3\xb6ln \r\n")
case(C, "hdr-relaxed-ff-not-wsp", "2.8", "form feed in a value (RFC 5322 obs-utext) is not WSP", c=RS, subject=b"Subject: a\x0c b \x0c\r\n")
case(C, "hdr-relaxed-long-folded-to", "3.4.2-unfold", "a long To list folded over five lines, with runs at the folds", c=RS,
     fields=[b"From: Alice Example <alice@conformance.example>\r\n",
             b"To: one@example.net,  two@example.net,\r\n three@example.net, four@example.net, \r\n\tfive@example.net,\r\n  six@example.net,\r\n seven@example.net\r\n",
             b"Subject: many recipients\r\n", b"Date: " + DATE.encode() + CRLF, b"Message-ID: <%s@conformance.example>\r\n"])
case(C, "hdr-relaxed-from-folded-name", "3.4.2-unfold", "the From field folded between display name and address", c=RR,
     fields=[b"From: \"Alice  Example\"\r\n <alice@conformance.example>\r\n", b"To: Bob Example <bob@example.net>\r\n", b"Subject: hi\r\n",
             b"Date: " + DATE.encode() + CRLF, b"Message-ID: <%s@conformance.example>\r\n"])

# --- RFC 6376 section 3.4.5 examples -----------------------------------------
C = "rfc-example"
EX_FIELDS = [b"From: Alice Example <alice@conformance.example>\r\n", b"A: X\r\n", b"B : Y\t\r\n\tZ  \r\n",
             b"Date: " + DATE.encode() + CRLF, b"Message-ID: <%s@conformance.example>\r\n"]
EX_BODY = b" C \r\nD \t E\r\n\r\n\r\n"
case(C, "rfc-3.4.5-relaxed", "3.4.5-relaxed", "the RFC's own example, relaxed/relaxed, with fields A and B signed", c=RR, fields=EX_FIELDS, body=EX_BODY, h=b"from:a:b:date:message-id")
case(C, "rfc-3.4.5-simple", "3.4.5-simple", "the RFC's own example, simple/simple, with fields A and B signed", c=SS, fields=EX_FIELDS, body=EX_BODY, h=b"from:a:b:date:message-id")

# --- h= and the fields it selects (3.5, 5.4.2) -------------------------------
C = "h-selection"
RCVD = [b"Received: from top.example.net by mx.example.net; " + DATE.encode() + CRLF,
        b"Received: from bottom.example.net by top.example.net; " + DATE.encode() + CRLF]
case(C, "h-names-case-differ", "3.5-h-case", "h= names in another case than the fields", c=RR, h=b"FROM:To:SUBJECT:date:Message-ID")
case(C, "h-fws-around-colons", "3.5-h-fws", "FWS (SP, HTAB, a fold) on both sides of h='s colons", c=SS, h=b"from : to :\r\n\tsubject\t: date :message-id")
case(C, "h-repeated-field-last-signed", "5.4.2", "two Received fields, h= names one: the bottom one is signed", c=RR, fields=std_fields("two received", RCVD), h=H + b":received")
case(C, "h-repeated-field-listed-twice", "5.4.2", "h= names Received twice: bottom first, then the one above", c=RR, fields=std_fields("two received", RCVD), h=H + b":received:received")
case(C, "h-three-fields-listed-twice", "5.4.2", "three Received fields, h= names two: the bottom two, bottom first", c=SS,
     fields=std_fields("three received", RCVD + [b"Received: from third.example.net by bottom.example.net; " + DATE.encode() + CRLF]), h=H + b":received:received")
case(C, "h-oversigned-from", "3.5-h-absent", "h=from:from with one From: the second name contributes nothing", c=RR, h=b"from:from:to:subject:date:message-id")
case(C, "h-absent-names", "3.5-h-absent", "h= names Reply-To and Cc, which the message lacks: nothing is hashed for them", c=RR, h=H + b":reply-to:cc")
case(C, "h-absent-names-simple", "3.5-h-absent", "the same under simple", c=SS, h=H + b":reply-to:cc:in-reply-to")
case(C, "h-order-not-message-order", "3.5-h-order", "h= lists the fields in another order than the message has them", c=RR, h=b"message-id:subject:date:from:to")
case(C, "h-same-name-other-case", "5.4.2", "'Comments' and 'COMMENTS' are one name: bottom-up over both", c=RR,
     fields=std_fields("comments", [b"Comments: first\r\n", b"COMMENTS: second\r\n"]), h=H + b":comments:comments")
case(C, "h-unsigned-field-added", "3.5-h-order", "a field h= does not name, added after signing, changes nothing", c=RR, post=insert_field(0, b"X-Added: after signing\r\n"))
case(C, "h-received-added-on-top", "5.4.2", "a Received field added on top after signing does not change which one h= selects", c=RR,
     fields=std_fields("two received", RCVD), h=H + b":received", post=insert_field(0, b"Received: from later.example.net by mx2.example.net; " + DATE.encode() + CRLF))
case(C, "h-mime-fields", "3.7-fields", "MIME-Version and Content-Type signed too, Content-Type folded", c=RR,
     fields=std_fields("mime", [])[:-1] + [b"Content-Type: text/plain;\r\n\tcharset=\"utf-8\";\r\n\tformat=flowed\r\n"], h=H + b":mime-version:content-type")

# --- the DKIM-Signature field itself (3.7, 3.5 b=) ---------------------------
C = "sig-field"
case(C, "sig-b-folded-simple", "3.5-b", "b= folded every 64 characters, simple: the folds go with the value", c=SS)
case(C, "sig-b-folded-sp-relaxed", "3.5-b", "b= folded with CRLF SP every 50 characters, relaxed", c=RR, fold=(50, b"\r\n "))
case(C, "sig-b-one-line", "3.7-sig", "b= on one line, simple", c=SS, fold=None)
case(C, "sig-b-first-simple", "3.7-sig", "b= is the first tag: its value goes, the ';' after it stays (simple)", c=SS,
     template=b"DKIM-Signature: b={b}; v=1; a=rsa-sha256; c=simple/simple;\r\n\td=conformance.example; s=rsa; t=1700000000;\r\n\th=from:to:subject:date:message-id; bh={bh}\r\n")
case(C, "sig-b-middle-relaxed", "3.7-sig", "b= between other tags, before bh= (relaxed)", c=RR,
     template=b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=conformance.example;\r\n\ts=rsa; t=1700000000; b={b};\r\n\tbh={bh}; h=from:to:subject:date:message-id\r\n")
case(C, "sig-b-fws-around-value-simple", "3.7-sig", "FWS between 'b=' and its value goes with the value ('including all surrounding whitespace')", c=SS,
     template=b"DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=conformance.example;\r\n\ts=rsa; t=1700000000; h=from:to:subject:date:message-id;\r\n\tbh={bh}; b=\r\n\t{b}\r\n", fold=(70, b"\r\n\t"))
case(C, "sig-no-space-after-semicolons", "3.2-list", "tags packed without WSP, simple", c=SS,
     template=b"DKIM-Signature: v=1;a=rsa-sha256;c=simple/simple;d=conformance.example;s=rsa;t=1700000000;h=from:to:subject:date:message-id;bh={bh};b={b}\r\n", fold=None)
case(C, "sig-wsp-around-equals-relaxed", "3.2-wsp", "WSP around '=' and ';' of the tags (not b=), relaxed", c=RR,
     template=b"DKIM-Signature: v = 1 ; a = rsa-sha256 ; c = relaxed/relaxed ;\r\n\td = conformance.example ; s = rsa ; t = 1700000000 ;\r\n\th = from:to:subject:date:message-id ; bh = {bh} ;\r\n\tb={b}\r\n")
case(C, "sig-wsp-around-equals-simple", "3.2-wsp", "WSP around '=' and ';' of the tags (not b=), simple", c=SS,
     template=b"DKIM-Signature: v = 1 ; a = rsa-sha256 ; c = simple/simple ;\r\n\td = conformance.example ; s = rsa ; t = 1700000000 ;\r\n\th = from:to:subject:date:message-id ; bh = {bh} ;\r\n\tb={b}\r\n")
case(C, "sig-trailing-semicolon", "3.2-list", "the tag list ends in ';' after b=", c=SS,
     template=b"DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=conformance.example;\r\n\ts=rsa; t=1700000000; h=from:to:subject:date:message-id;\r\n\tbh={bh}; b={b};\r\n")
case(C, "sig-unknown-tags", "3.2-unknown", "unknown tags, one named xb (a naive search for 'b=' finds it first), are ignored and hashed", c=RR,
     extra=b"xb=notb; x_custom=1;\r\n\t")
case(C, "sig-name-lowercase-simple", "3.4.1", "'dkim-signature:' written in lower case, hashed as written under simple", c=SS,
     template=b"dkim-signature: v=1; a=rsa-sha256; c=simple/simple; d=conformance.example;\r\n\ts=rsa; t=1700000000; h=from:to:subject:date:message-id;\r\n\tbh={bh};\r\n\tb={b}\r\n")
case(C, "sig-name-uppercase-relaxed", "3.4.2-lower", "'DKIM-SIGNATURE:' in upper case, lowered under relaxed", c=RR,
     template=b"DKIM-SIGNATURE: v=1; a=rsa-sha256; c=relaxed/relaxed; d=conformance.example;\r\n\ts=rsa; t=1700000000; h=from:to:subject:date:message-id;\r\n\tbh={bh};\r\n\tb={b}\r\n")
case(C, "sig-not-on-top", "3.7-sig", "the DKIM-Signature sits between To and Subject, not on top", c=RR, sig_at=2)
case(C, "sig-bh-folded", "3.5-bh", "the bh= value folded in the middle: WSP in it is ignored (and hashed, being outside b=)", c=SS,
     bh_fold=b"\r\n\t")
case(C, "sig-h-folded-simple", "3.5-h-fws", "the h= list folded inside the signature, simple", c=SS,
     h=b"from:to:\r\n\tsubject:date:\r\n\tmessage-id")
case(C, "sig-folded-everywhere-relaxed", "3.4.2-wsp", "the signature folded at odd places with runs of WSP, relaxed", c=RR,
     template=b"DKIM-Signature:\r\n\tv=1;  a=rsa-sha256;\t c=relaxed/relaxed;\r\n  d=conformance.example; s=rsa;\r\n\tt=1700000000; h=from : to:subject:date:message-id;   \r\n\tbh={bh};\r\n\tb={b}\r\n")

# --- l= (3.5, 3.7) -----------------------------------------------------------
C = "length"
FOOT = b"-- \r\nA footer added by a list\r\n"
case(C, "l-equals-body", "3.5-l", "l= equal to the canonical body length", c=RR, body=b"Hello,  world. \r\n", l=len(body_relaxed(b"Hello,  world. \r\n")))
case(C, "l-footer-appended-relaxed", "3.7-body", "l= covers the signed body; a footer appended later is not hashed", c=RR, l=len(b"Hello, world.\r\n"), post=append_body(FOOT))
case(C, "l-footer-appended-simple", "3.7-body", "the same under simple", c=SS, l=len(b"Hello, world.\r\n"), post=append_body(FOOT))
case(C, "l-zero", "3.7-body", "l=0: nothing of the body is hashed (bh is the hash of nothing)", c=SS, l=0, body=b"anything at all\r\n")
case(C, "l-zero-relaxed-empty-body", "3.5-l", "l=0 on an empty relaxed body", c=RR, l=0, body=b"")
case(C, "l-two-simple-empty-body", "3.4.3-empty", "l=2 on an empty simple body: its canonical CRLF counts", c=SS, l=2, body=b"")
case(C, "l-counts-canonical-relaxed", "3.5-l", "l= counts canonical bytes: 'a b CRLF' is 5, however many WSP and blank lines are stored", c=RR, l=5, body=b"a    b   \r\n\r\n\r\n")
case(C, "l-inside-wsp-run", "3.5-l", "l=2 ends inside what was a WSP run: 'a' and one SP", c=RR, l=2, body=b"a    b\r\n")
case(C, "l-inside-line", "3.7-body", "l=3 cuts a line in the middle", c=SS, l=3)
case(C, "l-includes-added-crlf-simple", "3.4.3-add", "the CRLF added after an unterminated last line counts in l=", c=SS, l=8, body=b"Hello.")
case(C, "l-includes-added-crlf-relaxed", "3.4.4-empty", "the same under relaxed, trailing WSP deleted first", c=RR, l=8, body=b"Hello. ")
case(C, "l-leading-zeros", "3.5-l-abnf", "l=0008: leading zeros are digits like any other", c=SS, l="0008", body=b"Hello.\r\n")
case(C, "l-exceeds-body", "3.5-l-max", "l= ten bytes past the canonical body", expect="permerror|fail", c=RR, room=L_ROOM,
     l=len(b"Hello, world.\r\n") + 10, body_bug=body_relaxed)
case(C, "l-huge", "3.5-l-max", "l= of 23 digits, past any body and past 64 bits", expect="permerror|fail", c=SS, room=L_ROOM,
     l="99999999999999999999999", body_bug=body_simple)

# --- c= (3.4, 3.5) -----------------------------------------------------------
C = "c-tag"
WSPMSG = dict(subject=b"Subject:  Two  spaces \r\n", body=b"trailing  \r\nruns \t here\r\n\r\n")
case(C, "c-absent", "3.4-default", "no c=: simple/simple (over WSP a relaxed reading would change)", c=None, **WSPMSG)
case(C, "c-relaxed-alone", "3.5-c-one", "c=relaxed is relaxed/simple (the body is hashed simple)", c="relaxed", **WSPMSG)
case(C, "c-simple-alone", "3.5-c-one", "c=simple is simple/simple", c="simple", **WSPMSG)
case(C, "c-simple-relaxed", "3.4-diff", "c=simple/relaxed", c=SR, **WSPMSG)
case(C, "c-relaxed-simple", "3.4-diff", "c=relaxed/simple", c=RS, **WSPMSG)
case(C, "c-fws-around-equals", "3.2-wsp", "FWS around the '=' of c=", c=RR, hash_c=("relaxed", "relaxed"),
     template=b"DKIM-Signature: v=1; a=rsa-sha256; c =\r\n\trelaxed/relaxed ; d=conformance.example;\r\n\ts=rsa; t=1700000000; h=from:to:subject:date:message-id;\r\n\tbh={bh};\r\n\tb={b}\r\n", **WSPMSG)
case(C, "c-unknown-header", "3.4-unknown", "c=nowsp/simple: an unknown header canonicalization", expect="permerror", c="nowsp/simple", hash_c=("simple", "simple"))
case(C, "c-unknown-body", "3.4-unknown", "c=relaxed/nowsp: an unknown body canonicalization", expect="permerror", c="relaxed/nowsp", hash_c=("relaxed", "simple"))
case(C, "c-uppercase", "3.2-case", "c=Relaxed/Relaxed: tag values are case-sensitive and c= says nothing else, so this names no known algorithm",
     expect="permerror", c="Relaxed/Relaxed", hash_c=("relaxed", "relaxed"),
     room="RFC 6376 3.2 makes values case-sensitive unless the tag says otherwise, and c= does not; some verifiers compare without case; reading chosen: the literal one, permerror")
case(C, "c-empty", "6.1.1", "c= with an empty value is a syntax error, not the default", expect="permerror", c="", hash_c=("simple", "simple"))
case(C, "c-three-parts", "6.1.1", "c=relaxed/relaxed/relaxed", expect="permerror", c="relaxed/relaxed/relaxed", hash_c=("relaxed", "relaxed"))
case(C, "c-trailing-slash", "6.1.1", "c=relaxed/ (no body algorithm after the slash)", expect="permerror", c="relaxed/", hash_c=("relaxed", "simple"))

# --- signatures made with a known bug: must FAIL ------------------------------
C = "known-bug"
case(C, "bug-relaxed-empty-body-as-crlf", "3.4.4-sha", "signer hashed an empty relaxed body as CRLF (bh=frcCV1k9...): must fail", expect="fail",
     c=RR, body=b"", body_bug=bug_relaxed_empty_as_crlf)
case(C, "bug-relaxed-blank-body-as-crlf", "3.4.4-empty", "body of empty lines, relaxed, hashed as one CRLF: must fail", expect="fail",
     c=RR, body=b"\r\n\r\n", body_bug=bug_relaxed_empty_as_crlf)
case(C, "bug-simple-empty-body-as-nothing", "3.4.3-sha", "signer hashed an empty simple body as nothing (bh=47DEQpj8...): must fail", expect="fail",
     c=RS, body=b"", body_bug=bug_simple_empty_as_nothing)
case(C, "bug-relaxed-wsp-lines-kept", "3.4.4-order", "signer removed empty lines before WSP, so WSP-only lines at the end survived: must fail", expect="fail",
     c=RR, body=b"Hello.\r\n \r\n\t\r\n", body_bug=bug_relaxed_blank_lines_first)
case(C, "bug-relaxed-eol-wsp-kept", "3.4.4-eol", "signer kept WSP at line ends: must fail", expect="fail", c=RR, body=b"Hello.  \r\n", body_bug=bug_relaxed_eol_kept)
case(C, "bug-relaxed-runs-kept", "3.4.4-runs", "signer did not reduce WSP runs: must fail", expect="fail", c=RR, body=b"a  b\r\n", body_bug=bug_relaxed_runs_kept)
case(C, "bug-lf-hashed", "5.3", "signer hashed LF line ends (the message is stored LF): must fail", expect="fail",
     c=SS, body=b"line 1\r\nline 2\r\n", body_bug=bug_lf(body_simple), storage="lf", room=LF_ROOM)
case(C, "bug-simple-trailing-lines-kept", "3.4.3-empty-lines", "signer kept trailing empty lines under simple: must fail", expect="fail",
     c=RS, body=b"Hello.\r\n\r\n\r\n", body_bug=bug_simple_trailing_kept)
case(C, "bug-simple-no-crlf-added", "3.4.3-add", "signer did not add a CRLF after the unterminated last line: must fail", expect="fail",
     c=RS, body=b"Hello.", body_bug=bug_no_crlf_added(body_simple))
case(C, "bug-relaxed-no-crlf-added", "3.4.4-empty", "the same under relaxed: must fail", expect="fail",
     c=RR, body=b"Hello.", body_bug=bug_no_crlf_added(body_relaxed))
case(C, "bug-relaxed-last-line-wsp-kept", "3.4.4-eol", "signer kept the WSP of a last line without CRLF: must fail", expect="fail",
     c=RR, body=b"Hello. ", body_bug=bug_relaxed_last_line_wsp)
case(C, "bug-relaxed-cr-as-wsp", "2.8", "signer took a bare CR for WSP: must fail", expect="fail", c=RR, body=b"a \r b\r\n", body_bug=bug_relaxed_cr_is_wsp, room=CR_ROOM)
case(C, "bug-relaxed-leading-wsp-deleted", "3.4.4-runs", "signer deleted WSP at line starts (it must become one SP): must fail", expect="fail",
     c=RR, body=b"  indented\r\n", body_bug=bug_relaxed_strip_both)
case(C, "bug-relaxed-body-hashed-simple", "3.5-c", "c=relaxed/relaxed but the body hashed simple: must fail", expect="fail",
     c=RR, body=b"Hello.  \r\n\r\n", body_bug=body_simple)
case(C, "bug-l-raw-bytes", "3.5-l", "l= and bh= over the first 12 stored bytes; the canonical body has 8: l= exceeds it", expect="permerror|fail",
     c=SS, l=12, body=b"Hello.\r\n\r\n\r\n", body_bug=bug_raw_prefix(12))
case(C, "bug-relaxed-empty-l2", "3.5-l-max", "empty relaxed body signed as CRLF with l=2: l= exceeds the empty canonical body", expect="permerror|fail",
     c=RR, l=2, body=b"", body_bug=bug_relaxed_empty_as_crlf)
case(C, "bug-header-topdown", "5.4.2", "signer took the top Received instead of the bottom one: must fail", expect="fail",
     c=RR, fields=std_fields("two received", RCVD), h=H + b":received", hdr_bug="topdown")
case(C, "bug-header-absent-contributes", "3.5-h-absent", "signer hashed 'reply-to:' CRLF for an absent field: must fail", expect="fail",
     c=RR, h=H + b":reply-to", hdr_bug="absent-contributes")
case(C, "bug-header-name-case-kept", "3.4.2-lower", "relaxed signer kept the names' case: must fail", expect="fail", c=RR, hdr_bug="name-case-kept")
case(C, "bug-header-colon-wsp-kept", "3.4.2-colon", "relaxed signer kept WSP before the colon: must fail", expect="fail",
     c=RR, subject=b"Subject : spaced\r\n", hdr_bug="colon-wsp-kept")
case(C, "bug-header-unfold-eats-wsp", "3.4.2-unfold", "signer unfolded by deleting CRLF and the WSP after it: must fail", expect="fail",
     c=RR, subject=b"Subject: folded\r\n value\r\n", hdr_bug="unfold-eats-wsp")
case(C, "bug-header-trailing-wsp-kept", "3.4.2-end", "relaxed signer kept WSP at the end of a value: must fail", expect="fail",
     c=RR, subject=b"Subject: x  \r\n", hdr_bug="trailing-wsp-kept")
case(C, "bug-header-nbsp-as-wsp", "2.8", "signer took byte 0xA0 for WSP (a JavaScript \\s): must fail", expect="fail",
     c=RR, subject=b"Subject: voil\xc3\xa0 \xc3\xa0\xa0 la carte\r\n", hdr_bug="nbsp-is-wsp")
case(C, "bug-sig-with-crlf", "3.7-sig", "signer hashed the DKIM-Signature with its final CRLF: must fail", expect="fail", c=RR, hdr_bug="sig-with-crlf")
case(C, "bug-sig-without-b-tag", "3.7-sig", "signer deleted the whole b= tag, not just its value: must fail", expect="fail", c=RR, hdr_bug="sig-without-b-tag")
case(C, "bug-sig-b-fws-kept", "3.7-sig", "signer kept the FWS between 'b=' and its value in the hash (simple): must fail", expect="fail", c=SS,
     template=b"DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=conformance.example;\r\n\ts=rsa; t=1700000000; h=from:to:subject:date:message-id;\r\n\tbh={bh}; b=\r\n\t{b}\r\n", hdr_bug="b-fws-kept")
case(C, "bug-simple-header-hashed-relaxed", "3.4.1", "c=simple/simple but the header hashed relaxed: must fail", expect="fail", c=SS, hdr_bug="hashed-relaxed")

# --- the message changed after signing ---------------------------------------
C = "modified"
case(C, "mod-body-char", "3.7-body", "one body byte changed after signing: must fail", expect="fail", c=RR, post=set_body(b"Hello, World.\r\n"))
case(C, "mod-body-line-appended", "3.7-body", "a line appended to the body (no l=): must fail", expect="fail", c=RR, post=append_body(b"P.S.\r\n"))
case(C, "mod-body-empty-lines-appended-simple", "3.4.3-empty-lines", "empty lines appended under simple change nothing", c=SS, post=append_body(b"\r\n\r\n"))
case(C, "mod-body-blank-lines-appended-relaxed", "3.4.4-order", "empty and WSP-only lines appended under relaxed change nothing", c=RR, post=append_body(b" \r\n\t\r\n\r\n"))
case(C, "mod-body-wsp-lines-appended-simple", "3.4.3-empty-lines", "WSP-only lines appended under simple: must fail", expect="fail", c=SS, post=append_body(b" \r\n"))
case(C, "mod-body-empty-line-inside-relaxed", "3.4.4-empty", "an empty line inserted inside the body: must fail even under relaxed", expect="fail",
     c=RR, body=b"a\r\nb\r\n", post=set_body(b"a\r\n\r\nb\r\n"))
case(C, "mod-body-wsp-changed-relaxed", "3.4.4-runs", "WSP runs changed and trailing WSP added, relaxed: still passes", c=RR, body=b"a b\r\nc\r\n", post=set_body(b"a \t  b  \r\nc\t\r\n"))
case(C, "mod-body-wsp-changed-simple", "3.4.3-add", "the same change under simple: must fail", expect="fail", c=SS, body=b"a b\r\nc\r\n", post=set_body(b"a \t  b  \r\nc\t\r\n"))
case(C, "mod-body-wsp-removed-relaxed", "3.4.4-runs", "a WSP run removed entirely (not reduced), relaxed: must fail", expect="fail", c=RR, body=b"a b\r\n", post=set_body(b"ab\r\n"))
case(C, "mod-subject-changed", "3.7-fields", "the signed Subject changed: must fail", expect="fail", c=RR, post=replace_field("subject", b"Subject: changed\r\n"))
case(C, "mod-header-case-simple", "3.4.1", "a signed field name's case changed, simple: must fail", expect="fail", c=SS, post=edit_field("subject", lambda r: b"SUBJECT" + r[7:]))
case(C, "mod-header-case-relaxed", "3.4.2-lower", "the same change under relaxed: passes", c=RR, post=edit_field("subject", lambda r: b"SUBJECT" + r[7:]))
case(C, "mod-header-refold-simple", "3.4.1", "a signed field refolded, simple: must fail", expect="fail", c=SS, subject=b"Subject: one two\r\n", post=replace_field("subject", b"Subject: one\r\n two\r\n"))
case(C, "mod-header-refold-relaxed", "3.4.2-unfold", "the same refold under relaxed: passes", c=RR, subject=b"Subject: one two\r\n", post=replace_field("subject", b"Subject: one\r\n two\r\n"))
case(C, "mod-header-wsp-relaxed", "3.4.2-wsp", "WSP around and inside a signed value changed, relaxed: passes", c=RR, subject=b"Subject: a b\r\n", post=replace_field("subject", b"Subject:   a \t b \r\n"))
case(C, "mod-oversigned-field-added", "5.4.2-over", "h= named Reply-To, absent at signing; a Reply-To added later: must fail", expect="fail",
     c=RR, h=H + b":reply-to", post=insert_field(0, b"Reply-To: mallory@example.org\r\n"))
case(C, "mod-oversigned-subject-added", "5.4.2-over", "h=subject:subject over one Subject; a second Subject added on top: must fail", expect="fail",
     c=RR, h=b"from:to:subject:subject:date:message-id", post=insert_field(0, b"Subject: a second subject\r\n"))
case(C, "mod-received-added-below", "5.4.2", "a Received field added below the signed bottom one becomes the one selected: must fail", expect="fail",
     c=RR, fields=std_fields("two received", RCVD), h=H + b":received", post=insert_field(-1, b"Received: from inserted.example.net by bottom.example.net; " + DATE.encode() + CRLF))
case(C, "mod-sig-refolded-relaxed", "3.4.2-wsp", "the DKIM-Signature refolded (not in b=), relaxed: passes", c=RR, post=replace_sig(b"s=rsa;\r\n\tt=", b"s=rsa;  t="))
case(C, "mod-sig-refolded-simple", "3.4.1", "the same refold under simple: must fail", expect="fail", c=SS, post=replace_sig(b"s=rsa;\r\n\tt=", b"s=rsa;  t="))
case(C, "mod-sig-b-refolded-simple", "3.5-b", "only the b= value refolded, simple: passes (its WSP is not hashed)", c=SS, post=refold_b(40, b"\r\n  "))

# --- several signatures, Ed25519 ---------------------------------------------
C = "multi"
case(C, "two-signatures-pass", "3.4-diff", "two signatures, relaxed/relaxed and simple/simple, different keys", expect=["pass", "pass"],
     body=b"Hello,  world. \r\n\r\n", sigs=[Sig(c=RR, sel="rsb"), Sig(c=SS, sel="rsa")])
case(C, "two-signatures-one-bad", "3.4.4-sha", "the top signature is sound, the bottom one hashed an empty relaxed body as CRLF", expect=["pass", "fail"],
     body=b"", sigs=[Sig(c=RR, sel="rsb"), Sig(c=RR, sel="rsa", body_bug=bug_relaxed_empty_as_crlf)])
case(C, "second-signs-first", "3.5-h-others", "the second signature's h= names dkim-signature: the first signature, bottom-up", expect=["pass", "pass"],
     sigs=[Sig(c=RR, sel="rsb", h=H + b":dkim-signature"), Sig(c=SS, sel="rsa")])
case(C, "two-signatures-l-and-footer", "3.7-body", "a footer appended after signing: the l= signature passes, the other fails", expect=["pass", "fail"],
     sigs=[Sig(c=RR, sel="rsb", l=len(b"Hello, world.\r\n")), Sig(c=RR, sel="rsa")], post=append_body(FOOT))
case(C, "ed25519-relaxed", "8463", "ed25519-sha256 over a relaxed body with WSP to reduce", c=RR, sel="ed", body=b"Hello,  world. \r\n \r\n")
case(C, "ed25519-simple-empty-body", "3.4.3-sha", "ed25519-sha256, simple/simple, empty body", c=SS, sel="ed", body=b"")
case(C, "ed25519-bug-relaxed-empty-body", "3.4.4-sha", "ed25519-sha256, empty relaxed body hashed as CRLF: must fail", expect="fail",
     c=RR, sel="ed", body=b"", body_bug=bug_relaxed_empty_as_crlf)


# ---------------------------------------------------------------------------
# Building and writing
# ---------------------------------------------------------------------------


def build(num, cs):
    slug = "%03d-%s" % (num, cs.name)
    subject = cs.subject if cs.subject is not None else b"Subject: " + slug.encode() + CRLF
    fields = cs.fields if cs.fields is not None else std_fields(subject)
    fields = [f.replace(b"%s", slug.encode()) if f.startswith((b"Message-I", b"MESSAGE-I")) else f for f in fields]
    if cs.fields is not None and cs.subject is not None:
        fields = [subject if field_name(f) == b"subject" else f for f in fields]
    msg = Msg(fields, cs.body)
    msg.sig_at = cs.sig_at
    for sig in reversed(cs.sigs):  # the bottom signature is made first
        sign(msg, sig)
    if cs.post is not None:
        cs.post(msg)
    data = msg.bytes()
    if cs.storage == "lf":
        data = to_lf(data)
    elif callable(cs.storage):
        data = cs.storage(data)
    return slug, data


def check_tsv(s):
    assert "\t" not in s and "\n" not in s and "\r" not in s, s
    return s


def self_test():
    """The values RFC 6376 gives, before anything is trusted."""
    assert sha256_b64(body_simple(b"")) == b"frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY="
    assert sha256_b64(body_relaxed(b"")) == b"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    # 3.4.5 examples.
    assert header_relaxed(b"A: X\r\n") + header_relaxed(b"B : Y\t\r\n\tZ  \r\n") == b"a:X\r\nb:Y Z\r\n"
    assert body_relaxed(EX_BODY) == b" C\r\nD E\r\n"
    assert body_simple(EX_BODY) == b" C \r\nD \t E\r\n"


def write_corpus(out):
    self_test()
    os.makedirs(os.path.join(out, "messages"))
    os.makedirs(os.path.join(out, "canon"))
    rows = []
    names = set()
    for num, cs in enumerate(CASES, 1):
        assert cs.name not in names, cs.name
        names.add(cs.name)
        try:
            slug, data = build(num, cs)
        except Exception:
            print("make_cases: building case %d (%s) failed" % (num, cs.name), file=sys.stderr)
            raise
        path = "messages/%s.eml" % slug
        with open(os.path.join(out, path), "wb") as f:
            f.write(data)
        verdicts = judge_message(data)
        assert len(verdicts) == len(cs.expect), slug
        signers = []
        for k, ((verdict, detail, head, body), want) in enumerate(zip(verdicts, cs.expect), 1):
            if verdict not in want.split("|"):
                sys.exit("make_cases: %s signature %d: the checking verifier says %s (%s), the case expects %s"
                         % (slug, k, verdict, detail, want))
            if head is not None:
                with open(os.path.join(out, "canon", "%s.%d.headers" % (slug, k)), "wb") as f:
                    f.write(head)
                with open(os.path.join(out, "canon", "%s.%d.body" % (slug, k)), "wb") as f:
                    f.write(body)
        for sig in cs.sigs:
            signers.append("%s/%s" % (DOMAIN, sig.sel))
        section, quote = Q[cs.q]
        storage = cs.storage if isinstance(cs.storage, str) else "mixed"
        rows.append("\t".join(check_tsv(x) for x in (
            "%03d" % num, cs.name, cs.cat, path, storage, " ".join(signers), " ".join(cs.expect),
            section, cs.room or "-", quote, cs.why)))
    with open(os.path.join(out, "cases.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# DKIM canonicalization conformance cases (corpus/conformance/README.md).\n")
        f.write("# Written by make_cases.py; do not edit by hand.\n")
        f.write("# now: %d\n" % NOW)
        f.write("# keys: keys.zone\n")
        f.write("id\tname\tcategory\tfile\tstorage\tsigners\texpect\tsection\troom\tquote\twhy\n")
        for r in rows:
            f.write(r + "\n")
    with open(os.path.join(out, "keys.zone"), "w", encoding="ascii", newline="\n") as f:
        f.write("; keys.zone - DKIM keys of the conformance corpus (corpus/conformance/README.md).\n")
        f.write("; Written by make_cases.py.  The private halves are TEST-ONLY keys\n")
        f.write("; (corpus/keys/README.md): never publish them, never trust them.\n")
        f.write("$TTL 3600\n$ORIGIN %s.\n" % DOMAIN)
        for sel in sorted(SELECTORS):
            key, alg = SELECTORS[sel]
            k = "ed25519" if alg == "ed25519-sha256" else "rsa"
            p = public_p(sel)
            chunks = [p[i:i + 200] for i in range(0, len(p), 200)]
            f.write("; %s: corpus/keys/%s\n" % (sel, key))
            f.write('%s._domainkey\tIN\tTXT\t( "v=DKIM1; k=%s; "\n' % (sel, k))
            for i, ch in enumerate(chunks):
                f.write('\t\t"%s%s"%s\n' % ("p=" if i == 0 else "", ch, " )" if i == len(chunks) - 1 else ""))
    return len(rows)


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(os.path.join(a, d), os.path.join(b, d)) for d in cmp.common_dirs)


GENERATED = ("messages", "canon", "cases.tsv", "keys.zone")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare a fresh build with the files in place")
    ap.add_argument("--out", default=HERE, help="where to write (default: next to this file)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="conformance-")
    try:
        n = write_corpus(os.path.join(tmp, "c"))
        if args.check:
            for g in GENERATED:
                a, b = os.path.join(tmp, "c", g), os.path.join(args.out, g)
                ok = same_tree(a, b) if os.path.isdir(a) else (os.path.exists(b) and filecmp.cmp(a, b, shallow=False))
                if not ok:
                    sys.exit("make_cases --check: %s differs from a fresh build (run make_cases.py)" % b)
            print("make_cases: %d cases, the files in %s are up to date" % (n, args.out))
            return
        for g in GENERATED:
            dst = os.path.join(args.out, g)
            if os.path.isdir(dst):
                shutil.rmtree(dst)
            elif os.path.exists(dst):
                os.remove(dst)
            shutil.move(os.path.join(tmp, "c", g), dst)
        print("make_cases: %d cases written to %s" % (n, args.out))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
