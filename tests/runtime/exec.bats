#!/usr/bin/env bats
# `ocirt exec`: a process joins a running container (namespaces, cgroup, caps, seccomp,
# rlimits...), its exit status, --process, the flags runc has, -t/-d/--pid-file, runc's
# errors (exit 255) and nothing left behind.

load ../helpers
load ../helpers-lifecycle

setup() {
	requires root busybox
	setup_bundle
	set_args sleep 1000
}

teardown() {
	stop_recvtty
	teardown_bundle
}

# start the container (sleep 1000 as PID 1 of its namespaces); $PID is its init
start_ctr() {
	run_detached_quiet
}

# exec_msg ARGS...: `ocirt exec ARGS` with JSON logs; $status, and $output = the error's msg
exec_msg() {
	run __ocirt --log-format json exec "$@"
	echo "ocirt exec $* (status=$status): $output" >&2
	output=$(jq -r .msg <<<"$output")
}

@test "exec: output and exit status of the process" {
	start_ctr
	ocirt_sep exec "$CID" sh -c 'echo out; echo err >&2; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = out ]
	[ "$stderr" = err ]
	ocirt exec "$CID" true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "exec: killed by a signal gives 128+N (runc)" {
	start_ctr
	ocirt exec "$CID" sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
}

@test "exec: signals to ocirt reach the process" {
	start_ctr
	__ocirt exec "$CID" sh -c 'echo $$ > /dev/shm/exec-pid; exec sleep 100' </dev/null >/dev/null 2>&1 &
	local ocirt_pid=$!
	retry 100 0.05 __ocirt exec "$CID" test -s /dev/shm/exec-pid
	kill -TERM "$ocirt_pid"
	local st=0
	wait "$ocirt_pid" || st=$?
	[ "$st" -eq 143 ]
}

@test "exec: the process joins every namespace of the container" {
	update_config '.linux.namespaces |= (map(select(.type != "cgroup")) + [{"type": "cgroup"}])'
	start_ctr
	local ns want got
	for ns in pid net ipc uts mnt cgroup; do
		want=$(readlink "/proc/$PID/ns/$ns")
		ocirt exec "$CID" readlink "/proc/self/ns/$ns"
		[ "$status" -eq 0 ]
		got=$output
		[ "$got" = "$want" ] || fail "$ns: exec is in $got, the container in $want"
	done
	# the container's init is PID 1 of the pid namespace the process sees
	ocirt exec "$CID" cat /proc/1/cmdline
	[ "$status" -eq 0 ]
	[[ "$output" == sleep*1000 ]]
	ocirt exec "$CID" ps -o pid,args
	[ "$status" -eq 0 ]
	[[ "$output" == *"    1 sleep 1000"* ]]
	# the same root file system and hostname
	ocirt exec "$CID" hostname
	[ "$output" = "$(jq -r .hostname "$BUNDLE/config.json")" ]
	ocirt exec "$CID" test -x /bin/busybox
	[ "$status" -eq 0 ]
}

@test "exec: the process is in the container's cgroup" {
	start_ctr
	ocirt exec "$CID" sh -c 'cat /proc/self/cgroup; echo ---; cat /proc/1/cgroup'
	[ "$status" -eq 0 ]
	local self=${output%%---*} init=${output#*---}
	[ -n "$self" ]
	[ "$(echo "$self" | sed '/^$/d')" = "$(echo "$init" | sed '/^$/d')" ]
	# and the same from the host's view (full paths)
	__ocirt exec -d --pid-file "$BATS_TEST_TMPDIR/e.pid" "$CID" sleep 100 </dev/null >/dev/null 2>&1
	local epid
	epid=$(cat "$BATS_TEST_TMPDIR/e.pid")
	[ "$(cat "/proc/$epid/cgroup")" = "$(cat "/proc/$PID/cgroup")" ]
	kill -9 "$epid"
}

@test "exec --cgroup: an existing sub-cgroup of the container" {
	requires cgroup_ctrl:pids
	start_ctr
	local rel dir ctrl=pids
	if [ "$(cgroup_mode)" = unified ]; then
		rel=$(awk -F: '$1 == 0 {print $3}' "/proc/$PID/cgroup")
		dir=/sys/fs/cgroup$rel/sub
		ctrl=""
	else
		rel=$(awk -F: '$2 == "pids" {print $3}' "/proc/$PID/cgroup")
		dir=/sys/fs/cgroup/pids$rel/sub
	fi
	mkdir "$dir"
	ocirt exec --cgroup "${ctrl:+$ctrl:}sub" "$CID" cat /proc/self/cgroup
	local st=$status out=$output
	rmdir "$dir"
	[ "$st" -eq 0 ]
	if [ -n "$ctrl" ]; then
		echo "$out" | grep -q ':pids:.*/sub$'
		# the other hierarchies stay the container's
		! echo "$out" | grep -q ':memory:.*/sub$'
	else
		echo "$out" | grep -q '^0::.*/sub$'
	fi
	ocirt exec --cgroup nonexistent "$CID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: --cgroup"*nonexistent* ]]
}

