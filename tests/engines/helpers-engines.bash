#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers shared by tests/engines/*.bats (containerd, docker). Loaded after ../helpers.

ENGINES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENGINE_IMAGE_REF="${ENGINE_IMAGE_REF:-localhost/ocirt-busybox:latest}"

# engine_missing CMD...: prints why the engine suite cannot run (empty if it can): not
# root, no ocirt binary, no static busybox, or one of the commands is not installed.
# setup_file exports the answer as ENGINE_SKIP and returns; setup() then skips each test
# (bats 1.8 fails, rather than skips, a file whose setup_file calls skip).
engine_missing() {
	local c
	[ "$(id -u)" -eq 0 ] || { echo "engine tests require root"; return; }
	[ -x "$OCIRT" ] || { echo "ocirt binary not found (set OCIRT=)"; return; }
	[ -n "$BUSYBOX" ] || { echo "engine tests require a static busybox (busybox-static)"; return; }
	command -v jq >/dev/null 2>&1 || { echo "jq is not installed"; return; }
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || { echo "$c is not installed"; return; }
	done
}

# requires_engine: in setup(), skip when setup_file found the engine missing.
requires_engine() {
	[ -z "${ENGINE_SKIP:-}" ] || skip "$ENGINE_SKIP"
}

# engine_build_image OUT.tar: the busybox docker-archive image (see mkimage.sh).
engine_build_image() {
	bash "$ENGINES_DIR/mkimage.sh" "$1" "$BUSYBOX" "$ENGINE_IMAGE_REF"
}

# engine_cli EXPECT LABEL CMD...: bats `run` of an engine's CLI, its output logged for failures.
# EXPECT: the expected status or empty (silences bats' warning for 126/127).
engine_cli() {
	local expect=$1 label=$2
	shift 2
	run ${expect:+-$expect} "$@"
	echo "$label (status=$status):" >&2
	echo "$output" >&2
}

# engine_run_image CLI [run flags...] -- CMD...: `CLI run` of the local image without a
# network (CLI: the test's logged wrapper, dk/pm/rl).
engine_run_image() {
	local cli=$1 flags=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		flags+=("$1")
		shift
	done
	shift
	"$cli" run --pull never --network none "${flags[@]}" "$ENGINE_IMAGE_REF" "$@"
}

# wait_until TIMEOUT_S CMD...: poll CMD every 0.1 s.
wait_until() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# stop_pid PID [TIMEOUT_S]: SIGTERM, wait, then SIGKILL. Only for processes we started.
stop_pid() {
	local pid=$1 t=${2:-20} i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < t * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait_until 5 eval "! kill -0 $pid"
}

# umount_under DIR: lazily unmount every mount point below DIR, deepest first.
umount_under() {
	local d=$1 m
	awk -v d="$d/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# cgroup_dirs_under NAME: existing cgroup v1/v2 directories /sys/fs/cgroup/*/NAME/* (children only).
cgroup_children() {
	local name=$1
	find /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name" -mindepth 1 -maxdepth 1 -type d 2>/dev/null
}

# rmdir_cgroup NAME: remove the (empty) cgroup NAME in every hierarchy, depth-first.
rmdir_cgroup() {
	local name=$1
	find /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name" -depth -type d -exec rmdir {} \; 2>/dev/null || true
}
