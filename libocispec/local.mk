# libocispec: the runtime-spec model (parse/generate/free); links yajl.
noinst_LIBRARIES += libocispec.a
libocispec_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
libocispec_a_SOURCES = \
	libocispec/oci-types.h libocispec/oci-config.h libocispec/oci-state.h libocispec/oci-features.h \
	libocispec/internal.h \
	libocispec/json-tree.c libocispec/json-tree.h \
	libocispec/json-parse.c libocispec/json-parse.h \
	libocispec/json-gen.c libocispec/json-gen.h \
	libocispec/tables.c libocispec/util.c \
	libocispec/config-parse.c libocispec/linux-parse.c libocispec/resources-parse.c \
	libocispec/config-gen.c libocispec/linux-gen.c \
	libocispec/config-free.c \
	libocispec/state.c libocispec/features.c
if ENABLE_FUZZING
# coverage for libFuzzer (tests/fuzz)
libocispec_a_CFLAGS += -fsanitize=fuzzer-no-link
endif
