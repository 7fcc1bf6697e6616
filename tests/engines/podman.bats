#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# podman 4.3 (root) driving ocirt through conmon or ocishim. OCIRT_PODMAN_PAIR picks the
# pair (helpers-podman.bash): ocirt+conmon (default), runc+conmon (the reference on this
# host), crun+conmon, ocirt+ocishim, crun+ocishim, runc+ocishim. A private containers.conf
# and storage.conf (a temp dir per run) keep the host's podman state out of it.
# Run: make check-engines ENGINE_TESTS=tests/engines/podman.bats [OCIRT_PODMAN_PAIR=...]
#      OCIRT_PODMAN_QUICK=1 runs only the core tests (pair, run and exit codes, -it, exec,
#      stop/kill/wait, ps/inspect, OOM, leftovers); the others call pm_slow.
# Tests that hit a finding in another area skip with "FINDINGS.md #N" while it holds.

load ../helpers
load helpers-engines
load helpers-podman

setup_file() {
	export ENGINE_SKIP PM_DIR PM_RUNTIME PM_RUNTIME_PATH PM_SHIM PM_CONMON
	export CONTAINERS_CONF CONTAINERS_STORAGE_CONF
	ENGINE_SKIP=$(engine_missing podman script)
	[ -z "$ENGINE_SKIP" ] || return 0
	pm_resolve_pair
	[ -z "$ENGINE_SKIP" ] || return 0
	PM_DIR=$(mktemp -d /tmp/ocirt-podman.XXXXXX)
	pm_write_configs "$PM_DIR" overlay
	CONTAINERS_CONF=$PM_DIR/containers.conf
	CONTAINERS_STORAGE_CONF=$PM_DIR/storage.conf
	engine_build_image "$PM_DIR/busybox.tar"
	podman load -q -i "$PM_DIR/busybox.tar" >/dev/null
	if ! timeout 60 podman run --rm --pull never --network none --cgroup-parent "$PM_CGPARENT" \
		"$ENGINE_IMAGE_REF" true >"$PM_DIR/probe.out" 2>&1; then
		# only a reference runtime that cannot run here skips the suite; ocirt fails tests
		if grep -q 'cgroups in hybrid mode not supported' "$PM_DIR/probe.out"; then
			ENGINE_SKIP=$(pm_probe_reason "$PM_DIR/probe.out")
		fi
	fi
}

teardown_file() {
	[ -n "${PM_DIR:-}" ] && [ -d "$PM_DIR" ] || return 0
	pm_rm_all
	podman volume rm -af >/dev/null 2>&1 || true
	umount_under "$PM_DIR"
	rmdir_cgroup "${PM_CGPARENT#/}"
	rm -rf "$PM_DIR"
}

setup() {
	requires_engine
	random_hex 2
	NAME="opm-$REPLY"
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	[ -n "${NAME:-}" ] || return 0
	timeout 60 podman rm -f -t 0 --ignore "$NAME" "$NAME-2" >/dev/null 2>&1 || true
	# containers whose shim a test killed: podman never deletes them from the runtime
	local id
	for id in ${PM_ORPHANS:-}; do
		timeout 30 "$PM_RUNTIME_PATH" delete -f "$id" >/dev/null 2>&1 || true
	done
}

