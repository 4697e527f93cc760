#!/usr/bin/env bash
# bench/fanout.sh - copies of bulk mail (issue 6, point 7): a fan-out
# corpus (bench/fanout.py: FANOUT_COUNT messages of the bench corpus, each
# stored FANOUT_COPIES times with its own trace fields) verified with the
# verify cache and without, beside the per-copy crypto floor measured in
# the same run: what verifying every copy from scratch would cost in
# SHA-256 and public-key operations alone, at `openssl speed` rates.
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/.."
AUTHSWEEP=${AUTHSWEEP:-./authsweep}
CORPUSGEN=${CORPUSGEN:-build/release-gcc/corpusgen}
DIR=${FANOUT_DIR:-build/bench}
SRC_N=${FANOUT_SOURCE:-10000}
COUNT=${FANOUT_COUNT:-2000}
COPIES=${FANOUT_COPIES:-20}
RUNS=${FANOUT_RUNS:-5}
log() { printf 'bench-fanout: %4ds  %s\n' "$SECONDS" "$*" >&2; }

src=$DIR/corpus-$SRC_N-1
fan=$DIR/fanout-${COUNT}x$COPIES
if [ ! -e "$src/generated" ]; then
	mkdir -p "$DIR"
	rm -rf "$src"
	log "generating $SRC_N messages in $src"
	"$CORPUSGEN" --out "$src" --count "$SRC_N" --seed 1 >"$src.summary"
	mv "$src.summary" "$src/generated"
fi
if [ ! -e "$fan/made" ]; then
	rm -rf "$fan"
	log "writing $COUNT x $COPIES copies to $fan"
	/usr/bin/python3 bench/fanout.py "$src/maildir" "$fan/maildir" \
		"$COUNT" "$COPIES" >"$fan.made"
	mv "$fan.made" "$fan/made"
fi
N=$((COUNT * COPIES))
K=$src/keys.zone
RES=$DIR/fanout-results
mkdir -p "$RES"
V() { "$AUTHSWEEP" verify --keys "$K" -o /dev/null "$@"; }
log "warming the page cache; counting the work of one uncached run"
V -j2 --ingest-only "$fan/maildir" 2>/dev/null
V -j1 --no-verify-cache "$fan/maildir" 2>"$RES/work.err"
V -j1 "$fan/maildir" 2>"$RES/cached.err"
log "openssl speed"
speed=$(openssl speed -mr -seconds 2 -bytes 16384 sha256 sha1 rsa1024 \
	rsa2048 rsa3072 rsa4096 ed25519 2>/dev/null)
log "hyperfine, $RUNS runs each"
hyperfine --style basic --output=null --runs "$RUNS" \
	--export-csv "$RES/hyperfine.csv" \
	-n cached "$AUTHSWEEP verify -j2 --keys $K -o /dev/null $fan/maildir" \
	-n uncached "$AUTHSWEEP verify -j2 --no-verify-cache --keys $K -o /dev/null $fan/maildir" \
	>"$RES/hyperfine.txt" 2>&1
med() { awk -F, -v n="$1" '$1 == n { print $4 }' "$RES/hyperfine.csv"; }
{
	printf '%s\n' "$speed"
	echo "WORK $(sed -n 's/.*crypto: //p' "$RES/work.err")"
	echo "HITS $(sed -n 's/.*verify cache: \([0-9]*\) .* \([0-9]*\) body hashes.*/\1 \2/p' "$RES/cached.err")"
	echo "TIME $(med cached) $(med uncached)"
} | awk -v n="$N" -v count="$COUNT" -v copies="$COPIES" '
/^\+F:[0-9]+:sha256:/ { sha256 = $0; sub(/.*:/, "", sha256); sha256 /= 2 }
/^\+F:[0-9]+:sha1:/ { sha1 = $0; sub(/.*:/, "", sha1); sha1 /= 2 }
/^\+F2:[0-9]+:/ { split($0, f, ":"); rate["rsa" f[3]] = f[5] }
/^\+F6:[0-9]+:/ { split($0, f, ":"); rate["ed25519"] = f[6] }
/^WORK/ {
	line = $0
	match(line, /sha256 [0-9]+/); b256 = substr(line, RSTART + 7, RLENGTH - 7)
	match(line, /sha1 [0-9]+/); b1 = substr(line, RSTART + 5, RLENGTH - 5)
	split("rsa1024 rsa2048 rsa3072 rsa4096 ed25519", kinds, " ")
	for (k in kinds) {
		if (match(line, kinds[k] " [0-9]+")) {
			ops[kinds[k]] = substr(line, RSTART + length(kinds[k]) + 1,
			    RLENGTH - length(kinds[k]) - 1)
		}
	}
}
/^HITS/ { hits = $2; bodies = $3 }
/^TIME/ { tc = $2; tu = $3 }
END {
	cost = b256 / sha256 + b1 / sha1
	for (k in ops) if (rate[k] > 0) cost += ops[k] / rate[k]
	floor2 = 2 * n / cost
	printf "authsweep bench-fanout: %d messages x %d copies = %d\n", count, copies, n
	printf "per-copy crypto floor, 2 threads   %8.0f msg/s   (every copy hashed and checked)\n", floor2
	printf "verify -j2 --no-verify-cache       %8.0f msg/s   %.2f of the floor\n", n / tu, n / tu / floor2
	printf "verify -j2 (verify cache)          %8.0f msg/s   %.2f of the floor   target >= 2.00  %s\n", n / tc, n / tc / floor2, (n / tc / floor2 >= 2 ? "PASS" : "MISS")
	printf "answered from the cache (-j1 run): %d public-key checks, %d body hashes\n", hits, bodies
}' | tee "$RES/summary.txt"
