/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault injection for tests: built with --enable-fault-injection, OCIRT_FAULT_POINT("name")
 * SIGKILLs the calling process when the environment has OCIRT_FAULT=name, so a test can stop
 * ocirt dead at any named step and check that `delete -f` still cleans up
 * (tests/runtime/faults.bats). Without the option the macro compiles to nothing.
 * Points sit only in code the ocirt process itself runs (never in the container's init). */
#ifndef OCIRT_COMMON_FAULT_H
#define OCIRT_COMMON_FAULT_H

#ifdef OCIRT_FAULT_INJECTION
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void ocirt_fault_point(const char *name)
{
	const char *want = getenv("OCIRT_FAULT");
	if (want && strcmp(want, name) == 0)
		kill(getpid(), SIGKILL);
}
#define OCIRT_FAULT_POINT(name) ocirt_fault_point(name)
#else
#define OCIRT_FAULT_POINT(name) \
	do {                    \
	} while (0)
#endif

#endif
