#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocirt behind Kubernetes' CRI: containerd 1.6's CRI plugin with a runtime handler `ocirt`
# (BinaryName = the ocirt under test; the RuntimeClass path), driven by a small CRI client
# of our own (cri/cri-client.py on Debian's python3-grpcio, cri/cri.proto compiled by
# protoc at setup). Every scenario runs twice, with the handler `ocirt` and with the
# handler `runc` (Debian's runc): the runc runs prove the tests test the engine, not our
# assumptions. The suite starts a private containerd (config cri/containerd-cri.toml.in),
# imports a busybox image and a catatonit pause image built by mkimage.sh, gives pods with
# their own netns a fake CNI result (cri/fake-eth0: eth0 = 127.0.0.2/8, no interface), and
# removes everything in teardown_file. Run: make check-engines ENGINE_TESTS=tests/engines/cri.bats

load ../helpers
load helpers-engines

CGROUP_PARENT=ocirt-cri

setup_file() {
	export ENGINE_SKIP CRI_DIR CRI_PB2_DIR RUNC_BIN
	ENGINE_SKIP=$(engine_missing containerd ctr protoc runc)
	[ -z "$ENGINE_SKIP" ] || return 0
	if ! /usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null; then
		ENGINE_SKIP="python3-grpcio / python3-protobuf are not installed"
		return 0
	fi
	local pause
	pause=$(command -v catatonit || echo /usr/bin/catatonit)
	[ -x "$pause" ] || { ENGINE_SKIP="catatonit (the pause binary) is not installed"; return 0; }
	[ -x /usr/lib/cni/loopback ] || { ENGINE_SKIP="containernetworking-plugins (loopback) is not installed"; return 0; }
	RUNC_BIN=$(command -v runc)
	CRI_DIR=$(mktemp -d /tmp/ocirt-cri.XXXXXX)
	chmod 0711 "$CRI_DIR"
	CRI_PB2_DIR=$CRI_DIR/pb2
	mkdir -p "$CRI_PB2_DIR" "$CRI_DIR/cni/bin" "$CRI_DIR/cni/conf" "$CRI_DIR/logs"
	protoc --proto_path="$ENGINES_DIR/cri" --python_out="$CRI_PB2_DIR" "$ENGINES_DIR/cri/cri.proto"
	ln -s /usr/lib/cni/loopback "$CRI_DIR/cni/bin/loopback"
	cp "$ENGINES_DIR/cri/fake-eth0" "$CRI_DIR/cni/bin/fake-eth0"
	echo '{"cniVersion":"0.4.0","name":"fake","plugins":[{"type":"fake-eth0"}]}' >"$CRI_DIR/cni/conf/10-fake.conflist"
	sed -e "s|@DIR@|$CRI_DIR|g" -e "s|@OCIRT@|$OCIRT|g" -e "s|@RUNC@|$RUNC_BIN|g" \
		"$ENGINES_DIR/cri/containerd-cri.toml.in" >"$CRI_DIR/config.toml"
	containerd --config "$CRI_DIR/config.toml" >"$CRI_DIR/containerd.log" 2>&1 &
	echo $! >"$CRI_DIR/containerd.pid"
	if ! wait_until 30 cri version; then
		tail -20 "$CRI_DIR/containerd.log" >&3
		return 1
	fi
	engine_build_image "$CRI_DIR/busybox.tar"
	bash "$ENGINES_DIR/mkimage.sh" --pause "$CRI_DIR/pause.tar" "$pause" localhost/ocirt-pause:latest
	ctr -a "$CRI_DIR/containerd.sock" -n k8s.io images import "$CRI_DIR/busybox.tar" >/dev/null
	ctr -a "$CRI_DIR/containerd.sock" -n k8s.io images import "$CRI_DIR/pause.tar" >/dev/null
}

teardown_file() {
	if [ -z "${CRI_DIR:-}" ] || [ ! -d "$CRI_DIR" ]; then
		return 0
	fi
	local p
	# pods a failed test left behind: StopPodSandbox kills their containers and shims
	for p in $(cat "$CRI_DIR/pods" 2>/dev/null); do
		cri stopp "$p" >/dev/null 2>&1
		cri rmp "$p" >/dev/null 2>&1
	done
	stop_pid "$(cat "$CRI_DIR/containerd.pid")"
	umount_under "$CRI_DIR"
	rmdir_cgroup "$CGROUP_PARENT"
	rm -rf "$CRI_DIR"
}

setup() {
	requires_engine
}

# cri ARGS...: the CRI client on the suite's containerd.
cri() {
	CRI_PB2_DIR=$CRI_PB2_DIR timeout 150 /usr/bin/python3 "$ENGINES_DIR/cri/cri-client.py" \
		"$CRI_DIR/containerd.sock" "$@"
}

