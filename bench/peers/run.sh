#!/usr/bin/env bash
# bench/peers/run.sh - authsweep beside other DKIM verifiers (issue 6,
# point 6): OpenDKIM's libopendkim (bench/peers/opendkim_verify.c),
# python3-dkim, Mail::DKIM and, when npm can install it, mailauth, each on
# one thread over the same generated corpus with the same keys, the page
# cache warm.  For each: messages per CPU-second (user + sys), per second of
# wall time, peak RSS, and how far its verdicts agree with authsweep's.
# What it measures and why: bench/README.md, "Peers, side by side".
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/../.."

AUTHSWEEP=${AUTHSWEEP:-./authsweep}
CORPUSGEN=${CORPUSGEN:-build/release-gcc/corpusgen}
OPENDKIM_VERIFY=${OPENDKIM_VERIFY:-build/release-gcc/bench/peers/opendkim_verify}
DIR=${PEERS_DIR:-build/bench}
N=${PEERS_COUNT:-10000}
SLOW_N=${PEERS_SLOW_COUNT:-10000}
SLOW=${PEERS_SLOW:-dkimpy mail-dkim mailauth}
NODE_DIR=${PEERS_NODE_DIR:-build/peers/node}
MAILAUTH=${PEERS_MAILAUTH:-mailauth@4.13.3}
ROUNDS=${PEERS_ROUNDS:-5}
ENFORCE=${PEERS_ENFORCE:-0}
TARGET=6
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
log() { printf 'bench-peers: %4ds  %s\n' "$SECONDS" "$*" >&2; }
die() { log "$*"; exit 1; }

[ -x /usr/bin/time ] || die "/usr/bin/time not found (make deps: time)"
[ -x "$AUTHSWEEP" ] || die "no program at $AUTHSWEEP (make)"
[ -x "$CORPUSGEN" ] || die "no corpus generator at $CORPUSGEN (make)"
[ -x "$OPENDKIM_VERIFY" ] ||
	die "no OpenDKIM harness at $OPENDKIM_VERIFY (make bench-peers builds it)"
"$PY" -c 'import dkim' 2>/dev/null ||
	die "$PY cannot import dkim (make deps: python3-dkim)"
perl -MMail::DKIM::Verifier -e 1 2>/dev/null ||
	die "perl cannot load Mail::DKIM (make deps: libmail-dkim-perl)"

load=$(cut -d' ' -f1 /proc/loadavg)
stamp=$(date +%Y%m%d-%H%M%S)
RES=$DIR/peers-results/$stamp
mkdir -p "$RES"
ln -sfn "$stamp" "$DIR/peers-results/latest"

corpus=$DIR/corpus-$N-1
if [ ! -e "$corpus/generated" ]; then
	rm -rf "$corpus"
	log "generating $N messages in $corpus"
	"$CORPUSGEN" --out "$corpus" --count "$N" --seed 1 >"$corpus.summary"
	mv "$corpus.summary" "$corpus/generated"
fi
bytes=$(awk '{ for (i = 2; i <= NF; i++) if ($i == "bytes")
	{ print $(i - 1); exit } }' "$corpus/generated")

# mailauth: installed once under NODE_DIR (never committed); skipped, with
# the reason, when node or npm is missing or the install fails.
mailauth_ok=0
mailauth_why=
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	mailauth_why="node or npm not installed"
elif [ -f "$NODE_DIR/node_modules/mailauth/package.json" ]; then
	mailauth_ok=1
else
	log "installing $MAILAUTH under $NODE_DIR (npm)"
	mkdir -p "$NODE_DIR"
	if timeout 300 npm install --prefix "$NODE_DIR" --no-audit --no-fund \
		--no-save "$MAILAUTH" >"$RES/npm.log" 2>&1 &&
		[ -f "$NODE_DIR/node_modules/mailauth/package.json" ]; then
		mailauth_ok=1
	else
		mailauth_why="npm install $MAILAUTH failed (network?): $RES/npm.log"
	fi
fi
[ "$mailauth_ok" = 1 ] || log "skipping mailauth: $mailauth_why"

# The same keys for every implementation: keys.zone for authsweep, its TXT
# records flattened for the peers.  The same messages, in the order of
# their numbers (cur/ and new/ interleaved), so that a prefix taken for a
# slow peer is a sample of the whole.
K=$corpus/keys.zone
"$PY" bench/peers/zonekeys.py "$K" >"$RES/keys.txt"
find "$corpus/maildir" -type f | awk -F/ '{ print $NF "\t" $0 }' | LC_ALL=C sort |
	cut -f2 >"$RES/list"
head -n "$SLOW_N" "$RES/list" >"$RES/list-slow"
head -n 20 "$RES/list" >"$RES/list-warm"

# list_for NAME: the message list a peer runs on.
list_for() {
	case " $SLOW " in
	*" $1 "*) echo "$RES/list-slow" ;;
	*) echo "$RES/list" ;;
	esac
}

