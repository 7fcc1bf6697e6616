#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mkimage.sh OUT.tar [BUSYBOX] [REF]
# mkimage.sh --pause OUT.tar PAUSE-BINARY REF
# Builds a minimal single-layer docker-archive image (manifest.json + config + layer.tar)
# from a static busybox, importable by `ctr images import` and `docker load`. With --pause,
# the image holds only the static PAUSE-BINARY (e.g. catatonit) as /pause, entrypoint
# `/pause -P`: a CRI sandbox ("pause") image.
# Needs only bash, tar and sha256sum: no registry, no podman.
set -euo pipefail
pause=false
if [ "$1" = --pause ]; then
	pause=true
	shift
fi
out=$1
bb=${2:-/bin/busybox}
ref=${3:-localhost/ocirt-busybox:latest}
work=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-img.XXXXXX")
trap 'rm -rf "$work"' EXIT
r=$work/rootfs
mkdir -p "$r/dev" "$r/proc" "$r/sys"
if $pause; then
	cp "$bb" "$r/pause"
	cmd='"Entrypoint":["/pause","-P"]'
else
	mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/root"
	cp "$bb" "$r/bin/busybox"
	for a in $("$bb" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
	echo 'root:x:0:' >"$r/etc/group"
	chmod 1777 "$r/tmp"
	cmd='"Cmd":["/bin/sh"]'
fi
mkdir -p "$work/img/layer"
tar --numeric-owner --owner=0 --group=0 -C "$r" -cf "$work/img/layer/layer.tar" .
diff=$(sha256sum "$work/img/layer/layer.tar" | cut -d' ' -f1)
cat >"$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],$cmd,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:$diff"]},"history":[{"created":"2026-01-01T00:00:00Z","created_by":"tests/engines/mkimage.sh"}]}
JSON
cfg=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/img/$cfg.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer/layer.tar"]}]\n' "$cfg" "$ref" >"$work/img/manifest.json"
tar -C "$work/img" -cf "$out" manifest.json "$cfg.json" layer/layer.tar
