#!/usr/bin/env bash
# bench/dns.sh - `authsweep verify` with its keys from a real DNS server
# (NSD on loopback) behind 20 ms of latency each way: a run that starts
# with an empty DNS cache against one whose cache file already holds every
# key (issue 4).  What it measures and why: bench/README.md, "DNS: cold
# cache against warm".  Knobs come from the environment (defaults below).
set -euo pipefail
SELF=$(realpath "$0")
cd "$(dirname "$SELF")/.."

AUTHSWEEP=${AUTHSWEEP:-./authsweep}
CORPUSGEN=${CORPUSGEN:-build/release-gcc/corpusgen}
DNSDELAY=${DNSDELAY:-build/release-gcc/tests/dnsdelay}
DNSBENCH_DIR=${DNSBENCH_DIR:-build/bench}
DNSBENCH_COUNT=${DNSBENCH_COUNT:-20000}
DNSBENCH_SELECTORS=${DNSBENCH_SELECTORS:-10000}
DNSBENCH_SEED=${DNSBENCH_SEED:-1}
DNSBENCH_RUNS=${DNSBENCH_RUNS:-5}
DNSBENCH_DELAY_MS=${DNSBENCH_DELAY_MS:-20}
DNSBENCH_LATENCY=${DNSBENCH_LATENCY:-auto}
DNSBENCH_ENFORCE=${DNSBENCH_ENFORCE:-0}
# Set by this script when it runs itself inside the network namespace.
DNSBENCH_NETNS=${DNSBENCH_NETNS:-}

log() { printf 'bench-dns: %4ds  %s\n' "$SECONDS" "$*" >&2; }
die() { log "$*"; exit 1; }

case $DNSBENCH_LATENCY in
auto | netem | relay) ;;
*) die "DNSBENCH_LATENCY is auto, netem or relay, not $DNSBENCH_LATENCY" ;;
esac

# ---- latency ----------------------------------------------------------------
# netem on the loopback device of a network namespace delays every packet,
# so each query and each answer waits DNSBENCH_DELAY_MS.  It needs root
# (ip netns) and the sch_netem module; without either, the dnsdelay relay
# in front of NSD delays every datagram the same way, in user space.
if [ -z "$DNSBENCH_NETNS" ] && [ "$DNSBENCH_LATENCY" != relay ]; then
	ns=authsweep-dnsbench-$$
	why=
	if ! command -v ip >/dev/null || ! command -v tc >/dev/null; then
		why="ip or tc not found (iproute2)"
	elif ! why=$(ip netns add "$ns" 2>&1); then
		why="ip netns add: $why"
	else
		trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
		if ! why=$(ip netns exec "$ns" ip link set lo up 2>&1); then
			why="ip link set lo up: $why"
		elif ! why=$(ip netns exec "$ns" tc qdisc add dev lo root netem \
			delay "${DNSBENCH_DELAY_MS}ms" limit 1000000 2>&1); then
			why="tc qdisc add ... netem: $why"
			[ "$DNSBENCH_LATENCY" = auto ] || die "no netem: $why"
			# The namespace still keeps the bench's traffic to
			# itself; the relay adds the delay inside it.
			log "latency: netem unavailable ($why); the dnsdelay relay, in network namespace $ns"
			rc=0
			ip netns exec "$ns" env DNSBENCH_NETNS="$ns" \
				DNSBENCH_LATENCY=relay "$SELF" || rc=$?
			exit "$rc"
		else
			log "latency: netem, ${DNSBENCH_DELAY_MS} ms on lo in network namespace $ns"
			rc=0
			ip netns exec "$ns" env DNSBENCH_NETNS="$ns" "$SELF" || rc=$?
			exit "$rc"
		fi
		ip netns del "$ns" 2>/dev/null || true
		trap - EXIT
	fi
	[ "$DNSBENCH_LATENCY" = auto ] || die "no netem: $why"
	log "latency: netem unavailable ($why); using the dnsdelay relay"
fi
use_relay=1
if [ -n "$DNSBENCH_NETNS" ] && [ "$DNSBENCH_LATENCY" != relay ]; then
	use_relay=0
	method="netem ${DNSBENCH_DELAY_MS} ms on lo (network namespace)"
elif [ -n "$DNSBENCH_NETNS" ]; then
	method="dnsdelay relay, ${DNSBENCH_DELAY_MS} ms each way, in a network namespace (no netem)"
else
	method="dnsdelay relay, ${DNSBENCH_DELAY_MS} ms each way (no netem)"
fi

# ---- set-up -----------------------------------------------------------------
for t in hyperfine nsd-control nsd-checkzone /usr/sbin/nsd /usr/bin/python3; do
	command -v "$t" >/dev/null || die "$t not found (make deps)"
