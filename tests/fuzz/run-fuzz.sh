#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build (if needed) and run every libocispec libFuzzer target for a short time.
#   tests/fuzz/run-fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Environment:
#   FUZZ_BUILDDIR  build directory configured with --enable-fuzzing (default: build-fuzz at the
#                  top of the source tree, configured here with CC=clang when missing)
#   FUZZ_JOBS      parallel libFuzzer jobs per target (default 1)
# Exits non-zero when a target crashes, leaks or fails its round-trip check; the crashing
# input is left in the working directory printed at the start.
set -euo pipefail
shopt -s nullglob

secs=${1:-20}
shift || true
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${FUZZ_BUILDDIR:-$srcdir/build-fuzz}
targets=("$@")
targets_of_local_mk() {
	awk '/^FUZZ_TARGETS *=/ { on = 1; sub(/^FUZZ_TARGETS *=/, "") } on { print; if (!/\\$/) exit }' \
		"$srcdir/tests/fuzz/local.mk" | tr ' \\\t' '\n\n\n' | sed -n 's|^tests/fuzz/fuzz-||p'
}
[ ${#targets[@]} -gt 0 ] || targets=($(targets_of_local_mk))

if ! command -v clang >/dev/null; then
	echo "run-fuzz: clang not found, skipping" >&2
	exit 0
fi

if [ ! -f "$builddir/Makefile" ]; then
	[ -x "$srcdir/configure" ] || (cd "$srcdir" && ./autogen.sh)
	mkdir -p "$builddir"
	(cd "$builddir" && "$srcdir/configure" CC=clang --enable-fuzzing --enable-sanitizers >/dev/null)
fi
progs=()
for t in "${targets[@]}"; do progs+=("tests/fuzz/fuzz-$t"); done
make -C "$builddir" -j"$(nproc)" "${progs[@]}" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-fuzz.XXXXXX")
echo "run-fuzz: ${secs}s per target, work dir $work"
status=0
for t in "${targets[@]}"; do
	mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
	log=$work/$t/log
	jobs=()
	[ "${FUZZ_JOBS:-1}" -le 1 ] || jobs=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
	if (cd "$work/$t" && "$builddir/tests/fuzz/fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=16384 -print_final_stats=1 "${jobs[@]}" \
		-artifact_prefix="$work/$t/artifacts/" corpus "$srcdir/tests/fuzz/corpus/$t" >"$log" 2>&1); then
		execs=$(awk '/stat::number_of_executed_units/ { n += $2 } END { print n + 0 }' "$log" "$work/$t"/fuzz-*.log)
		echo "run-fuzz: $t: ok, $execs executions"
	else
		echo "run-fuzz: $t: FAILED (see $log)"
		ls "$work/$t/artifacts" 2>/dev/null | sed 's/^/run-fuzz:   artifact: /'
		tail -40 "$log" | sed 's/^/  /'
		status=1
	fi
done
[ $status -ne 0 ] || rm -rf "$work"
exit $status
