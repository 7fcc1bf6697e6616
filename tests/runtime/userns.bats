#!/usr/bin/env bats
# User namespaces run by root: the ID maps the runtime writes, who owns what the container
# makes, devices and sysfs in a user namespace, the namespace tree lsns sees, ID-mapped
# mounts (idmap, ridmap, mounts[].uidMappings) and cgroup v2 ownership.
# Rootless (an unprivileged caller): rootless.bats.

load ../helpers
load ../helpers-lifecycle

setup() {
	requires root busybox userns
	setup_bundle
	with_out_dir
	SRC="$BATS_TEST_TMPDIR/src"
	mkdir -p "$SRC"
	chmod 0755 "$SRC"
	touch "$SRC/root-file" "$SRC/other-file"
	chown 1:2 "$SRC/other-file"
}

teardown() {
	[ -z "${SUBMNT:-}" ] || umount -l "$SUBMNT" 2>/dev/null || true
	teardown_bundle
}

# userns_config [uidmap-json] [gidmap-json]: a new user namespace (default: container 0..65535
# = host 200000..265535); the rootfs belongs to the container's root, as a user-namespaced
# image would.
userns_config() {
	local um=${1:-'[{"containerID": 0, "hostID": 200000, "size": 65536}]'} gm=${2:-}
	[ -n "$gm" ] || gm=$um
	chown -R "$(jq -r '.[] | select(.containerID == 0) | .hostID' <<<"$um"):$(jq -r '.[] | select(.containerID == 0) | .hostID' <<<"$gm")" "$BUNDLE/rootfs"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = '"$um"' | .linux.gidMappings = '"$gm"'
		| .mounts |= map(if .destination == "/dev/pts" then .options -= ["gid=5"] else . end)'
}

# requires_idmap_fs [FSTYPE]: skip when the test dir's file system (or FSTYPE) can't be
# idmapped (tmpfs: Linux 6.3; ext4, xfs, btrfs: 5.12-5.15, older than anything else this
# suite needs)
requires_idmap_fs() {
	local fs=${1:-} major minor
	[ -n "$fs" ] || fs=$(stat -f -c %T "$BATS_TEST_TMPDIR")
	IFS=. read -r major minor _ <<<"$(uname -r)"
	case "$fs" in
	tmpfs) [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 3 ]; } ||
		skip "test requires idmapped tmpfs mounts (Linux 6.3; this is $(uname -r))" ;;
	ext2/ext3 | ext4 | xfs | btrfs) ;;
	*) skip "test requires a file system that supports idmapped mounts (the test dir is on $fs)" ;;
	esac
}

add_mount() {
	update_config '.mounts += ['"$1"']'
}

maps() {
	tr -s ' ' <"$1" | sed 's/^ //'
}

@test "user namespace: several ranges written as given; setgroups stays allowed for root" {
	userns_config '[{"containerID": 0, "hostID": 200000, "size": 1000}, {"containerID": 1000, "hostID": 300000, "size": 64536}]' \
		'[{"containerID": 0, "hostID": 200000, "size": 65536}]'
	sh_args 'cat /proc/self/uid_map > /out/uid_map; cat /proc/self/gid_map > /out/gid_map; cat /proc/self/setgroups > /out/setgroups'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(maps "$OUT/uid_map")" = "0 200000 1000
1000 300000 64536" ]
	[ "$(maps "$OUT/gid_map")" = "0 200000 65536" ]
	[ "$(cat "$OUT/setgroups")" = allow ]
}

@test "user namespace: files the container makes belong to the mapped host IDs" {
	userns_config '[{"containerID": 0, "hostID": 200000, "size": 1000}, {"containerID": 1000, "hostID": 300000, "size": 64536}]'
	sh_args 'touch /out/by-$(id -u)'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$OUT/by-0")" = 200000:200000 ]
	# container 1000 is in the second range
	update_config '.process.user.uid = 1000 | .process.user.gid = 0'
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$OUT/by-1000")" = 300000:200000 ]
}

@test "user namespace: mappings the kernel would refuse are named before anything runs" {
	userns_config '[{"containerID": 0, "hostID": 200000, "size": 1000}, {"containerID": 500, "hostID": 300000, "size": 10}]' \
		'[{"containerID": 0, "hostID": 200000, "size": 65536}]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *".linux.uidMappings[1]: overlaps .linux.uidMappings[0]"* ]]
}

