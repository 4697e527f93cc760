#!/usr/bin/env bash
# End-to-end tests of the engine: every input shape gives one record per
# message, the output is the same bytes whatever -j and --io are, and a run
# killed with SIGKILL and resumed writes exactly what an uninterrupted run
# writes.  Needs $AUTHSWEEP, $CORPUSGEN and $NO_URING (set by make e2e).
# Works only under build/e2e-engine/ (and a scratch folder in /tmp for the
# permission test).
set -euo pipefail

: "${AUTHSWEEP:?}" "${CORPUSGEN:?}" "${NO_URING:?}"
PY=/usr/bin/python3
W=build/e2e-engine
rm -rf "$W"
mkdir -p "$W"
fails=0
checks=0
ok() { checks=$((checks + 1)); }
bad() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "  FAIL: $*" >&2
}
same() { # same DESCRIPTION FILE1 FILE2
	if cmp -s "$2" "$3"; then ok; else bad "$1 ($2 vs $3)"; fi
}
records() { wc -l <"$1" | tr -d ' '; }
# quietly runs a command that may be killed, under a shell of its own whose
# stderr (where bash reports a killed child) is discarded; it passes the
# exit status on (137 after SIGKILL).
quietly() { bash -c '"$@"; exit $?' quietly "$@" 2>/dev/null; }

"$CORPUSGEN" --out "$W/gen" --count 400 --seed 11 >/dev/null
K="--keys $W/gen/keys.zone"
MD=$W/gen/maildir
AS() { "$AUTHSWEEP" verify $K "$@"; }

# ---- -j and --io do not change a byte ------------------------------------
AS -j1 --io pread -o "$W/ref" "$MD" 2>/dev/null
AS -j2 --io pread -o "$W/p2" "$MD" 2>/dev/null
same "-j1 and -j2 (pread)" "$W/ref" "$W/p2"
if "$AUTHSWEEP" verify --dns none --io uring -o /dev/null "$W/ref" 2>/dev/null; then
	AS -j1 --io uring -o "$W/u1" "$MD" 2>/dev/null
	AS -j2 --io uring -o "$W/u2" "$MD" 2>/dev/null
	same "io_uring and pread" "$W/ref" "$W/u1"
	same "-j2 io_uring" "$W/ref" "$W/u2"
else
	echo "  SKIP: io_uring is not available here (its tests need it)" >&2
fi
[ "$(records "$W/ref")" = 400 ] && ok || bad "maildir: $(records "$W/ref") records"

# ---- io_uring refused: --io auto falls back, --io uring is a usage error --
# no_uring makes io_uring_setup fail under a seccomp filter, as container
# runtimes' default profiles do (EPERM) and kernels without it do (ENOSYS).
for e in EPERM ENOSYS; do
	rc=0
	"$NO_URING" $e "$AUTHSWEEP" verify $K -j2 -o "$W/fallback-$e" "$MD" \
		2>"$W/fallback-$e.err" || rc=$?
	if [ $rc = 77 ]; then
		echo "  SKIP: no seccomp filter here ($e)" >&2
		continue
	fi
	same "io_uring refused ($e): pread gives the same bytes" "$W/ref" "$W/fallback-$e"
	grep -q ', pread$' "$W/fallback-$e.err" &&
		grep -q '^  io: pread, because io_uring not' "$W/fallback-$e.err" && ok ||
		bad "io_uring refused ($e): summary does not say pread and why"
	rc=0
	"$NO_URING" $e "$AUTHSWEEP" verify $K --io uring -o "$W/forced-$e" "$MD" \
		2>"$W/forced-$e.err" || rc=$?
	[ $rc = 2 ] && [ "$(wc -l <"$W/forced-$e.err")" = 1 ] && [ ! -e "$W/forced-$e" ] && ok ||
		bad "--io uring without io_uring ($e): exit $rc, $(head -c 200 "$W/forced-$e.err")"
done

