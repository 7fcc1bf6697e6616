#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The ocishim test cases, run by ocirt.bats (SHIM_RT=ocirt) and runc.bats (SHIM_RT=runc).
# Each drives ocishim as podman does and checks what podman reads.

load helpers-shim

K8S_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}[+-][0-9]{2}:[0-9]{2} (stdout|stderr) (F|P) '

# create: one sync line with the PID, pid files, then start → exit file and exit command.
case_create_sync_exit() {
	update_config '.process.args = ["/bin/sh", "-c", "exit 3"]'
	shim_create
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "shim-exit 0" ]
	local pid
	pid=$(sync_pid) || fail "no sync PID line"
	# the container PID is what the runtime wrote, and it is a child of the shim daemon
	[ "$(cat "$SD/pidfile")" = "$pid" ]
	local daemon
	daemon=$(cat "$SD/conmon.pid")
	[[ "$daemon" =~ ^[0-9]+$ ]]
	[ "$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")" = "$daemon" ]
	grep -q ocishim "/proc/$daemon/cmdline"
	# the daemon is a subreaper and session leader
	[ "$(awk '{print $6}' "/proc/$daemon/stat")" = "$daemon" ]
	[ -S "$BUNDLE/attach" ] && [ -p "$BUNDLE/ctl" ] && [ -p "$BUNDLE/winsz" ]
	[ ! -e "$SD/exits/$CID" ]
	rt_start
	wait_shim_exit
	[ "$(cat "$SD/exits/$CID")" = "3" ] # no newline: podman uses a strict Atoi
	[ "$(stat -c %s "$SD/exits/$CID")" -eq 1 ]
	[ ! -e "$BUNDLE/attach" ]
	# the exit command ran with its arguments in order, the empty one kept
	run cat "$SD/exit-command.out"
	[ "$output" = "$(printf '[--root]\n[]\n[cleanup]\n[%s]' "$CID")" ]
}

# a signal death maps to 128+n in the exit file
case_exit_signal() {
	update_config '.process.args = ["/bin/sleep", "100"]'
	shim_create
	sync_pid >/dev/null
	rt_start
	"$RT" kill "$CID" KILL
	wait_shim_exit
	[ "$(cat "$SD/exits/$CID")" = "137" ]
}

# k8s-file: CRI format, F/P markers, stream names; one timestamp per chunk
case_k8s_log_format() {
	update_config '.process.args = ["/bin/sh", "-c", "echo hello; echo err >&2; sleep 0.2; printf partial"]'
	shim_create
	sync_pid >/dev/null
	rt_start
	wait_shim_exit
	cat "$SD/ctr.log" >&2
	run cat "$SD/ctr.log"
	[ "${#lines[@]}" -eq 3 ]
	local l
	for l in "${lines[@]}"; do
		[[ "$l" =~ $K8S_RE ]] || fail "bad record: $l"
	done
	grep -Eq ' stdout F hello$' "$SD/ctr.log"
	grep -Eq ' stderr F err$' "$SD/ctr.log"
	grep -Eq ' stdout P partial$' "$SD/ctr.log"
	# the local offset is numeric, even for UTC
	grep -Eq '^[^ ]+[+-][0-9]{2}:[0-9]{2} ' "$SD/ctr.log"
	[ "$(stat -c %a "$SD/ctr.log")" = 600 ]
}

# a line longer than one read chunk: P records, then F
case_k8s_long_line() {
	update_config '.process.args = ["/bin/sh", "-c", "head -c 20000 /dev/zero | tr \"\\\\0\" a; echo"]'
	shim_create
	sync_pid >/dev/null
	rt_start
	wait_shim_exit
	run awk '{print $3}' "$SD/ctr.log"
	[ "${lines[0]}" = P ]
	[ "${lines[${#lines[@]} - 1]}" = F ]
	# the content adds up to the line
	local total
	total=$(awk '{ sub(/^[^ ]+ [^ ]+ [PF] /, ""); n += length($0) } END { print n }' "$SD/ctr.log")
	[ "$total" -eq 20000 ]
}