done
[ -x "$AUTHSWEEP" ] || die "no program at $AUTHSWEEP (make)"
[ -x "$CORPUSGEN" ] || die "no corpus generator at $CORPUSGEN (make)"
if [ "$use_relay" = 1 ]; then
	[ -x "$DNSDELAY" ] || die "no relay at $DNSDELAY (make bench-dns builds it)"
fi
AUTHSWEEP=$(realpath "$AUTHSWEEP")

load=$(cut -d' ' -f1 /proc/loadavg)
stamp=$(date +%Y%m%d-%H%M%S)
RES=$DNSBENCH_DIR/dns-results/$stamp
mkdir -p "$RES"
ln -sfn "$stamp" "$DNSBENCH_DIR/dns-results/latest"
RES=$(realpath "$RES")

# The corpus is generated once and reused; its summary, written only after
# it succeeded, is the stamp (as in bench/run.sh).
corpus=$DNSBENCH_DIR/corpus-dns-$DNSBENCH_COUNT-$DNSBENCH_SELECTORS-$DNSBENCH_SEED
if [ ! -f "$corpus/generated" ]; then
	log "generating $DNSBENCH_COUNT messages, $DNSBENCH_SELECTORS selectors (seed $DNSBENCH_SEED) in $corpus"
	rm -rf "$corpus"
	"$CORPUSGEN" --out "$corpus" --count "$DNSBENCH_COUNT" \
		--selectors "$DNSBENCH_SELECTORS" --seed "$DNSBENCH_SEED" \
		>"$corpus.tmp"
	mv "$corpus.tmp" "$corpus/generated"
fi
corpus=$(realpath "$corpus")

# The DNS names the run must look up, one per selector name: all of them,
# and those that a signature other than an expired one names (a verifier
# may judge expiry before it asks for the key; RFC 6376 6.1.1).
read -r names names_needed < <(awk -F'\t' '
	/^#/ || $1 == "file" || $2 == "-" { next }
	{
		k = tolower($4 "._domainkey." $3)
		if (!(k in all)) { all[k] = 1; num_all++ }
		if ($8 != "expired" && !(k in need)) { need[k] = 1; num_need++ }
	}
	END { printf "%d %d\n", num_all, num_need }' \
	"$corpus/expected.tsv")
probe=$(awk -F'\t' '$8 == "ok" { print $4 "._domainkey." $3; exit }' \
	"$corpus/expected.tsv")

# One zone per domain for NSD, each with an SOA whose negative TTL (RFC
# 2308) is an hour: absent selectors are NXDOMAIN, cached as such.
log "zones for NSD"
/usr/bin/python3 tests/dns/split_zone.py "$corpus/keys.zone" "$RES/zones" \
	3600 >"$RES/zones.txt"
while read -r apex file; do
	nsd-checkzone "$apex" "$file" >/dev/null ||
		die "NSD cannot load $file"
done <"$RES/zones.txt"

relay_pid=
cleanup() {
	if [ -n "$relay_pid" ]; then
		kill "$relay_pid" 2>/dev/null || true
		wait "$relay_pid" 2>/dev/null || true
		relay_pid=
	fi
	nsd_stop
}
. tests/dns/nsd.sh
trap cleanup EXIT
# rrl-ratelimit 0: Debian's NSD otherwise answers at most 200 queries a
# second from one /24 and drops or truncates the rest.
zone_args=()
while read -r apex file; do
	zone_args+=("$apex" "$file")
done <"$RES/zones.txt"
NSD_CONTROL=1 NSD_SERVER_OPTS="rrl-ratelimit: 0" \
	nsd_start "$RES/nsd" "${zone_args[@]}" || die "NSD did not start"
log "NSD on 127.0.0.1:$NSD_PORT, $((${#zone_args[@]} / 2)) zones"

if [ "$use_relay" = 0 ]; then
	port=$NSD_PORT
else
	"$DNSDELAY" 0 "127.0.0.1:$NSD_PORT" "$DNSBENCH_DELAY_MS" \
		>"$RES/dnsdelay.port" 2>"$RES/dnsdelay.log" &
	relay_pid=$!
	for _ in $(seq 1 50); do
		[ -s "$RES/dnsdelay.port" ] && break
		sleep 0.1
	done
	port=$(head -n 1 "$RES/dnsdelay.port")
	[ -n "$port" ] || die "dnsdelay did not start: $(cat "$RES/dnsdelay.log")"
	log "dnsdelay on 127.0.0.1:$port, ${DNSBENCH_DELAY_MS} ms each way"
fi

# The latency a lookup sees: 11 queries for a published key, the median
# round trip, and the answer must hold a record.
rtt=$(/usr/bin/python3 - "$port" "$probe" <<'EOF'
import random, socket, struct, sys, time
port, name = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
rtts = []
for _ in range(11):
    qid = random.randrange(65536)
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split("."))
    q += b"\0" + struct.pack("!HH", 16, 1)           # TXT IN
    q += b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)  # EDNS(0), 1232 bytes
    t = time.monotonic()
    s.sendto(q, ("127.0.0.1", port))
    r = s.recv(65535)
    rtts.append((time.monotonic() - t) * 1000)
    rid, flags, _, ancount = struct.unpack("!HHHH", r[:8])
    if rid != qid or flags & 15 != 0 or ancount == 0:
        sys.exit("no answer for %s (rcode %d)" % (name, flags & 15))