# ---- mbox, plain and compressed --------------------------------------------
# An mboxrd archive of the same messages, with a body line that needs
# quoting; its verdicts must equal the maildir's.
$PY - "$MD" "$W/archive.mbox" <<'EOF'
import os, re, sys
md, out = sys.argv[1], sys.argv[2]
files = sorted(os.path.join(md, d, f) for d in ("cur", "new")
               for f in os.listdir(os.path.join(md, d)))
with open(out, "wb") as o:
    for i, f in enumerate(files):
        msg = open(f, "rb").read()
        # mboxrd quoting: one more ">" before every ^>*From line.
        msg = re.sub(rb"(?m)^(>*From )", rb">\1", msg)
        o.write(b"From sender@example.org Tue Jul  1 10:00:%02d 2025\n" % (i % 60))
        o.write(msg)
        if not msg.endswith(b"\n"):
            o.write(b"\n")
        o.write(b"\n")
EOF
gzip -c "$W/archive.mbox" >"$W/archive.mbox.gz"
zstd -q -c "$W/archive.mbox" >"$W/archive.mbox.zst"
for a in archive.mbox archive.mbox.gz archive.mbox.zst; do
	AS -j2 --format jsonl -o "$W/$a.jsonl" "$W/$a" 2>/dev/null
done
$PY - "$W" <<'EOF' && ok || bad "mbox records"
import json, sys
w = sys.argv[1]
def load(p): return [json.loads(l) for l in open(p)]
plain = load(w + "/archive.mbox.jsonl")
assert len(plain) == 400, len(plain)
offs = [r["offset"] for r in plain]
assert offs == sorted(offs) and len(set(offs)) == 400 and offs[0] == 0
for name in ("archive.mbox.gz", "archive.mbox.zst"):
    other = load(w + "/" + name + ".jsonl")
    assert [(r["offset"], r["dkim"]) for r in other] == \
        [(r["offset"], r["dkim"]) for r in plain], name
EOF
# The same verdicts as the maildir, message for message.
AS --format jsonl -o "$W/ref.jsonl" "$MD" 2>/dev/null
$PY - "$W/ref.jsonl" "$W/archive.mbox.jsonl" <<'EOF' && ok || bad "mbox verdicts differ from the maildir's"
import json, sys
a = [json.loads(l)["dkim"] for l in open(sys.argv[1])]
b = [json.loads(l)["dkim"] for l in open(sys.argv[2])]
assert a == b
EOF
# Truncated archives: every message still gets a record.
head -c $(($(stat -c %s "$W/archive.mbox") / 2)) "$W/archive.mbox" >"$W/cut.mbox"
head -c $(($(stat -c %s "$W/archive.mbox.gz") / 2)) "$W/archive.mbox.gz" >"$W/cut.mbox.gz"
AS --format jsonl "$W/cut.mbox" "$W/cut.mbox.gz" >"$W/cut.jsonl" 2>/dev/null
$PY - "$W/cut.jsonl" <<'EOF' && ok || bad "truncated archives"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
plain = [r for r in recs if r["path"].endswith("cut.mbox")]
gz = [r for r in recs if r["path"].endswith("cut.mbox.gz")]
assert 150 < len(plain) < 250 and all("error" not in r for r in plain)
assert 100 < len(gz) < 300, len(gz)
assert "error" in gz[-1] and "truncated" in gz[-1]["error"], gz[-1]
assert all("error" not in r for r in gz[:-1])
EOF

# ---- standard input lists, vanished and unreadable files ----------------------
find "$MD" -type f | sort >"$W/list"
AS -o "$W/stdin-lf" - <"$W/list" 2>/dev/null
tr '\n' '\0' <"$W/list" | AS -0 -o "$W/stdin-nul" - 2>/dev/null
AS -o "$W/direct" $(cat "$W/list") 2>/dev/null
same "paths on stdin (LF)" "$W/direct" "$W/stdin-lf"
same "paths on stdin (NUL)" "$W/direct" "$W/stdin-nul"
printf '%s\n' "$W/gen/vanished" | AS --format jsonl - >"$W/vanished.jsonl" 2>/dev/null
grep -q '"error":"cannot read: No such file or directory"' "$W/vanished.jsonl" &&
	ok || bad "a listed file that vanished"