# pm_cgroup_parents: PM_CG_PARENTS = the suite's cgroup parent in every hierarchy (v1: one
# per controller mount, v2: one); fails when there is none (a leak check must check something).
pm_cgroup_parents() {
	local d
	PM_CG_PARENTS=()
	for d in /sys/fs/cgroup"$PM_CGPARENT" /sys/fs/cgroup/*"$PM_CGPARENT"; do
		[ ! -d "$d" ] || PM_CG_PARENTS+=("$d")
	done
	[ ${#PM_CG_PARENTS[@]} -gt 0 ] || fail "no cgroup parent $PM_CGPARENT in any hierarchy"
}

# pm ARGS...: bats `run` of podman, logged for failures. PM_EXPECT=N: the expected
# status (silences bats' warning for 126/127); PM_TIMEOUT=S: a hang limit other than 90 s.
pm() {
	engine_cli "${PM_EXPECT:-}" "podman $*" timeout "${PM_TIMEOUT:-90}" podman "$@"
}

# pm_run [podman run flags...] -- CMD...: podman run of the local image, no network, in
# the suite's cgroup parent.
pm_run() {
	engine_run_image pm --cgroup-parent "$PM_CGPARENT" "$@"
}

# pm_script CMDLINE: run CMDLINE under script(1) (a pty for podman -t), stdin from $PM_IN
# (a string fed slowly by the caller's subshell) or /dev/null.
pm_script() {
	run timeout 60 script -qec "$1" /dev/null </dev/null
	echo "script: $1 (status=$status):" >&2
	echo "$output" >&2
}

# start_sleeper [flags...]: a detached container that exits 7 on SIGTERM.
start_sleeper() {
	pm_run -d --name "$NAME" "$@" -- sh -c 'trap "exit 7" TERM; echo ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ] || return 1
	pm_wait_status "$NAME" running 20
}

inspect() { # inspect FORMAT [NAME]
	podman inspect -f "$1" "${2:-$NAME}"
}

# ctr_cgroup CONTROLLER: the container's v1 cgroup path for CONTROLLER
ctr_cgroup() {
	awk -F: -v c="$1" '$2 ~ "(^|,)" c "(,|$)" {print $3}' "/proc/$(inspect '{{.State.Pid}}')/cgroup"
}

@test "podman: the configured pair is what runs (OCIRuntime, conmon/ocishim binary)" {
	start_sleeper
	[ "$(inspect '{{.OCIRuntime}}')" = "$PM_RUNTIME" ]
	local cpid
	cpid=$(inspect '{{.State.ConmonPid}}')
	[ "$cpid" -gt 0 ]
	echo "conmon pid $cpid: $(readlink "/proc/$cpid/exe")" >&2
	[ "$(readlink -f "/proc/$cpid/exe")" = "$PM_CONMON" ]
	if [ "$PM_RUNTIME" = ocirt ]; then
		# conmon calls ocirt without --root: ocirt's default root for uid 0
		[ -d "/run/ocirt/$(inspect '{{.Id}}')" ]
	fi
}

@test "podman: run in the foreground; exit codes 0 and 3" {
	pm_run --rm -- echo hello-from-podman
	[ "$status" -eq 0 ]
	[ "$output" = hello-from-podman ]
	pm_run --rm -- sh -c 'exit 0'
	[ "$status" -eq 0 ]
	pm_run --rm -- sh -c 'echo out; echo err >&2; exit 3'
	[ "$status" -eq 3 ]
	[[ "$output" == *out* ]]
	[[ "$output" == *err* ]]
}

@test "podman: exit codes 125 (podman), 126 (not executable), 127 (not found) with the runtime's error" {
	PM_EXPECT=125 pm run --pull never --network none --bogus-flag "$ENGINE_IMAGE_REF" true
	[ "$status" -eq 125 ]
	PM_EXPECT=125 pm_run --rm --ulimit nofile=x -- true
	[ "$status" -eq 125 ]
	PM_EXPECT=127 pm_run --rm -- /nonexistent
	[ "$status" -eq 127 ]
	[[ "$output" == *"$PM_RUNTIME"* ]]
	[[ "${output,,}" == *"no such file or directory"* ]]
	PM_EXPECT=126 pm_run --rm -- /etc/passwd
	[ "$status" -eq 126 ]
	[[ "${output,,}" == *"permission denied"* ]]
	# a runtime failure (hard limit above this host's 20000) is reported, nothing is left
	PM_EXPECT=126 pm_run --name "$NAME-2" --ulimit nofile=30000:30000 -- true
	[ "$status" -eq 126 ]
	[[ "${output,,}" == *nofile* || "${output,,}" == *"rlimit"* ]]
	[ "$(inspect '{{.State.Status}}' "$NAME-2")" != running ]
	if [ "$PM_RUNTIME" = ocirt ]; then
		[ ! -e "/run/ocirt/$(inspect '{{.Id}}' "$NAME-2")" ]
	fi
}

@test "podman: run -d, then --rm of a detached container removes it when it exits" {
	pm_slow
	pm_run -d --name "$NAME" -- sh -c 'echo d-out; exit 0'
	[ "$status" -eq 0 ]
	local id=$output
	[[ "$id" =~ ^[0-9a-f]{64}$ ]]
	pm_wait_status "$NAME" exited 20
	[ "$(inspect '{{.State.ExitCode}}')" = 0 ]
	pm logs "$NAME"
	[ "$output" = d-out ]
	pm_run -d --rm --name "$NAME-2" -- sh -c 'sleep 0.5'
	[ "$status" -eq 0 ]
	id=$output
	pm_wait 30 "! podman container exists $NAME-2"
	[ ! -e "/run/ocirt/$id" ]
	[ ! -e "$PM_DIR/storage/overlay-containers/$id" ]
}

@test "podman: run -it through a pty; -i without a tty" {
	pm_script "podman run -it --rm --pull never --network none --cgroup-parent $PM_CGPARENT \
		$ENGINE_IMAGE_REF sh -c 'tty; stty size; echo TTYOK; exit 4'"
	[ "$status" -eq 4 ]
	[[ "$output" == */dev/pts/0* ]]
	[[ "$output" == *TTYOK* ]]
	# input typed on the terminal reaches the shell in the container
	run timeout 60 bash -c "(sleep 2; printf 'echo typed-\$((6*7))\\r'; sleep 1; printf 'exit 5\\r'; sleep 2) |
		script -qec 'podman run -it --rm --pull never --network none --cgroup-parent $PM_CGPARENT $ENGINE_IMAGE_REF sh' /dev/null"
	echo "$output" >&2
	[[ "$output" == *typed-42* ]]
	run bash -c "echo piped-in | timeout 60 podman run -i --rm --pull never --network none \
		--cgroup-parent $PM_CGPARENT $ENGINE_IMAGE_REF cat"
	[ "$status" -eq 0 ]
	[ "$output" = piped-in ]
}

