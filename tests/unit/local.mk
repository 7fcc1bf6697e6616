# libocispec unit tests (TAP). Fixtures are found through FIXTURES_DIR.
OCISPEC_TEST_CC_FLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) -DFIXTURES_DIR='"$(abs_top_srcdir)/tests/unit/fixtures"'
OCISPEC_TEST_LIBS = libocispec.a libocirt-common.a $(YAJL_LIBS)
OCISPEC_TEST_COMMON = tests/unit/tap.h tests/unit/json-canon.c tests/unit/json-canon.h
noinst_HEADERS += tests/unit/tap.h

check_PROGRAMS += tests/unit/test-ocispec-config tests/unit/test-ocispec-misc tests/unit/ocispec-check
TESTS += tests/unit/test-ocispec-config tests/unit/test-ocispec-misc tests/unit/test-ocispec-bad-configs.sh

tests_unit_test_ocispec_config_SOURCES = tests/unit/test-ocispec-config.c $(OCISPEC_TEST_COMMON)
tests_unit_test_ocispec_config_CFLAGS = $(OCISPEC_TEST_CC_FLAGS)
tests_unit_test_ocispec_config_LDADD = $(OCISPEC_TEST_LIBS)

tests_unit_test_ocispec_misc_SOURCES = tests/unit/test-ocispec-misc.c $(OCISPEC_TEST_COMMON)
tests_unit_test_ocispec_misc_CFLAGS = $(OCISPEC_TEST_CC_FLAGS)
tests_unit_test_ocispec_misc_LDADD = $(OCISPEC_TEST_LIBS)

tests_unit_ocispec_check_SOURCES = tests/unit/ocispec-check.c $(OCISPEC_TEST_COMMON)
tests_unit_ocispec_check_CFLAGS = $(OCISPEC_TEST_CC_FLAGS)
tests_unit_ocispec_check_LDADD = $(OCISPEC_TEST_LIBS)

EXTRA_DIST += tests/unit/test-ocispec-bad-configs.sh tests/unit/fixtures
include tests/unit/local-sec.mk
# cgroup resources engine: pure conversions + BPF generator, and a root-only kernel test
CGROUP_TEST_LDADD = libocirt.a libocispec.a libocirt-common.a $(YAJL_LIBS)
check_PROGRAMS += tests/unit/test-cgroup-convert tests/unit/test-cgroup-res
TESTS += tests/unit/test-cgroup-convert tests/unit/test-cgroup-res
tests_unit_test_cgroup_convert_LDADD = $(CGROUP_TEST_LDADD)
tests_unit_test_cgroup_res_LDADD = $(CGROUP_TEST_LDADD)
# rootfs: the mount option table, in-root path resolution, and the rootfs step driver
check_PROGRAMS += tests/unit/test-mount-options tests/unit/test-path-util tests/tools/rootfs-harness
TESTS += tests/unit/test-mount-options tests/unit/test-path-util
tests_unit_test_mount_options_LDADD = libocirt.a libocispec.a libocirt-common.a $(YAJL_LIBS) $(SELINUX_LIBS)
tests_unit_test_path_util_LDADD = libocirt-common.a
tests_tools_rootfs_harness_LDADD = libocirt.a libocispec.a libocirt-common.a $(YAJL_LIBS) $(SELINUX_LIBS)
include tests/unit/local-lifecycle.mk
