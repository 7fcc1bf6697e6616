/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources -> cgroup v1 files. Controllers without a v1 dir are skipped here (the
 * dispatcher in cgroup-res.c routes them to the unified hierarchy or reports them). */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "common/log.h"
#include "common/xalloc.h"
#include "libocirt/cgroup-convert.h"
#include "libocirt/cgroup-res.h"

static void fmt_i64(int64_t v, char buf[static OCIRT_CG_VALUE_MAX])
{
	snprintf(buf, OCIRT_CG_VALUE_MAX, "%" PRId64, v);
}

static void fmt_u64(uint64_t v, char buf[static OCIRT_CG_VALUE_MAX])
{
	snprintf(buf, OCIRT_CG_VALUE_MAX, "%" PRIu64, v);
}

static int read_u64(const char *dir, const char *file, uint64_t *ret, struct ocirt_error **err)
{
	_cleanup_free_ char *s = NULL;
	int r = ocirt_cg_read(dir, file, &s, err);
	if (r < 0)
		return r;
	if (ocirt_cg_parse_u64(s, ret) < 0) {
		/* v1 reports "unlimited" as a huge number, sometimes signed */
		if (streq(s, "-1")) {
			*ret = UINT64_MAX;
			return 0;
		}
		return ocirt_error_setx(err, EINVAL, "%s/%s: unexpected content \"%s\"", dir, file, s);
	}
	return 0;
}

/* Refuse a limit below what the cgroup already uses (memory.checkBeforeUpdate). */
static int check_usage(const char *dir, const char *usage_file, int64_t limit, struct ocirt_error **err)
{
	uint64_t usage;
	int r;

	if (limit <= 0)
		return 0;
	r = read_u64(dir, usage_file, &usage, err);
	if (r < 0)
		return r;
	if (usage > (uint64_t)limit)
		return ocirt_error_setx(err, EBUSY, "rejecting memory limit %" PRId64 " below current usage %" PRIu64,
					limit, usage);
	return 0;
}

static int v1_memory(const char *dir, const struct oci_memory *m, struct ocirt_error **err)
{
	char buf[OCIRT_CG_VALUE_MAX];
	int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
	bool has_memsw = ocirt_cg_exists(dir, "memory.memsw.limit_in_bytes");
	int r;

	if ((m->has_kernel && m->kernel) || (m->has_kernel_tcp && m->kernel_tcp))
		log_warning("kernel memory limits (memory.kernel, memory.kernelTCP) are not supported and are ignored");
	if (m->has_check_before_update && m->check_before_update && limit > 0) {
		r = check_usage(dir, "memory.usage_in_bytes", limit, err);
		if (r < 0)
			return r;
	}

	/* Unlimited memory with no word on swap means unlimited swap too (runc). */
	if (limit == -1 && swap == 0)
		swap = -1;
	if (swap != 0 && !has_memsw) {
		if (swap > 0 && swap != limit)
			return ocirt_error_setx(err, ENOTSUP,
						"cannot set memory+swap limit: swap accounting is not enabled "
						"(no memory.memsw.limit_in_bytes in %s)",
						dir);
		swap = 0; /* -1 or no swap at all is what the host does anyway */
	}
	if (limit != 0 && swap != 0) {
		/* The kernel wants limit <= memsw at every moment: raise memsw first when
		 * growing, lower the limit first when shrinking. */
		uint64_t cur_limit;
		r = read_u64(dir, "memory.limit_in_bytes", &cur_limit, err);
		if (r < 0)
			return r;
		if (swap < 0 || cur_limit < (uint64_t)swap) {
			ocirt_cg_format_limit_v1(swap, buf);
			if ((r = ocirt_cg_write(dir, "memory.memsw.limit_in_bytes", buf, err)) < 0)
				return r;
			ocirt_cg_format_limit_v1(limit, buf);
			if ((r = ocirt_cg_write(dir, "memory.limit_in_bytes", buf, err)) < 0)
				return r;
		} else {
			ocirt_cg_format_limit_v1(limit, buf);
			if ((r = ocirt_cg_write(dir, "memory.limit_in_bytes", buf, err)) < 0)
				return r;
			ocirt_cg_format_limit_v1(swap, buf);
			if ((r = ocirt_cg_write(dir, "memory.memsw.limit_in_bytes", buf, err)) < 0)
				return r;
		}
	} else if (limit != 0) {
		ocirt_cg_format_limit_v1(limit, buf);
		if ((r = ocirt_cg_write(dir, "memory.limit_in_bytes", buf, err)) < 0)
			return r;
	} else if (swap != 0) {
		ocirt_cg_format_limit_v1(swap, buf);
		if ((r = ocirt_cg_write(dir, "memory.memsw.limit_in_bytes", buf, err)) < 0)
			return r;
	}

	if (m->has_reservation && m->reservation) {
		ocirt_cg_format_limit_v1(m->reservation, buf);
		if ((r = ocirt_cg_write(dir, "memory.soft_limit_in_bytes", buf, err)) < 0)
			return r;
	}
	if (m->has_swappiness) {
		if (m->swappiness > 100)
			return ocirt_error_setx(err, EINVAL,
						"invalid value:%" PRIu64 ". valid memory swappiness range is 0-100",
						m->swappiness);
		fmt_u64(m->swappiness, buf);
		if ((r = ocirt_cg_write(dir, "memory.swappiness", buf, err)) < 0)
			return r;
	}
	if (m->has_disable_oom_killer && m->disable_oom_killer) {
		if ((r = ocirt_cg_write(dir, "memory.oom_control", "1", err)) < 0)
			return r;
	}
	/* useHierarchy: always on since Linux 5.x (writing 0 fails); nothing to do. */
	return 0;
}