@test "podman: logs, --tail, --since, -f" {
	pm_slow
	pm_run -d --name "$NAME" -- sh -c 'for i in 1 2 3; do echo line$i; done; echo to-err >&2
		while [ ! -e /tmp/go ]; do sleep 0.1; done; echo late; sleep 1000'
	[ "$status" -eq 0 ]
	pm_wait 20 "podman logs $NAME 2>&1 | grep -q to-err"
	pm logs "$NAME"
	[ "$output" = "$(printf 'line1\nline2\nline3\nto-err')" ]
	pm logs --tail 2 "$NAME"
	[ "$output" = "$(printf 'line3\nto-err')" ]
	pm logs -t "$NAME"
	[[ "${lines[0]}" =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T.*\ line1$ ]]
	pm logs --since 2099-01-01T00:00:00Z "$NAME"
	[ -z "$output" ]
	local since
	sleep 1
	since=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	# -f follows: "late" arrives while it runs
	timeout 60 podman logs -f "$NAME" >"$BATS_TEST_TMPDIR/follow" 2>&1 &
	local fpid=$!
	pm_wait 20 "grep -q to-err $BATS_TEST_TMPDIR/follow"
	: >"$BATS_TEST_TMPDIR/go"
	pm cp "$BATS_TEST_TMPDIR/go" "$NAME:/tmp/go"
	pm_wait 20 "grep -q late $BATS_TEST_TMPDIR/follow"
	kill "$fpid" 2>/dev/null || true
	wait "$fpid" || true
	cat "$BATS_TEST_TMPDIR/follow" >&2
	[ "$(cat "$BATS_TEST_TMPDIR/follow")" = "$(printf 'line1\nline2\nline3\nto-err\nlate')" ]
	pm logs --since "$since" "$NAME"
	[ "$output" = late ]
}

