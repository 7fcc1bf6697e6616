#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocirt under a real docker 20.10: a private dockerd (own data-root, exec-root, socket and
# pidfile in a temp dir; --bridge=none --iptables=false via docker-daemon.json) with
# `--add-runtime ocirt=$OCIRT`, and `docker run --runtime ocirt`. dockerd starts its own
# containerd, which the io.containerd.runc.v2 shim uses to call ocirt.
# Skips cleanly when dockerd/docker are not installed. Run: make check-engines.

load ../helpers
load helpers-engines

setup_file() {
	export ENGINE_SKIP DK_DIR DOCKER_HOST
	ENGINE_SKIP=$(engine_missing dockerd docker)
	[ -z "$ENGINE_SKIP" ] || return 0
	DK_DIR=$(mktemp -d /tmp/ocirt-docker.XXXXXX)
	chmod 0711 "$DK_DIR"
	DOCKER_HOST="unix://$DK_DIR/docker.sock"
	(cd "$DK_DIR" && exec dockerd --config-file "$ENGINES_DIR/docker-daemon.json" \
		--data-root "$DK_DIR/root" --exec-root "$DK_DIR/run" -H "$DOCKER_HOST" \
		--pidfile "$DK_DIR/docker.pid" --add-runtime "ocirt=$OCIRT" \
		>"$DK_DIR/dockerd.log" 2>&1) &
	echo $! >"$DK_DIR/dockerd.shellpid"
	if ! wait_until 60 docker info; then
		cat "$DK_DIR/dockerd.log" >&3
		return 1
	fi
	engine_build_image "$DK_DIR/busybox.tar"
	docker load -i "$DK_DIR/busybox.tar" >/dev/null
}

teardown_file() {
	if [ -z "${DK_DIR:-}" ] || [ ! -d "$DK_DIR" ]; then
		return 0
	fi
	local c pid
	for c in $(docker ps -aq 2>/dev/null); do
		docker rm -f "$c" >/dev/null 2>&1
	done
	pid=$(cat "$DK_DIR/docker.pid" 2>/dev/null) || pid=$(cat "$DK_DIR/dockerd.shellpid")
	# dockerd stops its own containerd
	stop_pid "$pid" 30
	umount_under "$DK_DIR"
	rmdir_cgroup ocirt-engines-docker
	rm -rf "$DK_DIR"
}

setup() {
	requires_engine
	NAME="oe-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
}

teardown() {
	[ -n "${NAME:-}" ] || return 0
	docker rm -f "$NAME" >/dev/null 2>&1 || true
}

# dk ARGS...: bats `run` of the docker CLI, logged for failures.
# DK_EXPECT=N: the expected status (silences bats' warning for 126/127).
dk() {
	engine_cli "${DK_EXPECT:-}" "docker $*" timeout 60 docker "$@"
}

# dk_run [docker run flags...] -- CMD...: docker run with ocirt and the local image.
dk_run() {
	engine_run_image dk --runtime ocirt "$@"
}

start_sleeper() {
	dk_run -d --name "$NAME" "$@" -- sh -c 'trap "exit 7" TERM; echo ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ] || return 1
	wait_until 20 eval "[ \"\$(docker inspect -f '{{.State.Running}}' $NAME)\" = true ]"
}

ctr_cgroup() { # ctr_cgroup CONTROLLER: the container's v1 cgroup path for CONTROLLER
	local pid
	pid=$(docker inspect -f '{{.State.Pid}}' "$NAME")
	awk -F: -v c="$1" '$2 ~ "(^|,)" c "(,|$)" {print $3}' "/proc/$pid/cgroup"
}

@test "docker: run --rm echo through ocirt" {
	dk_run --rm -- echo hello-from-ocirt
	[ "$status" -eq 0 ]
	[ "$output" = hello-from-ocirt ]
}

