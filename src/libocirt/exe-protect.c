/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: a process in the container opens /proc/<init>/exe (the runtime's binary,
 * since the init is a fork of it until execve), keeps the fd, and once no process runs the
 * binary any more (ETXTBSY gone) reopens /proc/self/fd/N for writing: the next runtime
 * started on the host runs its code.
 *
 * First layer, every container: the runtime's processes that enter a container are
 * non-dumpable until execve (runc's nsexec does the same). /proc/PID/exe (and fd/, root/,
 * cwd/, mem, environ) then pass ptrace_may_access() only with CAP_SYS_PTRACE in the user
 * namespace the binary was exec'd in: ours. A container with its own user namespace never
 * holds it. execve resets the flag (the program is dumpable again, as under runc and crun).
 *
 * Second layer, only where the first is not enough: a container without its own user
 * namespace whose processes may hold CAP_SYS_PTRACE (docker --privileged, --cap-add
 * SYS_PTRACE) passes that check. Then create/run/exec re-execute the CLI from a memfd copy
 * of the binary sealed against writes (runc 1.0-1.1's fix; runc 1.2.0-rc1 used the same
 * CAP_SYS_PTRACE + no-userns rule to decide when its small runc-dmz was not enough): what
 * /proc/<pid>/exe then reaches cannot be written, truncated or grown. Cost: a copy of the
 * file plus one execve per such start or exec, measured in docs/SECURITY.md.
 *
 * The init parks non-dumpable between create and start, rootless too: an unprivileged
 * `exec` into a created container cannot open its /proc/PID/ns files (runc's parked init is
 * dumpable; see docs/SECURITY.md for why ocirt's, a fork of the CLI, is not). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "common/log.h"
#include "common/macros.h"
#include "libocirt/exe-protect.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: without it, vm.memfd_noexec=1 makes the copy noexec */
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
/* Set for the re-executed process only, to fail instead of looping should the copy not be
 * recognised as one; whether a process runs from a sealed copy is read from the kernel
 * (an inherited variable must never switch the protection off). */
#define REEXEC_ENV "_OCIRT_EXE_SEALED"

extern char **environ;

int ocirt_exe_protect(struct ocirt_error **err)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ocirt_error_set(err, errno, "prctl(PR_SET_DUMPABLE, 0)");
	return 0;
}

/* Names as caps.c reads them: "CAP_XXX" in any case. */
static bool names_ptrace(char *const *names)
{
	for (size_t i = 0; names && names[i]; i++)
		if (strcasecmp(names[i], "CAP_SYS_PTRACE") == 0)
			return true;
	return false;
}

bool ocirt_exe_protect_ptrace_reach(const struct oci_config *c)
{
	const struct oci_capabilities *caps = c->process ? c->process->capabilities : NULL;
	if (!caps) {
		if (prctl(PR_CAPBSET_READ, CAP_SYS_PTRACE, 0, 0, 0) != 0)
			return true;
	} else if (names_ptrace(caps->bounding) || names_ptrace(caps->permitted))
		return true;
	const struct oci_linux *l = c->linux_;
	for (size_t i = 0; l && i < l->namespaces_len; i++)
		if (ocirt_ns_flag(l->namespaces[i].type) == CLONE_NEWPID && l->namespaces[i].path &&
		    *l->namespaces[i].path)
			return true;
	return false;
}

/* A user namespace other than ours: created, or joined and not the one we are in. */
static bool own_userns(const struct ocirt_ns_plan *ns)
{
	if (ns->new_flags & CLONE_NEWUSER)
		return true;
	struct stat self;
	if (stat("/proc/self/ns/user", &self) < 0)
		return false;
	for (size_t i = 0; i < ns->njoin; i++) {
		struct stat st;
		if (ns->join[i].flag == CLONE_NEWUSER && fstat(ns->join[i].fd, &st) == 0 &&
		    (st.st_ino != self.st_ino || st.st_dev != self.st_dev))
			return true;
	}
	return false;
}

static bool running_sealed(void)
{
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	int seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & SEALS) == SEALS;
}

static int sealed_copy(int *ret, struct ocirt_error **err)
{
	_cleanup_close_ int bin = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (bin < 0)
		return ocirt_error_set(err, errno, "open /proc/self/exe");
	struct stat st;
	if (fstat(bin, &st) < 0)
		return ocirt_error_set(err, errno, "stat /proc/self/exe");
	_cleanup_close_ int fd = memfd_create("ocirt", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL) /* Linux < 6.3 */
		fd = memfd_create("ocirt", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return ocirt_error_set(err, errno, "%s",
				       errno == EACCES ? "memfd_create: executable memfds are refused here (vm.memfd_noexec=2)"
						       : "memfd_create");
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(fd, bin, NULL, (size_t)(st.st_size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ocirt_error_set(err, n < 0 ? errno : EIO, "copy /proc/self/exe to a memfd");
		done += n;
	}
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
		return ocirt_error_set(err, errno, "seal the copy of /proc/self/exe");
	*ret = TAKE_FD(fd);
	return 0;
}

int ocirt_exe_protect_ensure(struct ocirt_context *ctx, bool reach, const struct ocirt_ns_plan *ns,
			     struct ocirt_error **err)
{
	bool reexecuted = getenv(REEXEC_ENV) != NULL;
	if (reexecuted)
		unsetenv(REEXEC_ENV);
	if (!reach || own_userns(ns) || !ctx->argv || running_sealed())
		return 0;
	if (reexecuted)
		return ocirt_error_setx(err, ELOOP, "re-executed from a sealed copy of the runtime, but /proc/self/exe "
						    "is not sealed");
	_cleanup_close_ int fd = -1;
	int r = sealed_copy(&fd, err);
	if (r < 0)
		return ocirt_error_prefix(err, "CVE-2019-5736 protection");
	log_debug("CVE-2019-5736: the container may hold CAP_SYS_PTRACE without a user namespace: re-executing "
		  "from a sealed copy of the runtime");
	if (setenv(REEXEC_ENV, "1", 1) < 0)
		return ocirt_error_set(err, errno, "setenv");
	fexecve(fd, ctx->argv, environ);
	int e = errno;
	unsetenv(REEXEC_ENV);
	return ocirt_error_set(err, e, "CVE-2019-5736 protection: execute the sealed copy of the runtime");
}
