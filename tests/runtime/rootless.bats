#!/usr/bin/env bats
# Rootless: an unprivileged user runs ocirt from a `spec --rootless` bundle. The suite runs as
# root, creates a user (useradd) in setup_file, and runs the ocirt binary as that user with
# setpriv; the binary and a rootfs are copied to a directory the user can read.

load ../helpers

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	command -v useradd >/dev/null && command -v setpriv >/dev/null || return 0
	[ -n "$BUSYBOX" ] || return 0
	random_hex 2
	export RL_USER="ocirt-rl-$REPLY"
	useradd -M -N -d /nonexistent -s /bin/sh "$RL_USER" || return 1
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	export RL_UID RL_GID
	# the user's subordinate range, if useradd gave one (Debian's does)
	RL_SUB=$(awk -F: -v u="$RL_USER" '$1 == u {print $2; exit}' /etc/subuid)
	export RL_SUB
	RL_DIR=$(mktemp -d /tmp/ocirt-rootless.XXXXXX)
	export RL_DIR
	chmod 0755 "$RL_DIR"
	cp "$OCIRT" "$RL_DIR/ocirt"
	chmod 0755 "$RL_DIR/ocirt"
	rootfs_template >/dev/null || return 1
	cp -a "$(rootfs_template)" "$RL_DIR/rootfs"
	rm -f "$RL_DIR/rootfs/.done"
	chown -R "$RL_UID:$RL_GID" "$RL_DIR/rootfs"
	mkdir -m 0700 "$RL_DIR/xdg"
	chown "$RL_UID:$RL_GID" "$RL_DIR/xdg"
}

