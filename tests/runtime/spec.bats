#!/usr/bin/env bats
# `ocirt spec`, `ocirt features` and `ocirt check` (runtime-cli.md 1.7 spec/features,
# 1.8.6).

load ../helpers

FIXTURES="${OCIRT_TESTS_SRCDIR:-$BATS_TEST_DIRNAME/..}/unit/fixtures"

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

# check_fails 'jq filter' 'expected substring': apply the filter to the bundle's config
# and expect `ocirt check` to exit 1 naming the problem.
check_fails() {
	update_config "$1"
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 1 ] || fail "check accepted: $1"
	[[ "$output" == *"$2"* ]] || fail "check output for '$1' lacks '$2'"
}

@test "spec: writes a valid config.json shaped like runc's" {
	local d="$BATS_TEST_TMPDIR/s"
	mkdir "$d"
	cd "$d"
	ocirt spec
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	jq -e . config.json >/dev/null
	[ "$(jq -c .process.args config.json)" = '["sh"]' ]
	[ "$(jq -r .process.terminal config.json)" = true ]
	[ "$(jq -r .root.path config.json)" = rootfs ]
	local ns='["pid","network","ipc","uts","mount"]'
	# runc adds a cgroup namespace on pure cgroup v2 hosts
	[ "$(cgroup_mode)" != unified ] || ns='["pid","network","ipc","uts","mount","cgroup"]'
	[ "$(jq -c '[.linux.namespaces[].type]' config.json)" = "$ns" ]
	[ "$(jq -c '[.mounts[].destination]' config.json)" = \
		'["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"]' ]
	[ "$(jq -c .process.capabilities.bounding config.json)" = '["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]' ]
	[ "$(jq -r '.process.rlimits[0].type' config.json)" = RLIMIT_NOFILE ]
	[ "$(jq -r .process.noNewPrivileges config.json)" = true ]
	[[ "$(jq -r .ociVersion config.json)" =~ ^1\.[0-9]+\.[0-9]+ ]]
}

@test "spec: the same document as runc spec (but hostname and ociVersion)" {
	requires runc
	local a="$BATS_TEST_TMPDIR/a" b="$BATS_TEST_TMPDIR/b"
	mkdir "$a" "$b"
	ocirt spec -b "$a"
	[ "$status" -eq 0 ]
	runc spec -b "$b"
	diff -u <(jq -S 'del(.hostname, .ociVersion)' "$b/config.json") <(jq -S 'del(.hostname, .ociVersion)' "$a/config.json")
}

@test "spec --rootless: the same document as runc spec --rootless (but hostname and ociVersion)" {
	requires runc
	local a="$BATS_TEST_TMPDIR/a" b="$BATS_TEST_TMPDIR/b"
	mkdir "$a" "$b"
	ocirt spec --rootless -b "$a"
	[ "$status" -eq 0 ]
	runc spec --rootless -b "$b"
	diff -u <(jq -S 'del(.hostname, .ociVersion)' "$b/config.json") <(jq -S 'del(.hostname, .ociVersion)' "$a/config.json")
}

@test "spec --rootless: user namespace mapping the caller, no network namespace" {
	local d="$BATS_TEST_TMPDIR/s"
	mkdir "$d"
	ocirt spec --rootless --bundle "$d"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.linux.uidMappings[0].hostID' "$d/config.json")" = "$(id -u)" ]
	[ "$(jq -r '.linux.gidMappings[0].hostID' "$d/config.json")" = "$(id -g)" ]
	[ "$(jq -r '.linux.uidMappings[0].size' "$d/config.json")" = 1 ]
	jq -e '[.linux.namespaces[].type] | index("user") and (index("network") | not)' "$d/config.json"
	jq -e '.mounts[] | select(.destination == "/sys") | .options | index("rbind")' "$d/config.json"
}

@test "spec: refuses to overwrite config.json" {
	local before
	before=$(sha256sum "$BUNDLE/config.json")
	ocirt spec -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"File config.json exists. Remove it first"* ]]
	[ "$(sha256sum "$BUNDLE/config.json")" = "$before" ]
}

@test "spec: a missing bundle directory is an error naming it" {
	ocirt spec -b "$BATS_TEST_TMPDIR/nowhere"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$BATS_TEST_TMPDIR/nowhere"* ]]
}

