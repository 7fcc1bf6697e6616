/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Devices: default nodes, linux.devices, /dev/ptmx, the /dev/fd and std* links and the
 * /dev/console mount point. Every node is created with *at calls relative to its parent
 * directory, resolved inside the rootfs, so a symlinked /dev cannot send it elsewhere. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "common/path-util.h"
#include "common/xalloc.h"
#include "libocirt/dev.h"
#include "libocirt/mount.h"
#include "libocirt/rootfs.h"

const struct ocirt_default_device ocirt_default_devices[] = {
	{ "/dev/null", 1, 3 },    { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 },  { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};
const size_t ocirt_default_devices_len = ARRAY_SIZE(ocirt_default_devices);

static int device_type(const char *t, mode_t *ret)
{
	if (!t || strlen(t) != 1)
		return -EINVAL;
	switch (t[0]) {
	case 'c':
	case 'u':
		*ret = S_IFCHR;
		return 0;
	case 'b':
		*ret = S_IFBLK;
		return 0;
	case 'p':
		*ret = S_IFIFO;
		return 0;
	}
	return -EINVAL;
}

static bool node_matches(const struct stat *st, mode_t type, dev_t rdev)
{
	if ((st->st_mode & S_IFMT) != type)
		return false;
	return type == S_IFIFO || st->st_rdev == rdev;
}

/* Bind the host's node at host_path onto parent/name (created empty when missing). */
static int bind_host_node(int rootfs_fd, int parent, const char *name, const char *path, const char *host_path,
			  struct ocirt_error **err)
{
	_cleanup_close_ int target = -1;
	struct stat st;
	int fd, r;

	fd = openat(parent, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	else if (errno != EEXIST)
		return ocirt_error_set(err, errno, "device \"%s\": create the mount point", path);
	target = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return ocirt_error_set(err, errno, "device \"%s\": open the mount point", path);
	if (fstat(target, &st) < 0)
		return ocirt_error_set(err, errno, "device \"%s\"", path);
	if (S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode))
		return ocirt_error_setx(err, EEXIST, "device \"%s\": a %s is in the way", path,
					S_ISDIR(st.st_mode) ? "directory" : "symlink");
	r = ocirt_mount_bind(-1, host_path, target, rootfs_fd, path, false, NULL, NULL, NULL);
	if (r < 0)
		return ocirt_error_set(err, -r, "device \"%s\": bind-mount the host's \"%s\"", path, host_path);
	return 0;
}

static int create_node(int rootfs_fd, const char *path, mode_t type, dev_t rdev, mode_t perm, uid_t uid, gid_t gid,
		       bool bind, bool replace_placeholder, struct ocirt_error **err)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int parent = -1;
	struct stat st;
	mode_t old_umask;
	int r;

	parent = ocirt_path_parent_in_root(rootfs_fd, path, true, 0755, &name);
	if (parent < 0)
		return ocirt_error_set(err, -parent, "device \"%s\": create the parent directory", path);
	if (bind && type != S_IFIFO)
		return bind_host_node(rootfs_fd, parent, name, path, path, err);

	old_umask = umask(0);
	r = mknodat(parent, name, type | (perm & 07777), rdev);
	umask(old_umask);
	if (r < 0) {
		int e = errno;
		if (e == EPERM && type != S_IFIFO) /* no CAP_MKNOD in this user namespace */
			return bind_host_node(rootfs_fd, parent, name, path, path, err);
		if (e != EEXIST)
			return ocirt_error_set(err, e, "device \"%s\": mknod", path);
		if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return ocirt_error_set(err, errno, "device \"%s\"", path);
		if (node_matches(&st, type, rdev))
			return 0;
		/* images sometimes ship empty files as /dev placeholders: cover them */
		if (replace_placeholder && S_ISREG(st.st_mode) && type != S_IFIFO)
			return bind_host_node(rootfs_fd, parent, name, path, path, err);
		return ocirt_error_setx(err, EEXIST,
					"device \"%s\": a file that is not this device (%s %u:%u) already exists there",
					path, type == S_IFBLK ? "b" : type == S_IFIFO ? "p" : "c", major(rdev), minor(rdev));
	}
	if (fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return ocirt_error_set(err, errno, "device \"%s\": chown %u:%u", path, (unsigned)uid, (unsigned)gid);
	return 0;
}

int ocirt_dev_create(int rootfs_fd, const struct oci_device *d, bool bind, struct ocirt_error **err)
{
	mode_t type;
	dev_t rdev = 0;

	if (!d->path || d->path[0] != '/')
		return ocirt_error_setx(err, EINVAL, "device \"%s\": the path must be absolute", d->path ? d->path : "");
	if (device_type(d->type, &type) < 0)
		return ocirt_error_setx(err, EINVAL, "device \"%s\": unknown type \"%s\"", d->path, d->type ? d->type : "");
	if (type != S_IFIFO) {
		if (!d->has_major || !d->has_minor)
			return ocirt_error_setx(err, EINVAL, "device \"%s\": major and minor are required", d->path);
		rdev = makedev((unsigned)d->major, (unsigned)d->minor);
	}
	return create_node(rootfs_fd, d->path, type, rdev, d->has_file_mode ? d->file_mode : 0666,
			   d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, bind, false, err);
}

static bool listed(const struct oci_config *c, const char *path)
{
	size_t i;

	if (!c->linux_)
		return false;
	for (i = 0; i < c->linux_->devices_len; i++)
		if (c->linux_->devices[i].path && streq(c->linux_->devices[i].path, path))
			return true;
	return false;
}

static int dev_links(int rootfs_fd, struct ocirt_error **err)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
		{ "/proc/kcore", "core" },
	};
	_cleanup_close_ int dev = ocirt_path_mkdir_in_root(rootfs_fd, "/dev", 0755);
	size_t i;

	if (dev < 0)
		return ocirt_error_set(err, -dev, "create /dev");
	/* /dev/ptmx is the devpts instance's ptmx: a new devpts (newinstance) mounted on
	 * /dev/pts only works through it. */
	if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
		return ocirt_error_set(err, errno, "remove /dev/ptmx");
	if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
		return ocirt_error_set(err, errno, "symlink /dev/ptmx");
	for (i = 0; i < ARRAY_SIZE(links); i++) {
		/* kcore exists only with CONFIG_PROC_KCORE */
		if (streq(links[i][1], "core") && access("/proc/kcore", F_OK) < 0)
			continue;
		if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
			return ocirt_error_set(err, errno, "symlink /dev/%s", links[i][1]);
	}
	return 0;
}