print("%.1f" % sorted(rtts)[5])
EOF
) || die "the DNS server does not answer through port $port"
log "round trip of a query: $rtt ms (median of 11, $probe)"
if awk -v r="$rtt" -v d="$DNSBENCH_DELAY_MS" 'BEGIN { exit !(r < 1.8 * d) }'; then
	log "warning: a round trip of $rtt ms is short of 2 x $DNSBENCH_DELAY_MS ms"
fi

queries() { nsd_control stats_noreset | sed -n 's/^num\.queries=//p'; }
# UDP datagrams the kernel dropped for want of receive buffer space: a
# burst larger than a socket's buffer.  udp_drops counts every socket of
# the network namespace (RcvbufErrors), nsd_drops NSD's own socket.
udp_drops() {
	awk '/^Udp:/ && ++n == 2 { print $6 }' /proc/net/snmp
}
nsd_drops() {
	awk -v p="$(printf ':%04X' "$NSD_PORT")" \
		'substr($2, length($2) - 4) == p { d += $NF } END { print d + 0 }' \
		/proc/net/udp
}
check_summary() {
	awk -v n="$2" '$1 == "authsweep:" { ok = ($2 == n && $4 == "(0") }
		END { exit !ok }' "$1" ||
		die "unexpected summary in $1: $(head -n 3 "$1")"
}

cold=$RES/cold.cache # removed before every cold run
warm=$RES/warm.cache # written once, by the first cold run below
warm_run=$RES/warm-run.cache # a fresh copy of $warm for each warm run
dns_cmd() {
	printf '%q ' "$AUTHSWEEP" verify -j2 --dns "127.0.0.1:$port" \
		--dns-cache "$1" -o "${2:-/dev/null}" "$corpus/maildir"
}
keys_cmd() {
	printf '%q ' "$AUTHSWEEP" verify -j2 --keys "$corpus/keys.zone" \
		-o "${1:-/dev/null}" "$corpus/maildir"
}

# The reference records, and the page cache warm for every timed run.
log "reference run with --keys"
eval "$(keys_cmd "$RES/keys.out")" 2>"$RES/keys.err" ||
	die "the --keys run failed: $(tail -n 3 "$RES/keys.err")"
check_summary "$RES/keys.err" "$DNSBENCH_COUNT"

log "one cold run, counting NSD's queries (writes the warm cache)"
rm -f "$warm"
q0=$(queries) d0=$(udp_drops) n0=$(nsd_drops)
eval "$(dns_cmd "$warm" "$RES/cold.out")" 2>"$RES/cold.err" ||
	die "the cold run failed: $(tail -n 3 "$RES/cold.err")"
q_cold=$(($(queries) - q0)) drops=$(($(udp_drops) - d0))
drops_nsd=$(($(nsd_drops) - n0))
check_summary "$RES/cold.err" "$DNSBENCH_COUNT"
[ -s "$warm" ] || die "the cold run wrote no cache file $warm"

log "one warm run, counting NSD's queries"
cp "$warm" "$warm_run"
q0=$(queries)
eval "$(dns_cmd "$warm_run" "$RES/warm.out")" 2>"$RES/warm.err" ||
	die "the warm run failed: $(tail -n 3 "$RES/warm.err")"
q_warm=$(($(queries) - q0))
check_summary "$RES/warm.err" "$DNSBENCH_COUNT"

# Records that differ from the --keys run's (the same verdicts are due).
differ() { diff "$RES/keys.out" "$1" | grep -c '^>' || true; }
diff_cold=$(differ "$RES/cold.out") diff_warm=$(differ "$RES/warm.out")

