#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for tests/engines/podman*.bats. Loaded after ../helpers and helpers-engines.
#
# OCIRT_PODMAN_PAIR=RUNTIME+SHIM picks what podman drives (default ocirt+conmon):
#   RUNTIME  ocirt ($OCIRT), crun, runc (from PATH, or $PM_CRUN / $PM_RUNC)
#   SHIM     conmon ($CONMON or from PATH), ocishim ($OCISHIM, else the build dir's)
# The same tests run with every pair, so a failure with ocirt+X that passes with runc+X
# (the reference here: crun 1.8.1 refuses this cgroup v1 hybrid host) is ocirt's.
#
# Each suite gets a private containers.conf (containers.conf.in: runtime, conmon_path,
# runtime_supports_json, cgroupfs, file events, private tmp/static/volume dirs) and
# storage.conf (storage.conf.in: private graphroot/runroot), so the host's podman state is
# never touched. Containers go under the cgroup parent $PM_CGPARENT.

PM_PAIR=${OCIRT_PODMAN_PAIR:-ocirt+conmon}
PM_CGPARENT=/ocirt-engines-podman
# OCIRT_PODMAN_QUICK=1: only the core tests (pm_slow skips the others), for a short CI run.
PM_QUICK=${OCIRT_PODMAN_QUICK:-0}

# pm_resolve_pair: sets PM_RUNTIME (name), PM_RUNTIME_PATH, PM_SHIM (conmon|ocishim) and
# PM_CONMON (path) from $PM_PAIR; on a problem sets ENGINE_SKIP to the reason.
pm_resolve_pair() {
	local rt=${PM_PAIR%%+*} shim=${PM_PAIR#*+}
	if [ "$rt" = "$PM_PAIR" ]; then
		ENGINE_SKIP="OCIRT_PODMAN_PAIR=$PM_PAIR: expected RUNTIME+SHIM, e.g. ocirt+conmon"
		return
	fi
	PM_RUNTIME=$rt
	PM_SHIM=$shim
	case "$rt" in
	ocirt) PM_RUNTIME_PATH=$OCIRT ;;
	crun) PM_RUNTIME_PATH=${PM_CRUN:-$(command -v crun)} ;;
	runc) PM_RUNTIME_PATH=${PM_RUNC:-$(command -v runc)} ;;
	*) ENGINE_SKIP="OCIRT_PODMAN_PAIR=$PM_PAIR: unknown runtime $rt (ocirt, crun, runc)" ;;
	esac
	case "$shim" in
	conmon) PM_CONMON=${CONMON:-$(command -v conmon)} ;;
	ocishim) PM_CONMON=${OCISHIM:-${OCIRT_TESTS_BUILDDIR:+$OCIRT_TESTS_BUILDDIR/../ocishim}} ;;
	*) ENGINE_SKIP="OCIRT_PODMAN_PAIR=$PM_PAIR: unknown shim $shim (conmon, ocishim)" ;;
	esac
	[ -z "$ENGINE_SKIP" ] || return 0
	if [ -z "$PM_RUNTIME_PATH" ] || [ ! -x "$PM_RUNTIME_PATH" ]; then
		ENGINE_SKIP="runtime $rt not found (${PM_RUNTIME_PATH:-not on PATH})"
	elif [ -z "$PM_CONMON" ] || [ ! -x "$PM_CONMON" ]; then
		ENGINE_SKIP="$shim not found (${PM_CONMON:-not on PATH}; set OCISHIM= or CONMON=)"
	fi
	# absolute paths: they go into containers.conf
	PM_RUNTIME_PATH=$(readlink -f "$PM_RUNTIME_PATH")
	PM_CONMON=$(readlink -f "$PM_CONMON")
}

# pm_write_configs DIR STORAGE_DRIVER: DIR/containers.conf and DIR/storage.conf from the
# templates, for the current pair.
pm_write_configs() {
	local dir=$1 driver=$2
	sed -e "s|@DIR@|$dir|g" -e "s|@RUNTIME@|$PM_RUNTIME|g" \
		-e "s|@RUNTIME_PATH@|$PM_RUNTIME_PATH|g" -e "s|@CONMON@|$PM_CONMON|g" \
		"$ENGINES_DIR/containers.conf.in" >"$dir/containers.conf"
	sed -e "s|@DIR@|$dir|g" -e "s|@DRIVER@|$driver|g" \
		"$ENGINES_DIR/storage.conf.in" >"$dir/storage.conf"
}

# pm_probe_reason FILE: why a probe container failed (FILE holds podman's output), as a
# skip reason for every test of the suite.
pm_probe_reason() {
	local out
	out=$(grep -m1 'Error' "$1" || tail -n1 "$1")
	case "$out" in
	*"cgroups in hybrid mode not supported"*)
		echo "$PM_RUNTIME refuses this cgroup v1 hybrid host ($out); use OCIRT_PODMAN_PAIR=runc+$PM_SHIM as the reference" ;;
	*) echo "a plain 'podman run ... true' fails with $PM_PAIR: $out" ;;
	esac
}

pm_slow() {
	[ "$PM_QUICK" = 1 ] || return 0
	NAME= # nothing for teardown to remove
	skip "not in the quick subset (OCIRT_PODMAN_QUICK=1)"
}

# pm_rm_all: remove every container of the private store (teardown).
pm_rm_all() {
	local c
	for c in $(podman ps -aq 2>/dev/null); do
		timeout 60 podman rm -f -t 0 "$c" >/dev/null 2>&1
	done
}

# pm_wait TIMEOUT_S CMD...: poll CMD (eval'd) every 0.2 s until it succeeds, for at most
# TIMEOUT_S seconds of wall time (each podman call takes ~0.3 s, so wait_until's count of
# iterations would wait far longer).
pm_wait() {
	local end=$((SECONDS + $1))
	shift
	while [ "$SECONDS" -lt "$end" ]; do
		eval "$*" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	eval "$*" >/dev/null 2>&1
}

# pm_wait_status NAME STATUS [TIMEOUT_S]: wait for `podman inspect` to show .State.Status.
pm_wait_status() {
	pm_wait "${3:-30}" "[ \"\$(podman inspect -f '{{.State.Status}}' '$1')\" = '$2' ]"
}
