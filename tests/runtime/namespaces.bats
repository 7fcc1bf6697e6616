#!/usr/bin/env bats
# linux.namespaces: created vs joined by path, the user namespace flow, cgroup and time
# namespaces, hostname, the session keyring.

load ../helpers
load ../helpers-lifecycle

setup() {
	requires root busybox
	setup_bundle
	NETNS=
}

teardown() {
	teardown_bundle
	[ -z "$NETNS" ] || ip netns delete "$NETNS" 2>/dev/null || true
	[ -z "${HOLDER:-}" ] || kill -9 "$HOLDER" 2>/dev/null || true
}

ns_of() {
	readlink "/proc/$1/ns/$2"
}

@test "new namespaces: pid, net, ipc, uts, mnt, cgroup differ from the host's" {
	update_config '.linux.namespaces = [{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"}]'
	set_args /bin/sleep 100
	run_detached_quiet
	local t
	for t in pid net ipc uts mnt cgroup; do
		[ "$(ns_of "$PID" $t)" != "$(ns_of $$ $t)" ] || fail "$t namespace is the host's"
	done
	# the user namespace was not asked for
	[ "$(ns_of "$PID" user)" = "$(ns_of $$ user)" ]
}

@test "a namespace not in the config is shared with the host" {
	only_namespaces pid mount
	update_config 'del(.hostname)'
	set_args /bin/sleep 100
	run_detached_quiet
	[ "$(ns_of "$PID" net)" = "$(ns_of $$ net)" ]
	[ "$(ns_of "$PID" uts)" = "$(ns_of $$ uts)" ]
	[ "$(ns_of "$PID" ipc)" = "$(ns_of $$ ipc)" ]
	[ "$(ns_of "$PID" pid)" != "$(ns_of $$ pid)" ]
}

@test "join a network namespace by path (ip netns)" {
	requires ip
	NETNS="ocirt-test-$CID"
	ip netns add "$NETNS"
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/var/run/netns/'"$NETNS"'" else . end)'
	set_args /bin/sleep 100
	run_detached_quiet
	[ "$(stat -L -c %i "/proc/$PID/ns/net")" = "$(stat -L -c %i "/var/run/netns/$NETNS")" ]
	# delete leaves a joined namespace alone
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
	[ -e "/var/run/netns/$NETNS" ]
	ip netns exec "$NETNS" true
}

@test "join another container's pid and uts namespaces" {
	set_args /bin/sleep 100
	update_config '.hostname = "first-box"'
	run_detached_quiet
	local first=$PID c1=$CID
	CID=$(new_cid)
	with_out_dir
	update_config 'del(.hostname) | .linux.namespaces |= map(if .type == "pid" then .path = "/proc/'"$first"'/ns/pid" elif .type == "uts" then .path = "/proc/'"$first"'/ns/uts" else . end)'
	sh_args 'echo $$ > /out/pid; hostname > /out/host; exec sleep 100'
	run_detached_quiet
	[ "$(ns_of "$PID" pid)" = "$(ns_of "$first" pid)" ]
	[ "$(ns_of "$PID" uts)" = "$(ns_of "$first" uts)" ]
	wait_file "$OUT/pid"
	# not the init there: the first container's sleep is
	[ "$(cat "$OUT/pid")" -gt 1 ]
	[ "$(cat "$OUT/host")" = first-box ]
	# the joined container is a child of the caller side, not of the intermediate
	local ppid
	ppid=$(grep '^PPid:' "/proc/$PID/status" | cut -f2)
	[ -n "$ppid" ] && [ "$ppid" != 0 ]
	ocirt delete -f "$CID"
	ocirt delete -f "$c1"
}

@test "a namespace path of the wrong type is refused, nothing is left" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)'
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"network namespace"* ]]
	no_state_left "$CID"
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/nonexistent/ns" else . end)'
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	no_state_left "$CID"
}

@test "hostname and domainname in a new UTS namespace" {
	with_out_dir
	update_config '.hostname = "box-'"$CID"'" | .domainname = "example.test"'
	sh_args 'hostname > /out/h; cat /proc/sys/kernel/domainname > /out/d'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/h")" = "box-$CID" ]
	[ "$(cat "$OUT/d")" = example.test ]
	[ "$(hostname)" != "box-$CID" ]
}

@test "cgroup namespace: created after the process is in its cgroup (rooted there)" {
	with_out_dir
	update_config '.linux.namespaces += [{"type":"cgroup"}]'
	sh_args 'cat /proc/self/cgroup > /out/cg'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	# every hierarchy shows "/" inside: the namespace root is the container's cgroup
	run grep -v ':/$' "$OUT/cg"
	[ "$status" -ne 0 ] || fail "not rooted at the container cgroup: $(cat "$OUT/cg")"
}

