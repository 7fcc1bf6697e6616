#!/usr/bin/env bats
# The command line itself: version, help, usage errors, exit codes, option syntaxes and the
# error/log protocol (runtime-cli.md 1.1-1.6).

load ../helpers

setup() {
	export OCIRT_ROOT="$BATS_TEST_TMPDIR/state"
	mkdir -p "$OCIRT_ROOT"
}

teardown() {
	delete_all_containers
	check_no_leaks
}

# Skip a test whose verb libocirt does not provide yet.
skip_if_unimplemented() {
	if [[ "$output" == *"not implemented yet"* ]]; then
		skip "$1 is not implemented yet"
	fi
}

@test "--version: one line with 'version', then commit, spec, libseccomp, features" {
	ocirt --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ocirt\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	[ "$(grep -c version <<<"$output")" -eq 1 ]
	[[ "${lines[1]}" == "commit: "* ]]
	[[ "${lines[2]}" =~ ^spec:\ 1\.[0-9]+\.[0-9]+ ]]
	[[ "${lines[3]}" =~ ^libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[[ "${lines[4]}" == *"+SECCOMP"* ]]
	[[ "${lines[4]}" == *"+CAP"* ]]
}

@test "-v and -version are --version" {
	ocirt -v
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "ocirt version "* ]]
	ocirt -version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "ocirt version "* ]]
}

@test "--help, -h, help and no arguments print the command list and exit 0" {
	for args in --help -h help ""; do
		ocirt $args
		[ "$status" -eq 0 ]
		[[ "$output" == *"COMMANDS:"* ]]
		for verb in create start run state kill delete list ps exec pause resume update events spec features \
			checkpoint restore check; do
			grep -qE "^   $verb " <<<"$output" || fail "$verb missing from \`ocirt $args\`"
		done
	done
}

@test "every verb but checkpoint: --help and -h exit 0" {
	for verb in create start run state kill delete list ps exec pause resume update events spec features \
		restore check help; do
		ocirt "$verb" --help
		[ "$status" -eq 0 ] || fail "$verb --help exited $status"
		[[ "$output" == *"USAGE:"* ]] || [ "$verb" = help ]
		ocirt "$verb" -h
		[ "$status" -eq 0 ] || fail "$verb -h exited $status"
	done
	ocirt help state
	[ "$status" -eq 0 ]
	[[ "$output" == *"ocirt state"* ]]
}

@test "checkpoint --help fails (podman's test for checkpoint support)" {
	ocirt checkpoint --help
	[ "$status" -ne 0 ]
	ocirt checkpoint some-id
	[ "$status" -ne 0 ]
	[[ "$output" == *"not implemented"* ]]
}

@test "restore --lsm-mount-context without a value: Go's 'flag needs an argument' (podman probe)" {
	ocirt restore --lsm-mount-context
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag needs an argument: -lsm-mount-context"* ]]
}

@test "unknown command: No help topic, exit 3" {
	ocirt foo
	[ "$status" -eq 3 ]
	[[ "$output" == *"No help topic for 'foo'"* ]]
	ocirt help foo
	[ "$status" -ne 0 ]
	[[ "$output" == *"No help topic for 'foo'"* ]]
}

@test "unknown flags: Go's message, exit 1 (global and per verb, one or two dashes)" {
	ocirt --bogus list
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: -bogus"* ]]
	ocirt spec -bogus
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: -bogus"* ]]
	ocirt state --bogus=1 x
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: -bogus"* ]]
}

@test "wrong argument counts: Incorrect Usage and runc's message, exit 1" {
	ocirt state
	[ "$status" -eq 1 ]
	[[ "$output" == *"Incorrect Usage."* ]]
	[[ "$output" == *'ocirt: \"state\" requires exactly 1 argument(s)'* ]] ||
		[[ "$output" == *'ocirt: "state" requires exactly 1 argument(s)'* ]]
	ocirt start a b
	[ "$status" -eq 1 ]
	[[ "$output" == *"requires exactly 1 argument(s)"* ]]
	ocirt kill
	[ "$status" -eq 1 ]
	[[ "$output" == *"requires a minimum of 1 argument(s)"* ]]
	ocirt kill a KILL extra
	[ "$status" -eq 1 ]
	[[ "$output" == *"requires a maximum of 2 argument(s)"* ]]
	ocirt list extra
	[ "$status" -eq 1 ]
	[[ "$output" == *"requires exactly 0 argument(s)"* ]]
	ocirt exec
	[ "$status" -ne 0 ]
	[[ "$output" == *"requires a minimum of 1 argument(s)"* ]]
}

