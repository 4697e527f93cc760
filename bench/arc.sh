#!/usr/bin/env bash
# bench/arc.sh - what ARC costs: `authsweep verify -j2` over a generated
# corpus and over an ARC-heavy copy of it (bench/arcseal.c: one ARC set on
# every message, a second on every other one), side by side, with the
# extra cryptographic work (SHA-256 bytes, RSA-2048 checks) priced at
# `openssl speed` rates measured in the same run.  See bench/README.md,
# "ARC".
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/.."
AUTHSWEEP=${AUTHSWEEP:-./authsweep}
CORPUSGEN=${CORPUSGEN:-build/release-gcc/corpusgen}
ARCSEAL=${ARCSEAL:-build/release-gcc/arcseal}
DIR=${ARCBENCH_DIR:-build/bench}
N=${ARCBENCH_COUNT:-10000}
RUNS=${ARCBENCH_RUNS:-5}
log() { printf 'bench-arc: %4ds  %s\n' "$SECONDS" "$*" >&2; }

plain=$DIR/corpus-$N-1
arc=$DIR/arc-$N-1
if [ ! -e "$plain/generated" ]; then
	rm -rf "$plain"
	mkdir -p "$DIR"
	log "generating $N messages in $plain"
	"$CORPUSGEN" --out "$plain" --count "$N" --seed 1 >"$plain.summary"
	mv "$plain.summary" "$plain/generated"
fi
if [ ! -e "$arc/sealed" ]; then
	rm -rf "$arc"
	mkdir -p "$arc"
	log "sealing $plain into $arc"
	"$ARCSEAL" corpus/keys/rsa2048-a.pem "$plain/maildir" "$arc/maildir" \
		>"$arc/sealed.tmp"
	mv "$arc/sealed.tmp" "$arc/sealed"
fi
K=$plain/keys.zone
RES=$DIR/arc-results
mkdir -p "$RES"
V() { "$AUTHSWEEP" verify -j2 --keys "$K" -o /dev/null "$@"; }
log "warming the page cache; counting the work"
V --ingest-only "$plain/maildir" 2>/dev/null
V --ingest-only "$arc/maildir" 2>/dev/null
V "$plain/maildir" 2>"$RES/plain.err"
V "$arc/maildir" 2>"$RES/arc.err"
grep -q "arc: pass $N, fail 0" "$RES/arc.err" ||
	{ log "the ARC copy does not verify: $(grep arc: "$RES/arc.err")"; exit 1; }
sha() { sed -n 's/.*hashed sha256 \([0-9]*\) bytes.*/\1/p' "$1"; }
rsa() { sed -n 's/.*rsa2048 \([0-9]*\),.*/\1/p' "$1"; }
log "openssl speed sha256 rsa2048"
speed=$(openssl speed -mr -seconds 2 -bytes 16384 sha256 rsa2048 2>/dev/null)
sha_rate=$(printf '%s\n' "$speed" | awk -F: '/^\+F:[0-9]+:sha256:/ { print $4 / 2 }')
rsa_rate=$(printf '%s\n' "$speed" | awk -F: '/^\+F2:[0-9]+:2048:/ { print $5 }')
log "hyperfine, $RUNS runs each, interleaved"
hyperfine --style basic --output=null --runs "$RUNS" \
	--export-csv "$RES/hyperfine.csv" \
	-n plain "$AUTHSWEEP verify -j2 --keys $K -o /dev/null $plain/maildir" \
	-n arc "$AUTHSWEEP verify -j2 --keys $K -o /dev/null $arc/maildir" \
	>"$RES/hyperfine.txt" 2>&1
med() { awk -F, -v n="$1" '$1 == n { print $4 }' "$RES/hyperfine.csv"; }
tp=$(med plain)
ta=$(med arc)
awk -v n="$N" -v tp="$tp" -v ta="$ta" -v sp="$(sha "$RES/plain.err")" \
	-v sa="$(sha "$RES/arc.err")" -v rp="$(rsa "$RES/plain.err")" \
	-v ra="$(rsa "$RES/arc.err")" -v shr="$sha_rate" -v rr="$rsa_rate" '
BEGIN {
	printf "authsweep bench-arc: %d messages; ARC copy: 1 set on each, 2 on every other\n", n
	printf "plain corpus   %8.0f msg/s   %.2f s (median of runs)\n", n / tp, tp
	printf "ARC-heavy      %8.0f msg/s   %.2f s\n", n / ta, ta
	printf "ARC / plain throughput   %.2f\n", tp / ta
	dsha = (sa - sp) / n; drsa = (ra - rp) / n
	printf "extra work per message: %.0f SHA-256 bytes, %.2f RSA-2048 checks\n", dsha, drsa
	floor_us = (dsha / shr + drsa / rr) * 1e6
	meas_us = (ta - tp) * 2 / n * 1e6
	printf "priced at openssl speed (sha256 %.0f MB/s, rsa2048 %.0f verify/s): %.1f us per message on one core\n", shr / 1e6, rr, floor_us
	printf "measured extra time: %.1f us per message on one core (2 threads x wall time)\n", meas_us
	printf "measured / priced  %.2f   (the DKIM-only run reaches about 0.7 of its floor, i.e. 1.4)\n", meas_us / floor_us
}' | tee "$RES/summary.txt"
