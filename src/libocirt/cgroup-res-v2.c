/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources -> cgroup v2 files (plus the eBPF device filter). On a hybrid host only
 * the controllers the dispatcher routes here are handled (`which`). */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "common/log.h"
#include "common/xalloc.h"
#include "libocirt/cgroup-bpf.h"
#include "libocirt/cgroup-convert.h"
#include "libocirt/cgroup-res.h"

#define BIT(c) (1u << (c))

static void fmt_u64(uint64_t v, char buf[static OCIRT_CG_VALUE_MAX])
{
	snprintf(buf, OCIRT_CG_VALUE_MAX, "%" PRIu64, v);
}

static int v2_memory(const char *dir, const struct oci_memory *m, bool update, struct ocirt_error **err)
{
	char buf[OCIRT_CG_VALUE_MAX];
	bool has_limit = m->has_limit && m->limit != 0, set = false;
	int64_t limit = has_limit ? m->limit : 0;
	int r;

	if ((m->has_kernel && m->kernel) || (m->has_kernel_tcp && m->kernel_tcp))
		log_warning("kernel memory limits (memory.kernel, memory.kernelTCP) are not supported and are ignored");
	if (m->has_swappiness || (m->has_disable_oom_killer && m->disable_oom_killer))
		log_debug("cgroup v2 has no memory.swappiness or OOM killer switch; ignored");

	if (m->has_check_before_update && m->check_before_update && limit > 0) {
		_cleanup_free_ char *cur = NULL;
		uint64_t usage;
		if ((r = ocirt_cg_read(dir, "memory.current", &cur, err)) < 0)
			return r;
		if (ocirt_cg_parse_u64(cur, &usage) == 0 && usage > (uint64_t)limit)
			return ocirt_error_setx(err, EBUSY,
						"rejecting memory limit %" PRId64 " below current usage %" PRIu64, limit,
						usage);
	}

	/* swap.max is swap alone; the OCI value is memory+swap. `update` may change swap
	 * without repeating the limit: take the limit in force then. */
	if (update && !has_limit && m->has_swap && m->swap > 0) {
		_cleanup_free_ char *cur = NULL;
		uint64_t v;
		if (ocirt_cg_read(dir, "memory.max", &cur, NULL) == 0 && ocirt_cg_parse_u64(cur, &v) == 0 &&
		    v != UINT64_MAX) {
			r = ocirt_cg_swap_v2(true, (int64_t)v, true, m->swap, buf, &set, err);
			goto swap_done;
		}
	}
	r = ocirt_cg_swap_v2(has_limit, limit, m->has_swap, m->swap, buf, &set, err);
swap_done:
	if (r < 0)
		return r;
	if (set) {
		r = ocirt_cg_write(dir, "memory.swap.max", buf, err);
		/* No swap accounting: "max" and "0" are what the host does anyway. */
		if (r == -ENOENT && (streq(buf, "max") || streq(buf, "0")))
			r = 0;
		if (r < 0)
			return r;
	}
	if (has_limit) {
		ocirt_cg_format_limit_v2(limit, buf);
		if ((r = ocirt_cg_write(dir, "memory.max", buf, err)) < 0)
			return r;
	}
	if (m->has_reservation && m->reservation) {
		ocirt_cg_format_limit_v2(m->reservation, buf);
		if ((r = ocirt_cg_write(dir, "memory.low", buf, err)) < 0)
			return r;
	}
	return 0;
}

