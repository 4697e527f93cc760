#!/usr/bin/env bash
# tests/e2e/diagnose.sh - diagnoses of failed hashes (issue 7) on a corpus
# whose signers were broken on purpose: `corpusgen --bugs 40` hashes 40% of
# the sound signatures' bodies the way a known broken signer does, and its
# diagnoses.tsv says what authsweep must name for every signature (lists'
# footers and Subject tags included).  tests/e2e/diagnose.py checks the
# hit rate (>= 95%), that nothing is ever claimed where it should not be,
# and every verdict against expected.tsv.
set -euo pipefail
cd "$(dirname "$0")/../.."
AUTHSWEEP=$(realpath "${AUTHSWEEP:-./authsweep}")
CORPUSGEN=${CORPUSGEN:-build/release-gcc/corpusgen}
W=build/e2e-diagnose
rm -rf "$W"
mkdir -p "$W"
"$CORPUSGEN" --out "$W/corpus" --count 3000 --seed 11 --bugs 40 >/dev/null
(cd "$W/corpus" && "$AUTHSWEEP" verify --keys keys.zone --format jsonl \
	-o ../records.jsonl maildir 2>../verify.err)
/usr/bin/python3 tests/e2e/diagnose.py "$W/corpus" "$W/records.jsonl"
# The summary counts the same diagnoses, by signing domain.
n=$(grep -o '"diagnosis":' "$W/records.jsonl" | wc -l)
sum=$(sed -n 's/^  diagnoses: \([0-9]*\) signatures of \([0-9]*\) signing domains.*/\1/p' "$W/verify.err")
rows=$(awk '/^  diagnoses:/ { on = 1; next } on && /^    / { t += $2 + 0 } END { print t + 0 }' "$W/verify.err")
if [ "$n" -gt 0 ] && [ "${sum:-0}" = "$n" ] && [ "$rows" = "$n" ]; then
	echo "diagnose: summary by signing domain agrees ($n)"
else
	echo "diagnose: summary says ${sum:-nothing} (rows $rows), records hold $n"
	exit 1
fi
