#!/usr/bin/env bats
# linux.seccomp: actions, errno values, arguments, architectures, flags, Podman's profile,
# the compiled-BPF cache in the state root, and SCMP_ACT_NOTIFY with a listener agent.

load ../helpers

AGENT="${OCIRT_TESTS_BUILDDIR}/tools/seccomp-agent"
PODMAN_CONFIG="${OCIRT_TESTS_SRCDIR}/unit/fixtures/podman-config.json"

setup() {
	requires root busybox
	setup_bundle
	AGENT_PID=
}

teardown() {
	if [ -n "$AGENT_PID" ]; then
		kill "$AGENT_PID" 2>/dev/null || true
		wait "$AGENT_PID" 2>/dev/null || true
	fi
	delete_all_containers
	# the BPF cache lives in the state root next to the containers: not a leak
	rm -rf "$OCIRT_ROOT/.seccomp~cache"
	check_no_leaks
}

native_arch() {
	case "$(uname -m)" in
	x86_64) echo SCMP_ARCH_X86_64 ;;
	aarch64) echo SCMP_ARCH_AARCH64 ;;
	ppc64le) echo SCMP_ARCH_PPC64LE ;;
	s390x) echo SCMP_ARCH_S390X ;;
	riscv64) echo SCMP_ARCH_RISCV64 ;;
	*) echo "" ;;
	esac
}

# deny_mkdir ACTION [errnoRet]: default allow, mkdir/mkdirat get ACTION
deny_mkdir() {
	local extra=""
	[ -n "${2:-}" ] && extra=', "errnoRet": '"$2"
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "'"$1"'"'"$extra"'}]}'
}

# run_mkdir_fails MESSAGE: run "echo alive; mkdir /tmp/x" in the container; the shell starts
# (other syscalls work) and mkdir fails with MESSAGE (the filter's errno).
run_mkdir_fails() {
	update_config '.process.args = ["/bin/sh", "-c", "echo alive; mkdir /tmp/x"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *alive* ]]
	[[ "$output" == *"$1"* ]]
}

@test "seccomp: ERRNO with errnoRet 99 reaches mkdir" {
	deny_mkdir SCMP_ACT_ERRNO 99
	update_config '.process.args = ["/bin/mkdir", "/tmp/x"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	# strerror(99) = EADDRNOTAVAIL
	[[ "$output" == *"Cannot assign requested address"* ]]
}

@test "seccomp: ERRNO without errnoRet is EPERM; other syscalls still work" {
	deny_mkdir SCMP_ACT_ERRNO
	run_mkdir_fails "Operation not permitted"
}

@test "seccomp: the filter is installed (Seccomp: 2), and absent without linux.seccomp" {
	update_config '.process.args = ["/bin/cat", "/proc/self/status"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(awk '$1 == "Seccomp:" {print $2}' <<<"$output")" = 0 ]

	deny_mkdir SCMP_ACT_ERRNO
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(awk '$1 == "Seccomp:" {print $2}' <<<"$output")" = 2 ]
	[ "$(awk '$1 == "Seccomp_filters:" {print $2}' <<<"$output")" = 1 ]
}

@test "seccomp: KILL_PROCESS kills with SIGSYS (exit 159)" {
	deny_mkdir SCMP_ACT_KILL_PROCESS
	update_config '.process.args = ["/bin/mkdir", "/tmp/x"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 159 ]
}

@test "seccomp: KILL_THREAD, KILL and TRAP end the single-threaded process with SIGSYS" {
	local a
	update_config '.process.args = ["/bin/mkdir", "/tmp/x"]'
	for a in SCMP_ACT_KILL_THREAD SCMP_ACT_KILL SCMP_ACT_TRAP; do
		deny_mkdir "$a"
		CID=$(new_cid)
		ocirt run -b "$BUNDLE" "$CID"
		[ "$status" -eq 159 ] || fail "$a: exit $status"
	done
}

@test "seccomp: LOG and ALLOW rules let the syscall through" {
	deny_mkdir SCMP_ACT_LOG
	update_config '.root.readonly = false | .process.args = ["/bin/sh", "-c", "mkdir /tmp/x && echo made"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *made* ]]
}

@test "seccomp: defaultAction ERRNO with defaultErrnoRet, allow-listed syscalls work" {
	# the allow list is Podman's, minus mkdir/mkdirat; everything else gets ENOSYS (38)
	local allow
	allow=$(jq -c '[.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and .args == null) | .names[]]
		- ["mkdir", "mkdirat"]' "$PODMAN_CONFIG")
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
		"syscalls": [{"names": '"$allow"', "action": "SCMP_ACT_ALLOW"}]}'
	run_mkdir_fails "Function not implemented"
}

