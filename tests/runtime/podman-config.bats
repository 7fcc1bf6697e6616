#!/usr/bin/env bats
# Podman's own config.json (tests/unit/fixtures/podman-config.json, as podman 4.3 wrote it)
# runs under ocirt with its root pointed at a busybox rootfs, its bind sources at scratch
# files and its netns path at a namespace we create; the container must look like the one
# the reference runtime makes from the same file: mounts, hostname, namespaces.
#
# The reference is crun when it can run here. crun 1.8.1 refuses hybrid hosts whose cgroup2
# hierarchy has controllers ("cgroups in hybrid mode not supported"), even with
# --cgroup-manager=disabled; runc 1.1.5 is the reference then.

load ../helpers
load ../helpers-lifecycle

FIXTURE="${OCIRT_TESTS_SRCDIR:-$BATS_TEST_DIRNAME/..}/unit/fixtures/podman-config.json"

# Differences to the reference that are known and owned by another area, as
# "<diff line prefix>" patterns (grep -E). Each is reported as a note; remove an entry when
# fixed so the test guards it.
PENDING_DIFFS=(
	# runc 1.1.5 leaves the /sys/fs/cgroup tmpfs writable despite the mount's "ro"
	'^> /sys/fs/cgroup rw,'
	'^< /sys/fs/cgroup ro,'
	# runc 1.1.5 does not mount the hybrid host's cgroup2 hierarchy in the container
	'^< /sys/fs/cgroup/unified '
	# masked files: runc's /dev/null binds stay rw, ours are remounted ro
	'^[<>] /proc/(keys|timer_list|latency_stats|timer_stats|sched_debug|kcore) '
	# crun vs runc (ocirt follows runc): readonlyPaths keep the /proc mount's
	# nosuid,nodev,noexec in runc and ocirt, crun drops them; masked directories are a
	# read-only tmpfs superblock in runc and ocirt, a rw one remounted ro in crun
	'^[<>] /proc/(bus|fs|irq|sys|sysrq-trigger|asound) '
	'^[<>] /(proc/acpi|proc/scsi|sys/firmware|sys/dev/block|sys/fs/selinux) '
)

setup() {
	requires root busybox ip
	[ -f "$FIXTURE" ] || skip "no podman fixture at $FIXTURE"
	setup_bundle
	NETNS="ocirt-test-$CID"
	ip netns add "$NETNS"
	UD="$BATS_TEST_TMPDIR/userdata"
	mkdir -p "$UD/shm"
	echo "127.0.0.1 localhost" >"$UD/hosts"
	echo podman-box >"$UD/hostname"
	: >"$UD/resolv.conf"
	: >"$UD/.containerenv"
	REF_ROOT="$BATS_TEST_TMPDIR/ref-root"
	REF_ID=
	REF=
}

teardown() {
	if [ -n "$REF_ID" ]; then
		"$REF" --root "$REF_ROOT" delete -f "$REF_ID" >/dev/null 2>&1 || true
	fi
	teardown_bundle
	ip netns delete "$NETNS" 2>/dev/null || true
	find /sys/fs/cgroup -maxdepth 3 -type d -name "ocirt-podman-test*" -delete 2>/dev/null || true
}

# podman_config OUT CGROUPS_PATH: the fixture adapted to this host.
podman_config() {
	local hard
	hard=$(ulimit -Hu)
	[ "$hard" = unlimited ] && hard=1048576
	jq --arg root "$BUNDLE/rootfs" --arg ns "/run/netns/$NETNS" --arg ud "$UD" --arg cg "$2" \
		--argjson nproc "$hard" '
		.root.path = $root
		| .process.args = ["/bin/busybox", "sleep", "1000"]
		| .process.env += ["'"$TEST_MARKER"'=1"]
		| .linux.namespaces |= map(if .type == "network" then .path = $ns else . end)
		| .mounts |= map(if .type == "bind" then .source = ($ud + "/" + (.source | split("/") | last)) else . end)
		| .process.rlimits |= map(if .type == "RLIMIT_NPROC" and .hard > $nproc then .hard = $nproc | .soft = $nproc else . end)
		| .linux.cgroupsPath = $cg' "$FIXTURE" >"$1"
}

