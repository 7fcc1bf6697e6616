#!/usr/bin/env bats
# Bad input, table-driven: malformed configs, bundles and command lines. Every case exits 1,
# prints a message naming the problem, never hangs (a FIFO config.json, /dev/zero) and
# leaves nothing behind. The rows: tests/unit/fixtures/bad-configs.tsv (through `ocirt
# create` here; through libocispec in the unit test) and tests/runtime/bad-input.tsv.

load ../helpers
load ../helpers-lifecycle

TABLE=${BATS_TEST_DIRNAME}/bad-input.tsv
CONFIG_TABLE=${BATS_TEST_DIRNAME}/../unit/fixtures/bad-configs.tsv
BASE_CONFIG=${BATS_TEST_DIRNAME}/../unit/fixtures/base-config.json

setup() {
	requires root busybox
	setup_bundle
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/good-config.json"
}

teardown() {
	teardown_bundle
}

# restore the bundle between rows
reset_bundle() {
	rm -rf "$BUNDLE/config.json" "$BUNDLE/rootfs.moved"
	if [ ! -d "$BUNDLE/rootfs" ] || [ -L "$BUNDLE/rootfs" ]; then
		rm -rf "$BUNDLE/rootfs"
		mv "$BUNDLE/rootfs.keep" "$BUNDLE/rootfs"
	fi
	cp "$BATS_TEST_TMPDIR/good-config.json" "$BUNDLE/config.json"
}

# --- bundle mutations (kind "bundle") --------------------------------------------------

bundle_fifo() { rm -f "$BUNDLE/config.json" && mkfifo "$BUNDLE/config.json"; }
bundle_huge() { truncate -s 100M "$BUNDLE/config.json"; }
bundle_directory() { rm -f "$BUNDLE/config.json" && mkdir "$BUNDLE/config.json"; }
bundle_empty() { : >"$BUNDLE/config.json"; }
bundle_notjson() { echo '{ "ociVersion": "1.0.2", ' >"$BUNDLE/config.json"; }
bundle_devzero() { ln -sf /dev/zero "$BUNDLE/config.json"; }
bundle_rootfs_file() { mv "$BUNDLE/rootfs" "$BUNDLE/rootfs.keep" && : >"$BUNDLE/rootfs"; }
bundle_rootfs_missing() { mv "$BUNDLE/rootfs" "$BUNDLE/rootfs.keep"; }
bundle_rootfs_symlink_loop() { mv "$BUNDLE/rootfs" "$BUNDLE/rootfs.keep" && ln -s rootfs "$BUNDLE/rootfs"; }

# try_ocirt ARGS...: ocirt with the test's root, bounded by a timeout; sets status and output
# like bats' run, but through a file: a container created by mistake must not hold a pipe
# bats waits on.
try_ocirt() {
	status=0
	timeout 20 "$OCIRT" --root "$OCIRT_ROOT" "$@" </dev/null >"$BATS_TEST_TMPDIR/case.out" 2>&1 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/case.out")
}

# check_case WHAT WANT [STATUS]: the last try_ocirt exited STATUS (1) with WANT in its output, and $CID left
# nothing. Failures are collected in $BAD so one test reports every bad row.
check_case() {
	local what=$1 want=$2 want_status=${3:-1}
	# stderr that is not a terminal gets runc's logfmt lines: msg="...\"quoted\"..."
	output=${output//\\\"/\"}
	if [ "$status" -ne "$want_status" ]; then
		BAD+="$what: exit $status (want $want_status): $output"$'\n'
	elif [[ "$output" != *"$want"* ]]; then
		BAD+="$what: message does not contain \"$want\": $output"$'\n'
	elif [[ "$output" == *"AddressSanitizer"* || "$output" == *"runtime error"* ]]; then
		BAD+="$what: sanitizer report: $output"$'\n'
	fi
	if [ -e "$OCIRT_ROOT/$CID" ]; then
		BAD+="$what: state dir left behind"$'\n'
		__ocirt delete -f "$CID" >/dev/null 2>&1 || true
	fi
	NCASES=$((NCASES + 1))
}

report() {
	echo "$NCASES cases" >&2
	[ -z "$BAD" ] || fail "$(printf '%s' "$BAD")"
}

@test "bad-configs.tsv: every row through ocirt create (exit 1, the JSON path, nothing left)" {
	local filter want cfg
	BAD="" NCASES=0
	while IFS=$'\t' read -r filter want; do
		[ -z "$filter" ] || [[ "$filter" == "#"* ]] && continue
		if ! jq "$filter" "$BASE_CONFIG" >"$BUNDLE/config.json" 2>/dev/null; then
			BAD+="jq failed on: $filter"$'\n'
			continue
		fi
		try_ocirt create -b "$BUNDLE" "$CID"
		check_case "$filter" "config.json: $want"
	done <"$CONFIG_TABLE"
	[ "$NCASES" -ge 100 ] || fail "only $NCASES rows read from $CONFIG_TABLE"
	report
}

@test "bad-input.tsv: configs, command lines and bundles (exit 1, a message naming the problem, nothing left)" {
	local kind spec want st args live longid ctrlid
	BAD="" NCASES=0
	live=$(new_cid live)
	__ocirt create -b "$BUNDLE" "$live" </dev/null >/dev/null 2>&1 || fail "create $live"
	longid=$(printf 'a%.0s' {1..1024})
	ctrlid=$'ctl\x01id'
	while IFS=$'\t' read -r kind spec want st; do
		[ -z "$kind" ] || [[ "$kind" == "#"* ]] && continue
		reset_bundle
		case "$kind" in
		cfg)
			update_config "$spec" || {
				BAD+="jq failed on: $spec"$'\n'
				continue
			}
			try_ocirt create -b "$BUNDLE" "$CID"
			;;
		cli)
			spec=${spec//\$BUNDLE/$BUNDLE}
			spec=${spec//\$CID/$CID}
			spec=${spec//\$LIVE/$live}
			read -r -a args <<<"$spec"
			args=("${args[@]//\$LONGID/$longid}")
			args=("${args[@]//\$CTRLID/$ctrlid}")
			try_ocirt "${args[@]}"
			;;
		bundle)
			if [ "$spec" = process_json_fifo ]; then
				mkfifo "$BATS_TEST_TMPDIR/process.json"
				try_ocirt exec -p "$BATS_TEST_TMPDIR/process.json" "$live"
				rm -f "$BATS_TEST_TMPDIR/process.json"
			else
				"bundle_$spec"
				try_ocirt create -b "$BUNDLE" "$CID"
			fi
			;;
		*)
			BAD+="bad row kind $kind"$'\n'
			continue
			;;
		esac
		[ "$status" -ne 124 ] || BAD+="$kind $spec: HUNG (killed by timeout after 20s)"$'\n'
		check_case "$kind $spec" "$want" "${st:-1}"
	done <"$TABLE"
	reset_bundle
	# the live container is untouched by all of that
	testcontainer "$live" created
	[ "$NCASES" -ge 50 ] || fail "only $NCASES rows read from $TABLE"
	report
}
