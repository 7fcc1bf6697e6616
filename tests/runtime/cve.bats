#!/usr/bin/env bats
# Known container escapes, one named regression test each (docs/SECURITY.md lists the
# protections). Every test here was checked to FAIL on a build without its protection: each
# says how (the protection was disabled locally, never committed).

load ../helpers
load ../helpers-lifecycle

setup() {
	requires root busybox
	setup_bundle
	update_config '.root.readonly = false'
	VICTIM="$BATS_TEST_TMPDIR/victim"
	mkdir -p "$VICTIM"
	echo host-data >"$VICTIM/file"
}

teardown() {
	[ -z "${SWAPPER:-}" ] || { kill "$SWAPPER" 2>/dev/null; wait "$SWAPPER" 2>/dev/null; } || true
	teardown_bundle
}

# run_debug_detached: `ocirt --log-level debug run -d`, the log in $BATS_TEST_TMPDIR/run.out.
run_debug_detached() {
	__ocirt --log-level debug run -d -b "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/run.out" >&2
		fail "ocirt run -d failed"
	}
}

# in_container 'sh script' [run flags...]: run it as the container's process.
in_container() {
	local s="$1"
	shift
	sh_args "$s"
	ocirt run -b "$BUNDLE" "$@" "$CID"
}

# record_mounts_hook FILE: a createContainer hook that saves the mount points of the
# container's mount namespace once every config mount is made (before pivot_root, so mounts
# that escaped the rootfs are still visible), one per line.
record_mounts_hook() {
	update_config '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
		"cut -d\" \" -f5 /proc/self/mountinfo >'"$1"'.$$"]}]'
}

# mounts_outside_rootfs FILE...: mount points in the recorded files under the test's
# directory (where every link of these tests points: $VICTIM) but not inside the rootfs.
# Prints them; fails when there is one. (Only the test's directory: suites running at the
# same time mount and unmount elsewhere on the host while the hook takes its snapshot.)
mounts_outside_rootfs() {
	local rootfs bad
	[ -s "$1" ] || fail "no mounts were recorded ($1)"
	rootfs=$(readlink -f "$BUNDLE/rootfs")
	bad=$(cat "$@" | sort -u | grep -e "^$BATS_TEST_TMPDIR/" -e "^$BATS_TEST_TMPDIR\$" |
		grep -v -e "^$rootfs\$" -e "^$rootfs/" || true)
	[ -z "$bad" ] || {
		echo "mounts outside the rootfs: $bad" >&2
		return 1
	}
}

# --- CVE-2019-5736: overwriting the runtime binary through /proc/PID/exe -----------------

# The attack: a process in the container's pid namespace opens /proc/1/exe while the init
# is still the runtime's image (parked between create and start), keeps the fd, and once
# nothing runs the binary any more (no ETXTBSY) reopens /proc/self/fd/N for writing.

# private_binary: $OCIRT becomes a private copy (the attack, should it work, writes to this
# one only), its checksum in $SUM.
private_binary() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cp "$OCIRT" "$BATS_TEST_TMPDIR/bin/ocirt"
	OCIRT="$BATS_TEST_TMPDIR/bin/ocirt"
	SUM=$(sha256sum <"$OCIRT")
}

# exe_attack: the created container $CID is the victim. An attacker container (the bundle's
# config as it is, joined to the victim's pid namespace) opens /proc/1/exe (what it reached:
# $OUT/open), waits until the victim is started and appends to it ($OUT/wrote when that
# worked; stderr in $OUT/err).
exe_attack() {
	local victim=$CID pid
	pid=$(__ocirt state "$victim" | jq -r .pid)
	CID=$(new_cid)
	with_out_dir
	update_config '.linux.namespaces |= map(if .type == "pid" then .path = "/proc/'"$pid"'/ns/pid" else . end)'
	# (one line: set_args makes one argument per line)
	sh_args 'sh -c "exec 3</proc/1/exe && readlink /proc/1/exe >/out/open && while [ ! -e /out/go ]; do sleep 0.05; done && echo PWNED >>/proc/self/fd/3 && echo wrote >/out/wrote" 2>/out/err; echo done >/out/done'
	create_detached || { cat "$BATS_TEST_TMPDIR/create.out" >&2; fail "create failed"; }
	ocirt start "$CID"
	[ "$status" -eq 0 ]
	# wait until /proc/1/exe is open (/out/open) or was refused (/out/err): the victim must
	# still be parked then (the loop waits for /out/go); up to 10 s on a loaded machine
	local i
	for ((i = 0; i < 200; i++)); do
		{ [ -e "$OUT/open" ] || [ -s "$OUT/err" ]; } && break
		sleep 0.05
	done
	# start the victim: no process runs the binary any more, ETXTBSY is gone
	ocirt start "$victim"
	[ "$status" -eq 0 ]
	touch "$OUT/go"
	wait_file "$OUT/done"
	cat "$OUT/err" >&2 || true
}

