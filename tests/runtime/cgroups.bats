#!/usr/bin/env bats
# linux.resources (cgroup v1 on legacy/hybrid hosts, cgroup v2 in the VM), the v2 eBPF
# device filter, and the cgroup verbs: update, pause/resume, ps, events.

load ../helpers

setup() {
	requires root busybox
	setup_bundle
}

teardown() {
	teardown_bundle
}

# The host directory of PID's cgroup: cg_dir PID CONTROLLER for a v1 controller, cg_dir PID ""
# for the cgroup2 hierarchy (the only one on a pure v2 host).
cg_dir() {
	local pid=$1 ctrl=$2 line id ctrls rel mnt m_root m_point rest opts sopts c
	local -a f
	if [ "$(cgroup_mode)" = unified ] || [ -z "$ctrl" ]; then
		while IFS= read -r line; do
			[ "${line%%:*}" = 0 ] && rel=${line#0::}
		done <"/proc/$pid/cgroup"
		if [ "$(cgroup_mode)" = unified ]; then
			echo "/sys/fs/cgroup$rel"
		else
			echo "/sys/fs/cgroup/unified$rel"
		fi
		return
	fi
	# (pure bash: the VM's minimal userspace has no awk)
	while IFS=: read -r id ctrls rel; do
		[[ ",$ctrls," == *",$ctrl,"* ]] && break
	done <"/proc/$pid/cgroup"
	while IFS= read -r line; do
		read -r -a f <<<"$line"
		rest=${line#* - }
		read -r c _ sopts <<<"$rest"
		[ "$c" = cgroup ] || continue
		[[ ",$sopts," == *",$ctrl,"* ]] || continue
		m_root=${f[3]} m_point=${f[4]}
		break
	done </proc/self/mountinfo
	[ "$m_root" = / ] || rel=${rel#"$m_root"}
	echo "$m_point$rel"
}

# Start the bundle detached (stdio away from bats' pipes) and set $PID.
run_detached() {
	__ocirt run -d -b "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/run.out" >&2
		fail "ocirt run -d failed"
		return 1
	}
	PID=$(__ocirt state "$CID" | jq -r .pid)
	[ -n "$PID" ] && [ "$PID" -gt 0 ] || fail "no pid in state"
}

file_is() {
	local got
	got=$(cat "$1")
	[ "$got" = "$2" ] || fail "$1: \"$got\", expected \"$2\""
}

file_has() {
	grep -qF -- "$2" "$1" || fail "$1 does not contain \"$2\": $(cat "$1")"
}

@test "cgroup v1: memory, cpu, cpuset, pids and blkio limits reach the files" {
	requires cgroup_v1
	local swap=''
	[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] && swap=', "swap": 134217728'
	update_config '.process.args = ["/bin/sleep", "1000"]
		| .linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swappiness": 10'"$swap"'}
		| .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"}
		| .linux.resources.pids = {"limit": 42}
		| .linux.resources.blockIO = {"weight": 300, "throttleReadBpsDevice": [{"major": 7, "minor": 0, "rate": 1048576}]}'
	run_detached
	local mem cpu cpuset pids blkio
	mem=$(cg_dir "$PID" memory) cpu=$(cg_dir "$PID" cpu) cpuset=$(cg_dir "$PID" cpuset)
	pids=$(cg_dir "$PID" pids) blkio=$(cg_dir "$PID" blkio)
	file_is "$mem/memory.limit_in_bytes" 67108864
	file_is "$mem/memory.soft_limit_in_bytes" 33554432
	file_is "$mem/memory.swappiness" 10
	[ -z "$swap" ] || file_is "$mem/memory.memsw.limit_in_bytes" 134217728
	file_is "$cpu/cpu.shares" 512
	file_is "$cpu/cpu.cfs_quota_us" 50000
	file_is "$cpu/cpu.cfs_period_us" 100000
	file_is "$cpuset/cpuset.cpus" 0
	file_is "$cpuset/cpuset.mems" 0
	file_is "$pids/pids.max" 42
	file_is "$blkio/blkio.throttle.read_bps_device" "7:0 1048576"
	if [ -e "$blkio/blkio.bfq.weight" ]; then
		file_has "$blkio/blkio.bfq.weight" 300
	elif [ -e "$blkio/blkio.weight" ]; then
		file_is "$blkio/blkio.weight" 300
	fi
}

@test "cgroup v2: memory, swap, cpu weight/max, pids and unified keys reach the files" {
	requires cgroup_v2
	update_config '.process.args = ["/bin/sleep", "1000"]
		| .linux.resources.memory = {"limit": 67108864, "swap": 100663296, "reservation": 33554432}
		| .linux.resources.cpu = {"shares": 1024, "quota": 50000, "period": 100000}
		| .linux.resources.pids = {"limit": 42}
		| .linux.resources.unified = {"memory.high": "52428800"}'
	run_detached
	local d
	d=$(cg_dir "$PID" "")
	file_is "$d/memory.max" 67108864
	[ ! -e "$d/memory.swap.max" ] || file_is "$d/memory.swap.max" 33554432
	file_is "$d/memory.low" 33554432
	file_is "$d/memory.high" 52428800
	file_is "$d/cpu.weight" 39
	file_is "$d/cpu.max" "50000 100000"
	file_is "$d/pids.max" 42
}

@test "cgroup v2: a relative cgroupsPath is below the parent of the runtime's own cgroup (runc)" {
	requires cgroup_v2
	local own parent
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	parent=${own%/*}
	# the memory limit needs the controller enabled in the new intermediate cgroup
	update_config '.process.args = ["/bin/sleep", "1000"] | .linux.cgroupsPath = "rel-'"$CID"'/'"$CID"'"
		| .linux.resources.memory = {"limit": 67108864}'
	run_detached
	[ "$(cg_dir "$PID" "")" = "/sys/fs/cgroup$parent/rel-$CID/$CID" ] ||
		fail "placed in $(cg_dir "$PID" ""), expected /sys/fs/cgroup$parent/rel-$CID/$CID"
	file_is "/sys/fs/cgroup$parent/rel-$CID/$CID/memory.max" 67108864
	ocirt delete --force "$CID"
	[ "$status" -eq 0 ]
	[ ! -d "/sys/fs/cgroup$parent/rel-$CID" ] || fail "the intermediate cgroup was left behind"
}

@test "cgroup v2: controllers are never enabled in a cgroup that has processes" {
	requires cgroup_v2
	local own
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ "$own" != / ] || skip "the tests run in the root cgroup (VM: OCIRT_VM_TEST_CGROUP)"
	# an absolute path below our own (populated) cgroup: the needed memory controller
	# can't be handed down; a clear error, and our cgroup stays a plain domain
	update_config '.linux.cgroupsPath = "'"$own/$CID"'" | .linux.resources.memory = {"limit": 67108864}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot enable the memory controller in /sys/fs/cgroup$own/cgroup.subtree_control: it has processes"* ]]
	file_is "/sys/fs/cgroup$own/cgroup.type" domain
	[ ! -d "/sys/fs/cgroup$own/$CID" ] || fail "the container cgroup was left behind"
}

@test "cgroup v1: unified resources are refused" {
	requires cgroup_v1
	update_config '.linux.resources.unified = {"memory.high": "50000000"}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot use unified on cgroup v1"* ]]
}

@test "cgroup v2: a unified key with a slash is refused" {
	requires cgroup_v2
	update_config '.linux.resources.unified = {"../memory.high": "1"}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no slashes"* ]]
}

@test "pids limit caps a fork bomb" {
	update_config '.linux.resources.pids = {"limit": 10}
		| .process.args = ["/bin/sh", "-c", "i=0; while [ $i -lt 30 ]; do sleep 5 & i=$((i+1)); done; echo loop-done"]'
	ocirt run -b "$BUNDLE" "$CID"
	[[ "$output" == *"can't fork"* ]] || [[ "$output" == *"Resource temporarily unavailable"* ]] ||
		fail "30 background processes were started under pids.limit 10"
}

@test "memory limit: a container that exceeds it is OOM-killed" {
	local swap=''
	# memory+swap equal to the limit: no swap to escape into (v1 memsw, v2 swap.max 0)
	if [ "$(cgroup_mode)" = unified ] || [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
		swap=', "swap": 20971520'
	fi
	update_config '.linux.resources.memory = {"limit": 20971520'"$swap"'}
		| .process.args = ["/bin/sh", "-c", "head -c 200000000 /dev/zero | tail >/dev/null && echo survived"]'
	ocirt run -b "$BUNDLE" "$CID"
	# (bounded hog: a broken limit costs the host 200 MB, not everything)
	[[ "$output" != *survived* ]] || fail "tail buffered 200 MB under a 20 MB limit"
	[ "$status" -eq 137 ] || fail "expected the OOM kill's status 137, got $status"
}

@test "device rules: default deny, defaults allowed, explicit allow wins" {
	# CAP_MKNOD so the container can make a node the rules do not allow (mknod itself is allowed)
	update_config '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]
		| .process.args = ["/bin/sh", "-c", "head -c 1 /dev/zero | wc -c; mknod /dev/xtun c 10 200 && (exec 3</dev/xtun) && echo opened || echo denied"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *1 ]] || fail "/dev/zero unreadable"
	[[ "$output" == *denied* ]] || fail "c 10:200 was opened without a rule"
	[[ "$output" == *"Operation not permitted"* ]]

	# allow it explicitly: the last matching rule wins
	delete_all_containers
	CID=$(new_cid)
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rw"}]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *opened* ]] || fail "c 10:200 still denied with an allow rule"
}

@test "cgroup v1: devices.list holds the deny-all base and the default rules" {
	requires cgroup_v1
	update_config '.process.args = ["/bin/sleep", "1000"]'
	run_detached
	local d
	d=$(cg_dir "$PID" devices)
	file_has "$d/devices.list" "c 1:3 rwm"
	file_has "$d/devices.list" "c 136:* rwm"
	file_has "$d/devices.list" "c *:* m"
	! grep -q "^a \*:\* rwm" "$d/devices.list" || fail "devices.list allows everything"
}

@test "cgroup v2: the eBPF device program is attached to the container cgroup" {
	requires cgroup_v2
	update_config '.process.args = ["/bin/sleep", "1000"]'
	run_detached
	command -v bpftool >/dev/null || skip "test requires bpftool"
	local d
	d=$(cg_dir "$PID" "")
	bpftool cgroup show "$d" | grep -q cgroup_device || fail "no cgroup_device program on $d"
	# (the behaviour is checked by "device rules: ..." above, on every host)
}

@test "cgroup hybrid: hugetlb limits go to the unified hierarchy" {
	requires cgroup_hybrid
	grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers || skip "no hugetlb on the unified hierarchy"
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	[ ! -d /sys/fs/cgroup/hugetlb ] || skip "hugetlb is mounted on v1 here"
	local root=/sys/fs/cgroup/unified had
	# start from the host's own state: off (an earlier run may have left it on; turning it
	# off fails while a cgroup uses it, and then the end check is moot)
	echo -hugetlb >"$root/cgroup.subtree_control" 2>/dev/null || true
	had=$(grep -cw hugetlb "$root/cgroup.subtree_control" || true)
	update_config '.process.args = ["/bin/sleep", "1000"] | .linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	run_detached
	local d
	d=$(cg_dir "$PID" "")
	file_is "$d/hugetlb.2MB.max" 4194304
	grep -qw hugetlb "$root/cgroup.subtree_control"
	# the state remembers that create turned it on; delete turns it off again
	delete_all_containers
	[ "$had" -ne 0 ] || ! grep -qw hugetlb "$root/cgroup.subtree_control" ||
		fail "+hugetlb left on in $root/cgroup.subtree_control"
}

@test "update: flags, --resources file and stdin, zero = unchanged" {
	update_config '.process.args = ["/bin/sleep", "1000"]
		| .linux.resources.memory = {"limit": 67108864} | .linux.resources.cpu = {"quota": 50000, "period": 100000}
		| .linux.resources.pids = {"limit": 42}'
	run_detached
	local mem cpu pids
	if [ "$(cgroup_mode)" = unified ]; then
		mem=$(cg_dir "$PID" "")/memory.max cpu=$(cg_dir "$PID" "") pids=$(cg_dir "$PID" "")/pids.max
	else
		mem=$(cg_dir "$PID" memory)/memory.limit_in_bytes cpu=$(cg_dir "$PID" cpu) pids=$(cg_dir "$PID" pids)/pids.max
	fi

	ocirt update --memory 128m --pids-limit 100 "$CID"
	[ "$status" -eq 0 ]
	file_is "$mem" 134217728
	file_is "$pids" 100

	# only the quota: the period stays
	ocirt update --cpu-quota 20000 "$CID"
	[ "$status" -eq 0 ]
	if [ "$(cgroup_mode)" = unified ]; then
		file_is "$cpu/cpu.max" "20000 100000"
	else
		file_is "$cpu/cpu.cfs_quota_us" 20000
		file_is "$cpu/cpu.cfs_period_us" 100000
	fi

	echo '{"memory": {"limit": 100663296}, "pids": {"limit": 0}}' >"$BATS_TEST_TMPDIR/res.json"
	ocirt update --resources "$BATS_TEST_TMPDIR/res.json" "$CID"
	[ "$status" -eq 0 ]
	file_is "$mem" 100663296
	file_is "$pids" 100

	run __ocirt update --resources - "$CID" <<<'{"pids": {"limit": 77}}'
	[ "$status" -eq 0 ]
	file_is "$pids" 77
	run __ocirt update --resources=- "$CID" <<<'{"pids": {"limit": -1}}'
	[ "$status" -eq 0 ]
	file_is "$pids" max
}

@test "cgroup v1: a limit below the usage fails with the file, value and errno" {
	requires cgroup_v1
	update_config '.process.args = ["/bin/sh", "-c", "x=$(head -c 8000000 /dev/zero | tr \"\\\\000\" a); sleep 1000"]'
	run_detached
	sleep 1
	ocirt update --memory 12 "$CID"
	[ "$status" -ne 0 ]
	# (the text log format escapes the quotes: match around them)
	[[ "$output" == *'/memory.limit_in_bytes '*'"12'*'": Device or resource busy'* ]]
}

@test "update: stopped or unknown containers fail" {
	__ocirt create -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	__ocirt start "$CID" </dev/null >/dev/null 2>&1
	wait_for_status "$CID" stopped
	ocirt update --pids-limit 5 "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
	ocirt update --pids-limit 5 nonexistent-ctr
	[ "$status" -ne 0 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "pause and resume freeze and thaw the cgroup" {
	# (own gate: helpers' cgroup_freezer needs awk, which the VM lacks)
	[ "$(cgroup_mode)" = unified ] || [ -d /sys/fs/cgroup/freezer ] || skip "test requires the v1 freezer"
	update_config '.process.args = ["/bin/sleep", "1000"]'
	run_detached
	[ "$(cgroup_mode)" != unified ] || [ -e "$(cg_dir "$PID" "")/cgroup.freeze" ] || skip "test requires the v2 freezer"
	ocirt pause "$CID"
	[ "$status" -eq 0 ]
	testcontainer "$CID" paused
	if [ "$(cgroup_mode)" = unified ]; then
		file_has "$(cg_dir "$PID" "")/cgroup.events" "frozen 1"
	else
		file_is "$(cg_dir "$PID" freezer)/freezer.state" FROZEN
	fi

	ocirt pause "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]

	ocirt resume "$CID"
	[ "$status" -eq 0 ]
	testcontainer "$CID" running
	ocirt resume "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not paused"* ]]
}

@test "ps --format json lists every pid of the cgroup; table filters ps(1)" {
	update_config '.process.args = ["/bin/sh", "-c", "sleep 1000 & sleep 1000 & wait"]'
	run_detached
	local n
	retry 50 0.1 bash -c "[ \$($OCIRT --root $OCIRT_ROOT ps --format json $CID | jq length) -eq 3 ]"
	ocirt ps --format json "$CID"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e --argjson p "$PID" 'index($p) != null'
	n=$(echo "$output" | jq length)
	[ "$n" -eq 3 ]

	ocirt ps "$CID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID* ]]
	[ "${#lines[@]}" -eq 4 ]

	ocirt ps --format yaml "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"invalid format option"* ]]
}

@test "events --stats prints one runc-shaped stats object" {
	update_config '.process.args = ["/bin/sleep", "1000"] | .linux.resources.pids = {"limit": 50}'
	run_detached
	ocirt events --stats "$CID"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e --arg id "$CID" '.type == "stats" and .id == $id'
	echo "$output" | jq -e '.data.pids.current >= 1 and .data.pids.limit == 50'
	echo "$output" | jq -e '.data.memory.usage.usage > 0'
	echo "$output" | jq -e '.data.cpu.usage | has("kernel") and has("user")'
	echo "$output" | jq -e '.data | has("network_interfaces") and (.intel_rdt | type == "object")'

	ocirt events --interval 0s "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"duration interval must be greater than 0"* ]]
}

@test "resources engine: the C kernel test (test-cgroup-res) passes on this host" {
	# scratch cgroups, file read-back and the BPF filter, independent of `ocirt run`;
	# in the VM this is the pure cgroup v2 run of it
	local t="$OCIRT_TESTS_BUILDDIR/unit/test-cgroup-res"
	[ -x "$t" ] || skip "tests/unit/test-cgroup-res is not built (make check builds it)"
	run "$t"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" != *"not ok"* ]]
}

@test "events reports an OOM kill in the container" {
	local swap='' epid i
	if [ "$(cgroup_mode)" = unified ] || [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
		swap=', "swap": 20971520'
	fi
	# a child blows the limit after events has started (tail buffers its whole input);
	# the init survives
	update_config '.process.args = ["/bin/sh", "-c", "sleep 2; head -c 200000000 /dev/zero | tail >/dev/null; sleep 1000"]
		| .linux.resources.memory = {"limit": 20971520'"$swap"'}'
	run_detached
	"$OCIRT" --root "$OCIRT_ROOT" events --interval 1s "$CID" >"$BATS_TEST_TMPDIR/events.out" 2>&1 &
	epid=$!
	for ((i = 0; i < 600; i++)); do
		grep -q '"type":"oom"' "$BATS_TEST_TMPDIR/events.out" && break
		sleep 0.1
	done
	kill "$epid" 2>/dev/null || true
	wait "$epid" 2>/dev/null || true
	cat "$BATS_TEST_TMPDIR/events.out" >&2
	grep -qF '{"type":"oom","id":"'"$CID"'"}' "$BATS_TEST_TMPDIR/events.out" || fail "no oom event"
	grep -qF '"type":"stats"' "$BATS_TEST_TMPDIR/events.out" || fail "no periodic stats event"
}

# The pids of the container's cgroup and every cgroup below it (cgroup2 hierarchy).
subtree_pids() {
	local f
	for f in $(find "$1" -name cgroup.procs); do
		cat "$f"
	done
}

# Start 10 background sleepers in the container and move two of them into a sub-cgroup
# made from the host ($SUB), as a container that manages its own cgroups would.
start_forker_with_subcgroup() {
	local d i p n
	[ "$(cgroup_mode)" != legacy ] || skip "test requires a cgroup2 hierarchy"
	update_config '.process.args = ["/bin/sh", "-c", "i=0; while [ $i -lt 10 ]; do sleep 1000 & i=$((i+1)); done; wait"]'
	run_detached
	d=$(cg_dir "$PID" "")
	for ((i = 0; i < 200; i++)); do
		n=$(wc -l <"$d/cgroup.procs")
		[ "$n" -ge 11 ] && break
		sleep 0.1
	done
	[ "$n" -ge 11 ] || fail "only $n processes started"
	SUB="$d/sub"
	mkdir "$SUB"
	for p in $(grep -vx "$PID" "$d/cgroup.procs" | head -2); do
		echo "$p" >"$SUB/cgroup.procs"
	done
	[ "$(wc -l <"$SUB/cgroup.procs")" -eq 2 ] || fail "could not move two processes into $SUB"
	CGDIR=$d
}

@test "kill --all reaches every process, sub-cgroups included (SIGKILL and SIGTERM)" {
	local i
	start_forker_with_subcgroup
	ocirt kill --all "$CID" TERM
	[ "$status" -eq 0 ]
	for ((i = 0; i < 100; i++)); do
		[ -z "$(subtree_pids "$CGDIR")" ] && break
		sleep 0.1
	done
	[ -z "$(subtree_pids "$CGDIR")" ] || fail "left after kill --all TERM: $(subtree_pids "$CGDIR" | tr '\n' ' ')"
	ocirt delete "$CID"
	[ "$status" -eq 0 ]
	[ ! -d "$CGDIR" ] || fail "$CGDIR left behind"

	CID=$(new_cid)
	start_forker_with_subcgroup
	ocirt kill --all "$CID" KILL
	[ "$status" -eq 0 ]
	for ((i = 0; i < 100; i++)); do
		[ -z "$(subtree_pids "$CGDIR")" ] && break
		sleep 0.1
	done
	[ -z "$(subtree_pids "$CGDIR")" ] || fail "left after kill --all KILL: $(subtree_pids "$CGDIR" | tr '\n' ' ')"
	ocirt delete "$CID"
	[ "$status" -eq 0 ]
	[ ! -d "$CGDIR" ] || fail "$CGDIR left behind"
}

@test "delete --force kills and removes a sub-cgroup the container made" {
	start_forker_with_subcgroup
	ocirt delete --force "$CID"
	[ "$status" -eq 0 ]
	[ ! -d "$SUB" ] || fail "$SUB left behind"
	[ ! -d "$CGDIR" ] || fail "$CGDIR left behind"
}

@test "delete --force with a shared pid namespace kills a process in a sub-cgroup" {
	# no pid namespace: the init's death does not take the rest along, the cgroup must
	update_config 'del(.linux.namespaces[] | select(.type == "pid"))'
	start_forker_with_subcgroup
	local p
	p=$(head -1 "$SUB/cgroup.procs")
	ocirt delete --force "$CID"
	[ "$status" -eq 0 ]
	[ ! -d "$CGDIR" ] || fail "$CGDIR left behind"
	# (gone, or a zombie waiting for the host's init to reap it)
	local st
	st=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1)
	[ -z "$st" ] || [ "$st" = Z ] || fail "pid $p (in the sub-cgroup) survived delete --force: state $st"
}

# --- the systemd cgroup driver ---------------------------------------------------------

@test "--systemd-cgroup: a malformed cgroupsPath is refused, nothing left behind" {
	update_config '.linux.cgroupsPath = "/not/slice/prefix/name"'
	ocirt --systemd-cgroup run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups'* ]]
	update_config '.linux.cgroupsPath = "bad-name:ocirt:'"$CID"'"'
	ocirt --systemd-cgroup run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid slice name \"bad-name\"'* ]]
	[ ! -e "$OCIRT_ROOT/$CID" ]
}

@test "--systemd-cgroup without systemd: a clear error, nothing left behind" {
	[ "$(cat /proc/1/comm)" != systemd ] || skip "systemd is PID 1 here (the driver is tested below)"
	update_config '.linux.cgroupsPath = "system.slice:ocirt:'"$CID"'"'
	ocirt --systemd-cgroup run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"systemd cgroup driver: systemd is not running on this host"* ]] ||
		[[ "$output" == *"built without libsystemd"* ]]
	[ ! -e "$OCIRT_ROOT/$CID" ]
}

@test "--systemd-cgroup: a transient scope with Delegate=yes, resources as unit properties, stopped by delete" {
	requires systemd cgroup_v2
	command -v systemctl >/dev/null || skip "test requires systemctl"
	local unit="ocirt-test-$CID.scope" d
	update_config '.process.args = ["/bin/sleep", "1000"] | .linux.cgroupsPath = "system.slice:ocirt-test:'"$CID"'"
		| .linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}
		| .linux.resources.cpu = {"shares": 2048, "quota": 50000, "period": 100000}'
	__ocirt --systemd-cgroup run -d -b "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 ||
		fail "run: $(cat "$BATS_TEST_TMPDIR/run.out")"
	PID=$(__ocirt state "$CID" | jq -r .pid)
	d=$(cg_dir "$PID" "")
	[ "$d" = "/sys/fs/cgroup/system.slice/$unit" ] || fail "placed in $d"
	[ "$(systemctl is-active "$unit")" = active ]
	run systemctl show -p Delegate -p MemoryMax -p TasksMax -p CPUQuotaPerSecUSec "$unit"
	echo "$output" >&2
	[[ "$output" == *"Delegate=yes"* ]]
	[[ "$output" == *"MemoryMax=67108864"* ]]
	[[ "$output" == *"TasksMax=50"* ]]
	[[ "$output" == *"CPUQuotaPerSecUSec=500ms"* ]]
	file_is "$d/memory.max" 67108864
	file_is "$d/pids.max" 50
	file_is "$d/cpu.max" "50000 100000"
	# the driver is in the state: later verbs need no flag
	ocirt update --memory 100M --pids-limit 60 "$CID"
	[ "$status" -eq 0 ]
	file_is "$d/memory.max" 104857600
	[[ "$(systemctl show -p MemoryMax "$unit")" == "MemoryMax=104857600" ]]
	[[ "$(systemctl show -p TasksMax "$unit")" == "TasksMax=60" ]]
	ocirt pause "$CID"
	[ "$status" -eq 0 ]
	testcontainer "$CID" paused
	ocirt resume "$CID"
	[ "$status" -eq 0 ]
	ocirt ps --format json "$CID"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e --argjson p "$PID" 'index($p) != null'
	ocirt delete --force "$CID"
	[ "$status" -eq 0 ]
	[ ! -d "$d" ] || fail "$d left behind"
	run systemctl is-active "$unit"
	[ "$output" != active ] || fail "$unit still active after delete"
}

@test "--systemd-cgroup: default cgroupsPath is system.slice:ocirt:<id>; kill --all and a failed start leave no unit" {
	requires systemd cgroup_v2
	command -v systemctl >/dev/null || skip "test requires systemctl"
	update_config '.process.args = ["/bin/sh", "-c", "sleep 1000 & sleep 1000 & wait"]'
	__ocirt --systemd-cgroup run -d -b "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 ||
		fail "run: $(cat "$BATS_TEST_TMPDIR/run.out")"
	[ "$(systemctl is-active "ocirt-$CID.scope")" = active ]
	ocirt kill --all "$CID" KILL
	[ "$status" -eq 0 ]
	retry 50 0.1 bash -c "[ \"\$($OCIRT --root $OCIRT_ROOT state $CID | jq -r .status)\" = stopped ]"
	ocirt delete "$CID"
	[ "$status" -eq 0 ]
	run systemctl is-active "ocirt-$CID.scope"
	[ "$output" != active ]

	# a start that fails after the scope was made (no such program) stops the scope again
	CID=$(new_cid)
	update_config '.process.args = ["/no/such/program"]'
	ocirt --systemd-cgroup run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	run systemctl is-active "ocirt-$CID.scope"
	[ "$output" != active ] || fail "ocirt-$CID.scope still active"
	[ ! -d "/sys/fs/cgroup/system.slice/ocirt-$CID.scope" ]
}
