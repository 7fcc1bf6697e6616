/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SELinux (libselinux when built with it) and AppArmor (procfs only, no libapparmor).
 * See lsm.h for where each function runs. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "common/path-util.h"
#include "common/xalloc.h"
#include "libocirt/lsm.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

bool ocirt_selinux_enabled(void)
{
#ifdef HAVE_SELINUX
	return is_selinux_enabled() > 0;
#else
	return false;
#endif
}

/* runc's test: securityfs shows apparmor and the module says it is enabled. */
bool ocirt_apparmor_enabled(void)
{
	char c = 0;
	struct stat st;
	_cleanup_close_ int fd = -1;

	if (stat("/sys/kernel/security/apparmor", &st) < 0)
		return false;
	fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, &c, 1) != 1)
		return false;
	return c == 'Y';
}

static bool set(const char *s)
{
	return s && *s;
}

int ocirt_lsm_validate(const struct oci_config *c, struct ocirt_error **err)
{
	const struct oci_process *p = c->process;
	const char *mount_label = c->linux_ ? c->linux_->mount_label : NULL;

	if (p && set(p->selinux_label)) {
		if (!ocirt_selinux_enabled())
			return ocirt_error_setx(
			    err, EINVAL,
			    "selinux label is specified in config, but selinux is disabled or not supported");
#ifdef HAVE_SELINUX
		if (security_check_context(p->selinux_label) < 0)
			return ocirt_error_setx(err, EINVAL, ".process.selinuxLabel: invalid SELinux label \"%s\"",
			                        p->selinux_label);
#endif
	}
#ifdef HAVE_SELINUX
	if (set(mount_label) && ocirt_selinux_enabled() && security_check_context(mount_label) < 0)
		return ocirt_error_setx(err, EINVAL, ".linux.mountLabel: invalid SELinux label \"%s\"", mount_label);
#else
	(void)mount_label;
#endif
	if (p && set(p->apparmor_profile) && !ocirt_apparmor_enabled())
		return ocirt_error_setx(
		    err, EINVAL,
		    "apparmor profile \"%s\" is specified in config, but apparmor is disabled or not supported",
		    p->apparmor_profile);
	return 0;
}

/* follow: setfilecon (the target of a /proc/self/fd link), else lsetfilecon; what names
 * the file in the error (path, or the caller's name for it). */
static int set_file_label(const char *path, bool follow, const char *what, const char *label,
			  struct ocirt_error **err)
{
#ifdef HAVE_SELINUX
	if (!set(label) || !ocirt_selinux_enabled())
		return 0;
	if ((follow ? setfilecon(path, label) : lsetfilecon(path, label)) < 0 && errno != ENOTSUP)
		return ocirt_error_set(err, errno, "set SELinux label \"%s\" on `%s`", label, what);
#else
	(void)path;
	(void)follow;
	(void)what;
	(void)label;
	(void)err;
#endif
	return 0;
}

int ocirt_lsm_set_file_label(const char *path, const char *label, struct ocirt_error **err)
{
	return set_file_label(path, false, path, label, err);
}

int ocirt_lsm_set_fd_label(int fd, const char *what, const char *label, struct ocirt_error **err)
{
	char magic[64];

	return set_file_label(ocirt_path_fd_magic(fd, magic, sizeof(magic)), true, what, label, err);
}

int ocirt_lsm_set_keyring_label(const char *label, struct ocirt_error **err)
{
#ifdef HAVE_SELINUX
	if (!set(label) || !ocirt_selinux_enabled())
		return 0;
	if (setkeycreatecon(label) < 0)
		return ocirt_error_set(err, errno, "set SELinux keyring label \"%s\"", label);
#else
	(void)label;
	(void)err;
#endif
	return 0;
}

static int write_all(int fd, const char *value)
{
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* aa_change_onexec() without libapparmor: the LSM-specific file since 5.8, else the shared
 * one (only when the first doesn't exist: a write error such as an unknown profile is
 * final). /proc/thread-self: AppArmor attributes are per task. */
static int apparmor_exec(const char *profile, struct ocirt_error **err)
{
	_cleanup_free_ char *value = xasprintf("exec %s", profile);
	_cleanup_close_ int fd = open("/proc/thread-self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int r;

	if (fd < 0 && errno == ENOENT)
		fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ocirt_error_set(err, errno, "apparmor failed to apply profile \"%s\"", profile);
	/* SECURITY: the container's /proc could be anything but procfs (no proc mount, an
	 * image's directory): a profile written to a plain file would silently not apply */
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return ocirt_error_setx(err, EINVAL, "apparmor failed to apply profile \"%s\": /proc is not procfs", profile);
	r = write_all(fd, value);
	if (r < 0)
		return ocirt_error_set(err, -r, "apparmor failed to apply profile \"%s\"", profile);
	return 0;
}

int ocirt_lsm_apply_exec_labels(const struct oci_process *p, struct ocirt_error **err)
{
	int r;

	if (!p)
		return 0;
	if (set(p->apparmor_profile)) {
		r = apparmor_exec(p->apparmor_profile, err);
		if (r < 0)
			return r;
	}
	if (!set(p->selinux_label))
		return 0;
	/* validate() refuses this already; never run unlabelled when a label was asked for */
	if (!ocirt_selinux_enabled())
		return ocirt_error_setx(
		    err, EINVAL, "selinux label is specified in config, but selinux is disabled or not supported");
#ifdef HAVE_SELINUX
	if (setexeccon(p->selinux_label) < 0)
		return ocirt_error_set(err, errno, "set SELinux process label \"%s\"", p->selinux_label);
#endif
	return 0;
}
