#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ocirt vs crun vs runc, side by side on this machine, in one command (as root):
#
#   bench/run.sh [--quick] [-n N] [--ocirt PATH] [--runtimes "ocirt crun runc"] [--only LIST]
#
# Each measurement runs the runtimes interleaved (ocirt, crun, runc, ocirt, ...) and
# sequentially, under bench/measure (a subreaper that reaps the whole process tree and reports
# wall time, user+sys CPU of every process in it, and the largest RSS of any one of them).
# Figures are medians; "×crun" is the ratio to crun's median in the same run.
# --quick: a few iterations and 5 containers instead of 100 (a smoke test, a few minutes).
# --only: a comma list of start-min,start-podman,create,exec,state,parallel,shim,podman.
#
# crun 1.8.1 refuses hybrid cgroup hosts ("cgroups in hybrid mode not supported"), whatever
# the bundle. When it does, crun runs in a private mount namespace where /sys/fs/cgroup
# shows only the v1 hierarchies (the host's mounts are not touched); the table says so.
set -u -o pipefail

SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QUICK=0
ITER=
RUNTIMES="ocirt crun runc"
ONLY="start-min,start-podman,create,exec,state,parallel,shim,podman"
OCIRT_BIN=${OCIRT:-}
OCIRT_SRC_BIN=

usage() { sed -n '3,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	-n) ITER=$2; shift ;;
	--ocirt) OCIRT_BIN=$2; shift ;;
	--runtimes) RUNTIMES=$2; shift ;;
	--only) ONLY=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if [ "$QUICK" = 1 ]; then
	ITER=${ITER:-3}; NCONT=5; PAR_SIZES="5"; NSHIM=3
else
	ITER=${ITER:-30}; NCONT=100; PAR_SIZES="10 50 100"; NSHIM=20
fi
want() { [[ ",$ONLY," == *",$1,"* ]]; }
say() { printf '%s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { say "bench: must run as root"; exit 2; }

# --- the runtimes ----------------------------------------------------------------------
if [ -z "$OCIRT_BIN" ]; then
	for c in "$PWD/ocirt" "$SRC_DIR/../ocirt" "$(command -v ocirt 2>/dev/null)"; do
		[ -n "$c" ] && [ -x "$c" ] && [ -f "$c" ] && { OCIRT_BIN=$c; break; }
	done
fi
declare -A BIN NS NOTE
RTS=()
for rt in $RUNTIMES; do
	case $rt in
	ocirt) b=$OCIRT_BIN ;;
	*) b=$(command -v "$rt" 2>/dev/null) ;;
	esac
	if [ -z "$b" ] || [ ! -x "$b" ]; then
		say "bench: $rt not found: not measured"
		NOTE[$rt]="not installed"
		continue
	fi
	BIN[$rt]=$(readlink -f "$b")
	NS[$rt]=
	RTS+=("$rt")
