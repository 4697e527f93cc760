#!/usr/bin/python3
"""bench/callgrind.py - the report of bench/callgrind.sh.

    callgrind.py DEPTH N1 DIR1 N2 DIR2 [ENFORCE]

DIRk holds what the run of `authsweep verify -j1` over the corpus of Nk
messages left: callgrind.out (valgrind --tool=callgrind
--separate-callers=DEPTH), summary.txt (authsweep's standard error) and the
corpus's keys.zone.  N1 < N2, and the small corpus is a prefix of the big
one, so what grows from one run to the other is what messages cost: every
figure is (run N2 - run N1) / (N2 - N1), per extra message.

Calls are counted from the `calls=` lines, per function and per call
chain (each callee context of --separate-callers names DEPTH callers), and
instructions (Ir) per object from the cost lines.

Verdicts:
 - the OpenSSL 3 functions of WATCHED are not called per message: 0 per
   extra message.  Those of PER_KEY decode a key, and may be called once
   per key of keys.zone (of their type) in each run;
 - OpenSSL allocates no context per message: allocations under the calls
   of CONTEXT_APIS are 0 per extra message.
Allocations inside an operation (RSA or Ed25519 arithmetic) and
authsweep's own are reported without a verdict.  Every allocation and
every watched call that grows is put down to the authsweep function up its
call chain and the OpenSSL function that function called.  Exit status
0, or 1 with ENFORCE=1 and a MISS.

Debian's libcrypto is stripped: exported functions are named wherever they
are entered from; internal ones (ossl_method_store_fetch,
ossl_namemap_name2num, the providers' newctx, ...) show as addresses and
are counted through the named functions that call them.
"""

import collections
import os
import re
import sys

WATCHED = [
    ("EVP_MD_fetch", r"EVP_MD_fetch"),
    ("other EVP_/OSSL_*_fetch",
     r"(EVP|OSSL)_(?!MD_fetch$)[A-Z0-9_]*_fetch(_by_number)?"),
    ("EVP_PKEY_CTX_new*", r"EVP_PKEY_CTX_new\w*"),
    ("EVP_MD_CTX_new", r"EVP_MD_CTX_new"),
    ("EVP_MD_CTX_copy*/_dup", r"EVP_MD_CTX_(dup|copy|copy_ex)"),
    ("OSSL_DECODER_CTX_new_for_pkey", r"OSSL_DECODER_CTX_new_for_pkey"),
    ("OSSL_DECODER_from_data", r"OSSL_DECODER_from_(data|bio)"),
    ("d2i_PUBKEY/d2i_PublicKey", r"d2i_(PUBKEY|PublicKey)(_ex)?"),
    ("EVP_PKEY_new_raw_public_key*", r"EVP_PKEY_new_raw_public_key(_ex)?"),
    ("EVP_PKEY_verify_init*", r"EVP_PKEY_verify_init(_ex)?"),
    ("EVP_DigestVerifyInit*", r"EVP_DigestVerifyInit(_ex)?"),
    ("OSSL_LIB_CTX_*/OSSL_PROVIDER_*", r"OSSL_(LIB_CTX|PROVIDER)_\w+"),
    ("EVP_*_get0_name/_is_a", r"EVP_\w+_(get0_name|is_a)"),
]

# Key decoding: once per key of that type is allowed.
PER_KEY = {"OSSL_DECODER_CTX_new_for_pkey": "rsa",
           "OSSL_DECODER_from_data": "rsa",
           "d2i_PUBKEY/d2i_PublicKey": "rsa",
           "EVP_PKEY_new_raw_public_key*": "ed25519"}

# Calls that set up a context: what they allocate, they allocate per call.
# The public-key operations themselves, as `openssl speed` runs them.
OPERATION_APIS = {"EVP_DigestVerify", "EVP_PKEY_verify"}
CONTEXT_APIS = re.compile(
    r"^(EVP_DigestInit(_ex2?)?|EVP_MD_CTX_(new|copy(_ex)?|dup|reset)|"
    r"EVP_PKEY_CTX_new\w*|EVP_PKEY_verify_init(_ex)?|"
    r"EVP_DigestVerifyInit(_ex)?|EVP_PKEY_CTX_set\w*|EVP_\w+_fetch)$")

# Allocator entry points (jemalloc's, or libc's).
ALLOC = r"(malloc|calloc|realloc|aligned_alloc|posix_memalign|memalign" \
    r"|mallocx|rallocx)"

NAME_RE = re.compile(
    r"^(c?(?:fn|ob|fl|fi|fe)|cfi|cfl|cob)=(?:\((\d+)\))?\s*(.*)$")
KIND = {"fn": "fn", "cfn": "fn", "ob": "ob", "cob": "ob", "fl": "fl",
        "fi": "fl", "fe": "fl", "cfi": "fl", "cfl": "fl"}


