/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: a process in the container opens /proc/<init>/exe (the runtime's binary,
 * since the init is a fork of it until execve), keeps the fd, and once no process runs the
 * binary any more (ETXTBSY gone) reopens /proc/self/fd/N for writing: the next runtime
 * started on the host runs its code.
 *
 * The protection: the runtime's processes that enter a container are non-dumpable until
 * execve (runc's nsexec does the same). /proc/PID/exe (and fd/, root/, cwd/, mem, environ)
 * then pass ptrace_may_access() only with CAP_SYS_PTRACE in the user namespace the binary
 * was exec'd in: the host's. A container with a user namespace never holds it; a container
 * without one holds it only when CAP_SYS_PTRACE is granted (docker --privileged, --cap-add
 * SYS_PTRACE): that case is not covered here (see docs/SECURITY.md). execve resets the
 * flag (the program is dumpable again, as under runc and crun).
 *
 * Cost: one prctl per start (measured in docs/SECURITY.md); copying the 1.4 MB binary into
 * a sealed memfd and re-executing, runc's earlier fix, costs a copy and an exec per start. */
#include "config.h"

#include <errno.h>
#include <sys/prctl.h>

#include "libocirt/exe-protect.h"

int ocirt_exe_protect(struct ocirt_error **err)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ocirt_error_set(err, errno, "prctl(PR_SET_DUMPABLE, 0)");
	return 0;
}