# Rounds: the machines are shared and drift, so each round times one cold,
# one warm and one --keys run back to back, and the ratio compares the
# cold and warm runs of one round (as bench/run.sh does).
csv() { awk -F, -v n="$2" '$1 == n { print $4 }' "$1"; }
: >"$RES/rounds.txt"
for ((round = 1; round <= DNSBENCH_RUNS; round++)); do
	log "round $round of $DNSBENCH_RUNS: cold, warm, --keys"
	hyperfine --style basic --output=null --runs 1 \
		--export-json "$RES/hyperfine-$round.json" \
		--export-csv "$RES/hyperfine-$round.csv" \
		-n cold --prepare "rm -f $(printf '%q' "$cold")" "$(dns_cmd "$cold")" \
		-n warm --prepare "cp $(printf '%q %q' "$warm" "$warm_run")" \
		"$(dns_cmd "$warm_run")" \
		-n keys --prepare true "$(keys_cmd)" |
		tee -a "$RES/hyperfine.txt" >&2
	h=$RES/hyperfine-$round.csv
	printf '%s %s %s\n' "$(csv "$h" cold)" "$(csv "$h" warm)" \
		"$(csv "$h" keys)" >>"$RES/rounds.txt"
done

if [ -n "$relay_pid" ]; then
	kill "$relay_pid"
	wait "$relay_pid" || true
	relay_pid=
fi

awk -v n="$DNSBENCH_COUNT" -v sel="$DNSBENCH_SELECTORS" \
	-v seed="$DNSBENCH_SEED" -v names="$names" -v needed="$names_needed" \
	-v q_cold="$q_cold" -v q_warm="$q_warm" -v drops="$drops" \
	-v drops_nsd="$drops_nsd" \
	-v diff_cold="$diff_cold" -v diff_warm="$diff_warm" \
	-v method="$method" -v rtt="$rtt" -v load="$load" -v cores="$(nproc)" \
	-v when="$(date -u '+%Y-%m-%d %H:%M UTC')" \
	-v version="$("$AUTHSWEEP" --version)" '
	function row(left, target, ok) {
		printf "%-62s target %-14s %s\n", left, target, ok ? "PASS" : "MISS"
	}
	function r(x, d) { return sprintf("%." d "f", x) + 0 }
	function median(a, m,    i, j, t) {
		for (i = 2; i <= m; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	# rounds.txt: cold, warm and --keys times of one round.
	{
		m++; c[m] = $1; w[m] = $2; k[m] = $3; q[m] = $2 / $1
		each = each sprintf(" %.2f", q[m])
	}
	END {
		tc = median(c, m); tw = median(w, m); tk = median(k, m)
		ratio = r(median(q, m), 2)
		printf "authsweep bench-dns: %d messages, %d selector names, seed %s, %d cores, %s\n", \
			n, names, seed, cores, when
		printf "  %s; load average %s before the run\n", version, load
		printf "  latency: %s; query round trip %s ms\n", method, rtt
		printf "cold cache   %8.0f msg/s  %6.2f s   --dns, no cache file\n", n / tc, tc
		printf "warm cache   %8.0f msg/s  %6.2f s   --dns, cache file of a cold run\n", n / tw, tw
		printf "--keys       %8.0f msg/s  %6.2f s   zone file, no DNS\n", n / tk, tk
		row(sprintf("cold / warm throughput  %.2f (median of %d rounds)", ratio, m), \
			">= 0.50", ratio >= 0.5)
		if (m > 1)
			printf "  ratio per round:%s\n", each
		ok = q_cold == names || q_cold == needed
		row(sprintf("NSD queries, cold run   %d for %d names", q_cold, \
			q_cold == needed && needed != names ? needed : names), \
			"= names", ok)
		if (needed != names)
			printf "  %d names, %d of them named by a signature that is not expired\n", \
				names, needed
		row(sprintf("NSD queries, warm run   %d", q_warm), "0", q_warm == 0)
		row(sprintf("records unlike --keys   cold %d, warm %d", diff_cold, diff_warm), \
			"0", diff_cold == 0 && diff_warm == 0)
		printf "UDP datagrams the kernel dropped (receive buffer full) during the counted cold run:\n"
		printf "  %d in all (every socket of the network namespace), %d of them at NSD\n", \
			drops, drops_nsd
	}' "$RES/rounds.txt" | tee "$RES/summary.txt"
if [ -s "$RES/dnsdelay.log" ]; then
	sed 's/^/  /' "$RES/dnsdelay.log"
fi

log "results in $RES (also $DNSBENCH_DIR/dns-results/latest)"
if [ "$DNSBENCH_ENFORCE" = 1 ] && grep -q 'MISS$' "$RES/summary.txt"; then
	die "a target was missed (DNSBENCH_ENFORCE=1)"
fi
