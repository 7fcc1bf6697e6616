#!/usr/bin/env bats
# The lifecycle: create/start/state/kill/delete/list/run, their state machine, messages,
# exit codes, the pid file and the process tree.

load ../helpers
load ../helpers-lifecycle

setup() {
	requires root busybox
	setup_bundle
}

teardown() {
	teardown_bundle
}

@test "run: exit status of the process" {
	sh_args 'exit 0'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	sh_args 'exit 3'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 3 ]
	no_state_left "$CID"
}

@test "run: 128+N when the process dies of a signal (SIGINT -> 130)" {
	# without a pid namespace the shell is no init: SIGINT's default action applies
	no_pid_ns
	sh_args 'kill -INT $$; sleep 5'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 130 ]
}

@test "run: SIGKILL from ocirt kill -> 137" {
	set_args /bin/sleep 100
	__ocirt run -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
	local runpid=$!
	wait_for_status "$CID" running
	ocirt kill "$CID" KILL
	[ "$status" -eq 0 ]
	local rc=0
	wait "$runpid" || rc=$?
	[ "$rc" -eq 137 ]
	no_state_left "$CID"
}

@test "run: forwards signals to the process and returns its status" {
	sh_args 'trap "exit 5" TERM; while :; do sleep 0.1; done'
	# not through the __ocirt function: $! must be ocirt itself
	"$OCIRT" --root "$OCIRT_ROOT" run -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
	local runpid=$!
	wait_for_status "$CID" running
	sleep 0.2
	kill -TERM "$runpid"
	local rc=0
	wait "$runpid" || rc=$?
	[ "$rc" -eq 5 ]
}

@test "run --keep leaves a stopped container; run -d returns at once" {
	sh_args 'exit 0'
	ocirt run --keep -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	testcontainer "$CID" stopped
	ocirt delete "$CID"
	[ "$status" -eq 0 ]
	no_state_left "$CID"

	set_args /bin/sleep 100
	run_detached_quiet
	testcontainer "$CID" running
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
}

@test "the process is PID 1 of its pid namespace" {
	with_out_dir
	sh_args 'echo $$ > /out/pid'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/pid")" = 1 ]
}

@test "create: parks the init, start runs the program exactly once" {
	with_out_dir
	sh_args 'echo ran >> /out/ran; exec sleep 100'
	create_detached --pid-file "$BATS_TEST_TMPDIR/pid"
	testcontainer "$CID" created
	[ ! -e "$OUT/ran" ]
	# the init exists and is the state's pid
	local pid
	pid=$(state_field "$CID" pid)
	[ "$pid" -gt 0 ]
	pid_alive "$pid"
	# no ocirt process besides the parked init is left (create exited)
	local others
	others=$(pgrep -f -- "--root $OCIRT_ROOT" | grep -vx "$pid" || true)
	[ -z "$others" ] || fail "ocirt processes left: $others"

	ocirt start "$CID"
	[ "$status" -eq 0 ]
	wait_file "$OUT/ran"
	testcontainer "$CID" running
	[ "$(state_field "$CID" pid)" = "$pid" ]
	[ ! -e "$OCIRT_ROOT/$CID/exec.fifo" ]
	ocirt start "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start an already running container"* ]]
	[ "$(wc -l <"$OUT/ran")" -eq 1 ]
}

@test "pid file: host pid, digits only, no newline, equal to state.pid" {
	set_args /bin/sleep 100
	create_detached --pid-file "$BATS_TEST_TMPDIR/pidfile"
	local content
	content=$(cat "$BATS_TEST_TMPDIR/pidfile")
	[[ "$content" =~ ^[0-9]+$ ]]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/pidfile")" -eq "${#content}" ]
	[ "$content" = "$(state_field "$CID" pid)" ]
	# the host-visible pid: its namespace differs from ours, it is no pid 1 here
	[ "$content" -ne 1 ]
	[ "$(readlink "/proc/$content/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]
	# relative paths resolve against the caller's cwd
	(cd "$BATS_TEST_TMPDIR" && __ocirt run -d -b "$BUNDLE" --pid-file rel.pid "$(new_cid)") </dev/null >/dev/null 2>&1
	[[ "$(cat "$BATS_TEST_TMPDIR/rel.pid")" =~ ^[0-9]+$ ]]
}

