/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroupfs placement on legacy and hybrid hosts: the container gets a directory in every
 * mounted v1 hierarchy (co-mounted controllers share one, named hierarchies such as
 * name=systemd included, as runc does) and, on hybrid hosts, one on the cgroup2 mount. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/cgroup.h"
#include "libocirt/cgroup-res.h"

struct hierarchy {
	char *mountpoint;
	char *root;        /* the mount's root inside the hierarchy ("/" normally) */
	char *controllers; /* as /proc/self/cgroup names it: "cpu,cpuacct", "name=systemd", "" */
	char *own;         /* the runtime's own cgroup in this hierarchy ("/" when not listed) */
};

static void hierarchies_free(struct hierarchy *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].mountpoint);
		free(h[i].root);
		free(h[i].controllers);
		free(h[i].own);
	}
	free(h);
}

/* Does every entry of the /proc/self/cgroup controller list appear in the super options? */
static bool options_match(const char *superopts, const char *controllers)
{
	_cleanup_free_ char *c = xstrdup(controllers);
	char *save = NULL;
	int n = 0;
	for (char *t = strtok_r(c, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(t);
		bool found = false;
		for (const char *p = superopts; p && *p;) {
			if (strncmp(p, t, len) == 0 && (p[len] == ',' || p[len] == '\0')) {
				found = true;
				break;
			}
			p = strchr(p, ',');
			if (p)
				p++;
		}
		if (!found)
			return false;
		n++;
	}
	return n > 0;
}

/* Unescape the octal escapes of mountinfo paths (\040 for a space). */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' &&
		    r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else
			*w++ = *r++;
	}
	*w = '\0';
}

/* One read of /proc/self/cgroup and of mountinfo per create: every hierarchy's mount and the
 * runtime's own cgroup in it (relative cgroupsPaths are under it). */
static int list_hierarchies(bool with_unified, struct hierarchy **ret, size_t *ret_n, struct ocirt_error **err)
{
	_cleanup_free_ char *self = NULL, *mi = NULL;
	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &self, NULL) < 0 ||
	    read_file_at(AT_FDCWD, "/proc/self/mountinfo", 16 << 20, &mi, NULL) < 0)
		return ocirt_error_set(err, errno, "read /proc/self/cgroup and mountinfo");
	/* "N:controllers:path" lines of /proc/self/cgroup: lists[i] is at owns[i]; the cgroup2
	 * line has no controllers */
	_cleanup_strv_ char **lists = NULL, **owns = NULL;
	const char *unified_own = NULL;
	char *save = NULL;
	for (char *line = strtok_r(self, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		if (c1[1] != '\0') {
			strv_append(&lists, c1 + 1);
			strv_append(&owns, c2 + 1);
		} else if (!unified_own)
			unified_own = c2 + 1;
	}
	struct hierarchy *h = NULL;
	size_t n = 0;
	save = NULL;
	for (char *line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
		char *fields[6] = { 0 };
		char *p = line;
		for (int i = 0; i < 5 && p; i++) {
			fields[i] = p;
			p = strchr(p, ' ');
			if (p)
				*p++ = '\0';
		}
		char *dash = p ? strstr(p, " - ") : NULL;
		if (!fields[4] || !dash)
			continue;
		char *fstype = dash + 3;
		char *src = strchr(fstype, ' ');
		if (!src)
			continue;
		*src++ = '\0';
		char *superopts = strchr(src, ' ');
		if (!superopts)
			continue;
		superopts++;
		const char *controllers = NULL, *own = NULL;
		if (streq(fstype, "cgroup")) {
			for (size_t i = 0; lists && lists[i]; i++)
				if (options_match(superopts, lists[i])) {
					controllers = lists[i];
					own = owns[i];
					break;
				}
		} else if (streq(fstype, "cgroup2") && with_unified) {
			controllers = "";
			own = unified_own;
		}
		if (!controllers)
			continue;
		/* the same hierarchy mounted twice: keep the first */
		bool dup = false;
		for (size_t i = 0; i < n; i++)
			if (streq(h[i].controllers, controllers))
				dup = true;
		if (dup)
			continue;
		unescape(fields[3]);
		unescape(fields[4]);
		h = xreallocarray(h, n + 1, sizeof(*h));
		h[n].root = xstrdup(fields[3]);
		h[n].mountpoint = xstrdup(fields[4]);
		h[n].controllers = xstrdup(controllers);
		h[n].own = xstrdup(own ? own : "/");
		n++;
	}
	*ret = h;
	*ret_n = n;
	return 0;
}

