#!/usr/bin/env bats
# Conformance gaps: what the OCI runtime-tools validation suite (runtimetest inside the
# container, the lifecycle cases outside) and runc's own integration tests check that the
# area files did not cover yet. Each test names the behaviour; runc is the reference.

load ../helpers
load ../helpers-lifecycle

setup() {
	requires root busybox
	setup_bundle
}

teardown() {
	teardown_bundle
}

# exec_detached PIDFILE ARGS...: `ocirt exec -d` with stdio away from bats' pipes (the process
# inherits them: bats would wait for it).
exec_detached() {
	local pidfile=$1
	shift
	__ocirt exec -d --pid-file "$pidfile" "$@" </dev/null >"$BATS_TEST_TMPDIR/exec.out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/exec.out" >&2
		fail "ocirt exec -d $* failed"
	}
}

# host_sched PID: "policy/priority/runtime-deadline-period" as chrt(1) prints them.
host_sched() {
	chrt -p "$1" | sed -n 's/.*current scheduling policy: //p; s/.*current scheduling priority: //p;
		s/.*runtime\/deadline\/period parameters: //p' | paste -sd' '
}

# --- runtimetest: the config's mounts, in the mount table ------------------------------

@test "runtimetest: every non-bind mount is in mountinfo with its type and source, in config order" {
	with_out_dir
	sh_args 'cat /proc/self/mountinfo > /out/mountinfo'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	# (cgroup left out: runtimetest's own check fails every runtime there, the mount is a
	# tmpfs of hierarchies on v1 and of type cgroup2 on v2)
	# mountinfo: field 5 the mount point; after " - ": type, source
	local table last=0 n dest type src line
	table=$(awk '{ for (i = 7; $i != "-"; i++); print NR, $5, $(i+1), $(i+2) }' "$OUT/mountinfo")
	while IFS=$'\t' read -r dest type src; do
		line=$(awk -v d="$dest" -v t="$type" -v s="$src" -v after="$last" \
			'$1 > after && $2 == d && $3 == t && $4 == s { print $1; exit }' <<<"$table")
		[ -n "$line" ] || fail "mount $dest ($type from $src) missing after mountinfo line $last:"$'\n'"$table"
		last=$line
		n=$((${n:-0} + 1))
	done < <(jq -r '.mounts[] | select(.type != "bind" and .type != "cgroup" and ((.options // []) | index("bind") | not)
		and ((.options // []) | index("rbind") | not)) | [.destination, .type, .source] | @tsv' "$BUNDLE/config.json")
	[ "$n" -ge 6 ]
}

# --- process.user is optional, as in runc -----------------------------------------------

@test "config.json and exec process.json without process.user run as 0:0 (runc)" {
	update_config 'del(.process.user) | .process.args = ["/bin/sleep", "100"]'
	run_detached_quiet
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$PID/status")" = 0 ]
	[ "$(awk '/^Gid:/ { print $2 }' "/proc/$PID/status")" = 0 ]
	echo '{"terminal": false, "args": ["/bin/id"], "cwd": "/"}' >"$BATS_TEST_TMPDIR/process.json"
	ocirt exec --process "$BATS_TEST_TMPDIR/process.json" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=0(root) gid=0(root)"* ]]
}

# --- process.scheduler, process.ioPriority, linux.personality (runc 1.2) ---------------

@test "process.scheduler applies to the init and, from config.json, to exec; process.json overrides" {
	command -v chrt >/dev/null || skip "test requires chrt"
	update_config '.process.args = ["/bin/sleep", "100"]
		| .process.scheduler = {"policy": "SCHED_BATCH", "priority": 0, "nice": 19}'
	run_detached_quiet
	[ "$(host_sched "$PID")" = "SCHED_BATCH 0" ]
	[ "$(awk '{ print $19 }' "/proc/$PID/stat")" = 19 ] # nice
	exec_detached "$BATS_TEST_TMPDIR/exec1.pid" "$CID" /bin/sleep 100
	[ "$(host_sched "$(cat "$BATS_TEST_TMPDIR/exec1.pid")")" = "SCHED_BATCH 0" ]
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'EOF'
		{"terminal": false, "args": ["/bin/sleep", "100"], "cwd": "/",
		 "scheduler": {"policy": "SCHED_DEADLINE", "flags": ["SCHED_FLAG_RESET_ON_FORK"], "nice": 19,
			"priority": 0, "runtime": 42000, "deadline": 100000, "period": 1000000}}
	EOF
	exec_detached "$BATS_TEST_TMPDIR/exec2.pid" --process "$BATS_TEST_TMPDIR/process.json" "$CID"
	[ "$(host_sched "$(cat "$BATS_TEST_TMPDIR/exec2.pid")")" = "SCHED_DEADLINE|SCHED_RESET_ON_FORK 0 42000/100000/1000000" ]
}

@test "process.scheduler: a deadline policy with linux.resources.cpu.cpus fails with runc's words" {
	requires smp cgroup_ctrl:cpuset
	update_config '.linux.resources.cpu.cpus = "0"
		| .process.scheduler = {"policy": "SCHED_DEADLINE", "nice": 19, "runtime": 42000, "deadline": 1000000, "period": 1000000}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"process scheduler can't be used together with AllowedCPUs"* ]]
	no_state_left "$CID"
}

