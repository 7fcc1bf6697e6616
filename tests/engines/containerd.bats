#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocirt under a real containerd 1.6 (standalone, io.containerd.runc.v2 shim), driven by ctr
# with `--runc-binary $OCIRT`. The suite starts its own containerd (private root, state and
# socket in a temp dir, config from containerd-config.toml.in), imports a busybox image built
# by mkimage.sh, and stops everything it started in teardown_file.
# Skips cleanly when containerd/ctr are not installed. Run: make check-engines.
# Tests for known ocirt gaps are skipped with a pointer to tests/engines/FINDINGS.md.

load ../helpers
load helpers-engines

# Containers live in their own containerd namespace, so their cgroups are /ocirt-engines/<id>.
CTR_NS=ocirt-engines

setup_file() {
	export ENGINE_SKIP CTRD_DIR
	ENGINE_SKIP=$(engine_missing containerd ctr)
	[ -z "$ENGINE_SKIP" ] || return 0
	CTRD_DIR=$(mktemp -d /tmp/ocirt-ctrd.XXXXXX)
	chmod 0711 "$CTRD_DIR"
	sed "s|@DIR@|$CTRD_DIR|g" "$ENGINES_DIR/containerd-config.toml.in" >"$CTRD_DIR/config.toml"
	containerd --config "$CTRD_DIR/config.toml" >"$CTRD_DIR/containerd.log" 2>&1 &
	echo $! >"$CTRD_DIR/containerd.pid"
	if ! wait_until 30 ctr -a "$CTRD_DIR/containerd.sock" version; then
		cat "$CTRD_DIR/containerd.log" >&3
		return 1
	fi
	engine_build_image "$CTRD_DIR/busybox.tar"
	ctr -a "$CTRD_DIR/containerd.sock" -n "$CTR_NS" images import "$CTRD_DIR/busybox.tar" >/dev/null
}

teardown_file() {
	if [ -z "${CTRD_DIR:-}" ] || [ ! -d "$CTRD_DIR" ]; then
		return 0
	fi
	local c
	# Shims outlive containerd: kill and delete every task before stopping the daemon.
	for c in $(__ctr containers ls -q 2>/dev/null); do
		__ctr task kill -s SIGKILL "$c" >/dev/null 2>&1
		wait_until 10 eval "__ctr task ls | grep -Eq '^$c +[0-9]+ +STOPPED'"
		__ctr task delete "$c" >/dev/null 2>&1
		__ctr containers rm "$c" >/dev/null 2>&1
	done
	stop_pid "$(cat "$CTRD_DIR/containerd.pid")"
	umount_under "$CTRD_DIR"
	rmdir_cgroup "$CTR_NS"
	rm -rf "$CTRD_DIR"
}

__ctr() {
	ctr -a "$CTRD_DIR/containerd.sock" -n "$CTR_NS" "$@"
}

# ctr_ocirt ARGS...: bats `run` of ctr; for `run`, the ocirt runtime flags go in.
ctr_ocirt() {
	if [ "$1" = run ]; then
		shift
		run timeout 60 ctr -a "$CTRD_DIR/containerd.sock" -n "$CTR_NS" run \
			--runc-binary "$OCIRT" --runc-root "$CTRD_DIR/ocirt-root" "$@"
	else
		run timeout 60 ctr -a "$CTRD_DIR/containerd.sock" -n "$CTR_NS" "$@"
	fi
	echo "ctr $* (status=$status):" >&2
	echo "$output" >&2
}

task_status() {
	__ctr task ls 2>/dev/null | awk -v c="$1" '$1 == c {print $3}'
}

task_pid() {
	__ctr task ls 2>/dev/null | awk -v c="$1" '$1 == c {print $2}'
}

