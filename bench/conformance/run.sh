#!/usr/bin/env bash
# bench/conformance/run.sh - the DKIM canonicalization conformance corpus
# (corpus/conformance/, issue 7 point 4) against authsweep and against the
# other verifiers this machine has: OpenDKIM's libopendkim, python3-dkim,
# Mail::DKIM and, when it is installed, mailauth, through the harnesses of
# bench/peers/.  Prints one correctness table (cases right per
# implementation, the wrong ones by category) and writes everything to
# CONFORMANCE_OUT (build/conformance-results).  What the corpus holds:
# corpus/conformance/README.md.
#
# Exit status 0 whatever the verdicts (a report), unless
# CONFORMANCE_ENFORCE=1 and authsweep gets a case wrong that
# CONFORMANCE_ALLOW (case names, space-separated) does not list: then 1.
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/../.."

AUTHSWEEP=${AUTHSWEEP:-./authsweep}
OPENDKIM_VERIFY=${OPENDKIM_VERIFY:-build/release-gcc/bench/peers/opendkim_verify}
NODE_DIR=${PEERS_NODE_DIR:-build/peers/node}
CORPUS=${CONFORMANCE_CORPUS:-corpus/conformance}
OUT=${CONFORMANCE_OUT:-build/conformance-results}
ENFORCE=${CONFORMANCE_ENFORCE:-0}
ALLOW=${CONFORMANCE_ALLOW:-}
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
log() { printf 'conformance: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

[ -x "$AUTHSWEEP" ] || die "no program at $AUTHSWEEP (make)"
[ -f "$CORPUS/cases.tsv" ] || die "no $CORPUS/cases.tsv"
NOW=$(awk '/^# now:/ { print $3; exit }' "$CORPUS/cases.tsv")
[ -n "$NOW" ] || die "$CORPUS/cases.tsv has no '# now:' line"

rm -rf "$OUT"
mkdir -p "$OUT"
# The messages in the order of the manifest, and the keys flattened for
# the peers (bench/peers/zonekeys.py: one "name value" line per record).
awk -F '\t' -v c="$CORPUS" '!/^#/ && $1 != "id" { print c "/" $4 }' \
	"$CORPUS/cases.tsv" >"$OUT/list"
"$PY" bench/peers/zonekeys.py "$CORPUS/keys.zone" >"$OUT/keys.txt"

impls=()
skips=()
# peer NAME LABEL CMD...: runs a harness over the list; a harness that
# fails is reported as skipped, with the end of its standard error.
peer() {
	local name=$1 label=$2
	shift 2
	if "$@" <"$OUT/list" >"$OUT/$name.out" 2>"$OUT/$name.err"; then
		impls+=(--impl "$name" peer "$OUT/$name.out" "$label")
	else
		skips+=(--skip "$name: the harness failed: $(tail -n 1 "$OUT/$name.err")")
	fi
}

log "authsweep on $(wc -l <"$OUT/list") messages, judged at $NOW"
"$AUTHSWEEP" verify --keys "$CORPUS/keys.zone" --now "$NOW" --format jsonl \
	-o "$OUT/authsweep.jsonl" "$CORPUS/messages" 2>"$OUT/authsweep.err" ||
	die "authsweep failed: $(tail -n 3 "$OUT/authsweep.err")"
v_as=$("$AUTHSWEEP" --version 2>&1 | head -n 1)
impls+=(--impl authsweep jsonl "$OUT/authsweep.jsonl" "$v_as")

deb() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }

if [ -x "$OPENDKIM_VERIFY" ]; then
	log "OpenDKIM"
	v=$(deb libopendkim11)
	peer opendkim "OpenDKIM ${v%%-*}" "$OPENDKIM_VERIFY" --now "$NOW" "$OUT/keys.txt"
else
	skips+=(--skip "opendkim: no harness at $OPENDKIM_VERIFY (make $OPENDKIM_VERIFY; needs libopendkim-dev)")
fi

if "$PY" -c 'import dkim' 2>/dev/null; then
	log "dkimpy"
	v=$(deb python3-dkim)
	peer dkimpy "dkimpy ${v%%-*}" "$PY" bench/peers/dkimpy_verify.py "$OUT/keys.txt"
else
	skips+=(--skip "dkimpy: $PY cannot import dkim (make deps: python3-dkim)")
fi

if perl -MMail::DKIM::Verifier -e 1 2>/dev/null; then
	log "Mail::DKIM"
	v=$(perl -MMail::DKIM -e 'print $Mail::DKIM::VERSION' 2>/dev/null || echo '?')
	peer mail-dkim "Mail::DKIM $v" perl bench/peers/maildkim_verify.pl "$OUT/keys.txt"
else
	skips+=(--skip "mail-dkim: perl cannot load Mail::DKIM (make deps: libmail-dkim-perl)")
fi

if ! command -v node >/dev/null; then
	skips+=(--skip "mailauth: node is not installed")
elif [ ! -f "$NODE_DIR/node_modules/mailauth/package.json" ]; then
	skips+=(--skip "mailauth: not installed under $NODE_DIR (make bench-peers-smoke installs it with npm)")
else
	log "mailauth"
	v=$(node -p "require('./$NODE_DIR/node_modules/mailauth/package.json').version")
	NODE_PATH=$(realpath "$NODE_DIR/node_modules") \
		peer mailauth "mailauth $v" node bench/peers/mailauth_verify.mjs \
		--now "$NOW" "$OUT/keys.txt"
fi

enforce=()
if [ "$ENFORCE" = 1 ]; then
	enforce=(--enforce authsweep)
	for a in $ALLOW; do
		enforce+=(--allow "$a")
	done
fi
rc=0
"$PY" bench/conformance/score.py --cases "$CORPUS/cases.tsv" --out "$OUT" \
	--title "authsweep conformance: DKIM canonicalization, RFC 6376 3.4 and 3.5 ($(date -u '+%Y-%m-%d %H:%M UTC'))" \
	"${impls[@]}" ${skips[@]+"${skips[@]}"} ${enforce[@]+"${enforce[@]}"} \
	>"$OUT/summary.txt" || rc=$?
cat "$OUT/summary.txt"
exit "$rc"