/* Path of the container inside one hierarchy, as a directory on the host. */
static char *hierarchy_dir(const struct hierarchy *h, const char *path)
{
	const char *inner = path;
	_cleanup_free_ char *rel = NULL;
	if (path[0] != '/') {
		/* relative: under the runtime's own cgroup in this hierarchy (runc) */
		rel = xasprintf("%s/%s", streq(h->own, "/") ? "" : h->own, path);
		inner = rel;
	}
	/* strip the mount's root (a mount of a sub-tree, e.g. inside a cgroup namespace) */
	size_t rl = strlen(h->root);
	if (!streq(h->root, "/") && strncmp(inner, h->root, rl) == 0 && (inner[rl] == '/' || inner[rl] == '\0'))
		inner += rl;
	return xasprintf("%s%s", h->mountpoint, inner);
}

/* A new v1 cpuset cgroup has empty cpus/mems, and attaching fails until they are set:
 * copy them down from the nearest ancestor that has them. */
static int cpuset_fill(const char *mountpoint, const char *dir, struct ocirt_error **err)
{
	static const char *files[] = { "cpuset.cpus", "cpuset.mems" };
	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		/* collect the chain from dir up to the mountpoint */
		_cleanup_strv_ char **chain = NULL;
		_cleanup_free_ char *cur = xstrdup(dir);
		_cleanup_free_ char *value = NULL;
		for (;;) {
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%s/%s", cur, files[f]);
			_cleanup_free_ char *v = NULL;
			if (read_file_at(AT_FDCWD, path, 65536, &v, NULL) < 0)
				return ocirt_error_set(err, errno, "read `%s`", path);
			if (v[0] != '\n' && v[0] != '\0') {
				value = TAKE_PTR(v);
				break;
			}
			strv_append(&chain, cur);
			if (streq(cur, mountpoint))
				break;
			char *slash = strrchr(cur, '/');
			if (!slash || slash == cur)
				break;
			*slash = '\0';
		}
		if (!value)
			return ocirt_error_setx(err, EINVAL, "no %s found above `%s`", files[f], dir);
		for (size_t i = strv_length(chain); i > 0; i--) {
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%s/%s", chain[i - 1], files[f]);
			int r = write_file_string_at(AT_FDCWD, path, value);
			if (r < 0)
				return ocirt_error_set(err, -r, "write `%s`", path);
		}
	}
	return 0;
}

static int v1_create(struct ocirt_cgroup *cg, const char *cgroups_path, const char *id, struct ocirt_error **err)
{
	struct hierarchy *h = NULL;
	size_t n = 0;
	int r = list_hierarchies(cg->layout == OCIRT_CGROUP_HYBRID, &h, &n, err);
	if (r < 0)
		return r;
	const char *path = cgroups_path && *cgroups_path ? cgroups_path : id;
	free(cg->path);
	cg->path = xstrdup(path);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = hierarchy_dir(&h[i], path);
		_cleanup_free_ char *top = NULL;
		r = ocirt_cgroup_mkdir(cg, dir, &top, err);
		if (r < 0)
			goto out;
		if (r > 0) /* rootless without permission: skip this hierarchy */
			continue;
		/* record before filling so a failure below still removes it */
		ocirt_cgroup_add_dir(cg, h[i].controllers, dir, top);
		if (options_match(h[i].controllers, "cpuset")) {
			r = cpuset_fill(h[i].mountpoint, dir, err);
			if (r < 0)
				goto out;
		}
	}
	r = 0;
out:
	hierarchies_free(h, n);
	return r;
}

static int v1_clone_into_fd(struct ocirt_cgroup *cg)
{
	return -EOPNOTSUPP;
}

static int v1_destroy(struct ocirt_cgroup *cg, struct ocirt_error **err)
{
	int ret = ocirt_cgroup_remove_dirs(cg, err);
	/* hybrid: what create turned on in the unified root for this container (hugetlb) goes
	 * off again unless another cgroup uses it */
	if (cg->root_enabled && cg->layout == OCIRT_CGROUP_HYBRID)
		ocirt_cgroup_v2_root_release("/sys/fs/cgroup/unified", cg->root_enabled);
	return ret;
}

const struct ocirt_cgroup_driver ocirt_cgroup_v1_driver = {
	.name = "cgroupfs",
	.create = v1_create,
	.clone_into_fd = v1_clone_into_fd,
	.enter = ocirt_cgroup_enter_dirs,
	.apply = NULL,
	.destroy = v1_destroy,
};