@test "exec --process: a process.json replaces the container's process" {
	start_ctr
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'EOF'
		{
		  "args": ["sh", "-c", "echo $FOO; pwd; id -u; id -g; umask; exit 5"],
		  "env": ["PATH=/bin:/usr/bin", "FOO=from-json"],
		  "cwd": "/tmp",
		  "user": {"uid": 1000, "gid": 100, "umask": 63},
		  "terminal": false
		}
	EOF
	# flags describing the process are ignored with --process (runc)
	ocirt exec --process "$BATS_TEST_TMPDIR/process.json" --env FOO=flag --cwd /etc "$CID"
	[ "$status" -eq 5 ]
	[ "${lines[0]}" = from-json ]
	[ "${lines[1]}" = /tmp ]
	[ "${lines[2]}" = 1000 ]
	[ "${lines[3]}" = 100 ]
	[ "${lines[4]}" = 0077 ]
}

@test "exec --process: invalid process.json, runc's 255 and a message naming the field" {
	start_ctr
	echo '{"args": ["true"], "cwd": "relative", "user": {"uid": 0, "gid": 0}}' >"$BATS_TEST_TMPDIR/p.json"
	ocirt exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: process.json: .cwd"* ]]
	ocirt exec --process "$BATS_TEST_TMPDIR/missing.json" "$CID"
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: "*missing.json*"No such file or directory"* ]]
}

@test "exec: --env, --cwd, --user, --additional-gids" {
	update_config '.process.env += ["FOO=orig", "KEEP=kept"]'
	start_ctr
	ocirt exec --env FOO=new --env NEW=1 --cwd /tmp --user 1000:100 --additional-gids 5 --additional-gids 1 \
		"$CID" sh -c 'echo $FOO $KEEP $NEW; pwd; id'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "new kept 1" ]
	[ "${lines[1]}" = /tmp ]
	[[ "${lines[2]}" == "uid=1000(test) gid=100(users) groups="* ]]
	[[ "${lines[2]}" == *"5(tty)"* ]]
	[[ "${lines[2]}" == *"1(daemon)"* ]]
	# the container's process settings otherwise: uid 0, cwd /
	ocirt exec "$CID" sh -c 'id -u; pwd; echo $FOO'
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = / ]
	[ "${lines[2]}" = orig ]
	ocirt exec --user abc "$CID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: parsing abc as int for uid failed"* ]]
	ocirt exec --cwd /nonexistent "$CID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: unable to start container process: "*"/nonexistent"*"No such file or directory"* ]]
}

@test "exec: the container's capabilities; --cap adds one" {
	start_ctr
	local want
	want=$(awk '/^CapEff/ {print $2}' "/proc/$PID/status")
	ocirt exec "$CID" awk '/^Cap(Eff|Bnd)/ {print $2}' /proc/self/status
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$want" ]
	[ "${lines[1]}" = "$(awk '/^CapBnd/ {print $2}' "/proc/$PID/status")" ]
	# CAP_SYS_ADMIN (21) is not in `ocirt spec`'s set
	(( (0x$want >> 21 & 1) == 0 ))
	ocirt exec --cap CAP_SYS_ADMIN "$CID" awk '/^Cap(Eff|Bnd)/ {print $2}' /proc/self/status
	[ "$status" -eq 0 ]
	(( (0x${lines[0]} >> 21 & 1) == 1 ))
	(( (0x${lines[1]} >> 21 & 1) == 1 ))
	(( (0x${lines[0]} & ~(1 << 21)) == 0x$want ))
}

