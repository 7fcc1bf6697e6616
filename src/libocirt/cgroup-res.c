/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The resources engine's common part: controller names, file helpers, and the dispatcher
 * that sends each controller to its v1 hierarchy or to the unified one. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include "common/log.h"
#include "common/xalloc.h"
#include "libocirt/cgroup-res.h"

static const char *const controller_names[OCIRT_CG__MAX] = {
	[OCIRT_CG_CPU] = "cpu",         [OCIRT_CG_CPUACCT] = "cpuacct", [OCIRT_CG_CPUSET] = "cpuset",
	[OCIRT_CG_MEMORY] = "memory",   [OCIRT_CG_DEVICES] = "devices", [OCIRT_CG_FREEZER] = "freezer",
	[OCIRT_CG_BLKIO] = "blkio",     [OCIRT_CG_PIDS] = "pids",       [OCIRT_CG_HUGETLB] = "hugetlb",
	[OCIRT_CG_NET_CLS] = "net_cls", [OCIRT_CG_NET_PRIO] = "net_prio", [OCIRT_CG_RDMA] = "rdma",
	[OCIRT_CG_MISC] = "misc",       [OCIRT_CG_PERF_EVENT] = "perf_event",
};

const char *ocirt_cg_controller_name(enum ocirt_cg_controller c)
{
	return (unsigned)c < OCIRT_CG__MAX ? controller_names[c] : "?";
}

int ocirt_cg_controller_from_name(const char *name)
{
	int i;
	if (streq(name, "io")) /* the v2 name of blkio */
		return OCIRT_CG_BLKIO;
	for (i = 0; i < OCIRT_CG__MAX; i++)
		if (streq(controller_names[i], name))
			return i;
	return -1;
}

/* The v2 spelling of a controller. */
static const char *v2_name(int c)
{
	return c == OCIRT_CG_BLKIO ? "io" : controller_names[c];
}

void ocirt_cgroup_dirs_free(struct ocirt_cgroup_dirs *d)
{
	int i;
	if (!d)
		return;
	for (i = 0; i < OCIRT_CG__MAX; i++) {
		free(d->v1[i]);
		d->v1[i] = NULL;
	}
	free(d->unified);
	d->unified = NULL;
}

int ocirt_cg_write(const char *dir, const char *file, const char *value, struct ocirt_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ocirt_error_set(err, errno, "write %s \"%s\"", path, value);
	n = TEMP_FAILURE_RETRY_INT(write(fd, value, len));
	if (n < 0)
		return ocirt_error_set(err, errno, "write %s \"%s\"", path, value);
	if ((size_t)n != len)
		return ocirt_error_setx(err, EIO, "write %s \"%s\": short write", path, value);
	log_debug("cgroup: %s <- \"%s\"", path, value);
	return 0;
}

int ocirt_cg_read(const char *dir, const char *file, char **ret, struct ocirt_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ocirt_error_set(err, errno, "open %s", path);
	for (;;) {
		ssize_t n;
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		n = TEMP_FAILURE_RETRY_INT(read(fd, buf + len, cap - len - 1));
		if (n < 0)
			return ocirt_error_set(err, errno, "read %s", path);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!buf)
		buf = xstrdup("");
	buf[len] = 0;
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = 0;
	*ret = TAKE_PTR(buf);
	return 0;
}

bool ocirt_cg_exists(const char *dir, const char *file)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