static int v1_cpu(const char *dir, const struct oci_cpu *c, struct ocirt_error **err)
{
	char buf[OCIRT_CG_VALUE_MAX];
	bool q = c->has_quota && c->quota != 0, p = c->has_period && c->period != 0;
	int r;

	if (c->has_shares && c->shares) {
		uint64_t got;
		fmt_u64(c->shares, buf);
		if ((r = ocirt_cg_write(dir, "cpu.shares", buf, err)) < 0)
			return r;
		/* The kernel clamps silently; say so like runc. */
		if (read_u64(dir, "cpu.shares", &got, NULL) == 0 && got != c->shares)
			return ocirt_error_setx(err, EINVAL, "the %s allowed cpu-shares is %" PRIu64,
						c->shares > got ? "maximum" : "minimum", got);
	}
	if (p) {
		fmt_u64(c->period, buf);
		r = ocirt_cg_write(dir, "cpu.cfs_period_us", buf, err);
		if (r == -EINVAL && q) {
			/* The new period may only fit with the new quota: quota first, then period. */
			char qbuf[OCIRT_CG_VALUE_MAX];
			fmt_i64(c->quota < 0 ? -1 : c->quota, qbuf);
			if ((r = ocirt_cg_write(dir, "cpu.cfs_quota_us", qbuf, err)) < 0)
				return r;
			r = ocirt_cg_write(dir, "cpu.cfs_period_us", buf, err);
		}
		if (r < 0)
			return r;
	}
	if (q) {
		fmt_i64(c->quota < 0 ? -1 : c->quota, buf);
		r = ocirt_cg_write(dir, "cpu.cfs_quota_us", buf, err);
		if (r == -EINVAL && c->has_burst) {
			/* A smaller quota may conflict with the old burst: burst first. */
			char bbuf[OCIRT_CG_VALUE_MAX];
			fmt_u64(c->burst, bbuf);
			if ((r = ocirt_cg_write(dir, "cpu.cfs_burst_us", bbuf, err)) < 0)
				return r;
			r = ocirt_cg_write(dir, "cpu.cfs_quota_us", buf, err);
		}
		if (r < 0)
			return r;
	}
	if (c->has_burst) {
		fmt_u64(c->burst, buf);
		if ((r = ocirt_cg_write(dir, "cpu.cfs_burst_us", buf, err)) < 0)
			return r;
	}
	if (c->has_realtime_period && c->realtime_period) {
		fmt_u64(c->realtime_period, buf);
		if ((r = ocirt_cg_write(dir, "cpu.rt_period_us", buf, err)) < 0)
			return r;
	}
	if (c->has_realtime_runtime && c->realtime_runtime) {
		fmt_i64(c->realtime_runtime, buf);
		if ((r = ocirt_cg_write(dir, "cpu.rt_runtime_us", buf, err)) < 0)
			return r;
	}
	if (c->has_idle) {
		fmt_i64(c->idle, buf);
		if ((r = ocirt_cg_write(dir, "cpu.idle", buf, err)) < 0)
			return r;
	}
	return 0;
}

