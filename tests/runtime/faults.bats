#!/usr/bin/env bats
# Fault injection: ocirt stopped dead (SIGKILL) at every named step of create, start,
# delete and exec must leave a container that `delete -f` removes completely, and `list`
# must keep working in between. Needs a build configured with --enable-fault-injection
# (ocirt --version then shows +FAULT_INJECTION; the points: src/common/fault.h, spawn.c,
# container.c, exec.c). Also: a full state root, a hanging hook, the init killed during create and
# two concurrent creates of one ID, which need no special build.

load ../helpers
load ../helpers-lifecycle

# The points, by the verb that reaches them (keep in step with OCIRT_FAULT_POINT calls).
CREATE_POINTS="create-after-state-dir create-after-cgroup-mkdir create-after-cgroup create-after-cgroup-resources create-after-clone
	create-after-maps create-after-hooks create-after-status"
START_POINTS="start-before-fifo start-after-fifo"
DELETE_POINTS="delete-before-kill delete-after-kill delete-before-cgroup-remove delete-after-cgroup-remove"
EXEC_POINTS="exec-after-clone exec-after-start"

setup() {
	requires root busybox
	setup_bundle
	set_args /bin/sleep 1000
	# a createRuntime hook, so create-after-hooks is reached (harmless for the other points)
	update_config '.hooks = {"createRuntime": [{"path": "/bin/true"}]}'
}

teardown() {
	delete_all_containers
	if [ -n "${FULL_ROOT:-}" ] && mountpoint -q "$FULL_ROOT"; then
		umount -l "$FULL_ROOT"
	fi
	check_no_leaks
}

requires_faults() {
	"$OCIRT" --version | grep -q '+FAULT_INJECTION' ||
		skip "ocirt not built with --enable-fault-injection"
}

# faulted POINT ARGS...: run ocirt ARGS with OCIRT_FAULT=POINT; it must die of SIGKILL.
# Its stdio go to files: a container init left behind must not hold bats' pipes.
faulted() {
	local point=$1
	shift
	local st=0
	OCIRT_FAULT=$point "$OCIRT" --root "$OCIRT_ROOT" "$@" </dev/null >"$BATS_TEST_TMPDIR/fault.out" 2>&1 || st=$?
	[ "$st" -eq 137 ] || fail "ocirt $* with OCIRT_FAULT=$point: exit $st, not killed at the point" \
		"($(cat "$BATS_TEST_TMPDIR/fault.out"))"
}

# list must work and give valid JSON whatever half-made state is in the root.
list_is_sane() {
	run __ocirt list --format json
	[ "$status" -eq 0 ] || fail "list failed after $1: $output"
	echo "$output" | jq -e 'type == "array" or . == null' >/dev/null || fail "list output after $1 is not JSON: $output"
	run __ocirt list
	[ "$status" -eq 0 ] || fail "list (table) failed after $1: $output"
}

# delete -f, then the container must be gone from list and leave nothing behind.
delete_and_check() {
	local point=$1
	run __ocirt delete -f "$CID"
	[ "$status" -eq 0 ] || fail "delete -f after $point: exit $status: $output"
	run __ocirt list --format json
	[ "$status" -eq 0 ] || fail "list after delete ($point): $output"
	! echo "$output" | jq -e --arg id "$CID" '.[]? | select(.id == $id)' >/dev/null ||
		fail "$CID still listed after delete -f ($point)"
	check_no_leaks || fail "leaks after $point + delete -f"
}

@test "fault injection: every create point, then delete -f leaves nothing" {
	requires_faults
	local p
	for p in $CREATE_POINTS; do
		CID=$(new_cid)
		faulted "$p" create -b "$BUNDLE" "$CID"
		list_is_sane "$p"
		# state may say anything (or fail cleanly), but must not crash
		run __ocirt state "$CID"
		[ "$status" -le 1 ] || fail "state after $p: exit $status: $output"
		delete_and_check "$p"
	done
}

# cgroup_dirs_named NAME: every directory called NAME in every mounted cgroup hierarchy
# (v1 controllers, named ones, cgroup2), from /proc/self/mountinfo.
cgroup_dirs_named() {
	local mp
	awk '$0 ~ / - cgroup2? / {print $5}' /proc/self/mountinfo | sort -u | while read -r mp; do
		find "$mp" -maxdepth 4 -type d -name "$1" 2>/dev/null
	done
}

@test "fault injection: killed around the cgroup mkdir, delete -f leaves no cgroup dir in any hierarchy" {
	requires_faults
	# an absolute cgroupsPath unique to this run, so the check can look for it by name
	local p name=ocirt-fault-$$-$RANDOM n
	update_config ".linux.cgroupsPath = \"/$name\""
	n=$(awk '$0 ~ / - cgroup2? / {print $5}' /proc/self/mountinfo | sort -u | wc -l)
	[ "$n" -gt 0 ] || skip "no cgroup hierarchy mounted"
	# half: killed part-way through the hierarchies (v1 makes one dir in each), as if only
	# some were made; simulated from create-after-cgroup-mkdir by removing every other one
	for p in create-after-state-dir create-after-cgroup-mkdir half create-after-cgroup \
		create-after-cgroup-resources; do
		CID=$(new_cid)
		faulted "${p/#half/create-after-cgroup-mkdir}" create -b "$BUNDLE" "$CID"
		case $p in
		create-after-cgroup-mkdir | half)
			# past the mkdir: the dirs exist in every hierarchy
			[ "$(cgroup_dirs_named "$name" | wc -l)" -ge "$n" ] ||
				fail "$p: expected /$name in $n hierarchies: $(cgroup_dirs_named "$name")"
			;;
		esac
		if [ "$p" = half ] && [ "$n" -gt 1 ]; then
			cgroup_dirs_named "$name" | sed -n '1~2p' | xargs rmdir
			[ -n "$(cgroup_dirs_named "$name")" ]
		fi
		run __ocirt delete -f "$CID"
		[ "$status" -eq 0 ] || fail "delete -f after $p: exit $status: $output"
		run cgroup_dirs_named "$name"
		[ -z "$output" ] || fail "cgroup left after $p + delete -f: $output"
		no_state_left "$CID"
	done
}