def unnamed(name):
    return name is None or name.startswith("0x") or name == "?"


class Profile:
    """One callgrind output file of a run with --separate-callers=DEPTH:
    calls per function and per call chain, and Ir per object."""

    def __init__(self, path, depth):
        self.depth = depth
        self.calls = collections.Counter()  # function -> calls
        self.ctx_calls = collections.Counter()  # (function, chain) -> calls
        self.ir_obj = collections.Counter()  # object -> self Ir
        self.objs = collections.defaultdict(set)  # function -> objects
        self.total = 0
        self._parse(path)

    @staticmethod
    def split(name):
        """A context name "f'caller'caller's caller..." as (f, chain);
        "'2" marks recursion (--separate-recs) and is dropped."""
        parts = [x for x in name.split("'") if not x.isdigit()]
        return parts[0], tuple(parts[1:])

    def _parse(self, path):
        names = {"fn": {}, "ob": {}, "fl": {}}
        cur_ob = callee = callee_ob = None
        after_calls = False
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line:
                    continue
                c = line[0]
                if c.isdigit() or c in "+-*":
                    if after_calls:
                        # The inclusive cost of the call just counted.
                        after_calls = False
                    else:
                        parts = line.split()
                        if len(parts) >= 2:
                            self.ir_obj[cur_ob] += int(parts[1])
                    continue
                if line.startswith("calls="):
                    n = int(line[6:].split()[0])
                    base, chain = self.split(callee)
                    self.calls[base] += n
                    self.ctx_calls[(base, chain)] += n
                    self.objs[base].add(callee_ob or cur_ob)
                    callee_ob = None
                    after_calls = True
                    continue
                if line.startswith(("summary:", "totals:")):
                    self.total = int(line.split()[1])
                    continue
                m = NAME_RE.match(line)
                if not m:
                    continue
                key, ident, name = m.groups()
                table = names[KIND[key]]
                if ident is not None:
                    if name:
                        table[ident] = name
                    else:
                        name = table.get(ident, "?")
                if key == "ob":
                    cur_ob = os.path.basename(name)
                elif key == "fn":
                    self.objs[self.split(name)[0]].add(cur_ob)
                elif key == "cob":
                    callee_ob = os.path.basename(name)
                elif key == "cfn":
                    callee = name

    def matching(self, regex):
        r = re.compile(r"^(?:" + regex + r")$")
        return sorted(n for n in self.calls if r.match(n))

    def in_obj(self, fn, what):
        return any(what in (o or "") for o in self.objs.get(fn, ()))

    def contexts(self, fn):
        return ((chain, n) for (base, chain), n in self.ctx_calls.items()
                if base == fn)

    def chains(self, fn):
        """Where the calls of |fn| come from: {(authsweep function,
        OpenSSL function): calls}, the first named authsweep function up
        the call chain and the outermost named libcrypto function below
        it (None when there is none)."""
        out = collections.Counter()
        for chain, n in self.contexts(fn):
            api = fn if self.in_obj(fn, "libcrypto") else None
            where = None
            for c in chain:
                if unnamed(c):
                    continue
                if self.in_obj(c, "authsweep"):
                    where = c
                    break
                if self.in_obj(c, "libcrypto"):
                    api = c
            if where is None:
                named = [c for c in chain if not unnamed(c)]
                where = f"(> {self.depth} frames)" \
                    if len(chain) >= self.depth else \
                    f"({named[-1] if named else 'start-up'})"
            out[(where, api)] += n
        return out


def per_extra(c1, c2, d, limit=0.0005):
    """Rows (per extra message, key) of two counters, largest first."""
    rows = [((c2[k] - c1[k]) / d, k) for k in set(c1) | set(c2)]
    return sorted((r for r in rows if abs(r[0]) >= limit), reverse=True)


def chain_label(k):
    fn, api = k
    return fn if api is None else f"{fn} -> {api}"


def entries(p, names):
    """Calls into the group |names| from outside it: d2i_PUBKEY calling
    d2i_PUBKEY_ex is one decode, not two."""
    inside = set(names)
    total = 0
    for n in names:
        for chain, k in p.contexts(n):
            first = next((c for c in chain if not unnamed(c)), None)
            if first not in inside:
                total += k
    return total


def strip_comments(text):
    """|text| without master-file comments (';' outside quotes to the end
    of the line)."""
    out, quoted, comment = [], False, False
    for ch in text:
        if comment:
            if ch == "\n":
                comment = False
                out.append(ch)
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            comment = True
            continue
        out.append(ch)
    return "".join(out)


