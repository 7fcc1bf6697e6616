#!/usr/bin/env bats
# OCI hooks: every kind, their order and namespaces, the state on stdin, argv (argv[0] may
# differ from path), env, timeout, and the spec's failure semantics.

load ../helpers
load ../helpers-lifecycle

setup() {
	requires root busybox
	setup_bundle
	with_out_dir
	LOG="$OUT/log"
	# host-side hook: logs "<kind> <mnt ns> <stdin>" as one line
	HOOK="$BATS_TEST_TMPDIR/hook.sh"
	cat >"$HOOK" <<-EOF
		#!/bin/sh
		s=\$(cat)
		echo "\$1 \$(readlink /proc/self/ns/mnt) \$s" >> "$LOG"
		exit \${2:-0}
	EOF
	chmod +x "$HOOK"
}

teardown() {
	teardown_bundle
}

hook_json() { # kind [exit-code] -> one hook object running $HOOK
	printf '{"path": "%s", "args": ["hook.sh", "%s", "%s"]}' "$HOOK" "$1" "${2:-0}"
}

# The line the hook of KIND wrote, and its fields.
log_line() { grep "^$1 " "$LOG"; }
log_state() { log_line "$1" | cut -d' ' -f3-; }
log_mntns() { log_line "$1" | cut -d' ' -f2; }

@test "all six hooks run in order with the state on stdin" {
	update_config '.annotations = {"org.test.a": "b"} | .hooks = {
		"prestart": ['"$(hook_json prestart)"'],
		"createRuntime": ['"$(hook_json createRuntime)"'],
		"createContainer": ['"$(hook_json createContainer)"'],
		"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "s=$(cat); echo \"startContainer $(readlink /proc/self/ns/mnt) $s\" >> /out/log"]}],
		"poststart": ['"$(hook_json poststart)"'],
		"poststop": ['"$(hook_json poststop)"']}'
	sh_args 'readlink /proc/self/ns/mnt > /out/mnt; echo "process" >> /out/log; exec sleep 100'
	create_detached
	local pid
	pid=$(state_field "$CID" pid)
	# create ran prestart, createRuntime, createContainer only
	[ "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" = "prestart createRuntime createContainer " ]
	ocirt start "$CID"
	[ "$status" -eq 0 ]
	wait_file "$OUT/mnt"
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
	run cut -d' ' -f1 "$LOG"
	[ "${lines[*]}" = "prestart createRuntime createContainer startContainer process poststart poststop" ] ||
		[ "${lines[*]}" = "prestart createRuntime createContainer startContainer poststart process poststop" ] ||
		fail "order: ${lines[*]}"

	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		[ "$(log_state $k | jq -r .id)" = "$CID" ] || fail "$k: id"
		[ "$(log_state $k | jq -r .bundle)" = "$BUNDLE" ] || fail "$k: bundle"
		[ "$(log_state $k | jq -r '.annotations["org.test.a"]')" = b ] || fail "$k: annotations"
		[ -n "$(log_state $k | jq -r .ociVersion)" ] || fail "$k: ociVersion"
	done
	for k in prestart createRuntime createContainer startContainer poststart; do
		[ "$(log_state $k | jq -r .pid)" = "$pid" ] || fail "$k: pid $(log_state $k | jq -r .pid), want $pid"
	done
	[ "$(log_state prestart | jq -r .status)" = created ]
	[ "$(log_state createRuntime | jq -r .status)" = created ]
	[ "$(log_state poststart | jq -r .status)" = running ]
	[ "$(log_state poststop | jq -r .status)" = stopped ]

	# prestart/createRuntime/poststart/poststop in the runtime's mount namespace,
	# createContainer/startContainer in the container's
	local host ctr
	host=$(readlink /proc/self/ns/mnt)
	ctr=$(cat "$OUT/mnt")
	[ "$(log_mntns prestart)" = "$host" ]
	[ "$(log_mntns createRuntime)" = "$host" ]
	[ "$(log_mntns poststart)" = "$host" ]
	[ "$(log_mntns poststop)" = "$host" ]
	[ "$(log_mntns createContainer)" = "$ctr" ]
	[ "$(log_mntns startContainer)" = "$ctr" ]
}