# mountinfo of PID without instance-specific values: mount point, per-mount options,
# fs type, super options (sizes and inode counts dropped).
norm_mounts() {
	local f i s
	while read -r -a f; do
		for ((i = 6; i < ${#f[@]}; i++)); do [ "${f[i]}" = - ] && break; done
		s=$(sed -E 's/(^|,)(size|nr_inodes)=[^,]*//g; s/(^|,)inode64//g; s/^,//' <<<"${f[i + 3]}")
		echo "${f[4]} ${f[5]} ${f[i + 1]} $s"
	done <"/proc/$1/mountinfo"
}

# The namespace types PID does not share with us, and its netns inode.
ns_summary() {
	local t out=""
	for t in pid net ipc uts mnt cgroup user time; do
		[ -e "/proc/$1/ns/$t" ] || continue
		[ "$(readlink "/proc/$1/ns/$t")" = "$(readlink "/proc/self/ns/$t")" ] || out+="$t "
	done
	echo "$out net=$(stat -L -c %i "/proc/$1/ns/net")"
}

start_reference() {
	local bundle="$BATS_TEST_TMPDIR/ref-bundle"
	mkdir -p "$bundle"
	podman_config "$bundle/config.json" "/ocirt-podman-test-ref/$CID"
	REF_ID="ref-$CID"
	if command -v crun >/dev/null &&
		crun --root "$REF_ROOT" --cgroup-manager=disabled run -d --bundle "$bundle" "$REF_ID" \
			</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/crun.err"; then
		REF=crun
	elif command -v runc >/dev/null &&
		runc --root "$REF_ROOT" run -d --bundle "$bundle" "$REF_ID" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/runc.err"; then
		REF=runc
		echo "# reference: runc (crun: $(cat "$BATS_TEST_TMPDIR/crun.err" 2>/dev/null))" >&3
	else
		REF_ID=
		skip "no reference runtime runs this config here (crun: $(cat "$BATS_TEST_TMPDIR/crun.err" 2>/dev/null))"
	fi
	REF_PID=$("$REF" --root "$REF_ROOT" state "$REF_ID" | jq -r .pid)
}

@test "podman's config.json runs under ocirt" {
	podman_config "$BUNDLE/config.json" "/ocirt-podman-test/$CID"
	run_detached_quiet
	testcontainer "$CID" running
	# placed in the absolute cgroupsPath, on every hierarchy
	grep -q ":/ocirt-podman-test/$CID\$" "/proc/$PID/cgroup"
	! grep -v ":/ocirt-podman-test/$CID\$" "/proc/$PID/cgroup"
	[ "$(nsenter -u -t "$PID" hostname)" = "$(jq -r .hostname "$FIXTURE")" ]
	[ "$(stat -L -c %i "/proc/$PID/ns/net")" = "$(stat -L -c %i "/run/netns/$NETNS")" ]
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
	no_state_left "$CID"
	[ ! -e /sys/fs/cgroup/pids/ocirt-podman-test ] && [ ! -e /sys/fs/cgroup/ocirt-podman-test ]
}

@test "podman's config.json: same mounts, hostname and namespaces as the reference runtime" {
	start_reference
	podman_config "$BUNDLE/config.json" "/ocirt-podman-test/$CID"
	run_detached_quiet

	[ "$(nsenter -u -t "$PID" hostname)" = "$(nsenter -u -t "$REF_PID" hostname)" ]
	[ "$(ns_summary "$PID")" = "$(ns_summary "$REF_PID")" ] ||
		fail "namespaces: ocirt [$(ns_summary "$PID")], $REF [$(ns_summary "$REF_PID")]"

	local d pending=("${PENDING_DIFFS[@]}") filtered
	d=$(diff <(norm_mounts "$PID") <(norm_mounts "$REF_PID") | grep '^[<>]' || true)
	filtered=$d
	local p
	for p in "${pending[@]}"; do
		filtered=$(grep -Ev -- "$p" <<<"$filtered" || true)
	done
	if [ "$d" != "$filtered" ] || [ -n "$d" ]; then
		echo "# mount differences to $REF (< ocirt, > $REF):" >&3
		sed 's/^/#   /' <<<"$d" >&3
	fi
	[ -z "$filtered" ] || fail "unexpected mount differences to $REF:"$'\n'"$filtered"
}
