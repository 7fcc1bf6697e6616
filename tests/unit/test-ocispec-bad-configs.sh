#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: every row of fixtures/bad-configs.tsv, applied to fixtures/base-config.json with jq,
# must make libocispec fail with a message containing the expected JSON path and problem.
# Also: base-config.json itself parses.
set -u
srcdir=${OCIRT_TESTS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${OCIRT_TESTS_BUILDDIR:-$srcdir}
fixtures=$srcdir/unit/fixtures
check=$builddir/unit/ocispec-check

if ! command -v jq >/dev/null; then
	echo "1..0 # SKIP jq not installed"
	exit 0
fi
if [ ! -x "$check" ]; then
	echo "1..0 # SKIP $check not built"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
result() { # ok? description [diagnostics]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}

"$check" config "$fixtures/base-config.json" >/dev/null 2>"$tmp/err"
result $? "base-config.json parses" "$(cat "$tmp/err")"

while IFS=$'\t' read -r filter want; do
	case "$filter" in '' | '#'*) continue ;; esac
	if ! jq "$filter" "$fixtures/base-config.json" >"$tmp/config.json" 2>"$tmp/jqerr"; then
		result 1 "jq filter: $filter" "$(cat "$tmp/jqerr")"
		continue
	fi
	"$check" config "$tmp/config.json" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -qF -- "$want" "$tmp/err"; then
		result 0 "$filter"
	else
		result 1 "$filter" "exit $rc, want: $want
$(cat "$tmp/err")"
	fi
done <"$fixtures/bad-configs.tsv"

echo "1..$n"
[ $failed -eq 0 ]