@test "seccomp: MASKED_EQ on an argument" {
	# umask(mode) with (mode & 0077) == 0077 kills; the shell builtin makes the syscall
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["umask"], "action": "SCMP_ACT_KILL_PROCESS",
			"args": [{"index": 0, "value": 63, "valueTwo": 63, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	update_config '.process.args = ["/bin/sh", "-c", "umask 0027; echo passed"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *passed* ]]

	update_config '.process.args = ["/bin/sh", "-c", "umask 0777; echo passed"]'
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 159 ]
	[[ "$output" != *passed* ]]
}

@test "seccomp: two args on the same index match either value (runc's OR fallback)" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["umask"], "action": "SCMP_ACT_KILL_PROCESS",
			"args": [{"index": 0, "value": 63, "op": "SCMP_CMP_EQ"},
				 {"index": 0, "value": 7, "op": "SCMP_CMP_EQ"}]}]}'
	local m want
	for m in 0077:159 0007:159 0022:0; do
		update_config '.process.args = ["/bin/sh", "-c", "umask '"${m%%:*}"'"]'
		CID=$(new_cid)
		ocirt run -b "$BUNDLE" "$CID"
		want=${m##*:}
		[ "$status" -eq "$want" ] || fail "umask ${m%%:*}: exit $status, want $want"
	done
}

@test "seccomp: architectures list with the native and compat ABIs" {
	local native
	native=$(native_arch)
	[ -n "$native" ] || skip "no architecture name for $(uname -m)"
	local arches='["'"$native"'"]'
	[ "$native" = SCMP_ARCH_X86_64 ] && arches='["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]'
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": '"$arches"',
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	run_mkdir_fails "Operation not permitted"
}

@test "seccomp: unknown syscall names are skipped" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["not_a_syscall_at_all", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	run_mkdir_fails "Operation not permitted"
}

@test "seccomp: flags LOG and SPEC_ALLOW are accepted" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
		| .process.args = ["/bin/mkdir", "/tmp/x"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: errnoRet on an action that takes none is refused before anything runs" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *errnoRet* ]]
}

@test "seccomp: Podman's profile runs busybox and denies what it lists" {
	local prof
	prof=$(jq -c '.linux.seccomp' "$PODMAN_CONFIG")
	# CAP_SYS_ADMIN and a UTS namespace: sethostname would work, only the filter refuses it
	update_config '.linux.seccomp = '"$prof"'
		| .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]
		| .process.args = ["/bin/sh", "-c", "echo alive; ls / >/dev/null && echo listed; hostname foo"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *alive* ]]
	[[ "$output" == *listed* ]]
	[[ "$output" == *"Operation not permitted"* ]]

	# the same container without the profile may set its hostname
	update_config 'del(.linux.seccomp) | .process.args = ["/bin/sh", "-c", "hostname foo && hostname"]'
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *foo* ]]
}

@test "seccomp: Podman's profile without noNewPrivileges (loaded before dropping CAP_SYS_ADMIN)" {
	local prof
	prof=$(jq -c '.linux.seccomp' "$PODMAN_CONFIG")
	update_config '.linux.seccomp = '"$prof"' | .process.noNewPrivileges = false
		| .process.user = {"uid": 1000, "gid": 1000}
		| .process.args = ["/bin/sh", "-c", "id -u; grep -E \"^(Seccomp|NoNewPrivs):\" /proc/self/status"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == 1000 ]]
	[[ "$output" == *"NoNewPrivs:"*0* ]]
	[ "$(awk '$1 == "Seccomp:" {print $2}' <<<"$output")" = 2 ]
}