@test "exec: seccomp, no_new_privs, rlimits and umask of the container apply" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
		| .process.noNewPrivileges = true
		| .process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 1234, "soft": 1000}]
		| .process.user.umask = 23'
	start_ctr
	ocirt exec "$CID" sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; ulimit -n; umask'
	[ "$status" -eq 0 ]
	[[ "$output" == *"NoNewPrivs:"*1* ]]
	[[ "$output" == *"Seccomp:"*2* ]]
	[[ "$output" == *$'\n'1000$'\n'* ]]
	[ "${lines[-1]}" = 0027 ]
	# the filter is the container's: getcwd fails with EPERM
	ocirt exec "$CID" /bin/busybox pwd
	[ "$status" -ne 0 ]
}

@test "exec --no-new-privs sets it for the process only" {
	update_config '.process.noNewPrivileges = false'
	start_ctr
	ocirt exec "$CID" grep NoNewPrivs: /proc/self/status
	[[ "$output" == *0 ]]
	ocirt exec --no-new-privs "$CID" grep NoNewPrivs: /proc/self/status
	[[ "$output" == *1 ]]
}

@test "exec -d --pid-file: returns at once, the pid file names the running process" {
	start_ctr
	__ocirt exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CID" sleep 100 </dev/null >/dev/null 2>&1
	local epid
	epid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[[ "$epid" =~ ^[0-9]+$ ]]
	pid_alive "$epid"
	[ "$(tr '\0' ' ' <"/proc/$epid/cmdline")" = "sleep 100 " ]
	# runc's format: digits, no newline
	[ "$(wc -c <"$BATS_TEST_TMPDIR/exec.pid")" -eq "${#epid}" ]
	[ "$(readlink "/proc/$epid/ns/pid")" = "$(readlink "/proc/$PID/ns/pid")" ]
	# the exec'd process is not dumpable-protected any more: it runs the program
	[ "$(stat -c %u "/proc/$epid")" -eq 0 ]
	kill -9 "$epid"
}

@test "exec -t --console-socket -d: the process gets its own pty" {
	requires recvtty
	start_ctr
	local sock="$BATS_TEST_TMPDIR/tty.sock"
	start_recvtty "$sock"
	__ocirt exec -t -d --console-socket "$sock" "$CID" sh -c 'tty; echo hello-from-exec; sleep 1' \
		</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/exec.err" || {
		cat "$BATS_TEST_TMPDIR/exec.err" >&2
		false
	}
	retry 100 0.05 grep -q hello-from-exec "$BATS_TEST_TMPDIR/recvtty.out"
	grep -q '^/dev/pts/' "$BATS_TEST_TMPDIR/recvtty.out"
	# runc's terminal rules
	ocirt exec -t -d "$CID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: cannot allocate tty if runc will detach without setting console socket"* ]]
	ocirt exec -d --console-socket "$sock" "$CID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
}

