#!/usr/bin/env bash
# The replay driver fails, naming the input, when a check fails on one of a folder's files; runs
# every file of a folder when none does; and refuses a folder that is missing or holds nothing.
set -uo pipefail
driver=$1 folder=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tg-fuzz-selftest.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() { echo "selftest: $*"; exit 1; }

out=$("$driver" "$folder" 2>&1); rc=$?
[ $rc -ne 0 ] || fail "a failed check: exit 0"
grep -q 'fuzz check failed' <<<"$out" || fail "a failed check: not said ($out)"
[ "$(grep -v 'fuzz check failed' <<<"$out" | tail -1)" = "$folder/b-crash" ] || fail "the failing input is not the last line ($out)"

out=$("$driver" "$folder/a-fine" "$folder/c-fine" 2>&1) || fail "good inputs: exit $? ($out)"
grep -q '^replay: 2 inputs, no crash$' <<<"$out" || fail "good inputs: not all run ($out)"

mkdir "$scratch/empty"
"$driver" "$scratch/empty" >/dev/null 2>&1 && fail "an empty folder: exit 0"
"$driver" "$scratch/missing" >/dev/null 2>&1 && fail "a missing folder: exit 0"
out=$("$driver" "$folder/a-fine" "?$scratch/missing" 2>&1) || fail "a missing optional folder: exit $? ($out)"
echo ok
