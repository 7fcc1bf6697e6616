# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by bench/run.sh: `podman run --rm IMAGE /bin/true` end to end, with podman driving
# ocirt+ocishim, ocirt+conmon, crun+conmon and runc+conmon, interleaved, ITER runs each.
#
# The setup is the engine tests' (tests/engines/helpers-podman.bash): a private store
# (storage.conf.in: graphroot and runroot under $WORK) holding a busybox image built by
# tests/engines/mkimage.sh, and one containers.conf per pair (containers.conf.in: runtime,
# conmon_path, cgroupfs, nofile/nproc ulimits within this host's hard limits), so the
# host's podman state is never touched. --network none: no CNI setup in the figure.
# Where crun only runs in the v1-only view of /sys/fs/cgroup (run.sh), the whole podman
# command of the crun pair runs in that mount namespace, so podman, conmon and crun all see
# a v1 host.
# Under bench/measure -a: wall = until `podman run` returns (what a user waits for); CPU =
# user+sys of every process of it (podman, the shim, the runtime, the exit command's
# `podman container cleanup`), until the last one ends.

bench_podman() {
	local engines=$SRC_DIR/../tests/engines pm=$WORK/pm img=localhost/ocirt-bench-busybox:latest
	local ocishim=${OCISHIM:-$(dirname "${OCIRT_SRC_BIN:-/nonexistent}")/ocishim}
	local conmon pair rt shim rtp shimp f w c base_w base_c title
	local -a pairs=()
	local -A skip
	conmon=$(command -v conmon 2>/dev/null)
	title="podman run --rm IMAGE /bin/true end to end ($(podman --version 2>/dev/null | sed 's/^podman version /podman /'); wall = until \`podman run\` returns; CPU = every process: podman, shim, runtime, cleanup)"
	for pair in ocirt+ocishim ocirt+conmon crun+conmon runc+conmon; do
		rt=${pair%+*} shim=${pair#*+}
		[[ " $RUNTIMES " == *" $rt "* ]] || continue
		pairs+=("$pair")
		if [ -z "${BIN[$rt]:-}" ]; then
			skip[$pair]=${NOTE[$rt]:-not installed}
		elif [ "$shim" = ocishim ] && [ ! -x "$ocishim" ]; then
			skip[$pair]="no ocishim at $ocishim"
		elif [ "$shim" = conmon ] && [ -z "$conmon" ]; then
			skip[$pair]="no conmon"
		fi
	done
	mkdir -p "$pm"
	sed -e "s|@DIR@|$pm|g" -e "s|@DRIVER@|overlay|g" "$engines/storage.conf.in" >"$pm/storage.conf"
	export CONTAINERS_STORAGE_CONF=$pm/storage.conf
	# every pair's containers.conf has the same store and scratch dirs (podman's DB
	# checks them), the first one also serves for load and cleanup
	local conf=
	for pair in "${pairs[@]}"; do
		[ -z "${skip[$pair]:-}" ] || continue
		rt=${pair%+*} shim=${pair#*+}
		rtp=${BIN[$rt]} shimp=$conmon
		[ "$shim" = ocishim ] && shimp=$(readlink -f "$ocishim")
		sed -e "s|@DIR@|$pm|g" -e "s|@RUNTIME@|$rt|g" -e "s|@RUNTIME_PATH@|$rtp|g" -e "s|@CONMON@|$shimp|g" \
			"$engines/containers.conf.in" >"$pm/$pair.conf"
		conf=${conf:-$pm/$pair.conf}
	done
	if [ -z "$conf" ]; then
		printf '\n### %s\n\nn/a (no runtime+shim pair available)\n' "$title"
		return 0
	fi
	if ! "$engines/mkimage.sh" "$pm/busybox.tar" "$BUSYBOX" "$img" >"$WORK/err" 2>&1 ||
		! CONTAINERS_CONF=$conf podman load -q -i "$pm/busybox.tar" >/dev/null 2>>"$WORK/err"; then
		printf '\n### %s\n\nn/a (no image: %s)\n' "$title" "$(tr '\n' ' ' <"$WORK/err" | cut -c1-200)"
		return 0
	fi
	for pair in "${pairs[@]}"; do
		[ -z "${skip[$pair]:-}" ] || continue
		rt=${pair%+*}
		# one unmeasured run: the pair works here, and podman's caches are warm for everyone
		if ! CONTAINERS_CONF=$pm/$pair.conf MEASURE_MNTNS=${NS[$rt]} "$MEASURE" -a podman run --rm --pull never \
			--network none --cgroup-parent "/$PFX-pm" "$img" /bin/true >/dev/null 2>"$WORK/err"; then
			skip[$pair]="fails: $(grep -m1 -i error "$WORK/err" | cut -c1-160)"
		fi
	done
	for _ in $(seq "$ITER"); do
		for pair in "${pairs[@]}"; do
			[ -z "${skip[$pair]:-}" ] || continue
			rt=${pair%+*}
			CONTAINERS_CONF=$pm/$pair.conf MEASURE_MNTNS=${NS[$rt]} "$MEASURE" -o "$WORK/res/pm-$pair" -a \
				podman run --rm --pull never --network none --cgroup-parent "/$PFX-pm" "$img" /bin/true \
				2>"$WORK/err"
			[ "$(tail -n1 "$WORK/res/pm-$pair" | cut -d' ' -f1)" = 0 ] || [ -s "$WORK/res/pm-$pair.err" ] ||
				tr '\n' ' ' <"$WORK/err" | cut -c1-160 >"$WORK/res/pm-$pair.err"
		done
	done
	# nothing of the private store may stay: containers (--rm removes them), mounts
	for c in $(CONTAINERS_CONF=$conf podman ps -aq 2>/dev/null); do
		CONTAINERS_CONF=$conf podman rm -f -t 0 "$c" >/dev/null 2>&1
	done
	grep -o " $pm/[^ ]*" /proc/self/mountinfo | sort -r | while read -r f; do umount -l "$f"; done
	unset CONTAINERS_STORAGE_CONF

	printf '\n### %s\n\n' "$title"
	printf '| runtime + shim | wall ms | ×crun+conmon | CPU ms | ×crun+conmon | ok |\n|---|---|---|---|---|---|\n'
	base_w=$(median "$WORK/res/pm-crun+conmon" 2)
	base_c=$(median "$WORK/res/pm-crun+conmon" 3)
	for pair in "${pairs[@]}"; do
		f="$WORK/res/pm-$pair"
		if [ -n "${skip[$pair]:-}" ]; then
			printf '| %s | n/a (%s) | | | | |\n' "$pair" "${skip[$pair]}"
		elif [ "$(nok "$f")" = 0 ]; then
			printf '| %s | n/a (failed: %s) | | | | 0/%s |\n' "$pair" "$(cat "$f.err" 2>/dev/null)" "$(wc -l <"$f")"
		else
			w=$(median "$f" 2) c=$(median "$f" 3)
			printf '| %s | %s | %s | %s | %s | %s/%s |\n' "$pair" "$(ms "$w")" "$(ratio "$w" "${base_w:-0}")" \
				"$(ms "$c")" "$(ratio "$c" "${base_c:-0}")" "$(nok "$f")" "$(wc -l <"$f")"
		fi
	done
	for pair in "${pairs[@]}"; do
		[ -s "$WORK/res/pm-$pair.err" ] && [ "$(nok "$WORK/res/pm-$pair")" != 0 ] &&
			printf '\n%s: some runs failed: %s\n' "$pair" "$(cat "$WORK/res/pm-$pair.err")"
	done
	[ -n "${NS[crun]:-}" ] && [[ " ${pairs[*]} " == *" crun+conmon "* ]] &&
		printf '\ncrun+conmon: the whole podman command runs in the v1-only view of /sys/fs/cgroup (crun refuses this hybrid host).\n'
	return 0
}
