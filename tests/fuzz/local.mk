# libFuzzer targets, one per libocispec parser: CC=clang ./configure --enable-fuzzing
# [--enable-sanitizers]; tests/fuzz/run-fuzz.sh builds and runs them briefly.
FUZZ_TARGETS = tests/fuzz/fuzz-config tests/fuzz/fuzz-process tests/fuzz/fuzz-resources \
	tests/fuzz/fuzz-state tests/fuzz/fuzz-features \
	tests/fuzz/fuzz-signal tests/fuzz/fuzz-mount-options tests/fuzz/fuzz-seccomp \
	tests/fuzz/fuzz-cgroup-convert
FUZZ_CC_FLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) -fsanitize=fuzzer
FUZZ_LIBS = libocispec.a libocirt-common.a $(YAJL_LIBS)
FUZZ_LINK_FLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
# the translators live in libocirt
FUZZ_RT_CC_FLAGS = $(FUZZ_CC_FLAGS) $(LIBCAP_CFLAGS) $(SECCOMP_CFLAGS) $(SELINUX_CFLAGS)
FUZZ_RT_LIBS = libocirt.a $(FUZZ_LIBS) $(LIBCAP_LIBS) $(SECCOMP_LIBS) $(SELINUX_LIBS)

if ENABLE_FUZZING
noinst_PROGRAMS += $(FUZZ_TARGETS)
endif

tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c tests/fuzz/fuzz-common.h
tests_fuzz_fuzz_config_CFLAGS = $(FUZZ_CC_FLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_config_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_process_SOURCES = tests/fuzz/fuzz-process.c tests/fuzz/fuzz-common.h
tests_fuzz_fuzz_process_CFLAGS = $(FUZZ_CC_FLAGS)
tests_fuzz_fuzz_process_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_process_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_resources_SOURCES = tests/fuzz/fuzz-resources.c tests/fuzz/fuzz-common.h
tests_fuzz_fuzz_resources_CFLAGS = $(FUZZ_CC_FLAGS)
tests_fuzz_fuzz_resources_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_resources_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_state_SOURCES = tests/fuzz/fuzz-state.c tests/fuzz/fuzz-common.h
tests_fuzz_fuzz_state_CFLAGS = $(FUZZ_CC_FLAGS)
tests_fuzz_fuzz_state_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_state_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_features_SOURCES = tests/fuzz/fuzz-features.c tests/fuzz/fuzz-common.h
tests_fuzz_fuzz_features_CFLAGS = $(FUZZ_CC_FLAGS)
tests_fuzz_fuzz_features_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_features_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_signal_SOURCES = tests/fuzz/fuzz-signal.c tests/fuzz/fuzz-common.h tests/fuzz/fuzz-input.h
tests_fuzz_fuzz_signal_CFLAGS = $(FUZZ_RT_CC_FLAGS)
tests_fuzz_fuzz_signal_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_signal_LDADD = $(FUZZ_RT_LIBS)
tests_fuzz_fuzz_mount_options_SOURCES = tests/fuzz/fuzz-mount-options.c tests/fuzz/fuzz-common.h tests/fuzz/fuzz-input.h
tests_fuzz_fuzz_mount_options_CFLAGS = $(FUZZ_RT_CC_FLAGS)
tests_fuzz_fuzz_mount_options_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_mount_options_LDADD = $(FUZZ_RT_LIBS)
tests_fuzz_fuzz_seccomp_SOURCES = tests/fuzz/fuzz-seccomp.c tests/fuzz/fuzz-common.h
tests_fuzz_fuzz_seccomp_CFLAGS = $(FUZZ_RT_CC_FLAGS)
tests_fuzz_fuzz_seccomp_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_seccomp_LDADD = $(FUZZ_RT_LIBS)
tests_fuzz_fuzz_cgroup_convert_SOURCES = tests/fuzz/fuzz-cgroup-convert.c tests/fuzz/fuzz-common.h tests/fuzz/fuzz-input.h
tests_fuzz_fuzz_cgroup_convert_CFLAGS = $(FUZZ_RT_CC_FLAGS)
tests_fuzz_fuzz_cgroup_convert_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_cgroup_convert_LDADD = $(FUZZ_RT_LIBS)

# make fuzz [FUZZ_SECONDS=20]: every target briefly (a build configured with --enable-fuzzing)
FUZZ_SECONDS = 20
if ENABLE_FUZZING
fuzz: $(FUZZ_TARGETS)
	FUZZ_BUILDDIR='$(abs_top_builddir)' $(top_srcdir)/tests/fuzz/run-fuzz.sh $(FUZZ_SECONDS)
else
fuzz:
	@echo "make fuzz: configure this build dir with CC=clang --enable-fuzzing (or run tests/fuzz/run-fuzz.sh)" >&2; exit 1
endif
.PHONY: fuzz

EXTRA_DIST += tests/fuzz/run-fuzz.sh tests/fuzz/long-run.sh tests/fuzz/RESULTS.md tests/fuzz/corpus

# Inputs the fuzz targets found, as unit tests for every build (gcc too).
check_PROGRAMS += tests/fuzz/test-fuzz-regressions
TESTS += tests/fuzz/test-fuzz-regressions
tests_fuzz_test_fuzz_regressions_SOURCES = tests/fuzz/test-fuzz-regressions.c
tests_fuzz_test_fuzz_regressions_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(LIBCAP_CFLAGS) $(SECCOMP_CFLAGS)
tests_fuzz_test_fuzz_regressions_LDADD = libocirt.a libocispec.a libocirt-common.a $(YAJL_LIBS) \
	$(LIBCAP_LIBS) $(SECCOMP_LIBS) $(SELINUX_LIBS)