@test "usage text goes to stdout, the error to stderr" {
	ocirt_sep state
	[ "$status" -eq 1 ]
	[[ "$output" == *"Incorrect Usage."* ]]
	[[ "$output" != *"requires exactly"* ]]
	[[ "$stderr" == *"requires exactly 1 argument(s)"* ]]
}

@test "--log-format: anything but text|json is refused" {
	ocirt --log-format xml features
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid log-format: xml"* ]]
	ocirt --log-format=json features
	[ "$status" -eq 0 ]
	ocirt --log-format text features
	[ "$status" -eq 0 ]
}

@test "errors without --log: a text record on stderr, runc's shape" {
	mkdir "$BATS_TEST_TMPDIR/b"
	: >"$BATS_TEST_TMPDIR/b/config.json"
	ocirt_sep spec -b "$BATS_TEST_TMPDIR/b"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" =~ ^time=\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z\"\ level=error\ msg=\"File\ config.json\ exists.\ Remove\ it\ first\"$ ]]
}

@test "errors with --log-format json and no --log: one JSON record on stderr" {
	mkdir "$BATS_TEST_TMPDIR/b"
	: >"$BATS_TEST_TMPDIR/b/config.json"
	ocirt_sep --log-format json spec -b "$BATS_TEST_TMPDIR/b"
	[ "$status" -eq 1 ]
	[ "$(jq -r .level <<<"$stderr")" = error ]
	[ "$(jq -r .msg <<<"$stderr")" = "File config.json exists. Remove it first" ]
	[[ "$(jq -r .time <<<"$stderr")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
}

@test "--log FILE --log-format json: JSON lines appended to the file, bare message on stderr" {
	local log="$BATS_TEST_TMPDIR/log.json"
	mkdir "$BATS_TEST_TMPDIR/b"
	: >"$BATS_TEST_TMPDIR/b/config.json"
	echo '{"level":"info","msg":"earlier","time":"2026-01-01T00:00:00Z"}' >"$log"
	ocirt_sep --log "$log" --log-format json spec -b "$BATS_TEST_TMPDIR/b"
	[ "$status" -eq 1 ]
	[ "$stderr" = "File config.json exists. Remove it first" ]
	ocirt_sep --log "$log" --log-format=json state
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$log")" -eq 3 ]
	# every line is a complete JSON object (containerd decodes the file as a stream)
	jq -e -s 'length == 3 and all(.[]; has("level") and has("msg") and has("time"))' "$log"
	[ "$(jq -r -s '.[1].msg' "$log")" = "File config.json exists. Remove it first" ]
	[ "$(jq -r -s '[.[] | select(.level == "error")] | last | .msg' "$log")" = 'ocirt: "state" requires exactly 1 argument(s)' ]
}

@test "--log FILE (text): a text record in the file, the bare message on stderr" {
	local log="$BATS_TEST_TMPDIR/log.txt"
	ocirt_sep --log "$log" state
	[ "$status" -eq 1 ]
	[ "$stderr" = 'ocirt: "state" requires exactly 1 argument(s)' ]
	grep -q 'level=error msg="ocirt: \\"state\\" requires exactly 1 argument(s)"' "$log"
}

@test "--log with a relative path is resolved against the caller's cwd" {
	cd "$BATS_TEST_TMPDIR"
	ocirt --log rel.log --log-format json state
	[ "$status" -eq 1 ]
	[ -s "$BATS_TEST_TMPDIR/rel.log" ]
	jq -e . "$BATS_TEST_TMPDIR/rel.log"
}

@test "a successful command writes nothing to the log (no warnings without --debug)" {
	local log="$BATS_TEST_TMPDIR/log.json"
	ocirt --log "$log" --log-format json features
	[ "$status" -eq 0 ]
	[ ! -s "$log" ]
	mkdir "$BATS_TEST_TMPDIR/b"
	ocirt --log "$log" --log-format json spec -b "$BATS_TEST_TMPDIR/b"
	[ "$status" -eq 0 ]
	[ ! -s "$log" ]
}

@test "global options runc's callers send are accepted" {
	ocirt --debug --systemd-cgroup=false --rootless=false --criu /usr/sbin/criu --log-format=json features
	[ "$status" -eq 0 ]
	ocirt -debug -rootless auto -criu=criu features
	[ "$status" -eq 0 ]
	ocirt --rootless true features
	[ "$status" -eq 0 ]
	ocirt --rootless=maybe features
	[ "$status" -eq 1 ]
	ocirt --cgroup-manager cgroupfs features
	[ "$status" -eq 0 ]
	ocirt --cgroup-manager=bogus features
	[ "$status" -eq 1 ]
	ocirt --timings features
	[ "$status" -eq 0 ]
}

@test "global options only go before the command" {
	ocirt features --debug
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: -debug"* ]]
}

@test "Go-style option syntaxes: -flag, --flag=value, flags after arguments" {
	local b="$BATS_TEST_TMPDIR/b"
	mkdir -p "$b"/{1,2,3,4}
	ocirt spec -bundle "$b/1"
	[ "$status" -eq 0 ]
	ocirt spec --bundle="$b/2"
	[ "$status" -eq 0 ]
	ocirt spec -b="$b/3" -rootless=false
	[ "$status" -eq 0 ]
	ocirt spec --rootless --rootless -b "$b/4"
	[ "$status" -eq 0 ]
	for i in 1 2 3 4; do jq -e . "$b/$i/config.json" >/dev/null; done
	jq -e '.linux.namespaces | map(.type) | index("user")' "$b/4/config.json"
	ocirt spec --rootless=maybe -b "$b"
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid boolean value "maybe" for -rootless'* ]]
}

@test "relative --bundle is resolved against the caller's cwd" {
	mkdir -p "$BATS_TEST_TMPDIR/rel/b"
	cd "$BATS_TEST_TMPDIR/rel"
	ocirt spec -b b
	[ "$status" -eq 0 ]
	[ -f "$BATS_TEST_TMPDIR/rel/b/config.json" ]
	ocirt spec -b ./missing
	[ "$status" -eq 1 ]
	[[ "$output" == *"$BATS_TEST_TMPDIR/rel/missing"* ]]
}

@test "state of an unknown container: container does not exist, exit 1" {
	ocirt state nope
	skip_if_unimplemented state
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "delete --force of an unknown container exits 0; without --force it fails" {
	ocirt delete --force nope
	skip_if_unimplemented delete
	[ "$status" -eq 0 ]
	ocirt delete nope -f
	[ "$status" -eq 0 ]
	ocirt delete -force=true nope
	[ "$status" -eq 0 ]
	ocirt delete nope
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "kill of an unknown container: container does not exist" {
	ocirt kill nope 9
	skip_if_unimplemented kill
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "kill: an unknown signal name is refused" {
	ocirt kill nope FOO
	[ "$status" -eq 1 ]
	[[ "$output" == *"FOO"* ]]
}

@test "list on an empty root: header, null, nothing" {
	ocirt list
	skip_if_unimplemented list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ID          PID         STATUS      BUNDLE      CREATED     OWNER" ]
	[ "${#lines[@]}" -eq 1 ]
	ocirt list --format json
	[ "$status" -eq 0 ]
	[ "$output" = null ]
	ocirt list -f=json
	[ "$output" = null ]
	ocirt list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	ocirt list --format yaml
	[ "$status" -eq 1 ]
}

@test "list on a missing root is created like runc 1.1 does" {
	OCIRT_ROOT="$BATS_TEST_TMPDIR/new-root" ocirt list -q
	skip_if_unimplemented list
	[ "$status" -eq 0 ]
}

@test "create/run: invalid container IDs are refused before anything is made" {
	mkdir -p "$BATS_TEST_TMPDIR/b/rootfs"
	for id in .. . 'a:b' 'a b' '$x' "$(printf 'x%.0s' {1..300})"; do
		ocirt create -b "$BATS_TEST_TMPDIR/b" "$id"
		skip_if_unimplemented create
		[ "$status" -eq 1 ] || fail "id '$id' accepted"
		[[ "$output" == *"invalid container ID format"* ]] || [[ "$output" == *"config.json"* ]]
	done
	[ -z "$(ls -A "$OCIRT_ROOT")" ]
}

@test "run: an argument with a '/' together with --bundle is refused" {
	ocirt run -b "$BATS_TEST_TMPDIR" some/path
	[ "$status" -eq 1 ]
	[[ "$output" == *"bundle path"* ]]
}

@test "run: an argument with a '/' is a bundle path, the ID is its base name" {
	requires root busybox
	setup_bundle "$BATS_TEST_TMPDIR/my_bundle:1"
	cd "$BATS_TEST_TMPDIR"
	ocirt run "./my_bundle:1/"
	skip_if_unimplemented run
	[ "$status" -eq 0 ]
	echo my_bundle-1 >>"$BATS_TEST_TMPDIR/.cids"
}

@test "exec: options stop at the container ID (everything after belongs to the command)" {
	ocirt exec nope sh -c --bogus
	[[ "$output" != *"flag provided but not defined"* ]]
}

@test "create with a missing config.json: runc's message" {
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	ocirt create -b "$BATS_TEST_TMPDIR/empty" c1
	skip_if_unimplemented create
	[ "$status" -eq 1 ]
	[[ "$output" == *"JSON specification file config.json not found"* ]]
	[ -z "$(ls -A "$OCIRT_ROOT")" ]
}

@test "the man page renders and documents every command" {
	requires man
	local page="${OCIRT_TESTS_SRCDIR:-$BATS_TEST_DIRNAME/..}/../man/ocirt.8"
	run man --warnings -l "$page"
	[ "$status" -eq 0 ]
	for verb in create start run state kill delete list ps exec pause update events spec features check checkpoint; do
		grep -q "^\.SS $verb" "$page" || fail "$verb missing from ocirt.8"
	done
	run bash -c "man --warnings -l '$page' 2>&1 >/dev/null"
	[ -z "$output" ]
}

@test "bash completion: verbs, options and values" {
	local comp="${OCIRT_TESTS_SRCDIR:-$BATS_TEST_DIRNAME/..}/../completions/bash/ocirt"
	run bash -c "source '$comp'
		COMP_WORDS=(ocirt --root /x sp); COMP_CWORD=3; _ocirt; echo \"\${COMPREPLY[*]}\"
		COMP_WORDS=(ocirt delete --f); COMP_CWORD=2; _ocirt; echo \"\${COMPREPLY[*]}\"
		COMP_WORDS=(ocirt --log-format ''); COMP_CWORD=2; _ocirt; echo \"\${COMPREPLY[*]}\""
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = spec ]
	[ "${lines[1]}" = --force ]
	[ "${lines[2]}" = "text json" ]
}

@test "relative --root is resolved against the caller's cwd" {
	requires root
	cd "$BATS_TEST_TMPDIR"
	run "$OCIRT" --root rel-root list -q
	[ "$status" -eq 0 ]
	[ -d "$BATS_TEST_TMPDIR/rel-root" ]
}

@test "output formats: state (2-space indent, no trailing newline), list table and json" {
	requires root busybox
	setup_bundle
	update_config '.process.args = ["/bin/sleep", "100"] | .annotations = {"org.example.k": "v"}'
	__ocirt create -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	__ocirt state "$CID" >"$BATS_TEST_TMPDIR/state.json"
	[ "$(tail -c 1 "$BATS_TEST_TMPDIR/state.json")" = "}" ]
	[ "$(head -2 "$BATS_TEST_TMPDIR/state.json" | tail -1)" = '  "ociVersion": "1.0.2",' ]
	jq -e --arg id "$CID" --arg b "$BUNDLE" '.id == $id and .status == "created" and .pid > 0 and .bundle == $b
		and .rootfs == ($b + "/rootfs") and (.created | test("^[0-9-]+T[0-9:.]+Z$"))
		and .annotations["org.example.k"] == "v"' "$BATS_TEST_TMPDIR/state.json"
	# unchanged while nothing happens (runtime-tools compares two outputs)
	ocirt state "$CID"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/state.json")" ]

	ocirt list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
	[[ "${lines[1]}" =~ ^$CID\ +[0-9]+\ +created\ +$BUNDLE\ +[0-9T:.-]+Z\ +root$ ]]
	# columns line up (tabwriter: the header and the row start each column at the same offset)
	local hdr=${lines[0]} row=${lines[1]}
	[ "$(awk -v s="$hdr" 'BEGIN{print index(s, "STATUS")}')" = "$(awk -v s="$row" 'BEGIN{print index(s, "created")}')" ]
	ocirt list --format json
	[ "$status" -eq 0 ]
	jq -e --arg id "$CID" 'length == 1 and .[0].id == $id and .[0].owner == "root" and .[0].status == "created"' <<<"$output"
	ocirt list -q
	[ "$output" = "$CID" ]
	ocirt delete "$CID"
	[ "$status" -eq 0 ]
}

@test "default state root: /run/ocirt for root, \$XDG_RUNTIME_DIR/ocirt in a user namespace or for users" {
	requires root unshare setpriv userns
	local x="$BATS_TEST_TMPDIR/xdg"
	mkdir -m 0777 "$x"
	open_tmpdir_path "$x"
	# root in the initial user namespace ignores XDG_RUNTIME_DIR (and podman's minimal env works)
	run env -i XDG_RUNTIME_DIR="$x" "$OCIRT" list -q
	[ "$status" -eq 0 ]
	[ ! -e "$x/ocirt" ]
	# root inside a user namespace (rootless podman) honours it...
	run env -i XDG_RUNTIME_DIR="$x" USER=root unshare -U -r "$OCIRT" list -q
	[ ! -e "$x/ocirt" ]
	run env -i XDG_RUNTIME_DIR="$x" unshare -U -r "$OCIRT" list -q
	[ "$status" -eq 0 ]
	[ -d "$x/ocirt" ]
	rm -rf "$x/ocirt"
	# ...and so does any other user
	run env -i XDG_RUNTIME_DIR="$x" setpriv --reuid 65534 --regid 65534 --clear-groups "$OCIRT" list -q
	[ "$status" -eq 0 ]
	[ "$(stat -c %u "$x/ocirt")" = 65534 ]
}
