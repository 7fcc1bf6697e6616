# Test helpers of the security area (seccomp notify agent). Included from tests/local.mk.
check_PROGRAMS += tests/tools/seccomp-agent
tests_tools_seccomp_agent_SOURCES = tests/tools/seccomp-agent.c
tests_tools_seccomp_agent_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
tests_tools_seccomp_agent_LDADD = $(SECCOMP_LIBS)
