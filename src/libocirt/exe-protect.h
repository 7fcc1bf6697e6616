/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: keep container processes away from the runtime's binary. ocirt does not
 * re-exec itself: the container's init (and an exec'd process) is the runtime's image until
 * execve, and parks like that between `create` and `start`. See exe-protect.c. */
#ifndef OCIRT_EXE_PROTECT_H
#define OCIRT_EXE_PROTECT_H

#include "common/error.h"

/* Make this process non-dumpable until execve: its /proc/PID/{exe,fd,root,mem,...} then
 * need CAP_SYS_PTRACE in the initial user namespace. Call in every process that enters a
 * container's namespaces while still running the runtime's image, once nothing needs
 * ptrace access to it any more (newuidmap checks the owner of /proc/PID). */
int ocirt_exe_protect(struct ocirt_error **err);

#endif
