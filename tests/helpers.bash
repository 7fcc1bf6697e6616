#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the bats suites (tests/runtime/*.bats, tests/shim/*.bats, ...).
#
# Typical file:
#
#   load ../helpers
#   setup()    { setup_bundle; }          # $BUNDLE, $CID, $OCIRT_ROOT ready
#   teardown() { teardown_bundle; }       # delete -f everything, then check_no_leaks
#
#   @test "true exits 0" {
#       update_config '.process.args = ["/bin/sh", "-c", "exit 0"]'
#       ocirt run -b "$BUNDLE" "$CID"
#       [ "$status" -eq 0 ]
#   }
#
# Variables (exported unless noted):
#   OCIRT         absolute path of the ocirt binary under test
#   OCIRT_ROOT    per-test state root (passed as --root by the `ocirt` wrapper)
#   BUNDLE        per-test bundle directory (rootfs/ + config.json) after setup_bundle
#   CID           a container ID unique to this test (registered for the leak checks)
#   TEST_MARKER   unique name; "$TEST_MARKER=1" is in the container's env (process leak check)
#   RECVTTY       path of tests/tools/recvtty (console-socket receiver), if built
#   OCIRT_TEST_VM set by the VM harness: cgroup2|systemd|selinux|apparmor (empty on the host)

if declare -F bats_require_minimum_version >/dev/null; then
	bats_require_minimum_version 1.5.0
fi