NOW=$(date +%s)
# timed NAME ROUND CMD...: one run of NAME's command over its list, under
# /usr/bin/time: output to RES/NAME.out, "wall user sys maxrss-KB" to
# RES/NAME.time.ROUND.
timed() {
	local name=$1 round=$2 list
	shift 2
	list=$(list_for "$name")
	/usr/bin/time -f '%e %U %S %M' -o "$RES/$name.time.$round" \
		"$@" <"$list" >"$RES/$name.out" 2>"$RES/$name.err" ||
		die "$name failed: $(tail -n 3 "$RES/$name.err")"
}

# check NAME: one result line per message of NAME's list.
check() {
	local list
	list=$(list_for "$1")
	[ "$(wc -l <"$RES/$1.out")" = "$(wc -l <"$list")" ] ||
		die "$1: $(wc -l <"$RES/$1.out") result lines for $(wc -l <"$list") messages"
}

# run NAME CMD...: a peer, once untimed over 20 messages (its interpreter
# and libraries come into the page cache), then once timed.
run() {
	local name=$1
	shift
	"$@" <"$RES/list-warm" >/dev/null 2>&1 || true
	log "$name: $(wc -l <"$(list_for "$name")") messages"
	timed "$name" 1 "$@"
	cp "$RES/$name.time.1" "$RES/$name.time"
	check "$name"
}

log "warming the page cache"
"$AUTHSWEEP" verify -j2 --ingest-only --keys "$K" - <"$RES/list" 2>/dev/null

# authsweep judges t= and x= at --now, the instant the peers read from the
# clock (OpenDKIM and mailauth are given it too); its records are the
# reference.  A second authsweep run judges each message at its arrival
# time, as authsweep does by default: more signatures are still valid
# then, so it does more public-key work.  These two and OpenDKIM, the pair
# the target compares, run ROUNDS times back to back, and the round whose
# ratio is the median one counts: on a shared machine a neighbour slows
# one run, not all.
"$OPENDKIM_VERIFY" --now "$NOW" "$RES/keys.txt" <"$RES/list-warm" \
	>/dev/null 2>&1 || true
for r in $(seq 1 "$ROUNDS"); do
	log "round $r of $ROUNDS: authsweep -j1 --now $NOW, at arrival time, OpenDKIM"
	timed authsweep "$r" "$AUTHSWEEP" verify -j1 --now "$NOW" \
		--keys "$K" --format jsonl -o "$RES/authsweep.jsonl" -
	timed authsweep-arrival "$r" "$AUTHSWEEP" verify -j1 --keys "$K" \
		--format jsonl -o "$RES/authsweep-arrival.jsonl" -
	timed opendkim "$r" "$OPENDKIM_VERIFY" --now "$NOW" "$RES/keys.txt"
done
check opendkim
# rounds.txt: per round, the CPU seconds of authsweep --now, OpenDKIM and
# authsweep at arrival time.  The round with the median ratio of the first
# two gives the rows of all three.
for r in $(seq 1 "$ROUNDS"); do
	awk '{ printf "%s ", $2 + $3 }' "$RES/authsweep.time.$r" \
		"$RES/opendkim.time.$r" "$RES/authsweep-arrival.time.$r"
	echo
done >"$RES/rounds.txt"
m=$(awk '{ print $2 / ($1 > 0 ? $1 : 0.01), NR }' "$RES/rounds.txt" | sort -g |
	awk '{ r[NR] = $2 } END { print r[int((NR + 1) / 2)] }')
for name in authsweep opendkim authsweep-arrival; do
	cp "$RES/$name.time.$m" "$RES/$name.time"
done

peers="opendkim dkimpy mail-dkim"
run dkimpy "$PY" bench/peers/dkimpy_verify.py "$RES/keys.txt"
run mail-dkim perl bench/peers/maildkim_verify.pl "$RES/keys.txt"
if [ "$mailauth_ok" = 1 ]; then
	peers="$peers mailauth"
	NODE_PATH=$(realpath "$NODE_DIR/node_modules") \
		run mailauth node bench/peers/mailauth_verify.mjs --now "$NOW" \
		"$RES/keys.txt"
fi
for p in $peers; do
	"$PY" bench/peers/compare.py --authsweep "$RES/authsweep.jsonl" \
		--peer "$RES/$p.out" --details "$RES/$p.disagreements.tsv" \
		>"$RES/$p.agree"
done

# Versions, for the table's header.
deb() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }
v_as=$("$AUTHSWEEP" --version 2>&1 | head -n 1)
v_odk=$(deb libopendkim11)
v_py=$(deb python3-dkim)
v_pl=$(perl -MMail::DKIM -e 'print $Mail::DKIM::VERSION' 2>/dev/null || echo '?')
v_js=-
if [ "$mailauth_ok" = 1 ]; then
	v_js="$(node -p "require('./$NODE_DIR/node_modules/mailauth/package.json').version") (node $(node --version))"
fi