# start_sleeper NAME [ctr run flags...]: a detached task that exits 7 on SIGTERM.
start_sleeper() {
	local name=$1
	shift
	ctr_ocirt run -d "$@" "$ENGINE_IMAGE_REF" "$name" \
		sh -c 'trap "exit 7" TERM; echo ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ] || return 1
	wait_until 20 eval "[ \"\$(task_status $name)\" = RUNNING ]"
}

# remove_ctr NAME: SIGKILL + delete the task and the container, ignoring errors.
remove_ctr() {
	__ctr task kill -s SIGKILL "$1" >/dev/null 2>&1
	wait_until 20 eval "[ \"\$(task_status $1)\" != RUNNING ]"
	__ctr task delete "$1" >/dev/null 2>&1
	__ctr containers rm "$1" >/dev/null 2>&1
	true
}

setup() {
	requires_engine
	NAME="oe-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
}

teardown() {
	if [ -z "${CTRD_DIR:-}" ] || [ -z "${NAME:-}" ]; then
		return 0
	fi
	remove_ctr "$NAME"
}

@test "containerd: ctr run --rm echo through ocirt" {
	ctr_ocirt run --rm "$ENGINE_IMAGE_REF" "$NAME" echo hello-from-ocirt
	[ "$status" -eq 0 ]
	[[ "$output" == *hello-from-ocirt* ]]
	# --rm removed the container; ocirt's state for it is gone too
	run __ctr containers ls -q
	[[ "$output" != *"$NAME"* ]]
	[ ! -e "$CTRD_DIR/ocirt-root/$CTR_NS/$NAME" ]
}

