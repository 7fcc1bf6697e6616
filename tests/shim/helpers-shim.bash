#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for tests/shim/*.bats: drive ocishim the way podman 4.3 drives conmon (same
# arguments, the sync/start(/attach) SEQPACKET pipes through tests/shim/shim-harness), with
# ocirt or runc as the OCI runtime (SHIM_RT=ocirt|runc, set by each .bats file).
#
# The test cases are functions (case_*) so that ocirt.bats and runc.bats run the same ones.

load ../helpers

# shim_setup RUNTIME: bundle, runtime wrapper ($RT), shim dir ($SD), harness ($HARNESS).
shim_setup() {
	SHIM_RT=$1
	setup_bundle
	OCISHIM="${OCISHIM:-${OCIRT%/*}/ocishim}"
	HARNESS="${SHIM_HARNESS:-$OCIRT_TESTS_BUILDDIR/shim/shim-harness}"
	[ -x "$OCISHIM" ] || skip "ocishim not built ($OCISHIM)"
	[ -x "$HARNESS" ] || skip "tests/shim/shim-harness not built (make check builds it)"
	SD="$BATS_TEST_TMPDIR/shim"
	mkdir -p "$SD/exits" "$SD/cwd"
	RT="$SD/runtime"
	case "$SHIM_RT" in
	ocirt)
		printf '#!/bin/sh\nexec %q --root %q "$@"\n' "$OCIRT" "$OCIRT_ROOT" >"$RT"
		;;
	runc)
		requires runc
		printf '#!/bin/sh\nexec runc --root %q "$@"\n' "$SD/runc-root" >"$RT"
		;;
	esac
	chmod +x "$RT"
	# an exit command that records its argv, one argument per line
	printf '#!/bin/sh\nfor a in "$@"; do printf "[%%s]\\n" "$a"; done >%q\n' "$SD/exit-command.out" >"$SD/exit-command"
	chmod +x "$SD/exit-command"
	SHIM_HOPTS=()
	SHIM_FULL_ATTACH=--full-attach
	export OCISHIM HARNESS SD RT SHIM_RT
}

shim_teardown() {
	local p
	if [ -f "$SD/conmon.pid" ]; then
		p=$(cat "$SD/conmon.pid")
		if [ -n "$p" ] && [ -d "/proc/$p" ] && grep -q ocishim "/proc/$p/cmdline" 2>/dev/null; then
			kill -9 "$p" 2>/dev/null || true
		fi
	fi
	[ -n "${RT:-}" ] && [ -n "${CID:-}" ] && "$RT" delete -f "$CID" >/dev/null 2>&1
	[ "${SHIM_RT:-}" = runc ] && rm -rf "$SD/runc-root"
	teardown_bundle
}

# shim_run [ocishim options...]: podman's common arguments plus the given ones, through the
# harness (its options in the array SHIM_HOPTS); harness lines in $output / $lines.
shim_run() {
	run bash -c 'cd "$SD/cwd" && exec timeout 60 "$HARNESS" run "$@"' _ "${SHIM_HOPTS[@]}" -- "$OCISHIM" \
		--api-version 1 -c "$CID" -u "$CID" -r "$RT" -b "$BUNDLE" -p "$SD/pidfile" -n "name-$CID" \
		--exit-dir "$SD/exits" ${SHIM_FULL_ATTACH:+"$SHIM_FULL_ATTACH"} --log-level warning "$@"
	echo "shim_run: status=$status output:" >&2
	echo "$output" >&2
}

# the standard create arguments podman adds after the common ones
shim_create() {
	shim_run -l "k8s-file:$SD/ctr.log" --conmon-pidfile "$SD/conmon.pid" \
		--exit-command "$SD/exit-command" --exit-command-arg --root --exit-command-arg "" \
		--exit-command-arg cleanup --exit-command-arg "$CID" "$@"
}

# sync_pid: the PID of the `sync: {"data": N}` line of $output
sync_pid() {
	local l
	for l in "${lines[@]}"; do
		if [[ "$l" =~ ^sync:\ \{\"data\":\ ([0-9]+)\}$ ]]; then
			echo "${BASH_REMATCH[1]}"
			return 0
		fi
	done
	return 1
}

# wait_shim_exit [seconds]: the exit file appears, then the shim daemon is gone.
wait_shim_exit() {
	local t=${1:-15} i p
	for ((i = 0; i < t * 20; i++)); do
		[ -f "$SD/exits/$CID" ] && break
		sleep 0.05
	done
	[ -f "$SD/exits/$CID" ] || fail "no exit file $SD/exits/$CID after ${t}s"
	p=$(cat "$SD/conmon.pid" 2>/dev/null) || return 0
	for ((i = 0; i < t * 20; i++)); do
		[ -d "/proc/$p" ] || return 0
		sleep 0.05
	done
	fail "shim daemon $p still running"
}

rt_start() {
	"$RT" start "$CID"
}

# exec_supported: skip when the runtime has no `exec` yet
requires_rt_exec() {
	if "$RT" exec "$CID-none" /bin/true 2>&1 | grep -qi "not implemented"; then
		skip "$SHIM_RT exec not implemented"
	fi
}