# pod_config NAME host|netns: a PodSandboxConfig JSON file; prints its path.
pod_config() {
	# kubelet sends no hostname for host-network pods (they keep the host's UTS namespace)
	local name=$1 net=NODE hostname= f=$CRI_DIR/$1.pod.json
	[ "$2" = host ] || net=POD hostname=$name
	cat >"$f" <<-JSON
		{"metadata": {"name": "$name", "namespace": "ocirt-tests", "uid": "$name-uid", "attempt": 0},
		 "hostname": "$hostname", "log_directory": "$CRI_DIR/logs/$name",
		 "linux": {"cgroup_parent": "/$CGROUP_PARENT",
		           "security_context": {"namespace_options": {"network": "$net"}}}}
	JSON
	echo "$f"
}

# ctr_config NAME MEMORY-BYTES CMD...: a ContainerConfig JSON file; prints its path. Like
# kubelet: the pod's network mode, a pid namespace of the container's own.
ctr_config() {
	local name=$1 mem=$2 f=$CRI_DIR/$1.ctr.json
	shift 2
	# (not jq --args: jq would take an argument like "-c" as its own option)
	local cmd
	cmd=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	jq -n --arg name "$name" --arg img "$ENGINE_IMAGE_REF" --argjson mem "$mem" --argjson cmd "$cmd" \
		--arg net "$POD_NET" '
		{metadata: {name: $name}, image: {image: $img}, command: $cmd,
		 log_path: ($name + ".log"),
		 linux: {resources: {memory_limit_in_bytes: $mem},
		         security_context: {namespace_options: {network: $net, pid: "CONTAINER"}}}}' >"$f"
	echo "$f"
}

# run_pod HANDLER NAME host|netns: RunPodSandbox; sets POD and POD_JSON.
run_pod() {
	POD_JSON=$(pod_config "$2" "$3")
	POD_NET=NODE
	[ "$3" = host ] || POD_NET=POD
	POD=$(cri runp "$1" "$POD_JSON")
	[ -n "$POD" ]
	echo "$POD" >>"$CRI_DIR/pods"
}

# start_ctr NAME MEMORY CMD...: CreateContainer + StartContainer in $POD; sets CTR.
start_ctr() {
	local name=$1 cfg
	cfg=$(ctr_config "$@")
	CTR=$(cri create "$POD" "$cfg" "$POD_JSON")
	[ -n "$CTR" ]
	cri start "$CTR"
}

ctr_state() {
	cri status "$1" | jq -r .state
}

# wait_exited CTR: until ContainerStatus says CONTAINER_EXITED (30 s).
wait_exited() {
	wait_until 30 eval "[ \"\$(ctr_state $1)\" = CONTAINER_EXITED ]"
}

# remove_pod: StopPodSandbox + RemovePodSandbox of $POD (removes its containers too).
remove_pod() {
	cri stopp "$POD"
	cri rmp "$POD"
	sed -i "/^$POD\$/d" "$CRI_DIR/pods"
}

# The runtime root the shim gives the handler's binary (containerd appends the namespace).
runtime_root() {
	echo "$CRI_DIR/runtime-root/$1/k8s.io"
}

# handler_cli HANDLER ARGS...: bats `run` of the handler's runtime binary on its state root.
handler_cli() {
	local h=$1
	shift
	run "$([ "$h" = ocirt ] && echo "$OCIRT" || echo "$RUNC_BIN")" --root "$(runtime_root "$h")" "$@"
}

# --- scenarios (each run with both handlers) ----------------------------------------------

# A host-network pod: the pause sandbox and a container that prints, exits 3; the log file
# has the CRI format; the sandbox reports the handler; stop + remove leave nothing.
scenario_host_pod() {
	local h=$1 log
	run_pod "$h" "hostpod-$h" host
	cri podstatus "$POD" | jq -e --arg h "$h" '.state == "SANDBOX_READY" and .runtime_handler == $h'
	# the sandbox (pause) container is a container of the handler's binary
	handler_cli "$h" state "$POD"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = running ]
	start_ctr "echo-$h" 0 sh -c 'echo hi-from-cri; echo to-stderr >&2; exit 3'
	wait_exited "$CTR"
	cri status "$CTR" | jq -e '.exit_code == 3'
	log=$CRI_DIR/logs/hostpod-$h/echo-$h.log
	grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+.* stdout F hi-from-cri$' "$log"
	grep -Eq ' stderr F to-stderr$' "$log"
	cri rm "$CTR"
	remove_pod
	handler_cli "$h" list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# A pod with its own network namespace (from containerd, joined by path): the container