@test "containerd: exit codes 0 and 3 come through" {
	ctr_ocirt run --rm "$ENGINE_IMAGE_REF" "$NAME" sh -c 'exit 0'
	[ "$status" -eq 0 ]
	ctr_ocirt run --rm "$ENGINE_IMAGE_REF" "$NAME-3" sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "containerd: the process sees the image's env, cwd and its own pid namespace" {
	ctr_ocirt run --rm "$ENGINE_IMAGE_REF" "$NAME" sh -c 'echo "pid=$$ path=$PATH cwd=$(pwd) host=$(hostname)"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"pid=1 "* ]]
	[[ "$output" == *"path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "* ]]
	[[ "$output" == *"cwd=/ "* ]]
}

@test "containerd: the runtime's error text reaches the user (missing binary, not executable)" {
	# The shim reads the last error line of ocirt's --log log.json; docker maps these
	# lower-case phrases to exit codes 127/126.
	ctr_ocirt run --rm "$ENGINE_IMAGE_REF" "$NAME" /nonexistent
	[ "$status" -ne 0 ]
	[[ "$output" == *"OCI runtime create failed"* ]]
	[[ "$output" == *"no such file or directory"* ]]
	__ctr containers rm "$NAME" >/dev/null 2>&1 || true
	ctr_ocirt run --rm "$ENGINE_IMAGE_REF" "$NAME" /etc/passwd
	[ "$status" -ne 0 ]
	[[ "$output" == *"permission denied"* ]]
}

@test "containerd: ctr run -t (console socket) gives the process a terminal" {
	command -v script >/dev/null || skip "script(1) is not installed"
	run timeout 60 script -qec "ctr -a '$CTRD_DIR/containerd.sock' -n '$CTR_NS' run --rm -t \
		--runc-binary '$OCIRT' --runc-root '$CTRD_DIR/ocirt-root' '$ENGINE_IMAGE_REF' '$NAME' \
		sh -c 'tty; echo tty-done'" /dev/null </dev/null
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == */dev/pts/* ]]
	[[ "$output" == *tty-done* ]]
}

@test "containerd: ctr task kill (SIGTERM, then SIGKILL) + task delete" {
	start_sleeper "$NAME"
	ctr_ocirt task kill "$NAME"
	[ "$status" -eq 0 ]
	wait_until 20 eval "[ \"\$(task_status $NAME)\" = STOPPED ]"
	ctr_ocirt task delete "$NAME"
	[ "$status" -eq 0 ]
	# ctr reports the trap's exit code when it deletes the task
	[[ "$output" == *"exit code 7"* ]]
	ctr_ocirt containers rm "$NAME"
	[ "$status" -eq 0 ]

	# SIGKILL on a task that ignores nothing it can't: `sleep` as pid 1 ignores SIGTERM
	ctr_ocirt run -d "$ENGINE_IMAGE_REF" "$NAME" sleep 1000
	[ "$status" -eq 0 ]
	wait_until 20 eval "[ \"\$(task_status $NAME)\" = RUNNING ]"
	ctr_ocirt task kill -s SIGKILL "$NAME"
	[ "$status" -eq 0 ]
	wait_until 20 eval "[ \"\$(task_status $NAME)\" = STOPPED ]"
	ctr_ocirt task delete "$NAME"
	[ "$status" -eq 0 ]
	[ ! -e "$CTRD_DIR/ocirt-root/$CTR_NS/$NAME" ]
}

@test "containerd: --memory-limit is visible in the container's cgroup" {
	requires cgroup_ctrl:memory
	start_sleeper "$NAME" --memory-limit 67108864
	local pid cg
	pid=$(task_pid "$NAME")
	[ -n "$pid" ]
	if [ "$(cgroup_mode)" = unified ]; then
		cg=$(awk -F: '$1 == 0 {print $3}' "/proc/$pid/cgroup")
		[ "$(cat "/sys/fs/cgroup$cg/memory.max")" = 67108864 ]
	else
		cg=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' "/proc/$pid/cgroup")
		[ "$cg" = "/$CTR_NS/$NAME" ]
		[ "$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes")" = 67108864 ]
	fi
	# and the shim reads its stats from there
	ctr_ocirt task metrics "$NAME"
	[ "$status" -eq 0 ]
	[[ "$output" == *67108864* ]]
}

@test "containerd: ctr task pause / resume (freezer) and ctr task ps" {
	requires cgroup_freezer
	start_sleeper "$NAME"
	ctr_ocirt task pause "$NAME"
	[ "$status" -eq 0 ]
	[ "$(task_status "$NAME")" = PAUSED ]
	ctr_ocirt task resume "$NAME"
	[ "$status" -eq 0 ]
	[ "$(task_status "$NAME")" = RUNNING ]
	# ps --format json: the init pid is listed
	ctr_ocirt task ps "$NAME"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$(task_pid "$NAME")"* ]]
}

@test "containerd: ctr run options: --read-only, --mount bind ro, --net-host, --seccomp, --privileged" {
	ctr_ocirt run --rm --read-only "$ENGINE_IMAGE_REF" "$NAME" sh -c 'touch /x 2>/dev/null; echo ro=$?'
	[ "$status" -eq 0 ]
	[[ "$output" == *ro=1* ]]
	mkdir -p "$BATS_TEST_TMPDIR/h"
	echo bound >"$BATS_TEST_TMPDIR/h/f"
	ctr_ocirt run --rm --mount "type=bind,src=$BATS_TEST_TMPDIR/h,dst=/h,options=rbind:ro" \
		"$ENGINE_IMAGE_REF" "$NAME" sh -c 'cat /h/f; touch /h/g 2>/dev/null; echo w=$?'
	[ "$status" -eq 0 ]
	[[ "$output" == *bound* ]]
	[[ "$output" == *w=1* ]]
	# host network: the same interfaces as the host
	ctr_ocirt run --rm --net-host "$ENGINE_IMAGE_REF" "$NAME" sh -c 'ls /sys/class/net | wc -l'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr -d ' \r')" = "$(ls /sys/class/net | wc -l)" ]
	# containerd's default seccomp profile is applied (mode 2 = filter)
	ctr_ocirt run --rm --seccomp "$ENGINE_IMAGE_REF" "$NAME" grep Seccomp: /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:"*2* ]]
	ctr_ocirt run --rm --privileged "$ENGINE_IMAGE_REF" "$NAME" sh -c 'grep CapEff /proc/self/status; ls /dev | wc -l'
	[ "$status" -eq 0 ]
	[[ "$output" == *CapEff* ]]
}

@test "containerd: ctr run --with-ns joins a network namespace made by the test" {
	command -v ip >/dev/null || skip "ip(8) is not installed"
	local ns="ocirt-eng-$NAME"
	ip netns add "$ns"
	ctr_ocirt run --rm --with-ns "network:/var/run/netns/$ns" "$ENGINE_IMAGE_REF" "$NAME" ls /sys/class/net
	ip netns del "$ns"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr -d '\r')" = lo ]
}

@test "containerd: ctr run --cgroup puts the task in the given cgroup path" {
	requires cgroup_v1 cgroup_ctrl:memory
	ctr_ocirt run --rm --cgroup "/$CTR_NS-custom/$NAME" "$ENGINE_IMAGE_REF" "$NAME" \
		sh -c 'grep -E "^[0-9]+:memory:" /proc/self/cgroup'
	local st=$status out=$output
	rmdir_cgroup "$CTR_NS-custom"
	[ "$st" -eq 0 ]
	[[ "$out" == *":memory:/$CTR_NS-custom/$NAME"* ]]
}

@test "containerd: ctr task exec runs a process in the container with its exit code" {
	start_sleeper "$NAME"
	ctr_ocirt task exec --exec-id e1 "$NAME" sh -c 'echo in-exec; exit 4'
	[ "$status" -eq 4 ]
	[[ "$output" == *in-exec* ]]
	ctr_ocirt task exec --exec-id e2 "$NAME" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[[ "$output" == *"while :"* ]]
}

@test "containerd: ctr task exec of a missing binary reports the runtime's error" {
	start_sleeper "$NAME"
	ctr_ocirt task exec --exec-id e3 "$NAME" /nonexistent
	[ "$status" -ne 0 ]
	[[ "$output" == *"OCI runtime exec failed"* ]]
	[[ "$output" == *"no such file or directory"* ]]
}

@test "containerd: ctr task exec -t (console socket for exec)" {
	command -v script >/dev/null || skip "script(1) is not installed"
	start_sleeper "$NAME"
	run timeout 60 script -qec "ctr -a '$CTRD_DIR/containerd.sock' -n '$CTR_NS' task exec -t \
		--exec-id e4 '$NAME' sh -c 'tty; echo exec-tty-done'" /dev/null </dev/null
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == */dev/pts/* ]]
	[[ "$output" == *exec-tty-done* ]]
}

@test "containerd: no leftovers (ocirt state, cgroups, mounts, shims, tasks)" {
	ctr_ocirt run --rm "$ENGINE_IMAGE_REF" "$NAME" true
	[ "$status" -eq 0 ]
	start_sleeper "$NAME-b"
	remove_ctr "$NAME-b"
	# no task and no container left in our namespace
	run __ctr task ls -q
	[ -z "$output" ]
	run __ctr containers ls -q
	[ -z "$output" ]
	# ocirt's state root holds no container (its seccomp filter cache is not per container:
	# FINDINGS.md, notes)
	run find "$CTRD_DIR/ocirt-root" -mindepth 2 -not -path '*/.seccomp~cache*'
	echo "$output" >&2
	[ -z "$output" ]
	# no container cgroup left under /$CTR_NS
	run cgroup_children "$CTR_NS"
	echo "$output" >&2
	[ -z "$output" ]
	# no rootfs mount left in containerd's state dir
	run awk -v d="$CTRD_DIR/state/" 'index($5, d) == 1' /proc/self/mountinfo
	echo "$output" >&2
	[ -z "$output" ]
	# no shim left for our namespace (shims exit once their last task is deleted)
	wait_until 20 eval "! pgrep -f 'containerd-shim-runc-v2 -namespace $CTR_NS ' >/dev/null"
}