S=$(mktemp -d /tmp/authsweep-e2e.XXXXXX)
chmod 755 "$S"
cp "$MD/cur/$(ls "$MD/cur" | head -n 1)" "$S/locked"
chmod 000 "$S/locked"
: >"$S/empty"
ln -s loop-b "$S/loop-a"
ln -s loop-a "$S/loop-b"
run_unprivileged() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		"$@"
	fi
}
run_unprivileged "$AUTHSWEEP" verify --dns none --format jsonl "$S" >"$W/perm.jsonl" 2>/dev/null
rm -rf "$S"
$PY - "$W/perm.jsonl" <<'EOF' && ok || bad "unreadable, empty, symlink loop"
import json, sys
r = {json.loads(l)["path"].rsplit("/", 1)[1]: json.loads(l) for l in open(sys.argv[1])}
assert len(r) == 4, r.keys()
assert "Permission denied" in r["locked"]["error"], r["locked"]
assert r["empty"]["dkim"] == []
assert "symbolic links" in r["loop-a"]["error"] and "symbolic links" in r["loop-b"]["error"]
EOF

# ---- a 50 MB message and 100k tiny files ----------------------------------
$PY - "$W/big.eml" <<'EOF'
import base64, os, sys
with open(sys.argv[1], "wb") as f:
    f.write(b"From: a@example.com\r\nSubject: big\r\nDKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGVzdA==\r\n\r\n")
    chunk = base64.encodebytes(os.urandom(57 * 1000)).replace(b"\n", b"\r\n")
    for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
        f.write(chunk)
EOF
for io in pread uring; do
	"$AUTHSWEEP" verify --dns none --io $io --format jsonl "$W/big.eml" >"$W/big-$io.jsonl" 2>/dev/null || true
done
grep -q '"code":"nokey"\|"code":"dns"' "$W/big-pread.jsonl" && ok || bad "50 MB message"
[ ! -s "$W/big-uring.jsonl" ] || same "50 MB message, both io paths" "$W/big-pread.jsonl" "$W/big-uring.jsonl"

# ---- memory stays bounded over many large files ---------------------------
# 300 files of 0.2 to 3.2 MB (sparse: they cost no disk) go through the
# large-file buffers of both readers; peak RSS must stay far below their
# total (about 500 MB), whatever sizes come in what order.
mkdir -p "$W/large"
for i in $(seq 1 300); do
	truncate -s $(((i * 7919 % 3000 + 200) * 1024)) "$W/large/$i.eml"
done
for io in pread uring; do
	rss=$(/usr/bin/time -f %M "$AUTHSWEEP" verify --dns none --io $io -j2 -o "$W/large-$io" \
		"$W/large" 2>&1 >/dev/null | tail -n 1)
	[ "$(records "$W/large-$io")" = 300 ] && [ "$rss" -lt 65536 ] && ok ||
		bad "300 large files, $io: $(records "$W/large-$io") records, peak RSS $rss KB"
done

$PY - "$W/tiny" <<'EOF'
import os, sys
d = sys.argv[1]
for i in range(100):
    sub = os.path.join(d, "%02d" % i)
    os.makedirs(sub)
    for j in range(1000):
        with open(os.path.join(sub, "%04d.eml" % j), "wb") as f:
            f.write(b"From: a@b.example\r\nSubject: %d\r\n\r\nhi\r\n" % j)
EOF
AS -j2 -o "$W/tiny.out" "$W/tiny" 2>"$W/tiny.err"
[ "$(records "$W/tiny.out")" = 100000 ] && ok || bad "100k tiny files: $(records "$W/tiny.out") records"
grep -q "^authsweep: 100000 messages" "$W/tiny.err" && ok || bad "100k summary"
rm -rf "$W/tiny"

