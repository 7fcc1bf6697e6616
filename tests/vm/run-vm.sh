#!/bin/bash
# Runs bats files of the ocirt test suite inside a qemu VM booted from Debian's
# cloud kernel, so that the runtime is tested on pure cgroup v2, under systemd
# as PID 1, and with SELinux or AppArmor, none of which the build host needs.
#
#   tests/vm/run-vm.sh MODE [BATS_FILE_OR_DIR...]
#
#   MODE   cgroup2   initramfs holding the host's own userspace, pure cgroup v2
#                    with every controller enabled, busybox init as PID 1
#          systemd   Debian image (debootstrap, cached) with systemd + D-Bus
#          selinux   the same image booted with SELinux (permissive, policy loaded)
#          apparmor  the same image booted with AppArmor (profiles loaded)
#          all       every mode above, one after the other
#
# Test files are paths under the source tree's tests/ directory (relative to
# the top source directory, to the current directory, or absolute). Without
# any, tests/vm/sanity.bats and tests/runtime/*.bats run.
#
# The whole tests/ tree is copied into the guest at /ocirt/src/tests and bats
# runs from /ocirt/src. Built binaries are passed by environment variable and
# land in /ocirt/bin; the guest exports the same variables pointing there.
# See tests/vm/README.md for every knob (OCIRT_VM_*).
#
# Exit status: 0 only when the guest reported bats' status 0 and a complete,
# failure-free TAP stream. A timeout, a kernel panic or a missing result line
# is a failure.

# The whole script is one compound command, so that bash has read all of it
# before running any: editing the file during a (long) run is harmless.
{
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_SRCDIR=${OCIRT_TOP_SRCDIR:-$(cd "$HERE/../.." && pwd)}
PROG=run-vm

# The initramfs bases are rebuilt whenever this script changes (it takes
# seconds); bump ROOTFS_FORMAT when the Debian image must be rebuilt.
INITRAMFS_FORMAT=2
ROOTFS_FORMAT=1
SELF_SUM=$(sha256sum <"${BASH_SOURCE[0]}" | cut -c1-16)

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
	log "error: $*"
	exit 2
}

usage() {
	sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	exit "${1:-2}"
}

ALL_MODES="cgroup2 systemd selinux apparmor"

[ $# -ge 1 ] || usage
case "$1" in
-h | --help) usage 0 ;;
esac
MODE=$1
shift

if [ "$MODE" = all ]; then
	overall=0
	summary=()
	for m in $ALL_MODES; do
		start=$SECONDS
		"${BASH_SOURCE[0]}" "$m" "$@"
		rc=$?
		[ $rc -eq 0 ] || overall=1
		summary+=("$(printf '%-9s %s %4ds' "$m" "$([ $rc -eq 0 ] && echo PASS || echo FAIL)" $((SECONDS - start)))")
	done
	log "summary:"
	for s in "${summary[@]}"; do log "  $s"; done
	exit $overall
fi

case " $ALL_MODES " in
*" $MODE "*) ;;
*) die "unknown mode '$MODE' (expected one of: $ALL_MODES all)" ;;
esac

# ---------------------------------------------------------------- settings

CACHE=${OCIRT_VM_CACHE:-$PWD/tests/vm/cache}
LOGDIR=${OCIRT_VM_LOGDIR:-$CACHE/logs}
MEM=${OCIRT_VM_MEM:-2048}
CPUS=${OCIRT_VM_CPUS:-2}
KERNEL_META=${OCIRT_VM_KERNEL_META:-linux-image-cloud-amd64}
KERNEL_PKG=${OCIRT_VM_KERNEL_PKG:-}
BATS_ARGS=${OCIRT_VM_BATS_ARGS:-}
KEEP=${OCIRT_VM_KEEP:-0}
SHELL_MODE=${OCIRT_VM_SHELL:-0}
if [ "$MODE" = cgroup2 ]; then
	TIMEOUT=${OCIRT_VM_TIMEOUT:-1800}
	# the tests run in a leaf cgroup, PID 1 in /init.scope, as on a systemd host
	# (OCIRT_VM_TEST_CGROUP=/ keeps them in the root cgroup)
	export OCIRT_VM_TEST_CGROUP=${OCIRT_VM_TEST_CGROUP:-/ocirt-vm-test.scope}
else
	TIMEOUT=${OCIRT_VM_TIMEOUT:-2700}