@test "time namespace with offsets" {
	requires timens
	with_out_dir
	update_config '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}, "monotonic": {"secs": 1000, "nanosecs": 0}}'
	sh_args 'cut -d. -f1 /proc/uptime > /out/up; echo $$ > /out/pid'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	local host
	host=$(cut -d. -f1 /proc/uptime)
	[ "$(cat "$OUT/up")" -ge $((host + 863000)) ]
	# still PID 1 (the init was forked into the new pid and time namespaces)
	[ "$(cat "$OUT/pid")" = 1 ]
}

@test "user namespace: maps written by the runtime before the process runs" {
	requires userns
	with_out_dir
	chmod 0777 "$OUT"
	# the rootfs belongs to the container's root (host uid 200000), as a user-namespaced image
	# would: a rootfs of the host's root is not writable there (no mapping, no DAC override)
	chown -R 200000:200000 "$BUNDLE/rootfs"
	# proc only: the device and devpts mounts of a user namespace are the rootfs' business
	update_config '.mounts = [{"destination": "/proc", "type": "proc", "source": "proc"}, {"destination": "/out", "type": "bind", "source": "'"$OUT"'", "options": ["rbind", "rw"]}]
		| del(.linux.maskedPaths, .linux.readonlyPaths) | .root.readonly = false
		| .linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	sh_args 'cat /proc/self/uid_map > /out/uid_map; cat /proc/self/gid_map > /out/gid_map; id -u > /out/id; echo $$ > /out/pid'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(tr -s ' ' <"$OUT/uid_map" | sed 's/^ //')" = "0 200000 65536" ]
	[ "$(tr -s ' ' <"$OUT/gid_map" | sed 's/^ //')" = "0 200000 65536" ]
	[ "$(cat "$OUT/id")" = 0 ]
	[ "$(cat "$OUT/pid")" = 1 ]
	# files it made belong to the mapped host uid
	[ "$(stat -c %u "$OUT/id")" = 200000 ]
}

@test "user namespace created after joining a host-owned network namespace" {
	requires userns ip
	NETNS="ocirt-test-$CID"
	ip netns add "$NETNS"
	with_out_dir
	chown -R 200000:200000 "$BUNDLE/rootfs" # see above
	update_config '.mounts = [{"destination": "/proc", "type": "proc", "source": "proc"}, {"destination": "/out", "type": "bind", "source": "'"$OUT"'", "options": ["rbind", "rw"]}]
		| del(.linux.maskedPaths, .linux.readonlyPaths) | .root.readonly = false
		| .linux.namespaces = [{"type":"pid"},{"type":"mount"},{"type":"uts"},{"type":"ipc"},{"type":"user"},{"type":"network","path":"/var/run/netns/'"$NETNS"'"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	sh_args 'cat /proc/self/uid_map > /out/uid_map; echo $$ > /out/pid; exec sleep 100'
	run_detached_quiet
	wait_file "$OUT/pid"
	[ "$(stat -L -c %i "/proc/$PID/ns/net")" = "$(stat -L -c %i "/var/run/netns/$NETNS")" ]
	[ "$(ns_of "$PID" user)" != "$(ns_of $$ user)" ]
	[ "$(tr -s ' ' <"$OUT/uid_map" | sed 's/^ //' | cut -d' ' -f2)" = 200000 ]
	[ "$(cat "$OUT/pid")" = 1 ]
}

@test "session keyring: a fresh one by default, none with --no-new-keyring" {
	with_out_dir
	# /proc/keys is in the default maskedPaths
	update_config 'del(.linux.maskedPaths)'
	sh_args 'cat /proc/keys > /out/keys'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	grep -q "_ses.$CID" "$OUT/keys" || fail "no session keyring named after the container: $(cat "$OUT/keys")"
	rm -f "$OUT/keys"
	ocirt run --no-new-keyring -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	! grep -q "_ses.$CID" "$OUT/keys"
}

@test "without a mount namespace the process is still confined to its rootfs (and nothing is mounted)" {
	touch "$BUNDLE/rootfs/marker-$CID"
	update_config '.linux.namespaces = [{"type":"pid"},{"type":"uts"},{"type":"ipc"}] | .mounts = []
		| del(.linux.maskedPaths, .linux.readonlyPaths) | .root.readonly = false'
	sh_args 'ls / > /marker-list'
	local before
	before=$(wc -l </proc/self/mountinfo)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	grep -qx "marker-$CID" "$BUNDLE/rootfs/marker-list"
	[ "$(wc -l </proc/self/mountinfo)" -eq "$before" ]
}
