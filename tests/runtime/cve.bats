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

# host_mount_points: the mount points of our (the host's) mount namespace, sorted.
host_mount_points() {
	cut -d' ' -f5 /proc/self/mountinfo | sort -u
}

# mounts_outside_rootfs FILE...: mount points in the recorded files that are neither the
# host's nor inside the rootfs. Prints them; fails when there is one.
mounts_outside_rootfs() {
	local rootfs bad
	[ -s "$1" ] || fail "no mounts were recorded ($1)"
	rootfs=$(readlink -f "$BUNDLE/rootfs")
	bad=$(cat "$@" | sort -u | comm -23 - <(host_mount_points) |
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
# Checked: with the "exe protect" row of init.c's step table removed, the attacker opens
# /proc/1/exe, appends to the binary after `start`, and this test fails on the checksum.
@test "CVE-2019-5736: the runtime binary cannot be overwritten through /proc/PID/exe" {
	# a private copy: the attack, should it work, writes to this one only
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cp "$OCIRT" "$BATS_TEST_TMPDIR/bin/ocirt"
	OCIRT="$BATS_TEST_TMPDIR/bin/ocirt"
	local sum
	sum=$(sha256sum <"$OCIRT")

	# the victim: created, its init parked on the exec fifo as the runtime's image
	set_args /bin/sleep 100
	create_detached || { cat "$BATS_TEST_TMPDIR/create.out" >&2; fail "create failed"; }
	local victim=$CID pid
	pid=$(__ocirt state "$victim" | jq -r .pid)
	[ "$(readlink "/proc/$pid/exe")" = "$OCIRT" ]

	# the attacker: root in the same pid namespace (default capabilities, no SYS_PTRACE)
	CID=$(new_cid)
	with_out_dir
	update_config '.linux.namespaces |= map(if .type == "pid" then .path = "/proc/'"$pid"'/ns/pid" else . end)'
	# (one line: set_args makes one argument per line)
	sh_args 'sh -c "exec 3</proc/1/exe && echo opened >/out/open && while [ ! -e /out/go ]; do sleep 0.05; done && echo PWNED >>/proc/self/fd/3 && echo wrote >/out/wrote" 2>/out/err; echo done >/out/done'
	create_detached || { cat "$BATS_TEST_TMPDIR/create.out" >&2; fail "create failed"; }
	ocirt start "$CID"
	[ "$status" -eq 0 ]
	# /proc/1/exe is open, or was refused, by now (the loop waits for /out/go)
	sleep 0.5
	# start the victim: no process runs the binary any more, ETXTBSY is gone
	ocirt start "$victim"
	[ "$status" -eq 0 ]
	touch "$OUT/go"
	wait_file "$OUT/done"
	cat "$OUT/err" >&2 || true
	[ ! -e "$OUT/wrote" ] || fail "the container wrote to the runtime binary"
	[ ! -e "$OUT/open" ] || fail "the container opened /proc/1/exe of the parked init"
	[ "$(sha256sum <"$OCIRT")" = "$sum" ]
	# refused by the ptrace access check, not by chance
	grep -q "Permission denied" "$OUT/err"
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