# k8s_content STREAM: the stream's bytes as podman reassembles them (P records joined)
k8s_content() {
	awk -v s="$1" '$2 == s { m = $0; sub(/^[^ ]+ [^ ]+ [PF] /, "", m); if ($3 == "P") printf "%s", m; else print m }' "$SD/ctr.log"
}

# a container that writes fast and exits at once loses nothing
case_fast_writer() {
	update_config '.process.args = ["/bin/sh", "-c", "seq 1 30000; seq 1 3000 >&2"]'
	shim_create
	sync_pid >/dev/null
	rt_start
	wait_shim_exit
	seq 1 30000 >"$SD/want.out"
	seq 1 3000 >"$SD/want.err"
	k8s_content stdout >"$SD/got.out"
	k8s_content stderr >"$SD/got.err"
	cmp "$SD/want.out" "$SD/got.out"
	cmp "$SD/want.err" "$SD/got.err"
}

# --log-size-max truncates the log (conmon semantics): the file stays under the limit and
# ends with the last records
case_log_size_max() {
	update_config '.process.args = ["/bin/sh", "-c", "for i in $(seq 1 40); do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done"]'
	shim_create --log-size-max 1000
	sync_pid >/dev/null
	rt_start
	wait_shim_exit
	[ "$(stat -c %s "$SD/ctr.log")" -le 1000 ]
	grep -q ' F line-40-' "$SD/ctr.log"
	! grep -q ' F line-1-' "$SD/ctr.log"
}

# ctl "2 0 0" reopens (truncates) the log
case_ctl_reopen() {
	update_config '.process.args = ["/bin/sh", "-c", "echo before; sleep 2; echo after"]'
	shim_create
	sync_pid >/dev/null
	rt_start
	retry 40 0.05 grep -q before "$SD/ctr.log"
	echo "2 0 0" >"$BUNDLE/ctl"
	wait_shim_exit
	! grep -q before "$SD/ctr.log"
	grep -q ' stdout F after$' "$SD/ctr.log"
}

# the runtime's error reaches podman in the sync message; no exit file; exit command runs
case_runtime_error() {
	update_config '.process.args = ["/nonexistent-binary"]'
	shim_create
	[ "${lines[0]}" = "shim-exit 0" ]
	local l=${lines[1]}
	[[ "$l" == 'sync: {"data": -1, "message": "'* ]] || fail "no error message: $l"
	[[ "$l" == *nonexistent-binary* ]]
	# valid JSON, one line
	echo "${l#sync: }" | jq -e '.data == -1 and (.message | test("nonexistent-binary"))'
	retry 100 0.05 test -f "$SD/exit-command.out"
	[ ! -e "$SD/exits/$CID" ]
}

# attach socket: SEQPACKET, stream byte 2/3 before each chunk
case_attach_output() {
	update_config '.process.args = ["/bin/sh", "-c", "sleep 0.5; echo to-stdout; sleep 0.2; echo to-stderr >&2"]'
	shim_create
	sync_pid >/dev/null
	"$HARNESS" attach "$BUNDLE/attach" >"$SD/attach.out" &
	local apid=$!
	retry 200 0.05 grep -q connected "$SD/attach.out"
	rt_start
	wait "$apid"
	wait_shim_exit
	cat "$SD/attach.out" >&2
	grep -qx '2 to-stdout' "$SD/attach.out"
	grep -qx '3 to-stderr' "$SD/attach.out"
}

# -i: attach-client input reaches container stdin; the client's half-close closes it
case_attach_stdin() {
	update_config '.process.args = ["/bin/sh", "-c", "while read l; do echo got-$l; done; echo stdin-closed"]'
	shim_create -i
	sync_pid >/dev/null
	rt_start
	run "$HARNESS" attach -i $'one\ntwo\n' "$BUNDLE/attach"
	echo "$output" >&2
	grep -qx "2 got-one" <<<"$output"
	grep -q 'got-two' <<<"$output"
	grep -q '2 stdin-closed' <<<"$output"
	wait_shim_exit
	[ "$(cat "$SD/exits/$CID")" = 0 ]
}