teardown_file() {
	[ -n "${RL_USER:-}" ] || return 0
	# anything the user still runs is ours (the test user exists only for this file)
	local p
	for p in $(pgrep -u "$RL_UID" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
	userdel "$RL_USER" 2>/dev/null || true
	# userdel keeps /etc/subuid and /etc/subgid entries on some versions
	sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid 2>/dev/null || true
	[ -z "${RL_DIR:-}" ] || rm -rf "$RL_DIR"
}

setup() {
	requires root busybox setpriv userns
	[ -n "${RL_USER:-}" ] || skip "test requires useradd"
	RL_BUNDLE="$RL_DIR/bundle-$BATS_TEST_NUMBER"
	mkdir -p "$RL_BUNDLE"
	chown "$RL_UID:$RL_GID" "$RL_BUNDLE"
	ln -s ../rootfs "$RL_BUNDLE/rootfs"
	RL_CIDS=()
	as_user "$RL_DIR/ocirt" spec --rootless -b "$RL_BUNDLE"
	[ "$status" -eq 0 ]
	rl_config '.process.terminal = false | .process.args = ["/bin/sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map"]'
}

teardown() {
	[ -n "${RL_USER:-}" ] || return 0
	local c problems=""
	for c in "${RL_CIDS[@]}"; do
		rl_run delete -f "$c" >/dev/null 2>&1 || true
	done
	# the user's state root holds nothing but the seccomp cache
	for c in "$RL_DIR"/xdg/ocirt/*; do
		[ -e "$c" ] || continue
		problems+="leaked state: $c"$'\n'
		rm -rf "$c"
	done
	rm -rf "$RL_BUNDLE"
	[ -z "$problems" ] || fail "$problems"
}

# as_user CMD...: bats `run` of CMD as the test user, with a clean environment like a login.
as_user() {
	run setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups --reset-env \
		env PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="$RL_DIR/xdg" HOME="$RL_DIR" "$@"
	echo "as $RL_USER: $* (status=$status):" >&2
	echo "$output" >&2
}

# rl_run ARGS...: ocirt ARGS as the user (default state root: $XDG_RUNTIME_DIR/ocirt).
rl_run() {
	as_user "$RL_DIR/ocirt" "$@"
}

rl_cid() {
	random_hex 3
	CID="rl-$REPLY"
	RL_CIDS+=("$CID")
}

rl_config() {
	local tmp="$RL_BUNDLE/config.json.tmp"
	jq "$1" "$RL_BUNDLE/config.json" >"$tmp" && mv "$tmp" "$RL_BUNDLE/config.json"
	chown "$RL_UID:$RL_GID" "$RL_BUNDLE/config.json"
}

maps_of() {
	tr -s ' ' <<<"$1" | sed 's/^ //'
}

@test "rootless: spec --rootless, then run: the caller is root in the container" {
	rl_cid
	rl_run run -b "$RL_BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(maps_of "${lines[0]}")" = "0 $RL_UID 1" ]
	[ "$(maps_of "${lines[1]}")" = "0 $RL_GID 1" ]
}

@test "rootless: state under \$XDG_RUNTIME_DIR/ocirt; lsns shows the user namespace owning the others" {
	rl_cid
	rl_config '.process.args = ["/bin/sleep", "100"]'
	as_user sh -c "exec '$RL_DIR/ocirt' run -d -b '$RL_BUNDLE' $CID </dev/null >/dev/null 2>&1"
	[ "$status" -eq 0 ]
	[ -d "$RL_DIR/xdg/ocirt/$CID" ]
	[ "$(stat -c %u "$RL_DIR/xdg/ocirt/$CID")" = "$RL_UID" ]
	rl_run state "$CID"
	[ "$status" -eq 0 ]
	local pid userns t ns owner
	pid=$(jq -r .pid <<<"$output")
	[ "$(jq -r .status <<<"$output")" = running ]
	# the process runs as the user on the host
	[ "$(stat -c %u "/proc/$pid")" = "$RL_UID" ]
	userns=$(stat -L -c %i "/proc/$pid/ns/user")
	[ "$userns" != "$(stat -L -c %i /proc/self/ns/user)" ]
	for t in mnt pid uts ipc; do
		ns=$(stat -L -c %i "/proc/$pid/ns/$t")
		owner=$(lsns -n -o NS,ONS -t "$t" | awk -v n="$ns" '$1 == n {print $2}')
		[ "$owner" = "$userns" ] || fail "$t namespace $ns is owned by '$owner', not $userns"
	done
	# no network namespace in a --rootless spec: the host's
	[ "$(stat -L -c %i "/proc/$pid/ns/net")" = "$(stat -L -c %i /proc/self/ns/net)" ]
	rl_run delete -f "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "$RL_DIR/xdg/ocirt/$CID" ]
}

@test "rootless: a single own gid mapping means setgroups is denied (the kernel's rule)" {
	rl_cid
	rl_config '.process.args = ["/bin/cat", "/proc/self/setgroups"]'
	rl_run run -b "$RL_BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = deny ]
}

@test "rootless: no mappings in the config: the caller is mapped to root (crun's default)" {
	rl_cid
	rl_config 'del(.linux.uidMappings, .linux.gidMappings)'
	rl_run run -b "$RL_BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(maps_of "${lines[0]}")" = "0 $RL_UID 1" ]
	[ "$(maps_of "${lines[1]}")" = "0 $RL_GID 1" ]
}

@test "rootless: a subordinate range goes through newuidmap/newgidmap" {
	requires newuidmap newgidmap
	[ -n "$RL_SUB" ] || skip "useradd gave the test user no /etc/subuid range"
	rl_cid
	rl_config '.linux.uidMappings += [{"containerID": 1, "hostID": '"$RL_SUB"', "size": 65536}]
		| .linux.gidMappings += [{"containerID": 1, "hostID": '"$RL_SUB"', "size": 65536}]'
	rl_run run -b "$RL_BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(maps_of "${lines[0]}")" = "0 $RL_UID 1" ]
	[ "$(maps_of "${lines[1]}")" = "1 $RL_SUB 65536" ]
	[ "$(maps_of "${lines[2]}")" = "0 $RL_GID 1" ]
	[ "$(maps_of "${lines[3]}")" = "1 $RL_SUB 65536" ]
}

@test "rootless: a range /etc/subuid does not grant: newuidmap's refusal, with the mapping, nothing left" {
	requires newuidmap newgidmap
	rl_cid
	rl_config '.linux.uidMappings += [{"containerID": 1, "hostID": 10, "size": 5}]
		| .linux.gidMappings += [{"containerID": 1, "hostID": 10, "size": 5}]'
	rl_run run -b "$RL_BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *".linux."?"idMappings: \`new"?"idmap "* ]]
	# the helper's own words are kept
	[[ "$output" == *"not allowed"* ]] || [[ "$output" == *"newgidmap:"* ]] || [[ "$output" == *"newuidmap:"* ]]
	[ ! -e "$RL_DIR/xdg/ocirt/$CID" ]
}

@test "rootless: a config without a user namespace is refused with runc's words" {
	rl_cid
	rl_config '.linux.namespaces |= map(select(.type != "user"))'
	rl_run run -b "$RL_BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"rootless container requires user namespaces"* ]]
}

@test "rootless: cgroups that are not delegated are skipped with a warning" {
	local own
	own=$(awk -F: '$1 == 0 {print $3}' /proc/self/cgroup)
	if [ "$(cgroup_mode)" = unified ] && setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups test -w "/sys/fs/cgroup$own"; then
		skip "the test user may write its cgroup here (delegation)"
	fi
	rl_cid
	rl_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 100}}
		| .process.args = ["/bin/true"]'
	rl_run --log-level warning run -b "$RL_BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"level=warning"*"rootless: no cgroup is writable by uid $RL_UID"* ]]
}

@test "rootless: the seccomp BPF cache is the user's, in the user's state root" {
	rl_cid
	rl_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
		| .process.args = ["/bin/sh", "-c", "mkdir /tmp/x 2>&1; echo rc=$?"]'
	rl_run run -b "$RL_BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"rc=1"* ]]
	local cache="$RL_DIR/xdg/ocirt/.seccomp~cache"
	[ -d "$cache" ]
	[ "$(stat -c '%u %a' "$cache")" = "$RL_UID 700" ]
	ls "$cache"/*.bpf >/dev/null
	rm -rf "$cache"
}

# runc accepts an exec into a created container; ocirt, rootless, does not: its parked init
# is a fork of the CLI (the caller's environment and memory, the --log fd), so it stays
# non-dumpable until execve and an unprivileged caller cannot open its /proc/PID/ns files
# (docs/SECURITY.md, "Rootless: exec before start"). The refusal names the step, and the
# container still starts and takes an exec afterwards.
@test "rootless: exec into a created (not started) container is refused; the parked init stays non-dumpable" {
	rl_cid
	rl_config '.process.args = ["/bin/sleep", "100"]'
	as_user sh -c "exec '$RL_DIR/ocirt' create -b '$RL_BUNDLE' $CID </dev/null >/dev/null 2>&1"
	[ "$status" -eq 0 ]
	rl_run state "$CID"
	[ "$(jq -r .status <<<"$output")" = created ]
	local init
	init=$(jq -r .pid <<<"$output")
	# non-dumpable: /proc/PID/environ of the parked init is root's only
	[ "$(stat -c %u "/proc/$init/environ")" = 0 ] || fail "the parked init is dumpable"
	rl_run exec "$CID" /bin/true
	[ "$status" -ne 0 ]
	[[ "$output" == *"namespace"*"Permission denied"* ]]
	rl_run start "$CID"
	[ "$status" -eq 0 ]
	rl_run exec "$CID" /bin/sh -c 'id -u'
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
}

@test "rootless: exec into a running container" {
	rl_cid
	rl_config '.process.args = ["/bin/sleep", "100"]'
	as_user sh -c "exec '$RL_DIR/ocirt' run -d -b '$RL_BUNDLE' $CID </dev/null >/dev/null 2>&1"
	[ "$status" -eq 0 ]
	rl_run exec "$CID" /bin/sh -c 'id -u; cat /proc/self/uid_map; echo pid1=$(cat /proc/1/cmdline | tr "\0" " ")'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "$(maps_of "${lines[1]}")" = "0 $RL_UID 1" ]
	[[ "${lines[2]}" == "pid1=/bin/sleep 100"* ]]
	# the exit status is the process's
	rl_run exec "$CID" /bin/sh -c 'exit 7'
	[ "$status" -eq 7 ]
}
