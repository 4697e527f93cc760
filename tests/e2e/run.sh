#!/usr/bin/env bash
# End-to-end tests of the authsweep command line: usage errors, one record
# per input whatever the input, deterministic output, evaluation time, and
# both output formats.  Needs $AUTHSWEEP and $CORPUSGEN (set by make e2e).
# Works only under build/e2e/.
set -euo pipefail

: "${AUTHSWEEP:?}" "${CORPUSGEN:?}"
PY=/usr/bin/python3
W=build/e2e
rm -rf "$W"
mkdir -p "$W"
CONF=tests/vectors/conformance
fails=0
checks=0

ok() { checks=$((checks + 1)); }
bad() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "  FAIL: $*" >&2
}

# expect_usage DESCRIPTION ARGS...: exit 2 with exactly one line on stderr.
expect_usage() {
	local what=$1
	shift
	local rc=0
	"$AUTHSWEEP" "$@" >"$W/out" 2>"$W/err" || rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$W/err")" = 1 ] && [ ! -s "$W/out" ]; then
		ok
	else
		bad "$what: rc=$rc, stderr: $(head -c 300 "$W/err")"
	fi
}

# ---- usage errors ---------------------------------------------------------
expect_usage "no command"
expect_usage "unknown command" frobnicate
expect_usage "verify without input" verify
expect_usage "unknown option" verify --bogus x
expect_usage "bad --now" verify --now 12x x
expect_usage "negative --now" verify --now -5 x
expect_usage "unknown format" verify --format xml x
expect_usage "missing keys file" verify --keys "$W/nope.zone" x
printf 'a.example. IN TXT "unterminated\n' >"$W/bad.zone"
expect_usage "bad zone file" verify --keys "$W/bad.zone" x
grep -q 'bad.zone:1:' "$W/err" && ok || bad "zone error names file:line"
expect_usage "unwritable output" verify -o /nonexistent/dir/out x

"$AUTHSWEEP" --help >"$W/help" && grep -q '^usage:' "$W/help" && ok ||
	bad "--help"

# ---- a generated corpus: records, determinism, expectations ---------------
"$CORPUSGEN" --out "$W/gen" --count 300 --seed 7 >/dev/null
run() { "$AUTHSWEEP" verify --keys "$W/gen/keys.zone" "$@"; }
run "$W/gen/maildir" >"$W/c1" 2>"$W/s1"
run "$W/gen/maildir" >"$W/c2" 2>/dev/null
run --format jsonl "$W/gen/maildir" >"$W/j1" 2>/dev/null
run --format jsonl -o "$W/j2" "$W/gen/maildir" 2>/dev/null
cmp -s "$W/c1" "$W/c2" && ok || bad "two compact runs differ"
cmp -s "$W/j1" "$W/j2" && ok || bad "-o output differs from stdout"
n_files=$(find "$W/gen/maildir/cur" "$W/gen/maildir/new" -type f | wc -l)
[ "$(wc -l <"$W/c1")" = "$n_files" ] && ok ||
	bad "compact records $(wc -l <"$W/c1") != files $n_files"
[ "$(wc -l <"$W/j1")" = "$n_files" ] && ok || bad "jsonl records != files"
grep -q "^authsweep: $n_files messages" "$W/s1" && ok ||
	bad "summary: $(head -n 1 "$W/s1")"

# Every record is valid JSON with the DESIGN.md fields, and agrees with the
# generator's expectations.
$PY - "$W/j1" "$W/gen/expected.tsv" "$W/gen" <<'EOF' && ok || bad "jsonl contents"
import json, os, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
exp = {}
for line in open(sys.argv[2]):
    if line.startswith("#") or line.startswith("file\t"):
        continue
    f = line.rstrip("\n").split("\t")
    if f[1] != "-":
        exp[(f[0], int(f[1]))] = (f[6], f[7])
base = sys.argv[3]
bad = 0
for r in recs:
    assert "path" in r and "time" in r and "dkim" in r, r
    rel = os.path.relpath(r["path"], base)
    for i, s in enumerate(r["dkim"]):
        for k in ("d", "s", "a", "c", "result", "reason"):
            assert k in s, (k, s)
        want = exp.get((rel, i))
        if want and (s["result"], s["code"]) != want:
            bad += 1
            print("  mismatch", rel, i, s["result"], s["code"], want)
sys.exit(1 if bad else 0)
EOF

# ---- messages in = records out, whatever the input ------------------------
M=$W/odd
mkdir -p "$M/tree/sub" "$M/md/cur" "$M/md/new" "$M/md/tmp" \
	"$M/md/.Folder/cur" "$M/md/.Folder/new" "$M/md/.Folder/tmp"