int ocirt_cgroup_v1_cpuset_fill(const char *dir, struct ocirt_error **err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	_cleanup_free_ char *path = xstrdup(dir);
	char *slash;
	size_t i;
	int r;

	/* Find the nearest ancestor whose values are set (the mount root always is), then
	 * fill downwards. Recursion depth is the cgroup depth: small. */
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *v = NULL;
		r = ocirt_cg_read(dir, files[i], &v, err);
		if (r < 0)
			return r;
		if (*v)
			continue;
		slash = strrchr(path, '/');
		if (!slash || slash == path || !ocirt_cg_exists(path, "../cpuset.cpus"))
			return ocirt_error_setx(err, EINVAL, "%s/%s is empty and has no parent to copy from", dir,
						files[i]);
		*slash = 0;
		r = ocirt_cgroup_v1_cpuset_fill(path, err);
		if (r == 0) {
			_cleanup_free_ char *pv = NULL;
			r = ocirt_cg_read(path, files[i], &pv, err);
			if (r == 0)
				r = ocirt_cg_write(dir, files[i], pv, err);
		}
		*slash = '/';
		if (r < 0)
			return r;
	}
	return 0;
}

static int v1_cpuset(const char *dir, const struct oci_cpu *c, struct ocirt_error **err)
{
	int r = ocirt_cgroup_v1_cpuset_fill(dir, err);
	if (r < 0)
		return r;
	if (c && c->cpus && *c->cpus && (r = ocirt_cg_write(dir, "cpuset.cpus", c->cpus, err)) < 0)
		return r;
	if (c && c->mems && *c->mems && (r = ocirt_cg_write(dir, "cpuset.mems", c->mems, err)) < 0)
		return r;
	return 0;
}

static int write_throttles(const char *dir, const char *file, const struct oci_throttle_device *t, size_t n,
			   struct ocirt_error **err)
{
	char buf[OCIRT_CG_VALUE_MAX];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		ocirt_cg_format_dev_value(t[i].major, t[i].minor, t[i].rate, buf);
		if ((r = ocirt_cg_write(dir, file, buf, err)) < 0)
			return r;
	}
	return 0;
}

static int v1_blkio(const char *dir, const struct oci_block_io *b, struct ocirt_error **err)
{
	char buf[OCIRT_CG_VALUE_MAX];
	/* CFQ's blkio.weight is gone since Linux 5.0; BFQ offers the same range. */
	bool cfq = ocirt_cg_exists(dir, "blkio.weight");
	const char *wfile = cfq ? "blkio.weight" : "blkio.bfq.weight";
	const char *wdfile = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
	size_t i;
	int r;

	if (b->has_weight && b->weight) {
		fmt_u64(b->weight, buf);
		if ((r = ocirt_cg_write(dir, wfile, buf, err)) < 0)
			return r;
	}
	if (b->has_leaf_weight && b->leaf_weight) {
		fmt_u64(b->leaf_weight, buf);
		if ((r = ocirt_cg_write(dir, "blkio.leaf_weight", buf, err)) < 0)
			return r;
	}
	for (i = 0; i < b->weight_device_len; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];
		if (w->has_weight && w->weight) {
			ocirt_cg_format_dev_value(w->major, w->minor, w->weight, buf);
			if ((r = ocirt_cg_write(dir, wdfile, buf, err)) < 0)
				return r;
		}
		if (w->has_leaf_weight && w->leaf_weight) {
			ocirt_cg_format_dev_value(w->major, w->minor, w->leaf_weight, buf);
			if ((r = ocirt_cg_write(dir, "blkio.leaf_weight_device", buf, err)) < 0)
				return r;
		}
	}
	if ((r = write_throttles(dir, "blkio.throttle.read_bps_device", b->throttle_read_bps_device,
				 b->throttle_read_bps_device_len, err)) < 0 ||
	    (r = write_throttles(dir, "blkio.throttle.write_bps_device", b->throttle_write_bps_device,
				 b->throttle_write_bps_device_len, err)) < 0 ||
	    (r = write_throttles(dir, "blkio.throttle.read_iops_device", b->throttle_read_iops_device,
				 b->throttle_read_iops_device_len, err)) < 0 ||
	    (r = write_throttles(dir, "blkio.throttle.write_iops_device", b->throttle_write_iops_device,
				 b->throttle_write_iops_device_len, err)) < 0)
		return r;
	return 0;
}

