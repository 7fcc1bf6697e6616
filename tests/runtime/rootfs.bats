#!/usr/bin/env bats
# The root filesystem: root.path and root.readonly, pivot_root and --no-pivot,
# rootfsPropagation, maskedPaths, readonlyPaths, linux.sysctl.

load ../helpers

setup() {
	requires root busybox
	setup_bundle
	update_config '.root.readonly = false'
}

teardown() {
	# a test may have made the rootfs a shared mount point on the host
	if grep -qF " $BUNDLE/rootfs " /proc/self/mountinfo; then
		umount -l "$BUNDLE/rootfs" 2>/dev/null || true
	fi
	teardown_bundle
}

in_container() {
	update_config '.process.args = ["/bin/sh", "-c", '"$(jq -Rn --arg s "$1" '$s')"']'
	ocirt run "${RUN_FLAGS[@]}" -b "$BUNDLE" "$CID"
}
RUN_FLAGS=()

# (the last such line: the topmost of mounts stacked on one path)
mnt() {
	awk -v p="$1" '$5 == p' <<<"$output" | tail -n 1
}
mnt_opts() {
	mnt "$1" | awk '{print $6}'
}
mnt_tags() {
	mnt "$1" | awk '{s=""; for (i = 7; $i != "-"; i++) s = s $i " "; print s}'
}

@test "root.readonly: / is read-only, mounts on it are not" {
	update_config '.root.readonly = true'
	in_container 'cat /proc/self/mountinfo; touch /x && echo WROTE; touch /tmp/y 2>/dev/null && echo WROTE-TMP; touch /dev/shm/z && echo shm-ok'
	[ "$status" -eq 0 ]
	[[ "$(mnt_opts /)" == ro,* ]]
	[[ "$output" != *WROTE* ]]
	[[ "$output" == *shm-ok* ]]
	[ ! -e "$BUNDLE/rootfs/x" ]
}

@test "root.readonly false: / is writable" {
	in_container 'cat /proc/self/mountinfo; touch /written && echo ok'
	[ "$status" -eq 0 ]
	[[ "$(mnt_opts /)" == rw,* ]]
	[ -e "$BUNDLE/rootfs/written" ]
}

@test "root.path: relative to the bundle, or absolute" {
	mv "$BUNDLE/rootfs" "$BUNDLE/other"
	update_config '.root.path = "other"'
	in_container 'echo rel-ok'
	[ "$status" -eq 0 ]
	[ "$output" = rel-ok ]

	update_config '.root.path = "'"$BUNDLE/other"'"'
	CID=$(new_cid)
	in_container 'echo abs-ok'
	[ "$status" -eq 0 ]
	[ "$output" = abs-ok ]
}

@test "pivot_root: the host's file system is gone" {
	echo secret >"$BATS_TEST_TMPDIR/host-secret"
	in_container 'cat /proc/self/mountinfo; ls '"$BATS_TEST_TMPDIR"'/host-secret 2>&1 || echo no-host'
	[ "$status" -eq 0 ]
	[[ "$output" == *no-host* ]]
	# the rootfs is "/", and no host mount outside it is left in the namespace
	[ -n "$(mnt /)" ]
	! grep -qE ' /(boot|home|var/lib|run/user)( |/)' <<<"$output"
	[ "$(grep -c . <<<"$output")" -lt 60 ]
}

@test "--no-pivot: MS_MOVE and chroot" {
	RUN_FLAGS=(--no-pivot)
	in_container 'cat /proc/self/mountinfo; echo no-pivot-ok'
	[ "$status" -eq 0 ]
	[[ "$output" == *no-pivot-ok* ]]
	[ -n "$(mnt /)" ]
	[ -n "$(mnt /proc)" ]
}