@test "state machine: created -> running -> stopped -> deleted, with runc's messages" {
	set_args /bin/sleep 100
	create_detached
	testcontainer "$CID" created
	ocirt state "$CID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .id <<<"$output")" = "$CID" ]
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
	[ "$(jq -r .rootfs <<<"$output")" = "$BUNDLE/rootfs" ]
	[[ "$(jq -r .created <<<"$output")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z$ ]]
	[ "$(jq -r .ociVersion <<<"$output")" = "$(jq -r .ociVersion "$BUNDLE/config.json")" ]

	ocirt start "$CID"
	[ "$status" -eq 0 ]
	testcontainer "$CID" running
	ocirt delete "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot delete container $CID that is not stopped: running"* ]]

	ocirt kill "$CID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$CID" stopped
	[ "$(state_field "$CID" pid)" = 0 ]
	ocirt start "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start a container that has stopped"* ]]
	ocirt kill "$CID" TERM
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
	# --all succeeds after the init exited (the shim relies on it)
	ocirt kill --all "$CID" 9
	[ "$status" -eq 0 ]

	ocirt delete "$CID"
	[ "$status" -eq 0 ]
	no_state_left "$CID"
	for verb in state start kill delete; do
		ocirt $verb "$CID"
		[ "$status" -eq 1 ]
		[[ "$output" == *"container does not exist"* ]]
	done
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
}

@test "state output is stable while nothing happens" {
	set_args /bin/sleep 100
	run_detached_quiet
	local a b
	a=$(__ocirt state "$CID")
	b=$(__ocirt state "$CID")
	[ "$a" = "$b" ]
}

@test "state: a recycled pid (other start time) means stopped" {
	set_args /bin/sleep 100
	run_detached_quiet
	testcontainer "$CID" running
	# pretend the recorded init started at another time: the pid now belongs to "someone else"
	local st="$OCIRT_ROOT/$CID/status"
	jq '.startTime = "1"' "$st" >"$st.new" && mv "$st.new" "$st"
	testcontainer "$CID" stopped
	[ "$(state_field "$CID" pid)" = 0 ]
	ocirt kill "$CID" KILL
	[ "$status" -eq 1 ]
	pid_alive "$PID" || fail "the recycled pid was signalled"
	kill -9 "$PID"
}

@test "kill: signal names and numbers" {
	with_out_dir
	sh_args 'trap "echo usr1 >> /out/sig" USR1; trap "echo usr2 >> /out/sig" USR2; trap "echo hup >> /out/sig" HUP; echo up > /out/up; while :; do sleep 0.05; done'
	run_detached_quiet
	wait_file "$OUT/up"
	for s in USR1 SIGUSR2 hup 10 sigusr2; do
		ocirt kill "$CID" "$s"
		[ "$status" -eq 0 ]
		sleep 0.3
	done
	run cat "$OUT/sig"
	[ "${lines[0]}" = usr1 ] && [ "${lines[1]}" = usr2 ] && [ "${lines[2]}" = hup ]
	[ "${lines[3]}" = usr1 ] && [ "${lines[4]}" = usr2 ]
	ocirt kill "$CID" FOO
	[ "$status" -eq 1 ]
	[[ "$output" == *'unknown signal '*'"FOO'* ]]
	# default: SIGTERM
	ocirt kill "$CID"
	[ "$status" -eq 0 ]
}