# ---- crash and resume ---------------------------------------------------------
# Inputs: the maildir and the gzip archive (800 records).  Killed with SIGKILL
# at several points, then
# resumed: the final file must equal an uninterrupted run's, byte for byte.
# Checkpoints every 150 records, batches of up to 64: some kills fall right
# after a checkpoint, others well past one (the partial tail is cut off).
IN=("$MD" "$W/archive.mbox.gz")
for ext in out out.zst; do
	AUTHSWEEP_CHECKPOINT_RECORDS=150 AS -j2 -o "$W/full.$ext" "${IN[@]}" \
		2>/dev/null
	for kill_at in 1 50 137 400 799; do
		rm -f "$W/res.$ext" "$W/res.$ext".*
		rc=0
		AUTHSWEEP_CHECKPOINT_RECORDS=150 AUTHSWEEP_TEST_KILL_AFTER=$kill_at \
			quietly "$AUTHSWEEP" verify $K -j2 -o "$W/res.$ext" \
			"${IN[@]}" || rc=$?
		[ "$rc" = 137 ] || bad "run meant to die at $kill_at ended with $rc"
		[ ! -e "$W/res.$ext" ] || bad "killed run left a finished file"
		AUTHSWEEP_CHECKPOINT_RECORDS=150 "$AUTHSWEEP" verify $K -j2 --resume \
			-o "$W/res.$ext" "${IN[@]}" 2>"$W/res.err"
		same "resumed after a kill at record $kill_at ($ext)" \
			"$W/full.$ext" "$W/res.$ext"
		[ ! -e "$W/res.$ext.partial" ] && [ ! -e "$W/res.$ext.ckpt" ] &&
			ok || bad "partial or checkpoint left after resume"
	done
done
zstd -q -dc "$W/full.out.zst" | cmp -s - "$W/full.out" && ok ||
	bad "-o FILE.zst decompresses to the plain output"
# A kill from outside, at whatever point the run has reached.
rm -f "$W/ext.out" "$W/ext.out".*
AUTHSWEEP_CHECKPOINT_RECORDS=20 "$AUTHSWEEP" verify $K -j1 --io pread \
	-o "$W/ext.out" "${IN[@]}" 2>/dev/null &
pid=$!
sleep 0.3
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
AS -j2 --resume -o "$W/ext.out" "${IN[@]}" 2>/dev/null
same "resumed after an outside kill -9" "$W/full.out" "$W/ext.out"
# A checkpoint of another run is refused.
AUTHSWEEP_CHECKPOINT_RECORDS=50 AUTHSWEEP_TEST_KILL_AFTER=100 \
	quietly "$AUTHSWEEP" verify $K -o "$W/other.out" "$MD" || true
rc=0
"$AUTHSWEEP" verify $K --format jsonl --resume -o "$W/other.out" "$MD" \
	2>"$W/other.err" || rc=$?
[ "$rc" = 2 ] && grep -q "other inputs or options" "$W/other.err" && ok ||
	bad "resume with other options: rc=$rc $(cat "$W/other.err")"

# ---- progress and ingestion only -------------------------------------------
AS --progress -o /dev/null "$MD" 2>"$W/prog.err"
grep -q "msg/s" "$W/prog.err" && ok || bad "--progress prints progress"
AS -o /dev/null "$MD" 2>"$W/noprog.err"
[ "$(grep -c '^authsweep: [0-9]* msgs' "$W/noprog.err")" = 0 ] && ok ||
	bad "no progress lines when stderr is not a terminal"
AS --ingest-only -o "$W/ingest.out" "$MD" 2>"$W/ingest.err"
[ ! -s "$W/ingest.out" ] && grep -q "^authsweep: 400 messages" "$W/ingest.err" &&
	ok || bad "--ingest-only"

# ---- copies share one public-key check (the verify cache) ---------------------
rm -rf "$W/fanout"
/usr/bin/python3 bench/fanout.py "$MD" "$W/fanout" 60 5 >/dev/null
# The fourth copy of every tenth message gets one body byte changed (the
# same length, the same claimed bh=): the memo holds the body of the
# earlier copies, and must not answer for these.
/usr/bin/python3 - "$W/fanout/cur" <<'PY'
import os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    n, k = name.split(".")[0:2]
    if int(n) % 10 == 0 and k == "03":
        p = os.path.join(d, name)
        b = bytearray(open(p, "rb").read())
        i = len(b) - 3
        while i > 0 and not chr(b[i]).isalnum():
            i -= 1
        b[i] = ord("Q") if b[i] != ord("Q") else ord("R")
        open(p, "wb").write(b)
