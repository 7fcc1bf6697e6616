/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Driver selection, layout detection, status (de)serialisation and helpers shared by the
 * cgroup drivers. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "common/fd-util.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/cgroup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

enum ocirt_cgroup_layout ocirt_cgroup_detect_layout(void)
{
	struct statfs fs;
	if (statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
		return OCIRT_CGROUP_UNIFIED;
	if (statfs("/sys/fs/cgroup/unified", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
		return OCIRT_CGROUP_HYBRID;
	return OCIRT_CGROUP_LEGACY;
}

int ocirt_cgroup_new(bool systemd_cgroup, bool rootless, struct ocirt_cgroup **ret, struct ocirt_error **err)
{
	if (systemd_cgroup && !&ocirt_cgroup_systemd_driver)
		return ocirt_error_setx(err, ENOTSUP, "systemd cgroup driver: not linked into this program");
	struct ocirt_cgroup *cg = xnew0(struct ocirt_cgroup, 1);
	cg->layout = ocirt_cgroup_detect_layout();
	if (systemd_cgroup)
		cg->driver = &ocirt_cgroup_systemd_driver;
	else
		cg->driver = cg->layout == OCIRT_CGROUP_UNIFIED ? &ocirt_cgroup_v2_driver : &ocirt_cgroup_v1_driver;
	cg->rootless = rootless;
	*ret = cg;
	return 0;
}

void ocirt_cgroup_free(struct ocirt_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->ndirs; i++) {
		free(cg->dirs[i].controllers);
		free(cg->dirs[i].path);
		free(cg->dirs[i].top);
	}
	free(cg->dirs);
	free(cg->path);
	free(cg->unit);
	free(cg);
}

void ocirt_cgroup_add_dir(struct ocirt_cgroup *cg, const char *controllers, const char *path, const char *top)
{
	cg->dirs = xreallocarray(cg->dirs, cg->ndirs + 1, sizeof(*cg->dirs));
	cg->dirs[cg->ndirs].controllers = xstrdup(controllers);
	cg->dirs[cg->ndirs].path = xstrdup(path);
	cg->dirs[cg->ndirs].owned = top != NULL;
	cg->dirs[cg->ndirs].top = top ? xstrdup(top) : NULL;
	cg->ndirs++;
}

int ocirt_cgroup_remove_dir(const struct ocirt_cgroup_dir *d, struct ocirt_error **err)
{
	if (!d->owned)
		return 0;
	int r = ocirt_cgroup_rmdir(d->path, err);
	if (r < 0 || !d->top)
		return r;
	size_t tl = strlen(d->top);
	if (strncmp(d->path, d->top, tl) != 0)
		return 0;
	_cleanup_free_ char *p = xstrdup(d->path);
	for (;;) {
		char *slash = strrchr(p, '/');
		if (!slash || (size_t)(slash - p) < tl)
			break;
		*slash = '\0';
		/* a parent another container still uses stays */
		if (rmdir(p) < 0)
			break;
	}
	return 0;
}

int ocirt_cgroup_remove_dirs(struct ocirt_cgroup *cg, struct ocirt_error **err)
{
	int ret = 0;
	for (size_t i = 0; i < cg->ndirs; i++) {
		int r = ocirt_cgroup_remove_dir(&cg->dirs[i], ret < 0 ? NULL : err);
		if (r < 0 && ret == 0)
			ret = r;
	}
	return ret;
}

int ocirt_cgroup_enter_dirs(struct ocirt_cgroup *cg, pid_t pid, struct ocirt_error **err)
{
	for (size_t i = 0; i < cg->ndirs; i++) {
		_cleanup_error_ struct ocirt_error *e = NULL;
		int r = ocirt_cgroup_write_procs(cg->dirs[i].path, pid, &e);
		if (r < 0 && !(cg->rootless && (-r == EACCES || -r == EPERM))) {
			if (err) {
				ocirt_error_free(*err);
				*err = TAKE_PTR(e);
			}
			return r;
		}
	}
	return 0;
}

static const struct ocirt_cgroup_driver *driver_by_name(const char *name, enum ocirt_cgroup_layout layout)
{
	if (streq(name, "none"))
		return &ocirt_cgroup_none_driver;
	if (streq(name, "cgroupfs"))
		return layout == OCIRT_CGROUP_UNIFIED ? &ocirt_cgroup_v2_driver : &ocirt_cgroup_v1_driver;
	if (streq(name, "systemd") && &ocirt_cgroup_systemd_driver)
		return &ocirt_cgroup_systemd_driver;
	return NULL;
}

#define GEN_STR(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))

int ocirt_cgroup_serialize(const struct ocirt_cgroup *cg, struct yajl_gen_t *g)
{
	yajl_gen_map_open(g);
	GEN_STR(g, "driver");
	GEN_STR(g, cg->driver->name);
	GEN_STR(g, "layout");
	yajl_gen_integer(g, cg->layout);
	GEN_STR(g, "rootless");
	yajl_gen_bool(g, cg->rootless);
	GEN_STR(g, "path");
	GEN_STR(g, cg->path ? cg->path : "");
	if (cg->unit) {
		GEN_STR(g, "unit");
		GEN_STR(g, cg->unit);
	}
	if (cg->root_enabled) {
		GEN_STR(g, "rootEnabled");
		yajl_gen_integer(g, cg->root_enabled);
	}
	GEN_STR(g, "dirs");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < cg->ndirs; i++) {
		yajl_gen_map_open(g);
		GEN_STR(g, "controllers");
		GEN_STR(g, cg->dirs[i].controllers);
		GEN_STR(g, "path");
		GEN_STR(g, cg->dirs[i].path);
		if (cg->dirs[i].owned) {
			GEN_STR(g, "top");
			GEN_STR(g, cg->dirs[i].top ? cg->dirs[i].top : cg->dirs[i].path);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return 0;
}

int ocirt_cgroup_deserialize(const struct yajl_val_s *cv, struct ocirt_cgroup **ret, struct ocirt_error **err)
{
	yajl_val v = (yajl_val)cv;
	static const char *k_driver[] = { "driver", NULL }, *k_layout[] = { "layout", NULL },
			  *k_path[] = { "path", NULL }, *k_dirs[] = { "dirs", NULL }, *k_ctl[] = { "controllers", NULL },
			  *k_top[] = { "top", NULL }, *k_rootless[] = { "rootless", NULL }, *k_unit[] = { "unit", NULL },
			  *k_re[] = { "rootEnabled", NULL };
	yajl_val d = yajl_tree_get(v, k_driver, yajl_t_string);
	yajl_val l = yajl_tree_get(v, k_layout, yajl_t_number);
	if (!d || !l || !YAJL_IS_INTEGER(l))
		return ocirt_error_setx(err, EINVAL, "status: bad cgroup entry");
	struct ocirt_cgroup *cg = xnew0(struct ocirt_cgroup, 1);
	cg->layout = (enum ocirt_cgroup_layout)YAJL_GET_INTEGER(l);
	cg->driver = driver_by_name(YAJL_GET_STRING(d), cg->layout);
	if (!cg->driver) {
		ocirt_cgroup_free(cg);
		return ocirt_error_setx(err, EINVAL, "status: unknown cgroup driver \"%s\"", YAJL_GET_STRING(d));
	}
	yajl_val rl = yajl_tree_get(v, k_rootless, yajl_t_any);
	cg->rootless = rl && YAJL_IS_TRUE(rl);
	yajl_val p = yajl_tree_get(v, k_path, yajl_t_string);
	if (p)
		cg->path = xstrdup(YAJL_GET_STRING(p));
	yajl_val u = yajl_tree_get(v, k_unit, yajl_t_string);
	if (u)
		cg->unit = xstrdup(YAJL_GET_STRING(u));
	yajl_val re = yajl_tree_get(v, k_re, yajl_t_number);
	if (re && YAJL_IS_INTEGER(re) && YAJL_GET_INTEGER(re) > 0)
		cg->root_enabled = (unsigned)YAJL_GET_INTEGER(re);
	yajl_val dirs = yajl_tree_get(v, k_dirs, yajl_t_array);
	for (size_t i = 0; dirs && i < YAJL_GET_ARRAY(dirs)->len; i++) {
		yajl_val e = YAJL_GET_ARRAY(dirs)->values[i];
		yajl_val c = yajl_tree_get(e, k_ctl, yajl_t_string);
		yajl_val dp = yajl_tree_get(e, k_path, yajl_t_string);
		yajl_val t = yajl_tree_get(e, k_top, yajl_t_string);
		if (!c || !dp)
			continue;
		ocirt_cgroup_add_dir(cg, YAJL_GET_STRING(c), YAJL_GET_STRING(dp), t ? YAJL_GET_STRING(t) : NULL);
	}
	*ret = cg;
	return 0;
}

char *ocirt_cgroup_self(const char *controllers)
{
	_cleanup_free_ char *buf = NULL;
	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &buf, NULL) < 0)
		return NULL;
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		if (!c1)
			continue;
		char *c2 = strchr(c1 + 1, ':');
		if (!c2)
			continue;
		*c2 = '\0';
		if (streq(c1 + 1, controllers))
			return xstrdup(c2 + 1);
	}
	return NULL;
}