static int v2_cpu(const char *dir, const struct oci_cpu *c, struct ocirt_error **err)
{
	char buf[OCIRT_CG_VALUE_MAX];
	bool set;
	int r;

	if (c->has_shares && c->shares) {
		fmt_u64(ocirt_cg_shares_to_weight(c->shares), buf);
		if ((r = ocirt_cg_write(dir, "cpu.weight", buf, err)) < 0)
			return r;
	}
	if ((c->has_quota && c->quota) || (c->has_period && c->period)) {
		_cleanup_free_ char *cur = NULL;
		(void)ocirt_cg_read(dir, "cpu.max", &cur, NULL);
		r = ocirt_cg_cpu_max(c->has_quota, c->quota, c->has_period, c->period, cur, buf, &set, err);
		if (r < 0)
			return r;
		if (set && (r = ocirt_cg_write(dir, "cpu.max", buf, err)) < 0)
			return r;
	}
	if (c->has_burst) {
		fmt_u64(c->burst, buf);
		if ((r = ocirt_cg_write(dir, "cpu.max.burst", buf, err)) < 0)
			return r;
	}
	if (c->has_idle) {
		snprintf(buf, sizeof(buf), "%" PRId64, c->idle);
		if ((r = ocirt_cg_write(dir, "cpu.idle", buf, err)) < 0)
			return r;
	}
	if ((c->has_realtime_runtime && c->realtime_runtime) || (c->has_realtime_period && c->realtime_period))
		log_warning("cgroup v2 has no realtime CPU scheduling control; cpu.realtimeRuntime/realtimePeriod ignored");
	return 0;
}

static int v2_cpuset(const char *dir, const struct oci_cpu *c, struct ocirt_error **err)
{
	int r;
	if (c->cpus && *c->cpus && (r = ocirt_cg_write(dir, "cpuset.cpus", c->cpus, err)) < 0)
		return r;
	if (c->mems && *c->mems && (r = ocirt_cg_write(dir, "cpuset.mems", c->mems, err)) < 0)
		return r;
	return 0;
}

static int io_max(const char *dir, const char *key, const struct oci_throttle_device *t, size_t n,
		  struct ocirt_error **err)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		char line[OCIRT_CG_VALUE_MAX * 2];
		/* v1 takes 0 as "no limit"; v2 spells that "max". */
		if (t[i].rate)
			snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major, t[i].minor,
				 key, t[i].rate);
		else
			snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %s=max", t[i].major, t[i].minor, key);
		if ((r = ocirt_cg_write(dir, "io.max", line, err)) < 0)
			return r;
	}
	return 0;
}

static int v2_io(const char *dir, const struct oci_block_io *b, struct ocirt_error **err)
{
	char buf[OCIRT_CG_VALUE_MAX];
	/* BFQ takes the v1 range (1..1000) as is; io.weight is 1..10000. */
	bool bfq = ocirt_cg_exists(dir, "io.bfq.weight");
	size_t i;
	int r;

	if (b->has_weight && b->weight) {
		if (bfq)
			r = (fmt_u64(b->weight, buf), ocirt_cg_write(dir, "io.bfq.weight", buf, err));
		else
			r = (fmt_u64(ocirt_cg_blkio_weight_to_io_weight(b->weight), buf),
			     ocirt_cg_write(dir, "io.weight", buf, err));
		if (r < 0)
			return r;
	}
	if (b->has_leaf_weight && b->leaf_weight)
		log_debug("cgroup v2 has no leaf weight; blockIO.leafWeight ignored");
	for (i = 0; i < b->weight_device_len; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];
		if (!w->has_weight || !w->weight)
			continue;
		if (bfq) {
			ocirt_cg_format_dev_value(w->major, w->minor, w->weight, buf);
			r = ocirt_cg_write(dir, "io.bfq.weight", buf, err);
		} else {
			ocirt_cg_format_dev_value(w->major, w->minor, ocirt_cg_blkio_weight_to_io_weight(w->weight),
						  buf);
			r = ocirt_cg_write(dir, "io.weight", buf, err);
		}
		if (r < 0)
			return r;
	}
	if ((r = io_max(dir, "rbps", b->throttle_read_bps_device, b->throttle_read_bps_device_len, err)) < 0 ||
	    (r = io_max(dir, "wbps", b->throttle_write_bps_device, b->throttle_write_bps_device_len, err)) < 0 ||
	    (r = io_max(dir, "riops", b->throttle_read_iops_device, b->throttle_read_iops_device_len, err)) < 0 ||
	    (r = io_max(dir, "wiops", b->throttle_write_iops_device, b->throttle_write_iops_device_len, err)) < 0)
		return r;
	return 0;
}

static int v2_devices(const char *dir, const struct oci_resources *res, const struct ocirt_cgroup_res_opts *opts,
		      struct ocirt_error **err)
{
	_cleanup_free_ struct ocirt_cg_dev_rule *rules = NULL;
	size_t n;
	int r;