@test "rootfsPropagation: default and private give a private /, shared a new peer group" {
	in_container 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(mnt_tags /)" != *shared:* ]]

	update_config '.linux.rootfsPropagation = "shared"'
	CID=$(new_cid)
	in_container 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(mnt_tags /)" == *shared:* ]]

	update_config '.linux.rootfsPropagation = "private"'
	CID=$(new_cid)
	in_container 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ -z "$(mnt_tags / | tr -d ' ')" ]

	update_config '.linux.rootfsPropagation = "unbindable"'
	CID=$(new_cid)
	in_container 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(mnt_tags /)" == *unbindable* ]]
}

@test "rootfsPropagation: slave of a shared rootfs receives the host's mounts" {
	mount --bind "$BUNDLE/rootfs" "$BUNDLE/rootfs"
	mount --make-shared "$BUNDLE/rootfs"
	mkdir -p "$BUNDLE/rootfs/late"
	update_config '.linux.rootfsPropagation = "rslave"'
	update_config '.process.args = ["/bin/sh", "-c", "awk \"\\$5 == \\\"/\\\"\" /proc/self/mountinfo; for i in $(seq 50); do [ -e /late/marker ] && echo SEEN && exit 0; sleep 0.1; done; exit 1"]'
	(
		sleep 1
		mount -t tmpfs late "$BUNDLE/rootfs/late" && touch "$BUNDLE/rootfs/late/marker"
	) &
	ocirt run -b "$BUNDLE" "$CID"
	wait
	umount -l "$BUNDLE/rootfs/late" 2>/dev/null || true
	[ "$status" -eq 0 ]
	[[ "$output" == *master:* ]]
	[[ "$output" == *SEEN* ]]
}

@test "rootfsPropagation: mounts made inside a private container do not reach the host" {
	mount --bind "$BUNDLE/rootfs" "$BUNDLE/rootfs"
	mount --make-shared "$BUNDLE/rootfs"
	update_config '.linux.rootfsPropagation = "private" | .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	in_container 'mkdir -p /inner && mount -t tmpfs inner /inner && echo mounted'
	[ "$status" -eq 0 ]
	[[ "$output" == *mounted* ]]
	! grep -F "$BUNDLE/rootfs/inner" /proc/self/mountinfo
}

@test "rootfsPropagation: an unknown value is an error" {
	update_config '.linux.rootfsPropagation = "sideways"'
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *sideways* ]]
}

@test "maskedPaths: a file reads empty, a directory is an empty read-only tmpfs, missing paths are ignored" {
	mkdir -p "$BUNDLE/rootfs/secret-dir"
	echo s >"$BUNDLE/rootfs/secret-dir/inside"
	echo s >"$BUNDLE/rootfs/secret-file"
	update_config '.linux.maskedPaths = ["/secret-file", "/secret-dir", "/does/not/exist", "/proc/kcore"]'
	in_container 'cat /proc/self/mountinfo; echo "[$(cat /secret-file)]"; ls -A /secret-dir | grep -c . ; touch /secret-dir/new && echo WROTE; echo x > /secret-file; echo done'
	[ "$status" -eq 0 ]
	[[ "$output" == *"[]"* ]]
	[[ "$output" != *WROTE* ]]
	[[ "$(mnt_opts /secret-dir)" == ro* ]]
	[[ "$(mnt_opts /secret-file)" == ro* ]]
	[[ "$output" == *done* ]]
	# the rootfs itself is untouched
	[ "$(cat "$BUNDLE/rootfs/secret-file")" = s ]
}

@test "readonlyPaths: writes fail, below too; missing paths are ignored" {
	mkdir -p "$BUNDLE/rootfs/data/sub"
	update_config '.linux.readonlyPaths = ["/data", "/does/not/exist"]
		| .mounts += [{"destination": "/data/sub", "type": "tmpfs", "source": "tmpfs"}]'
	in_container 'cat /proc/self/mountinfo; touch /data/a && echo WROTE-A; touch /data/sub/b && echo WROTE-B; echo done'
	[ "$status" -eq 0 ]
	[[ "$(mnt_opts /data)" == ro* ]]
	[[ "$(mnt_opts /data/sub)" == ro* ]]
	[[ "$output" != *WROTE* ]]
	[[ "$output" == *done* ]]
}

