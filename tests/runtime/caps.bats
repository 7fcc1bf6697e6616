#!/usr/bin/env bats
# process.capabilities and process.noNewPrivileges, read back from /proc/self/status inside
# the container and compared with masks computed from the config.

load ../helpers

setup() {
	requires root busybox
	setup_bundle
}

teardown() {
	teardown_bundle
}

# Capability numbers (include/uapi/linux/capability.h), for the masks below.
declare -gA CAPNUM=(
	[CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_FOWNER]=3 [CAP_KILL]=5 [CAP_SETGID]=6
	[CAP_SETUID]=7 [CAP_SETPCAP]=8 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_RAW]=13
	[CAP_SYS_CHROOT]=18 [CAP_SYS_ADMIN]=21 [CAP_MKNOD]=27 [CAP_AUDIT_WRITE]=29
)

# mask NAME...: the 16-hex-digit mask /proc/self/status prints
mask() {
	local m=0 n
	for n in "$@"; do
		m=$((m | (1 << CAPNUM[$n])))
	done
	printf '%016x' "$m"
}

# status_field FIELD: from the last container run's output (a /proc/self/status dump)
status_field() {
	awk -v f="$1:" '$1 == f { print $2 }' <<<"$output"
}

# set_caps JSON-ARRAY-FOR-EACH-SET: bounding effective permitted inheritable ambient
set_caps() {
	update_config '.process.capabilities = {
		"bounding": '"$1"', "effective": '"$2"', "permitted": '"$3"',
		"inheritable": '"$4"', "ambient": '"$5"' }'
}

@test "caps: root gets the configured bounding, inheritable and ambient sets" {
	set_caps '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SETPCAP"]' \
		'["CAP_CHOWN","CAP_KILL"]' '["CAP_CHOWN","CAP_KILL"]' \
		'["CAP_KILL"]' '["CAP_KILL"]'
	update_config '.process.args = ["/bin/cat", "/proc/self/status"] | .process.noNewPrivileges = true'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(status_field CapBnd)" = "$(mask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SETPCAP)" ]
	[ "$(status_field CapInh)" = "$(mask CAP_KILL)" ]
	[ "$(status_field CapAmb)" = "$(mask CAP_KILL)" ]
	# no_new_privs: execve can't add to what we set
	[ "$(status_field CapPrm)" = "$(mask CAP_CHOWN CAP_KILL)" ]
	[ "$(status_field CapEff)" = "$(mask CAP_CHOWN CAP_KILL)" ]

	# without no_new_privs, uid 0 across execve gets the whole bounding set (kernel rule)
	update_config '.process.noNewPrivileges = false'
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(status_field CapBnd)" = "$(mask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SETPCAP)" ]
	[ "$(status_field CapPrm)" = "$(mask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SETPCAP)" ]
	[ "$(status_field CapEff)" = "$(mask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SETPCAP)" ]
}

@test "caps: a non-root user keeps its ambient capabilities across the uid switch and execve" {
	set_caps '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_NET_RAW"]' \
		'["CAP_KILL","CAP_NET_BIND_SERVICE"]' '["CAP_KILL","CAP_NET_BIND_SERVICE"]' \
		'["CAP_KILL","CAP_NET_BIND_SERVICE"]' '["CAP_KILL","CAP_NET_BIND_SERVICE"]'
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.args = ["/bin/cat", "/proc/self/status"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(awk '$1 == "Uid:" {print $2}' <<<"$output")" = 1000 ]
	[ "$(status_field CapBnd)" = "$(mask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_NET_RAW)" ]
	[ "$(status_field CapInh)" = "$(mask CAP_KILL CAP_NET_BIND_SERVICE)" ]
	[ "$(status_field CapAmb)" = "$(mask CAP_KILL CAP_NET_BIND_SERVICE)" ]
	[ "$(status_field CapPrm)" = "$(mask CAP_KILL CAP_NET_BIND_SERVICE)" ]
	[ "$(status_field CapEff)" = "$(mask CAP_KILL CAP_NET_BIND_SERVICE)" ]
}

@test "caps: a non-root user without ambient capabilities ends with empty E/P" {
	set_caps '["CAP_CHOWN","CAP_KILL"]' '["CAP_CHOWN","CAP_KILL"]' '["CAP_CHOWN","CAP_KILL"]' '[]' '[]'
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.args = ["/bin/cat", "/proc/self/status"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(status_field CapBnd)" = "$(mask CAP_CHOWN CAP_KILL)" ]
	[ "$(status_field CapPrm)" = 0000000000000000 ]
	[ "$(status_field CapEff)" = 0000000000000000 ]
	[ "$(status_field CapAmb)" = 0000000000000000 ]
}

@test "caps: the capabilities actually work (chown needs CAP_CHOWN)" {
	set_caps '["CAP_CHOWN"]' '["CAP_CHOWN"]' '["CAP_CHOWN"]' '[]' '[]'
	update_config '.root.readonly = false | .process.args = ["/bin/sh", "-c", "touch /tmp/f && chown 1000 /tmp/f && echo chowned"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *chowned* ]]

	set_caps '["CAP_KILL"]' '["CAP_KILL"]' '["CAP_KILL"]' '[]' '[]'
	update_config '.process.args = ["/bin/sh", "-c", "touch /tmp/g && chown 1000 /tmp/g && echo chowned"]'
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "caps: empty capabilities drop everything" {
	set_caps '[]' '[]' '[]' '[]' '[]'
	update_config '.process.args = ["/bin/cat", "/proc/self/status"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	for f in CapBnd CapEff CapPrm CapInh CapAmb; do
		[ "$(status_field $f)" = 0000000000000000 ]
	done
}

@test "caps: unknown capability names are skipped with a warning, the container still runs" {
	set_caps '["CAP_CHOWN","CAP_NOT_A_CAP","CAP_KILL"]' '["CAP_CHOWN","CAP_BOGUS"]' '["CAP_CHOWN"]' '[]' '[]'
	update_config '.process.args = ["/bin/cat", "/proc/self/status"]'
	ocirt_sep --log-level warning run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *CAP_NOT_A_CAP* ]]
	[[ "$stderr" == *CAP_BOGUS* ]]
	[ "$(status_field CapBnd)" = "$(mask CAP_CHOWN CAP_KILL)" ]
}

@test "caps: absent process.capabilities leaves the runtime's capabilities" {
	update_config 'del(.process.capabilities) | .process.args = ["/bin/cat", "/proc/self/status"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(status_field CapBnd)" = "$(awk '$1 == "CapBnd:" {print $2}' /proc/self/status)" ]
}

@test "noNewPrivileges: true sets NoNewPrivs, false leaves it off" {
	update_config '.process.noNewPrivileges = true | .process.args = ["/bin/cat", "/proc/self/status"]'
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(status_field NoNewPrivs)" = 1 ]

	update_config '.process.noNewPrivileges = false'
	CID=$(new_cid)
	ocirt run -b "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(status_field NoNewPrivs)" = 0 ]
}