	r = ocirt_cg_dev_rules_build(res ? res->devices : NULL, res ? res->devices_len : 0, opts->devices,
				     opts->devices_len, &rules, &n, err);
	if (r < 0)
		return r;
	return ocirt_cgroup_bpf_devices_apply(dir, rules, n, err);
}

static int v2_unified(const char *dir, const struct oci_map *u, unsigned avail, struct ocirt_error **err)
{
	size_t i;
	int r;

	for (i = 0; i < u->len; i++) {
		_cleanup_free_ char *ctrl = NULL;
		const char *key = u->items[i].key, *val = u->items[i].value ? u->items[i].value : "";

		r = ocirt_cg_unified_key_check(key, &ctrl, err);
		if (r < 0)
			return r;
		r = ocirt_cg_write(dir, key, val, err);
		if (r == -ENOENT || r == -EPERM || r == -EACCES) {
			int c = ocirt_cg_controller_from_name(ctrl);
			if (!streq(ctrl, "cgroup") && (c < 0 || !(avail & BIT(c))))
				return ocirt_error_setx(err, -r,
							"unified resource \"%s\" can't be set: controller \"%s\" not available",
							key, ctrl);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int ocirt_cgroup_res_apply_v2(const char *dir, unsigned which, const struct oci_resources *r,
			      const struct ocirt_cgroup_res_opts *opts, struct ocirt_error **err)
{
	static const struct ocirt_cgroup_res_opts no_opts;
	unsigned need, avail = 0;
	int ret, c;

	if (!opts)
		opts = &no_opts;
	need = ocirt_cgroup_res_controllers(r) & which;
	/* Network priorities and class IDs are v1 only (runc and crun skip them on v2). */
	need &= ~(BIT(OCIRT_CG_NET_CLS) | BIT(OCIRT_CG_NET_PRIO));
	if ((ret = ocirt_cgroup_v2_available(dir, &avail, err)) < 0)
		return ret;
	for (c = 0; c < OCIRT_CG__MAX; c++)
		if ((need & BIT(c)) && !(avail & BIT(c)))
			return ocirt_error_setx(err, ENOTSUP, "cannot set %s limit: controller %s is not enabled in %s",
						ocirt_cg_controller_name(c), c == OCIRT_CG_BLKIO ? "io" : ocirt_cg_controller_name(c),
						dir);

	if ((which & BIT(OCIRT_CG_DEVICES)) && !opts->update && !opts->skip_devices &&
	    (ret = v2_devices(dir, r, opts, err)) < 0)
		return ret;
	if (!r)
		return 0;
	if ((need & BIT(OCIRT_CG_MEMORY)) && (ret = v2_memory(dir, r->memory, opts->update, err)) < 0)
		return ret;
	if ((need & BIT(OCIRT_CG_CPU)) && (ret = v2_cpu(dir, r->cpu, err)) < 0)
		return ret;
	if ((need & BIT(OCIRT_CG_CPUSET)) && (ret = v2_cpuset(dir, r->cpu, err)) < 0)
		return ret;
	if (need & BIT(OCIRT_CG_PIDS)) {
		char buf[OCIRT_CG_VALUE_MAX];
		ocirt_cg_format_limit_v2(r->pids->limit, buf);
		if ((ret = ocirt_cg_write(dir, "pids.max", buf, err)) < 0)
			return ret;
	}
	if ((need & BIT(OCIRT_CG_BLKIO)) && (ret = v2_io(dir, r->block_io, err)) < 0)
		return ret;
	if ((need & BIT(OCIRT_CG_HUGETLB)) &&
	    (ret = ocirt_cgroup_res_hugetlb(dir, true, r->hugepage_limits, r->hugepage_limits_len, err)) < 0)
		return ret;
	if ((need & BIT(OCIRT_CG_RDMA)) && (ret = ocirt_cgroup_res_rdma(dir, r->rdma, r->rdma_len, err)) < 0)
		return ret;
	/* Last, so raw keys override the converted values (runc and crun do the same). */
	if (which == ~0u && r->unified && (ret = v2_unified(dir, r->unified, avail, err)) < 0)
		return ret;
	return 0;
}
