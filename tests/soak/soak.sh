#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Soak: many create/start/delete cycles, sequential and parallel, and many execs into one
# running container; then the leak check: mounts, cgroup dirs, state root entries, fds,
# zombies. Prints one line per phase and a final "leaked: 0" line; exits non-zero on any
# failure or leak.
#
#   tests/soak/soak.sh [-n SEQUENTIAL] [-p PARALLEL] [-e EXECS] [--quick]
#
#   -n N      sequential create/start/delete cycles (default 1000)
#   -p M      parallel cycles, all started at once (default 100)
#   -e K      execs into one running container (default 1000; skipped with a message when
#             `ocirt exec` does not work)
#   --quick   -n 50 -p 10 -e 50 (CI)
# Environment: OCIRT (the binary; default ./ocirt), BUSYBOX (a static busybox, default
# /bin/busybox). Needs root.
set -uo pipefail

seq_n=1000 par_n=100 exec_n=1000
while [ $# -gt 0 ]; do
	case "$1" in
	-n) seq_n=$2; shift ;;
	-p) par_n=$2; shift ;;
	-e) exec_n=$2; shift ;;
	--quick) seq_n=50 par_n=10 exec_n=50 ;;
	-h | --help) sed -n '2,/^set/{/^set/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "soak: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

OCIRT=${OCIRT:-$PWD/ocirt}
BUSYBOX=${BUSYBOX:-/bin/busybox}
case "$OCIRT" in /*) ;; *) OCIRT=$PWD/$OCIRT ;; esac
[ "$(id -u)" -eq 0 ] || { echo "soak: needs root" >&2; exit 77; }
[ -x "$OCIRT" ] || { echo "soak: no ocirt binary at $OCIRT" >&2; exit 2; }
[ -x "$BUSYBOX" ] || { echo "soak: no busybox at $BUSYBOX" >&2; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-soak.XXXXXX")
root=$work/state
bundle=$work/bundle
tag=soak$$x
failures=0
log=$work/errors.log
: >"$log"

cleanup() {
	local d
	for d in "$root"/*/; do
		[ -d "$d" ] && "$OCIRT" --root "$root" delete -f "$(basename "$d")" >/dev/null 2>&1
	done
	[ "${keep:-}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

# --- the bundle ---------------------------------------------------------------------
mkdir -p "$root" "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys" "$bundle/rootfs/tmp"
cp "$BUSYBOX" "$bundle/rootfs/bin/busybox"
for t in sh true sleep cat; do ln -s busybox "$bundle/rootfs/bin/$t"; done
(cd "$bundle" && "$OCIRT" spec) || { echo "soak: ocirt spec failed" >&2; exit 1; }
jq '.process.args = ["/bin/true"] | .process.terminal = false | .root.readonly = false
	| .process.env += ["OCIRT_SOAK='"$tag"'"]' "$bundle/config.json" >"$bundle/c.json" &&
	mv "$bundle/c.json" "$bundle/config.json"

# --- snapshots ----------------------------------------------------------------------
# Only what this run can have made: mounts under the work dir or naming a soak container,
# cgroup dirs named after a soak container, entries of our own state root, our own fds,
# zombie children of ours and processes carrying our marker.
snap_mounts() { grep -F -e "$work" -e "$tag" /proc/self/mountinfo | awk '{ $1 = $2 = ""; print }' | sort; }
snap_cgroups() { find /sys/fs/cgroup -maxdepth 8 -type d -name "$tag-*" 2>/dev/null | sort; }
snap_state() { ls -A "$root" | grep -v '^\.seccomp~cache$' | sort; }
snap_fds() { ls /proc/$$/fd | wc -l; }
snap_zombies() { ps -eo pid=,ppid=,stat= | awk -v me=$$ '$3 ~ /^Z/ && $2 == me' | wc -l; }
snap_marked() { grep -lsaF "OCIRT_SOAK=$tag" /proc/[0-9]*/environ 2>/dev/null | wc -l; }

mounts0=$(snap_mounts)
fds0=$(snap_fds)

# one create/start/delete cycle; errors go to $log
cycle() {
	local id=$1 out
	# stdio to files: the init keeps them while it waits for start (a pipe would block us)
	if ! "$OCIRT" --root "$root" create -b "$bundle" "$id" </dev/null >/dev/null 2>"$work/create.$id"; then
		echo "$id create: $(cat "$work/create.$id")" >>"$log"
		rm -f "$work/create.$id"
		return 1
	fi
	rm -f "$work/create.$id"
	if ! out=$("$OCIRT" --root "$root" start "$id" 2>&1); then
		echo "$id start: $out" >>"$log"
		"$OCIRT" --root "$root" delete -f "$id" >/dev/null 2>&1
		return 1
	fi
	if ! out=$("$OCIRT" --root "$root" delete -f "$id" 2>&1); then
		echo "$id delete: $out" >>"$log"
		return 1
	fi
}

t0=$SECONDS
fail=0
for ((i = 0; i < seq_n; i++)); do
	cycle "$tag-s$i" || fail=$((fail + 1))
done
echo "soak: sequential: $seq_n cycles, $fail failed, $((SECONDS - t0))s"
failures=$((failures + fail))

t0=$SECONDS
pids=()
for ((i = 0; i < par_n; i++)); do
	cycle "$tag-p$i" &
	pids+=($!)
done
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=$((fail + 1)); done
echo "soak: parallel: $par_n cycles at once, $fail failed, $((SECONDS - t0))s"
failures=$((failures + fail))

# exec into one running container
t0=$SECONDS
jq '.process.args = ["/bin/sleep", "100000"]' "$bundle/config.json" >"$work/sleep.json"
mkdir -p "$work/sleeper" && ln -s "$bundle/rootfs" "$work/sleeper/rootfs" && cp "$work/sleep.json" "$work/sleeper/config.json"
if ! "$OCIRT" --root "$root" run -d -b "$work/sleeper" "$tag-exec" </dev/null >/dev/null 2>"$work/run.err"; then
	echo "soak: exec: the container did not start: $(cat "$work/run.err")"
	failures=$((failures + 1))
elif ! "$OCIRT" --root "$root" exec "$tag-exec" /bin/true </dev/null >/dev/null 2>&1; then
	echo "soak: exec: SKIPPED (\`ocirt exec\` does not work in this build)"
else
	init=$("$OCIRT" --root "$root" state "$tag-exec" | jq -r .pid)
	ifds0=$(ls /proc/"$init"/fd | wc -l)
	fail=0
	for ((i = 1; i < exec_n; i++)); do
		if ! out=$("$OCIRT" --root "$root" exec "$tag-exec" /bin/true </dev/null 2>&1); then
			echo "exec $i: $out" >>"$log"
			fail=$((fail + 1))
		fi
	done
	ifds1=$(ls /proc/"$init"/fd | wc -l)
	echo "soak: exec: $exec_n execs, $fail failed, container init fds $ifds0 -> $ifds1, $((SECONDS - t0))s"
	failures=$((failures + fail))
	[ "$ifds0" -eq "$ifds1" ] || { echo "soak: LEAK: the container init's fds grew"; failures=$((failures + 1)); }
	if [ "$(ps -eo ppid=,stat= | awk -v p="$init" '$1 == p && $2 ~ /^Z/' | wc -l)" -ne 0 ]; then
		echo "soak: LEAK: zombies under the container init"
		failures=$((failures + 1))
	fi
fi
"$OCIRT" --root "$root" delete -f "$tag-exec" >/dev/null 2>&1

# --- leak check ---------------------------------------------------------------------
sleep 0.5
leaks=0
report() { # what, list
	if [ -n "$2" ]; then
		echo "soak: LEAK: $1:"
		echo "$2" | head -20 | sed 's/^/    /'
		leaks=$((leaks + $(echo "$2" | wc -l)))
	fi
}
report "mounts" "$(comm -13 <(echo "$mounts0") <(snap_mounts))"
report "cgroup dirs" "$(snap_cgroups)"
report "state root entries" "$(snap_state)"
fds1=$(snap_fds)
[ "$fds1" -le "$fds0" ] || report "fds of the soak shell ($fds0 -> $fds1)" "$(ls -l /proc/$$/fd)"
z=$(snap_zombies)
[ "$z" -eq 0 ] || report "zombie children" "$(ps -eo pid=,ppid=,stat=,cmd= | awk -v me=$$ '$3 ~ /^Z/ && $2 == me')"
m=$(snap_marked)
[ "$m" -eq 0 ] || report "container processes still running" "$(grep -lsaF "OCIRT_SOAK=$tag" /proc/[0-9]*/environ)"

if [ -s "$log" ]; then
	echo "soak: first errors:"
	head -10 "$log" | sed 's/^/    /'
fi
echo "soak: failures: $failures"
echo "soak: leaked: $leaks"
[ "$failures" -eq 0 ] && [ "$leaks" -eq 0 ]