fi
# Variables naming built binaries to put in the guest (absolute host paths).
BIN_VARS=${OCIRT_VM_BIN_VARS:-OCIRT OCISHIM}
# Optional host programs copied in when present (comparison tests).
HOST_EXTRA=${OCIRT_VM_HOST_EXTRA:-crun runc}
# Modules loaded at boot in cgroup2 mode (the Debian image loads its own).
CGROUP2_MODULES=${OCIRT_VM_MODULES:-overlay veth bridge br_netfilter tun loop dummy macvlan ipvlan fuse x_tables ip_tables iptable_filter iptable_nat xt_MASQUERADE nf_tables nft_chain_nat nft_masq sch_netem}
# Host packages whose files make up the cgroup2 initramfs; missing ones are skipped.
CGROUP2_PACKAGES=${OCIRT_VM_PACKAGES:-bash dash hostname debianutils libc-bin bats jq libjq1 libonig5 busybox-static coreutils util-linux mount procps psmisc grep sed mawk gawk findutils diffutils tar gzip xz-utils iproute2 libcap2-bin strace file libmagic1 libmagic-mgc e2fsprogs kmod socat netcat-openbsd}
# Packages of the Debian image (systemd, selinux, apparmor modes).
ROOTFS_PACKAGES=${OCIRT_VM_ROOTFS_PACKAGES:-systemd systemd-sysv dbus libpam-systemd bash bats jq busybox-static util-linux mount procps psmisc iproute2 kmod libcap2-bin strace file findutils diffutils tar gzip xz-utils e2fsprogs libseccomp2 libyajl2 libcap2 libsystemd0 libselinux1 selinux-basics selinux-policy-default selinux-utils policycoreutils apparmor podman conmon crun runc uidmap slirp4netns fuse-overlayfs catatonit golang-github-containers-common}

export LC_ALL=C

have() { command -v "$1" >/dev/null 2>&1; }