int ocirt_cgroup_res_hugetlb(const char *dir, bool v2, const struct oci_hugepage_limit *l, size_t n,
			     struct ocirt_error **err)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		char name[OCIRT_CG_VALUE_MAX], file[OCIRT_CG_VALUE_MAX], val[OCIRT_CG_VALUE_MAX];
		uint64_t bytes;

		if (ocirt_cg_hugepage_parse(l[i].page_size, &bytes) < 0)
			return ocirt_error_setx(err, EINVAL, "invalid hugepage size \"%s\"",
						l[i].page_size ? l[i].page_size : "");
		ocirt_cg_hugepage_name(bytes, name);
		if (ocirt_cg_hugepage_file(name, v2, false, file) < 0)
			return ocirt_error_setx(err, EINVAL, "invalid hugepage size \"%s\"", l[i].page_size);
		if (!ocirt_cg_exists(dir, file))
			return ocirt_error_setx(err, EINVAL, "hugepage size %s is not supported by the host (no %s/%s)",
						l[i].page_size, dir, file);
		fmt_u64(l[i].limit, val);
		if ((r = ocirt_cg_write(dir, file, val, err)) < 0)
			return r;
		/* Reservations get the same limit, when the kernel has them (5.7+). */
		(void)ocirt_cg_hugepage_file(name, v2, true, file);
		if (ocirt_cg_exists(dir, file) && (r = ocirt_cg_write(dir, file, val, err)) < 0)
			return r;
	}
	return 0;
}

int ocirt_cgroup_res_rdma(const char *dir, const struct oci_rdma *rd, size_t n, struct ocirt_error **err)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		_cleanup_free_ char *line = NULL;
		if (!rd[i].device || !*rd[i].device || strpbrk(rd[i].device, " \n"))
			return ocirt_error_setx(err, EINVAL, "invalid rdma device name \"%s\"",
						rd[i].device ? rd[i].device : "");
		line = ocirt_cg_rdma_line(&rd[i]);
		if ((r = ocirt_cg_write(dir, "rdma.max", line, err)) < 0)
			return r;
	}
	return 0;
}

static int v1_devices(const char *dir, const struct oci_resources *res, const struct ocirt_cgroup_res_opts *opts,
		      struct ocirt_error **err)
{
	_cleanup_free_ struct ocirt_cg_dev_rule *rules = NULL;
	size_t n, i;
	int r;

	r = ocirt_cg_dev_rules_build(res ? res->devices : NULL, res ? res->devices_len : 0, opts->devices,
				     opts->devices_len, &rules, &n, err);
	if (r < 0)
		return r;
	/* Start from deny-all (runc's emulator does the same), then replay the rules in order:
	 * the kernel's allow/deny exception lists then give "last match wins". */
	if ((r = ocirt_cg_write(dir, "devices.deny", "a", err)) < 0)
		return r;
	for (i = 0; i < n; i++) {
		char l1[OCIRT_CG_VALUE_MAX], l2[OCIRT_CG_VALUE_MAX];
		const char *file = rules[i].allow ? "devices.allow" : "devices.deny";
		ocirt_cg_dev_rule_v1(&rules[i], l1, l2);
		if ((r = ocirt_cg_write(dir, file, l1, err)) < 0)
			return r;
		if (l2[0] && (r = ocirt_cg_write(dir, file, l2, err)) < 0)
			return r;
	}
	return 0;
}

