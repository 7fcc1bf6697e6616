#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build ocirt and run its whole test suite; self-sufficient on a fresh Debian/Ubuntu machine.
#
#   sudo hack/test.sh [options]
#
#   --no-deps        don't install dependencies (default: install them when some are missing)
#   --sanitizers     also build with ASan+UBSan and run `make check` there
#   --fuzz SECONDS   also run every libFuzzer target for SECONDS each (needs clang)
#   --vm MODE        also run the suite in the VM harness (make check-vm MODE=...)
#   --engines        also run the engine suites (make check-engines: containerd, CRI,
#                    docker, podman; installs the engines when they are missing)
#   --ci             everything CI runs: --sanitizers --fuzz 20 --vm cgroup2 --engines
#   --builddir DIR   main build directory (default: build-test)
#
# The last line is the summary: "N passed, N failed, N skipped". The exit status is 0 only
# when every step built and nothing failed.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
builddir=$src/build-test
deps=auto
sanitizers=false
fuzz=0
vm=
engines=false
jobs=$(nproc 2>/dev/null || echo 2)

while [ $# -gt 0 ]; do
	case "$1" in
	--no-deps) deps=no ;;
	--sanitizers) sanitizers=true ;;
	--fuzz) fuzz=$2; shift ;;
	--vm) vm=$2; shift ;;
	--engines) engines=true ;;
	--ci) sanitizers=true; fuzz=20; vm=cgroup2; engines=true ;;
	--builddir) builddir=$2; shift ;;
	-h | --help) sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "test.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
case "$builddir" in /*) ;; *) builddir=$PWD/$builddir ;; esac

passed=0 failed=0 skipped=0 errors=()
start=$SECONDS
step() { printf '\n==> [%dm%02ds] %s\n' $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)) "$*"; }
error() { errors+=("$*"); echo "test.sh: FAILED: $*" >&2; }

# Count the per-test results automake's TAP driver left in a build tree.
count_trs() {
	local f p fl s
	while IFS= read -r f; do
		p=$(grep -c '^:test-result: \(PASS\|XFAIL\)' "$f")
		fl=$(grep -c '^:test-result: \(FAIL\|XPASS\)' "$f")
		# ERROR = the script itself failed; a bats file also reports it after any failing
		# test, so it only counts when no test case failed
		[ "$fl" -gt 0 ] || fl=$(grep -c '^:test-result: ERROR' "$f")
		s=$(grep -c '^:test-result: SKIP' "$f")
		passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
	done < <(find "$1" -name '*.trs' 2>/dev/null)
}

# Count TAP lines of a log (the VM harness prints the guest's TAP stream).
count_tap() {
	local p fl s
	s=$(grep -ciE '^ok [0-9]+.*# skip' "$1")
	p=$(grep -cE '^ok [0-9]+' "$1")
	fl=$(grep -cE '^not ok [0-9]+' "$1")
	passed=$((passed + p - s)) failed=$((failed + fl)) skipped=$((skipped + s))
}

# --- dependencies ----------------------------------------------------------------------
if [ "$deps" = auto ]; then
	missing=false
	for c in autoreconf make gcc pkg-config bats jq; do command -v "$c" >/dev/null || missing=true; done
	[ -x /bin/busybox ] || missing=true
	pkg-config --exists yajl libcap libseccomp 2>/dev/null || missing=true
	if $missing; then
		if [ "$(id -u)" -ne 0 ]; then
			echo "test.sh: dependencies are missing; run as root (sudo $0) or hack/install-deps.sh first" >&2
			exit 1
		fi
		step "installing dependencies"
		"$src/hack/install-deps.sh" || { echo "test.sh: install-deps failed" >&2; exit 1; }
	fi
	if $engines && [ "$(id -u)" -eq 0 ]; then
		missing=false
		for c in containerd ctr dockerd podman conmon catatonit protoc; do command -v "$c" >/dev/null || missing=true; done
		if $missing; then
			step "installing the engines"
			"$src/hack/install-deps.sh" --engines || error "install-deps --engines"
		fi
	fi
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "test.sh: not root: tests that need root will be skipped" >&2
fi

# --- build and make check --------------------------------------------------------------
step "autogen"
(cd "$src" && ./autogen.sh) || { error "autogen"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# configure_and_check DIR CONFIGURE-ARGS...: configure, build, run make check, count.
# With CHECK_TESTS set (a function name), make check runs only the tests it prints.
configure_and_check() {
	local dir=$1 tests=()
	shift
	mkdir -p "$dir"
	step "configure $* (in $dir)"
	if ! (cd "$dir" && "$src/configure" "$@" >configure.out 2>&1); then
		tail -30 "$dir/configure.out"
		error "configure $*"
		return 1
	fi
	step "make (in $dir)"
	if ! make -C "$dir" -j"$jobs" >"$dir/make.out" 2>&1; then
		tail -50 "$dir/make.out"
		error "build in $dir"
		return 1
	fi
	find "$dir" -name '*.trs' -delete 2>/dev/null
	if [ -n "${CHECK_TESTS:-}" ]; then
		read -r -a tests < <("$CHECK_TESTS" "$dir")
		step "make check, ${#tests[@]} tests (in $dir)"
		tests=("TESTS=${tests[*]}")
	else
		step "make check (in $dir)"
	fi
	if ! make -C "$dir" -j"$jobs" check "${tests[@]}"; then
		# the failing logs, so CI output says why
		find "$dir" -name '*.log' ! -name test-suite.log ! -name config.log -newer "$dir/make.out" 2>/dev/null |
			while read -r l; do
				t=${l%.log}.trs
				if [ -f "$t" ] && grep -q '^:test-result: \(FAIL\|ERROR\|XPASS\)' "$t"; then
					echo "----- $l"
					grep -v '^ok ' "$l" | head -200
				fi
			done
		error "make check in $dir"
	fi
	count_trs "$dir"
}

configure_and_check "$builddir" --enable-werror

# A short soak: create/start/delete cycles (sequential, parallel) and execs, then nothing may
# be left (mounts, cgroups, state, fds, processes).
if [ -x "$builddir/ocirt" ]; then
	step "soak (make check-soak-quick)"
	if make -C "$builddir" check-soak-quick; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		error "check-soak-quick"
	fi
fi

# The TESTS of a configured build tree.
list_tests() {
	printf 'print-tests:\n\t@echo $(TESTS)\n' | make -s -C "$1" -f Makefile -f - print-tests 2>/dev/null | tail -n 1
}

# Under the sanitizers: every C unit test, the bats suites that drive the runtime's main
# paths, the fault injection and the bad-input table (the whole suite twice would not fit
# CI's time budget; `make check-asan` in a sanitizer build runs all of it).
sanitizer_tests() {
	local t
	for t in $(list_tests "$1"); do
		case "$t" in
		*.bats)
			case "$t" in
			*/cli.bats | */spec.bats | */lifecycle.bats | */errors.bats | */terminal.bats | */exec.bats) echo "$t" ;;
			*/faults.bats | */bad-input.bats) echo "$t" ;;
			esac
			;;
		*) echo "$t" ;;
		esac
	done | tr '\n' ' '
}

