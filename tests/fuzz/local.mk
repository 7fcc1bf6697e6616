# libFuzzer targets, one per libocispec parser: CC=clang ./configure --enable-fuzzing
# [--enable-sanitizers]; tests/fuzz/run-fuzz.sh builds and runs them briefly.
FUZZ_TARGETS = tests/fuzz/fuzz-config tests/fuzz/fuzz-process tests/fuzz/fuzz-resources \
	tests/fuzz/fuzz-state tests/fuzz/fuzz-features
FUZZ_CC_FLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) -fsanitize=fuzzer
FUZZ_LIBS = libocispec.a libocirt-common.a $(YAJL_LIBS)
FUZZ_LINK_FLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer

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

EXTRA_DIST += tests/fuzz/run-fuzz.sh tests/fuzz/corpus
