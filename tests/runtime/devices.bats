#!/usr/bin/env bats
# Devices in the container's /dev: the defaults, linux.devices, /dev/ptmx and the /proc
# links, observed from inside.

load ../helpers

setup() {
	requires root busybox
	setup_bundle
}

teardown() {
	teardown_bundle
}

in_container() {
	update_config '.process.args = ["/bin/sh", "-c", '"$(jq -Rn --arg s "$1" '$s')"']'
	ocirt run -b "$BUNDLE" "$CID"
}

# "type major minor mode uid gid" of a node, from `stat` in the container output lines
# printed as: path type-char major minor mode uid gid
dev_line() {
	awk -v p="$1" '$1 == p { $1 = ""; sub(/^ /, ""); print }' <<<"$output"
}

STAT_DEVS='for d in "$@"; do stat -c "%n %F %t %T %a %u %g" "$d"; done'

@test "default devices: null zero full random urandom tty, 0666 root" {
	in_container 'set -- /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; '"$STAT_DEVS"
	[ "$status" -eq 0 ]
	# stat prints major/minor in hex
	[ "$(dev_line /dev/null)" = "character special file 1 3 666 0 0" ]
	[ "$(dev_line /dev/zero)" = "character special file 1 5 666 0 0" ]
	[ "$(dev_line /dev/full)" = "character special file 1 7 666 0 0" ]
	[ "$(dev_line /dev/random)" = "character special file 1 8 666 0 0" ]
	[ "$(dev_line /dev/urandom)" = "character special file 1 9 666 0 0" ]
	[ "$(dev_line /dev/tty)" = "character special file 5 0 666 0 0" ]
}

@test "default devices work: write to /dev/null, read /dev/zero, /dev/full is full" {
	in_container 'echo data > /dev/null && echo null-ok; head -c 4 /dev/zero | od -An -tx1; echo x > /dev/full || echo full-ok;
		head -c 8 /dev/urandom | wc -c'
	[ "$status" -eq 0 ]
	[[ "$output" == *null-ok* ]]
	[[ "$output" == *"00 00 00 00"* ]]
	[[ "$output" == *full-ok* ]]
	[ "${lines[-1]}" -eq 8 ]
}

@test "/dev/ptmx is a link to pts/ptmx, and /dev/fd, stdin, stdout, stderr link to /proc" {
	in_container 'for l in ptmx fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done; ls /dev/fd/ >/dev/null && echo fd-ok'
	[ "$status" -eq 0 ]
	[[ "$output" == *"ptmx pts/ptmx"* ]]
	[[ "$output" == *"fd /proc/self/fd"* ]]
	[[ "$output" == *"stdin /proc/self/fd/0"* ]]
	[[ "$output" == *"stdout /proc/self/fd/1"* ]]
	[[ "$output" == *"stderr /proc/self/fd/2"* ]]
	[[ "$output" == *fd-ok* ]]
}

@test "/dev/core links to /proc/kcore when the kernel has it" {
	[ -e /proc/kcore ] || skip "no /proc/kcore on this kernel"
	in_container 'readlink /dev/core'
	[ "$status" -eq 0 ]
	[ "$output" = /proc/kcore ]
}

@test "linux.devices: char, block and fifo with mode, uid and gid" {
	update_config '.linux.devices = [
		{"path": "/dev/mychar", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 1000, "gid": 100},
		{"path": "/dev/sub/dir/myblock", "type": "b", "major": 7, "minor": 200, "fileMode": 432},
		{"path": "/dev/myfifo", "type": "p", "fileMode": 420, "uid": 1, "gid": 1},
		{"path": "/dev/myunbuf", "type": "u", "major": 1, "minor": 5}
	]'
	in_container 'set -- /dev/mychar /dev/sub/dir/myblock /dev/myfifo /dev/myunbuf; '"$STAT_DEVS"
	[ "$status" -eq 0 ]
	[ "$(dev_line /dev/mychar)" = "character special file 1 3 640 1000 100" ]
	[ "$(dev_line /dev/sub/dir/myblock)" = "block special file 7 c8 660 0 0" ]
	[ "$(dev_line /dev/myfifo)" = "fifo 0 0 644 1 1" ]
	[ "$(dev_line /dev/myunbuf)" = "character special file 1 5 666 0 0" ]
}

