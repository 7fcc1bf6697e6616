# tests build rules. Areas keep their own fragments; this file lists the bats suites.
include tests/unit/local.mk
include tests/fuzz/local.mk
include tests/tools/local-sec.mk
include tests/tools/local.mk

# The CLI option parser (src/ocirt/options.c).
check_PROGRAMS += tests/unit/test-cli-options
TESTS += tests/unit/test-cli-options
tests_unit_test_cli_options_SOURCES = tests/unit/test-cli-options.c src/ocirt/options.c src/ocirt/options.h
tests_unit_test_cli_options_LDADD = libocirt-common.a

# The log sink (src/common/log.c).
check_PROGRAMS += tests/unit/test-log
TESTS += tests/unit/test-log
tests_unit_test_log_SOURCES = tests/unit/test-log.c
tests_unit_test_log_LDADD = libocirt-common.a

# bats suites (BATS_LOG_COMPILER in Makefile.am): one file per area, listed explicitly.
EXTRA_DIST += tests/helpers.bash
EXTRA_DIST += tests/helpers-lifecycle.bash
BATS_SUITES = \
	tests/runtime/caps.bats \
	tests/runtime/cgroups.bats \
	tests/runtime/cli.bats \
	tests/runtime/lifecycle.bats \
	tests/runtime/lsm.bats \
	tests/runtime/namespaces.bats \
	tests/runtime/process.bats \
	tests/runtime/hooks.bats \
	tests/runtime/terminal.bats \
	tests/runtime/errors.bats \
	tests/runtime/podman-config.bats \
	tests/runtime/seccomp.bats \
	tests/runtime/spec.bats
EXTRA_DIST += $(BATS_SUITES)
if HAVE_BATS
TESTS += $(BATS_SUITES)
endif
BATS_SUITES += tests/runtime/devices.bats tests/runtime/mounts.bats tests/runtime/rootfs.bats
BATS_SUITES += tests/runtime/userns.bats tests/runtime/rootless.bats
BATS_SUITES += tests/runtime/faults.bats
BATS_SUITES += tests/runtime/exec.bats
BATS_SUITES += tests/runtime/cve.bats
BATS_SUITES += tests/runtime/conformance.bats
include tests/shim/local.mk
BATS_SUITES += tests/runtime/bad-input.bats
EXTRA_DIST += tests/runtime/bad-input.tsv
include tests/soak/local.mk

# make check-asan: the whole suite (unit tests and every bats suite) with ASan+UBSan, from a
# build dir configured with --enable-sanitizers (add --enable-fault-injection for faults.bats).
check-asan:
	@case '$(SANITIZER_CFLAGS)' in *address*) ;; *) echo "check-asan: configure this build dir with --enable-sanitizers" >&2; exit 1 ;; esac
	$(MAKE) $(AM_MAKEFLAGS) check
.PHONY: check-asan