# --leave-stdin-open: a client's half-close does not close stdin; the next client's input
# still reaches the container
case_leave_stdin_open() {
	update_config '.process.args = ["/bin/sh", "-c", "while read l; do echo got-$l; [ \"$l\" = quit ] && exit 7; done; echo eof"]'
	shim_create -i --leave-stdin-open
	sync_pid >/dev/null
	rt_start
	run "$HARNESS" attach -i $'one\n' "$BUNDLE/attach"
	echo "$output" >&2
	grep -qx '2 got-one' <<<"$output"
	! grep -q eof <<<"$output"
	run "$HARNESS" attach -i $'quit\n' "$BUNDLE/attach"
	echo "$output" >&2
	grep -qx '2 got-quit' <<<"$output"
	wait_shim_exit
	[ "$(cat "$SD/exits/$CID")" = 7 ]
}

# without --full-attach: <socket-dir-path>/<cuuid> is a symlink to the bundle, the socket
# is bound through it
case_socket_dir_path() {
	update_config '.process.args = ["/bin/sh", "-c", "sleep 0.5; echo via-socket-dir"]'
	SHIM_FULL_ATTACH=
	shim_create --socket-dir-path "$SD/socks"
	sync_pid >/dev/null
	[ "$(readlink "$SD/socks/$CID")" = "$BUNDLE" ]
	[ -S "$SD/socks/$CID/attach" ]
	"$HARNESS" attach "$SD/socks/$CID/attach" >"$SD/attach.out" &
	local apid=$!
	retry 200 0.05 grep -q connected "$SD/attach.out"
	rt_start
	wait "$apid"
	wait_shim_exit
	grep -qx '2 via-socket-dir' "$SD/attach.out"
}

# -t: the pty master comes through the console socket; ctl resizes (queued before start
# and live); output is stream 2 with \r\n
case_terminal() {
	update_config '.process.terminal = true | .process.args = ["/bin/sh", "-c", "stty size; tty; sleep 2; stty size; echo TTYOK"]'
	shim_create -t
	sync_pid >/dev/null || fail "no pid"
	echo "1 30 100" >"$BUNDLE/ctl"
	"$HARNESS" attach "$BUNDLE/attach" >"$SD/attach.out" &
	local apid=$!
	retry 200 0.05 grep -q connected "$SD/attach.out"
	rt_start
	retry 100 0.05 grep -q '^2 30 100' "$SD/attach.out"
	printf '1 40 120\n' >"$BUNDLE/ctl"
	wait "$apid"
	wait_shim_exit
	cat "$SD/attach.out" >&2
	grep -q $'^2 30 100\r$' "$SD/attach.out"
	grep -q $'^2 /dev/pts/[0-9]*\r$' "$SD/attach.out"
	grep -q $'^2 40 120\r$' "$SD/attach.out"
	grep -q $' stdout F TTYOK\r$' "$SD/ctr.log"
	# the console socket is gone
	! ls /tmp/conmon-term.* 2>/dev/null | grep -q .
}

# --timeout: the container is killed, exit status -1
case_timeout() {
	update_config '.process.args = ["/bin/sleep", "100"]'
	shim_create --timeout=2
	sync_pid >/dev/null
	# the timer runs from the PID message, as conmon's: on a loaded host it may fire before
	# `start`, which then fails; the outcome checked is the same
	rt_start || true
	wait_shim_exit 15
	[ "$(cat "$SD/exits/$CID")" = "-1" ]
}

