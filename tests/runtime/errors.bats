#!/usr/bin/env bats
# Failures: runc's messages, exactly one error, and a failed create leaves nothing behind
# (state dir, cgroups, mounts, processes) so the caller can retry with the same ID.

load ../helpers
load ../helpers-lifecycle

setup() {
	requires root busybox
	setup_bundle
}

teardown() {
	teardown_bundle
}

@test "missing config.json" {
	rm "$BUNDLE/config.json"
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"JSON specification file config.json not found"* ]]
	no_state_left "$CID"
}

@test "invalid IDs" {
	for id in .. . 'sp ace' 'semi;colon' 'q"uote'; do
		run __ocirt create -b "$BUNDLE" "$id"
		[ "$status" -eq 1 ]
		[[ "$output" == *"invalid container ID format"* ]] || fail "$id: $output"
	done
	run __ocirt state ..
	[ "$status" -eq 1 ]
}

@test "duplicate ID: refused, the existing container is untouched" {
	set_args /bin/sleep 100
	run_detached_quiet
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with given ID already exists"* ]]
	testcontainer "$CID" running
	[ "$(state_field "$CID" pid)" = "$PID" ]
	[ -d "$OCIRT_ROOT/$CID" ]
}

@test "a failing child step: one error naming the step, nothing left, the ID reusable" {
	# a mount the kernel refuses happens in the child, after the cgroup and namespaces exist
	update_config '.mounts += [{"destination": "/bogus", "type": "nosuchfs", "source": "none"}]'
	ocirt_sep create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "more than one error line: $stderr"
	[[ "$stderr" == *"mounts: "* ]]
	[[ "$stderr" == *"nosuchfs"* ]]
	[ -z "$output" ]
	no_state_left "$CID"
	# delete -f of the failed ID exits 0 (containerd, Podman)
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
	# and the ID is free again
	update_config '.mounts |= map(select(.destination != "/bogus"))'
	set_args /bin/sleep 100
	create_detached
	testcontainer "$CID" created
}

@test "errors go to the log file as JSON, the bare message on stderr" {
	set_args nosuchprog
	run --separate-stderr "$OCIRT" --root "$OCIRT_ROOT" --log "$BATS_TEST_TMPDIR/log.json" --log-format json \
		create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'executable file not found in $PATH'* ]]
	[ -z "$output" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/log.json")" -eq 1 ]
	[ "$(jq -r .level "$BATS_TEST_TMPDIR/log.json")" = error ]
	[[ "$(jq -r .msg "$BATS_TEST_TMPDIR/log.json")" == *'exec: "nosuchprog": executable file not found in $PATH'* ]]
	no_state_left "$CID"
}

@test "killed in the middle of create: the child dies with it, delete -f cleans up" {
	local hook="$BATS_TEST_TMPDIR/slow.sh"
	printf '#!/bin/sh\necho $$ > %s/hookpid\necho $PPID > %s/creator\nexec sleep 30\n' "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR" >"$hook"
	chmod +x "$hook"
	update_config '.hooks = {"createRuntime": [{"path": "'"$hook"'"}]}'
	set_args /bin/sleep 100
	"$OCIRT" --root "$OCIRT_ROOT" create -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
	local creator=$!
	wait_file "$BATS_TEST_TMPDIR/creator"
	# state says creating while create works
	testcontainer "$CID" creating
	kill -9 "$creator"
	wait "$creator" || true
	# only our hook: other suites may run their own `sleep 30` hooks in parallel
	kill -9 "$(cat "$BATS_TEST_TMPDIR/hookpid")" 2>/dev/null || true
	# the child had a parent-death signal: no container process survives
	local i
	for ((i = 0; i < 40; i++)); do
		[ -z "$(grep -lsaF -- "$TEST_MARKER" /proc/[0-9]*/environ)" ] && break
		sleep 0.05
	done
	[ -z "$(grep -lsaF -- "$TEST_MARKER" /proc/[0-9]*/environ)" ] || fail "container process left"
	testcontainer "$CID" stopped
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
	no_state_left "$CID"
}

@test "start/kill/state/delete of an unknown ID: container does not exist" {
	for verb in start state kill delete; do
		ocirt $verb nosuch-"$CID"
		[ "$status" -eq 1 ]
		[[ "$output" == *"container does not exist"* ]] || fail "$verb: $output"
	done
}

@test "process missing from config.json" {
	update_config 'del(.process)'
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	no_state_left "$CID"
}

@test "start of a container whose init was killed from outside" {
	set_args /bin/sleep 100
	create_detached
	kill -9 "$(state_field "$CID" pid)"
	wait_for_status "$CID" stopped
	ocirt start "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start a container that has stopped"* ]]
	ocirt delete "$CID"
	[ "$status" -eq 0 ]
	no_state_left "$CID"
}