unsigned ocirt_cgroup_res_controllers(const struct oci_resources *r)
{
	unsigned m = 0;

	if (!r)
		return 0;
	if (r->memory) {
		const struct oci_memory *x = r->memory;
		if ((x->has_limit && x->limit) || (x->has_reservation && x->reservation) || (x->has_swap && x->swap) ||
		    x->has_swappiness || (x->has_disable_oom_killer && x->disable_oom_killer))
			m |= 1u << OCIRT_CG_MEMORY;
	}
	if (r->cpu) {
		const struct oci_cpu *c = r->cpu;
		if ((c->has_shares && c->shares) || (c->has_quota && c->quota) || (c->has_period && c->period) ||
		    c->has_burst || (c->has_realtime_runtime && c->realtime_runtime) ||
		    (c->has_realtime_period && c->realtime_period) || c->has_idle)
			m |= 1u << OCIRT_CG_CPU;
		if ((c->cpus && *c->cpus) || (c->mems && *c->mems))
			m |= 1u << OCIRT_CG_CPUSET;
	}
	if (r->pids && r->pids->has_limit && r->pids->limit)
		m |= 1u << OCIRT_CG_PIDS;
	if (r->block_io) {
		const struct oci_block_io *b = r->block_io;
		if ((b->has_weight && b->weight) || (b->has_leaf_weight && b->leaf_weight) || b->weight_device_len ||
		    b->throttle_read_bps_device_len || b->throttle_write_bps_device_len ||
		    b->throttle_read_iops_device_len || b->throttle_write_iops_device_len)
			m |= 1u << OCIRT_CG_BLKIO;
	}
	if (r->hugepage_limits_len)
		m |= 1u << OCIRT_CG_HUGETLB;
	if (r->network) {
		if (r->network->has_class_id && r->network->class_id)
			m |= 1u << OCIRT_CG_NET_CLS;
		if (r->network->priorities_len)
			m |= 1u << OCIRT_CG_NET_PRIO;
	}
	if (r->rdma_len)
		m |= 1u << OCIRT_CG_RDMA;
	return m;
}