done
[ ${#RTS[@]} -gt 0 ] || { say "bench: no runtime to measure"; exit 2; }

WORK=$(mktemp -d /tmp/ocirt-bench.XXXXXX)
chmod 755 "$WORK"
PFX="ocb$$"
HOLDER=
NETNS="$PFX-net"

cleanup() {
	local rt id
	trap '' PIPE INT TERM
	exec >/dev/null 2>&1
	for rt in "${RTS[@]}"; do
		[ -d "$WORK/state-$rt" ] || continue
		for id in $(ls "$WORK/state-$rt" 2>/dev/null); do
			rtx "$rt" delete -f "$id" >/dev/null 2>&1
		done
	done
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null && wait "$HOLDER" 2>/dev/null
	ip netns delete "$NETNS" 2>/dev/null
	find /sys/fs/cgroup -maxdepth 4 -depth -type d -path "*/$PFX*" -exec rmdir {} \; 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a private copy of ocirt: a rebuild during the run must not change what is measured
if [ -n "${BIN[ocirt]:-}" ]; then
	mkdir -p "$WORK/bin"
	cp "${BIN[ocirt]}" "$WORK/bin/ocirt"
	OCIRT_SRC_BIN=${BIN[ocirt]}
	BIN[ocirt]=$WORK/bin/ocirt
fi
MEASURE="$WORK/measure"
cc -O2 -Wall -o "$MEASURE" "$SRC_DIR/measure.c" || { say "bench: cannot build measure.c"; exit 2; }

# rtx RT ARGS...: run runtime RT (in its mount namespace) with its own state root.
rtx() {
	local rt=$1
	shift
	if [ -n "${NS[$rt]}" ]; then
		nsenter --mount="${NS[$rt]}" -- "${BIN[$rt]}" --root "$WORK/state-$rt" "$@"
	else
		"${BIN[$rt]}" --root "$WORK/state-$rt" "$@"
	fi
}
# m OUT RT ARGS...: measure one runtime command and every process it starts (they must all
# end); its stderr goes to $WORK/err. M_WAIT= (empty) stops at the runtime's exit instead.
M_WAIT=-a
m() {
	local out=$1 rt=$2
	shift 2
	MEASURE_MNTNS="${NS[$rt]}" "$MEASURE" -o "$out" $M_WAIT "${BIN[$rt]}" --root "$WORK/state-$rt" "$@" 2>"$WORK/err"
	local st
	st=$(tail -n1 "$out" | cut -d' ' -f1)
	if [ "$st" != 0 ] && [ ! -s "$out.err" ]; then
		{ echo "exit $st: $(tr '\n' ' ' <"$WORK/err" | cut -c1-160)"; } >"$out.err"
	fi
	return 0
}

# --- rootfs and bundles ------------------------------------------------------------------
BUSYBOX=
for c in /bin/busybox /usr/bin/busybox; do
	[ -x "$c" ] && file -L "$c" | grep -q 'statically linked' && { BUSYBOX=$c; break; }
done
[ -n "$BUSYBOX" ] || { say "bench: needs a static busybox (apt-get install busybox-static)"; exit 2; }
ROOTFS="$WORK/rootfs"
mkdir -p "$ROOTFS"/{bin,proc,sys,dev,tmp,etc,run,root}
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for a in sh true sleep cat; do ln -s busybox "$ROOTFS/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOTFS/etc/passwd"
echo 'root:x:0:' >"$ROOTFS/etc/group"

# the minimal bundle: `ocirt spec`, /bin/true
mkdir -p "$WORK/min"
if [ -n "${BIN[ocirt]:-}" ]; then
	(cd "$WORK/min" && "${BIN[ocirt]}" spec) || { say "bench: ocirt spec failed"; exit 1; }
else
	(cd "$WORK/min" && "${BIN[${RTS[0]}]}" spec) || { say "bench: spec failed"; exit 1; }
fi
jq --arg r "$ROOTFS" '.root.path = $r | .process.args = ["/bin/true"] | .process.terminal = false' \
	"$WORK/min/config.json" >"$WORK/min/c" && mv "$WORK/min/c" "$WORK/min/config.json"
# a long-running variant for exec, state, list
mkdir -p "$WORK/sleep"
jq '.process.args = ["/bin/sleep", "100000"]' "$WORK/min/config.json" >"$WORK/sleep/config.json"

# podman's config.json (podman 4.3, a real one) pointed at our rootfs, netns and files, one
# bundle per runtime (each gets its own cgroup path)
FIXTURE="$SRC_DIR/../tests/unit/fixtures/podman-config.json"
PODMAN_OK=0
if [ -f "$FIXTURE" ] && command -v ip >/dev/null && ip netns add "$NETNS" 2>/dev/null; then
	UD="$WORK/userdata"
	mkdir -p "$UD/shm"
	echo "127.0.0.1 localhost" >"$UD/hosts"
	echo bench >"$UD/hostname"
	: >"$UD/resolv.conf"
	: >"$UD/.containerenv"
	hard=$(ulimit -Hu)
	[ "$hard" = unlimited ] && hard=1048576
	for rt in "${RTS[@]}"; do
		mkdir -p "$WORK/podman-$rt"
		jq --arg root "$ROOTFS" --arg ns "/run/netns/$NETNS" --arg ud "$UD" \
			--arg cg "/$PFX-podman/$rt" --argjson nproc "$hard" '
			.root.path = $root
			| .process.args = ["/bin/busybox", "true"]
			| .linux.namespaces |= map(if .type == "network" then .path = $ns else . end)
			| .mounts |= map(if .type == "bind" then .source = ($ud + "/" + (.source | split("/") | last)) else . end)
			| .process.rlimits |= map(if .type == "RLIMIT_NPROC" and .hard > $nproc then .hard = $nproc | .soft = $nproc else . end)
			| .linux.cgroupsPath = $cg' "$FIXTURE" >"$WORK/podman-$rt/config.json"
	done
	PODMAN_OK=1
	NSYSCALLS=$(jq '[.linux.seccomp.syscalls[].names | length] | add' "$FIXTURE")
	NMOUNTS=$(jq '.mounts | length' "$FIXTURE")
else
	say "bench: no podman fixture or no \`ip netns\`: the podman-config bundle is not measured"
fi

# --- crun on a hybrid host ---------------------------------------------------------------
# Start a holder process in a private mount namespace where /sys/fs/cgroup has the v1
# hierarchies only; crun runs there (measure joins it before timing starts).
v1_view() {
	[ -n "$HOLDER" ] && return 0
	unshare -m --propagation private sh -c '
		set -e
		d=$(mktemp -d /tmp/.ocb-cgv1.XXXXXX)
		mount --rbind /sys/fs/cgroup "$d"
		mount -t tmpfs -o mode=755 cgroup-v1-view /sys/fs/cgroup
		for m in "$d"/*; do
			[ "$(stat -f -c %T "$m")" = cgroupfs ] || continue
			mkdir -p "/sys/fs/cgroup/${m##*/}"
			mount --bind "$m" "/sys/fs/cgroup/${m##*/}"
		done
		umount -l "$d"; rmdir "$d"
		echo ready
		exec sleep 1000000' >"$WORK/holder.out" 2>&1 &
	HOLDER=$!
	for _ in $(seq 50); do grep -q ready "$WORK/holder.out" 2>/dev/null && break; sleep 0.1; done
	grep -q ready "$WORK/holder.out" || { say "bench: v1 view: $(cat "$WORK/holder.out")"; return 1; }
}
if [ -n "${BIN[crun]:-}" ]; then
	if ! rtx crun run -b "$WORK/min" "$PFX-probe" >/dev/null 2>"$WORK/err"; then
		if grep -q 'hybrid mode not supported' "$WORK/err" && v1_view; then
			NS[crun]=/proc/$HOLDER/ns/mnt
			NOTE[crun]="refuses this hybrid cgroup host ($(tr -d '\n' <"$WORK/err" | cut -c1-60)...): measured in a v1-only view of /sys/fs/cgroup"
			say "bench: crun: ${NOTE[crun]}"
			if ! rtx crun run -b "$WORK/min" "$PFX-probe2" >/dev/null 2>"$WORK/err"; then
				say "bench: crun fails in the v1 view too: $(cat "$WORK/err")"
			fi
		else
			say "bench: crun fails here: $(cat "$WORK/err")"
		fi
	fi
fi

# --- statistics --------------------------------------------------------------------------
# median FILE COLUMN (1-based; only lines whose status is 0)
median() {
	awk -v c="$2" '$1 == 0 { print $c }' "$1" 2>/dev/null | sort -n |
		awk '{ a[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
nok() { awk '$1 == 0' "$1" 2>/dev/null | wc -l; }
ms() { awk -v v="$1" 'BEGIN { printf "%.1f", v / 1000 }'; }
mb() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }

# table TITLE KEY [rss]: one row per runtime from $WORK/res/KEY-RT
table() {
	local title=$1 key=$2 rss=${3:-} rt f cpu wall r crun_cpu crun_wall crun_rss
	printf '\n### %s\n\n' "$title"
	if [ -n "$rss" ]; then
		printf '| runtime | peak RSS MiB | ×crun | CPU ms | wall ms | ok |\n|---|---|---|---|---|---|\n'
	else
		printf '| runtime | CPU ms | ×crun | wall ms | ×crun | ok |\n|---|---|---|---|---|---|\n'
	fi
	crun_cpu=$(median "$WORK/res/$key-crun" 3)
	crun_wall=$(median "$WORK/res/$key-crun" 2)
	crun_rss=$(median "$WORK/res/$key-crun" 4)
	for rt in $RUNTIMES; do
		f="$WORK/res/$key-$rt"
		if [ -z "${BIN[$rt]:-}" ]; then
			printf '| %s | n/a (%s) | | | | |\n' "$rt" "${NOTE[$rt]}"
			continue
		fi
		if [ ! -f "$f" ]; then
			printf '| %s | n/a (%s) | | | | |\n' "$rt" "$(cat "$f.skip" 2>/dev/null || echo "not run")"
			continue
		fi
		if [ "$(nok "$f")" = 0 ]; then
			printf '| %s | n/a (failed: %s) | | | | 0/%s |\n' "$rt" "$(cat "$f.err" 2>/dev/null)" "$(wc -l <"$f")"
			continue
		fi
		cpu=$(median "$f" 3)
		wall=$(median "$f" 2)
		r=$(median "$f" 4)
		if [ -n "$rss" ]; then
			printf '| %s | %s | %s | %s | %s | %s/%s |\n' "$rt" "$(mb "$r")" "$(ratio "$r" "$crun_rss")" \
				"$(ms "$cpu")" "$(ms "$wall")" "$(nok "$f")" "$(wc -l <"$f")"
		else
			printf '| %s | %s | %s | %s | %s | %s/%s |\n' "$rt" "$(ms "$cpu")" "$(ratio "$cpu" "$crun_cpu")" \
				"$(ms "$wall")" "$(ratio "$wall" "$crun_wall")" "$(nok "$f")" "$(wc -l <"$f")"
		fi
	done
	for rt in "${RTS[@]}"; do
		[ -s "$WORK/res/$key-$rt.err" ] && [ "$(nok "$WORK/res/$key-$rt")" != 0 ] &&
			printf '\n%s: some runs failed: %s\n' "$rt" "$(cat "$WORK/res/$key-$rt.err")"
	done
	return 0
}
mkdir -p "$WORK/res"
REPORT="$WORK/report.md"
: >"$REPORT"
emit() { tee -a "$REPORT"; }

{
	printf '## ocirt benchmark, %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf -- '- machine: %s, %s CPUs, kernel %s, load %s\n' \
		"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" "$(nproc)" "$(uname -r)" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
	for rt in $RUNTIMES; do
		if [ -n "${BIN[$rt]:-}" ]; then
			b=${BIN[$rt]}
			[ "$rt" = ocirt ] && b=$OCIRT_SRC_BIN
			printf -- '- %s: %s (%s; %s)%s\n' "$rt" "$b" "$("${BIN[$rt]}" --version 2>/dev/null | head -n1)" \
				"$(ldd "${BIN[$rt]}" 2>/dev/null | grep -c '=>') shared libraries" \
				"${NOTE[$rt]:+; ${NOTE[$rt]}}"
		else
			printf -- '- %s: %s\n' "$rt" "${NOTE[$rt]}"
		fi
	done
	[ -n "${BIN[ocirt]:-}" ] && [ -d "$SRC_DIR/../.git" ] &&
		printf -- '- ocirt commit: %s\n' "$(git -C "$SRC_DIR/.." rev-parse --short HEAD 2>/dev/null)"
	printf -- '- %s iterations per runtime, interleaved, sequential; medians\n' "$ITER"
} | emit

# --- start to exit -----------------------------------------------------------------------
# bench_run KEY BUNDLE_PREFIX: `run` of /bin/true, ITER times per runtime, interleaved
bench_run() {
	local key=$1 bundle=$2 i rt b
	for i in $(seq "$ITER"); do
		for rt in "${RTS[@]}"; do
			b=$bundle
			[ -d "$bundle-$rt" ] && b=$bundle-$rt
			m "$WORK/res/$key-$rt" "$rt" run -b "$b" "$PFX-$key-$i"
			rtx "$rt" delete -f "$PFX-$key-$i" >/dev/null 2>&1
		done
	done
}
if want start-min; then
	say "bench: start to exit, minimal bundle"
	bench_run min "$WORK/min"
	table "run /bin/true: minimal \`ocirt spec\` bundle (start to exit; CPU = user+sys of every process)" min | emit
fi
if want start-podman && [ "$PODMAN_OK" = 1 ]; then
	say "bench: start to exit, podman's config.json"
	bench_run podman "$WORK/podman"
	table "run /bin/true: podman's config.json ($NSYSCALLS-syscall seccomp profile, netns, $NMOUNTS mounts, masked paths, cgroup)" podman | emit
fi

# --- create (peak RSS), state, list with NCONT containers ----------------------------------
if want create || want state; then
	say "bench: create $NCONT containers per runtime (peak RSS), then state and list"
	for i in $(seq "$NCONT"); do
		for rt in "${RTS[@]}"; do
			M_WAIT= m "$WORK/res/create-$rt" "$rt" create -b "$WORK/sleep" "$PFX-c-$i"
		done
	done
	table "create (parks before the user process), $NCONT containers: peak RSS = largest of any runtime process" create rss | emit
	if want state; then
		for i in $(seq "$ITER"); do
			for rt in "${RTS[@]}"; do
				m "$WORK/res/state-$rt" "$rt" state "$PFX-c-$(((i - 1) % NCONT + 1))"
				m "$WORK/res/list-$rt" "$rt" list
			done
		done
		table "state, with $NCONT containers" state | emit
		table "list, $NCONT containers" list | emit
	fi
	for rt in "${RTS[@]}"; do
		pids=()
		for i in $(seq "$NCONT"); do
			rtx "$rt" delete -f "$PFX-c-$i" >/dev/null 2>&1 &
			pids+=($!)
		done
		wait "${pids[@]}" # not a bare `wait`: the v1-view holder is a child too
	done
fi

# --- exec into a running container -------------------------------------------------------
if want exec; then
	say "bench: exec into a running container"
	for rt in "${RTS[@]}"; do
		if ! rtx "$rt" run -d -b "$WORK/sleep" "$PFX-exec" >/dev/null 2>"$WORK/err" </dev/null; then
			echo "run -d failed: $(head -c 160 "$WORK/err")" >"$WORK/res/exec-$rt.skip"
		fi
	done
	for i in $(seq "$ITER"); do
		for rt in "${RTS[@]}"; do
			[ -f "$WORK/res/exec-$rt.skip" ] && continue
			m "$WORK/res/exec-$rt" "$rt" exec "$PFX-exec" /bin/true
		done
	done
	for rt in "${RTS[@]}"; do
		f="$WORK/res/exec-$rt"
		if [ -f "$f" ] && [ "$(nok "$f")" = 0 ]; then
			mv "$f.err" "$f.skip.detail" 2>/dev/null
			echo "exec failed: $(cat "$f.skip.detail" 2>/dev/null)" >"$f.skip"
			rm -f "$f"
		fi
		rtx "$rt" delete -f "$PFX-exec" >/dev/null 2>&1
	done
	table "exec <id> /bin/true into a running container" exec | emit
fi

# --- N containers started in parallel ----------------------------------------------------
if want parallel; then
	say "bench: containers started in parallel ($PAR_SIZES)"
	cat >"$WORK/par.sh" <<-'EOF'
		# par.sh BIN ROOT BUNDLE PREFIX N: N `run`s at once; exit status = number of failures
		bin=$1 root=$2 bundle=$3 pfx=$4 n=$5 fail=0
		for i in $(seq "$n"); do "$bin" --root "$root" run -b "$bundle" "$pfx-$i" >/dev/null 2>&1 & done
		for i in $(seq "$n"); do wait -n || fail=$((fail + 1)); done
		exit $fail
	EOF
	reps=3
	[ "$QUICK" = 1 ] && reps=1
	{
		printf '\n### %s\n\n' "containers started in parallel (run /bin/true, minimal bundle): total, median of $reps"
		printf '| runtime |'
		for n in $PAR_SIZES; do printf ' %s: wall ms | CPU ms |' "$n"; done
		printf ' growth (wall %s→%s) |\n|---|' "${PAR_SIZES%% *}" "${PAR_SIZES##* }"
		for n in $PAR_SIZES; do printf -- '---|---|'; done
		printf -- '---|\n'
	} >"$WORK/par.md"
	for n in $PAR_SIZES; do
		for r in $(seq "$reps"); do
			for rt in "${RTS[@]}"; do
				MEASURE_MNTNS="${NS[$rt]}" "$MEASURE" -o "$WORK/res/par$n-$rt" -a bash "$WORK/par.sh" \
					"${BIN[$rt]}" "$WORK/state-$rt" "$WORK/min" "$PFX-p$n-$r" "$n" 2>/dev/null
				for i in $(seq "$n"); do rtx "$rt" delete -f "$PFX-p$n-$r-$i" >/dev/null 2>&1; done
			done
		done
	done
	for rt in $RUNTIMES; do
		if [ -z "${BIN[$rt]:-}" ]; then printf '| %s | n/a |\n' "$rt" >>"$WORK/par.md"; continue; fi
		printf '| %s |' "$rt"
		first= last=
		for n in $PAR_SIZES; do
			f="$WORK/res/par$n-$rt"
			w=$(median "$f" 2)
			if [ -z "$w" ]; then
				printf ' failed (%s of %s) | |' "$(awk '{print $1}' "$f" | sort -n | tail -n1)" "$n"
				continue
			fi
			printf ' %s | %s |' "$(ms "$w")" "$(ms "$(median "$f" 3)")"
			[ -z "$first" ] && first=$w
			last=$w
		done
		if [ -n "$first" ] && [ -n "$last" ]; then
			printf ' ×%s |\n' "$(ratio "$last" "$first")"
		else
			printf ' |\n'
		fi
	done >>"$WORK/par.md"
	emit <"$WORK/par.md"
fi

# --- shim RSS (ocishim vs conmon) and podman end to end (bench/podman.bash) ----------------
if want shim; then
	OCISHIM=${OCISHIM:-$(dirname "${OCIRT_SRC_BIN:-/nonexistent}")/ocishim}
	if [ -x "$OCISHIM" ] && command -v conmon >/dev/null; then
		. "$SRC_DIR/shim.bash"
		bench_shim | emit
	else
		printf '\n### shim RSS per running container\n\nn/a (%s)\n' \
			"$([ -x "$OCISHIM" ] || echo "no ocishim at $OCISHIM") $(command -v conmon >/dev/null || echo "no conmon")" | emit
	fi
fi
if want podman; then
	if command -v podman >/dev/null; then
		say "bench: podman run end to end (ocirt+ocishim, ocirt+conmon, crun+conmon, runc+conmon)"
		. "$SRC_DIR/podman.bash"
		bench_podman | emit
	else
		say "bench: no podman: podman end to end is not measured"
		printf '\n### podman run end to end\n\nn/a (no podman)\n' | emit
	fi
fi

[ -n "${BENCH_REPORT:-}" ] && cp "$REPORT" "$BENCH_REPORT"
exit 0