@test "fault injection: every start point, then delete -f leaves nothing" {
	requires_faults
	local p
	for p in $START_POINTS; do
		CID=$(new_cid)
		__ocirt create -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/create.err" ||
			fail "create: $(cat "$BATS_TEST_TMPDIR/create.err")"
		faulted "$p" start "$CID"
		list_is_sane "$p"
		delete_and_check "$p"
	done
}

@test "fault injection: every delete point, then delete -f leaves nothing" {
	requires_faults
	local p
	for p in $DELETE_POINTS; do
		CID=$(new_cid)
		__ocirt run -d -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/run.err" ||
			fail "run -d: $(cat "$BATS_TEST_TMPDIR/run.err")"
		faulted "$p" delete -f "$CID"
		list_is_sane "$p"
		delete_and_check "$p"
	done
}

@test "fault injection: every exec point, then delete -f leaves nothing" {
	requires_faults
	local p
	for p in $EXEC_POINTS; do
		CID=$(new_cid)
		__ocirt run -d -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/run.err" ||
			fail "run -d: $(cat "$BATS_TEST_TMPDIR/run.err")"
		faulted "$p" exec -d "$CID" /bin/sleep 1000
		list_is_sane "$p"
		testcontainer "$CID" running
		delete_and_check "$p"
	done
}

@test "fault injection: OCIRT_FAULT naming no point changes nothing" {
	requires_faults
	OCIRT_FAULT=no-such-point __ocirt run -d -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	testcontainer "$CID" running
	OCIRT_FAULT=no-such-point __ocirt delete -f "$CID"
	no_state_left "$CID"
}

@test "state root on a full tmpfs: create fails with ENOSPC and leaves nothing" {
	FULL_ROOT=$BATS_TEST_TMPDIR/fullroot
	mkdir -p "$FULL_ROOT"
	mount -t tmpfs -o size=256k tmpfs "$FULL_ROOT"
	dd if=/dev/zero of="$FULL_ROOT/.filler" bs=4k 2>/dev/null || true
	run "$OCIRT" --root "$FULL_ROOT" create -b "$BUNDLE" "$CID" </dev/null
	echo "$output" >&2
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device"* ]] || fail "no ENOSPC in: $output"
	[ ! -e "$FULL_ROOT/$CID" ] || fail "state dir left on the full root: $(ls -la "$FULL_ROOT/$CID")"
	run "$OCIRT" --root "$FULL_ROOT" list
	[ "$status" -eq 0 ]
	no_state_left "$CID"
	# with room again, the same ID works
	rm -f "$FULL_ROOT/.filler"
	"$OCIRT" --root "$FULL_ROOT" run -d -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 || fail "run with room"
	"$OCIRT" --root "$FULL_ROOT" delete -f "$CID"
	rm -rf "$FULL_ROOT/.seccomp~cache"
	[ -z "$(ls -A "$FULL_ROOT")" ] || fail "left in the root: $(ls -A "$FULL_ROOT")"
	umount "$FULL_ROOT"
}

@test "a hanging prestart hook is killed at its timeout; create fails and leaves nothing" {
	update_config '.hooks = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "31337"], "timeout": 1}]}'
	local t0=$SECONDS
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[ $((SECONDS - t0)) -lt 10 ] || fail "create took $((SECONDS - t0))s with a 1s hook timeout"
	[[ "$output" == *prestart* ]] || fail "the message does not name the hook: $output"
	! pgrep -f 'sleep 31337' >/dev/null || fail "the hook process is still running"
	no_state_left "$CID"
}

@test "the container init killed during create: create fails and leaves nothing" {
	cat >"$BATS_TEST_TMPDIR/killer.sh" <<-'EOF'
		#!/bin/sh
		pid=$(jq -r .pid)
		kill -9 "$pid"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/killer.sh"
	update_config '.hooks = {"createRuntime": [{"path": "'"$BATS_TEST_TMPDIR/killer.sh"'"}]}'
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container init"* ]] || fail "the message does not say the init died: $output"
	no_state_left "$CID"
	run __ocirt list
	[ "$status" -eq 0 ]
}

@test "two creates of one ID at once: exactly one wins" {
	local i a b wins
	for i in 1 2 3 4 5; do
		CID=$(new_cid)
		__ocirt create -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/a.err" &
		a=$!
		__ocirt create -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/b.err" &
		b=$!
		wins=0
		wait "$a" && wins=$((wins + 1))
		wait "$b" && wins=$((wins + 1))
		[ "$wins" -eq 1 ] || fail "round $i: $wins creates succeeded ($(cat "$BATS_TEST_TMPDIR"/[ab].err))"
		grep -qh "already exists\|is locked\|being created" "$BATS_TEST_TMPDIR"/[ab].err ||
			fail "round $i: the loser's message: $(cat "$BATS_TEST_TMPDIR"/[ab].err)"
		testcontainer "$CID" created
		run __ocirt delete -f "$CID"
		[ "$status" -eq 0 ]
		no_state_left "$CID"
	done
}