@test "docker: exit codes 0 and 3 come through" {
	dk_run --rm -- sh -c 'exit 0'
	[ "$status" -eq 0 ]
	dk_run --rm -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "docker: a missing binary exits 127, a non-executable one 126 (runc's error phrases)" {
	DK_EXPECT=127 dk_run --rm -- /nonexistent
	[ "$status" -eq 127 ]
	[[ "$output" == *"no such file or directory"* ]]
	DK_EXPECT=126 dk_run --rm -- /etc/passwd
	[ "$status" -eq 126 ]
	[[ "$output" == *"permission denied"* ]]
}

@test "docker: run -t (console socket)" {
	command -v script >/dev/null || skip "script(1) is not installed"
	run timeout 60 script -qec "docker run --rm -t --pull never --network none --runtime ocirt \
		'$ENGINE_IMAGE_REF' sh -c 'tty; echo tty-done'" /dev/null </dev/null
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == */dev/pts/* ]]
	[[ "$output" == *tty-done* ]]
}

@test "docker: --memory 64m is visible in the container's cgroup; docker update changes it" {
	requires cgroup_v1 cgroup_ctrl:memory
	start_sleeper --memory 64m
	local cg
	cg=$(ctr_cgroup memory)
	[[ "$cg" == /ocirt-engines-docker/* ]]
	[ "$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes")" = 67108864 ]
	dk_run --rm --memory 64m -- cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	[ "$status" -eq 0 ]
	[ "$output" = 67108864 ]
	# docker update = `ocirt update --resources - ID` with LinuxResources JSON on stdin
	dk update --memory 128m --memory-swap 256m "$NAME"
	[ "$status" -eq 0 ]
	[ "$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes")" = 134217728 ]
	dk update --cpu-shares 512 --pids-limit 50 "$NAME"
	[ "$status" -eq 0 ]
	[ "$(cat "/sys/fs/cgroup/cpu$(ctr_cgroup cpu)/cpu.shares")" = 512 ]
	[ "$(cat "/sys/fs/cgroup/pids$(ctr_cgroup pids)/pids.max")" = 50 ]
}

@test "docker: pause / unpause, top, stats" {
	requires cgroup_freezer
	start_sleeper
	dk pause "$NAME"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.Status}}' "$NAME")" = paused ]
	dk unpause "$NAME"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.Status}}' "$NAME")" = running ]
	dk top "$NAME"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit 7"* ]]
	dk stats --no-stream "$NAME"
	[ "$status" -eq 0 ]
}

@test "docker: stop sends SIGTERM (exit 7 from the trap), kill sends SIGKILL (137)" {
	start_sleeper
	dk stop -t 20 "$NAME"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.ExitCode}}' "$NAME")" = 7 ]
	docker rm "$NAME" >/dev/null
	start_sleeper
	dk kill "$NAME"
	[ "$status" -eq 0 ]
	wait_until 20 eval "[ \"\$(docker inspect -f '{{.State.Running}}' $NAME)\" = false ]"
	[ "$(docker inspect -f '{{.State.ExitCode}}' "$NAME")" = 137 ]
}

@test "docker: run options: -i stdin, --read-only, --user, --init, --tmpfs, --hostname, --ulimit, --pids-limit" {
	run bash -c "echo piped-in | timeout 60 docker run --rm -i --pull never --network none --runtime ocirt '$ENGINE_IMAGE_REF' cat"
	[ "$status" -eq 0 ]
	[ "$output" = piped-in ]
	dk_run --rm --read-only -- sh -c 'touch /x 2>/dev/null; echo ro=$?'
	[ "$output" = ro=1 ]
	dk_run --rm --user 1000:1000 -- id -u
	[ "$output" = 1000 ]
	dk_run --rm --init -- sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[[ "$output" == *docker-init* ]]
	dk_run --rm --tmpfs /run:size=1m -- sh -c 'grep " /run " /proc/mounts'
	[[ "$output" == *"tmpfs /run tmpfs"*size=1024k* ]]
	dk_run --rm --hostname hx -- hostname
	[ "$output" = hx ]
	dk_run --rm --ulimit nofile=123:456 -- sh -c 'echo $(ulimit -n) $(ulimit -Hn)'
	[ "$output" = "123 456" ]
	if [ -d /sys/fs/cgroup/pids ]; then
		dk_run --rm --pids-limit 20 -- cat /sys/fs/cgroup/pids/pids.max
		[ "$output" = 20 ]
	fi
}

@test "docker: joining another container's namespaces (--pid/--ipc/--network container:)" {
	dk_run -d --name "$NAME" --ipc shareable -- sleep 1000
	[ "$status" -eq 0 ]
	dk run --rm --pull never --runtime ocirt --pid "container:$NAME" --ipc "container:$NAME" \
		--network "container:$NAME" "$ENGINE_IMAGE_REF" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 1000"* ]]
}

@test "docker: logs, restart, start of a stopped container, --restart on-failure" {
	dk_run -d --name "$NAME" -- sh -c 'echo to-log; trap "exit 0" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	wait_until 20 eval "docker logs $NAME 2>/dev/null | grep -q to-log"
	dk restart -t 5 "$NAME"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.Running}}' "$NAME")" = true ]
	dk stop -t 5 "$NAME"
	[ "$status" -eq 0 ]
	dk start "$NAME"
	[ "$status" -eq 0 ]
	wait_until 20 eval "[ \"\$(docker logs $NAME 2>/dev/null | grep -c to-log)\" = 3 ]"
	docker rm -f "$NAME" >/dev/null
	dk_run -d --name "$NAME" --restart on-failure:2 -- sh -c 'exit 5'
	[ "$status" -eq 0 ]
	wait_until 30 eval "[ \"\$(docker inspect -f '{{.State.Status}} {{.RestartCount}}' $NAME)\" = 'exited 2' ]"
	[ "$(docker inspect -f '{{.State.ExitCode}}' "$NAME")" = 5 ]
}

@test "docker: exec runs a process with its exit code" {
	start_sleeper
	dk exec "$NAME" sh -c 'echo in-exec; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = in-exec ]
	# docker 20.10 exits 126 for every exec that fails to start (runc gives the same, checked
	# with OCIRT=runc); its message is the runtime's, runc's words
	dk exec "$NAME" /nonexistent
	[ "$status" -eq 126 ]
	[[ "$output" == *'exec failed: unable to start container process: exec: "/nonexistent": stat /nonexistent: no such file or directory'* ]]
}

@test "docker: exec -t (console socket for exec)" {
	command -v script >/dev/null || skip "script(1) is not installed"
	start_sleeper
	run timeout 60 script -qec "docker exec -t '$NAME' sh -c 'tty; echo exec-tty-done'" /dev/null </dev/null
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == */dev/pts/* ]]
	[[ "$output" == *exec-tty-done* ]]
}

@test "docker: no leftovers (ocirt state, cgroups, containers)" {
	dk_run --rm -- true
	[ "$status" -eq 0 ]
	start_sleeper
	docker rm -f "$NAME" >/dev/null
	dk ps -aq
	[ -z "$output" ]
	# ocirt's state root (the shim passes --root <exec-root>/runtime-runc/moby); ocirt's
	# own seccomp filter cache (.seccomp~cache) is not per container (FINDINGS.md, notes)
	run find "$DK_DIR/run/runtime-runc" -mindepth 2 -not -path '*/.seccomp~cache*'
	echo "$output" >&2
	[ -z "$output" ]
	run cgroup_children ocirt-engines-docker
	echo "$output" >&2
	[ -z "$output" ]
}
