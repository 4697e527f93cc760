#!/usr/bin/env bash
# bench/callgrind.sh - OpenSSL 3 on the hot path (issue 6, point 4): no
# algorithm fetch, key decoding or context allocation per message.
# `authsweep verify -j1` runs under callgrind over two corpora of
# CALLGRIND_N1 < CALLGRIND_N2 messages (the first a prefix of the second);
# bench/callgrind.py counts the calls of the OpenSSL functions that must
# not be on the hot path, every allocation and the instructions per object,
# and reports the difference between the runs per extra message, with a
# PASS or MISS verdict.  What it measures and why: bench/README.md, "OpenSSL
# on the hot path (callgrind)".  Knobs come from the environment.
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/.."

AUTHSWEEP=${AUTHSWEEP:-./authsweep}
CORPUSGEN=${CORPUSGEN:-build/release-gcc/corpusgen}
DIR=${CALLGRIND_DIR:-build/bench-callgrind}
N1=${CALLGRIND_N1:-800}
N2=${CALLGRIND_N2:-1600}
SEED=${CALLGRIND_SEED:-1}
IO=${CALLGRIND_IO:-pread}
DEPTH=${CALLGRIND_DEPTH:-20}
ENFORCE=${CALLGRIND_ENFORCE:-0}

log() { printf 'bench-callgrind: %4ds  %s\n' "$SECONDS" "$*" >&2; }
die() { log "$*"; exit 1; }

for t in valgrind /usr/bin/python3; do
	command -v "$t" >/dev/null || die "$t not found (make deps)"
done
[ -x "$AUTHSWEEP" ] || die "no program at $AUTHSWEEP (make)"
[ -x "$CORPUSGEN" ] || die "no corpus generator at $CORPUSGEN (make)"
[ "$N1" -lt "$N2" ] || die "CALLGRIND_N1 ($N1) must be below CALLGRIND_N2 ($N2)"

# corpus N: the directory of the N-message corpus, generated unless an
# earlier generation finished (its summary, "generated", is the stamp).
corpus() {
	local dir=$DIR/corpus-$1-$SEED
	if [ ! -f "$dir/generated" ]; then
		rm -rf "$dir"
		mkdir -p "$DIR"
		log "generating $1 messages in $dir"
		"$CORPUSGEN" --out "$dir" --count "$1" --seed "$SEED" \
			>"$dir.summary"
		mv "$dir.summary" "$dir/generated"
	fi
	printf '%s\n' "$dir"
}

# profile N: authsweep under callgrind over the N-message corpus, into
# $DIR/run-N (callgrind.out, summary.txt, valgrind.log, keys.zone).
profile() {
	local c run=$DIR/run-$1
	c=$(corpus "$1")
	rm -rf "$run"
	mkdir -p "$run"
	cp "$c/keys.zone" "$run/keys.zone"
	log "callgrind: verify -j1 --io $IO over $1 messages"
	valgrind --tool=callgrind --separate-callers="$DEPTH" \
		--callgrind-out-file="$run/callgrind.out" \
		--log-file="$run/valgrind.log" \
		"$AUTHSWEEP" verify --keys "$c/keys.zone" -j1 --io "$IO" \
		-o /dev/null "$c/maildir" 2>"$run/summary.txt" ||
		{ cat "$run/summary.txt" "$run/valgrind.log" >&2;
		  die "the run over $1 messages failed"; }
}

load=$(cut -d' ' -f1 /proc/loadavg)
profile "$N1"
profile "$N2"
log "counting"
{
	printf 'authsweep bench-callgrind: %s and %s messages (seed %s), verify -j1 --io %s, %s\n' \
		"$N1" "$N2" "$SEED" "$IO" "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf '  %s; %s; %s; load average %s before the run\n' \
		"$("$AUTHSWEEP" --version)" "$(valgrind --version)" \
		"$(openssl version 2>/dev/null | cut -d' ' -f1-2 || echo OpenSSL)" \
		"$load"
	/usr/bin/python3 bench/callgrind.py "$DEPTH" "$N1" "$DIR/run-$N1" \
		"$N2" "$DIR/run-$N2" "$ENFORCE"
} | tee "$DIR/summary.txt"
exit "${PIPESTATUS[0]}"