@test "exec -t in the foreground: ocirt relays the pty, the status is the process's" {
	start_ctr
	ocirt exec -t "$CID" sh -c 'tty; exit 6' </dev/null
	[ "$status" -eq 6 ]
	[[ "$output" == /dev/pts/* ]]
	# the init's /dev/console is not rebound to the exec's pty
	ocirt exec "$CID" sh -c 'ls -l /dev/console'
	[[ "$output" != *" 136, "* ]] || fail "/dev/console became a pty: $output"
}

@test "exec --preserve-fds passes fds; no other fd of ocirt reaches the process" {
	start_ctr
	echo preserved-content >"$BATS_TEST_TMPDIR/in"
	run bash -c '"$OCIRT" --root "$OCIRT_ROOT" exec --preserve-fds 1 "$1" sh -c "cat <&3; ls /proc/self/fd" 3<"$2"' _ "$CID" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = preserved-content ]
	# 0 1 2 3, and the fd ls opens for the directory
	[ "${#lines[@]}" -le 6 ]
	ocirt exec "$CID" ls /proc/self/fd
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -le 4 ]
	ocirt exec --preserve-fds 5 "$CID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"unable to stat preserved-fd"* ]]
}

@test "exec: runc's words and 255 when the program cannot run" {
	start_ctr
	exec_msg "$CID" /nonexistent
	[ "$status" -eq 255 ]
	[ "$output" = 'exec failed: unable to start container process: exec: "/nonexistent": stat /nonexistent: no such file or directory' ]
	exec_msg "$CID" nope
	[ "$status" -eq 255 ]
	[ "$output" = 'exec failed: unable to start container process: exec: "nope": executable file not found in $PATH' ]
	exec_msg "$CID" /etc/passwd
	[ "$status" -eq 255 ]
	[ "$output" = 'exec failed: unable to start container process: exec: "/etc/passwd": permission denied' ]
	ocirt exec "$CID"
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: process args cannot be empty"* ]]
	ocirt exec nosuchcontainer true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: container does not exist"* ]]
	# usage errors stay 1
	ocirt exec
	[ "$status" -eq 1 ]
	# the container is untouched
	testcontainer "$CID" running
}

@test "exec: a stopped container refuses, a paused one unless --ignore-paused" {
	requires cgroup_freezer
	start_ctr
	ocirt pause "$CID"
	[ "$status" -eq 0 ]
	ocirt exec "$CID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: cannot exec in a paused container (use --ignore-paused to override)"* ]]
	ocirt resume "$CID"
	[ "$status" -eq 0 ]
	ocirt exec "$CID" true
	[ "$status" -eq 0 ]
	ocirt kill "$CID" KILL
	wait_for_status "$CID" stopped
	ocirt exec "$CID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: cannot exec in a stopped container"* ]]
}

@test "exec into a created container works (runc): it stays created" {
	create_detached
	testcontainer "$CID" created
	ocirt exec "$CID" sh -c 'echo in-created; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = in-created ]
	testcontainer "$CID" created
}

@test "exec into a container without a pid namespace: no extra fork, the pid file is the process" {
	no_pid_ns
	start_ctr
	ocirt exec "$CID" sh -c 'readlink /proc/self/ns/pid; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "$(readlink /proc/self/ns/pid)" ]
	__ocirt exec -d --pid-file "$BATS_TEST_TMPDIR/e.pid" "$CID" sh -c 'echo $$ > /dev/shm/self; exec sleep 100' \
		</dev/null >/dev/null 2>&1
	retry 100 0.05 __ocirt exec "$CID" test -s /dev/shm/self
	ocirt exec "$CID" cat /dev/shm/self
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/e.pid")" ]
	kill -9 "$output"
}

@test "exec into a container with a user namespace" {
	requires userns
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
	start_ctr
	ocirt exec "$CID" sh -c 'readlink /proc/self/ns/user; id -u'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink "/proc/$PID/ns/user")" ]
	[ "${lines[0]}" != "$(readlink /proc/self/ns/user)" ]
	[ "${lines[1]}" = 0 ]
}

@test "exec into a container with a time namespace sees its clocks" {
	requires timens
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 864000, "nanosecs": 0}, "boottime": {"secs": 864000, "nanosecs": 0}}'
	start_ctr
	ocirt exec "$CID" sh -c 'readlink /proc/self/ns/time; cut -d. -f1 /proc/uptime'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink "/proc/$PID/ns/time")" ]
	[ "${lines[1]}" -ge 864000 ]
}

@test "exec: many in a row leave nothing behind" {
	start_ctr
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		__ocirt exec "$CID" true
	done
	ocirt exec "$CID" ps -o pid
	# the init and ps only: every exec'd process was reaped
	[ "${#lines[@]}" -eq 3 ]
}