int ocirt_cgroup_v2_available(const char *dir, unsigned *ret, struct ocirt_error **err)
{
	_cleanup_free_ char *s = NULL;
	char *tok, *save = NULL;
	unsigned m = 0;
	int r;

	r = ocirt_cg_read(dir, "cgroup.controllers", &s, err);
	if (r < 0)
		return r;
	for (tok = strtok_r(s, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		int c = ocirt_cg_controller_from_name(tok);
		if (c >= 0)
			m |= 1u << c;
	}
	*ret = m;
	return 0;
}

static bool is_cgroup2(const char *path)
{
	struct statfs st;
	return statfs(path, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

/* Topmost ancestor of dir (or dir itself) that is still on a cgroup2 filesystem. */
static char *v2_root_of(const char *dir)
{
	char *cur = xstrdup(dir);
	for (;;) {
		char *slash = strrchr(cur, '/');
		char save;
		if (!slash || slash == cur)
			return cur;
		save = *slash;
		*slash = 0;
		if (!is_cgroup2(cur)) {
			*slash = save;
			return cur;
		}
	}
}

static bool list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;
	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') && (p[n] == 0 || p[n] == ' ' || p[n] == '\n'))
			return true;
		p += n;
	}
	return false;
}

/* The no-internal-process rule: a non-root cgroup that holds processes can't hand domain
 * controllers to its children (EBUSY), and enabling a threaded one (cpu, pids, cpuset)
 * there succeeds but turns it into a thread root: every new child is then "domain
 * invalid" and moving a process into it fails with EOPNOTSUPP. So an ancestor with
 * processes (typically the runtime's own cgroup) is never written to. */
static bool v2_has_procs(const char *path)
{
	_cleanup_free_ char *procs = NULL;
	if (ocirt_cg_read(path, "cgroup.procs", &procs, NULL) < 0)
		return false;
	return procs[0] != '\0';
}

int ocirt_cgroup_v2_enable(const char *dir, unsigned controllers, struct ocirt_error **err)
{
	_cleanup_free_ char *root = NULL, *path = NULL;
	unsigned avail = 0;
	size_t i, dir_len = strlen(dir), root_len;
	int r, c;

	if (!controllers)
		return 0;
	if (ocirt_cgroup_v2_available(dir, &avail, NULL) == 0 && (avail & controllers) == controllers)
		return 0;

	root = v2_root_of(dir);
	root_len = strlen(root);
	r = ocirt_cgroup_v2_available(root, &avail, err);
	if (r < 0)
		return r;
	for (c = 0; c < OCIRT_CG__MAX; c++)
		if ((controllers & (1u << c)) && !(avail & (1u << c)))
			return ocirt_error_setx(err, ENOTSUP, "cgroup controller %s is not available in %s", v2_name(c),
						root);

	/* "+c" into cgroup.subtree_control of every ancestor that does not pass it down yet,
	 * top-down (the first ones usually have it already); dir itself needs nothing (a
	 * controller is available where the parent enables it). */
	path = xstrdup(dir);
	for (i = root_len; i < dir_len; i++) {
		_cleanup_free_ char *enabled = NULL, *type = NULL;
		unsigned missing = 0;
		if (i != root_len && path[i] != '/')
			continue;
		path[i] = 0;
		r = ocirt_cg_read(path, "cgroup.subtree_control", &enabled, err);
		if (r < 0)
			return r;
		for (c = 0; c < OCIRT_CG__MAX; c++)
			if ((controllers & (1u << c)) && !list_has(enabled, v2_name(c)))
				missing |= 1u << c;
		if (missing && i > root_len) {
			const char *why = NULL;
			if (v2_has_procs(path))
				why = "it has processes of its own (cgroup v2 no-internal-process rule)";
			else if (ocirt_cg_read(path, "cgroup.type", &type, NULL) == 0 && !streq(type, "domain"))
				why = "it is not a domain cgroup";
			if (why) {
				for (c = 0; !(missing & (1u << c)); c++)
					;
				return ocirt_error_setx(err, EBUSY,
							"cannot enable the %s controller in %s/cgroup.subtree_control: %s",
							v2_name(c), path, why);
			}
		}
		for (c = 0; c < OCIRT_CG__MAX; c++) {
			char want[32];
			if (!(missing & (1u << c)))
				continue;
			snprintf(want, sizeof(want), "+%s", v2_name(c));
			r = ocirt_cg_write(path, "cgroup.subtree_control", want, err);
			if (r < 0)
				return r;
		}
		path[i] = dir[i];
	}
	return 0;
}

/* A limit file's content says "no limit": every token ends in "max" ("max", or rdma's
 * "mlx4_0 hca_handle=max hca_object=max") or is a number of at least 2^62. */
static bool all_max(const char *content)
{
	_cleanup_free_ char *copy = xstrdup(content);
	char *save = NULL;
	for (char *t = strtok_r(copy, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		size_t n = strlen(t);
		char *end = NULL;
		if (n >= 3 && streq(t + n - 3, "max"))
			continue;
		/* hugetlb shows an unset limit as the page counter's ceiling (9223372036854771712) */
		errno = 0;
		unsigned long long v = strtoull(t, &end, 10);
		if (errno || !end || *end || v < (1ULL << 62))
			return false;
	}
	return true;
}

static bool child_uses(const char *child, const char *name)
{
	_cleanup_free_ char *sub = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	size_t nl = strlen(name);

	if (ocirt_cg_read(child, "cgroup.subtree_control", &sub, NULL) == 0 && list_has(sub, name))
		return true;
	d = opendir(child);
	while (d && (de = readdir(d))) {
		_cleanup_free_ char *v = NULL;
		size_t fl = strlen(de->d_name);
		if (strncmp(de->d_name, name, nl) != 0 || de->d_name[nl] != '.' || fl < 4 ||
		    !streq(de->d_name + fl - 3, "max"))
			continue;
		if (ocirt_cg_read(child, de->d_name, &v, NULL) == 0 && !all_max(v))
			return true;
	}
	return false;
}

void ocirt_cgroup_v2_root_release(const char *root, unsigned controllers)
{
	for (int c = 0; c < OCIRT_CG__MAX; c++) {
		_cleanup_closedir_ DIR *d = NULL;
		struct dirent *de;
		bool used = false;
		char off[32];
		if (!(controllers & (1u << c)))
			continue;
		d = opendir(root);
		while (d && !used && (de = readdir(d))) {
			_cleanup_free_ char *child = NULL;
			if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
				continue;
			child = xasprintf("%s/%s", root, de->d_name);
			used = child_uses(child, v2_name(c));
		}
		if (used)
			continue;
		snprintf(off, sizeof(off), "-%s", v2_name(c));
		(void)ocirt_cg_write(root, "cgroup.subtree_control", off, NULL);
	}
}

/* Pure v2 at create: the controllers the resources need must be enabled down to the
 * container (an error names the one that can't be); the common accounting controllers
 * are enabled too when possible, as runc and crun do, so stats and OOM events work. */
static int v2_enable_for(const char *dir, const struct oci_resources *r, struct ocirt_error **err)
{
	static const int nice[] = {OCIRT_CG_MEMORY, OCIRT_CG_PIDS, OCIRT_CG_CPU, OCIRT_CG_BLKIO};
	unsigned need = ocirt_cgroup_res_controllers(r) & ~((1u << OCIRT_CG_NET_CLS) | (1u << OCIRT_CG_NET_PRIO));
	size_t i;
	int ret;

	for (i = 0; r && r->unified && i < r->unified->len; i++) {
		const char *k = r->unified->items[i].key, *dot = k ? strchr(k, '.') : NULL;
		_cleanup_free_ char *ctrl = dot ? xstrndup(k, (size_t)(dot - k)) : NULL;
		int c = ctrl ? ocirt_cg_controller_from_name(ctrl) : -1;
		if (c >= 0)
			need |= 1u << c;
	}
	ret = ocirt_cgroup_v2_enable(dir, need, err);
	if (ret < 0)
		return ret;
	for (i = 0; i < ARRAY_SIZE(nice); i++)
		(void)ocirt_cgroup_v2_enable(dir, 1u << nice[i], NULL);
	return 0;
}

int ocirt_cgroup_res_apply(const struct ocirt_cgroup_dirs *dirs, const struct oci_resources *r,
			   const struct ocirt_cgroup_res_opts *opts, struct ocirt_error **err)
{
	static const struct ocirt_cgroup_res_opts no_opts;
	unsigned need, via_v2 = 0;
	int c, ret;

	if (!opts)
		opts = &no_opts;
	if (dirs->unified_only) {
		if (!dirs->unified)
			return ocirt_error_setx(err, EINVAL, "cgroup v2: no container cgroup");
		if (!opts->update) {
			ret = v2_enable_for(dirs->unified, r, err);
			if (ret < 0)
				return ret;
		}
		return ocirt_cgroup_res_apply_v2(dirs->unified, ~0u, r, opts, err);
	}

	/* v1 or hybrid. `unified` is a cgroup v2 feature: runc refuses it on v1 hosts. */
	if (r && r->unified && r->unified->len)
		return ocirt_error_setx(err, EINVAL, "invalid configuration: cannot use unified on cgroup v1");

	need = ocirt_cgroup_res_controllers(r);
	for (c = 0; c < OCIRT_CG__MAX; c++) {
		unsigned bit = 1u << c;
		if (!(need & bit) || dirs->v1[c])
			continue;
		/* Not mounted on v1: on a hybrid host the unified hierarchy may carry it
		 * (ocirt_cgroup_v2_enable reports it when it does not). net_cls/net_prio have
		 * no v2 form. */
		if (dirs->unified && c != OCIRT_CG_NET_CLS && c != OCIRT_CG_NET_PRIO) {
			via_v2 |= bit;
			continue;
		}
		return ocirt_error_setx(err, ENODEV, "cannot set %s limit: container could not join or create cgroup",
					ocirt_cg_controller_name(c));
	}

	ret = ocirt_cgroup_res_apply_v1(dirs, r, opts, err);
	if (ret < 0)
		return ret;
	if (via_v2) {
		_cleanup_free_ char *root = v2_root_of(dirs->unified), *before = NULL, *after = NULL;
		(void)ocirt_cg_read(root, "cgroup.subtree_control", &before, NULL);
		ret = ocirt_cgroup_v2_enable(dirs->unified, via_v2, err);
		if (opts->ret_root_enabled && before && ocirt_cg_read(root, "cgroup.subtree_control", &after, NULL) == 0)
			for (c = 0; c < OCIRT_CG__MAX; c++)
				if ((via_v2 & (1u << c)) && !list_has(before, v2_name(c)) && list_has(after, v2_name(c)))
					*opts->ret_root_enabled |= 1u << c;
		if (ret < 0)
			return ret;
		ret = ocirt_cgroup_res_apply_v2(dirs->unified, via_v2, r, opts, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}
