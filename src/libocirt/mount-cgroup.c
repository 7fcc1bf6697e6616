/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "cgroup" mount type (mount.c's dispatch): on v1/hybrid hosts a tmpfs with one mount per
 * hierarchy of the host's cgroup tree, on pure v2 hosts cgroup2; a fresh mount with a cgroup
 * namespace, else a bind of the runtime's own cgroup. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/path-util.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/mount-job.h"
#include "libocirt/mount.h"

struct cgroup_line {
	char *controllers; /* "cpu,cpuacct", "name=systemd", "" for v2 */
	char *path;
};

static void cgroup_lines_free(struct cgroup_line *v, size_t n)
{
	size_t i;
	for (i = 0; v && i < n; i++) {
		free(v[i].controllers);
		free(v[i].path);
	}
	free(v);
}

static int read_self_cgroup(struct cgroup_line **ret, size_t *ret_n)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	_cleanup_free_ char *line = NULL;
	struct cgroup_line *v = NULL;
	size_t n = 0, len = 0;

	if (!f)
		return -errno;
	while (getline(&line, &len, f) > 0) {
		char *a, *b;
		line[strcspn(line, "\n")] = '\0';
		a = strchr(line, ':');
		if (!a)
			continue;
		b = strchr(a + 1, ':');
		if (!b)
			continue;
		*b = '\0';
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n].controllers = xstrdup(a + 1);
		v[n].path = xstrdup(b + 1);
		n++;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Our cgroup path for a hierarchy, relative to the hierarchy's mount root. */
static char *own_cgroup_rel(const struct ocirt_mountinfo *mi, const struct cgroup_line *lines, size_t n)
{
	size_t i, rl;

	for (i = 0; i < n; i++) {
		bool match;
		if (streq(mi->fstype, "cgroup2")) {
			match = !*lines[i].controllers;
		} else {
			_cleanup_free_ char *copy = xstrdup(lines[i].controllers);
			char *save = NULL, *c;
			match = *copy != '\0';
			for (c = strtok_r(copy, ",", &save); c && match; c = strtok_r(NULL, ",", &save))
				match = ocirt_mount_data_has_key(mi->super_options, c);
		}
		if (!match)
			continue;
		rl = strlen(mi->root);
		if (streq(mi->root, "/"))
			return xstrdup(lines[i].path);
		if (strncmp(lines[i].path, mi->root, rl) == 0 && (lines[i].path[rl] == '/' || !lines[i].path[rl]))
			return xstrdup(lines[i].path[rl] ? lines[i].path + rl : "/");
		return xstrdup("/");
	}
	return NULL;
}

/* A cgroup or cgroup2 mount of the host's cgroup tree (at /sys/fs/cgroup or right under it:
 * a stray v1 mount elsewhere, lxcfs's or a debugging one, must not turn a v2 host into a v1
 * layout) that its mount point shows. A covered mount keeps its mountinfo line: a v1-only view
 * of a hybrid host is a tmpfs over /sys/fs/cgroup with the v1 hierarchies bound again, below it
 * the old tmpfs still holds "unified" (and the first binds). statx's mount ID (Linux 5.8);
 * before that, or when statx is refused (an old seccomp profile around us), the mount point
 * must at least not be missing. */
static bool host_cgroup_mount(const struct ocirt_mountinfo *mi)
{
	const char *mp = mi->mountpoint;
	struct statx stx;

	if (!streq(mi->fstype, "cgroup") && !streq(mi->fstype, "cgroup2"))
		return false;
	if (!streq(mp, "/sys/fs/cgroup") &&
	    (strncmp(mp, "/sys/fs/cgroup/", 15) != 0 || !mp[15] || strchr(mp + 15, '/')))
		return false;
	if (statx(AT_FDCWD, mp, AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
		return errno != ENOENT && errno != ENOTDIR;
	return !(stx.stx_mask & STATX_MNT_ID) || stx.stx_mnt_id == (uint64_t)mi->id;
}

/* Mount one hierarchy at name inside dir_fd (the cgroup tmpfs). */
static int cgroup_hierarchy(struct job *j, int dir_fd, const struct ocirt_mountinfo *mi, const char *name,
			    const struct cgroup_line *lines, size_t nlines, struct ocirt_error **err)
{
	_cleanup_close_ int sub = -1;
	_cleanup_free_ char *detail = NULL, *data = NULL;
	bool v2 = streq(mi->fstype, "cgroup2");
	int r;

	sub = ocirt_path_mkdir_in_root(dir_fd, name, 0755);
	if (sub < 0)
		return ocirt_mount_job_err(j, err, sub, "create cgroup mount point");
	if (j->ctx->cgroupns) {
		if (!v2) {
			_cleanup_strv_ char **keep = NULL;
			_cleanup_free_ char *copy = xstrdup(mi->super_options);
			char *save = NULL, *o;
			for (o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
				if (!streq(o, "rw") && !streq(o, "ro") && strncmp(o, "release_agent=", 14) != 0)
					strv_append(&keep, o);
			data = keep ? strv_join(keep, ",") : NULL;
		}
		r = ocirt_mount_fs(v2 ? "cgroup2" : "cgroup", v2 ? "cgroup2" : "cgroup", sub, dir_fd, name, &j->opts.flags, data,
			  NULL, &detail);
	} else {
		_cleanup_free_ char *rel = own_cgroup_rel(mi, lines, nlines);
		_cleanup_free_ char *src = xasprintf("%s%s", mi->mountpoint, rel && !streq(rel, "/") ? rel : "");
		r = ocirt_mount_bind(-1, src, sub, dir_fd, name, true, &j->opts.flags, NULL, NULL);
	}
	if (r < 0) {
		_cleanup_free_ char *what = xasprintf("cgroup %s%s%s", name, detail ? ": " : "", detail ? detail : "");
		return ocirt_mount_job_err(j, err, r, what);
	}
	return 0;
}

int ocirt_mount_cgroup(struct job *j, struct ocirt_error **err)
{
	const struct ocirt_mount_ctx *ctx = j->ctx;
	struct ocirt_mountinfo *mis = NULL;
	struct cgroup_line *lines = NULL;
	size_t nmi = 0, nlines = 0, i;
	struct ocirt_mount_flags tmpfs_flags = { .set = MS_NOSUID | MS_NODEV | MS_NOEXEC };
	_cleanup_close_ int dest_fd = -1, tmpfs_fd = -1;
	bool have_v1 = false;
	const struct ocirt_mountinfo *v2 = NULL;
	int r;

	r = ocirt_mountinfo_read(NULL, &mis, &nmi);
	if (r < 0)
		return ocirt_mount_job_err(j, err, r, "read /proc/self/mountinfo");
	r = read_self_cgroup(&lines, &nlines);
	if (r < 0) {
		ocirt_mount_job_err(j, err, r, "read /proc/self/cgroup");
		goto out;
	}
	for (i = 0; i < nmi; i++) {
		if (!host_cgroup_mount(&mis[i]))
			continue;
		if (streq(mis[i].fstype, "cgroup"))
			have_v1 = true;
		else if (!v2)
			v2 = &mis[i];
	}
	dest_fd = ocirt_path_mkdir_in_root(ctx->rootfs_fd, j->dest, 0755);
	if (dest_fd < 0) {
		r = ocirt_mount_job_err(j, err, dest_fd, "create mount point");
		goto out;
	}
	r = ocirt_mount_job_check_proc(j, dest_fd, false, err);
	if (r < 0)
		goto out;
	if (!have_v1) {
		/* a pure cgroup v2 host: "cgroup" means the unified hierarchy */
		_cleanup_close_ int mnt = -1;
		_cleanup_free_ char *detail = NULL;
		if (!v2) {
			r = ocirt_error_setx(err, ENOENT, "mount \"%s\" to \"%s\": the host has no cgroup mounted", j->src,
					     j->m->destination);
			goto out;
		}
		if (ctx->cgroupns) {
			r = ocirt_mount_fs("cgroup2", "cgroup2", dest_fd, ctx->rootfs_fd, j->dest, &j->opts.flags, NULL, &mnt,
				  &detail);
		} else {
			_cleanup_free_ char *rel = own_cgroup_rel(v2, lines, nlines);
			_cleanup_free_ char *src = xasprintf("%s%s", v2->mountpoint, rel && !streq(rel, "/") ? rel : "");
			r = ocirt_mount_bind(-1, src, dest_fd, ctx->rootfs_fd, j->dest, true, &j->opts.flags, NULL, &mnt);
		}
		if (r < 0) {
			r = ocirt_mount_job_err(j, err, r, detail);
			goto out;
		}
		r = ocirt_mount_job_apply_after(j, mnt, false, err);
		goto out;
	}

	r = ocirt_mount_fs("tmpfs", "tmpfs", dest_fd, ctx->rootfs_fd, j->dest, &tmpfs_flags, "mode=755", &tmpfs_fd, NULL);
	if (r < 0) {
		r = ocirt_mount_job_err(j, err, r, "cgroup tmpfs");
		goto out;
	}
	for (i = 0; i < nmi; i++) {
		/* the hierarchies mounted right under the host's cgroup root directory */
		if (!host_cgroup_mount(&mis[i]) || streq(mis[i].mountpoint, "/sys/fs/cgroup"))
			continue;
		const char *base = mis[i].mountpoint + 15;
		r = cgroup_hierarchy(j, tmpfs_fd, &mis[i], base, lines, nlines, err);
		if (r < 0)
			goto out;
		if (strchr(base, ',')) {
			_cleanup_free_ char *copy = xstrdup(base);
			char *save = NULL, *c;
			for (c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
				if (symlinkat(base, tmpfs_fd, c) < 0 && errno != EEXIST) {
					r = ocirt_mount_job_err(j, err, -errno, "cgroup symlink");
					goto out;
				}
		}
	}
	if (j->opts.flags.set & MS_RDONLY) {
		struct ocirt_mount_flags ro = { .set = MS_RDONLY };
		r = ocirt_mount_setflags(tmpfs_fd, &ro, false);
		if (r < 0) {
			r = ocirt_mount_job_err(j, err, r, "make the cgroup tmpfs read-only");
			goto out;
		}
	}
	r = ocirt_mount_job_apply_after(j, tmpfs_fd, false, err);
out:
	ocirt_mountinfo_free(mis, nmi);
	cgroup_lines_free(lines, nlines);
	return r;
}
