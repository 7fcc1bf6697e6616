/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: keep container processes away from the runtime's binary. The container's
 * init (and an exec'd process) is the runtime's image until execve, and parks like that
 * between `create` and `start`. Two layers, see exe-protect.c and docs/SECURITY.md. */
#ifndef OCIRT_EXE_PROTECT_H
#define OCIRT_EXE_PROTECT_H

#include <stdbool.h>
#include "common/error.h"
#include "libocirt/container.h"
#include "libocirt/namespace.h"

/* Make this process non-dumpable until execve: its /proc/PID/{exe,fd,root,mem,...} then
 * need CAP_SYS_PTRACE in the initial user namespace. Call in every process that enters a
 * container's namespaces while still running the runtime's image, once nothing needs
 * ptrace access to it any more (newuidmap checks the owner of /proc/PID). */
int ocirt_exe_protect(struct ocirt_error **err);

/* Can processes of this container pass the ptrace check that the non-dumpable flag relies
 * on? Yes when c's process holds CAP_SYS_PTRACE in its bounding or permitted set (no
 * capabilities object: it keeps ours, so our bounding set decides), or when the container
 * joins a pid namespace by path (its other members' capabilities are unknown). The user
 * namespace is ocirt_exe_protect_ensure()'s part. */
bool ocirt_exe_protect_ptrace_reach(const struct oci_config *c);

/* Parent side of create/run/exec, after the config is read and before anything exists
 * (state dir, cgroup, children). When `reach` and the container's processes share our user
 * namespace (ns: none created, none joined but our own), the container could open
 * /proc/<pid>/exe of our processes and later write the binary: unless this process already
 * runs from a sealed copy, re-execute ctx->argv from a sealed memfd copy of the binary (does
 * not return on success). ctx->argv NULL: nothing is done (the caller cannot be re-executed). */
int ocirt_exe_protect_ensure(struct ocirt_context *ctx, bool reach, const struct ocirt_ns_plan *ns,
			     struct ocirt_error **err);

#endif
