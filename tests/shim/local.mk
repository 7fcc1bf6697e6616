# ocishim tests: the harness that plays podman's part, and the bats suites (one per runtime,
# same cases). Included from tests/local.mk.
check_PROGRAMS += tests/shim/shim-harness
tests_shim_shim_harness_SOURCES = tests/shim/shim-harness.c
EXTRA_DIST += tests/shim/helpers-shim.bash tests/shim/cases.bash
SHIM_SUITES = \
	tests/shim/ocirt.bats \
	tests/shim/runc.bats
EXTRA_DIST += $(SHIM_SUITES)
if HAVE_BATS
TESTS += $(SHIM_SUITES)
endif
