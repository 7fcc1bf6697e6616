#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what ocirt needs to build and to run its test suite on Debian (12+) or Ubuntu
# (22.04+). Runs `apt-get update` itself; needs root.
#
#   hack/install-deps.sh            build + test dependencies
#   hack/install-deps.sh --build    only what the build needs
#   hack/install-deps.sh --engines  also docker, containerd, podman (the engine suites)
#
# Optional packages (other runtimes to compare against, the VM harness, the fuzzing
# toolchain) are installed when the distribution has them and skipped otherwise.
set -euo pipefail

build_only=false with_engines=false
for a in "$@"; do
	case "$a" in
	--build) build_only=true ;;
	--engines) with_engines=true ;;
	*) echo "install-deps: unknown option $a" >&2; exit 2 ;;
	esac
done

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (sudo $0)" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null; then
	echo "install-deps: this script knows Debian and Ubuntu (apt-get) only" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# Needed to build.
build=(
	build-essential autoconf automake libtool pkg-config git ca-certificates
	libyajl-dev libcap-dev libseccomp-dev libselinux1-dev libsystemd-dev
)
# Needed by `make check` (bats suites, bundles, leak checks).
test=(
	bats jq busybox-static file perl iproute2 util-linux procps kmod
)
# Nice to have: runtimes the tests compare with, the sanitizer/fuzzing toolchain and the
# VM harness (tests/vm). Skipped when the distribution lacks them.
optional=(
	crun runc clang libclang-rt-14-dev libclang-rt-dev
	qemu-system-x86 debootstrap e2fsprogs cpio
	uidmap strace man-db
)
# --engines: what the engine suites (make check-engines) drive: containerd + its CRI plugin
# (a Python CRI client on grpcio, a catatonit pause image, the CNI loopback plugin),
# docker, podman with conmon. Their daemons are not started by the installation: the suites
# start private ones (no docker0 bridge, no system state touched).
engines=(
	containerd docker.io podman conmon catatonit containernetworking-plugins
	python3-grpcio python3-protobuf protobuf-compiler
)

apt-get update -q
want=("${build[@]}")
$build_only || want+=("${test[@]}")
apt-get install -y -q --no-install-recommends "${want[@]}"

if ! $build_only; then
	avail=()
	for p in "${optional[@]}"; do
		# only packages with an installation candidate: names differ between releases
		if apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]'; then
			avail+=("$p")
		fi
	done
	if [ ${#avail[@]} -gt 0 ]; then
		apt-get install -y -q --no-install-recommends "${avail[@]}" ||
			echo "install-deps: some optional packages failed to install; continuing" >&2
	fi
fi
if $with_engines; then
	# keep the packages' daemons from starting (docker would make a docker0 bridge)
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get install -y -q --no-install-recommends "${engines[@]}"
fi
echo "install-deps: done"