# sees only lo, not the host's interfaces; its hostname is the pod's.
scenario_netns_pod() {
	local h=$1 out host_ifs
	run_pod "$h" "netpod-$h" netns
	start_ctr "net-$h" 0 sh -c 'ls /sys/class/net; hostname; sleep 1000'
	wait_until 20 grep -q "netpod-$h" "$CRI_DIR/logs/netpod-$h/net-$h.log" ||
		{ cat "$CRI_DIR/logs/netpod-$h/net-$h.log"; cri status "$CTR"; false; }
	out=$(sed -E 's/^[^ ]+ stdout F //' "$CRI_DIR/logs/netpod-$h/net-$h.log")
	[[ "$out" == *lo* ]]
	host_ifs=$(ls /sys/class/net | grep -vx lo | head -1)
	[ -z "$host_ifs" ] || [[ "$out" != *"$host_ifs"* ]]
	[ "$(ctr_state "$CTR")" = CONTAINER_RUNNING ]
	cri stop "$CTR" 1
	[ "$(ctr_state "$CTR")" = CONTAINER_EXITED ]
	cri rm "$CTR"
	remove_pod
}

# ExecSync (a runtime `exec` with --process, --detach, --pid-file): output, exit code, a
# missing binary reported as an error exit, not a hang.
scenario_exec() {
	local h=$1 out
	run_pod "$h" "execpod-$h" host
	start_ctr "sleeper-$h" 0 sleep 1000
	out=$(cri exec "$CTR" 20 sh -c 'echo in-exec; echo err >&2; exit 4')
	jq -e '.stdout == "in-exec\n" and .stderr == "err\n" and .exit_code == 4' <<<"$out"
	# the exec'd process is in the container's pid namespace: PID 1 is the container's sleep
	out=$(cri exec "$CTR" 20 cat /proc/1/cmdline)
	jq -e '.stdout | startswith("sleep")' <<<"$out"
	run cri exec "$CTR" 20 /nonexistent
	echo "exec /nonexistent: status=$status output=$output" >&2
	# containerd reports the failed exec start as an RPC error carrying the runtime's text
	# (runc: `exec: "/nonexistent": stat /nonexistent: no such file or directory`)
	[ "$status" -eq 1 ]
	[[ "$output" == *'OCI runtime exec failed'*'"/nonexistent"'*'no such file or directory'* ]]
	cri stop "$CTR" 1
	cri rm "$CTR"
	remove_pod
}

# LinuxContainerResources.memory_limit_in_bytes lands in the container's memory cgroup.
scenario_memory() {
	local h=$1 f v
	run_pod "$h" "mempod-$h" host
	start_ctr "mem-$h" 33554432 sleep 1000
	f=$(find /sys/fs/cgroup/memory/$CGROUP_PARENT /sys/fs/cgroup/$CGROUP_PARENT -path "*$CTR*" \
		\( -name memory.limit_in_bytes -o -name memory.max \) 2>/dev/null | head -1)
	[ -n "$f" ]
	v=$(cat "$f")
	[ "$v" -eq 33554432 ]
	cri stop "$CTR" 1
	cri rm "$CTR"
	remove_pod
}

@test "cri: Version answers (containerd's CRI plugin is up)" {
	run cri version
	[ "$status" -eq 0 ]
	jq -e '.runtime_name == "containerd" and .runtime_api_version == "v1"' <<<"$output"
}

@test "cri [ocirt]: host-network pod: sandbox, container output in the CRI log, exit code 3, stop, remove" {
	scenario_host_pod ocirt
}

@test "cri [runc]: host-network pod: sandbox, container output in the CRI log, exit code 3, stop, remove" {
	scenario_host_pod runc
}

@test "cri [ocirt]: pod with its own netns (joined by path): only lo, pod hostname, StopContainer" {
	scenario_netns_pod ocirt
}

@test "cri [runc]: pod with its own netns (joined by path): only lo, pod hostname, StopContainer" {
	scenario_netns_pod runc
}

@test "cri [ocirt]: ExecSync output, exit code, pid namespace, missing binary" {
	scenario_exec ocirt
}

@test "cri [runc]: ExecSync output, exit code, pid namespace, missing binary" {
	scenario_exec runc
}

@test "cri [ocirt]: memory_limit_in_bytes reaches the container's memory cgroup" {
	scenario_memory ocirt
}

@test "cri [runc]: memory_limit_in_bytes reaches the container's memory cgroup" {
	scenario_memory runc
}

@test "cri: no leftovers (pods, ocirt state, shims, cgroups)" {
	[ ! -s "$CRI_DIR/pods" ]
	run "$OCIRT" --root "$(runtime_root ocirt)" list -q
	[ -z "$output" ]
	# every shim of this containerd has exited
	run pgrep -f "containerd-shim-runc-v2 .*-address $CRI_DIR/containerd.sock"
	[ "$status" -ne 0 ]
	# no sandbox or container cgroup left under the pods' parent (the parent itself stays)
	[ -z "$(cgroup_children "$CGROUP_PARENT")" ]
}