@test "user namespace: default devices are bind-mounted host nodes, no mknod" {
	userns_config
	sh_args 'cat /proc/self/mountinfo > /out/mountinfo; echo x > /dev/null && echo ok > /out/null; mknod /tmp/n c 1 3 2>/out/mknod-err; echo $? > /out/mknod'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	local n
	for n in null zero full random urandom tty; do
		awk -v p="/dev/$n" '$5 == p' "$OUT/mountinfo" | grep -q . || fail "/dev/$n is not a bind mount"
	done
	[ "$(cat "$OUT/null")" = ok ]
	# a user namespace can't make device nodes: the runtime could not have either
	[ "$(cat "$OUT/mknod")" != 0 ]
}

@test "user namespace: /dev/mqueue belongs to the container's root, who may chmod it" {
	# runc unshares the IPC namespace as the user namespace's root; created with it by
	# clone, its mqueue root would be the runtime's host uid: nobody (65534) inside
	userns_config
	sh_args 'stat -c "%u %g" /dev/mqueue > /out/owner; chmod 1770 /dev/mqueue && echo ok > /out/chmod'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/owner")" = "0 0" ] || fail "/dev/mqueue is owned by $(cat "$OUT/owner")"
	[ "$(cat "$OUT/chmod")" = ok ]
}

@test "user namespace without a network namespace: /sys is a bind of the host's" {
	userns_config
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	sh_args 'cat /proc/self/mountinfo > /out/mountinfo'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	# a bind of the host's sysfs: root "/" of a sysfs mount, read-only as asked
	awk '$5 == "/sys" {print $4, $9, $6}' "$OUT/mountinfo" | grep -E '^/ sysfs ro' ||
		fail "/sys: $(awk '$5 == "/sys"' "$OUT/mountinfo")"
}

@test "lsns: the container's user namespace owns its other namespaces" {
	userns_config
	set_args /bin/sleep 100
	run_detached_quiet
	local userns t ns owner
	userns=$(stat -L -c %i "/proc/$PID/ns/user")
	[ "$userns" != "$(stat -L -c %i /proc/self/ns/user)" ]
	for t in mnt pid uts ipc net; do
		ns=$(stat -L -c %i "/proc/$PID/ns/$t")
		owner=$(lsns -n -o NS,ONS -t "$t" | awk -v n="$ns" '$1 == n {print $2}')
		[ "$owner" = "$userns" ] || fail "$t namespace $ns is owned by '$owner', not $userns"
	done
	# and the user namespace itself is a child of the host's
	[ "$(lsns -n -o NS,PNS -t user | awk -v n="$userns" '$1 == n {print $2}')" = "$(stat -L -c %i /proc/self/ns/user)" ]
}

@test "idmap mount without mappings: the container's mapping, host root shows as container root" {
	requires_idmap_fs
	userns_config
	add_mount '{"destination": "/idm", "type": "bind", "source": "'"$SRC"'", "options": ["bind", "idmap"]}'
	add_mount '{"destination": "/plain", "type": "bind", "source": "'"$SRC"'", "options": ["bind"]}'
	sh_args 'stat -c "%n %u %g" /idm/root-file /idm/other-file /plain/root-file > /out/owners; touch /idm/made-inside'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	grep -qx '/idm/root-file 0 0' "$OUT/owners"
	grep -qx '/idm/other-file 1 2' "$OUT/owners"
	# without the mapping, host root is nobody in the container
	grep -qx '/plain/root-file 65534 65534' "$OUT/owners"
	# container root writes through the mapping: host root owns the file
	[ "$(stat -c %u:%g "$SRC/made-inside")" = 0:0 ]
}

@test "idmap mount with its own mappings (runc's semantics, with and without a user namespace)" {
	requires_idmap_fs
	# disk id 0 is mount id 0 in the mount's namespace = host 100005 (uid) / 100007 (gid)
	add_mount '{"destination": "/idm", "type": "bind", "source": "'"$SRC"'", "options": ["bind", "idmap"],
		"uidMappings": [{"containerID": 0, "hostID": 100005, "size": 10}],
		"gidMappings": [{"containerID": 0, "hostID": 100007, "size": 10}]}'
	sh_args 'stat -c "%n %u %g" /idm/root-file /idm/other-file > /out/owners'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	grep -qx '/idm/root-file 100005 100007' "$OUT/owners"
	grep -qx '/idm/other-file 100006 100009' "$OUT/owners"

	# inside a user namespace mapping 0 -> 100000 the same mount shows 5 and 7
	rm -f "$OUT/owners"
	userns_config '[{"containerID": 0, "hostID": 100000, "size": 65536}]'
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	grep -qx '/idm/root-file 5 7' "$OUT/owners"
	grep -qx '/idm/other-file 6 9' "$OUT/owners"
}