# Checked: with the "exe protect" row of init.c's step table removed, the attacker opens
# /proc/1/exe, appends to the binary after `start`, and this test fails on the checksum.
@test "CVE-2019-5736: the runtime binary cannot be overwritten through /proc/PID/exe" {
	private_binary
	# the victim: created, its init parked on the exec fifo as the runtime's image
	set_args /bin/sleep 100
	create_detached || { cat "$BATS_TEST_TMPDIR/create.out" >&2; fail "create failed"; }
	[ "$(readlink "/proc/$(__ocirt state "$CID" | jq -r .pid)/exe")" = "$OCIRT" ]
	# the attacker: root in the same pid namespace (default capabilities, no SYS_PTRACE)
	exe_attack
	[ ! -e "$OUT/wrote" ] || fail "the container wrote to the runtime binary"
	[ ! -e "$OUT/open" ] || fail "the container opened /proc/1/exe of the parked init"
	[ "$(sha256sum <"$OCIRT")" = "$SUM" ]
	# refused by the ptrace access check, not by chance
	grep -q "Permission denied" "$OUT/err"
}

# The same attack from a container holding CAP_SYS_PTRACE without a user namespace (docker
# --privileged, --cap-add SYS_PTRACE): it passes the ptrace check that non-dumpable relies on,
# so create re-executes from a sealed memfd copy of the binary and /proc/1/exe of the parked
# init reaches that copy, which cannot be written.
# Checked: with ocirt_exe_protect_ensure() returning 0 when `reach` (no re-exec), this test
# fails on the memfd readlink; with the two readlink checks also removed, the attacker opens
# /proc/1/exe (the private copy of the binary), appends PWNED after `start`, and it fails on
# "the container wrote to the runtime binary".
@test "CVE-2019-5736: ... nor by a container holding CAP_SYS_PTRACE without a user namespace" {
	private_binary
	local all
	all=$(__ocirt features | jq -c .linux.capabilities)
	update_config '.process.capabilities = {"bounding": '"$all"', "effective": '"$all"', "permitted": '"$all"'}
		| .linux.namespaces |= map(select(.type != "user"))'
	# the victim: every capability; the attacker too, in its pid namespace
	set_args /bin/sleep 100
	create_detached || { cat "$BATS_TEST_TMPDIR/create.out" >&2; fail "create failed"; }
	[ "$(readlink "/proc/$(__ocirt state "$CID" | jq -r .pid)/exe")" = "/memfd:ocirt (deleted)" ]
	exe_attack
	# CAP_SYS_PTRACE opens it: what it reaches is the sealed copy, not the binary
	[ "$(cat "$OUT/open")" = "/memfd:ocirt (deleted)" ]
	[ ! -e "$OUT/wrote" ] || fail "the container wrote to the runtime binary"
	[ "$(sha256sum <"$OCIRT")" = "$SUM" ]
	# the seal refused the write (EPERM), not a failed open
	grep -q "Operation not permitted" "$OUT/err"
}