: >"$M/tree/empty"
head -c 4096 /dev/urandom >"$M/tree/binary"
printf 'From: a@b\r\nSubject: nul\0here\r\n\r\nbody\0with NUL\r\n' >"$M/tree/nul"
printf 'Subject: headers only, no body separator' >"$M/tree/sub/headers-only"
printf 'DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x;\r\n' >"$M/tree/sub/truncated"
ln -s does-not-exist "$M/tree/dangling"
mkfifo "$M/tree/fifo"
truncate -s 300M "$M/tree/huge"
cp "$CONF/dkim-mimekit/gmail.msg" "$M/md/cur/1.host:2,S"
cp "$CONF/dkim-mimekit/related.msg" "$M/md/new/2.host"
cp "$CONF/dkim-mimekit/gmail.msg" "$M/md/tmp/3.host" # tmp/ is skipped
cp "$CONF/dkim-mimekit/gmail.msg" "$M/md/.Folder/cur/4.host:2,"
echo "dovecot index" >"$M/md/dovecot.index" # not a message
"$AUTHSWEEP" verify --dns none --format jsonl "$M/tree" "$M/md" \
	"$M/missing-input" >"$W/odd.jsonl" 2>"$W/odd.err" && ok || bad "odd inputs run failed"
# tree: empty binary nul headers-only truncated dangling fifo huge = 8;
# maildir: cur, new, .Folder/cur = 3; the missing input = 1.
[ "$(wc -l <"$W/odd.jsonl")" = 12 ] && ok ||
	bad "odd inputs: $(wc -l <"$W/odd.jsonl") records, want 12"
$PY - "$W/odd.jsonl" <<'EOF' && ok || bad "odd input records"
import json, sys
r = {json.loads(l)["path"].split("/", 3)[-1]: json.loads(l) for l in open(sys.argv[1])}
def err(k): return r[k].get("error", "")
assert "No such file" in err("tree/dangling"), r["tree/dangling"]
assert "not a regular file" in err("tree/fifo")
assert "larger than" in err("tree/huge")
assert "No such file" in err("missing-input")
assert r["tree/empty"]["dkim"] == [] and "error" not in r["tree/empty"]
assert r["tree/binary"]["dkim"] == []
assert r["tree/nul"]["dkim"] == []
d = r["tree/sub/truncated"]["dkim"]
assert len(d) == 1 and d[0]["result"] == "permerror" and d[0]["code"] == "missing", d
# --dns none and no keys: DNS cannot answer, a temporary error.
g = r["md/cur/1.host:2,S"]["dkim"]
assert g[0]["result"] == "temperror" and "no DNS source" in g[0]["reason"], g
assert not any("tmp/" in k or "dovecot" in k for k in r), list(r)
assert "md/.Folder/cur/4.host:2," in r
EOF

# ---- evaluation time --------------------------------------------------------
# Stalwart's dkim/005 has x=1667930064 (2022-11-08).  Judged at its arrival
# it passes; judged today it has expired.
T=$W/time
mkdir -p "$T"
awk 'sep {print; next} /^$/ {sep=1; next} {print > "/dev/stderr"}' \
	"$CONF/stalwart-mail-auth/dkim/005.txt" >"$T/msg" 2>"$T/dns.txt"
awk '{n=$1; $1=""; sub(/^ /,""); gsub(/\\/,"\\\\"); gsub(/"/,"\\\"");
	printf "%s. IN TXT (", n; for (i=1; i<=length($0); i+=200)
	printf " \"%s\"", substr($0, i, 200); print " )"}' \
	"$T/dns.txt" >"$T/keys.zone"
{ printf 'Received: from a by b; Mon, 7 Nov 2022 18:00:00 +0000\n'; cat "$T/msg"; } >"$T/with-received"
cp "$T/msg" "$T/no-received"
touch -d @1667844000 "$T/no-received"
"$AUTHSWEEP" verify --keys "$T/keys.zone" --format jsonl "$T/with-received" \
	"$T/no-received" >"$W/t1" 2>/dev/null
"$AUTHSWEEP" verify --keys "$T/keys.zone" --format jsonl --now 1700000000 \
	"$T/with-received" >"$W/t2" 2>/dev/null
$PY - "$W/t1" "$W/t2" <<'EOF' && ok || bad "evaluation time"
import json, sys
a, b = [json.loads(l) for l in open(sys.argv[1])]
c, = [json.loads(l) for l in open(sys.argv[2])]
assert a["time_source"] == "received" and a["time"] == 1667844000, a
assert a["dkim"][0]["result"] == "pass", a["dkim"]
assert b["time_source"] == "mtime" and b["time"] == 1667844000, b
assert b["dkim"][0]["result"] == "pass", b["dkim"]
assert c["time_source"] == "given" and c["dkim"][0]["code"] == "expired", c
EOF

# ---- compact format shape ---------------------------------------------------
awk -F'\t' 'NF != 6 {bad=1} END {exit bad}' "$W/c1" && ok ||
	bad "compact lines must have 6 columns"
grep -qE $'\tok\t(pass|fail|policy|permerror|temperror|neutral)' "$W/c1" &&
	ok || bad "compact dkim column"

echo "e2e: $checks checks, $fails failed"
[ "$fails" = 0 ]
