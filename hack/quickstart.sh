#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# From a fresh Debian/Ubuntu machine to a running container:
#   sudo hack/quickstart.sh
# installs the dependencies, builds ocirt in ./build, makes a busybox bundle with
# `ocirt spec` and runs it with `ocirt run`.
#   QUICKSTART_NO_DEPS=1   skip the apt-get step (dependencies already there)
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$src/build}

if [ "$(id -u)" -ne 0 ]; then
	echo "quickstart: containers need root here: sudo $0" >&2
	exit 1
fi

step() { printf '\n==> %s\n' "$*"; }

if [ -z "${QUICKSTART_NO_DEPS:-}" ]; then
	step "installing build and test dependencies"
	"$src/hack/install-deps.sh"
fi

step "building ocirt in $build"
(cd "$src" && ./autogen.sh)
mkdir -p "$build"
(cd "$build" && "$src/configure" --enable-werror && make -j"$(nproc)")
ocirt=$build/ocirt
"$ocirt" --version

step "making a busybox bundle with \`ocirt spec\`"
bundle=$(mktemp -d /tmp/ocirt-quickstart.XXXXXX)
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs"/{proc,sys,dev,tmp,etc}
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for app in sh echo uname hostname id cat ls; do ln -s busybox "$bundle/rootfs/bin/$app"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$bundle/rootfs/etc/passwd"
(cd "$bundle" && "$ocirt" spec)
# not interactive: no terminal, and a command that says hello
jq '.process.terminal = false
	| .process.args = ["/bin/sh", "-c", "echo \"Hello from an ocirt container: $(hostname), $(id)\"; uname -sr"]' \
	"$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
echo "bundle: $bundle"

step "checking the bundle: ocirt check"
"$ocirt" check --bundle "$bundle"

step "running it: ocirt run"
id=quickstart-$$
set +e
out=$("$ocirt" --root /run/ocirt-quickstart run --bundle "$bundle" "$id" </dev/null 2>&1)
status=$?
set -e
printf '%s\n' "$out"
"$ocirt" --root /run/ocirt-quickstart delete --force "$id" >/dev/null 2>&1 || true
rmdir /run/ocirt-quickstart 2>/dev/null || true
rm -rf "$bundle"
if [ "$status" -eq 0 ]; then
	printf '\nDone. The binary is %s; try `%s --help`.\n' "$ocirt" "$ocirt"
fi
exit "$status"
