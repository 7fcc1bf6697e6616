# Security modules' unit tests (caps, seccomp): real kernel, forked children. Included from
# tests/unit/local.mk.
SEC_TEST_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(LIBCAP_CFLAGS) $(SECCOMP_CFLAGS) \
	-DFIXTURES_DIR='"$(abs_top_srcdir)/tests/unit/fixtures"'
SEC_TEST_LDADD = libocirt.a libocispec.a libocirt-common.a $(YAJL_LIBS) $(LIBCAP_LIBS) $(SECCOMP_LIBS) $(SELINUX_LIBS)

check_PROGRAMS += tests/unit/test-seccomp
TESTS += tests/unit/test-seccomp
tests_unit_test_seccomp_SOURCES = tests/unit/test-seccomp.c tests/unit/tap.h
tests_unit_test_seccomp_CFLAGS = $(SEC_TEST_CFLAGS)
tests_unit_test_seccomp_LDADD = $(SEC_TEST_LDADD)

check_PROGRAMS += tests/unit/test-caps
TESTS += tests/unit/test-caps
tests_unit_test_caps_SOURCES = tests/unit/test-caps.c tests/unit/tap.h
tests_unit_test_caps_CFLAGS = $(SEC_TEST_CFLAGS)
tests_unit_test_caps_LDADD = $(SEC_TEST_LDADD)

check_PROGRAMS += tests/unit/test-lsm
TESTS += tests/unit/test-lsm
tests_unit_test_lsm_SOURCES = tests/unit/test-lsm.c tests/unit/tap.h
tests_unit_test_lsm_CFLAGS = $(SEC_TEST_CFLAGS)
tests_unit_test_lsm_LDADD = $(SEC_TEST_LDADD)
