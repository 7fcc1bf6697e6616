#!/usr/bin/env bats
# The container process: args lookup at create time, env, user/groups/umask, cwd,
# rlimits, oomScoreAdj, stdio pass-through, --preserve-fds, LISTEN_FDS, no fd leaks.

load ../helpers
load ../helpers-lifecycle

setup() {
	requires root busybox
	setup_bundle
	with_out_dir
}

teardown() {
	teardown_bundle
}

@test "args[0] is looked up in the container's PATH at create time" {
	update_config '.process.env = ["PATH=/nowhere:/bin"]'
	set_args sh -c 'echo ok > /out/ok'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/ok")" = ok ]
}

@test "missing executable: runc's wording, create fails, nothing left" {
	set_args nosuchprog
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'exec: '*'"nosuchprog'*': executable file not found in $PATH'* ]]
	no_state_left "$CID"

	set_args /nosuch/prog
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no such file or directory"* ]]
	no_state_left "$CID"
}

@test "a directory or a non-executable file: permission denied" {
	set_args /bin
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"permission denied"* ]]
	no_state_left "$CID"
	printf '#!/bin/sh\n' >"$BUNDLE/rootfs/bin/noexec"
	chmod 0644 "$BUNDLE/rootfs/bin/noexec"
	set_args /bin/noexec
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"permission denied"* ]]
	no_state_left "$CID"
}

@test "env is the config's, HOME comes from /etc/passwd when missing" {
	update_config '.process.env = ["PATH=/bin", "FOO=bar baz"] | .process.user = {"uid": 1000, "gid": 1000}'
	sh_args 'env > /out/env'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	grep -qx 'FOO=bar baz' "$OUT/env"
	grep -qx 'HOME=/home' "$OUT/env"
	! grep -q "$TEST_MARKER" "$OUT/env"
}

@test "user, group, additionalGids and umask" {
	update_config '.process.user = {"uid": 1000, "gid": 100, "additionalGids": [5, 1000], "umask": 63}'
	sh_args 'id -u > /out/uid; id -g > /out/gid; id -G > /out/groups; umask > /out/umask'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/uid")" = 1000 ]
	[ "$(cat "$OUT/gid")" = 100 ]
	[[ " $(cat "$OUT/groups") " == *" 5 "* ]]
	[[ " $(cat "$OUT/groups") " == *" 1000 "* ]]
	[ "$(cat "$OUT/umask")" = 0077 ]
}

@test "supplementary groups are reset without additionalGids" {
	update_config '.process.user = {"uid": 0, "gid": 0}'
	sh_args 'id -G > /out/groups'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/groups")" = 0 ]
}

@test "cwd is created when missing and is the process's cwd" {
	update_config '.process.cwd = "/work/deep/dir"'
	sh_args 'pwd > /out/cwd'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/cwd")" = /work/deep/dir ]
	[ -d "$BUNDLE/rootfs/work/deep/dir" ]
}

@test "rlimits are applied" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 1000, "soft": 500}, {"type": "RLIMIT_CORE", "hard": 0, "soft": 0}]'
	sh_args 'ulimit -n > /out/soft; ulimit -Hn > /out/hard; ulimit -c > /out/core'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/soft")" = 500 ]
	[ "$(cat "$OUT/hard")" = 1000 ]
	[ "$(cat "$OUT/core")" = 0 ]
}

@test "an rlimit above the hard limit: the error names the limit and the hard limit" {
	local hard
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "no finite hard RLIMIT_NOFILE here"
	# with CAP_SYS_RESOURCE raising works: nothing to test then
	if capsh --has-p=cap_sys_resource 2>/dev/null; then skip "we hold CAP_SYS_RESOURCE"; fi
	local want=$((hard + 1000))
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": '"$want"', "soft": '"$want"'}]'
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"RLIMIT_NOFILE"* ]]
	[[ "$output" == *"$want"* ]]
	[[ "$output" == *"hard limit is $hard"* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	no_state_left "$CID"
}

@test "oomScoreAdj is applied; absent leaves the inherited value" {
	update_config '.process.oomScoreAdj = 500'
	sh_args 'cat /proc/self/oom_score_adj > /out/adj'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/adj")" = 500 ]
	update_config 'del(.process.oomScoreAdj)'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/adj")" = "$(cat /proc/self/oom_score_adj)" ]
}

@test "stdio goes straight through; no other fd reaches the process" {
	sh_args 'echo out; echo err >&2; read line; echo "in:$line"; ls /proc/self/fd > /out/fds'
	run bash -c 'echo hello | "$OCIRT" --root "$OCIRT_ROOT" run -b "$BUNDLE" "$CID" 2>"$BATS_TEST_TMPDIR/err"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = out ]
	[ "${lines[1]}" = "in:hello" ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = err ]
	# 0 1 2 and the directory fd ls itself opened
	[ "$(grep -cv '^[012]$' "$OUT/fds")" -le 1 ] || fail "extra fds: $(tr '\n' ' ' <"$OUT/fds")"
}

@test "--preserve-fds N passes fds 3..3+N-1, not more" {
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	sh_args 'cat <&3 > /out/3; cat <&4 > /out/4 2>/dev/null; echo $? > /out/rc4'
	"$OCIRT" --root "$OCIRT_ROOT" run --preserve-fds 1 -b "$BUNDLE" "$CID" \
		3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" </dev/null
	[ "$(cat "$OUT/3")" = three ]
	[ ! -s "$OUT/4" ]
	[ "$(cat "$OUT/rc4")" != 0 ]
}

@test "--preserve-fds checks that the fds exist" {
	ocirt run --preserve-fds 3 -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"preserved-fd"* ]]
	no_state_left "$CID"
}

@test "LISTEN_FDS: the socket-activation fds come first, with LISTEN_FDS and LISTEN_PID=1" {
	echo l3 >"$BATS_TEST_TMPDIR/f3"
	echo p4 >"$BATS_TEST_TMPDIR/f4"
	sh_args 'cat <&3 > /out/3; cat <&4 > /out/4; echo "$LISTEN_FDS $LISTEN_PID" > /out/env'
	LISTEN_FDS=1 LISTEN_PID=$$ "$OCIRT" --root "$OCIRT_ROOT" run --preserve-fds 1 -b "$BUNDLE" "$CID" \
		3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" </dev/null
	[ "$(cat "$OUT/3")" = l3 ]
	[ "$(cat "$OUT/4")" = p4 ]
	[ "$(cat "$OUT/env")" = "1 1" ]
}