# The sealed copy is only paid for where it is needed, and runs run and exec like the binary:
# --preserve-fds, exit statuses, exec into the container.
@test "CVE-2019-5736: the sealed re-exec happens only with CAP_SYS_PTRACE and no user namespace" {
	local all
	all=$(__ocirt features | jq -c .linux.capabilities)
	set_args /bin/sleep 100
	# default capabilities: no copy
	run_debug_detached
	[[ "$(cat "$BATS_TEST_TMPDIR/run.out")" != *"sealed copy"* ]]
	ocirt --log-level debug exec "$CID" /bin/true
	[ "$status" -eq 0 ]
	[[ "$output" != *"sealed copy"* ]]
	# an exec that adds CAP_SYS_PTRACE: the exec'd process would hold it
	ocirt --log-level debug exec --cap CAP_SYS_PTRACE "$CID" /bin/sh -c 'grep CapBnd /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"re-executing from a sealed copy"* ]]
	__ocirt delete -f "$CID"

	# CAP_SYS_PTRACE without a user namespace: run and exec go through the copy
	CID=$(new_cid)
	update_config '.process.capabilities = {"bounding": '"$all"', "effective": '"$all"', "permitted": '"$all"'}'
	echo passed >"$BATS_TEST_TMPDIR/passed"
	sh_args 'cat /proc/self/fd/3; exit 3'
	run __ocirt --log-level debug run --preserve-fds 1 -b "$BUNDLE" "$CID" 3<"$BATS_TEST_TMPDIR/passed"
	echo "$output" >&2
	[ "$status" -eq 3 ]
	[[ "$output" == *"re-executing from a sealed copy"* ]]
	[[ "$output" == *passed* ]]
	set_args /bin/sleep 100
	run_detached_quiet
	ocirt --log-level debug exec "$CID" /bin/sh -c 'echo in-container; exit 5'
	[ "$status" -eq 5 ]
	[[ "$output" == *"re-executing from a sealed copy"* ]]
	[[ "$output" == *in-container* ]]
	# an exec that fails still reports runc's way
	ocirt exec "$CID" /nonexistent
	[ "$status" -eq 255 ]
	[[ "$output" == *"no such file or directory"* ]]
}

# vm.memfd_noexec=2 (per pid namespace, Linux 6.3) forbids the executable memfd the copy
# needs: no fallback yet, so the start must fail clearly and leave nothing.
@test "CVE-2019-5736: where executable memfds are refused, a CAP_SYS_PTRACE start fails clearly, nothing left" {
	[ -e /proc/sys/vm/memfd_noexec ] || skip "test requires vm.memfd_noexec (Linux 6.3)"
	command -v unshare >/dev/null || skip "test requires unshare"
	local all
	all=$(__ocirt features | jq -c .linux.capabilities)
	update_config '.process.capabilities = {"bounding": '"$all"', "effective": '"$all"', "permitted": '"$all"'}'
	set_args /bin/true
	run unshare -pf --mount-proc sh -c 'echo 2 >/proc/sys/vm/memfd_noexec && exec "$@"' \
		sh "$OCIRT" --root "$OCIRT_ROOT" run -b "$BUNDLE" "$CID"
	echo "$output" >&2
	[ "$status" -eq 1 ]
	[[ "$output" == *"CVE-2019-5736 protection: memfd_create: executable memfds are refused here (vm.memfd_noexec=2)"* ]]
	no_state_left "$CID"
}

@test "CVE-2019-5736: CAP_SYS_PTRACE inside a user namespace needs no sealed copy" {
	requires userns
	local all
	all=$(__ocirt features | jq -c .linux.capabilities)
	chown -R 200000:200000 "$BUNDLE/rootfs"
	update_config '.process.capabilities = {"bounding": '"$all"', "effective": '"$all"', "permitted": '"$all"'}
		| .linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
		| .mounts |= map(if .destination == "/dev/pts" then .options -= ["gid=5"] else . end)'
	set_args /bin/sleep 100
	run_debug_detached
	[[ "$(cat "$BATS_TEST_TMPDIR/run.out")" != *"sealed copy"* ]]
	ocirt --log-level debug exec "$CID" /bin/sh -c 'grep CapEff /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapEff:"*[1-9a-f]* ]]
	[[ "$output" != *"sealed copy"* ]]
}

# --- CVE-2024-21626: leaked host fds, and a cwd outside the rootfs -------------------------