static bool is_perm_error(int e)
{
	return e == EACCES || e == EPERM || e == EROFS;
}

int ocirt_cgroup_mkdir(struct ocirt_cgroup *cg, const char *dir, char **ret_top, struct ocirt_error **err)
{
	*ret_top = NULL;
	/* the common case costs one syscall: the parent exists (or the leaf does) */
	if (mkdir(dir, 0755) == 0) {
		*ret_top = xstrdup(dir);
		return 0;
	}
	int r = -errno;
	struct stat st;
	if (r == -EEXIST || (r != -ENOENT && stat(dir, &st) == 0))
		return 0;
	_cleanup_free_ char *top = NULL;
	if (r == -ENOENT) {
		/* parents missing: the highest missing ancestor is what we create first, then
		 * each component below it */
		top = xstrdup(dir);
		for (;;) {
			char *slash = strrchr(top, '/');
			if (!slash || slash == top)
				break;
			*slash = '\0';
			if (stat(top, &st) == 0) {
				*slash = '/';
				break;
			}
		}
		_cleanup_free_ char *p = xstrdup(dir);
		r = 0;
		for (char *s = p + strlen(top);; s++) {
			if (*s != '/' && *s != '\0')
				continue;
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST) {
				r = -errno;
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	if (r < 0) {
		if (cg->rootless && is_perm_error(-r))
			return 1;
		return ocirt_error_set(err, -r, "create cgroup `%s`", dir);
	}
	*ret_top = TAKE_PTR(top);
	return 0;
}

int ocirt_cgroup_write_procs(const char *dir, pid_t pid, struct ocirt_error **err)
{
	char path[PATH_MAX], val[32];
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(val, sizeof(val), "%d", (int)pid);
	int r = write_file_string_at(AT_FDCWD, path, val);
	if (r < 0)
		return ocirt_error_set(err, -r, "write %d to `%s`", (int)pid, path);
	return 0;
}

static int read_pids(const char *dir, pid_t **ret, size_t *ret_len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	_cleanup_free_ char *buf = NULL;
	int r = read_file_at(AT_FDCWD, path, 64 << 20, &buf, NULL);
	if (r < 0)
		return r;
	pid_t *pids = NULL;
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		pids = xreallocarray(pids, n + 1, sizeof(pid_t));
		pids[n++] = (pid_t)strtol(t, NULL, 10);
	}
	*ret = pids;
	*ret_len = n;
	return 0;
}

const char *ocirt_cgroup_dir_for(const struct ocirt_cgroup *cg, const char *controller)
{
	for (size_t i = 0; i < cg->ndirs; i++) {
		const char *c = cg->dirs[i].controllers;
		if (controller[0] == '\0' || cg->layout == OCIRT_CGROUP_UNIFIED) {
			if (c[0] == '\0')
				return cg->dirs[i].path;
			continue;
		}
		/* c is a comma-separated list */
		size_t len = strlen(controller);
		for (const char *p = c; p && *p;) {
			if (strncmp(p, controller, len) == 0 && (p[len] == ',' || p[len] == '\0'))
				return cg->dirs[i].path;
			p = strchr(p, ',');
			if (p)
				p++;
		}
	}
	return NULL;
}

int ocirt_cgroup_pids(const struct ocirt_cgroup *cg, pid_t **ret, size_t *ret_len, struct ocirt_error **err)
{
	/* cgroup2 first (one file), then any v1 hierarchy: every one holds the same tasks. */
	const char *order[] = { "", "pids", "freezer", "memory", "cpu", "devices", NULL };
	int last = -ENOENT;
	for (size_t i = 0; order[i]; i++) {
		const char *dir = ocirt_cgroup_dir_for(cg, order[i]);
		if (!dir)
			continue;
		int r = read_pids(dir, ret, ret_len);
		if (r == 0)
			return 0;
		last = r;
	}
	for (size_t i = 0; i < cg->ndirs; i++) {
		int r = read_pids(cg->dirs[i].path, ret, ret_len);
		if (r == 0)
			return 0;
		last = r;
	}
	if (last == -ENOENT) {
		*ret = NULL;
		*ret_len = 0;
		return 0;
	}
	return ocirt_error_set(err, -last, "read the container's cgroup.procs");
}

bool ocirt_cgroup_is_frozen(const struct ocirt_cgroup *cg)
{
	_cleanup_free_ char *buf = NULL;
	char path[PATH_MAX];
	const char *dir;
	if (cg->layout != OCIRT_CGROUP_UNIFIED && (dir = ocirt_cgroup_dir_for(cg, "freezer"))) {
		snprintf(path, sizeof(path), "%s/freezer.state", dir);
		if (read_file_at(AT_FDCWD, path, 4096, &buf, NULL) < 0)
			return false;
		return strncmp(buf, "FROZEN", 6) == 0;
	}
	dir = ocirt_cgroup_dir_for(cg, "");
	if (!dir)
		return false;
	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	if (read_file_at(AT_FDCWD, path, 4096, &buf, NULL) < 0)
		return false;
	return strstr(buf, "frozen 1") != NULL;
}

/* SIGKILL everything in dir and below: cgroup.kill (cgroup v2, Linux 5.14) when the
 * hierarchy has it, else every pid of every cgroup.procs of the subtree. */
static void kill_tree(const char *dir, int depth)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (depth == 0 && write_file_string_at(AT_FDCWD, path, "1") == 0)
		return;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	if (read_pids(dir, &pids, &n) == 0)
		for (size_t i = 0; i < n; i++)
			if (pids[i] > 0)
				kill(pids[i], SIGKILL);
	_cleanup_closedir_ DIR *d = depth < 32 ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		kill_tree(path, depth + 1);
	}
}

/* rmdir dir; when it has sub-cgroups (the container made them), those first, deepest
 * first. */
static int rmdir_tree(const char *dir, int depth)
{
	/* the common case, one syscall: no sub-cgroup and no process left */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY && errno != ENOTEMPTY)
		return -errno;
	_cleanup_closedir_ DIR *d = depth < 32 ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char path[PATH_MAX];
		if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		(void)rmdir_tree(path, depth + 1);
	}
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	return -errno;
}

int ocirt_cgroup_rmdir(const char *dir, struct ocirt_error **err)
{
	/* Processes leave a cgroup asynchronously after they die; retry for a while. The
	 * container may have made sub-cgroups (cgroup namespace + writable cgroupfs, or
	 * systemd inside): their processes are killed and they are removed first. */
	for (int attempt = 0;; attempt++) {
		int r = rmdir_tree(dir, 0);
		if (r == 0)
			return 0;
		if (r != -EBUSY || attempt >= 200)
			return ocirt_error_set(err, -r, "remove cgroup `%s`", dir);
		if (attempt % 10 == 0)
			kill_tree(dir, 0);
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}