int ocirt_rootfs_devices(const struct ocirt_rootfs_opts *o, int rootfs_fd, struct ocirt_error **err)
{
	const struct oci_config *c = o->config;
	size_t i;
	int r;

	/* With the host's /dev bound in there is nothing to create (runc does the same). */
	if (ocirt_mount_dev_is_bind(c))
		return 0;
	for (i = 0; i < ocirt_default_devices_len; i++) {
		const struct ocirt_default_device *d = &ocirt_default_devices[i];
		if (listed(c, d->path))
			continue; /* linux.devices wins */
		r = create_node(rootfs_fd, d->path, S_IFCHR, makedev(d->major, d->minor), 0666, 0, 0, o->userns, true,
				err);
		if (r < 0)
			return r;
	}
	for (i = 0; c->linux_ && i < c->linux_->devices_len; i++) {
		r = ocirt_dev_create(rootfs_fd, &c->linux_->devices[i], o->userns, err);
		if (r < 0)
			return r;
	}
	r = dev_links(rootfs_fd, err);
	if (r < 0)
		return r;
	if (o->terminal) {
		/* the mount point of the pty slave, bound after pivot_root */
		int fd = ocirt_path_create_file_in_root(rootfs_fd, "/dev/console", 0666);
		if (fd < 0)
			return ocirt_error_set(err, -fd, "create /dev/console");
		close(fd);
	}
	return 0;
}