# The caller holds a host directory open without O_CLOEXEC (as runc's cgroup fd leaked):
# the container sees only stdio and the --preserve-fds ones.
# Checked: with the close_fds_from() call of init.c's "close fds" row removed, fd 7 (the
# host directory) shows up in the container and this test fails.
@test "CVE-2024-21626: no host fd reaches the container, only stdio and --preserve-fds" {
	echo passed >"$BATS_TEST_TMPDIR/passed"
	set_args /bin/ls -l /proc/self/fd/
	# fd 3 is passed on purpose, fd 7 is a host directory the caller forgot to close
	run __ocirt run --preserve-fds 1 -b "$BUNDLE" "$CID" 3<"$BATS_TEST_TMPDIR/passed" 7<"$VICTIM"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	local line fd target seen=""
	while read -r line; do
		[[ "$line" == l[r-][w-]* ]] || continue
		fd=$(awk '{print $9}' <<<"$line")
		target=${line#* -> }
		[[ "$line" == *" -> "* ]] || target=""
		case "$fd" in
		0 | 1 | 2) ;;
		3) [ "$target" = "$BATS_TEST_TMPDIR/passed" ] || fail "fd 3 is \"$target\"" ;;
		*)
			# ls's own fd on the directory it lists (gone by the time it reads the link)
			[ -z "$target" ] || [[ "$target" == /proc/*/fd ]] || fail "fd $fd leaked: $target"
			[ -z "$seen" ] || fail "more than one extra fd: $seen, $fd"
			seen=$fd
			;;
		esac
	done <<<"$output"
	[[ "$output" == *"$BATS_TEST_TMPDIR/passed"* ]]
	[[ "$output" != *"$VICTIM"* ]]
}

# cwd "/proc/self/fd/N": N is an fd the init still holds while it changes directory (the
# host's state directory, the log, the caller's leaked ones). The process must never start
# in a host directory, nor may "cwd create" make one there.
# Checked: with ocirt_process_chdir() reverted to chdir(cwd), cwd /proc/self/fd/4 (the
# state directory) starts the process in $OCIRT_ROOT/<id>: `ls -a ..` shows the container
# ID and this test fails.
@test "CVE-2024-21626: cwd /proc/self/fd/N never resolves outside the rootfs" {
	touch "$VICTIM/HOST-MARKER"
	local n
	for n in 3 4 5 6 7 8 9 10 11 12; do
		update_config '.process.cwd = "/proc/self/fd/'"$n"'"'
		in_container 'echo cwd=$(pwd); ls -a . .. 2>&1; echo end' 7<"$VICTIM"
		if [ "$status" -eq 0 ]; then
			[[ "$output" != *HOST-MARKER* ]] || fail "cwd fd $n: the host directory"
			[[ "$output" != *"$CID"* ]] || fail "cwd fd $n: the state directory"
			[[ "$output" == *"cwd=/proc/"* ]] || fail "cwd fd $n: outside the root"
		fi
		__ocirt delete -f "$CID" >/dev/null 2>&1 || true
	done
	# nothing was created beside the host directory either
	[ "$(ls -A "$VICTIM" | sort | tr '\n' ' ')" = "HOST-MARKER file " ]
	# and ".." cannot climb above the container's root, whatever the count
	touch "$BUNDLE/rootfs/IN-ROOTFS"
	update_config '.process.cwd = "/tmp/../../../../../../../../.."'
	in_container 'pwd; ls -a'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = / ]
	[[ "$output" == *IN-ROOTFS* ]]
}

# --- CVE-2021-30465: mount destinations that are (or become) symlinks -------------------

# Symlinks in the rootfs naming host paths: absolute, climbing with .., and "/". Each mount
# lands inside the rootfs (where the link resolves when the rootfs is "/") or fails; a
# createContainer hook lists the container's mounts before pivot_root, when a mount that
# escaped would still be visible.
# Checked: with ocirt_path_open_in_root() reduced to openat(root_fd, path without its
# leading "/") (no RESOLVE_IN_ROOT), the tmpfs lands on $VICTIM and this test fails.
@test "CVE-2021-30465: symlinked mount destinations cannot point a mount outside the rootfs" {
	mkdir -p "$BUNDLE/rootfs/mnt" "$BATS_TEST_TMPDIR/src"
	echo src >"$BATS_TEST_TMPDIR/src/SRC-MARKER"
	ln -s "$VICTIM" "$BUNDLE/rootfs/mnt/abs"
	ln -s "../../../../../../../../../../..$VICTIM" "$BUNDLE/rootfs/mnt/up"
	ln -s / "$BUNDLE/rootfs/mnt/root"
	update_config '.mounts += [
		{"destination": "/mnt/abs", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/mnt/up/sub", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/src"'", "options": ["rbind"]},
		{"destination": "/mnt/root/tmp/x", "type": "tmpfs", "source": "tmpfs"}]'
	record_mounts_hook "$BATS_TEST_TMPDIR/mi"
	in_container 'cut -d" " -f5 /proc/self/mountinfo; ls '"$VICTIM"'/sub'
	[ "$status" -eq 0 ]
	mounts_outside_rootfs "$BATS_TEST_TMPDIR"/mi.*
	# where the links lead when the rootfs is "/"
	[[ "$output" == *$'\n'"$VICTIM"$'\n'* ]]
	[[ "$output" == *"$VICTIM/sub"* ]]
	[[ "$output" == *$'\n'/tmp/x$'\n'* ]]
	[[ "$output" == *SRC-MARKER* ]]
	# the host's directory is untouched
	[ "$(ls -A "$VICTIM")" = file ]
	! grep -qF " $VICTIM" /proc/self/mountinfo
}

# The race: while containers start, their mount destination in a shared volume flips
# between a directory and a symlink to a host directory (renameat2 RENAME_EXCHANGE, as the
# exploit's second container did). Bounded to a few seconds; runs may fail, no mount may
# escape.
# Checked: with the same openat() stand-in as above, a mount on $VICTIM is recorded within
# the first runs and this test fails.
@test "CVE-2021-30465: a destination swapped to a symlink during setup cannot redirect the mount" {
	requires python3
	local vol="$BATS_TEST_TMPDIR/vol" i ok=0 failed=0
	mkdir -p "$vol/x"
	ln -s "$VICTIM" "$vol/l"
	python3 - "$vol" 10 <<-'PY' &
		import ctypes, os, sys, time
		libc = ctypes.CDLL(None, use_errno=True)
		os.chdir(sys.argv[1])
		end = time.time() + float(sys.argv[2])
		open("swapping", "w").write("1")
		while time.time() < end:
		    libc.renameat2(-100, b"x", -100, b"l", 2)  # AT_FDCWD, RENAME_EXCHANGE
	PY
	SWAPPER=$!
	wait_file "$vol/swapping" 10
	update_config '.mounts += [
		{"destination": "/vol", "type": "bind", "source": "'"$vol"'", "options": ["rbind"]},
		{"destination": "/vol/x", "type": "tmpfs", "source": "tmpfs"}]'
	record_mounts_hook "$BATS_TEST_TMPDIR/mi"
	set_args /bin/true
	local end=$((SECONDS + 4))
	for ((i = 0; SECONDS < end; i++)); do
		if __ocirt run -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1; then
			ok=$((ok + 1))
		else
			failed=$((failed + 1))
			__ocirt delete -f "$CID" >/dev/null 2>&1 || true
		fi
	done
	kill "$SWAPPER" 2>/dev/null || true
	wait "$SWAPPER" 2>/dev/null || true
	SWAPPER=
	echo "runs: $ok ok, $failed failed" >&2
	[ "$ok" -gt 0 ]
	mounts_outside_rootfs "$BATS_TEST_TMPDIR"/mi.*
	[ "$(ls -A "$VICTIM")" = file ]
	! grep -qF " $VICTIM" /proc/self/mountinfo
}

# --- /proc and /dev tricks ------------------------------------------------------------

# procfs only on a real directory: /proc a symlink to a directory the image filled with
# fake files (what an LSM or sysctl write would then land in) must fail the start.
# Checked: with the "must be mounted on an ordinary directory" check of mount.c's do_fs()
# removed, procfs lands on /fakeproc, the run succeeds and this test fails.
@test "procfs is only mounted on a real directory: /proc a symlink fails the start" {
	rmdir "$BUNDLE/rootfs/proc"
	mkdir -p "$BUNDLE/rootfs/fakeproc/sys/kernel"
	echo fake >"$BUNDLE/rootfs/fakeproc/sys/kernel/domainname"
	ln -s /fakeproc "$BUNDLE/rootfs/proc"
	in_container 'cat /proc/sys/kernel/domainname'
	[ "$status" -ne 0 ]
	[[ "$output" == *"/proc"*"symlink"* ]]
	[ "$(cat "$BUNDLE/rootfs/fakeproc/sys/kernel/domainname")" = fake ]
}

# maskedPaths bind the container's /dev/null over each path: it must be the null device,
# reached without following a link. The hook plays the attacker who swaps /dev/null after
# the devices are made (runc's CVE-2025-31133 used a shared volume for that).
# Checked: with masked_path() binding "/dev/null" by path, followed and unverified, the
# masked file shows the symlink target's (or the regular file's) content and this test fails.
@test "maskedPaths: a /dev/null replaced by a symlink or a regular file is not used" {
	echo MASKED-CONTENT >"$BUNDLE/rootfs/etc/masked"
	echo SECRET >"$BUNDLE/rootfs/etc/secret"
	update_config '.linux.maskedPaths = ["/etc/masked"]'
	local how
	for how in "ln -s /etc/secret" "echo FAKE-NULL >"; do
		update_config '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
			"rm -f '"$BUNDLE"'/rootfs/dev/null && '"$how"' '"$BUNDLE"'/rootfs/dev/null"]}]'
		in_container 'cat /etc/masked; echo end'
		if [ "$status" -eq 0 ]; then
			[[ "$output" != *SECRET* ]] || fail "$how: the mask showed the link's target"
			[[ "$output" != *FAKE-NULL* ]] || fail "$how: the mask showed the fake /dev/null"
			[[ "$output" != *MASKED-CONTENT* ]] || fail "$how: not masked"
		else
			[[ "$output" == *"/dev/null"* ]]
		fi
		__ocirt delete -f "$CID" >/dev/null 2>&1 || true
	done
	[ "$(cat "$BUNDLE/rootfs/etc/secret")" = SECRET ]
}

# sysctl values are written through a verified procfs: a rootfs without a procfs at /proc
# (a directory, or /proc/sys a symlink to one) cannot take them.
# Checked: with the PROC_SUPER_MAGIC check of sysctl.c removed, the value lands in the fake
# file and this test fails.
@test "sysctl: a fake /proc/sys (no procfs, or a symlink) does not receive the values" {
	update_config 'del(.mounts[] | select(.destination == "/proc")) | .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .linux.sysctl = {"kernel.domainname": "cve-test"}'
	mkdir -p "$BUNDLE/rootfs/proc/sys/kernel" "$BUNDLE/rootfs/fakesys/kernel"
	echo fake >"$BUNDLE/rootfs/proc/sys/kernel/domainname"
	echo fake >"$BUNDLE/rootfs/fakesys/kernel/domainname"
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *"not procfs"* ]]
	[ "$(cat "$BUNDLE/rootfs/proc/sys/kernel/domainname")" = fake ]
	rm -rf "$BUNDLE/rootfs/proc/sys"
	ln -s /fakesys "$BUNDLE/rootfs/proc/sys"
	in_container 'true'
	[ "$status" -ne 0 ]
	[ "$(cat "$BUNDLE/rootfs/fakesys/kernel/domainname")" = fake ]
}

# A mount inside /proc/sys must not redirect a sysctl write to the mount's source: the write
# stays on procfs (RESOLVE_NO_XDEV). The createContainer hook plays the attacker who got a
# bind mount in there (config mounts inside /proc/sys are refused).
# Checked: this test failed before sysctl.c opened the keys with RESOLVE_NO_XDEV: the value
# was written to the host file.
@test "sysctl: an overmount inside /proc/sys does not redirect the write" {
	echo host-value >"$VICTIM/domainname"
	update_config '.linux.sysctl = {"kernel.domainname": "cve-test"}
		| .hooks.createContainer = [{"path": "/bin/mount", "args": ["mount", "--bind",
			"'"$VICTIM/domainname"'", "'"$BUNDLE"'/rootfs/proc/sys/kernel/domainname"]}]'
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *"kernel.domainname"* ]]
	[ "$(cat "$VICTIM/domainname")" = host-value ]
}

# /dev/console: the pty is bound over the container's /dev/console, never over what a link
# there points at. The hook swaps /dev/console for a link to a file of the image after the
# devices were made.
# Checked: with terminal.c's stat()/mount() by path (before this fix), the pty was bound
# over /etc/victim (a mount there in mountinfo) and this test failed.
@test "/dev/console: a symlink there does not redirect the console bind" {
	requires recvtty
	echo victim >"$BUNDLE/rootfs/etc/victim"
	with_out_dir
	update_config '.process.terminal = true
		| .hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
			"rm -f '"$BUNDLE"'/rootfs/dev/console && ln -s /etc/victim '"$BUNDLE"'/rootfs/dev/console"]}]'
	sh_args 'cut -d" " -f5 /proc/self/mountinfo >/out/mi; echo done >/out/done'
	local sock="$BATS_TEST_TMPDIR/console.sock"
	start_recvtty "$sock" -m drain
	run __ocirt run -d -b "$BUNDLE" --console-socket "$sock" "$CID" </dev/null
	echo "$output" >&2
	stop_recvtty
	if [ "$status" -eq 0 ]; then
		wait_file "$OUT/done"
		! grep -qx /etc/victim "$OUT/mi" || fail "the pty was bound over the link's target"
	else
		[[ "$output" == *"/dev/console"* ]]
	fi
	[ "$(cat "$BUNDLE/rootfs/etc/victim")" = victim ]
}

# /dev/pts (and /dev/shm, /dev/mqueue) in an image whose /dev is not a tmpfs of ours: links
# to host paths there resolve inside the rootfs.
# Checked: with the openat() stand-in of the CVE-2021-30465 tests, devpts is mounted on
# $VICTIM and this test fails.
@test "/dev/pts: a symlink in an image's /dev cannot send devpts outside the rootfs" {
	update_config 'del(.mounts[] | select(.destination == "/dev"))'
	ln -s "$VICTIM" "$BUNDLE/rootfs/dev/pts"
	record_mounts_hook "$BATS_TEST_TMPDIR/mi"
	in_container 'cut -d" " -f5 /proc/self/mountinfo'
	[ -e "$BATS_TEST_TMPDIR"/mi.* ] || [ "$status" -ne 0 ]
	if [ -e "$BATS_TEST_TMPDIR"/mi.* ]; then
		mounts_outside_rootfs "$BATS_TEST_TMPDIR"/mi.*
	fi
	[ "$(ls -A "$VICTIM")" = file ]
	! grep -qF " $VICTIM" /proc/self/mountinfo
}

# The AppArmor exec transition is written to /proc/thread-self/attr: through procfs only. An
# image without a proc mount and fake attr files would otherwise run unconfined, silently.
# Runs in the VM harness's apparmor guest (no AppArmor on the development host). Checked there
# against a build without the fstatfs() check in lsm.c: the write went to the fake file, the
# start succeeded and this test failed.
@test "apparmor: the exec label is written to procfs, not to an image's fake /proc" {
	requires apparmor
	update_config 'del(.mounts[] | select(.destination == "/proc")) | .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .process.apparmorProfile = "unconfined"'
	mkdir -p "$BUNDLE/rootfs/proc/thread-self/attr/apparmor"
	: >"$BUNDLE/rootfs/proc/thread-self/attr/apparmor/exec"
	: >"$BUNDLE/rootfs/proc/thread-self/attr/exec"
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *"not procfs"* ]]
	[ ! -s "$BUNDLE/rootfs/proc/thread-self/attr/apparmor/exec" ]
	[ ! -s "$BUNDLE/rootfs/proc/thread-self/attr/exec" ]
}

# --- files the runtime writes -----------------------------------------------------------

# --pid-file in a directory others can write to: a hard link planted under the temporary
# name must not receive the pid (O_TRUNC on someone else's file) nor become the pid file.
# Checked: with write_file_atomic_at()'s fixed ".<name>.tmp" opened O_CREAT|O_TRUNC (before
# this fix), the victim file was truncated to the pid and this test failed.
@test "pid file: written through a fresh temporary, a planted hard link is not followed" {
	local dir="$BATS_TEST_TMPDIR/pids"
	mkdir -p "$dir"
	chmod 1777 "$dir"
	ln "$VICTIM/file" "$dir/.pidfile.tmp"
	set_args /bin/sleep 100
	create_detached --pid-file "$dir/pidfile" || { cat "$BATS_TEST_TMPDIR/create.out" >&2; fail "create failed"; }
	[ "$(cat "$VICTIM/file")" = host-data ]
	[ "$(cat "$dir/pidfile")" = "$(__ocirt state "$CID" | jq -r .pid)" ]
	[ "$(stat -c %i "$dir/pidfile")" != "$(stat -c %i "$VICTIM/file")" ]
	# no temporary left behind
	[ "$(ls -A "$dir" | sort | tr '\n' ' ')" = ".pidfile.tmp pidfile " ]
}

# The state root: created 0700; an existing one that others may write to (without the sticky
# bit) is refused, nothing is created in it.
# Checked: before ocirt_state_root_ensure() looked at the mode, create succeeded in the 0777
# root and this test failed.
@test "state root: created 0700; writable by others is refused" {
	rmdir "$OCIRT_ROOT"
	set_args /bin/true
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$OCIRT_ROOT")" = 700 ]
	chmod 0777 "$OCIRT_ROOT"
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"state root"*"writable by others"* ]]
	[ ! -e "$OCIRT_ROOT/$CID" ]
	chmod 0700 "$OCIRT_ROOT"
}
