#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The long fuzz run recorded in tests/fuzz/RESULTS.md: every target (or the ones named) for
# RUNS executions each, one libFuzzer process at a time, at nice 19.
#   tests/fuzz/long-run.sh [RUNS] [TARGET...]          (default RUNS: 10000000)
# Environment:
#   FUZZ_BUILDDIR  a build dir configured with CC=clang --enable-fuzzing (default
#                  build-fuzz-long, configured here WITHOUT sanitizers: libFuzzer alone runs
#                  5-10x faster; the sanitizer build is what run-fuzz.sh and CI use)
#   FUZZ_WORKDIR   where corpora, logs and crash artifacts go (default a new temp dir)
# Prints one line per target: "name runs seconds exit-status artifacts"; exits non-zero
# when any target found a crash.
set -uo pipefail
shopt -s nullglob

runs=${1:-10000000}
shift || true
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${FUZZ_BUILDDIR:-$srcdir/build-fuzz-long}
targets=("$@")
targets_of_local_mk() {
	awk '/^FUZZ_TARGETS *=/ { on = 1; sub(/^FUZZ_TARGETS *=/, "") } on { print; if (!/\\$/) exit }' \
		"$srcdir/tests/fuzz/local.mk" | tr ' \\\t' '\n\n\n' | sed -n 's|^tests/fuzz/fuzz-||p'
}
[ ${#targets[@]} -gt 0 ] || targets=($(targets_of_local_mk))

if [ ! -f "$builddir/Makefile" ]; then
	mkdir -p "$builddir"
	(cd "$builddir" && "$srcdir/configure" CC=clang CFLAGS="-O2 -g" --enable-fuzzing >/dev/null) || exit 1
fi
progs=()
for t in "${targets[@]}"; do progs+=("tests/fuzz/fuzz-$t"); done
nice -n 19 make -C "$builddir" -j2 "${progs[@]}" >/dev/null || exit 1

work=${FUZZ_WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/ocirt-fuzz-long.XXXXXX")}
echo "long-run: $runs runs per target, commit $(cd "$srcdir" && git rev-parse --short HEAD), work dir $work"
status=0
for t in "${targets[@]}"; do
	mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
	start=$(date +%s)
	(cd "$work/$t" && nice -n 19 "$builddir/tests/fuzz/fuzz-$t" -runs="$runs" -timeout=10 \
		-rss_limit_mb=1024 -max_len=16384 -print_final_stats=1 -jobs=1 -workers=1 \
		-artifact_prefix="$work/$t/artifacts/" corpus "$srcdir/tests/fuzz/corpus/$t" >"$work/$t/log" 2>&1)
	rc=$?
	# with -jobs the worker's log has the count (the parent's log repeats it)
	logs=("$work/$t"/fuzz-*.log)
	[ ${#logs[@]} -gt 0 ] || logs=("$work/$t/log")
	execs=$(awk '/stat::number_of_executed_units/ { n += $2 } END { print n + 0 }' "${logs[@]}")
	arts=("$work/$t/artifacts"/*)
	echo "long-run: $t execs=$execs secs=$(($(date +%s) - start)) rc=$rc artifacts=${#arts[@]} $(date -u +%FT%TZ)"
	[ $rc -eq 0 ] && [ ${#arts[@]} -eq 0 ] || status=1
done
exit $status
