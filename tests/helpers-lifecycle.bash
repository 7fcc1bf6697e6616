#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Small helpers shared by the lifecycle suites (lifecycle, namespaces, process, hooks,
# terminal, errors). Loaded after helpers.bash.

# set_args ARG...: process.args = the arguments.
set_args() {
	local json
	json=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	update_config ".process.args = $json"
}

# sh_args 'script': process.args = ["/bin/sh", "-c", script].
sh_args() {
	set_args /bin/sh -c "$1"
}

# with_out_dir: bind-mount $OUT (a fresh host directory) on /out in the container, so the
# container can leave files the test reads from the host.
with_out_dir() {
	export OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
	chmod 0777 "$OUT"
	update_config '.mounts += [{"destination": "/out", "type": "bind", "source": "'"$OUT"'", "options": ["rbind", "rw"]}]'
}

# only_namespaces TYPE...: linux.namespaces = the listed types, all created.
only_namespaces() {
	local json
	json=$(printf '%s\n' "$@" | jq -R '{type: .}' | jq -s .)
	update_config ".linux.namespaces = $json"
}

# no_pid_ns: drop the pid namespace (the process is then not an init: default signal
# dispositions apply to it).
no_pid_ns() {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
}

# create_detached: `ocirt create` with stdio away from bats' pipes (the init inherits them).
create_detached() {
	__ocirt create -b "$BUNDLE" "$@" "$CID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1
}

# run_detached_quiet: `ocirt run -d` the same way; sets PID from state.
run_detached_quiet() {
	__ocirt run -d -b "$BUNDLE" "$@" "$CID" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/run.out" >&2
		fail "ocirt run -d failed"
		return 1
	}
	PID=$(__ocirt state "$CID" | jq -r .pid)
	[ -n "$PID" ] && [ "$PID" -gt 0 ] || fail "no pid in state"
}

state_field() {
	__ocirt state "$1" | jq -r ".$2"
}

# wait_file FILE [seconds]: wait until FILE exists and is not empty.
wait_file() {
	local i
	for ((i = 0; i < ${2:-5} * 20; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	fail "$1 did not appear"
}

# no_state_left ID: no directory for ID in the state root and no cgroup named after it.
no_state_left() {
	[ ! -e "$OCIRT_ROOT/$1" ] || fail "state dir $OCIRT_ROOT/$1 left behind"
	local cg
	# (find fails when a parallel test removes a cgroup under its feet: that is no leak)
	cg=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "$1" 2>/dev/null || true)
	[ -z "$cg" ] || fail "cgroups left behind: $cg"
}

# Is a pid alive (not a zombie)?
pid_alive() {
	[ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