@test "prestart sees the container's network namespace through the pid (Docker's way)" {
	update_config '.hooks = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "pid=$(cat | sed -n \"s/.*\\\"pid\\\":\\([0-9]*\\).*/\\1/p\"); readlink /proc/$pid/ns/net > '"$OUT"'/hook-net"]}]}'
	set_args /bin/sleep 100
	run_detached_quiet
	[ "$(cat "$OUT/hook-net")" = "$(readlink "/proc/$PID/ns/net")" ]
	[ "$(cat "$OUT/hook-net")" != "$(readlink /proc/self/ns/net)" ]
}

@test "hook argv is args as given (argv[0] != path) and env is the hook's only" {
	# busybox picks its applet from argv[0]: "sh" only works when args[0] reaches execve
	update_config '.hooks = {"prestart": [{"path": "'"$BUSYBOX"'", "args": ["sh", "-c", "echo \"$0 $1\" > '"$OUT"'/argv; env > '"$OUT"'/env", "zero", "one"], "env": ["HOOKVAR=42"]}]}'
	OCIRT_RUNTIME_ONLY=1 "$OCIRT" --root "$OCIRT_ROOT" run -b "$BUNDLE" "$CID" </dev/null
	[ "$(cat "$OUT/argv")" = "zero one" ]
	grep -qx HOOKVAR=42 "$OUT/env"
	! grep -q OCIRT_RUNTIME_ONLY "$OUT/env"
}

@test "a hook past its timeout is killed and fails create; nothing is left" {
	update_config '.hooks = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]}'
	local t0=$SECONDS
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[ $((SECONDS - t0)) -lt 10 ]
	[[ "$output" == *"createRuntime hook #0"* ]]
	[[ "$output" == *"timed out"* ]]
	no_state_left "$CID"
	! pgrep -f "^sleep 30$" >/dev/null
}

@test "prestart, createRuntime, createContainer failures fail create and leave nothing" {
	local k
	for k in prestart createRuntime createContainer; do
		update_config '.hooks = {"'"$k"'": ['"$(hook_json "$k" 3)"']}'
		ocirt create -b "$BUNDLE" "$CID"
		[ "$status" -eq 1 ]
		[[ "$output" == *"$k hook #0"* ]] || fail "$k: $output"
		[[ "$output" == *"exit status 3"* ]]
		no_state_left "$CID"
	done
}

@test "startContainer failure: start fails, the program never runs, the container stops" {
	update_config '.hooks = {"startContainer": [{"path": "/bin/false", "args": ["false"]}]}'
	sh_args 'echo ran > /out/ran'
	create_detached
	ocirt start "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"startContainer hook #0"* ]]
	wait_for_status "$CID" stopped
	[ ! -e "$OUT/ran" ]
}

@test "poststart failure: start fails and the container is stopped (runtime-spec 1.3)" {
	update_config '.hooks = {"poststart": ['"$(hook_json poststart 1)"']}'
	set_args /bin/sleep 100
	create_detached
	ocirt start "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"poststart hook #0"* ]]
	wait_for_status "$CID" stopped
}

@test "poststop failure is only a warning: delete succeeds" {
	update_config '.hooks = {"poststop": ['"$(hook_json poststop 1)"']}'
	sh_args 'exit 0'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	log_line poststop
	no_state_left "$CID"
}

@test "hooks are read from the config create saw (later edits have no effect)" {
	update_config '.hooks = {"poststop": ['"$(hook_json poststop)"']}'
	set_args /bin/sleep 100
	create_detached
	update_config 'del(.hooks)'
	ocirt delete "$CID"
	[ "$status" -eq 0 ]
	log_line poststop
}
