# lifecycle building blocks (signals, sync frames, state dir/status, fd closing, exec lookup)
check_PROGRAMS += tests/unit/test-lifecycle
TESTS += tests/unit/test-lifecycle
tests_unit_test_lifecycle_SOURCES = tests/unit/test-lifecycle.c tests/unit/tap.h
tests_unit_test_lifecycle_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_lifecycle_LDADD = libocirt.a libocispec.a libocirt-common.a $(YAJL_LIBS) $(LIBCAP_LIBS) $(SECCOMP_LIBS) $(SELINUX_LIBS)
