#!/usr/bin/env bats
# Sanity checks of the VM harness itself (tests/vm/run-vm.sh): the guest has
# what the runtime tests rely on. Meant to run inside the VM; on any other
# machine every test skips.
#
# OCIRT_VM_INJECT=fail|hang|panic makes the run fail on purpose, to prove that
# the harness reports failures, timeouts and crashes as failures.

setup() {
	if [ -z "${OCIRT_TEST_VM:-}" ]; then
		skip "not inside the ocirt test VM (OCIRT_TEST_VM unset)"
	fi
}

systemd_mode() {
	case "$OCIRT_TEST_VM" in
	systemd | selinux | apparmor) return 0 ;;
	esac
	return 1
}

@test "the guest announces a known mode" {
	case "$OCIRT_TEST_VM" in
	cgroup2 | systemd | selinux | apparmor) ;;
	*)
		echo "unexpected OCIRT_TEST_VM=$OCIRT_TEST_VM"
		return 1
		;;
	esac
}

@test "/sys/fs/cgroup is cgroup2 and there is no v1 hierarchy" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
	[ -f /sys/fs/cgroup/cgroup.controllers ]
	run grep -c ' - cgroup ' /proc/self/mountinfo
	[ "$output" = 0 ]
	# cgroup_no_v1=all: a v1 hierarchy of a controller cannot be mounted
	local d
	d=$(mktemp -d)
	run mount -t cgroup -o memory cgroup "$d"
	[ "$status" -eq 0 ] && umount "$d"
	rmdir "$d"
	[ "$status" -ne 0 ]
}

@test "controllers are enabled in the root subtree" {
	local avail enabled c
	avail=$(cat /sys/fs/cgroup/cgroup.controllers)
	enabled=$(cat /sys/fs/cgroup/cgroup.subtree_control)
	echo "available: $avail"
	echo "enabled:   $enabled"
	for c in cpu io memory pids; do
		[[ " $enabled " == *" $c "* ]]
	done
	if [ "$OCIRT_TEST_VM" = cgroup2 ]; then
		for c in $avail; do
			[[ " $enabled " == *" $c "* ]]
		done
	fi
}

@test "OCIRT_VM_TEST_CGROUP: the tests run in that leaf cgroup, PID 1 is not in the root" {
	[ -n "${OCIRT_VM_TEST_CGROUP:-}" ] && [ "$OCIRT_VM_TEST_CGROUP" != / ] ||
		skip "the tests run in the root cgroup (OCIRT_VM_TEST_CGROUP=/)"
	[ "$OCIRT_TEST_VM" = cgroup2 ] || skip "systemd places the tests in mode $OCIRT_TEST_VM"
	local cg
	cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
	echo "cgroup: $cg"
	[[ "$cg" == "$OCIRT_VM_TEST_CGROUP"* ]]
	[ -e "/sys/fs/cgroup$cg/cgroup.freeze" ]
	[ "$(cat /proc/1/cgroup)" = "0::/init.scope" ]
}

@test "a new cgroup gets memory and pids limits and takes a process" {
	local cg=/sys/fs/cgroup/ocirt-vm-sanity-$$
	mkdir "$cg"
	echo $((64 * 1024 * 1024)) >"$cg/memory.max"
	echo 16 >"$cg/pids.max"
	[ "$(cat "$cg/memory.max")" = 67108864 ]
	[ "$(cat "$cg/pids.max")" = 16 ]
	run sh -c "echo 0 > $cg/cgroup.procs && cat /proc/self/cgroup"
	echo "$output"
	rmdir "$cg"
	[ "$status" -eq 0 ]
	[ "$output" = "0::/ocirt-vm-sanity-$$" ]
}

@test "pids.max is enforced" {
	local cg=/sys/fs/cgroup/ocirt-vm-pids-$$
	mkdir "$cg"
	echo 2 >"$cg/pids.max"
	run sh -c "echo 0 > $cg/cgroup.procs; sleep 0.5 & sleep 0.5 & sleep 0.5 & wait"
	echo "$output"
	[ "$(cat "$cg/pids.events")" != "max 0" ]
	sleep 0.1
	rmdir "$cg"
}

@test "unshare -m -p -f --mount-proc works" {
	run unshare -m -p -f --mount-proc sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
}

@test "user, uts, ipc, net and cgroup namespaces can be created" {
	run unshare -U -r id -u
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	unshare -u -i -n -C true
}

@test "pivot_root works (the root is not the initramfs)" {
	local d
	d=$(mktemp -d)
	mount -t tmpfs tmpfs "$d"
	mkdir "$d/bin" "$d/old"
	cp /bin/busybox "$d/bin/busybox"
	run unshare -m --propagation private /bin/busybox sh -c \
		"cd $d && /bin/busybox pivot_root . old && /bin/busybox umount -l /old && /bin/busybox ls /"
	umount "$d"
	rmdir "$d"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *bin* ]]
}