# OOM: the `oom` file in the bundle (where podman 4.3 reads it) and in --persist-dir
case_oom() {
	requires cgroup_ctrl:memory
	update_config '.linux.resources.memory = {"limit": 16777216} | .process.args = ["/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]'
	mkdir -p "$SD/persist"
	shim_create --persist-dir "$SD/persist"
	sync_pid >/dev/null
	rt_start
	wait_shim_exit
	[ "$(cat "$SD/exits/$CID")" = 137 ]
	[ "$(cat "$SD/persist/exit")" = 137 ]
	[ -f "$BUNDLE/oom" ]
	[ -f "$SD/persist/oom" ]
	# and not in the shim's cwd, where stock conmon 2.1.6 puts it
	[ ! -e "$SD/cwd/oom" ]
}

# no OOM file when the container exits normally
case_no_oom() {
	update_config '.linux.resources.memory = {"limit": 67108864} | .process.args = ["/bin/true"]'
	shim_create
	sync_pid >/dev/null
	rt_start
	wait_shim_exit
	[ ! -e "$BUNDLE/oom" ]
}

# exec: attach-pipe ready message, second start byte, PID then exit code on the sync pipe,
# exit file named after the container in the exec's exit dir
case_exec() {
	requires_rt_exec
	update_config '.process.args = ["/bin/sleep", "30"]'
	shim_create
	sync_pid >/dev/null
	rt_start
	local ed="$SD/exec1"
	mkdir -p "$ed/exit"
	cat >"$SD/process.json" <<-'EOF'
		{"args": ["/bin/sh", "-c", "echo exec-out; echo exec-err >&2; exit 5"], "cwd": "/",
		 "env": ["PATH=/bin:/usr/bin"], "terminal": false, "user": {"uid": 0, "gid": 0}}
	EOF
	run bash -c 'cd "$1" && exec timeout 60 "$HARNESS" run -e -a "$1/attach" -- "$OCISHIM" --api-version 1 \
		-c "$CID" -u exec1 -r "$RT" -b "$1" -p "$1/exec_pid" -n name --exit-dir "$1/exit" \
		--full-attach -l none --log-level warning -e --exec-attach --exec-process-spec "$2"' _ "$ed" "$SD/process.json"
	echo "$output" >&2
	[ "${lines[0]}" = "shim-exit 0" ]
	[ "${lines[1]}" = 'attach-pipe: {"data": 0}' ]
	[[ "${lines[2]}" =~ ^sync:\ \{\"data\":\ [0-9]+\}$ ]]
	grep -qx '2 exec-out' <<<"$output"
	grep -qx '3 exec-err' <<<"$output"
	[ "${lines[${#lines[@]} - 1]}" = 'sync: {"data": 5}' ]
	[ "$(cat "$ed/exit/$CID")" = 5 ]
	"$RT" kill "$CID" KILL
	wait_shim_exit
}

# The shim daemon SIGKILLed under a running container (tests/engines/podman.bats has what
# podman makes of it). As conmon: the container keeps running (no parent-death signal),
# no exit file and no exit command (no status is known), nothing of the shim is left; the
# runtime still sees the container running, and its kill + delete -f remove everything.
case_shim_killed() {
	update_config '.process.args = ["/bin/sleep", "100"]'
	shim_create
	[ "$status" -eq 0 ]
	local pid daemon
	pid=$(sync_pid) || fail "no sync PID line"
	daemon=$(cat "$SD/conmon.pid")
	rt_start
	kill -KILL "$daemon"
	retry 40 0.05 bash -c "[ ! -d /proc/$daemon ]"
	kill -0 "$pid"
	[ "$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")" != "$daemon" ]
	run pgrep -f -- "-c $CID -u $CID"
	[ "$status" -eq 1 ] || fail "shim processes left: $output"
	sleep 0.5
	[ ! -e "$SD/exits/$CID" ]
	[ ! -e "$SD/exit-command.out" ]
	run "$RT" state "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"status": "running"'* ]]
	"$RT" kill "$CID" KILL
	retry 100 0.05 bash -c "[ ! -d /proc/$pid ]"
	run "$RT" delete -f "$CID"
	[ "$status" -eq 0 ]
	run "$RT" state "$CID"
	[ "$status" -ne 0 ]
	check_no_leaks
}

# the version probe podman runs: `conmon version X.Y.Z` first
case_version() {
	run "$OCISHIM" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^conmon\ version\ 2\.[0-9]+\.[0-9]+$ ]]
	[[ "${lines[1]}" == "commit: "* ]]
}

# bad options fail before forking, exit 1
case_bad_options() {
	run "$OCISHIM" --bogus
	[ "$status" -eq 1 ]
	[[ "$output" == *"Unknown option --bogus"* ]]
	run "$OCISHIM" --api-version 1 -u x -r "$RT" -l none
	[ "$status" -eq 1 ]
	[[ "$output" == *"Use --cid"* ]]
	run "$OCISHIM" --api-version 1 -c "$CID" -u "$CID" -r "$RT" -l bogus:x
	[ "$status" -eq 1 ]
	[[ "$output" == *"No such log driver"* ]]
	run "$OCISHIM" --api-version 1 -c "$CID" -u "$CID" -r /nonexistent/runtime -l none
	[ "$status" -eq 1 ]
	[[ "$output" == *"Runtime path /nonexistent/runtime is not valid"* ]]
}

# journald: one entry per line with podman's fields, in journald's native protocol, received
# by a stand-in journald on /run/systemd/journal/socket in a private mount namespace
case_journald() {
	requires unshare
	update_config '.process.args = ["/bin/sh", "-c", "echo line1; echo err >&2; sleep 0.2; printf part"]'
	run unshare -m --propagation private bash -c '
		set -e
		if [ -d /run/systemd ]; then mount -t tmpfs tmpfs /run/systemd; else mount -t tmpfs tmpfs /run; fi
		mkdir -p /run/systemd/journal
		"$HARNESS" journal /run/systemd/journal/socket >"$SD/journal.out" &
		jp=$!
		for i in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.02; done
		(cd "$SD/cwd" && timeout 60 "$HARNESS" run -- "$OCISHIM" --api-version 1 -c "$CID" -u "$CID" \
			-r "$RT" -b "$BUNDLE" -p "$SD/pidfile" -n "name-$CID" --exit-dir "$SD/exits" --full-attach \
			-l journald --log-tag mytag --conmon-pidfile "$SD/conmon.pid")
		"$RT" start "$CID"
		for i in $(seq 200); do [ -f "$SD/exits/$CID" ] && break; sleep 0.05; done
		sleep 0.2
		kill $jp'
	echo "$output" >&2
	cat "$SD/journal.out" >&2
	[ "$status" -eq 0 ]
	[ "$(cat "$SD/exits/$CID")" = 0 ]
	# entries are separated by empty lines: turn each into one line of fields
	awk -v RS= '{ gsub(/\n/, "|"); print "|" $0 "|" }' "$SD/journal.out" >"$SD/entries"
	grep -F '|MESSAGE=line1\n|' "$SD/entries" | grep -F "|CONTAINER_ID_FULL=$CID|" |
		grep -F "|CONTAINER_ID=${CID:0:12}|" | grep -F '|PRIORITY=6|' | grep -F "|CONTAINER_NAME=name-$CID|" |
		grep -F '|CONTAINER_TAG=mytag|' | grep -F '|SYSLOG_IDENTIFIER=mytag|' | grep -vq PARTIAL
	grep -F '|MESSAGE=err\n|' "$SD/entries" | grep -q '|PRIORITY=3|'
	grep -F '|MESSAGE=part|' "$SD/entries" | grep -q '|CONTAINER_PARTIAL_MESSAGE=true|'
}

# vm_rss PID: VmRSS in kB
vm_rss() {
	awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# the product metric: the shim daemon's resident memory per container, next to conmon's
# (driven identically: same arguments, same runtime)
case_rss_vs_conmon() {
	local conmon
	conmon=$(command -v conmon) || skip "conmon not installed"
	file -L "$OCISHIM" | grep -q 'statically linked' || skip "ocishim not linked statically (sanitizer build?)"
	update_config '.process.args = ["/bin/sleep", "60"]'
	local rss=() bin
	for bin in "$OCISHIM" "$conmon"; do
		rm -f "$SD/exits/$CID" "$SD/conmon.pid"
		OCISHIM=$bin shim_create
		sync_pid >/dev/null || fail "$bin: no PID"
		rt_start
		sleep 0.5
		rss+=("$(vm_rss "$(cat "$SD/conmon.pid")")")
		"$RT" kill "$CID" KILL
		wait_shim_exit
		"$RT" delete -f "$CID"
	done
	echo "# VmRSS: ocishim ${rss[0]} kB, conmon ${rss[1]} kB" >&3
	[ "${rss[0]}" -lt "${rss[1]}" ]
	[ "${rss[0]}" -lt 1500 ]
}

# --sdnotify-socket: READY=1 / WATCHDOG=1 from <bundle>/notify/notify.sock are relayed to
# the host socket, exactly and alone; anything else is dropped
case_sdnotify() {
	update_config '.process.args = ["/bin/sleep", "60"]'
	local hd
	hd=$(mktemp -d /tmp/ocishim-notify.XXXXXX)
	"$HARNESS" journal "$hd/notify" >"$SD/notify.out" &
	local jp=$!
	retry 100 0.02 test -S "$hd/notify"
	shim_create --sdnotify-socket="$hd/notify"
	sync_pid >/dev/null
	[ -S "$BUNDLE/notify/notify.sock" ]
	"$HARNESS" send "$BUNDLE/notify/notify.sock" 'STATUS=only'
	"$HARNESS" send "$BUNDLE/notify/notify.sock" 'STATUS=starting\nREADY=1\nFOO=bar'
	"$HARNESS" send "$BUNDLE/notify/notify.sock" 'WATCHDOG=1'
	retry 100 0.02 grep -q WATCHDOG "$SD/notify.out"
	kill "$jp"
	wait "$jp" || true
	rm -rf "$hd"
	cat "$SD/notify.out" >&2
	run grep -v '^$' "$SD/notify.out"
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = READY=1 ]
	[ "${lines[1]}" = WATCHDOG=1 ]
	"$RT" kill "$CID" KILL
	wait_shim_exit
}

# exec -t -i (podman exec -it): the exec's terminal through the console socket; a fast
# exit while the runtime is still running is not lost
case_exec_tty() {
	requires_rt_exec
	update_config '.process.args = ["/bin/sleep", "30"]'
	shim_create
	sync_pid >/dev/null
	rt_start
	local ed="$SD/exec2"
	mkdir -p "$ed/exit"
	cat >"$SD/process.json" <<-'EOF2'
		{"args": ["/bin/sh", "-c", "tty; echo EXECTTY; exit 4"], "cwd": "/",
		 "env": ["PATH=/bin:/usr/bin"], "terminal": true, "user": {"uid": 0, "gid": 0}}
	EOF2
	run bash -c 'cd "$1" && exec timeout 60 "$HARNESS" run -e -a "$1/attach" -- "$OCISHIM" --api-version 1 \
		-c "$CID" -u exec2 -r "$RT" -b "$1" -p "$1/exec_pid" -n name --exit-dir "$1/exit" \
		--full-attach -l none --log-level warning -t -i -e --exec-attach --exec-process-spec "$2"' _ "$ed" "$SD/process.json"
	echo "$output" >&2
	[ "${lines[1]}" = 'attach-pipe: {"data": 0}' ]
	[[ "${lines[2]}" =~ ^sync:\ \{\"data\":\ [0-9]+\}$ ]]
	grep -q $'^2 /dev/pts/[0-9]*\r$' <<<"$output"
	grep -q $'^2 EXECTTY\r$' <<<"$output"
	[ "${lines[${#lines[@]} - 1]}" = 'sync: {"data": 4}' ]
	[ "$(cat "$ed/exit/$CID")" = 4 ]
	"$RT" kill "$CID" KILL
	wait_shim_exit
}