@test "linux.devices overrides a default device" {
	update_config '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 384}]'
	in_container 'stat -c "%a" /dev/null'
	[ "$status" -eq 0 ]
	[ "$output" = 600 ]
}

@test "linux.devices: an existing file that is not the device is an error" {
	# no /dev tmpfs: the rootfs's own /dev is used, with a regular file in the way
	update_config 'del(.mounts[] | select(.destination == "/dev" or (.destination | startswith("/dev/"))))'
	touch "$BUNDLE/rootfs/dev/mydev"
	update_config '.linux.devices = [{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 3}]'
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/mydev"* ]]
}

@test "linux.devices: an existing matching node is kept" {
	update_config 'del(.mounts[] | select(.destination == "/dev" or (.destination | startswith("/dev/"))))'
	mknod -m 0600 "$BUNDLE/rootfs/dev/mydev" c 1 3
	update_config '.linux.devices = [{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 3}]'
	in_container 'stat -c "%t %T" /dev/mydev'
	[ "$status" -eq 0 ]
	[ "$output" = "1 3" ]
}

@test "a device path through a symlink stays in the rootfs" {
	update_config 'del(.mounts[] | select(.destination == "/dev" or (.destination | startswith("/dev/"))))'
	mkdir -p "$BATS_TEST_TMPDIR/victim"
	rmdir "$BUNDLE/rootfs/dev"
	ln -s "$BATS_TEST_TMPDIR/victim" "$BUNDLE/rootfs/dev"
	in_container 'true'
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/victim")" ]
	[ -c "$BUNDLE/rootfs$BATS_TEST_TMPDIR/victim/null" ]
}

@test "with the host's /dev bind-mounted, no device is created" {
	update_config 'del(.mounts[] | select(.destination == "/dev" or (.destination | startswith("/dev/"))))
		| .mounts += [{"destination": "/dev", "type": "bind", "source": "/dev", "options": ["rbind", "nosuid"]}]'
	in_container 'readlink /dev/ptmx || echo not-a-link; ls /dev | grep -c .'
	[ "$status" -eq 0 ]
	# the host's /dev/ptmx is a device node, not our link
	[[ "$output" == *not-a-link* ]]
	[ "${lines[-1]}" -gt 10 ]
}

# userns_bundle: run the container in a user namespace (container root = host 100000)
userns_bundle() {
	chown -R 100000:100000 "$BUNDLE/rootfs"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "user namespace: default devices are the host's nodes, bind-mounted" {
	requires userns
	userns_bundle
	in_container 'cat /proc/self/mountinfo; echo data > /dev/null && echo null-ok; head -c 2 /dev/zero | od -An -tx1'
	[ "$status" -eq 0 ]
	local n
	for n in null zero full random urandom tty; do
		awk -v p="/dev/$n" '$5 == p' <<<"$output" | grep -q . || fail "/dev/$n is not a mount"
	done
	[[ "$output" == *null-ok* ]]
	[[ "$output" == *"00 00"* ]]
}

@test "/dev/console exists as the terminal's mount point" {
	requires recvtty
	update_config '.process.terminal = true | .process.args = ["/bin/sh", "-c", "stat -c %F /dev/console; cat /proc/self/mountinfo"]'
	start_recvtty "$BATS_TEST_TMPDIR/console.sock"
	ocirt run -d --console-socket "$BATS_TEST_TMPDIR/console.sock" -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	wait_for_status "$CID" stopped 10
	stop_recvtty
	cat "$BATS_TEST_TMPDIR/recvtty.out" >&2
	# the pty slave is bound onto the mount point
	grep -q "character special file" "$BATS_TEST_TMPDIR/recvtty.out"
	grep -q " /dev/console " "$BATS_TEST_TMPDIR/recvtty.out"
}