@test "process.scheduler and ioPriority: runc's validation rules, before anything exists" {
	local bad
	for bad in '{"policy": "SCHED_OTHER", "nice": 20}' '{"policy": "SCHED_BATCH", "priority": 1}' \
		'{"policy": "SCHED_FIFO", "runtime": 1}'; do
		update_config ".process.scheduler = $bad"
		ocirt run -b "$BUNDLE" "$CID"
		[ "$status" -eq 1 ]
		[[ "$output" == *".process.scheduler"*"scheduler"* ]] || fail "$bad: $output"
		no_state_left "$CID"
	done
	update_config 'del(.process.scheduler) | .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid ioPriority.Priority: 8"* ]]
	no_state_left "$CID"
}

@test "process.ioPriority applies to the init and, from config.json, to exec; process.json overrides" {
	command -v ionice >/dev/null || skip "test requires ionice"
	update_config '.process.args = ["/bin/sleep", "100"]
		| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 4}'
	run_detached_quiet
	[ "$(ionice -p "$PID")" = "best-effort: prio 4" ]
	exec_detached "$BATS_TEST_TMPDIR/exec1.pid" "$CID" /bin/sleep 100
	[ "$(ionice -p "$(cat "$BATS_TEST_TMPDIR/exec1.pid")")" = "best-effort: prio 4" ]
	# runc's own test leaves the priority out for the idle class
	echo '{"terminal": false, "args": ["/bin/sleep", "100"], "cwd": "/", "ioPriority": {"class": "IOPRIO_CLASS_IDLE"}}' \
		>"$BATS_TEST_TMPDIR/process.json"
	exec_detached "$BATS_TEST_TMPDIR/exec2.pid" --process "$BATS_TEST_TMPDIR/process.json" "$CID"
	[ "$(ionice -p "$(cat "$BATS_TEST_TMPDIR/exec2.pid")")" = idle ]
}

@test "linux.personality: LINUX32 and LINUX for run and exec, even when seccomp denies personality(2)" {
	[ "$(uname -m)" = x86_64 ] || skip "test requires x86_64"
	update_config '.process.args = ["/bin/uname", "-m"] | .linux.personality = {"domain": "LINUX32", "flags": []}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = i686 ]
	ocirt delete "$CID"

	update_config '.process.args = ["/bin/sleep", "100"] | .linux.personality = {"domain": "LINUX32"}
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO"}]}'
	run_detached_quiet
	ocirt exec "$CID" /bin/uname -m
	[ "$status" -eq 0 ]
	[ "$output" = i686 ]
	ocirt delete -f "$CID"

	update_config '.process.args = ["/bin/uname", "-m"] | .linux.personality = {"domain": "LINUX"}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = x86_64 ]
}

# --- CPU affinity (runc 1.2 resets it; execCPUAffinity, runc 1.3) -----------------------

# allowed_cpus PID: Cpus_allowed_list of a process.
allowed_cpus() {
	awk '/^Cpus_allowed_list:/ { print $2 }' "/proc/$1/status"
}

