#!/usr/bin/env bats
# process.selinuxLabel, linux.mountLabel, process.apparmorProfile. The positive cases need
# an LSM and run in the VM harness (tests/vm, OCIRT_TEST_VM=selinux|apparmor); the refusals
# when the LSM is off run on any host without it.

load ../helpers

setup() {
	requires root busybox
	setup_bundle
}

teardown() {
	teardown_bundle
	if [ -n "${AA_PROFILE_LOADED:-}" ]; then
		apparmor_parser -R "$BATS_TEST_TMPDIR/aa-profile" 2>/dev/null || true
	fi
}

selinux_on() {
	[ -e /sys/fs/selinux/enforce ]
}

apparmor_on() {
	[ -d /sys/kernel/security/apparmor ] && [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

# A label the loaded policy knows: container_t when container-selinux is installed,
# else the test's own context (a transition to itself is always allowed).
selinux_test_label() {
	local mine
	mine=$(cat /proc/self/attr/current | tr -d '\0')
	if [ -n "${OCIRT_TEST_SELINUX_LABEL:-}" ]; then
		echo "$OCIRT_TEST_SELINUX_LABEL"
	elif command -v seinfo >/dev/null && seinfo -t container_t >/dev/null 2>&1; then
		echo "system_u:system_r:container_t:s0:c100,c200"
	else
		echo "$mine"
	fi
}

# ---- SELinux --------------------------------------------------------------------------

@test "selinux: process.selinuxLabel is the container process's context" {
	requires selinux
	local label
	label=$(selinux_test_label)
	update_config '.process.selinuxLabel = "'"$label"'" | .process.args = ["/bin/cat", "/proc/self/attr/current"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(tr -d '\0' <<<"$output")" = "$label" ]
}

@test "selinux: an invalid label is a clear error" {
	requires selinux
	update_config '.process.selinuxLabel = "not_a_user:not_a_role:not_a_type:s0"'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not_a_user:not_a_role:not_a_type:s0"* ]]
}

@test "selinux: linux.mountLabel labels the tmpfs mounts" {
	requires selinux
	# container_file_t with container-selinux, else tmpfs_t (in every refpolicy-based policy)
	local mlabel="${OCIRT_TEST_SELINUX_MOUNT_LABEL:-}"
	if [ -z "$mlabel" ]; then
		if command -v seinfo >/dev/null && seinfo -t container_file_t >/dev/null 2>&1; then
			mlabel="system_u:object_r:container_file_t:s0:c100,c200"
		else
			mlabel="system_u:object_r:tmpfs_t:s0"
		fi
	fi
	update_config '.linux.mountLabel = "'"$mlabel"'"
		| .mounts += [{"destination": "/labelled", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]}]
		| .process.args = ["/bin/sh", "-c", "grep -w /labelled /proc/self/mounts"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	# SELinux shows the context= mount option in /proc/mounts (busybox has no ls -Z)
	[[ "$output" == *"context=\"$mlabel\""* || "$output" == *"context=$mlabel"* ]]
}

@test "selinux off: a process label is refused (runc's error)" {
	selinux_on && skip "SELinux is enabled on this host"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"selinux label is specified in config, but selinux is disabled or not supported"* ]]
}

@test "selinux off: linux.mountLabel is ignored" {
	selinux_on && skip "SELinux is enabled on this host"
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0"
		| .mounts += [{"destination": "/labelled", "type": "tmpfs", "source": "tmpfs"}]
		| .process.args = ["/bin/sh", "-c", "grep -w /labelled /proc/self/mounts"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == */labelled* ]]
	[[ "$output" != *context=* ]]
}

# ---- AppArmor -------------------------------------------------------------------------

@test "apparmor: process.apparmorProfile confines the container process" {
	requires apparmor
	command -v apparmor_parser >/dev/null || skip "test requires apparmor_parser"
	cat >"$BATS_TEST_TMPDIR/aa-profile" <<-'EOF'
		#include <tunables/global>
		profile ocirt-test-profile flags=(attach_disconnected,mediate_deleted) {
		  #include <abstractions/base>
		  file,
		  capability,
		  network,
		  umount,
		  signal,
		  deny /etc/hostname r,
		}
	EOF
	apparmor_parser -r "$BATS_TEST_TMPDIR/aa-profile"
	AA_PROFILE_LOADED=1
	update_config '.process.apparmorProfile = "ocirt-test-profile"
		| .process.args = ["/bin/sh", "-c", "cat /proc/self/attr/current; cat /etc/hostname || echo denied"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ocirt-test-profile (enforce)"* ]]
	[[ "$output" == *denied* ]]
}

@test "apparmor: an unknown profile fails the start" {
	requires apparmor
	update_config '.process.apparmorProfile = "ocirt-no-such-profile"'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *apparmor* ]]
}

@test "apparmor off: a profile is refused (runc errors too)" {
	apparmor_on && skip "AppArmor is enabled on this host"
	update_config '.process.apparmorProfile = "docker-default"'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *apparmor* ]]
}