if $sanitizers; then
	# with the fault points compiled in: faults.bats kills ocirt at each and checks delete -f
	CHECK_TESTS=sanitizer_tests configure_and_check "$builddir-asan" --enable-werror --enable-sanitizers \
		--enable-fault-injection
fi

if [ "$fuzz" -gt 0 ] 2>/dev/null; then
	step "fuzzing: ${fuzz}s per target"
	if FUZZ_BUILDDIR="$builddir-fuzz" "$src/tests/fuzz/run-fuzz.sh" "$fuzz"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		error "fuzzing"
	fi
fi

if [ -n "$vm" ] && ! command -v qemu-system-x86_64 >/dev/null; then
	echo "test.sh: qemu-system-x86_64 not installed: skipping the VM harness"
	skipped=$((skipped + 1))
	vm=
fi
if [ -n "$vm" ]; then
	step "VM harness: make check-vm MODE=$vm"
	vmlog=$builddir/check-vm-$vm.out
	# The harness uses KVM when /dev/kvm is writable and TCG otherwise; without KVM only a
	# few suites fit in CI's time (override with VM_TESTS).
	vm_tests=${VM_TESTS:-}
	if [ -z "$vm_tests" ] && [ ! -w /dev/kvm ]; then
		vm_tests="tests/vm/sanity.bats tests/runtime/lifecycle.bats tests/runtime/cgroups.bats"
		echo "test.sh: no KVM: the VM runs $vm_tests"
		# bound the run: a stuck guest must not eat CI's whole budget
		export OCIRT_VM_TIMEOUT=${OCIRT_VM_TIMEOUT:-1200}
	fi
	make -C "$builddir" check-vm MODE="$vm" ${vm_tests:+VM_TESTS="$vm_tests"} 2>&1 | tee "$vmlog"
	vmstatus=${PIPESTATUS[0]}
	count_tap "$vmlog"
	if [ "$vmstatus" -ne 0 ]; then
		error "check-vm MODE=$vm"
		# a harness failure without any TAP failure still counts as one
		grep -qE '^not ok [0-9]+' "$vmlog" || failed=$((failed + 1))
	fi
fi

if $engines; then
	step "engine suites: make check-engines"
	englog=$builddir/check-engines.out
	# podman drives ocirt through ocishim (OCIRT_PODMAN_PAIR=ocirt+conmon for the stock conmon)
	OCIRT_PODMAN_PAIR=${OCIRT_PODMAN_PAIR:-ocirt+ocishim} make -C "$builddir" check-engines 2>&1 | tee "$englog"
	engstatus=${PIPESTATUS[0]}
	# the containerd and docker suites again with runc as the binary: they must pass with the
	# reference too, or they test our assumptions rather than the engines (CRI runs both
	# handlers itself; podman's pairs are chosen with OCIRT_PODMAN_PAIR)
	if runc=$(command -v runc); then
		step "engine suites with runc as the runtime"
		make -C "$builddir" check-engines ENGINE_RUNTIME="$runc" \
			ENGINE_TESTS="tests/engines/containerd.bats tests/engines/docker.bats" 2>&1 | tee -a "$englog"
		[ "${PIPESTATUS[0]}" -eq 0 ] || engstatus=1
	fi
	count_tap "$englog"
	if [ "$engstatus" -ne 0 ]; then
		error "check-engines"
		grep -qE '^not ok [0-9]+' "$englog" || failed=$((failed + 1))
	fi
fi

echo
if [ ${#errors[@]} -gt 0 ]; then
	echo "failed steps: ${errors[*]}"
	[ "$failed" -gt 0 ] || failed=${#errors[@]}
fi
echo "total time: $(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ ${#errors[@]} -eq 0 ]