@test "CPU affinity: the caller's (taskset) reaches neither the init nor exec; the cpuset bounds it" {
	requires smp
	command -v taskset >/dev/null || skip "test requires taskset"
	local all
	all=$(allowed_cpus $$)
	[ "$all" != 0 ] || skip "this shell is pinned to CPU 0 already"
	update_config '.process.args = ["/bin/sleep", "100"] | del(.linux.resources.cpu)'
	taskset -c 0 "$OCIRT" --root "$OCIRT_ROOT" run -d -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	PID=$(state_field "$CID" pid)
	[ "$(allowed_cpus "$PID")" = "$all" ]
	taskset -c 0 "$OCIRT" --root "$OCIRT_ROOT" exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CID" \
		/bin/sleep 100 </dev/null >/dev/null 2>&1
	[ "$(allowed_cpus "$(cat "$BATS_TEST_TMPDIR/exec.pid")")" = "$all" ]
	ocirt delete -f "$CID"

	requires cgroup_ctrl:cpuset
	update_config '.linux.resources.cpu = {"cpus": "1", "mems": "0"}'
	taskset -c 0 "$OCIRT" --root "$OCIRT_ROOT" run -d -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	[ "$(allowed_cpus "$(state_field "$CID" pid)")" = 1 ]
}

@test "execCPUAffinity.final: exec processes end on it, from config.json or process.json; the init ignores it" {
	requires smp
	update_config '.process.args = ["/bin/sleep", "100"] | del(.linux.resources.cpu)
		| .process.execCPUAffinity = {"initial": "0", "final": "1"}'
	run_detached_quiet
	[ "$(allowed_cpus "$PID")" = "$(allowed_cpus $$)" ]
	exec_detached "$BATS_TEST_TMPDIR/exec1.pid" "$CID" /bin/sleep 100
	[ "$(allowed_cpus "$(cat "$BATS_TEST_TMPDIR/exec1.pid")")" = 1 ]
	echo '{"terminal": false, "args": ["/bin/sleep", "100"], "cwd": "/", "execCPUAffinity": {"initial": "1", "final": "0"}}' \
		>"$BATS_TEST_TMPDIR/process.json"
	exec_detached "$BATS_TEST_TMPDIR/exec2.pid" --process "$BATS_TEST_TMPDIR/process.json" "$CID"
	[ "$(allowed_cpus "$(cat "$BATS_TEST_TMPDIR/exec2.pid")")" = 0 ]
}

@test "execCPUAffinity: a malformed CPU list is refused with its path" {
	update_config '.process.execCPUAffinity = {"initial": "0-", "final": "1,x"}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'.process.execCPUAffinity.initial: invalid CPU list \"0-\"'* ]]
	no_state_left "$CID"
}

# --- linux.memoryPolicy (runc 1.4) -------------------------------------------------------

# The policy of the first mapping, as numa_maps shows it ("interleave:0", "default").
NUMA_POLICY='head -n 1 /proc/self/numa_maps | cut -d " " -f 2'

@test "linux.memoryPolicy: the mode, nodes and flags reach the init and exec processes; {} is no policy" {
	[ -e /proc/self/numa_maps ] || skip "test requires NUMA support (/proc/self/numa_maps)"
	local mp want
	while IFS='|' read -r mp want; do
		update_config ".linux.memoryPolicy = $mp"
		sh_args "$NUMA_POLICY"
		ocirt run -b "$BUNDLE" "$CID"
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ] || fail "$mp: \"$output\", expected \"$want\""
		ocirt delete "$CID"
	done <<-'EOF'
		{"mode": "MPOL_INTERLEAVE", "nodes": "0"}|interleave:0
		{"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}|bind=static:0
		{}|default
		{"mode": "MPOL_DEFAULT"}|default
	EOF
	update_config '.linux.memoryPolicy = {"mode": "MPOL_PREFERRED", "nodes": "0", "flags": ["MPOL_F_RELATIVE_NODES"]}'
	set_args /bin/sleep 100
	run_detached_quiet
	ocirt exec "$CID" /bin/sh -c "$NUMA_POLICY"
	[ "$status" -eq 0 ]
	[ "$output" = prefer=relative:0 ]
}

@test "linux.memoryPolicy: runc's errors for a bad mode, flag, missing mode, node list, or what the kernel refuses" {
	local mp want
	while IFS='|' read -r mp want; do
		update_config ".linux.memoryPolicy = $mp"
		ocirt run -b "$BUNDLE" "$CID"
		[ "$status" -eq 1 ]
		[[ "$output" == *"$want"* ]] || fail "$mp: $output"
		no_state_left "$CID"
	done <<-'EOF'
		{"mode": "INTERLEAVE", "nodes": "0"}|.linux.memoryPolicy.mode: invalid memory policy mode
		{"mode": "MPOL_PREFERRED", "nodes": "0", "flags": ["MPOL_F_RELATIVE_NODES", "badflag"]}|.linux.memoryPolicy.flags[1]: invalid memory policy flag
		{"nodes": "0-7"}|invalid memory policy mode
		{"mode": "MPOL_BIND", "nodes": "0-9876543210", "flags": []}|invalid memory policy node
		{"mode": "MPOL_DEFAULT", "nodes": "0-7", "flags": ["MPOL_F_NUMA_BALANCING", "MPOL_F_STATIC_NODES"]}|set_mempolicy
	EOF
	[[ "$output" == *"set_mempolicy"*"invalid argument"* ]]
}

