# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by bench/run.sh: the memory of the per-container monitor, ocishim vs conmon, with
# NSHIM containers each (`sleep` under ocirt), started the way podman starts them (create
# through the shim, then `start`). RSS is each daemon's VmRSS; PSS (/proc/PID/smaps_rollup)
# shares the pages of shared libraries among the daemons that map them.

bench_shim() {
	local shim s name i p rss pss n
	local -A sum_rss sum_pss count
	printf '#!/bin/sh\nexec %q --root %q "$@"\n' "${BIN[ocirt]}" "$WORK/state-ocirt" >"$WORK/shim-rt"
	chmod +x "$WORK/shim-rt"
	mkdir -p "$WORK/shim/exits" "$WORK/shim/sock"
	for shim in "$OCISHIM" "$(command -v conmon)"; do
		name=${shim##*/}
		sum_rss[$name]=0 sum_pss[$name]=0 count[$name]=0
		for i in $(seq "$NSHIM"); do
			s="$WORK/shim/$name-$i"
			(cd "$WORK/shim" && timeout 30 "$shim" --api-version 1 -c "$PFX-$name-$i" -u "$PFX-$name-$i" \
				-r "$WORK/shim-rt" -b "$WORK/sleep" -p "$s.pid" -n "$PFX-$name-$i" \
				--exit-dir "$WORK/shim/exits" -l "k8s-file:$s.log" --conmon-pidfile "$s.cpid" \
				--socket-dir-path "$WORK/shim/sock" --log-level warning) >/dev/null 2>&1 </dev/null
			"$WORK/shim-rt" start "$PFX-$name-$i" >/dev/null 2>&1 || continue
		done
		sleep 0.5
		for i in $(seq "$NSHIM"); do
			p=$(cat "$WORK/shim/$name-$i.cpid" 2>/dev/null) || continue
			[ -d "/proc/$p" ] || continue
			rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")
			pss=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")
			sum_rss[$name]=$((sum_rss[$name] + rss))
			sum_pss[$name]=$((sum_pss[$name] + pss))
			count[$name]=$((count[$name] + 1))
		done
		for i in $(seq "$NSHIM"); do "$WORK/shim-rt" delete -f "$PFX-$name-$i" >/dev/null 2>&1; done
	done
	printf '\n### per-container monitor memory, %s running containers each (ocirt runs them)\n\n' "$NSHIM"
	printf '| shim | RSS KiB | ×conmon | PSS KiB | ×conmon | running |\n|---|---|---|---|---|---|\n'
	local crss=0 cpss=0
	[ "${count[conmon]}" -gt 0 ] && crss=$((sum_rss[conmon] / count[conmon])) cpss=$((sum_pss[conmon] / count[conmon]))
	for name in "${OCISHIM##*/}" conmon; do
		n=${count[$name]}
		if [ "$n" -eq 0 ]; then
			printf '| %s | n/a (no daemon running) | | | | 0/%s |\n' "$name" "$NSHIM"
			continue
		fi
		printf '| %s | %s | %s | %s | %s | %s/%s |\n' "$name" $((sum_rss[$name] / n)) \
			"$(ratio $((sum_rss[$name] / n)) "$crss")" $((sum_pss[$name] / n)) \
			"$(ratio $((sum_pss[$name] / n)) "$cpss")" "$n" "$NSHIM"
	done
}