@test "ridmap maps the whole rbind tree, idmap only its top mount" {
	requires_idmap_fs
	requires_idmap_fs tmpfs # the submount
	SUBMNT="$SRC/sub"
	mkdir -p "$SUBMNT"
	mount -t tmpfs -o mode=0755 sub "$SUBMNT"
	touch "$SUBMNT/in-sub"
	userns_config
	add_mount '{"destination": "/r", "type": "bind", "source": "'"$SRC"'", "options": ["rbind", "ridmap"]}'
	add_mount '{"destination": "/i", "type": "bind", "source": "'"$SRC"'", "options": ["rbind", "idmap"]}'
	sh_args 'stat -c "%n %u" /r/root-file /r/sub/in-sub /i/root-file /i/sub/in-sub > /out/owners'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	grep -qx '/r/root-file 0' "$OUT/owners"
	grep -qx '/r/sub/in-sub 0' "$OUT/owners"
	grep -qx '/i/root-file 0' "$OUT/owners"
	grep -qx '/i/sub/in-sub 65534' "$OUT/owners"
}

@test "idmapped mounts: options still apply (ro), and the flags are set before it appears" {
	requires_idmap_fs
	userns_config
	add_mount '{"destination": "/idm", "type": "bind", "source": "'"$SRC"'", "options": ["bind", "idmap", "ro", "nosuid"]}'
	sh_args 'cat /proc/self/mountinfo > /out/mountinfo; touch /idm/x 2>/out/err; echo $? > /out/rc'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/rc")" != 0 ]
	[[ "$(awk '$5 == "/idm" {print $6}' "$OUT/mountinfo")" == ro,nosuid* ]]
	[ ! -e "$SRC/x" ]
}

@test "idmapped mounts: bad entries are refused with their path, nothing left behind" {
	userns_config
	# not a bind mount
	add_mount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *".mounts["*"]: idmapped mounts are only supported for bind mounts"* ]]

	# uidMappings without gidMappings
	update_config '.mounts |= map(select(.destination != "/t"))'
	add_mount '{"destination": "/u", "type": "bind", "source": "'"$SRC"'", "options": ["bind", "idmap"], "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}'
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"uidMappings and gidMappings must be given together"* ]]

	# a file system that can't be idmapped (procfs): the kernel's refusal, named
	update_config '.mounts |= map(select(.destination != "/u"))'
	add_mount '{"destination": "/p", "type": "bind", "source": "/proc/self/fdinfo", "options": ["bind", "idmap"]}'
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *".mounts["*"]: idmap "*"/proc/self/fdinfo"* ]]
}

@test "features advertises idmap and ridmap" {
	run -0 "$OCIRT" features
	jq -e '.mountOptions | index("idmap") and index("ridmap")' <<<"$output"
	jq -e '.linux.mountExtensions.idmap.enabled == true' <<<"$output"
}

@test "cgroup v2: the container's root owns its cgroup when /sys/fs/cgroup is mounted rw" {
	requires cgroup_v2
	userns_config
	update_config '.linux.namespaces |= (if any(.type == "cgroup") then . else . + [{"type": "cgroup"}] end)
		| .mounts |= map(if .type == "cgroup" then .options = ["nosuid", "noexec", "nodev", "relatime", "rw"] else . end)'
	sh_args 'stat -c "%u %g" /sys/fs/cgroup /sys/fs/cgroup/cgroup.procs > /out/owners; mkdir /sys/fs/cgroup/child && echo made > /out/child; rmdir /sys/fs/cgroup/child'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/owners")" = "0 0
0 0" ]
	# (the container removes its sub-cgroup itself: delete does not remove nested cgroups yet)
	[ "$(cat "$OUT/child")" = made ]

	# read-only cgroup mount: ownership left alone (runtime-spec, runc)
	update_config '.mounts |= map(if .type == "cgroup" then .options = ["nosuid", "noexec", "nodev", "relatime", "ro"] else . end)'
	sh_args 'stat -c "%u %g" /sys/fs/cgroup > /out/owners'
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/owners")" = "65534 65534" ]
}