@test "overlayfs and a loop of busybox applets work" {
	local d
	d=$(mktemp -d)
	mkdir "$d"/{l,u,w,m}
	echo lower >"$d/l/f"
	mount -t overlay overlay -o "lowerdir=$d/l,upperdir=$d/u,workdir=$d/w" "$d/m"
	echo upper >"$d/m/f"
	[ "$(cat "$d/l/f")" = lower ]
	[ "$(cat "$d/u/f")" = upper ]
	umount "$d/m"
	rm -rf "$d"
}

@test "the tools the runtime tests need are present" {
	local c
	for c in bats jq awk sed grep find xargs tar ip unshare nsenter setpriv file which; do
		command -v "$c" || { echo "$c is missing"; return 1; }
	done
	/bin/busybox true
	# tests build their rootfs from a static busybox
	run ldd /bin/busybox
	[ "$status" -ne 0 ] || [[ "$output" == *"not a dynamic executable"* ]]
	[ -d "$OCIRT_TESTS_SRCDIR" ]
	[ -f "$OCIRT_TESTS_SRCDIR/vm/sanity.bats" ]
	[ -e /dev/ptmx ] && [ -d /dev/pts ]
}

@test "the built runtime is in the guest and runs" {
	[ -n "${OCIRT:-}" ] || skip "OCIRT was not passed to run-vm.sh"
	[ -x "$OCIRT" ]
	run "$OCIRT" --version
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "systemd is PID 1 with D-Bus (systemd, selinux, apparmor modes)" {
	systemd_mode || skip "no systemd in mode $OCIRT_TEST_VM"
	[ "$(cat /proc/1/comm)" = systemd ]
	[ -d /run/systemd/system ]
	[ -S /run/dbus/system_bus_socket ]
	run systemctl is-system-running --wait
	echo "$output"
	[ "$output" = running ] || [ "$output" = degraded ]
	busctl --system status >/dev/null
	# transient units through D-Bus, as the systemd cgroup driver uses them
	run systemd-run --quiet --scope --unit "ocirt-vm-sanity-$$" cat /proc/self/cgroup
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/ocirt-vm-sanity-$$.scope" ]]
}

@test "podman sees cgroup v2 and uses the systemd cgroup manager (systemd modes)" {
	systemd_mode || skip "no systemd in mode $OCIRT_TEST_VM"
	command -v podman >/dev/null || skip "podman is not in the image"
	run podman info --format '{{.Host.CgroupsVersion}} {{.Host.CgroupManager}}'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "v2 systemd" ]
}

@test "SELinux is enabled with a policy loaded (selinux mode)" {
	[ "$OCIRT_TEST_VM" = selinux ] || skip "SELinux is only enabled in selinux mode"
	grep -qw selinux /sys/kernel/security/lsm
	mountpoint -q /sys/fs/selinux
	[ -f /sys/fs/selinux/policyvers ]
	run getenforce
	echo "$output"
	[ "$output" = Permissive ] || [ "$output" = Enforcing ]
	run id -Z
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *:*:*:* ]]
	# the image was labelled when it was built
	run stat -c %C /usr/bin/bash
	echo "$output"
	[[ "$output" == *:shell_exec_t:* ]]
}

@test "AppArmor is enabled and can load a profile (apparmor mode)" {
	[ "$OCIRT_TEST_VM" = apparmor ] || skip "AppArmor is only enabled in apparmor mode"
	grep -qw apparmor /sys/kernel/security/lsm
	[ -d /sys/kernel/security/apparmor ]
	[ "$(cat /sys/module/apparmor/parameters/enabled)" = Y ]
	local p=$BATS_TEST_TMPDIR/profile
	printf 'profile ocirt-vm-sanity flags=(attach_disconnected) {\n  file,\n}\n' >"$p"
	apparmor_parser -r "$p"
	grep -q '^ocirt-vm-sanity ' /sys/kernel/security/apparmor/profiles
	apparmor_parser -R "$p"
	! grep -q '^ocirt-vm-sanity ' /sys/kernel/security/apparmor/profiles
}

@test "injected failure (OCIRT_VM_INJECT)" {
	case "${OCIRT_VM_INJECT:-}" in
	"") skip "nothing injected" ;;
	fail)
		echo "failing on purpose"
		return 1
		;;
	hang) sleep infinity ;;
	panic)
		echo 1 >/proc/sys/kernel/sysrq
		echo c >/proc/sysrq-trigger
		;;
	*) skip "unknown OCIRT_VM_INJECT=$OCIRT_VM_INJECT" ;;
	esac
}