need_tools() {
	local missing=() t
	for t in "$@"; do have "$t" || missing+=("$t"); done
	[ ${#missing[@]} -eq 0 ] ||
		die "missing host tools: ${missing[*]} (apt-get install qemu-system-x86 busybox-static bats jq debootstrap e2fsprogs)"
}

need_tools qemu-system-x86_64 apt-get apt-cache dpkg dpkg-query ldd sha256sum timeout flock tar
[ -x /bin/busybox ] || die "no /bin/busybox (apt-get install busybox-static)"
if ldd /bin/busybox >/dev/null 2>&1; then
	die "/bin/busybox is dynamically linked; the guest needs busybox-static"
fi
BB=/bin/busybox

mkdir -p "$CACHE" "$LOGDIR" || die "cannot create $CACHE"
CACHE=$(cd "$CACHE" && pwd)
LOGDIR=$(cd "$LOGDIR" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-vm-$MODE.XXXXXX") || die "mktemp failed"
cleanup() {
	if [ "$KEEP" = 1 ]; then
		log "kept work directory $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Cache updates happen under a lock per artifact, so parallel runs share the work.
lock() { exec 9>"$CACHE/.lock-$1" && flock 9; }
unlock() { exec 9>&-; }

t_start=$SECONDS

# ---------------------------------------------------------------- helpers

# Paths as they really are on a merged-/usr host (/bin -> usr/bin, ...);
# sets REPLY (no subshell: this runs for thousands of files).
MERGED_TOPS=
for d in bin sbin lib lib32 lib64 libx32; do
	[ -L "/$d" ] && MERGED_TOPS+=" $d"
done
usr_path() {
	REPLY=$1
	local top=${1#/}
	top=${top%%/*}
	case " $MERGED_TOPS " in
	*" $top "*) [ "$1" != "/$top" ] && REPLY=/usr$1 ;;
	esac
}

# Reads absolute paths on stdin, prints them plus every symlink target in
# their chains and the shared libraries (ldd) of every ELF file among them.
# Batches the external commands: the initramfs has thousands of files.
close_over() {
	local -A seen=()
	local -a pending=() next=() links=() targets=() elves=() p_in=()
	local p t i magic round
	mapfile -t p_in
	for round in files libs; do
		pending=()
		for p in "${p_in[@]}"; do
			[ -n "$p" ] || continue
			usr_path "$p"
			pending+=("$REPLY")
		done
		while [ ${#pending[@]} -gt 0 ]; do
			links=()
			for p in "${pending[@]}"; do
				[ -n "${seen[$p]:-}" ] && continue
				[ -e "$p" ] || [ -L "$p" ] || continue
				seen[$p]=1
				printf '%s\n' "$p"
				if [ -L "$p" ]; then
					links+=("$p")
				elif [ "$round" = files ] && [ -f "$p" ] && [ -r "$p" ]; then
					magic=
					IFS= read -r -n 4 magic <"$p" 2>/dev/null
					[ "$magic" = $'\x7fELF' ] && elves+=("$p")
				fi
			done
			next=()
			if [ ${#links[@]} -gt 0 ]; then
				mapfile -t targets < <(readlink -- "${links[@]}")
				for i in "${!links[@]}"; do
					t=${targets[$i]:-}
					[ -n "$t" ] || continue
					case "$t" in
					/*) ;;
					*) t=${links[$i]%/*}/$t ;;
					esac
					next+=("$t")
				done
				targets=()
				[ ${#next[@]} -eq 0 ] || mapfile -t targets < <(realpath -sm -- "${next[@]}")
				next=()
				for t in "${targets[@]}"; do
					usr_path "$t"
					next+=("$REPLY")
				done
			fi
			pending=("${next[@]}")
		done
		[ "$round" = files ] || break
		p_in=()
		[ ${#elves[@]} -gt 0 ] && mapfile -t p_in < <(shared_libs "${elves[@]}")
	done
}

# Prints the shared libraries (with the dynamic loader) that ELF files $@
# need, transitively. readelf handles any number of files in one process and
# the sonames are looked up in the ld.so cache; ldd (one loader run per file,
# slow on a busy machine) is the fallback.
shared_libs() {
	local -A where=() done=()
	local -a files=("$@") needed=()
	local so path line missing=0
	if have readelf && have ldconfig; then
		while IFS= read -r line; do
			case "$line" in
			*"x86-64"*"=> /"*) ;;
			*) continue ;;
			esac
			so=${line#"${line%%[![:space:]]*}"}
			so=${so%% *}
			path=${line##*=> }
			[ -n "${where[$so]:-}" ] || where[$so]=$path
		done < <(ldconfig -p 2>/dev/null)
		readelf -l "${files[@]}" 2>/dev/null | sed -n 's/.*program interpreter: \(\/[^]]*\)\]/\1/p' | sort -u
		while [ ${#files[@]} -gt 0 ]; do
			mapfile -t needed < <(readelf -d "${files[@]}" 2>/dev/null |
				sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | sort -u)
			files=()
			for so in "${needed[@]}"; do
				[ -n "${done[$so]:-}" ] && continue
				done[$so]=1
				path=${where[$so]:-}
				if [ -z "$path" ]; then
					missing=1
					continue
				fi
				printf '%s\n' "$path"
				files+=("$path")
			done
		done
		[ $missing = 0 ] && return 0
	fi
	printf '%s\0' "$@" | xargs -0 ldd 2>/dev/null |
		sed -n 's/.*=> \(\/[^ ]*\) (.*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | sort -u
}

# Copies the files named on stdin (absolute paths) into directory $1.
copy_paths() {
	local dest=$1
	sed 's|^/||' | tar -C / --no-recursion -cf - -T - 2>/dev/null | tar -C "$dest" -xpf - ||
		die "copying files into $dest failed"
}

make_cpio() { # dir output
	(cd "$1" && find . | LC_ALL=C sort | $BB cpio -o -H newc -R 0:0 2>/dev/null) >"$2.tmp" ||
		die "cpio of $1 failed"
	mv "$2.tmp" "$2"
}

# Skeleton shared by both initramfs flavours: merged-/usr links, /dev/console.
make_skeleton() {
	local r=$1 d
	mkdir -p "$r"/{usr/bin,usr/sbin,usr/lib,usr/lib64,dev,proc,sys,tmp,run,root,etc,var,mnt}
	for d in bin sbin lib lib64; do ln -sfn "usr/$d" "$r/$d"; done
	chmod 1777 "$r/tmp"
	chmod 0700 "$r/root"
	mknod -m 600 "$r/dev/console" c 5 1
	mknod -m 666 "$r/dev/null" c 1 3
	cp "$BB" "$r/usr/bin/busybox"
}

# Copies modules $4... of kernel tree $1 (version $2) and their dependencies
# into root $3 and indexes them; prints the names that are real modules.
copy_modules() {
	local kdir=$1 kver=$2 root=$3
	shift 3
	local mdir=$kdir/lib/modules/$kver want=() m line deps f
	local -A add=()
	for m in "$@"; do
		line=$(grep -E "(^|/)${m//[-_]/[-_]}\.ko:" "$mdir/modules.dep" | head -1)
		if [ -z "$line" ]; then
			if grep -qE "/${m//[-_]/[-_]}\.ko$" "$mdir/modules.builtin"; then
				continue
			fi
			log "warning: kernel $kver has no module $m"
			continue
		fi
		want+=("$m")
		for f in ${line%%:*} ${line#*:}; do add[$f]=1; done
	done
	mkdir -p "$root/lib/modules/$kver"
	for f in "${!add[@]}"; do
		mkdir -p "$root/lib/modules/$kver/$(dirname "$f")"
		cp "$mdir/$f" "$root/lib/modules/$kver/$f"
	done
	cp "$mdir/modules.builtin" "$mdir/modules.order" "$root/lib/modules/$kver/" 2>/dev/null
	$BB depmod -b "$root" "$kver" || die "depmod failed for $root"
	printf '%s\n' "${want[@]}"
}

# ---------------------------------------------------------------- kernel

# Sets KDIR (unpacked package) and KVER.
fetch_kernel() {
	local pkg=$KERNEL_PKG
	if [ -z "$pkg" ]; then
		pkg=$(apt-cache depends "$KERNEL_META" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | grep -v -- '-unsigned$' | head -1)
	fi
	if [ -z "$pkg" ]; then
		# No apt lists: fall back to whatever kernel the cache has.
		KDIR=$(ls -d "$CACHE"/kernel/linux-image-*/ 2>/dev/null | sort -V | tail -1)
		[ -n "$KDIR" ] || die "cannot resolve $KERNEL_META (run apt-get update) and no kernel is cached"
		KDIR=${KDIR%/}
		log "apt-cache cannot resolve $KERNEL_META; using cached $(basename "$KDIR")"
	else
		KDIR=$CACHE/kernel/$pkg
		if [ ! -f "$KDIR/.done" ]; then
			log "downloading $pkg"
			rm -rf "$KDIR" "$CACHE/kernel/dl"
			mkdir -p "$CACHE/kernel/dl" "$KDIR"
			(cd "$CACHE/kernel/dl" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null) ||
				die "apt-get download $pkg failed (run apt-get update?)"
			dpkg -x "$CACHE"/kernel/dl/*.deb "$KDIR" || die "dpkg -x failed"
			rm -rf "$CACHE/kernel/dl"
			local v
			v=$(ls "$KDIR/lib/modules")
			$BB depmod -b "$KDIR" "$v" || die "depmod failed"
			touch "$KDIR/.done"
		fi
	fi
	KVER=$(ls "$KDIR/lib/modules" | head -1)
	KERNEL_IMAGE=$KDIR/boot/vmlinuz-$KVER
	[ -f "$KERNEL_IMAGE" ] || die "no kernel image in $KDIR"
}

# ---------------------------------------------------------------- cgroup2 initramfs

# Everything the tests may call, taken from the host's own packages.
build_cgroup2_base() {
	local pkgs=() p present key out
	for p in $CGROUP2_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' && pkgs+=("$p")
	done
	present=$(dpkg-query -W "${pkgs[@]}" | tr '\n' ' ')
	key=$(printf '%s\n' "$INITRAMFS_FORMAT" "$KVER" "$present" "$CGROUP2_MODULES" "$SELF_SUM" | sha256sum | cut -c1-16)
	out=$CACHE/initramfs-cgroup2-$key.cpio
	BASE_CPIO=$out
	[ -f "$out" ] && return 0

	log "building cgroup2 initramfs base from host packages: ${pkgs[*]}"
	local r=$WORK/base
	rm -rf "$r"
	make_skeleton "$r"
	dpkg-query -L "${pkgs[@]}" 2>/dev/null |
		grep -vE '^/usr/share/(doc|man|info|locale|lintian|bash-completion|zsh|fish|bug|menu|gdb|i18n)(/|$)|^/etc/(init\.d|cron|logrotate)' |
		while IFS= read -r p; do
			[ -d "$p" ] && [ ! -L "$p" ] && continue
			printf '%s\n' "$p"
		done | close_over >"$WORK/base.list"
	# Commands that exist through update-alternatives (awk -> mawk, which,
	# ...): the links are in no package's file list.
	local -A have_file=()
	local -a alt=() alt_final=()
	local i
	while IFS= read -r p; do have_file[$p]=1; done <"$WORK/base.list"
	mapfile -t alt < <(find /usr/bin /usr/sbin -maxdepth 1 -lname '/etc/alternatives/*' 2>/dev/null | sort)
	if [ ${#alt[@]} -gt 0 ]; then
		mapfile -t alt_final < <(readlink -f -- "${alt[@]}")
		for i in "${!alt[@]}"; do
			usr_path "${alt_final[$i]:-}"
			[ -n "${have_file[$REPLY]:-}" ] && printf '%s\n' "${alt[$i]}"
		done | close_over >>"$WORK/base.list"
	fi
	copy_paths "$r" <"$WORK/base.list"
	# merged /usr: directories from old package paths must stay links
	local d
	for d in bin sbin lib lib64; do
		[ -L "$r/$d" ] || die "initramfs: /$d is no longer a link"
	done
	cat >"$r/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/bash
		daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
		nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
	EOF
	cat >"$r/etc/group" <<-'EOF'
		root:x:0:
		daemon:x:1:
		tty:x:5:
		nogroup:x:65534:
	EOF
	echo 'root:*:19000:0:99999:7:::' >"$r/etc/shadow"
	chmod 0640 "$r/etc/shadow"
	printf '127.0.0.1 localhost ocirt-vm\n::1 localhost\n' >"$r/etc/hosts"
	echo ocirt-vm >"$r/etc/hostname"
	: >"$r/etc/resolv.conf"
	printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$r/etc/nsswitch.conf"
	printf 'root:100000:65536\n' >"$r/etc/subuid"
	printf 'root:100000:65536\n' >"$r/etc/subgid"
	# shellcheck disable=SC2086
	copy_modules "$KDIR" "$KVER" "$r" $CGROUP2_MODULES >"$out.modules"
	make_cpio "$r" "$out"
	rm -rf "$r"
	# keep only the newest base
	find "$CACHE" -maxdepth 1 -name 'initramfs-cgroup2-*' ! -name "$(basename "$out")*" -delete
	log "initramfs base: $(du -h "$out" | cut -f1)"
}

# A busybox-only initramfs that finds the Debian image on virtio-blk.
build_disk_base() {
	local key out r
	key=$(printf '%s\n' "$INITRAMFS_FORMAT" "$KVER" "$SELF_SUM" | sha256sum | cut -c1-16)
	out=$CACHE/initramfs-disk-$key.cpio
	BASE_CPIO=$out
	[ -f "$out" ] && return 0
	log "building disk-boot initramfs"
	r=$WORK/base
	rm -rf "$r"
	make_skeleton "$r"
	copy_modules "$KDIR" "$KVER" "$r" virtio_pci virtio_blk >"$out.modules"
	make_cpio "$r" "$out"
	rm -rf "$r"
	find "$CACHE" -maxdepth 1 -name 'initramfs-disk-*' ! -name "$(basename "$out")*" -delete
}

# ---------------------------------------------------------------- Debian image

debian_mirror() {
	if [ -n "${OCIRT_VM_MIRROR:-}" ]; then
		echo "$OCIRT_VM_MIRROR"
		return
	fi
	local m
	# deb822 stanzas first, then one-line entries; the stanza must carry
	# the release itself (not -security/-updates) and main.
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v suite="$SUITE" '
		function flush() { if (uri != "" && suites ~ ("(^| )" suite "( |$)") && comps ~ /(^| )main( |$)/ && !found) { print uri; found = 1 } uri = suites = comps = "" }
		/^[[:space:]]*$/ { flush(); next }
		/^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); split($0, a, /[[:space:]]+/); uri = a[1] }
		/^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
		/^Components:/ { sub(/^Components:[[:space:]]*/, ""); comps = $0 }
		END { flush() }')
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			sed -e 's/\[[^]]*\]//' | awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }')
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

build_rootfs() {
	need_tools debootstrap mkfs.ext4 chroot
	SUITE=${OCIRT_VM_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")}
	local key out mirror r size t0=$SECONDS
	key=$(printf '%s\n' "$ROOTFS_FORMAT" "$KVER" "$SUITE" "$ROOTFS_PACKAGES" "$(sha256sum <"$HERE/mkrootfs-setup")" | sha256sum | cut -c1-16)
	out=$CACHE/rootfs-$SUITE-$key.img
	ROOTFS_IMG=$out
	[ -f "$out" ] && return 0
	mirror=$(debian_mirror)
	log "building the Debian $SUITE image with debootstrap from $mirror (cached in $out)"
	r=$CACHE/rootfs.build
	rm -rf "$r"
	mkdir -p "$r"
	if ! debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus "$SUITE" "$r" "$mirror" \
		>"$LOGDIR/debootstrap.log" 2>&1; then
		cp "$r/debootstrap/debootstrap.log" "$LOGDIR/debootstrap-inner.log" 2>/dev/null
		tail -n 30 "$LOGDIR/debootstrap.log" >&2
		rm -rf "$r"
		die "debootstrap of $SUITE from $mirror failed (logs: $LOGDIR/debootstrap*.log)"
	fi
	log "debootstrap took $((SECONDS - t0)) s; installing packages"
	# kernel modules for udev, plus the guest-side configuration
	mkdir -p "$r/lib/modules"
	cp -a "$KDIR/lib/modules/$KVER" "$r/lib/modules/"
	cp "$HERE/mkrootfs-setup" "$r/tmp/mkrootfs-setup"
	echo force-unsafe-io >"$r/etc/dpkg/dpkg.cfg.d/ocirt-vm-unsafe-io"
	printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
	chmod 0755 "$r/usr/sbin/policy-rc.d"
	# The chroot gets /proc, /sys and /dev in a private mount namespace, so
	# they vanish with it whatever happens.
	if ! unshare -m --propagation private /bin/bash -euc '
		r=$1 kver=$2
		shift 2
		mount -t proc proc "$r/proc"
		mount --rbind /sys "$r/sys"
		mount --rbind /dev "$r/dev"
		export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
		chroot "$r" apt-get update -q
		chroot "$r" apt-get install -y -q --no-install-recommends "$@"
		chroot "$r" /bin/bash /tmp/mkrootfs-setup "$kver"
	' setup "$r" "$KVER" $ROOTFS_PACKAGES >"$LOGDIR/mkrootfs-setup.log" 2>&1; then
		tail -n 30 "$LOGDIR/mkrootfs-setup.log" >&2
		rm -rf "$r"
		die "installing/configuring the image failed (log: $LOGDIR/mkrootfs-setup.log)"
	fi
	rm -f "$r/usr/sbin/policy-rc.d" "$r/etc/dpkg/dpkg.cfg.d/ocirt-vm-unsafe-io"
	rm -f "$r/tmp/mkrootfs-setup"
	rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*
	size=$(du -sm "$r" | cut -f1)
	size=$((size + size / 2 + 1024))
	rm -f "$out.tmp"
	if ! mkfs.ext4 -q -F -L ocirt-root -d "$r" -E root_owner=0:0 "$out.tmp" "${size}M"; then
		rm -rf "$r" "$out.tmp"
		die "mkfs.ext4 -d failed"
	fi
	mv "$out.tmp" "$out"
	rm -rf "$r"
	find "$CACHE" -maxdepth 1 -name 'rootfs-*.img' ! -name "$(basename "$out")" -delete
	log "Debian image ready in $((SECONDS - t0)) s ($(du -h "$out" | cut -f1) used of ${size} MiB)"
}

# ---------------------------------------------------------------- payload

# Maps a test argument to its path relative to the top source directory.
test_relpath() {
	local a=$1 abs
	if [ -e "$a" ]; then
		abs=$(realpath "$a")
	elif [ -e "$TOP_SRCDIR/$a" ]; then
		abs=$(realpath "$TOP_SRCDIR/$a")
	else
		die "no such test file: $a"
	fi
	case "$abs" in
	"$TOP_SRCDIR"/tests/*) printf '%s\n' "${abs#"$TOP_SRCDIR"/}" ;;
	*) die "$a is not under $TOP_SRCDIR/tests" ;;
	esac
}

build_payload() {
	local p=$WORK/payload o
	o=$p/ocirt
	mkdir -p "$o/bin" "$o/src" "$o/sysroot" "$p/etc"

	# The source tree (tests look at tests/, but also at man/, completions/,
	# ...), without VCS data, build directories, build products and caches.
	local excl=(--exclude=./.git --exclude=./autom4te.cache --exclude='./build*'
		--exclude=./tests/vm/cache --exclude=./tests/vm/logs --exclude='*.o' --exclude='*.a'
		--exclude='*.lo' --exclude=.deps --exclude=.libs --exclude='*.log' --exclude='*.trs'
		--exclude=.dirstamp --exclude='./ocirt-*.tar.*') d
	case "$CACHE" in
	"$TOP_SRCDIR"/*) excl+=("--exclude=./${CACHE#"$TOP_SRCDIR"/}") ;;
	esac
	while IFS= read -r d; do
		d=${d%/config.status}
		[ "$d" = . ] || excl+=("--exclude=$d")
	done < <(cd "$TOP_SRCDIR" && find . -mindepth 2 -name config.status 2>/dev/null)
	tar -C "$TOP_SRCDIR" "${excl[@]}" -cf - . | tar -C "$o/src" -xf - ||
		die "copying $TOP_SRCDIR failed"
	if [ "$(du -sm "$o/src" | cut -f1)" -gt 200 ]; then
		log "warning: the source tree copied into the guest is $(du -sh "$o/src" | cut -f1)"
	fi
	local guest_builddir=/ocirt/src/tests
	if [ -n "${OCIRT_TESTS_BUILDDIR:-}" ] && [ -d "$OCIRT_TESTS_BUILDDIR" ] &&
		[ "$(realpath "$OCIRT_TESTS_BUILDDIR")" != "$(realpath "$TOP_SRCDIR/tests")" ]; then
		mkdir -p "$o/build/tests"
		tar -C "$OCIRT_TESTS_BUILDDIR" --exclude=./vm/cache --exclude=./vm/logs --exclude='*.o' \
			--exclude=.deps --exclude='*.log' --exclude='*.trs' --exclude=.dirstamp \
			-cf - . | tar -C "$o/build/tests" -xf -
		guest_builddir=/ocirt/build/tests
	fi

	# Built binaries and the libraries they need.
	local env_lines=() var path name libs=()
	for var in $BIN_VARS; do
		path=${!var:-}
		[ -n "$path" ] || continue
		if [ ! -f "$path" ]; then
			log "warning: $var=$path does not exist; not passed to the guest"
			continue
		fi
		name=$(basename "$path")
		cp -L "$path" "$o/bin/$name"
		chmod 0755 "$o/bin/$name"
		env_lines+=("export $var=$(printf '%q' "/ocirt/bin/$name")")
		libs+=("$(realpath "$path")")
	done
	# ELF programs built into the tests trees (tests/tools/...) need their libraries.
	local f
	while IFS= read -r f; do
		[ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && libs+=("$f")
	done < <(find "$o/src" "$o/build" -type f -perm -u+x 2>/dev/null)
	local prog
	for prog in $HOST_EXTRA; do
		path=$(command -v "$prog" 2>/dev/null) || continue
		libs+=("$path")
	done
	if [ ${#libs[@]} -gt 0 ]; then
		printf '%s\n' "${libs[@]}" | close_over >"$WORK/sysroot.list"
		# the build-tree binaries themselves live in /ocirt/bin
		for var in $BIN_VARS; do
			path=${!var:-}
			[ -n "$path" ] && [ -f "$path" ] && sed -i "\\|^$(realpath "$path")\$|d" "$WORK/sysroot.list"
		done
		# (ELF files of the payload itself are not copied twice)
		sed -i "\\|^$WORK/|d" "$WORK/sysroot.list"
		copy_paths "$o/sysroot" <"$WORK/sysroot.list"
		# merged /usr in the Debian image too: never create /lib etc. as directories
		for d in bin sbin lib lib64; do
			if [ -d "$o/sysroot/$d" ] && [ ! -L "$o/sysroot/$d" ]; then
				mkdir -p "$o/sysroot/usr/$d"
				cp -a "$o/sysroot/$d/." "$o/sysroot/usr/$d/"
				rm -rf "${o:?}/sysroot/$d"
			fi
		done
	fi

	# Tests to run, relative to /ocirt/src.
	local tests=() t
	if [ ${#TEST_ARGS[@]} -eq 0 ]; then
		tests+=(tests/vm/sanity.bats)
		for t in "$TOP_SRCDIR"/tests/runtime/*.bats; do
			[ -f "$t" ] && tests+=("tests/runtime/$(basename "$t")")
		done
	else
		for t in "${TEST_ARGS[@]}"; do
			t=$(test_relpath "$t") || exit 2
			tests+=("$t")
		done
	fi
	TESTS_RUN=("${tests[@]}")

	{
		echo "# written by tests/vm/run-vm.sh"
		echo "export OCIRT_TEST_VM=$MODE"
		echo "export OCIRT_TESTS_SRCDIR=/ocirt/src/tests"
		echo "export OCIRT_TESTS_BUILDDIR=$guest_builddir"
		echo "export PATH=/ocirt/bin:\$PATH"
		printf '%s\n' "${env_lines[@]}"
		printf 'OCIRT_VM_TESTS=('
		printf '%q ' "${tests[@]}"
		printf ')\n'
		echo "OCIRT_VM_BATS_ARGS=$(printf '%q' "$BATS_ARGS")"
		echo "OCIRT_VM_SHELL=$SHELL_MODE"
		# pass-through of test knobs
		local v
		for v in $(compgen -e | grep -E '^(OCIRT_TEST_|OCIRT_VM_INJECT$|OCIRT_VM_TEST_CGROUP$)' | grep -v '^OCIRT_TEST_VM$'); do
			echo "export $v=$(printf '%q' "${!v}")"
		done
		for v in ${OCIRT_VM_PASS_ENV:-}; do
			[ -n "${!v+x}" ] && echo "export $v=$(printf '%q' "${!v}")"
		done
	} >"$o/env"

	# The guest side of the harness always comes from this script's tree.
	cp "$HERE/guest/init" "$p/init"
	mkdir -p "$o/vm"
	cp "$HERE/guest/run-tests" "$HERE/guest/ocirt-vm-test.service" "$o/vm/"
	chmod 0755 "$p/init" "$o/vm/run-tests"
	if [ "$MODE" = cgroup2 ]; then
		echo "::sysinit:/ocirt/vm/run-tests" >"$p/etc/inittab"
		echo "::once:/bin/busybox poweroff -f" >>"$p/etc/inittab"
	else
		rmdir "$p/etc"
	fi
	# modules for stage 1 (indexed in the base initramfs)
	printf '%s\n' "$BASE_MODULES" >"$o/modules"
	make_cpio "$p" "$WORK/payload.cpio"
}

# ---------------------------------------------------------------- run

TEST_ARGS=("$@")

lock kernel
fetch_kernel
unlock
case "$MODE" in
cgroup2)
	lock initramfs-cgroup2
	build_cgroup2_base
	unlock
	;;
*)
	lock initramfs-disk
	build_disk_base
	unlock
	lock rootfs
	build_rootfs
	unlock
	;;
esac
BASE_MODULES=$(cat "$BASE_CPIO.modules" 2>/dev/null)

build_payload
cat "$BASE_CPIO" "$WORK/payload.cpio" >"$WORK/initrd.cpio"

cmdline="console=ttyS0 panic=-1 oops=panic quiet loglevel=4 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1 ocirt.mode=$MODE"
drive=()
# lsm= decides which LSMs run (the kernel would otherwise start AppArmor, or
# SELinux when AppArmor is off): no major LSM unless the mode is about one.
lsm_base=landlock,lockdown,yama,integrity
case "$MODE" in
cgroup2) cmdline+=" rdinit=/init lsm=$lsm_base,bpf" ;;
systemd) cmdline+=" rdinit=/init rw lsm=$lsm_base,bpf" ;;
selinux) cmdline+=" rdinit=/init rw lsm=$lsm_base,selinux,bpf security=selinux selinux=1 enforcing=0" ;;
apparmor) cmdline+=" rdinit=/init rw lsm=$lsm_base,apparmor,bpf security=apparmor apparmor=1" ;;
esac
cmdline+=" ${OCIRT_VM_CMDLINE:-}"
case "$MODE" in
cgroup2) ;;
*) drive=(-drive "file=$ROOTFS_IMG,format=raw,if=virtio,snapshot=on,cache=unsafe") ;;
esac

accel=(-accel tcg,thread=multi -cpu ${OCIRT_VM_CPU:-max})
if [ "${OCIRT_VM_ACCEL:-auto}" != tcg ] && [ -w /dev/kvm ]; then
	accel=(-accel kvm -cpu host)
fi

console=$WORK/console.log
results=$WORK/results.log
: >"$console"
: >"$results"

t_prep=$((SECONDS - t_start))
log "mode $MODE: kernel $KVER, ${#TESTS_RUN[@]} test file(s), timeout ${TIMEOUT}s, prepared in ${t_prep}s"
t_vm=$SECONDS

qemu=(qemu-system-x86_64
	-nodefaults -no-user-config -nographic -no-reboot
	-machine pc "${accel[@]}" -smp "$CPUS" -m "$MEM"
	-kernel "$KERNEL_IMAGE" -initrd "$WORK/initrd.cpio" -append "$cmdline"
	-chardev "file,id=res,path=$results,append=on"
	-monitor none -nic none "${drive[@]}")

if [ "$SHELL_MODE" = 1 ]; then
	# Interactive: the console is this terminal (Ctrl-A X quits qemu), the
	# guest runs a shell instead of bats, no timeout.
	log "interactive shell in the $MODE guest; leave it with 'exit' (or Ctrl-A X)"
	"${qemu[@]}" -chardev stdio,id=con,mux=on,signal=off -serial chardev:con -serial chardev:res
	log "guest result: $(tr -d '\r' <"$results" | grep -a '^OCIRT-VM-RESULT' || echo none)"
	exit 0
fi

timeout -k 10 "$TIMEOUT" "${qemu[@]}" \
	-chardev "file,id=con,path=$console" -serial chardev:con -serial chardev:res \
	</dev/null >"$WORK/qemu.out" 2>&1 &
qpid=$!
# Live TAP on stdout while the guest runs.
tail -n +1 -f --pid=$qpid "$results" 2>/dev/null | sed -u -e 's/\r$//' -e '/^OCIRT-VM-RESULT /d' &
tpid=$!
wait $qpid
qrc=$?
wait $tpid 2>/dev/null
t_vm=$((SECONDS - t_vm))

cp "$console" "$LOGDIR/$MODE.console.log"
tr -d '\r' <"$results" >"$LOGDIR/$MODE.tap"
tap=$LOGDIR/$MODE.tap

fail_reason=
result_line=$(grep -a '^OCIRT-VM-RESULT rc=' "$tap" | tail -1)
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	fail_reason="timed out after ${TIMEOUT}s (OCIRT_VM_TIMEOUT)"
elif [ $qrc -ne 0 ]; then
	fail_reason="qemu exited with status $qrc: $(tail -n 3 "$WORK/qemu.out" | tr '\n' ' ')"
elif [ -z "$result_line" ]; then
	if grep -aq 'Kernel panic' "$console"; then
		fail_reason="guest kernel panic: $(grep -a 'Kernel panic' "$console" | head -1 | tr -d '\r')"
	else
		fail_reason="the guest sent no result (crash or early poweroff)"
	fi
else
	grc=${result_line#OCIRT-VM-RESULT rc=}
	plan=$(grep -aE '^1\.\.[0-9]+' "$tap" | head -1)
	nok=$(grep -acE '^ok ' "$tap")
	nnot=$(grep -acE '^not ok ' "$tap")
	if [ "$grc" != 0 ]; then
		fail_reason="bats exited with status $grc ($nnot failed)"
	elif [ "$nnot" -ne 0 ]; then
		fail_reason="$nnot test(s) failed"
	elif [ -z "$plan" ]; then
		fail_reason="no TAP plan in the output"
	elif [ "$plan" = 1..0 ]; then
		fail_reason="no test ran (plan 1..0)"
	elif [ "${plan#1..}" -ne $((nok + nnot)) ]; then
		fail_reason="TAP plan says ${plan#1..} tests, got $((nok + nnot)) results"
	fi
fi

total=$((SECONDS - t_start))
if [ -n "$fail_reason" ]; then
	log "---- last lines of the guest console ($LOGDIR/$MODE.console.log) ----"
	tail -n 40 "$console" | tr -d '\r' | sed 's/^/  | /' >&2
	log "mode $MODE: FAIL: $fail_reason"
	log "mode $MODE: time ${total}s (prepare ${t_prep}s, vm ${t_vm}s)"
	exit 1
fi
nskip=$(grep -acE '^ok .* # skip' "$tap")
log "mode $MODE: PASS ($nok ok, $nskip skipped)"
log "mode $MODE: time ${total}s (prepare ${t_prep}s, vm ${t_vm}s)"
exit 0
}