# --- process.env: runc's rules -----------------------------------------------------------

@test "process.env: a name given twice keeps its first place and its last value; an empty HOME is replaced" {
	local envs want
	while IFS='|' read -r envs want; do
		update_config ".process.env = $envs | .process.args = [\"/bin/env\"]"
		ocirt run -b "$BUNDLE" "$CID"
		[ "$status" -eq 0 ]
		[ "$(paste -sd' ' <<<"$output")" = "$want" ] || fail "$envs: $(paste -sd' ' <<<"$output")"
		ocirt delete "$CID"
	done <<-'EOF'
		["A=1", "B=2", "A=3", "PATH=/bin"]|A=3 B=2 PATH=/bin HOME=/root
		["HOME=", "PATH=/bin"]|HOME=/root PATH=/bin
		["HOME=/override", "HOME=", "PATH=/bin"]|HOME=/root PATH=/bin
		["ONE=two", "ONE=", "PATH=/bin"]|ONE= PATH=/bin HOME=/root
		["HOME=/override", "PATH=/bin"]|HOME=/override PATH=/bin
	EOF
	# exec: the same rules for --env on top of the config's
	update_config '.process.env = ["A=1", "PATH=/bin"] | .process.args = ["/bin/sleep", "100"]'
	run_detached_quiet
	ocirt exec --env A=2 --env HOME= "$CID" /bin/env
	[ "$status" -eq 0 ]
	[ "$(paste -sd' ' <<<"$output")" = "A=2 PATH=/bin HOME=/root" ]
}

@test "process.env: an entry without '=' or with an empty name is refused with runc's words" {
	update_config '.process.env = ["PATH=/bin", "NOEQ"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'.process.env[1]: invalid environment variable: \"NOEQ\"'* ]]
	update_config '.process.env = ["=x"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"environment variable name can't be empty"* ]]
	no_state_left "$CID"
}

@test "exec: an env entry without '=' or with an empty name is refused (--env and --process), runc's words" {
	update_config '.process.args = ["/bin/sleep", "100"]'
	run_detached_quiet
	ocirt exec --env NOEQ "$CID" /bin/true
	[ "$status" -eq 255 ]
	[[ "$output" == *'invalid environment variable: \"NOEQ\"'* ]]
	jq '.process | .args = ["/bin/env"] | .env = ["PATH=/bin", "=x"]' "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/p.json"
	ocirt exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
	[ "$status" -eq 255 ]
	[[ "$output" == *"environment variable name can't be empty: "'\"=x\"'* ]]
}

# --- cwd: runc's two tries ---------------------------------------------------------------

@test "cwd: entered before the user switch when only the runtime may, after it when only the user may" {
	# /root 0700 root: uid 42 cannot enter it, the runtime can (runc chdirs first as root)
	chmod 700 "$BUNDLE/rootfs/root"
	update_config '.process.cwd = "/root" | .process.user.uid = 42 | .process.args = ["/bin/pwd"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = /root ]
	ocirt delete "$CID"

	# /root 0700 uid 42: exec --user 0 (no CAP_DAC_OVERRIDE in the final set) still gets in
	chown 42 "$BUNDLE/rootfs/root"
	update_config '.process.args = ["/bin/sleep", "100"]'
	run_detached_quiet
	ocirt exec --user 0 "$CID" /bin/pwd
	[ "$status" -eq 0 ]
	[ "$output" = /root ]
}

@test "exec --cwd: a relative path is refused before anything runs, with runc's words" {
	update_config '.process.args = ["/bin/sleep", "100"]'
	run_detached_quiet
	ocirt exec --cwd rel "$CID" /bin/pwd
	[ "$status" -eq 255 ]
	[[ "$output" == *"Cwd must be an absolute path"* ]]
}