# run_spec_with RUNTIME: `ocirt spec` in a fresh bundle, args=/bin/true, run by RUNTIME
# (its own state root); $status/$output are the run's.
run_spec_with() {
	local d="$BATS_TEST_TMPDIR/r" id
	mkdir "$d"
	cp -a "$BUNDLE/rootfs" "$d/rootfs"
	(cd "$d" && "$OCIRT" spec)
	update_config '.process.args = ["/bin/true"] | .process.terminal = false' "$d"
	id=$(new_cid "$1")
	run "$1" --root "$BATS_TEST_TMPDIR/$1-root" run -b "$d" "$id" </dev/null
	"$1" --root "$BATS_TEST_TMPDIR/$1-root" delete -f "$id" >/dev/null 2>&1 || true
	echo "$output"
}

@test "spec output runs unchanged (args=/bin/true, terminal=false) under runc" {
	requires root runc busybox
	run_spec_with runc
	[ "$status" -eq 0 ]
}

@test "spec output runs unchanged (args=/bin/true, terminal=false) under crun" {
	requires root crun busybox
	run_spec_with crun
	if [[ "$output" == *"hybrid mode not supported"* ]]; then
		skip "crun $(crun --version | head -1 | awk '{print $3}') cannot run containers on a cgroup v1/v2 hybrid host"
	fi
	[ "$status" -eq 0 ]
}

@test "features: valid JSON with the expected keys" {
	ocirt features
	[ "$status" -eq 0 ]
	jq -e . <<<"$output" >/dev/null
	[ "$(jq -r .ociVersionMin <<<"$output")" = 1.0.0 ]
	[[ "$(jq -r .ociVersionMax <<<"$output")" =~ ^1\.[0-9]+\.[0-9]+ ]]
	jq -e '.hooks | index("createRuntime") and index("poststop")' <<<"$output"
	jq -e '.mountOptions | type == "array"' <<<"$output"
	jq -e '.linux.namespaces | index("pid") and index("user") and index("cgroup") and index("time")' <<<"$output"
	jq -e '.linux.cgroup | has("v1") and has("v2") and has("systemd")' <<<"$output"
	jq -e '.linux.seccomp.enabled == true' <<<"$output"
	jq -e '.linux.seccomp.actions | index("SCMP_ACT_ALLOW") and index("SCMP_ACT_ERRNO")' <<<"$output"
	jq -e '.linux.seccomp.operators | length == 7' <<<"$output"
	jq -e '.linux.apparmor | has("enabled")' <<<"$output"
	jq -e '.linux.selinux | has("enabled")' <<<"$output"
}

@test "features: capabilities are what the kernel and libcap know" {
	local last
	last=$(cat /proc/sys/kernel/cap_last_cap)
	ocirt features
	[ "$status" -eq 0 ]
	jq -e '.linux.capabilities | index("CAP_CHOWN") and index("CAP_SYS_ADMIN")' <<<"$output"
	# libcap may know fewer names than the kernel, never more
	[ "$(jq '.linux.capabilities | length' <<<"$output")" -le $((last + 1)) ]
	[ "$(jq '.linux.capabilities | length' <<<"$output")" -ge 38 ]
}

@test "features: seccomp archs come from libseccomp and include the native one" {
	ocirt features
	[ "$status" -eq 0 ]
	case "$(uname -m)" in
	x86_64) jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") and index("SCMP_ARCH_X86")' <<<"$output" ;;
	aarch64) jq -e '.linux.seccomp.archs | index("SCMP_ARCH_AARCH64")' <<<"$output" ;;
	esac
	jq -e '.linux.seccomp.archs | all(startswith("SCMP_ARCH_"))' <<<"$output"
}

@test "features: the libseccomp annotation matches --version" {
	local v
	v=$("$OCIRT" --version | sed -n 's/^libseccomp: //p')
	ocirt features
	[ "$(jq -r '.annotations["io.github.seccomp.libseccomp.version"]' <<<"$output")" = "$v" ]
}

@test "features: rro and idmap are only advertised together with the mount code" {
	ocirt features
	if jq -e '.mountOptions | index("rro")' <<<"$output"; then
		jq -e '.mountOptions | index("ro") and index("bind") and index("rbind")' <<<"$output"
	fi
	if jq -e '.linux.mountExtensions.idmap.enabled' <<<"$output"; then
		jq -e '.mountOptions | index("idmap")' <<<"$output"
	fi
}

