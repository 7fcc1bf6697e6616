#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Rootless podman 4.3 driving ocirt (OCIRT_PODMAN_PAIR as in podman.bats; the reference
# is runc+conmon: crun 1.8.1 refuses this hybrid host rootless too). A user of the suite's own
# ($OCIRT_PODMAN_ROOTLESS_USER, default ocirt-pm-rl, created with its /etc/subuid and
# /etc/subgid ranges if missing and removed again), its own XDG_RUNTIME_DIR, a private
# containers.conf/storage.conf, --network none (/dev/net/tun is root-only here, so no
# slirp4netns). cgroup v1 gives rootless containers no cgroups: resource limits are not
# tested here.
# FINDINGS.md #4 (fixed): ocirt runs as uid 0 of podman's user namespace here and must pick
# rootless mode by itself, as runc's `--rootless auto` does.
# Run: make check-engines ENGINE_TESTS=tests/engines/podman-rootless.bats [OCIRT_PODMAN_PAIR=...]

load ../helpers
load helpers-engines
load helpers-podman

RL_USER=${OCIRT_PODMAN_ROOTLESS_USER:-ocirt-pm-rl}

setup_file() {
	export ENGINE_SKIP PM_RUNTIME PM_RUNTIME_PATH PM_SHIM PM_CONMON RL_DIR RL_HOME RL_XDG RL_CREATED
	ENGINE_SKIP=$(engine_missing podman runuser useradd newuidmap newgidmap)
	[ -z "$ENGINE_SKIP" ] || return 0
	pm_resolve_pair
	[ -z "$ENGINE_SKIP" ] || return 0
	RL_CREATED=0
	if ! id -u "$RL_USER" >/dev/null 2>&1; then
		useradd -m -s /bin/sh "$RL_USER" || { ENGINE_SKIP="useradd $RL_USER failed"; return 0; }
		RL_CREATED=1
	fi
	grep -q "^$RL_USER:" /etc/subuid && grep -q "^$RL_USER:" /etc/subgid ||
		{ ENGINE_SKIP="$RL_USER has no /etc/subuid and /etc/subgid range"; return 0; }
	RL_HOME=$(getent passwd "$RL_USER" | cut -d: -f6)
	RL_DIR=$(mktemp -d /tmp/ocirt-podman-rl.XXXXXX)
	RL_XDG=$RL_DIR/xdg
	install -d -o "$RL_USER" -g "$RL_USER" -m 0700 "$RL_XDG"
	pm_write_configs "$RL_DIR" overlay
	engine_build_image "$RL_DIR/busybox.tar"
	chmod 0644 "$RL_DIR"/*.conf "$RL_DIR/busybox.tar"
	chown "$RL_USER:" "$RL_DIR"
	chmod 0700 "$RL_DIR"
	# the binaries must be reachable by the user
	runuser -u "$RL_USER" -- test -x "$PM_RUNTIME_PATH" -a -x "$PM_CONMON" ||
		{ ENGINE_SKIP="$PM_RUNTIME_PATH or $PM_CONMON is not executable by $RL_USER"; return 0; }
	rl_podman load -q -i "$RL_DIR/busybox.tar" >/dev/null
	if ! rl_podman run --rm --pull never --network none "$ENGINE_IMAGE_REF" true >"$RL_DIR/probe.out" 2>&1; then
		cat "$RL_DIR/probe.out" >&3
		# crun 1.8.1 refuses this hybrid host, rootless too
		if grep -q 'cgroups in hybrid mode not supported' "$RL_DIR/probe.out"; then
			ENGINE_SKIP=$(pm_probe_reason "$RL_DIR/probe.out")
		fi
	fi
}

teardown_file() {
	[ -n "${RL_DIR:-}" ] && [ -d "$RL_DIR" ] || return 0
	local c pid f
	for c in $(rl_podman ps -aq 2>/dev/null); do
		rl_podman rm -f -t 0 "$c" >/dev/null 2>&1
	done
	# the rootless pause process (catatonit -P) podman left to hold its user namespace
	# (its pid file is under podman's tmp_dir, i.e. containers.conf's, or the default)
	for f in "$RL_DIR/tmp/pause.pid" "$RL_XDG/libpod/tmp/pause.pid"; do
		pid=$(cat "$f" 2>/dev/null) && stop_pid "$pid" 5
	done
	rm -rf "$RL_DIR"
	if [ "${RL_CREATED:-0}" = 1 ]; then
		userdel -r "$RL_USER" >/dev/null 2>&1 || true
	fi
}

# rl_podman ARGS...: podman as the user, with a clean environment of the suite's own.
rl_podman() {
	(cd "$RL_DIR" && exec runuser -u "$RL_USER" -- env -i HOME="$RL_HOME" PATH=/usr/bin:/bin \
		XDG_RUNTIME_DIR="$RL_XDG" CONTAINERS_CONF="$RL_DIR/containers.conf" \
		CONTAINERS_STORAGE_CONF="$RL_DIR/storage.conf" timeout 90 podman "$@")
}

setup() {
	requires_engine
	random_hex 2
	NAME="oprl-$REPLY"
}

teardown() {
	[ -n "${NAME:-}" ] || return 0
	rl_podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
}

rl() { # rl ARGS...: bats `run` of rl_podman, logged
	engine_cli "${PM_EXPECT:-}" "rootless podman $*" rl_podman "$@"
}

rl_run() { # rl_run [flags] -- CMD...
	engine_run_image rl "$@"
}

@test "podman rootless: root in the container is the user outside (subuid mapping)" {
	local uid
	uid=$(id -u "$RL_USER")
	rl_run --rm -- sh -c 'id -u; cat /proc/self/uid_map'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ "$(echo "${lines[1]}" | tr -s ' ')" == " 0 $uid 1" || "$(echo "${lines[1]}" | tr -s ' ')" == "0 $uid 1" ]]
	# the rest comes from /etc/subuid through newuidmap
	local sub
	sub=$(awk -F: -v u="$RL_USER" '$1 == u {print $2}' /etc/subuid)
	[[ "$(echo "${lines[2]}" | tr -s ' ')" == *" 1 $sub "* ]]
	rl_run --rm --user 1000 -- id -u
	[ "$output" = 1000 ]
}

@test "podman rootless: exit codes 0, 3, 127" {
	rl_run --rm -- echo rootless-hi
	[ "$status" -eq 0 ]
	[[ "$output" == *rootless-hi* ]]
	rl_run --rm -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	PM_EXPECT=127 rl_run --rm -- /nonexistent
	[ "$status" -eq 127 ]
}

@test "podman rootless: run -d, logs, stop (exit 7 from the trap), rm" {
	rl_run -d --name "$NAME" -- sh -c 'trap "exit 7" TERM; echo rl-ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	local id=${lines[-1]}
	pm_wait 20 "rl_podman logs $NAME 2>/dev/null | grep -q rl-ready"
	rl inspect -f '{{.State.Status}} {{.OCIRuntime}}' "$NAME"
	[ "$output" = "running $PM_RUNTIME" ]
	if [ "$PM_RUNTIME" = ocirt ]; then
		# ocirt's rootless state root: $XDG_RUNTIME_DIR/ocirt
		[ -d "$RL_XDG/ocirt/$id" ]
	fi
	rl stop -t 20 "$NAME"
	[ "$status" -eq 0 ]
	rl inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$NAME"
	[ "$output" = "exited 7" ]
	rl rm "$NAME"
	[ "$status" -eq 0 ]
	[ ! -e "$RL_XDG/ocirt/$id" ]
}

@test "podman rootless: exec" {
	rl_run -d --name "$NAME" -- sleep 1000
	[ "$status" -eq 0 ]
	rl exec "$NAME" sh -c 'echo rl-exec; id -u; exit 4'
	[ "$status" -eq 4 ]
	[ "${lines[0]}" = rl-exec ]
	[ "${lines[1]}" = 0 ]
}