@test "default masked and readonly paths: /proc/sys is read-only, /proc/timer_list empty" {
	in_container 'cat /proc/self/mountinfo; echo 1 > /proc/sys/kernel/domainname && echo WROTE; echo "[$(cat /proc/timer_list)]"'
	[ "$status" -eq 0 ]
	[[ "$(mnt_opts /proc/sys)" == ro* ]]
	[[ "$output" != *WROTE* ]]
	[[ "$output" == *"[]"* ]]
}

@test "sysctl: written in the container's namespaces, before /proc/sys turns read-only" {
	local host_fwd
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "'"$((1 - host_fwd))"'", "kernel.shmmax": "123456789", "net.ipv4.ip_local_port_range": "2000 3000"}'
	in_container 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_local_port_range'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$((1 - host_fwd))" ]
	[ "${lines[1]}" = 123456789 ]
	[[ "${lines[2]}" == 2000*3000 ]]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
}

@test "sysctl: an unknown key names the key" {
	update_config '.linux.sysctl = {"net.ipv4.no_such_key": "1"}'
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *net.ipv4.no_such_key* ]]
}

# The mount(2) and component-walk fallbacks of kernels without openat2 and the new mount
# API (< 5.2), run on this kernel through the rootfs step driver (tests/tools).
HARNESS="$OCIRT_TESTS_BUILDDIR/tools/rootfs-harness"

@test "old-kernel fallbacks: mounts, devices, masks and symlink escapes without the new mount API" {
	[ -x "$HARNESS" ] || skip "tests/tools/rootfs-harness not built (make check builds it)"
	mkdir -p "$BATS_TEST_TMPDIR/victim" "$BATS_TEST_TMPDIR/src/sub"
	echo data >"$BATS_TEST_TMPDIR/src/f"
	ln -s "$BATS_TEST_TMPDIR/victim" "$BUNDLE/rootfs/evil"
	mkdir -p "$BUNDLE/rootfs/srv/copy"
	echo orig >"$BUNDLE/rootfs/srv/copy/keep"
	update_config '.linux.maskedPaths += ["/srv/copy/keep"] | .mounts += [
		{"destination": "/evil/t", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m"]},
		{"destination": "/mnt/b", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/src"'", "options": ["rbind", "ro", "nodev"]},
		{"destination": "/srv/copy", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro"]}]
		| .process.args = ["/bin/sh", "-c", "cat /proc/self/mountinfo; cat /mnt/b/f; ls /srv/copy; echo \"[$(cat /srv/copy/keep)]\"; touch /mnt/b/x || echo b-ro; echo x > /dev/null && echo null-ok"]'
	run "$HARNESS" --legacy "$BUNDLE"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == *data* ]]
	[[ "$output" == *keep* ]]
	[[ "$output" == *"[]"* ]]
	[[ "$output" == *b-ro* ]]
	[[ "$output" == *null-ok* ]]
	[ "$(mnt /mnt/b | awk '{print $6}' | cut -d, -f1-2)" = ro,nodev ]
	[[ "$(mnt "$BATS_TEST_TMPDIR/victim/t" | awk '{print $6}')" == *nosuid* ]]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/victim")" ]
	! grep -F "$BUNDLE/rootfs" /proc/self/mountinfo
}

@test "maskedPaths: a /dev/null that is not the null device is refused" {
	# a /dev/null that is really /dev/zero would make every masked file readable data
	update_config '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 5}]
		| .linux.maskedPaths = ["/etc/hostname"]'
	in_container 'head -c 4 /etc/hostname | od -An -tx1'
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/null"* ]]
	[[ "$output" != *"00 00"* ]]
}
