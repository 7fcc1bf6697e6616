/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.sysctl: written through the container's /proc/sys after pivot_root, so each value
 * lands in the container's namespaces. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <unistd.h>
#include "common/fd-util.h"
#include "common/path-util.h"
#include "common/xalloc.h"
#include "libocirt/rootfs.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* SECURITY: the key is opened below the verified /proc/sys without leaving procfs
 * (RESOLVE_NO_XDEV): a mount over a key (a hook, a shared volume racing us) would take the
 * value to its source instead of the kernel. */
static int open_key(int procsys, const char *rel)
{
	struct open_how how = {
		.flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
	};
	struct statfs sfs;
	int fd = (int)syscall(SYS_openat2, procsys, rel, &how, sizeof(how));

	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return fd < 0 ? -errno : fd;
	/* openat2: Linux 5.6. Before, check the file we got is still procfs. */
	fd = ocirt_path_open_in_root(procsys, rel, O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd >= 0 && (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)) {
		close(fd);
		return -EXDEV;
	}
	return fd;
}

int ocirt_sysctl_apply(const struct oci_config *config, struct ocirt_error **err)
{
	const struct oci_map *m = config->linux_ ? config->linux_->sysctl : NULL;
	_cleanup_close_ int procsys = -1;
	struct statfs sfs;
	size_t i;

	if (!m || m->len == 0)
		return 0;
	procsys = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procsys < 0)
		return ocirt_error_set(err, errno, "open /proc/sys (is /proc mounted in the container?)");
	/* a rootfs could put anything at /proc/sys: values written there must reach the kernel */
	if (fstatfs(procsys, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return ocirt_error_setx(err, EINVAL, "/proc/sys is not procfs: cannot write sysctls");
	for (i = 0; i < m->len; i++) {
		const char *key = m->items[i].key, *value = m->items[i].value ? m->items[i].value : "";
		_cleanup_free_ char *rel = xstrdup(key);
		_cleanup_close_ int fd = -1;
		char *p;
		int r;

		/* "net.ipv4.ip_forward", or with slashes as sysctl(8) takes them, which keeps
		 * dots in names ("net/ipv4/conf/eth0.100/forwarding") */
		if (!strchr(rel, '/'))
			for (p = rel; *p; p++)
				if (*p == '.')
					*p = '/';
		if (!*rel || rel[0] == '/')
			return ocirt_error_setx(err, EINVAL, "sysctl \"%s\": invalid key", key);
		fd = open_key(procsys, rel);
		if (fd < 0)
			return ocirt_error_set(err, -fd, "write sysctl \"%s\"=\"%s\": open /proc/sys/%s", key, value, rel);
		r = write_all(fd, value, strlen(value));
		if (r < 0)
			return ocirt_error_set(err, -r, "write sysctl \"%s\"=\"%s\"", key, value);
	}
	return 0;
}