@test "podman: attach: input reaches the container, detach keys leave it running" {
	pm_slow
	pm_run -dit --name "$NAME" -- sh
	[ "$status" -eq 0 ]
	# custom keys: ctrl-x then q
	run timeout 30 bash -c "(sleep 1.5; printf 'echo att-\$((6*7))\\r'; sleep 1; printf '\\030'; sleep 0.3; printf q; sleep 2) |
		script -qec 'podman attach --detach-keys ctrl-x,q $NAME' /dev/null"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == *att-42* ]]
	[ "$(inspect '{{.State.Status}}')" = running ]
	# default keys: ctrl-p ctrl-q
	run timeout 30 bash -c "(sleep 1.5; printf '\\020'; sleep 0.3; printf '\\021'; sleep 2) |
		script -qec 'podman attach $NAME' /dev/null"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "$(inspect '{{.State.Status}}')" = running ]
	# and the shell's exit code comes back through attach
	run timeout 30 bash -c "(sleep 1.5; printf 'exit 9\\r'; sleep 3) | script -qec 'podman attach $NAME' /dev/null"
	echo "$output" >&2
	pm_wait_status "$NAME" exited 20
	[ "$(inspect '{{.State.ExitCode}}')" = 9 ]
}

@test "podman: exec: output and exit codes (0, 4, 126, 127)" {
	start_sleeper
	pm exec "$NAME" sh -c 'echo in-exec; echo err-exec >&2; exit 4'
	[ "$status" -eq 4 ]
	[[ "$output" == *in-exec* ]]
	[[ "$output" == *err-exec* ]]
	pm exec "$NAME" true
	[ "$status" -eq 0 ]
	pm exec -w /tmp -e FOO=bar "$NAME" sh -c 'echo $PWD $FOO'
	[ "$output" = "/tmp bar" ]
	PM_EXPECT=127 pm exec "$NAME" /nonexistent
	[ "$status" -eq 127 ]
	PM_EXPECT=126 pm exec "$NAME" /etc/passwd
	[ "$status" -eq 126 ]
	run bash -c "echo exec-stdin | timeout 60 podman exec -i $NAME cat"
	[ "$output" = exec-stdin ]
	# the container is unharmed
	[ "$(inspect '{{.State.Status}}')" = running ]
}