PY
AS -j2 --format jsonl -o "$W/fan-cached.jsonl" "$W/fanout" 2>"$W/fan-cached.err" &&
	AS -j2 --no-verify-cache --format jsonl -o "$W/fan-plain.jsonl" \
		"$W/fanout" 2>"$W/fan-plain.err" && ok || bad "fan-out runs failed"
cmp -s "$W/fan-cached.jsonl" "$W/fan-plain.jsonl" && ok ||
	bad "the verify cache changed records"
pk() { sed -n 's/.*public-key checks: //p' "$1" | tr -cs '0-9' ' ' |
	awk '{ for (i = 1; i <= NF; i++) if ($i !~ /^(1024|2048|3072|4096|25519)$/) t += $i } END { print t + 0 }'; }
hits=$(sed -n 's/.*verify cache: \([0-9]*\).*/\1/p' "$W/fan-cached.err")
[ "${hits:-0}" -gt 0 ] && [ "$(( $(pk "$W/fan-cached.err") + hits ))" = "$(pk "$W/fan-plain.err")" ] &&
	ok || bad "verify cache: $hits hits, $(pk "$W/fan-cached.err") + hits != $(pk "$W/fan-plain.err") checks"
! grep -q "verify cache" "$W/fan-plain.err" && ok || bad "--no-verify-cache"
# Copies skip the body hash too: fewer SHA-256 bytes, and the changed
# copies still fail on their body hash as without the memo.
bodies=$(sed -n 's/.*checks and \([0-9]*\) body hashes.*/\1/p' "$W/fan-cached.err")
sha() { sed -n 's/.*hashed sha256 \([0-9]*\) bytes.*/\1/p' "$1"; }
[ "${bodies:-0}" -gt 100 ] && [ "$(sha "$W/fan-cached.err")" -lt "$(( $(sha "$W/fan-plain.err") / 2 ))" ] &&
	ok || bad "body memo: $bodies hits, sha256 $(sha "$W/fan-cached.err") vs $(sha "$W/fan-plain.err") bytes"
AS -j2 --copy-cache 0 --format jsonl -o "$W/fan-nobody.jsonl" "$W/fanout" 2>"$W/fan-nobody.err"
cmp -s "$W/fan-nobody.jsonl" "$W/fan-plain.jsonl" &&
	grep -q "checks and 0 body hashes" "$W/fan-nobody.err" && ok || bad "--copy-cache 0"
tampered=$(grep -c '"path":"[^"]*/0[0-9]*0\.03\.fanout[^"]*".*"code":"bh"' "$W/fan-cached.jsonl" || true)
[ "$tampered" -ge 3 ] && ok || bad "changed copies: $tampered body-hash failures"

# ---- -o to something that is not a regular file -------------------------------
# Written as it goes: renaming FILE.partial over a FIFO (or /dev/null)
# would replace it.
rm -f "$W/out.fifo" "$W/out.fifo.partial"
mkfifo "$W/out.fifo"
cat "$W/out.fifo" >"$W/fifo.txt" &
reader=$!
AS -j2 -o "$W/out.fifo" "$MD" 2>/dev/null && wait $reader && ok ||
	bad "-o FIFO: the run failed"
[ -p "$W/out.fifo" ] && [ ! -e "$W/out.fifo.partial" ] && ok ||
	bad "-o FIFO: the FIFO was replaced"
[ "$(wc -l <"$W/fifo.txt")" = 400 ] && ok ||
	bad "-o FIFO: $(wc -l <"$W/fifo.txt") records, want 400"
AS --resume -o "$W/out.fifo" "$MD" 2>/dev/null && bad "--resume to a FIFO" || ok

echo "e2e engine: $checks checks, $fails failed"
[ "$fails" = 0 ]