{
	printf 'HEAD %s %s %s %s %s\n' "$N" "$bytes" "$NOW" "$load" \
		"$(date -u -d "@$NOW" '+%Y-%m-%d %H:%M UTC')"
	printf 'VERS %s|%s|%s|%s|%s\n' "$v_as" "$v_odk" "$v_py" "$v_pl" "$v_js"
	row() { # row KEY LABEL NAME
		printf 'ROW %s %s %s %s |%s\n' "$1" "$(wc -l <"$(list_for "$3")")" \
			"$(cat "$RES/$3.time")" \
			"$(head -n 1 "$RES/$3.agree" 2>/dev/null || echo -)" "$2"
	}
	row ref "authsweep -j1 --now" authsweep
	row info "authsweep -j1 (arrival)" authsweep-arrival
	row odk "OpenDKIM ${v_odk%%-*}" opendkim
	row peer "dkimpy ${v_py%%-*}" dkimpy
	row peer "Mail::DKIM $v_pl" mail-dkim
	if [ "$mailauth_ok" = 1 ]; then
		row peer "mailauth ${v_js%% *}" mailauth
	else
		printf 'SKIP mailauth: %s\n' "$mailauth_why"
	fi
	for p in $peers; do
		tail -n +2 "$RES/$p.agree" | sed "s/^/CAT $p\t/"
	done
	printf 'ROUNDS'
	awk '{ printf " %.2f/%.2f", $2 / ($1 > 0 ? $1 : 0.01),
		$2 / ($3 > 0 ? $3 : 0.01) }' "$RES/rounds.txt"
	echo
} >"$RES/raw.txt"

awk -v target="$TARGET" '
function mb(kb) { return sprintf("%.1f MB", kb / 1024) }
/^HEAD/ {
	printf "authsweep bench-peers: %d messages (%.1f MB), seed 1, one thread each, page cache warm, %s\n", $2, $3 / 1e6, $6 " " $7 " " $8
	printf "  t= and x= judged at %d (authsweep --now, OpenDKIM DKIM_OPTS_FIXEDTIME, mailauth curTime;\n", $4
	printf "  dkimpy and Mail::DKIM read the clock, seconds later); load average %s before the run\n", $5
	total = $2
	next
}
/^VERS/ {
	sub(/^VERS /, ""); split($0, v, "|")
	printf "  %s; libopendkim %s; python3-dkim %s; Mail::DKIM %s; mailauth %s\n", v[1], v[2], v[3], v[4], v[5]
	printf "%-26s %6s %7s %9s %7s %9s %9s  %-19s %s\n", "implementation", "msgs", "CPU s", "msg/CPU-s", "wall s", "msg/s", "peak RSS", "signatures agree", "messages agree"
	next
}
/^ROW/ {
	split($0, halves, "|"); label = halves[2]
	key = $2; n = $3; wall = $4; cpu = $5 + $6; rss = $7
	# /usr/bin/time counts in hundredths: keep a tiny run from dividing by 0.
	if (cpu < 0.01) { cpu = 0.01 }
	if (wall < 0.01) { wall = 0.01 }
	rate = n / cpu
	if (key == "ref") { ref = rate; ag = "(reference)"; am = "" }
	else if (key == "info") { info = rate; ag = "-"; am = "" }
	else {
		ag = sprintf("%d/%d %.1f%%", $11, $12, $12 ? 100 * $11 / $12 : 100)
		am = sprintf("%d/%d %.1f%%", $9, $10, $10 ? 100 * $9 / $10 : 100)
	}
	if (key == "odk") { odk = rate }
	if (n < total) { label = label " *"; subset = n }
	printf "%-26s %6d %7.2f %9.0f %7.2f %9.0f %9s  %-19s %s\n", label, n, cpu, rate, wall, n / wall, mb(rss), ag, am
	next
}
/^SKIP/ { sub(/^SKIP /, ""); printf "%-26s skipped: %s\n", "mailauth", substr($0, 11); next }
/^CAT/ {
	if (subset && !noted) { printf "* on the first %d messages (PEERS_SLOW_COUNT), in the order of their numbers\n", subset; noted = 1 }
	if (!cats) { print "disagreements with authsweep, per signature (details: peers-results/<stamp>/*.disagreements.tsv):" }
	cats = 1
	split($0, f, "\t")
	sub(/^CAT /, "", f[1])
	printf "  %-10s %5d  %s\n", f[1], f[2], f[3]
	next
}
/^ROUNDS/ { sub(/^ROUNDS */, ""); rounds = $0; next }
END {
	if (subset && !noted) { printf "* on the first %d messages (PEERS_SLOW_COUNT), in the order of their numbers\n", subset }
	if (odk > 0) {
		r = ref / odk
		printf "authsweep / OpenDKIM, msg per CPU-second   %5.2fx   (at arrival time: %.2fx)   target >= %dx   %s\n", r, info / odk, target, (sprintf("%.2f", r) + 0 >= target ? "PASS" : "MISS")
		printf "  per round, --now/arrival: %s (the median round is shown)\n", rounds
	}
}' "$RES/raw.txt" | tee "$RES/summary.txt"

if [ "$ENFORCE" = 1 ] && grep -q 'MISS$' "$RES/summary.txt"; then
	exit 1
fi