def keys_in_zone(path):
    """Key records of a zone file: {"rsa": n, "ed25519": n, "revoked": n}."""
    text = strip_comments(open(path, encoding="utf-8").read())
    text = re.sub(r"\(([^)]*)\)", lambda m: m.group(1).replace("\n", " "),
                  text)
    keys = collections.Counter()
    for line in text.splitlines():
        fields = line.split()
        if not fields or "_domainkey" not in fields[0].lower():
            continue
        value = "".join(re.findall(r'"([^"]*)"', line))
        p = re.search(r"(?:^|;)\s*p=([^;]*)", value)
        if p is None:
            continue
        if p.group(1).strip() == "":
            keys["revoked"] += 1
        elif re.search(r"k=ed25519", value):
            keys["ed25519"] += 1
        else:
            keys["rsa"] += 1
    return keys


def summary(path):
    """authsweep's summary: (signatures, {algorithm: public-key checks})."""
    text = open(path, encoding="utf-8", errors="replace").read()
    m = re.search(r"(\d+) signatures", text)
    sigs = int(m.group(1)) if m else 0
    checks = collections.Counter()
    m = re.search(r"public-key checks: ([^\n]*)", text)
    if m:
        for alg, n in re.findall(r"([\w-]+) (\d+)", m.group(1)):
            checks["ed25519" if alg == "ed25519" else "rsa"] += int(n)
    return sigs, checks


def group_of(ob):
    for key, label in (("libcrypto", "libcrypto"), ("authsweep", "authsweep"),
                       ("libc.so", "libc"), ("libjemalloc", "jemalloc"),
                       ("ld-linux", "ld.so"), ("libz.", "zlib"),
                       ("libzstd", "zstd"), ("libcares", "c-ares"),
                       ("liburing", "liburing")):
        if ob is not None and key in ob:
            return label
    return "other"


def growth_in_operation(p1, p2, names, d):
    """Whether calls of |names| grow only under the public-key operations
    themselves (OPERATION_APIS)."""
    m1, m2 = collections.Counter(), collections.Counter()
    for n in names:
        for k, v in p1.chains(n).items():
            m1[(k[0], k[1], n)] += v
        for k, v in p2.chains(n).items():
            m2[(k[0], k[1], n)] += v
    grows = per_extra(m1, m2, d)
    return bool(grows) and all(api in OPERATION_APIS
                               for _, (_, api, _) in grows)