# This file is loaded again for every test: what it works out once per run (binary paths,
# the static busybox) is cached in $BATS_RUN_TMPDIR, and it forks nothing when cached.
HELPERS_DIR=${BASH_SOURCE[0]%/*}
[ "$HELPERS_DIR" = "${BASH_SOURCE[0]}" ] && HELPERS_DIR=.
[[ "$HELPERS_DIR" == /* ]] || HELPERS_DIR="$PWD/$HELPERS_DIR"

# --- locating the binaries -------------------------------------------------------------

find_ocirt() {
	local c
	for c in "${OCIRT:-}" \
		${OCIRT_TESTS_BUILDDIR:+"$OCIRT_TESTS_BUILDDIR/../ocirt"} \
		"$PWD/ocirt" "$HELPERS_DIR/../ocirt" "$(command -v ocirt 2>/dev/null)"; do
		if [ -n "$c" ] && [ -x "$c" ] && [ -f "$c" ]; then
			echo "$(cd "$(dirname "$c")" && pwd)/$(basename "$c")"
			return 0
		fi
	done
	return 1
}

find_busybox() {
	local c
	for c in /bin/busybox /usr/bin/busybox /usr/lib/initramfs-tools/bin/busybox; do
		if [ -x "$c" ] && file -L "$c" 2>/dev/null | grep -q 'statically linked'; then
			echo "$c"
			return 0
		fi
	done
	return 0
}

helpers_cache="${BATS_RUN_TMPDIR:+$BATS_RUN_TMPDIR/.ocirt-helpers.env}"
if [ -n "$helpers_cache" ] && [ -f "$helpers_cache" ]; then
	# shellcheck disable=SC1090
	source "$helpers_cache"
else
	if ! OCIRT="$(find_ocirt)"; then
		echo "helpers.bash: cannot find the ocirt binary (set OCIRT=/path/to/ocirt)" >&2
		OCIRT=/nonexistent/ocirt
	fi
	OCIRT_TESTS_SRCDIR="${OCIRT_TESTS_SRCDIR:-$HELPERS_DIR}"
	OCIRT_TESTS_BUILDDIR="${OCIRT_TESTS_BUILDDIR:-${OCIRT%/*}/tests}"
	RECVTTY="${RECVTTY:-$OCIRT_TESTS_BUILDDIR/tools/recvtty}"
	BUSYBOX="${BUSYBOX:-$(find_busybox)}"
	if [ -n "$helpers_cache" ]; then
		# plain assignments: bats sources this file inside a function, where the
		# `declare` lines of `declare -p` would make the variables local
		local_vars_=(OCIRT OCIRT_TESTS_SRCDIR OCIRT_TESTS_BUILDDIR RECVTTY BUSYBOX)
		for v_ in "${local_vars_[@]}"; do printf '%s=%q\n' "$v_" "${!v_}"; done >"$helpers_cache.$$"
		mv -f "$helpers_cache.$$" "$helpers_cache"
	fi
fi
export OCIRT OCIRT_TESTS_SRCDIR OCIRT_TESTS_BUILDDIR RECVTTY BUSYBOX
export OCIRT_TEST_VM="${OCIRT_TEST_VM:-}"

# random_hex N: N*4 random hex digits in $REPLY, without forking.
random_hex() {
	local i
	REPLY=""
	for ((i = 0; i < $1; i++)); do
		printf -v REPLY '%s%04x' "$REPLY" $((RANDOM ^ (${SRANDOM:-0} & 0xffff)))
	done
}

# --- running ocirt ---------------------------------------------------------------------

# The raw call, usable with `run -N __ocirt ...` or in pipelines.
__ocirt() {
	"$OCIRT" --root "$OCIRT_ROOT" "$@"
}

# `ocirt ARGS...` = bats `run` of ocirt with the per-test root. Sets $status, $output,
# $lines. The command and its output go to fd 3-less stderr, shown by bats on failure.
ocirt() {
	run __ocirt "$@"
	echo "ocirt $* (status=$status):" >&2
	echo "$output" >&2
}

# Same, with stderr kept apart in $stderr / $stderr_lines.
ocirt_sep() {
	run --separate-stderr __ocirt "$@"
	echo "ocirt $* (status=$status):" >&2
	echo "$output" >&2
	echo "stderr: $stderr" >&2
}

# fail "message": end the test with a message (bats `fail` only exists in bats-support).
fail() {
	echo "$@" >&2
	return 1
}

# --- host feature gates ----------------------------------------------------------------

cgroup_mode() {
	# unified (pure v2), hybrid (v1 + v2 at /sys/fs/cgroup/unified), legacy (v1 only)
	local t
	t=$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)
	if [ "$t" = cgroup2fs ]; then
		echo unified
	elif [ -d /sys/fs/cgroup/unified ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
		echo hybrid
	else
		echo legacy
	fi
}

# requires FEATURE...: skip the test with a reason when the host lacks one of them.
requires() {
	local f
	for f in "$@"; do
		case "$f" in
		root)
			[ "$(id -u)" -eq 0 ] || skip "test requires root"
			;;
		rootless)
			[ "$(id -u)" -ne 0 ] || skip "test requires a non-root user"
			;;
		cgroup_v1)
			[ "$(cgroup_mode)" != unified ] || skip "test requires cgroup v1 controllers"
			;;
		cgroup_v2)
			[ "$(cgroup_mode)" = unified ] || skip "test requires a pure cgroup v2 host"
			;;
		cgroup_hybrid)
			[ "$(cgroup_mode)" = hybrid ] || skip "test requires a cgroup v1/v2 hybrid host"
			;;
		cgroup_freezer)
			if [ "$(cgroup_mode)" = unified ]; then
				[ -e "/sys/fs/cgroup/$(awk -F: '$1==0 {print $3}' /proc/self/cgroup)/cgroup.freeze" ] ||
					[ -e /sys/fs/cgroup/init.scope/cgroup.freeze ] ||
					skip "test requires the cgroup v2 freezer"
			else
				[ -d /sys/fs/cgroup/freezer ] || skip "test requires the cgroup v1 freezer"
			fi
			;;
		cgroup_ctrl:*)
			local ctrl=${f#cgroup_ctrl:}
			if [ "$(cgroup_mode)" = unified ]; then
				grep -qw "$ctrl" /sys/fs/cgroup/cgroup.controllers 2>/dev/null ||
					skip "test requires the $ctrl cgroup controller"
			else
				[ -d "/sys/fs/cgroup/$ctrl" ] || skip "test requires the $ctrl cgroup controller"
			fi
			;;
		selinux)
			[ -e /sys/fs/selinux/enforce ] || skip "test requires SELinux"
			;;
		apparmor)
			[ -d /sys/kernel/security/apparmor ] || skip "test requires AppArmor"
			;;
		systemd)
			[ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] || skip "test requires systemd as PID 1"
			;;
		userns)
			[ -e /proc/self/ns/user ] || skip "test requires user namespaces"
			[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" -gt 0 ] ||
				skip "test requires user namespaces (max_user_namespaces is 0)"
			;;
		timens)
			[ -e /proc/self/ns/time ] || skip "test requires time namespaces"
			;;
		smp)
			[ "$(nproc)" -gt 1 ] || skip "test requires more than one CPU"
			;;
		busybox)
			[ -n "$BUSYBOX" ] || skip "test requires a static busybox (busybox-static)"
			;;
		recvtty)
			[ -x "$RECVTTY" ] || skip "test requires tests/tools/recvtty (make check builds it)"
			;;
		vm)
			[ -n "$OCIRT_TEST_VM" ] || skip "test only runs in the VM harness"
			;;
		no_vm)
			[ -z "$OCIRT_TEST_VM" ] || skip "test does not run in the VM harness"
			;;
		man | podman | docker | crun | runc | containerd | ctr | criu | ip | unshare | nsenter | setpriv | newuidmap | newgidmap | systemd-run | strace | socat | python3)
			command -v "$f" >/dev/null 2>&1 || skip "test requires $f"
			;;
		*)
			fail "requires: unknown feature \"$f\""
			return 1
			;;
		esac
	done
}

# --- bundles ---------------------------------------------------------------------------

# Build (once per bats run) a busybox rootfs template and print its path.
rootfs_template() {
	local tpl="${BATS_RUN_TMPDIR:?}/rootfs-template"
	(
		flock 9
		if [ ! -e "$tpl/.done" ]; then
			[ -n "$BUSYBOX" ] || { echo "helpers.bash: no static busybox found (apt-get install busybox-static)" >&2; exit 1; }
			rm -rf "$tpl"
			mkdir -p "$tpl"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,var/tmp,root,home,mnt}
			chmod 1777 "$tpl/tmp" "$tpl/var/tmp"
			cp "$BUSYBOX" "$tpl/bin/busybox"
			local app
			# one process for ~270 links (a fork per link costs seconds on slow hosts)
			if command -v perl >/dev/null; then
				(cd "$tpl" && "$BUSYBOX" --list-full | perl -ne 'chomp; symlink("/bin/busybox", $_) unless -l $_ or -e $_')
			else
				for app in $("$BUSYBOX" --list-full); do
					[ -e "$tpl/$app" ] || [ -L "$tpl/$app" ] || ln -s /bin/busybox "$tpl/$app"
				done
			fi
			# a few names callers rely on, whatever this busybox build calls them
			for app in sh ls cat echo sleep true false id mount grep hostname ps env; do
				[ -e "$tpl/bin/$app" ] || [ -L "$tpl/bin/$app" ] || ln -s busybox "$tpl/bin/$app"
			done
			cat >"$tpl/etc/passwd" <<-'EOF'
				root:x:0:0:root:/root:/bin/sh
				daemon:x:1:1:daemon:/usr/sbin:/bin/false
				test:x:1000:1000:test user:/home:/bin/sh
				nobody:x:65534:65534:nobody:/nonexistent:/bin/false
			EOF
			cat >"$tpl/etc/group" <<-'EOF'
				root:x:0:
				daemon:x:1:
				tty:x:5:
				users:x:100:test
				test:x:1000:
				nogroup:x:65534:
			EOF
			echo "127.0.0.1 localhost" >"$tpl/etc/hosts"
			: >"$tpl/etc/resolv.conf"
			echo ocirt-test >"$tpl/etc/hostname"
			touch "$tpl/.done"
		fi
	) 9>"${BATS_RUN_TMPDIR}/rootfs-template.lock" || return 1
	echo "$tpl"
}

# Directories between BATS_RUN_TMPDIR and a test dir are 0700 (mktemp); make them
# traversable so processes running under mapped uids (user namespaces) reach the rootfs.
open_tmpdir_path() {
	local d="$1" dirs=()
	while [ -n "$d" ] && [ "$d" != / ]; do
		dirs+=("$d")
		[ "$d" = "$BATS_RUN_TMPDIR" ] && break
		d=${d%/*}
	done
	[ ${#dirs[@]} -eq 0 ] || chmod a+x "${dirs[@]}" 2>/dev/null || true
}

# new_cid [prefix]: a fresh container ID, registered for the leak checks.
new_cid() {
	local id
	random_hex 3
	id="${1:-ot}-$REPLY"
	echo "$id" >>"$BATS_TEST_TMPDIR/.cids"
	echo "$id"
}

# setup_bundle [dir]: a fresh bundle ($BUNDLE) with a busybox rootfs and a config.json from
# `ocirt spec` running /bin/true without a terminal; sets OCIRT_ROOT, CID, TEST_MARKER.
setup_bundle() {
	local tpl
	export OCIRT_ROOT="$BATS_TEST_TMPDIR/state"
	export BUNDLE="${1:-$BATS_TEST_TMPDIR/bundle}"
	# Not exported: only the container's environment may hold "$TEST_MARKER=1".
	random_hex 4
	TEST_MARKER="ocirt_test_marker_$REPLY"
	echo "$TEST_MARKER=1" >"$BATS_TEST_TMPDIR/.marker"
	mkdir -p "$OCIRT_ROOT" "$BUNDLE"
	chmod 0755 "$BUNDLE"
	open_tmpdir_path "$BUNDLE"
	tpl=$(rootfs_template) || return 1
	cp -a "$tpl" "$BUNDLE/rootfs"
	rm -f "$BUNDLE/rootfs/.done"
	(cd "$BUNDLE" && "$OCIRT" spec) || {
		echo "setup_bundle: \`ocirt spec\` failed" >&2
		return 1
	}
	update_config '.process.args = ["/bin/true"] | .process.terminal = false
		| .process.env += ["'"$TEST_MARKER"'=1"]'
	CID=$(new_cid)
	export CID
}

# update_config 'jq filter' [bundle]: edit config.json in place.
update_config() {
	local cfg="${2:-$BUNDLE}/config.json" tmp
	tmp="$cfg.tmp.$BASHPID"
	if ! jq "$1" "$cfg" >"$tmp"; then
		rm -f "$tmp"
		fail "update_config: jq filter failed: $1"
		return 1
	fi
	mv "$tmp" "$cfg"
}

# --- state helpers ---------------------------------------------------------------------

# container_status ID: prints the status from `ocirt state` (empty if it fails).
container_status() {
	__ocirt state "$1" 2>/dev/null | jq -r .status 2>/dev/null
}

# wait_for_status ID STATUS [timeout-seconds]: poll `ocirt state`.
wait_for_status() {
	local id=$1 want=$2 timeout=${3:-5} i
	for ((i = 0; i < timeout * 20; i++)); do
		[ "$(container_status "$id")" = "$want" ] && return 0
		sleep 0.05
	done
	fail "container $id did not reach status $want within ${timeout}s (is: $(container_status "$id"))"
}

# testcontainer ID STATUS: assert the current status.
testcontainer() {
	local got
	got=$(container_status "$1")
	[ "$got" = "$2" ] || fail "container $1: status \"$got\", expected \"$2\""
}

# retry COUNT DELAY CMD...: run CMD until it succeeds.
retry() {
	local n=$1 delay=$2 i
	shift 2
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep "$delay"
	done
	fail "retry: \`$*\` failed $n times"
}

# --- teardown and leak checks ----------------------------------------------------------

# Forks are what makes a bats suite slow (a command substitution costs a fork, an external
# command another): these run after every test, so they fill global arrays with bash
# builtins and run two external commands in all (grep, find) when nothing leaked.

# TEST_CIDS: the container IDs of this test (registered by new_cid, plus the state root's).
collect_cids() {
	local -A seen=()
	local id d
	TEST_CIDS=()
	if [ -f "$BATS_TEST_TMPDIR/.cids" ]; then
		while read -r id; do
			[ -n "$id" ] && [ -z "${seen[$id]:-}" ] && seen[$id]=1 && TEST_CIDS+=("$id")
		done <"$BATS_TEST_TMPDIR/.cids"
	fi
	if [ -n "${OCIRT_ROOT:-}" ]; then
		for d in "$OCIRT_ROOT"/*/; do
			[ -d "$d" ] || continue
			d=${d%/}
			id=${d##*/}
			[ -z "${seen[$id]:-}" ] && seen[$id]=1 && TEST_CIDS+=("$id")
		done
	fi
	return 0
}

test_cids() {
	collect_cids
	[ ${#TEST_CIDS[@]} -eq 0 ] || printf '%s\n' "${TEST_CIDS[@]}"
}

# Delete (forcefully) every container this test made. Never fails.
delete_all_containers() {
	[ -n "${OCIRT_ROOT:-}" ] || return 0
	local id
	collect_cids
	for id in "${TEST_CIDS[@]}"; do
		"$OCIRT" --root "$OCIRT_ROOT" delete -f "$id" >/dev/null 2>&1 || true
	done
}

# LEAKED_PIDS: processes whose environment holds the test's marker (container processes),
# and ocirt processes still working on the test's state root.
collect_leaked_processes() {
	local marker="" tmp="$BATS_TEST_TMPDIR/.leak-grep" line f p m exe
	local -A seen=()
	LEAKED_PIDS=()
	[ -f "$BATS_TEST_TMPDIR/.marker" ] && read -r marker <"$BATS_TEST_TMPDIR/.marker"
	# one grep for both: it prints "file:match" for each hit
	grep -saoF ${marker:+-e "$marker"} ${OCIRT_ROOT:+-e "$OCIRT_ROOT"} \
		/proc/[0-9]*/environ /proc/[0-9]*/cmdline >"$tmp" 2>/dev/null || true
	while IFS= read -r line; do
		f=${line%%:*}
		m=${line#*:}
		p=${f#/proc/}
		p=${p%%/*}
		[ -n "${seen[$p]:-}" ] && continue
		[ "$p" = "$$" ] || [ "$p" = "${BASHPID:-0}" ] && continue
		if [[ "$f" == */environ && -n "$marker" && "$m" == "$marker" ]]; then
			seen[$p]=1
			LEAKED_PIDS+=("$p")
		elif [[ "$f" == */cmdline && "$m" == "${OCIRT_ROOT:-}" ]]; then
			exe=$(readlink "/proc/$p/exe" 2>/dev/null) || continue
			if [ "$exe" = "$OCIRT" ]; then
				seen[$p]=1
				LEAKED_PIDS+=("$p")
			fi
		fi
	done <"$tmp"
	rm -f "$tmp"
	return 0
}

leaked_processes() {
	collect_leaked_processes
	[ ${#LEAKED_PIDS[@]} -eq 0 ] || printf '%s\n' "${LEAKED_PIDS[@]}"
}

# LEAKED_CGROUPS: cgroup directories named after one of the test's container IDs (any
# hierarchy, any depth: cgroupfs paths, systemd scopes).
collect_leaked_cgroups() {
	local args=() id tmp="$BATS_TEST_TMPDIR/.leak-find"
	LEAKED_CGROUPS=()
	collect_cids
	for id in "${TEST_CIDS[@]}"; do
		args+=(${args[0]:+-o} -name "*$id*")
	done
	[ ${#args[@]} -gt 0 ] || return 0
	find /sys/fs/cgroup -maxdepth 8 -type d \( "${args[@]}" \) >"$tmp" 2>/dev/null || true
	mapfile -t LEAKED_CGROUPS <"$tmp"
	rm -f "$tmp"
	return 0
}

leaked_cgroups() {
	collect_leaked_cgroups
	[ ${#LEAKED_CGROUPS[@]} -eq 0 ] || printf '%s\n' "${LEAKED_CGROUPS[@]}"
}

# LEAKED_MOUNTS: mountinfo lines of mounts under the test's directory.
collect_leaked_mounts() {
	local line
	LEAKED_MOUNTS=()
	while read -r line; do
		[[ "$line" == *" $BATS_TEST_TMPDIR"* ]] && LEAKED_MOUNTS+=("$line")
	done </proc/self/mountinfo
	return 0
}

# check_no_leaks: after every container was deleted, nothing the test made may remain:
# state dirs, mounts under the test dir, cgroups named after its container IDs, processes.
# Prints every leak and fails; leaks are then cleaned up so later tests start clean.
check_no_leaks() {
	local problems="" i st p d line
	for ((i = 0; i < 40; i++)); do
		collect_leaked_processes
		[ ${#LEAKED_PIDS[@]} -eq 0 ] && break
		sleep 0.05
	done
	if [ ${#LEAKED_PIDS[@]} -gt 0 ]; then
		for p in "${LEAKED_PIDS[@]}"; do
			problems+="leaked process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"$'\n'
		done
		kill -9 "${LEAKED_PIDS[@]}" 2>/dev/null || true
	fi
	if [ -n "${OCIRT_ROOT:-}" ] && [ -d "$OCIRT_ROOT" ]; then
		for st in "$OCIRT_ROOT"/* "$OCIRT_ROOT"/.[!.]*; do
			[ -e "$st" ] || [ -L "$st" ] || continue
			# ocirt's own caches are not container state
			[ "${st##*/}" = .seccomp~cache ] && continue
			problems+="leaked state: $st"$'\n'
		done
	fi
	collect_leaked_mounts
	if [ ${#LEAKED_MOUNTS[@]} -gt 0 ]; then
		problems+="leaked mounts:"$'\n'
		for ((i = ${#LEAKED_MOUNTS[@]} - 1; i >= 0; i--)); do
			line=${LEAKED_MOUNTS[i]}
			problems+="$line"$'\n'
			read -r _ _ _ _ d _ <<<"$line"
			umount -l "$d" 2>/dev/null || true
		done
	fi
	for ((i = 0; i < 20; i++)); do
		collect_leaked_cgroups
		[ ${#LEAKED_CGROUPS[@]} -eq 0 ] && break
		sleep 0.05
	done
	if [ ${#LEAKED_CGROUPS[@]} -gt 0 ]; then
		problems+="leaked cgroups:"$'\n'
		# deepest first
		for ((i = ${#LEAKED_CGROUPS[@]} - 1; i >= 0; i--)); do
			problems+="${LEAKED_CGROUPS[i]}"$'\n'
		done
		for ((p = 0; p < 3; p++)); do
			for ((i = ${#LEAKED_CGROUPS[@]} - 1; i >= 0; i--)); do
				rmdir "${LEAKED_CGROUPS[i]}" 2>/dev/null || true
			done
		done
	fi
	if [ -n "$problems" ]; then
		echo "check_no_leaks:" >&2
		echo "$problems" >&2
		return 1
	fi
}

# teardown_bundle: the standard teardown (delete -f everything, then check_no_leaks).
teardown_bundle() {
	delete_all_containers
	check_no_leaks
}

# --- console sockets -------------------------------------------------------------------

# start_recvtty SOCKET [mode]: run recvtty in the background, listening on SOCKET; its output
# goes to $BATS_TEST_TMPDIR/recvtty.out. Sets RECVTTY_PID.
start_recvtty() {
	local sock=$1
	shift
	rm -f "$sock"
	"$RECVTTY" "$@" "$sock" >"$BATS_TEST_TMPDIR/recvtty.out" 2>&1 3>&- &
	RECVTTY_PID=$!
	retry 100 0.02 test -S "$sock"
}

stop_recvtty() {
	if [ -n "${RECVTTY_PID:-}" ]; then
		kill "$RECVTTY_PID" 2>/dev/null || true
		wait "$RECVTTY_PID" 2>/dev/null || true
		RECVTTY_PID=
	fi
}
