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

# ---- authsweep canon ---------------------------------------------------------
C=$W/corpus
fails=0
check() { if eval "$2"; then :; else echo "canon: FAIL: $1"; fails=$((fails + 1)); fi; }
b64sha() { /usr/bin/openssl dgst -"$1" -binary | base64; }
# Bytes printed by --raw hash to the bh= the report prints, for every mode.
n=0
for f in $(awk -F'\t' '!/^#/ && $3 != "-" && $3 != "diagnosis" { print $1 }' "$C/diagnoses.tsv" | sort -u | head -n 20); do
	for bc in simple relaxed; do
		want=$("$AUTHSWEEP" canon --c "relaxed/$bc" "$C/$f" |
			sed -n "s/^== body $bc: sha256 bh=\([^,]*\),.*/\1/p")
		got=$("$AUTHSWEEP" canon --c "relaxed/$bc" --raw body "$C/$f" | b64sha sha256)
		check "$f $bc: --raw body hashes to $want" '[ -n "$want" ] && [ "$got" = "$want" ]'
		n=$((n + 1))
	done
	# The diagnosis the report gives is the one diagnoses.tsv names.
	d=$(awk -F'\t' -v f="$f" '$1 == f && $2 == 0 { print $3 }' "$C/diagnoses.tsv")
	case "$d" in
	-|subject-tag-added|"") ;;
	*)
		# (Captured first: grep -q would end the pipe early.)
		report=$("$AUTHSWEEP" canon "$C/$f" | grep -a '^== body')
		grep -q "does not match (diagnosis $d" <<<"$report" ||
			{ echo "canon: FAIL: $f: no diagnosis $d"; fails=$((fails + 1)); }
		;;
	esac
done
# The empty body: relaxed hashes nothing, simple one CRLF (RFC 6376 3.4.3,
# 3.4.4).
printf 'From: a@example.com\r\nSubject: x\r\n\r\n' >"$W/empty.eml"
r=$("$AUTHSWEEP" canon --sig 0 "$W/empty.eml")
check "relaxed empty body" 'grep -aq "^== body relaxed: sha256 bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=, .* 0 bytes" <<<"$r"'
check "simple empty body" 'grep -aq "^== body simple: sha256 bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=, .* 2 bytes" <<<"$r"'
check "every field relaxed" '[ "$("$AUTHSWEEP" canon --sig 0 --c relaxed --raw header "$W/empty.eml")" = "$(printf "from:a@example.com\r\nsubject:x\r")" ]'
# Bad usage: one line, exit 2.
for args in "" "--c loose x" "--raw body x" "--sig -1 x" "--bogus x"; do
	rc=0
	# shellcheck disable=SC2086
	"$AUTHSWEEP" canon $args >/dev/null 2>"$W/usage.err" || rc=$?
	check "usage '$args' exits 2 with one line" '[ "$rc" = 2 ] && [ "$(wc -l <"$W/usage.err")" = 1 ]'
done
rc=0
"$AUTHSWEEP" canon "$W/no-such-file" >/dev/null 2>&1 || rc=$?
check "missing file exits 1" '[ "$rc" = 1 ]'
echo "canon: $n bodies checked, $fails failed"
[ "$fails" = 0 ]