@test "check: the bundle made by setup_bundle is valid" {
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 0 ]
	cd "$BUNDLE"
	ocirt check
	[ "$status" -eq 0 ]
}

@test "check: Docker's blockIO weight 0 means unset (runc accepts it)" {
	update_config '.linux.resources.blockIO = {"weight": 0}'
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 0 ]
	update_config '.linux.resources.blockIO = {"weight": 9}'
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" == *".linux.resources.blockIO.weight"* ]]
}

@test "check: missing config.json (runc's message)" {
	rm "$BUNDLE/config.json"
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"JSON specification file config.json not found"* ]]
}

@test "check: missing bundle directory" {
	ocirt check -b "$BATS_TEST_TMPDIR/nowhere"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$BATS_TEST_TMPDIR/nowhere"* ]]
}

@test "check: config.json that is not JSON" {
	echo '{"ociVersion": ' >"$BUNDLE/config.json"
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json"* ]]
}

@test "check: a missing rootfs names the path" {
	rm -rf "$BUNDLE/rootfs"
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" == *".root.path"* ]]
	[[ "$output" == *"$BUNDLE/rootfs"*"does not exist"* ]]
}

@test "check: a rootfs that is not a directory" {
	update_config '.root.path = "file"'
	: >"$BUNDLE/file"
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$BUNDLE/file"*"is not a directory"* ]]
}

@test "check: an absolute root.path is used as is" {
	mv "$BUNDLE/rootfs" "$BATS_TEST_TMPDIR/elsewhere"
	update_config '.root.path = "'"$BATS_TEST_TMPDIR/elsewhere"'"'
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 0 ]
}

@test "check: semantic rules (namespaces, sysctl, mappings, hostname)" {
	local base
	base=$(cat "$BUNDLE/config.json")
	while read -r line; do
		filter=${line%% @@ *}
		want=${line#* @@ }
		[ -n "$filter" ] || continue
		echo "$base" >"$BUNDLE/config.json"
		check_fails "$filter" "$want"
	done <<-'EOF'
		.linux.namespaces |= map(select(.type != "uts")) @@ .hostname: unable to set hostname without a private UTS namespace
		.linux.namespaces |= map(select(.type != "uts")) | del(.hostname) | .domainname = "x" @@ .domainname: unable to set domainname without a private UTS namespace
		.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"} @@ .linux.sysctl["net.ipv4.ip_forward"]: needs a private network namespace
		.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"kernel.shmmax": "1"} @@ .linux.sysctl["kernel.shmmax"]: needs a private IPC namespace
		.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"fs.mqueue.msg_max": "1"} @@ .linux.sysctl["fs.mqueue.msg_max"]: needs a private IPC namespace
		.linux.sysctl = {"vm.swappiness": "1"} @@ .linux.sysctl["vm.swappiness"]: not in a separate kernel namespace
		.linux.sysctl = {"kernel.hostname": "x"} @@ .linux.sysctl["kernel.hostname"]: conflicts with .hostname
		.linux.namespaces |= map(select(.type != "uts")) | del(.hostname) | .linux.sysctl = {"kernel.domainname": "x"} @@ .linux.sysctl["kernel.domainname"]: needs a private UTS namespace
		.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}] @@ .linux.uidMappings: uid mappings need a user namespace
		.linux.gidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}] @@ .linux.gidMappings: gid mappings need a user namespace
		.linux.namespaces += [{"type": "user"}] @@ .linux.uidMappings: a new user namespace needs uid mappings
		.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}] | .linux.gidMappings = .linux.uidMappings | .process.user.uid = 5 @@ .process.user.uid: 5 is not mapped
		.linux.namespaces += [{"type": "pid"}] @@ ].type: duplicate
		.linux.namespaces |= map(if .type == "network" then .path = "/nonexistent/ns" else . end) @@ "/nonexistent/ns"
		.linux.namespaces |= map(if .type == "network" then .path = "/etc/hostname" else . end) @@ is not a namespace file
		.linux.namespaces |= map(if .type == "pid" then .path = "/proc/self/ns/ipc" else . end) @@ is a ipc namespace, not a pid namespace
		.linux.timeOffsets = {"monotonic": {"secs": 1, "nanosecs": 0}} @@ .linux.timeOffsets: needs a time namespace
		.linux.namespaces += [{"type": "time", "path": "/proc/self/ns/time"}] | .linux.timeOffsets = {"monotonic": {"secs": 1, "nanosecs": 0}} @@ cannot set offsets when joining
		.process.rlimits += [{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 1}] @@ .process.rlimits[1].type: duplicate
		.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 2}] @@ .process.rlimits[0]: soft limit 2 is above the hard limit 1
		.linux.maskedPaths += ["proc/kcore"] @@ .linux.maskedPaths[10]: 
		.linux.readonlyPaths += ["proc"] @@ .linux.readonlyPaths[5]: 
		.mounts += [{"destination": "/x", "type": "bind", "options": ["rbind"]}] @@ .mounts[7].source: a bind mount needs a source
		.linux.intelRdt = {"closID": "x"} @@ .linux.intelRdt: Intel RDT is not supported
	EOF
}