int ocirt_cgroup_res_apply_v1(const struct ocirt_cgroup_dirs *dirs, const struct oci_resources *r,
			      const struct ocirt_cgroup_res_opts *opts, struct ocirt_error **err)
{
	static const struct ocirt_cgroup_res_opts no_opts;
	const char *const *d = (const char *const *)dirs->v1;
	char buf[OCIRT_CG_VALUE_MAX];
	int ret;

	if (!opts)
		opts = &no_opts;

	/* cpuset first: an empty cpuset cgroup accepts no tasks. */
	if (d[OCIRT_CG_CPUSET] && (ret = v1_cpuset(d[OCIRT_CG_CPUSET], r ? r->cpu : NULL, err)) < 0)
		return ret;
	if (d[OCIRT_CG_DEVICES] && !opts->update && !opts->skip_devices &&
	    (ret = v1_devices(d[OCIRT_CG_DEVICES], r, opts, err)) < 0)
		return ret;
	if (!r)
		return 0;
	if (r->memory && d[OCIRT_CG_MEMORY] && (ret = v1_memory(d[OCIRT_CG_MEMORY], r->memory, err)) < 0)
		return ret;
	if (r->cpu && d[OCIRT_CG_CPU] && (ret = v1_cpu(d[OCIRT_CG_CPU], r->cpu, err)) < 0)
		return ret;
	if (r->pids && r->pids->has_limit && r->pids->limit && d[OCIRT_CG_PIDS]) {
		/* 0 = unset (runc 1.1.5), negative = unlimited */
		ocirt_cg_format_limit_v2(r->pids->limit, buf);
		if ((ret = ocirt_cg_write(d[OCIRT_CG_PIDS], "pids.max", buf, err)) < 0)
			return ret;
	}
	if (r->block_io && d[OCIRT_CG_BLKIO] && (ret = v1_blkio(d[OCIRT_CG_BLKIO], r->block_io, err)) < 0)
		return ret;
	if (r->hugepage_limits_len && d[OCIRT_CG_HUGETLB] &&
	    (ret = ocirt_cgroup_res_hugetlb(d[OCIRT_CG_HUGETLB], false, r->hugepage_limits, r->hugepage_limits_len,
					    err)) < 0)
		return ret;
	if (r->network) {
		size_t i;
		if (r->network->has_class_id && r->network->class_id && d[OCIRT_CG_NET_CLS]) {
			snprintf(buf, sizeof(buf), "%" PRIu32, r->network->class_id);
			if ((ret = ocirt_cg_write(d[OCIRT_CG_NET_CLS], "net_cls.classid", buf, err)) < 0)
				return ret;
		}
		for (i = 0; d[OCIRT_CG_NET_PRIO] && i < r->network->priorities_len; i++) {
			const struct oci_net_priority *p = &r->network->priorities[i];
			_cleanup_free_ char *line = NULL;
			if (!p->name || !*p->name || strpbrk(p->name, " \n"))
				return ocirt_error_setx(err, EINVAL, "invalid network interface name \"%s\"",
							p->name ? p->name : "");
			line = xasprintf("%s %" PRIu32, p->name, p->priority);
			if ((ret = ocirt_cg_write(d[OCIRT_CG_NET_PRIO], "net_prio.ifpriomap", line, err)) < 0)
				return ret;
		}
	}
	if (r->rdma_len && d[OCIRT_CG_RDMA] &&
	    (ret = ocirt_cgroup_res_rdma(d[OCIRT_CG_RDMA], r->rdma, r->rdma_len, err)) < 0)
		return ret;
	return 0;
}
