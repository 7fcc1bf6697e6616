/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's root filesystem: propagation, the rootfs mount, config mounts,
 * pivot_root, read-only root, masked and read-only paths (see rootfs.h for the order). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "common/path-util.h"
#include "common/xalloc.h"
#include "libocirt/mount.h"
#include "libocirt/rootfs.h"
#include "libocirt/lsm.h"

static const char *rootfs_propagation(const struct oci_config *c)
{
	const char *p = c->linux_ ? c->linux_->rootfs_propagation : NULL;
	return p && *p ? p : NULL;
}

static bool has_namespace(const struct oci_config *c, const char *type)
{
	size_t i;

	if (!c->linux_)
		return false;
	for (i = 0; i < c->linux_->namespaces_len; i++)
		if (c->linux_->namespaces[i].type && streq(c->linux_->namespaces[i].type, type))
			return true;
	return false;
}

static bool path_has_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (streq(prefix, "/"))
		return true;
	return strncmp(path, prefix, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* pivot_root refuses a new root whose parent mount is shared, and a shared parent would
 * carry the rootfs bind (and every mount under it) to the peers. Making it a slave (runc
 * makes it private) keeps what the host mounts there arriving, as rslave promises: the
 * rootfs bind made from it is then a slave of the same master. */
static int make_parent_slave(const char *rootfs, struct ocirt_error **err)
{
	struct ocirt_mountinfo *mi = NULL;
	const struct ocirt_mountinfo *best = NULL;
	size_t n = 0, i;
	int r;

	r = ocirt_mountinfo_read(NULL, &mi, &n);
	if (r < 0)
		return ocirt_error_set(err, -r, "read /proc/self/mountinfo");
	for (i = 0; i < n; i++)
		if (path_has_prefix(rootfs, mi[i].mountpoint) &&
		    (!best || strlen(mi[i].mountpoint) >= strlen(best->mountpoint)))
			best = &mi[i];
	r = 0;
	if (best && strstr(best->optional, "shared:") && mount(NULL, best->mountpoint, NULL, MS_SLAVE, NULL) < 0)
		r = ocirt_error_set(err, errno, "make the rootfs parent mount \"%s\" a slave", best->mountpoint);
	ocirt_mountinfo_free(mi, n);
	return r;
}

int ocirt_rootfs_prepare(const struct ocirt_rootfs_opts *o, int *ret_rootfs_fd, struct ocirt_error **err)
{
	const char *prop_name = rootfs_propagation(o->config);
	unsigned long prop = MS_SLAVE | MS_REC;
	char real[PATH_MAX];
	int fd, r;

	if (prop_name) {
		prop = ocirt_mount_propagation_flags(prop_name);
		if (!prop)
			return ocirt_error_setx(err, EINVAL, "rootfsPropagation \"%s\": unknown value", prop_name);
	}
	/* Our copy of the host's mounts must not send events back: rslave by default. An
	 * unbindable "/" could not give the rootfs bind below: that one waits for finalize. */
	if (prop & MS_UNBINDABLE)
		prop = MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return ocirt_error_set(err, errno, "set the propagation of / (rootfsPropagation \"%s\")",
				       prop_name ? prop_name : "rslave");
	if (!realpath(o->rootfs, real))
		return ocirt_error_set(err, errno, "rootfs \"%s\"", o->rootfs);
	r = make_parent_slave(real, err);
	if (r < 0)
		return r;
	/* A mount point of its own: pivot_root needs one, and mounts under it stay with it. */
	if (mount(real, real, NULL, MS_BIND | MS_REC, NULL) < 0)
		return ocirt_error_set(err, errno, "bind the rootfs \"%s\" onto itself", real);
	fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ocirt_error_set(err, errno, "open the rootfs \"%s\"", real);
	*ret_rootfs_fd = fd;
	return 0;
}

int ocirt_rootfs_mounts(const struct ocirt_rootfs_opts *o, int rootfs_fd, struct ocirt_error **err)
{
	const struct oci_config *c = o->config;
	_cleanup_free_ char *rootfs_path = ocirt_path_of_fd(rootfs_fd);
	struct ocirt_mount_ctx ctx = {
		.rootfs_fd = rootfs_fd,
		.rootfs = rootfs_path,
		.bundle = o->bundle,
		/* context= is an SELinux mount option: other kernels refuse it */
		.mount_label = c->linux_ && ocirt_selinux_enabled() ? c->linux_->mount_label : NULL,
		.userns = o->userns,
		.cgroupns = has_namespace(c, "cgroup"),
		.defer_readonly = true,
		.idmapped = o->idmapped,
		.n_idmapped = o->n_idmapped,
	};
	size_t i;
	int r;

	for (i = 0; i < c->mounts_len; i++) {
		r = ocirt_mount_one(&ctx, &c->mounts[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --no-pivot: the host's procfs and sysfs mounts stay in the namespace under the chroot;
 * the kernel looks at every procfs/sysfs mount of the namespace when deciding whether a
 * new one may be mounted, and they keep host views reachable. Detach them (after making
 * them slaves so the unmount does not propagate), or cover them when we may not. */
static int hide_host_proc_sys(const char *rootfs, struct ocirt_error **err)
{
	struct ocirt_mountinfo *mi = NULL;
	size_t n = 0, i;
	int r;

	r = ocirt_mountinfo_read(NULL, &mi, &n);
	if (r < 0)
		return ocirt_error_set(err, -r, "read /proc/self/mountinfo");
	r = 0;
	/* deepest first, so a mount is gone before its parent */
	for (i = n; i-- > 0;) {
		const char *p = mi[i].mountpoint;
		if (!streq(mi[i].fstype, "proc") && !streq(mi[i].fstype, "sysfs"))
			continue;
		if (path_has_prefix(p, rootfs))
			continue;
		if (mount(NULL, p, NULL, MS_SLAVE | MS_REC, NULL) < 0 && errno != ENOENT && errno != EINVAL) {
			r = ocirt_error_set(err, errno, "make \"%s\" a slave", p);
			break;
		}
		if (umount2(p, MNT_DETACH) < 0) {
			if (errno != EINVAL && errno != EPERM)
				continue; /* already gone with its parent */
			if (mount("tmpfs", p, "tmpfs", 0, NULL) < 0) {
				r = ocirt_error_set(err, errno, "cover \"%s\"", p);
				break;
			}
		}
	}
	ocirt_mountinfo_free(mi, n);
	return r;
}

int ocirt_rootfs_pivot(const struct ocirt_rootfs_opts *o, int rootfs_fd, struct ocirt_error **err)
{
	if (o->no_pivot) {
		char real[PATH_MAX];
		int r;
		if (!realpath(o->rootfs, real))
			return ocirt_error_set(err, errno, "rootfs \"%s\"", o->rootfs);
		r = hide_host_proc_sys(real, err);
		if (r < 0)
			return r;
		if (fchdir(rootfs_fd) < 0)
			return ocirt_error_set(err, errno, "chdir to the rootfs");
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return ocirt_error_set(err, errno, "move the rootfs onto /");
		if (chroot(".") < 0)
			return ocirt_error_set(err, errno, "chroot into the rootfs");
	} else {
		_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
		if (oldroot < 0)
			return ocirt_error_set(err, errno, "open /");
		if (fchdir(rootfs_fd) < 0)
			return ocirt_error_set(err, errno, "chdir to the rootfs");
		/* pivot_root(".", "."): the old root ends up stacked on the new one, where we
		 * can detach it without needing a directory for it inside the rootfs. */
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return ocirt_error_set(err, errno, "pivot_root");
		if (fchdir(oldroot) < 0)
			return ocirt_error_set(err, errno, "chdir to the old root");
		/* the detach must not reach the host's mounts */
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return ocirt_error_set(err, errno, "make the old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return ocirt_error_set(err, errno, "detach the old root");
	}
	if (chdir("/") < 0)
		return ocirt_error_set(err, errno, "chdir to /");
	return 0;
}

int ocirt_rootfs_finalize(const struct ocirt_rootfs_opts *o, struct ocirt_error **err)
{
	const struct oci_config *c = o->config;
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	size_t i;
	int r;

	if (root < 0)
		return ocirt_error_set(err, errno, "open /");
	for (i = 0; i < c->mounts_len; i++) {
		r = ocirt_mount_finish_readonly(root, &c->mounts[i], err);
		if (r < 0)
			return r;
	}
	if (c->root && c->root->readonly) {
		struct ocirt_mount_flags ro = { .set = MS_RDONLY };
		r = ocirt_mount_setflags(root, &ro, false);
		if (r < 0)
			return ocirt_error_set(err, -r, "make the rootfs read-only");
	}
	return 0;
}

static int readonly_path(int root, const char *path, struct ocirt_error **err)
{
	static const struct ocirt_mount_flags ro = { .set = MS_RDONLY };
	_cleanup_close_ int fd = ocirt_path_open_in_root(root, path, O_PATH, 0);
	int r;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return ocirt_error_set(err, -fd, "readonly path \"%s\"", path);
	/* the whole tree read-only (mount_setattr AT_RECURSIVE) */
	r = ocirt_mount_bind(fd, NULL, fd, root, path, true, NULL, &ro, NULL);
	if (r == -ENOSYS) /* mount_setattr: Linux 5.12; before, only the top mount */
		r = ocirt_mount_bind(fd, NULL, fd, root, path, true, &ro, NULL, NULL);
	if (r < 0)
		return ocirt_error_set(err, -r, "readonly path \"%s\"", path);
	return 0;
}

static int masked_path(int root, const char *path, struct ocirt_error **err)
{
	static const struct ocirt_mount_flags ro = { .set = MS_RDONLY };
	_cleanup_close_ int fd = ocirt_path_open_in_root(root, path, O_PATH, 0);
	_cleanup_free_ char *detail = NULL;
	struct stat st;
	int r;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return ocirt_error_set(err, -fd, "masked path \"%s\"", path);
	if (fstat(fd, &st) < 0)
		return ocirt_error_set(err, errno, "masked path \"%s\"", path);
	if (S_ISDIR(st.st_mode)) {
		r = ocirt_mount_fs("tmpfs", "tmpfs", fd, root, path, &ro, NULL, NULL, &detail);
	} else {
		/* the container's /dev/null: make sure it is one (no link, 1:3), or the mask
		 * would show whatever the rootfs put there */
		_cleanup_close_ int null = ocirt_path_open_in_root(root, "/dev/null", O_PATH | O_NOFOLLOW, 0);
		struct stat ns;
		if (null < 0)
			return ocirt_error_set(err, -null, "masked path \"%s\": /dev/null", path);
		if (fstat(null, &ns) < 0 || !S_ISCHR(ns.st_mode) || ns.st_rdev != makedev(1, 3))
			return ocirt_error_setx(err, EINVAL, "masked path \"%s\": /dev/null is not the null device", path);
		r = ocirt_mount_bind(null, NULL, fd, root, path, false, &ro, NULL, NULL);
	}
	if (r < 0) {
		if (detail)
			return ocirt_error_set(err, -r, "masked path \"%s\": %s", path, detail);
		return ocirt_error_set(err, -r, "masked path \"%s\"", path);
	}
	return 0;
}

int ocirt_rootfs_protect_paths(const struct ocirt_rootfs_opts *o, struct ocirt_error **err)
{
	const struct oci_linux *l = o->config->linux_;
	const char *prop_name = rootfs_propagation(o->config);
	_cleanup_close_ int root = -1;
	char *const *p;
	int r;

	if (!l)
		return 0;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return ocirt_error_set(err, errno, "open /");
	for (p = l->readonly_paths; p && *p; p++) {
		r = readonly_path(root, *p, err);
		if (r < 0)
			return r;
	}
	for (p = l->masked_paths; p && *p; p++) {
		r = masked_path(root, *p, err);
		if (r < 0)
			return r;
	}
	/* Now that the rootfs is "/", rootfsPropagation applies to it (before pivot it would
	 * have changed the parent's mount, in the host's peer group when shared). Last, so
	 * "runbindable" does not stop the binds of the paths above, and the r* forms cover
	 * their mounts too. */
	if (prop_name) {
		r = ocirt_mount_set_propagation(root, ocirt_mount_propagation_flags(prop_name));
		if (r < 0)
			return ocirt_error_set(err, -r, "set the propagation of / to \"%s\"", prop_name);
	}
	return 0;
}