def main():
    if len(sys.argv) < 6:
        sys.exit("usage: callgrind.py DEPTH N1 DIR1 N2 DIR2 [ENFORCE]")
    depth = int(sys.argv[1])
    n1, dir1, n2, dir2 = int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), \
        sys.argv[5]
    enforce = len(sys.argv) > 6 and sys.argv[6] == "1"
    d = n2 - n1
    p1 = Profile(os.path.join(dir1, "callgrind.out"), depth)
    p2 = Profile(os.path.join(dir2, "callgrind.out"), depth)
    keys = keys_in_zone(os.path.join(dir2, "keys.zone"))
    s1, chk1 = summary(os.path.join(dir1, "summary.txt"))
    s2, chk2 = summary(os.path.join(dir2, "summary.txt"))

    print(f"  keys.zone: {keys['rsa'] + keys['ed25519']} keys "
          f"({keys['rsa']} RSA, {keys['ed25519']} Ed25519), "
          f"{keys['revoked']} revoked")
    print(f"  per extra message: {(s2 - s1) / d:.2f} signatures, "
          f"{(chk2['rsa'] - chk1['rsa']) / d:.3f} RSA and "
          f"{(chk2['ed25519'] - chk1['ed25519']) / d:.3f} Ed25519 "
          f"public-key checks")
    print(f"  instructions: {p1.total:,} ({n1} msgs), {p2.total:,} "
          f"({n2} msgs): {(p2.total - p1.total) / d:,.0f} Ir per extra "
          f"message")
    g1, g2 = collections.Counter(), collections.Counter()
    for ob, ir in p1.ir_obj.items():
        g1[group_of(ob)] += ir
    for ob, ir in p2.ir_obj.items():
        g2[group_of(ob)] += ir
    tot = (p2.total - p1.total) or 1
    print("  Ir per extra message by object: " + ", ".join(
        f"{g} {100 * per * d / tot:.1f}%"
        for per, g in per_extra(g1, g2, d) if abs(per * d) * 500 >= tot))

    fmt = "{:<34} {:>9} {:>9} {:>8}  {}"
    print(fmt.format("calls of", f"{n1} msgs", f"{n2} msgs", "per msg",
                     "verdict"))
    misses = []
    for label, regex in WATCHED:
        names = sorted(set(p1.matching(regex)) | set(p2.matching(regex)))
        c1, c2 = entries(p1, names), entries(p2, names)
        if label in PER_KEY:
            limit = keys[PER_KEY[label]]
            ok = c1 <= limit and c2 <= limit
            verdict = "PASS" if ok else "MISS"
            if c2 > 0:
                verdict += f" (at most once per {PER_KEY[label]} key: " \
                    f"{limit})"
        else:
            verdict = "PASS" if c1 == c2 else "MISS"
            if c1 != c2 and growth_in_operation(p1, p2, names, d):
                verdict = "PASS (inside the operation)"
        print(fmt.format(label, c1, c2, f"{(c2 - c1) / d:.3f}", verdict))
        if verdict.startswith("MISS"):
            misses.append((label, names))
        if len(names) > 1:
            for n in names:
                a, b = p1.calls[n], p2.calls[n]
                if a or b:
                    print(fmt.format("  " + n, a, b, f"{(b - a) / d:.3f}",
                                     ""))

    alloc = sorted(set(p1.matching(ALLOC)) | set(p2.matching(ALLOC)))
    a1 = sum(p1.calls[n] for n in alloc)
    a2 = sum(p2.calls[n] for n in alloc)
    print(fmt.format("malloc, calloc, realloc", a1, a2,
                     f"{(a2 - a1) / d:.2f}", "(reported)"))

    # Allocations by the call authsweep made.
    c1, c2 = collections.Counter(), collections.Counter()
    for n in alloc:
        c1.update(p1.chains(n))
        c2.update(p2.chains(n))
    ctx_miss = []
    print("allocations per extra message, by the authsweep function and "
          "the OpenSSL call it made:")
    for per, k in per_extra(c1, c2, d, 0.005):
        kind = ""
        if k[1] is None:
            kind = "authsweep's own" if "authsweep" not in k[0] else ""
        elif CONTEXT_APIS.match(k[1]):
            kind = "context set-up: MISS"
            ctx_miss.append((per, k))
        else:
            kind = "inside the operation"
        print(f"  {per:8.2f}  {chain_label(k):<58} {kind}")

    # A watched call that grows only inside the public-key operation
    # itself (OpenSSL 3.0's Ed25519 verify fetches SHA-512 and makes a
    # hash context on every call) is part of the operation the floor
    # prices: `openssl speed` runs the same EVP_DigestVerify.  It is shown,
    # and is not authsweep's overhead.
    inside = []
    # Rows that grow only inside the operation are listed below, too.
    for label, regex in WATCHED:
        names = sorted(set(p1.matching(regex)) | set(p2.matching(regex)))
        if label not in PER_KEY and \
                entries(p1, names) != entries(p2, names) and \
                growth_in_operation(p1, p2, names, d) and \
                all(lbl != label for lbl, _ in misses):
            misses.append((label, names))
    if misses:
        print("where the calls that grow come from (per extra message):")
        kept = []
        for label, names in misses:
            m1, m2 = collections.Counter(), collections.Counter()
            for n in names:
                for k, v in p1.chains(n).items():
                    m1[(k[0], k[1], n)] += v
                for k, v in p2.chains(n).items():
                    m2[(k[0], k[1], n)] += v
            grows = per_extra(m1, m2, d)
            in_op = grows and all(api in OPERATION_APIS
                                  for _, (_, api, _) in grows)
            print(f"  {label}:" + (" inside the operation the floor "
                                   "prices" if in_op else ""))
            for per, (fn, api, n) in grows[:8]:
                via = "" if api in (None, n) else f" -> {api}"
                print(f"    {per:8.3f}  {fn}{via} -> {n}")
            (inside if in_op else kept).append((label, names))
        misses = kept

    print("libcrypto functions called most per extra message:")
    lc1 = collections.Counter({n: v for n, v in p1.calls.items()
                               if not unnamed(n) and
                               p1.in_obj(n, "libcrypto")})
    lc2 = collections.Counter({n: v for n, v in p2.calls.items()
                               if not unnamed(n) and
                               p2.in_obj(n, "libcrypto")})
    for per, n in per_extra(lc1, lc2, d)[:12]:
        print(f"  {per:8.2f}  {n}")

    what = [lbl for lbl, _ in misses] + \
        sorted({f"allocation in {k[1]}" for _, k in ctx_miss})
    if what:
        print(f"OpenSSL 3 on the hot path: MISS ({len(misses)} of the "
              f"watched calls and {len(ctx_miss)} context allocations "
              f"per message: {', '.join(what)})")
    else:
        extra = ""
        if inside:
            extra = "; inside OpenSSL's own operation: " + \
                ", ".join(lbl for lbl, _ in inside)
        print("OpenSSL 3 on the hot path: PASS (no fetch, decode or "
              "context allocation per message by authsweep" + extra + ")")
    return 1 if what and enforce else 0


if __name__ == "__main__":
    sys.exit(main())