@test "kill --all signals every process of the container" {
	only_namespaces mount uts ipc
	sh_args 'sleep 100 & sleep 100 & sleep 100'
	run_detached_quiet
	sleep 0.3
	local n
	n=$(grep -l -- "/$CID\$" /proc/[0-9]*/cgroup 2>/dev/null | wc -l)
	[ "$n" -ge 3 ]
	ocirt kill --all "$CID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$CID" stopped
	# not only the init: the other processes of the cgroup are gone too
	retry 40 0.05 bash -c '[ -z "$(grep -l -- "/'"$CID"'\$" /proc/[0-9]*/cgroup 2>/dev/null)" ]'
	ocirt delete "$CID"
	[ "$status" -eq 0 ]
}

@test "delete: a created container is killed and removed without --force" {
	set_args /bin/sleep 100
	create_detached
	local pid
	pid=$(state_field "$CID" pid)
	ocirt delete "$CID"
	[ "$status" -eq 0 ]
	! pid_alive "$pid"
	no_state_left "$CID"
}

@test "delete -f: a running container; a missing one exits 0" {
	set_args /bin/sleep 100
	run_detached_quiet
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
	! pid_alive "$PID"
	no_state_left "$CID"
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
	ocirt delete "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "the init is a child of the caller's subreaper, not of ocirt" {
	requires python3
	set_args /bin/sleep 100
	local out
	out=$(python3 - "$OCIRT" "$OCIRT_ROOT" "$BUNDLE" "$CID" <<-'EOF'
		import ctypes, os, subprocess, sys
		libc = ctypes.CDLL(None, use_errno=True)
		assert libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
		ocirt, root, bundle, cid = sys.argv[1:]
		subprocess.run([ocirt, "--root", root, "create", "-b", bundle, "--pid-file", root + "/../p", cid],
		               check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
		pid = int(open(root + "/../p").read())
		ppid = [l.split()[1] for l in open("/proc/%d/status" % pid) if l.startswith("PPid:")][0]
		print(os.getpid(), ppid)
		subprocess.run([ocirt, "--root", root, "delete", cid], check=True)
		os.waitpid(pid, 0)
	EOF
	)
	read -r me ppid <<<"$out"
	[ "$me" = "$ppid" ] || fail "init's parent is $ppid, the subreaper is $me"
}

@test "two concurrent creates of one ID: exactly one wins" {
	set_args /bin/sleep 100
	local i
	for i in 1 2 3; do
		__ocirt create -b "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/c1" 2>&1 &
		local p1=$!
		__ocirt create -b "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/c2" 2>&1 &
		local p2=$!
		local r1=0 r2=0
		wait $p1 || r1=$?
		wait $p2 || r2=$?
		[ $((r1 + r2)) -eq 1 ] || fail "exit codes $r1 and $r2"
		grep -q "container with given ID already exists" "$BATS_TEST_TMPDIR/c1" "$BATS_TEST_TMPDIR/c2"
		testcontainer "$CID" created
		ocirt delete "$CID"
		[ "$status" -eq 0 ]
		no_state_left "$CID"
	done
}

@test "list: our containers, other directories skipped" {
	set_args /bin/sleep 100
	run_detached_quiet
	local c2
	c2=$(new_cid)
	__ocirt create -b "$BUNDLE" "$c2" </dev/null >/dev/null 2>&1
	# a directory another runtime left in a shared root
	mkdir -p "$OCIRT_ROOT/foreign"
	echo '{"id":"foreign"}' >"$OCIRT_ROOT/foreign/state.json"
	ocirt list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r ".[] | select(.id == \"$CID\") | .status" <<<"$output")" = running ]
	[ "$(jq -r ".[] | select(.id == \"$c2\") | .status" <<<"$output")" = created ]
	[ "$(jq -r ".[] | select(.id == \"$CID\") | .owner" <<<"$output")" = root ]
	[ "$(jq -r '.[] | select(.id == "foreign") | .id' <<<"$output")" = "" ]
	ocirt list -q
	[[ "$output" == *"$CID"* ]]
	rm -rf "$OCIRT_ROOT/foreign"
}

@test "the container's cgroup holds the init before create returns, and goes with delete" {
	set_args /bin/sleep 100
	create_detached
	local pid
	pid=$(state_field "$CID" pid)
	grep -q "/$CID\$" "/proc/$pid/cgroup"
	# one directory per mounted hierarchy (+ cgroup2 on hybrid hosts)
	local n_hier
	n_hier=$(grep -cE ' - cgroup2? ' /proc/self/mountinfo)
	[ "$(grep -c "/$CID\$" "/proc/$pid/cgroup")" -eq "$n_hier" ]
	ocirt delete "$CID"
	[ "$status" -eq 0 ]
	no_state_left "$CID"
}

@test "cgroupsPath: absolute from the hierarchy root, relative under ocirt's own cgroup" {
	requires cgroup_v1
	set_args /bin/sleep 100
	# parents unique to this run: concurrent runs must not share (or remove) them
	random_hex 2
	local abs=ocirt-test-abs-$$-$REPLY rel=ocirt-test-rel-$$-$REPLY
	update_config '.linux.cgroupsPath = "/'"$abs/$CID"'"'
	run_detached_quiet
	grep -q "^[0-9]*:pids:/$abs/$CID\$" "/proc/$PID/cgroup"
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "/sys/fs/cgroup/pids/$abs" ] || fail "the parent we created was left"

	update_config '.linux.cgroupsPath = "'"$rel/$CID"'"'
	run_detached_quiet
	local own
	own=$(grep -E '^[0-9]+:memory:' /proc/self/cgroup | cut -d: -f3)
	[ "$own" = / ] && own=
	grep -q "^[0-9]*:memory:$own/$rel/$CID\$" "/proc/$PID/cgroup"
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "/sys/fs/cgroup/memory$own/$rel" ] || fail "the parent we created was left"
}