@test "seccomp cache: an entry appears, is reused untouched, and a corrupt one is rebuilt" {
	local prof entry ino1 mt1 ino2 mt2 sum_bad
	prof=$(jq -c '.linux.seccomp' "$PODMAN_CONFIG")
	update_config '.linux.seccomp = '"$prof"'
		| .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]
		| .process.args = ["/bin/sh", "-c", "echo alive; hostname foo"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Operation not permitted"* ]]

	[ "$(stat -c %a "$OCIRT_ROOT/.seccomp~cache")" = 700 ]
	run -0 find "$OCIRT_ROOT/.seccomp~cache" -name '*.bpf'
	[ "${#lines[@]}" -eq 1 ]
	entry=${lines[0]}
	ino1=$(stat -c %i "$entry")
	mt1=$(stat -c %Y.%y "$entry")

	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Operation not permitted"* ]]
	ino2=$(stat -c %i "$entry")
	mt2=$(stat -c %Y.%y "$entry")
	[ "$ino1" = "$ino2" ]
	[ "$mt1" = "$mt2" ]

	# corrupt the middle of the program: must not be loaded, must be rebuilt
	printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$entry" bs=1 seek=200 conv=notrunc status=none
	sum_bad=$(sha256sum <"$entry")
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *alive* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	# rewritten (the inode number may be reused once the bad file is unlinked: compare content)
	[ -f "$entry" ]
	[ "$(sha256sum <"$entry")" != "$sum_bad" ]
	# and the rebuilt entry is good: the next run hits it and leaves it alone
	ino1=$(stat -c %i "$entry")
	mt1=$(stat -c %Y.%y "$entry")
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Operation not permitted"* ]]
	[ "$(stat -c %i "$entry")" = "$ino1" ]
	[ "$(stat -c %Y.%y "$entry")" = "$mt1" ]
}

@test "seccomp cache: a different profile gets its own entry" {
	deny_mkdir SCMP_ACT_ERRNO 1
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	deny_mkdir SCMP_ACT_ERRNO 2
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	run -0 find "$OCIRT_ROOT/.seccomp~cache" -name '*.bpf'
	[ "${#lines[@]}" -eq 2 ]
}

start_agent() {
	[ -x "$AGENT" ] || skip "tests/tools/seccomp-agent not built (make check builds it)"
	AGENT_SOCK="$BATS_TEST_TMPDIR/agent.sock"
	AGENT_LOG="$BATS_TEST_TMPDIR/agent.log"
	"$AGENT" "$@" -o "$AGENT_LOG" "$AGENT_SOCK" </dev/null >"$BATS_TEST_TMPDIR/agent.out" 2>&1 3>&- &
	AGENT_PID=$!
	retry 100 0.02 test -S "$AGENT_SOCK"
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": "'"$AGENT_SOCK"'", "listenerMetadata": "ocirt-test-metadata",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
}

@test "seccomp notify: the agent gets the state and the fd, and fakes mkdir's success" {
	start_agent -s
	update_config '.process.args = ["/bin/sh", "-c", "mkdir /tmp/fake; echo rc=$?; ls -d /tmp/fake || echo absent"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *rc=0* ]]
	[[ "$output" == *absent* ]]
	wait "$AGENT_PID"
	AGENT_PID=
	cat "$AGENT_LOG" >&2
	run -0 grep '^state ' "$AGENT_LOG"
	local json=${output#state }
	[ "$(jq -r '.fds[0]' <<<"$json")" = seccompFd ]
	[ "$(jq -r '.metadata' <<<"$json")" = ocirt-test-metadata ]
	[ "$(jq -r '.state.id' <<<"$json")" = "$CID" ]
	[ "$(jq -r '.pid' <<<"$json")" -gt 0 ]
	[ "$(jq -r '.pid' <<<"$json")" = "$(jq -r '.state.pid' <<<"$json")" ]
	grep -q '^notify mkdir' "$AGENT_LOG"
}

@test "seccomp notify: the agent's errno reaches the container" {
	start_agent -e 28
	update_config '.process.args = ["/bin/mkdir", "/tmp/x"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device"* ]]
}

@test "seccomp notify: no agent listening fails the create with the socket named" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": "'"$BATS_TEST_TMPDIR"'/nobody.sock",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *nobody.sock* ]]
}

@test "seccomp notify: create hands the listener over before returning; start then runs under the agent" {
	start_agent -e 28
	update_config '.process.args = ["/bin/sh", "-c", "mkdir /tmp/x 2>&1; echo done"]'
	__ocirt create -b "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/create.out" >&2
		fail "create failed"
	}
	# the agent has the state (status creating, the init's host pid) before start
	retry 100 0.05 grep -q '^state ' "$AGENT_LOG"
	local json pid
	json=$(sed -n 's/^state //p' "$AGENT_LOG")
	pid=$(__ocirt state "$CID" | jq -r .pid)
	[ "$(jq -r .state.status <<<"$json")" = creating ]
	[ "$(jq -r .pid <<<"$json")" = "$pid" ]
	ocirt start "$CID"
	[ "$status" -eq 0 ]
	# the agent exits once the container is gone: its answer reached the process
	wait "$AGENT_PID"
	AGENT_PID=
	grep -q '^notify mkdir' "$AGENT_LOG"
	# the container's stdio is create's: the agent's errno came back to mkdir
	grep -q 'No space left on device' "$BATS_TEST_TMPDIR/create.out"
	grep -q done "$BATS_TEST_TMPDIR/create.out"
}