@test "podman: exec -it through a pty, exec -d" {
	pm_slow
	start_sleeper
	pm_script "podman exec -it $NAME sh -c 'tty; echo EXECTTY; exit 3'"
	[ "$status" -eq 3 ]
	[[ "$output" == */dev/pts/* ]]
	[[ "$output" == *EXECTTY* ]]
	pm exec -d "$NAME" sh -c 'echo from-exec-d >/tmp/exec-d; sleep 1'
	[ "$status" -eq 0 ]
	pm_wait 20 "podman exec $NAME cat /tmp/exec-d | grep -q from-exec-d"
}

@test "podman: stop (SIGTERM then exit 7), kill (137), kill -s, wait" {
	start_sleeper
	pm stop -t 20 "$NAME"
	[ "$status" -eq 0 ]
	[ "$(inspect '{{.State.Status}} {{.State.ExitCode}}')" = "exited 7" ]
	[ "$(inspect '{{.State.Pid}}')" = 0 ]
	pm start "$NAME"
	[ "$status" -eq 0 ]
	pm_wait_status "$NAME" running 20
	pm kill "$NAME"
	[ "$status" -eq 0 ]
	pm wait "$NAME"
	[ "$output" = 137 ]
	[ "$(inspect '{{.State.ExitCode}}')" = 137 ]
	pm rm "$NAME"
	start_sleeper
	pm kill -s TERM "$NAME"
	pm wait "$NAME"
	[ "$output" = 7 ]
	pm_run -d --name "$NAME-2" -- sh -c 'sleep 1; exit 6'
	pm wait "$NAME-2"
	[ "$status" -eq 0 ]
	[ "$output" = 6 ]
	# stop of a container ignoring SIGTERM: SIGKILL after -t
	pm_run -d --name "$NAME" --replace -- sh -c 'trap "" TERM; while :; do sleep 0.1; done'
	pm_wait_status "$NAME" running 20
	pm stop -t 1 "$NAME"
	[ "$status" -eq 0 ]
	[ "$(inspect '{{.State.ExitCode}}')" = 137 ]
}

@test "podman: restart, start -a of a stopped container" {
	pm_slow
	start_sleeper
	local pid1 pid2
	pid1=$(inspect '{{.State.Pid}}')
	pm restart -t 10 "$NAME"
	[ "$status" -eq 0 ]
	pm_wait_status "$NAME" running 20
	pid2=$(inspect '{{.State.Pid}}')
	[ "$pid2" -gt 0 ]
	[ "$pid1" != "$pid2" ]
	pm_wait 20 "[ \"\$(podman logs $NAME | grep -c ready)\" = 2 ]"
	pm_run --name "$NAME-2" -- sh -c 'echo run-once; exit 2'
	[ "$status" -eq 2 ]
	pm start -a "$NAME-2"
	[ "$status" -eq 2 ]
	[ "$output" = run-once ]
}

@test "podman: ps and inspect (State.Pid, Status, ExitCode, OOMKilled false)" {
	start_sleeper
	local pid
	pid=$(inspect '{{.State.Pid}}')
	[ "$pid" -gt 1 ]
	[ -d "/proc/$pid" ]
	[[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == "sh -c trap"* ]]
	# in the suite's cgroup parent (cgroupfs: <parent>/libpod-<id>)
	grep -q ":$PM_CGPARENT/libpod-$(inspect '{{.Id}}')\$" "/proc/$pid/cgroup"
	pm ps --format '{{.Names}} {{.Status}}'
	[[ "$output" == *"$NAME Up "* ]]
	[ "$(inspect '{{.State.Running}} {{.State.ExitCode}} {{.State.OOMKilled}}')" = "true 0 false" ]
	pm_run --name "$NAME-2" -- sh -c 'exit 3'
	pm ps -a --filter "name=$NAME-2" --format '{{.Status}}'
	[[ "$output" == "Exited (3) "* ]]
	[ "$(inspect '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}} {{.State.OOMKilled}}' "$NAME-2")" = "exited 3 0 false" ]
}

@test "podman: pause / unpause (freezer)" {
	requires cgroup_freezer
	pm_slow
	start_sleeper
	local fz
	fz=/sys/fs/cgroup/freezer$(ctr_cgroup freezer)
	pm pause "$NAME"
	[ "$status" -eq 0 ]
	[ "$(inspect '{{.State.Status}}')" = paused ]
	[ "$(cat "$fz/freezer.state")" = FROZEN ]
	pm ps -a --format '{{.Names}} {{.Status}}'
	[[ "$output" == *"$NAME Paused"* ]]
	pm unpause "$NAME"
	[ "$status" -eq 0 ]
	[ "$(inspect '{{.State.Status}}')" = running ]
	[ "$(cat "$fz/freezer.state")" = THAWED ]
	# rm -f of a paused container (podman 4.3 refuses `stop` of a paused one, with runc too)
	pm pause "$NAME"
	local pid
	pid=$(inspect '{{.State.Pid}}')
	pm rm -f -t 2 "$NAME"
	[ "$status" -eq 0 ]
	pm_wait 20 "! kill -0 $pid"
}

@test "podman: top" {
	pm_slow
	start_sleeper
	pm top "$NAME" pid comm args
	[ "$status" -eq 0 ]
	[[ "$output" == *"trap \"exit 7\" TERM"* || "$output" == *'trap "exit 7" TERM'* || "$output" == *"exit 7"* ]]
	[[ "$output" == *sleep* ]]
}

@test "podman: cp into and out of a running and a stopped container" {
	pm_slow
	start_sleeper
	echo host-content >"$BATS_TEST_TMPDIR/in.txt"
	pm cp "$BATS_TEST_TMPDIR/in.txt" "$NAME:/tmp/in.txt"
	[ "$status" -eq 0 ]
	pm exec "$NAME" cat /tmp/in.txt
	[ "$output" = host-content ]
	pm cp "$NAME:/etc/passwd" "$BATS_TEST_TMPDIR/passwd"
	[ "$status" -eq 0 ]
	grep -q '^root:x:0:0' "$BATS_TEST_TMPDIR/passwd"
	pm stop -t 5 "$NAME"
	pm cp "$BATS_TEST_TMPDIR/in.txt" "$NAME:/root/stopped.txt"
	[ "$status" -eq 0 ]
	pm start "$NAME"
	pm_wait_status "$NAME" running 20
	pm cp "$NAME:/root/stopped.txt" "$BATS_TEST_TMPDIR/stopped.txt"
	[ "$(cat "$BATS_TEST_TMPDIR/stopped.txt")" = host-content ]
}

@test "podman: volumes: bind rw and ro, named volume" {
	pm_slow
	mkdir -p "$BATS_TEST_TMPDIR/vol"
	echo from-host >"$BATS_TEST_TMPDIR/vol/f"
	pm_run --rm -v "$BATS_TEST_TMPDIR/vol:/v" -- sh -c 'cat /v/f; echo from-ctr >/v/g'
	[ "$status" -eq 0 ]
	[ "$output" = from-host ]
	[ "$(cat "$BATS_TEST_TMPDIR/vol/g")" = from-ctr ]
	pm_run --rm -v "$BATS_TEST_TMPDIR/vol:/v:ro" -- sh -c 'touch /v/h 2>/dev/null; echo rc=$?'
	[ "$output" = rc=1 ]
	[ ! -e "$BATS_TEST_TMPDIR/vol/h" ]
	pm volume create "$NAME-vol"
	[ "$status" -eq 0 ]
	pm_run --rm -v "$NAME-vol:/data" -- sh -c 'echo persisted >/data/x'
	[ "$status" -eq 0 ]
	pm_run --rm -v "$NAME-vol:/data" -- cat /data/x
	[ "$output" = persisted ]
	pm volume rm "$NAME-vol"
	[ "$status" -eq 0 ]
}

@test "podman: --network none has only lo; --network host sees the host's interfaces" {
	pm_slow
	pm_run --rm -- ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
	pm run --rm --pull never --network host --cgroup-parent "$PM_CGPARENT" "$ENGINE_IMAGE_REF" ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = "$(ls /sys/class/net)" ]
	pm run --rm --pull never --network host --cgroup-parent "$PM_CGPARENT" "$ENGINE_IMAGE_REF" readlink /proc/self/ns/net
	[ "$output" = "$(readlink /proc/self/ns/net)" ]
}

@test "podman: --memory sets the cgroup limit" {
	requires cgroup_v1 cgroup_ctrl:memory
	pm_slow
	start_sleeper --memory 64m
	[ "$(cat "/sys/fs/cgroup/memory$(ctr_cgroup memory)/memory.limit_in_bytes")" = 67108864 ]
	pm_run --rm --memory 32m -- cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	[ "$output" = 33554432 ]
}

@test "podman: --memory 16m and a 64 MB allocation: OOM kill, ExitCode 137, OOMKilled" {
	requires cgroup_ctrl:memory
	# dd's 64M buffer is allocated and filled: more than memory + swap (2 x 16m)
	pm_run --name "$NAME" --memory 16m -- dd if=/dev/zero of=/dev/null bs=64M count=1
	[ "$status" -eq 137 ]
	[ "$(inspect '{{.State.ExitCode}}')" = 137 ]
	local oom
	oom=$(inspect '{{.State.OOMKilled}}')
	if [ "$PM_SHIM" = conmon ] && [ "$oom" = false ]; then
		# conmon 2.1.6 saw the OOM but writes "oom" to its cwd (= podman's: this test's
		# dir), podman 4.3 looks for <userdata>/oom (conmon-contract.md 12.4)
		[ -e "$BATS_TEST_TMPDIR/oom" ]
		skip "known conmon 2.1.6 bug: OOMKilled is false (it wrote $BATS_TEST_TMPDIR/oom; ExitCode 137 checked)"
	fi
	[ "$oom" = true ]
}

@test "podman: --restart on-failure:2 restarts through conmon_path, then gives up" {
	pm_slow
	pm_run -d --name "$NAME" --restart on-failure:2 -- sh -c 'echo attempt; exit 5'
	[ "$status" -eq 0 ]
	pm_wait 60 "[ \"\$(podman inspect -f '{{.State.Status}} {{.RestartCount}}' $NAME)\" = 'exited 2' ]"
	[ "$(inspect '{{.State.ExitCode}}')" = 5 ]
	pm logs "$NAME"
	[ "${#lines[@]}" -eq 3 ]
	# a restarted container is under the configured shim (the cleanup process started it)
	pm_run -d --name "$NAME-2" --restart on-failure -- \
		sh -c 'if [ -e /tmp/once ]; then exec sleep 1000; fi; touch /tmp/once; exit 1'
	pm_wait 60 "[ \"\$(podman inspect -f '{{.State.Status}} {{.RestartCount}}' $NAME-2)\" = 'running 1' ]"
	local cpid
	cpid=$(inspect '{{.State.ConmonPid}}' "$NAME-2")
	[ "$(readlink -f "/proc/$cpid/exe")" = "$PM_CONMON" ]
}

@test "podman: healthcheck run (healthy, unhealthy)" {
	pm_slow
	pm_run -d --name "$NAME" --health-cmd 'test -e /tmp/ok' --health-interval 0 --health-retries 1 -- sleep 1000
	[ "$status" -eq 0 ]
	pm healthcheck run "$NAME"
	[ "$status" -eq 1 ]
	[ "$output" = unhealthy ]
	[ "$(inspect '{{.State.Health.Status}}')" = unhealthy ]
	pm exec "$NAME" touch /tmp/ok
	pm healthcheck run "$NAME"
	[ "$status" -eq 0 ]
	[ "$(inspect '{{.State.Health.Status}}')" = healthy ]
	pm inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{end}}' "$NAME"
	[ "$output" = "1 0 " ]
	# the check's exec runs under the configured shim (containers.conf conmon_path): its
	# process is reaped by the shim, so its parent is the shim
	pm_run -d --name "$NAME-2" --health-cmd '["sleep", "3"]' --health-interval 0 -- sleep 1000
	local procs hc pid
	procs=/sys/fs/cgroup/pids$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' \
		"/proc/$(inspect '{{.State.Pid}}' "$NAME-2")/cgroup")/cgroup.procs
	timeout 60 podman healthcheck run "$NAME-2" >/dev/null 2>&1 &
	hc=$!
	pm_wait 20 "find_cmdline '$procs' 'sleep 3 '"
	pid=$(find_cmdline "$procs" 'sleep 3 ')
	local ppid
	ppid=$(awk '$1 == "PPid:" {print $2}' "/proc/$pid/status")
	echo "health check pid $pid, parent $ppid: $(readlink "/proc/$ppid/exe")" >&2
	[ "$(readlink -f "/proc/$ppid/exe")" = "$PM_CONMON" ]
	wait "$hc" || true
}

# find_cmdline PROCS CMDLINE: the PID listed in the cgroup.procs file PROCS whose
# space-joined argv is CMDLINE.
find_cmdline() {
	local p
	for p in $(cat "$1" 2>/dev/null); do
		if [ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = "$2" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

@test "podman: no leftovers after rm (runtime state, cgroups, shims)" {
	start_sleeper
	local id cpid
	id=$(inspect '{{.Id}}')
	cpid=$(inspect '{{.State.ConmonPid}}')
	pm rm -f -t 0 "$NAME"
	[ "$status" -eq 0 ]
	pm ps -aq
	[ -z "$output" ]
	[ ! -e "/run/ocirt/$id" ]
	pm_wait 20 "! kill -0 $cpid"
	# podman keeps <parent>/conmon for the shims; the container's own cgroup must be gone
	local d
	pm_cgroup_parents
	for d in "${PM_CG_PARENTS[@]}"; do
		[ ! -e "$d/libpod-$id" ] || fail "cgroup left behind: $d/libpod-$id"
	done
	run grep " $PM_DIR/storage/overlay/[^ ]*/merged " /proc/self/mountinfo
	[ -z "$output" ]
}

# The shim (conmon or ocishim) SIGKILLed under a running container. Neither shim takes the
# container with it, and podman 4.3 learns of an exit only through the shim's exit file, so
# it keeps reporting the container as running; stop, kill and rm -f must still end it
# without hanging. Podman then never runs `<runtime> delete` (with conmon and runc, the
# reference, too): the runtime's state must say stopped and its `delete -f` remove the rest.
@test "podman: shim killed while the container runs: ps/inspect answer, stop/kill/rm -f end it, nothing is left" {
	pm_slow
	local base=$NAME v id pid cpid merged d
	for v in rm stop kill; do
		NAME=$base-$v
		start_sleeper
		id=$(inspect '{{.Id}}')
		PM_ORPHANS+=" $id"
		pid=$(inspect '{{.State.Pid}}')
		cpid=$(inspect '{{.State.ConmonPid}}')
		merged=$(inspect '{{.GraphDriver.Data.MergedDir}}')
		grep -q " $merged " /proc/self/mountinfo
		kill -KILL "$cpid"
		pm_wait 20 "! kill -0 $cpid"
		kill -0 "$pid" # the container outlives its shim
		PM_TIMEOUT=30 pm ps -a --filter "name=^$NAME\$" --format '{{.Names}} {{.Status}}'
		[ "$status" -eq 0 ]
		[[ "$output" == "$NAME Up "* ]]
		[ "$(inspect '{{.State.Status}} {{.State.Pid}}')" = "running $pid" ]
		case $v in
		stop) PM_TIMEOUT=30 pm stop -t 2 "$NAME" ;;
		kill) PM_TIMEOUT=30 pm kill "$NAME" ;;
		*) status=0 ;;
		esac
		[ "$status" -eq 0 ]
		[ "$v" = rm ] || pm_wait 20 "! kill -0 $pid"
		PM_TIMEOUT=30 pm rm -f -t 0 "$NAME"
		if [ "$status" -ne 0 ]; then
			# podman 4.3 (conmon and runc too): after kill, rm -f may still find the
			# runtime's "stopped" improper for its SIGKILL once; a second rm -f removes it
			[[ "$output" == *"could not be stopped"* ]]
			PM_TIMEOUT=30 pm rm -f -t 0 "$NAME"
		fi
		[ "$status" -eq 0 ]
		run podman container exists "$NAME"
		[ "$status" -eq 1 ]
		pm_wait 20 "! kill -0 $pid"
		run grep " $merged " /proc/self/mountinfo
		[ "$status" -eq 1 ]
		pm_cgroup_parents
		for d in "${PM_CG_PARENTS[@]}"; do
			[ ! -e "$d/libpod-$id/cgroup.procs" ] || [ -z "$(cat "$d/libpod-$id/cgroup.procs")" ] ||
				fail "processes left in $d/libpod-$id"
		done
		run timeout 30 "$PM_RUNTIME_PATH" state "$id"
		echo "$PM_RUNTIME state $id (status=$status): $output" >&2
		[ "$status" -eq 0 ]
		[[ "$output" == *'"status": "stopped"'* ]]
		run timeout 30 "$PM_RUNTIME_PATH" delete -f "$id"
		[ "$status" -eq 0 ]
		[ ! -e "/run/$PM_RUNTIME/$id" ]
		pm_cgroup_parents
		for d in "${PM_CG_PARENTS[@]}"; do
			[ ! -e "$d/libpod-$id" ] || fail "cgroup left behind: $d/libpod-$id"
		done
	done
}
