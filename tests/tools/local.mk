# Test helpers of the CLI area. Included from tests/local.mk.
# recvtty: the console-socket receiver (tests/helpers.bash: start_recvtty).
check_PROGRAMS += tests/tools/recvtty
tests_tools_recvtty_SOURCES = tests/tools/recvtty.c