@test "check: namespace paths of the right type are accepted" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)'
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 0 ]
}

@test "check: net.* sysctl with the host's network namespace is refused" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"is the host's"* ]]
}

@test "check: namespaced sysctls with their namespaces are accepted" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "4096", "fs.mqueue.msg_max": "10",
		"kernel.domainname": "example.org"}'
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 0 ]
}

@test "check: every problem is reported, one per line, with its JSON path" {
	update_config '.linux.namespaces |= map(select(.type != "uts")) | .linux.sysctl = {"vm.swappiness": "1"}
		| .linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]'
	rm -rf "$BUNDLE/rootfs"
	ocirt_sep check -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[0]}" == "config.json: .root.path: "* ]]
	grep -q '^config.json: .hostname: ' <<<"$output"
	grep -q '^config.json: .linux.sysctl\["vm.swappiness"\]: ' <<<"$output"
	grep -q '^config.json: .linux.uidMappings: ' <<<"$output"
	[[ "$stderr" == *"4 problems found"* ]]
}

@test "check: the malformed configs of bad-configs.tsv are all refused with their JSON path" {
	[ -f "$FIXTURES/bad-configs.tsv" ] || skip "tests/unit/fixtures/bad-configs.tsv missing"
	local n=0 bad=0 filter want
	while IFS=$'\t' read -r filter want; do
		[[ -z "$filter" || "$filter" == \#* ]] && continue
		n=$((n + 1))
		jq "$filter" "$FIXTURES/base-config.json" >"$BUNDLE/config.json" 2>/dev/null || {
			echo "bad jq filter: $filter" >&2
			bad=$((bad + 1))
			continue
		}
		run "$OCIRT" check -b "$BUNDLE"
		if [ "$status" -ne 1 ] || [[ "$output" != *"$want"* ]]; then
			echo "NOT REFUSED as expected ($status): $filter -> want '$want', got: $output" >&2
			bad=$((bad + 1))
		fi
	done <"$FIXTURES/bad-configs.tsv"
	echo "$n cases, $bad failed" >&2
	[ "$n" -ge 40 ]
	[ "$bad" -eq 0 ]
}

@test "check: the fixtures base-config, runc spec, crun spec and podman configs pass" {
	for f in base-config.json runc-spec.json crun-spec.json; do
		[ -f "$FIXTURES/$f" ] || continue
		cp "$FIXTURES/$f" "$BUNDLE/config.json"
		update_config '.root.path = "rootfs"'
		ocirt check -b "$BUNDLE"
		[ "$status" -eq 0 ] || fail "$f: $output"
	done
}

@test "check: podman's config passes (with host paths pointed at this host)" {
	[ -f "$FIXTURES/podman-config.json" ] || skip "podman fixture missing"
	cp "$FIXTURES/podman-config.json" "$BUNDLE/config.json"
	# the only host-specific parts: the overlay rootfs and the pod's network namespace
	update_config '.root.path = "rootfs"
		| .linux.namespaces |= map(if .path then .path = "/proc/self/ns/" + (if .type == "network" then "net" else .type end) else . end)'
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 0 ]
}

@test "check: what create validates after loading (SELinux label without SELinux)" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled on this host"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"selinux"* ]]
}

@test "check: creates nothing" {
	ocirt check -b "$BUNDLE"
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$OCIRT_ROOT")" ]
	[ -z "$(leaked_cgroups)" ]
}