@test "--systemd-cgroup without systemd is refused, and nothing is left" {
	[ "$(cat /proc/1/comm)" != systemd ] || skip "systemd is PID 1 here (cgroups.bats tests the driver)"
	run __ocirt --systemd-cgroup create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"systemd cgroup driver: "* ]]
	no_state_left "$CID"
}

@test "--timings prints the phases" {
	run __ocirt --timings run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"timing: load config"* ]]
	[[ "$output" == *"timing: clone"* ]]
	[[ "$output" == *"timing: pivot_root"* ]]
	[[ "$output" == *"timing: start: exec fifo"* ]]
	# the CPU line: ocirt's own time and the reaped init's
	[[ "$output" =~ timing:\ cpu:\ ocirt\ [0-9.]+\ ms.*reaped\ children\ [0-9.]+\ ms ]]
}

@test "--no-pivot: the process still runs inside its rootfs" {
	with_out_dir
	sh_args 'ls / > /out/root'
	ocirt run --no-pivot -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	grep -qx bin "$OUT/root"
	grep -qx out "$OUT/root"
	# the host's / is not what it sees
	local d
	for d in $(ls /); do
		[ -e "$BUNDLE/rootfs/$d" ] || ! grep -qx "$d" "$OUT/root" || fail "host dir /$d visible"
	done
}

@test "paused: state says so, start refuses, SIGKILL still works, delete needs --force" {
	requires cgroup_freezer
	set_args /bin/sleep 100
	create_detached
	ocirt pause "$CID"
	[ "$status" -eq 0 ]
	testcontainer "$CID" paused
	ocirt start "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start a container in the paused state"* ]]
	ocirt kill "$CID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$CID" stopped
	ocirt delete "$CID"
	[ "$status" -eq 0 ]

	run_detached_quiet
	ocirt pause "$CID"
	[ "$status" -eq 0 ]
	ocirt delete "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot delete container $CID that is not stopped: paused"* ]]
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
	! pid_alive "$PID"
	no_state_left "$CID"
}
