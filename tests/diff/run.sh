#!/usr/bin/env bash
# Differential test: authsweep against corpusgen's expectations and against
# python3-dkim (README.md in this folder).  Needs $AUTHSWEEP and $CORPUSGEN
# (set by `make diff`); writes only under build/diff/.  Exits non-zero on
# any mismatch with expected.tsv or any undocumented disagreement.
set -euo pipefail

: "${AUTHSWEEP:?}" "${CORPUSGEN:?}"
PY=/usr/bin/python3
HERE=tests/diff
W=build/diff
COUNT=${DIFF_COUNT:-2000}
SEED=${DIFF_SEED:-20250101}
export PYTHONDONTWRITEBYTECODE=1

if ! "$PY" -c 'import dkim' 2>/dev/null; then
	echo "diff: $PY cannot import dkim; install python3-dkim (make deps)" >&2
	exit 1
fi

rm -rf "$W"
mkdir -p "$W"
start=$(date +%s)

"$CORPUSGEN" --out "$W/corpus" --count "$COUNT" --seed "$SEED" \
	>"$W/corpusgen.out"
"$AUTHSWEEP" verify --keys "$W/corpus/keys.zone" --format jsonl \
	"$W/corpus/maildir" >"$W/authsweep.jsonl" 2>"$W/authsweep.err"
"$PY" "$HERE/dkimpy_verify.py" --jobs 2 "$W/corpus" >"$W/dkimpy.tsv"

rc=0
"$PY" "$HERE/compare.py" --corpus "$W/corpus" \
	--authsweep "$W/authsweep.jsonl" --dkimpy "$W/dkimpy.tsv" \
	--readme "$HERE/README.md" --details "$W/disagreements.tsv" || rc=$?
echo "diff: $(($(date +%s) - start)) s; details in $W/disagreements.tsv"
exit "$rc"
