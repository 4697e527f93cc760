#!/usr/bin/env bash
# engine.sh - `authsweep verify` with live DNS, end to end: NSD serves the
# keys of a generated corpus on loopback (tests/dns/split_zone.py turns
# corpusgen's keys.zone into zones NSD loads), and the run through it must
# give the very records the same run gives with --keys.  Also: one query
# per distinct name (NSD's own statistics), --dns-cache repeated offline,
# --keys-archive snapshots chosen by date, and a server that goes away
# mid-run.  Called by tests/dns/run.sh; needs AUTHSWEEP, CORPUSGEN and
# DNSDELAY.
set -euo pipefail
: "${AUTHSWEEP:?}" "${CORPUSGEN:?}" "${DNSDELAY:?}"
cd "$(dirname "$0")/../.."
. tests/dns/nsd.sh
PY=/usr/bin/python3
W=build/dns-test/engine
rm -rf "$W"
mkdir -p "$W"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "  FAIL: $*" >&2
}
RELAY_PID=
cleanup() {
	nsd_stop
	if [ -n "$RELAY_PID" ]; then kill "$RELAY_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

C=$W/corpus
"$CORPUSGEN" --out "$C" --count 1500 --seed 7 >/dev/null
KEYS=$C/keys.zone
MD=$C/maildir
zones=$($PY tests/dns/split_zone.py "$KEYS" "$W/zones" | tr '\n' ' ')
# shellcheck disable=SC2086
NSD_CONTROL=1 nsd_start "$W/nsd" $zones
DNS=127.0.0.1:$NSD_PORT
AS() { "$AUTHSWEEP" verify --format jsonl -j2 "$@"; }

# ---- the same records through live DNS as through --keys ------------------
AS --keys "$KEYS" -o "$W/ref.jsonl" "$MD" 2>/dev/null
AS --dns "$DNS" --dns-cache "$W/cache.zone" -o "$W/live.jsonl" "$MD" \
	2>"$W/live.err"
cmp -s "$W/ref.jsonl" "$W/live.jsonl" && ok ||
	bad "live DNS and --keys records differ: $(cmp "$W/ref.jsonl" "$W/live.jsonl")"
# Every verdict kind the corpus has went through: not a run of temperrors.
$PY - "$W/live.jsonl" <<'EOF' && ok || bad "live records lack the usual verdicts"
import json, sys
seen = {s["result"] for l in open(sys.argv[1]) for s in json.loads(l).get("dkim", [])}
assert {"pass", "fail", "permerror", "policy"} <= seen, seen
assert "temperror" not in seen, seen
EOF

# ---- one query per distinct name --------------------------------------------
queries=$(nsd_control stats_noreset | sed -n 's/^num.queries=//p')
names=$($PY - "$W/ref.jsonl" <<'EOF'
import json, sys
# Signatures that reached the key lookup (RFC 6376 §6.1.2): every code
# from the key stage on.  The others were refused before any DNS query.
asked = {"ok", "dns", "nokey", "key-syntax", "key-version", "revoked",
         "key-nop", "key-type", "key-alg", "key-hash", "key-service",
         "key-strict", "key-decode", "sha1", "key-small", "key-large",
         "bh", "sig"}
names = set()
for l in open(sys.argv[1]):
    for s in json.loads(l).get("dkim", []):
        if s["code"] in asked:
            names.add("%s._domainkey.%s" % (s["s"].lower(), s["d"].lower().rstrip(".")))
print(len(names))
EOF
)
msgs=$(wc -l <"$W/ref.jsonl")
[ -n "$queries" ] && [ "$queries" = "$names" ] && ok ||
	bad "NSD saw $queries queries for $names distinct key names"
grep -q "dns: $names queries (0 failed)" "$W/live.err" && ok ||
	bad "summary: $(grep dns: "$W/live.err")"
echo "  live: $msgs messages, $names distinct key names, NSD saw $queries queries"

# Behind 40 ms of latency whole batches wait for their keys; with room
# to set aside only a few messages, workers finish ready ones while the
# others wait: still the same records, in the same order.
"$DNSDELAY" 0 "127.0.0.1:$NSD_PORT" 20 >"$W/relay.port" 2>"$W/relay.err" &
RELAY_PID=$!
for _ in $(seq 1 50); do [ -s "$W/relay.port" ] && break; sleep 0.1; done
SLOW=127.0.0.1:$(head -1 "$W/relay.port")
AUTHSWEEP_TEST_PARK_BUDGET=200000 AS --dns "$SLOW" -j1 -o "$W/tight1.jsonl" \
	"$MD" 2>/dev/null
AUTHSWEEP_TEST_PARK_BUDGET=200000 AS --dns "$SLOW" -j2 -o "$W/tight2.jsonl" \
	"$MD" 2>/dev/null
kill "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null || true
RELAY_PID=
cmp -s "$W/ref.jsonl" "$W/tight1.jsonl" && cmp -s "$W/ref.jsonl" "$W/tight2.jsonl" &&
	ok || bad "records differ with a small set-aside budget"

# ---- --dns-cache: the same records offline ----------------------------------
[ "$(grep -c '^;@ ' "$W/cache.zone")" = "$names" ] && ok ||
	bad "cache file holds $(grep -c '^;@ ' "$W/cache.zone") answers, want $names"
cp "$W/cache.zone" "$W/cache.first"
nsd_stop
AS --dns none --dns-cache "$W/cache.zone" -o "$W/offline.jsonl" "$MD" \
	2>"$W/offline.err"
cmp -s "$W/ref.jsonl" "$W/offline.jsonl" && ok ||
	bad "offline rerun from --dns-cache differs"
grep -q "dns: 0 queries" "$W/offline.err" && ok || bad "offline run asked"
# With the server gone but live DNS on, the cache answers everything.
AS --dns "$DNS" --dns-timeout 100 --dns-tries 1 --dns-cache "$W/cache.zone" \
	-o "$W/again.jsonl" "$MD" 2>"$W/again.err"
cmp -s "$W/ref.jsonl" "$W/again.jsonl" && ok ||
	bad "rerun with the cache and a dead server differs"
grep -q "dns: 0 queries" "$W/again.err" && ok || bad "rerun asked again"
cmp -s "$W/cache.first" "$W/cache.zone" && ok ||
	bad "rewriting the cache changed it"
# The cache file is a master file too: as --keys it gives the same records.
AS --keys "$W/cache.zone" -o "$W/askeys.jsonl" "$MD" 2>/dev/null
cmp -s "$W/ref.jsonl" "$W/askeys.jsonl" && ok ||
	bad "the --dns-cache file as --keys gives other records"

# ---- --keys-archive: keys as they were --------------------------------------
A=$W/archive
mkdir -p "$A"
cp "$KEYS" "$A/2020-01-01.zone"
# On 2026-06-01 the k2048a key was rotated: its name now holds another key.
$PY - "$KEYS" "$A/2026-06-01T00:00:00Z.zone" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
keys = re.findall(r'k1024\._domainkey\s+IN\s+TXT\s+\(([^)]*)\)', t)
assert keys, "no k1024 record"
new = "k2048a._domainkey\tIN\tTXT\t(" + keys[0] + ")"
t2, n = re.subn(r'k2048a\._domainkey\s+IN\s+TXT\s+\([^)]*\)', lambda m: new, t)
assert n >= 1, "no k2048a record"
open(sys.argv[2], "w").write(t2)
EOF
echo "not a snapshot" >"$A/README"
before=1767225600 # 2026-01-01: the first snapshot holds
after=1790812800  # 2026-10-01: the rotated one holds
AS --now $before --keys "$KEYS" -o "$W/now-before.jsonl" "$MD" 2>/dev/null
AS --now $before --keys-archive "$A" -o "$W/arch-before.jsonl" "$MD" \
	2>"$W/arch.err"
cmp -s "$W/now-before.jsonl" "$W/arch-before.jsonl" && ok ||
	bad "archive before the rotation differs from the old keys"
grep -q "skipping .*README" "$W/arch.err" && ok ||
	bad "a file not named by date was not reported"
AS --now $after --keys "$KEYS" -o "$W/now-after.jsonl" "$MD" 2>/dev/null
AS --now $after --keys-archive "$A" -o "$W/arch-after.jsonl" "$MD" 2>/dev/null
AS --now 946684800 --keys-archive "$A" -o "$W/arch-old.jsonl" "$MD" 2>/dev/null
$PY - "$W/now-after.jsonl" "$W/arch-after.jsonl" "$W/arch-old.jsonl" <<'EOF' && ok || bad "archive after the rotation"
import json, sys
def sigs(p):
    return [s for l in open(p) for s in json.loads(l).get("dkim", [])]
old, new, pre = sigs(sys.argv[1]), sigs(sys.argv[2]), sigs(sys.argv[3])
assert len(old) == len(new)
changed = 0
for a, b in zip(old, new):
    if a["s"] == "k2048a" and a["d"] == "example.com":
        if a["result"] == "pass":
            assert b["result"] != "pass", (a, b)
            changed += 1
    else:
        assert a == b, (a, b)
assert changed > 0
# Before every snapshot: no key can be had, a temporary error.
asked = [s for s in pre if s["code"] == "dns"]
assert asked and all("no keys snapshot" in s["reason"] for s in asked), pre[:3]
EOF

# ---- a server that goes away mid-run ----------------------------------------
NSD_CONTROL=0 nsd_start "$W/nsd2" $zones
"$DNSDELAY" 0 "127.0.0.1:$NSD_PORT" 150 >"$W/relay.port" 2>"$W/relay.err" &
RELAY_PID=$!
for _ in $(seq 1 50); do [ -s "$W/relay.port" ] && break; sleep 0.1; done
RPORT=$(head -1 "$W/relay.port")
# Answers take 300 ms through the relay; the server dies 150 ms in, so
# the queries then in flight are never answered.
AS --dns "127.0.0.1:$RPORT" --dns-timeout 200 --dns-tries 2 \
	-o "$W/gone.jsonl" "$MD" 2>"$W/gone.err" &
run=$!
sleep 0.15
nsd_stop
waited=0
while kill -0 $run 2>/dev/null && [ $waited -lt 300 ]; do
	sleep 0.1
	waited=$((waited + 1))
done
if kill -0 $run 2>/dev/null; then
	kill -9 $run
	bad "the run hung after the server went away"
else
	wait $run && ok || bad "the run failed after the server went away"
	[ "$(wc -l <"$W/gone.jsonl")" = "$msgs" ] && ok ||
		bad "server gone: $(wc -l <"$W/gone.jsonl") records, want $msgs"
	$PY - "$W/gone.jsonl" <<'EOF' && ok || bad "server gone: no temperror"
import json, sys
s = [s for l in open(sys.argv[1]) for s in json.loads(l).get("dkim", [])]
t = [x for x in s if x["result"] == "temperror"]
assert t and all("timeout" in x["reason"] for x in t), (len(t), t[:2])
EOF
	echo "  server gone: run ended in $((waited / 10)).$((waited % 10)) s"
fi

echo "dns engine: $((pass + fail)) checks, $fail failed"
[ "$fail" = 0 ]
