/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources, inside config.json or alone (update --resources). */
#include "config.h"
#include <string.h>
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocispec/internal.h"

static void parse_device_cgroup(struct jp *p, const struct jnode *v, void *elem)
{
	static const char *const types[] = { "a", "c", "b", NULL };
	struct oci_device_cgroup *d = elem;
	char buf[128];

	jp_bool(p, v, "allow", JP_REQ, &d->allow, NULL);
	jp_enum(p, v, "type", JP_OPT, types, "device type", &d->type);
	jp_i64(p, v, "major", JP_OPT, &d->major, &d->has_major);
	jp_i64(p, v, "minor", JP_OPT, &d->minor, &d->has_minor);
	if (jp_str(p, v, "access", JP_OPT, &d->access) && strspn(d->access, "rwm") != strlen(d->access))
		jp_fail_at(p, "access", "invalid device access %s (a combination of r, w and m)",
			   jp_quote(d->access, buf, sizeof(buf)));
}

static void parse_memory(struct jp *p, const struct jnode *v, struct oci_memory *m)
{
	jp_i64(p, v, "limit", JP_OPT, &m->limit, &m->has_limit);
	jp_i64(p, v, "reservation", JP_OPT, &m->reservation, &m->has_reservation);
	jp_i64(p, v, "swap", JP_OPT, &m->swap, &m->has_swap);
	jp_i64(p, v, "kernel", JP_OPT, &m->kernel, &m->has_kernel);
	jp_i64(p, v, "kernelTCP", JP_OPT, &m->kernel_tcp, &m->has_kernel_tcp);
	/* 0..100; UINT64_MAX is what old Docker wrote for "unset" (-1 as uint64) */
	if (jp_u64(p, v, "swappiness", JP_OPT, &m->swappiness, &m->has_swappiness) && m->swappiness > 100 &&
	    m->swappiness != UINT64_MAX)
		jp_fail_at(p, "swappiness", "must be between 0 and 100, got %llu", (unsigned long long)m->swappiness);
	jp_bool(p, v, "disableOOMKiller", JP_OPT, &m->disable_oom_killer, &m->has_disable_oom_killer);
	jp_bool(p, v, "useHierarchy", JP_OPT, &m->use_hierarchy, &m->has_use_hierarchy);
	jp_bool(p, v, "checkBeforeUpdate", JP_OPT, &m->check_before_update, &m->has_check_before_update);
}

static void parse_cpu(struct jp *p, const struct jnode *v, struct oci_cpu *c)
{
	jp_u64(p, v, "shares", JP_OPT, &c->shares, &c->has_shares);
	jp_i64(p, v, "quota", JP_OPT, &c->quota, &c->has_quota);
	jp_u64(p, v, "burst", JP_OPT, &c->burst, &c->has_burst);
	jp_u64(p, v, "period", JP_OPT, &c->period, &c->has_period);
	jp_i64(p, v, "realtimeRuntime", JP_OPT, &c->realtime_runtime, &c->has_realtime_runtime);
	jp_u64(p, v, "realtimePeriod", JP_OPT, &c->realtime_period, &c->has_realtime_period);
	jp_str(p, v, "cpus", JP_OPT, &c->cpus);
	jp_str(p, v, "mems", JP_OPT, &c->mems);
	jp_i64(p, v, "idle", JP_OPT, &c->idle, &c->has_idle);
}

/* blkio weights: 10..1000 (the schema's blkioWeight) */
static bool parse_weight(struct jp *p, const struct jnode *v, const char *key, uint16_t *out, bool *has)
{
	if (!jp_u16(p, v, key, JP_OPT, out, has))
		return false;
	/* 0 means "not set": Docker always sends "blockIO": {"weight": 0}, and runc accepts it */
	if (*out != 0 && (*out < 10 || *out > 1000)) {
		jp_fail_at(p, key, "must be 0 (unset) or between 10 and 1000, got %u", *out);
		return false;
	}
	return true;
}

static void parse_weight_device(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_weight_device *w = elem;
	jp_i64(p, v, "major", JP_REQ, &w->major, NULL);
	jp_i64(p, v, "minor", JP_REQ, &w->minor, NULL);
	parse_weight(p, v, "weight", &w->weight, &w->has_weight);
	parse_weight(p, v, "leafWeight", &w->leaf_weight, &w->has_leaf_weight);
	if (!jnode_get(v, "weight") && !jnode_get(v, "leafWeight"))
		jp_fail(p, "needs weight or leafWeight");
}

static void parse_throttle_device(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_throttle_device *t = elem;
	jp_i64(p, v, "major", JP_REQ, &t->major, NULL);
	jp_i64(p, v, "minor", JP_REQ, &t->minor, NULL);
	jp_u64(p, v, "rate", JP_REQ, &t->rate, NULL);
}

static void parse_block_io(struct jp *p, const struct jnode *v, struct oci_block_io *b)
{
	parse_weight(p, v, "weight", &b->weight, &b->has_weight);
	parse_weight(p, v, "leafWeight", &b->leaf_weight, &b->has_leaf_weight);
	jp_array(p, v, "weightDevice", JP_OPT, sizeof(struct oci_weight_device), parse_weight_device,
		 (void **)&b->weight_device, &b->weight_device_len);
#define THROTTLE(key, field)                                                                               \
	jp_array(p, v, key, JP_OPT, sizeof(struct oci_throttle_device), parse_throttle_device, (void **)&b->field, \
		 &b->field##_len)
	THROTTLE("throttleReadBpsDevice", throttle_read_bps_device);
	THROTTLE("throttleWriteBpsDevice", throttle_write_bps_device);
	THROTTLE("throttleReadIOPSDevice", throttle_read_iops_device);
	THROTTLE("throttleWriteIOPSDevice", throttle_write_iops_device);
#undef THROTTLE
}

static void parse_hugepage_limit(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_hugepage_limit *h = elem;
	if (jp_str(p, v, "pageSize", JP_REQ, &h->page_size) && !h->page_size[0])
		jp_fail_at(p, "pageSize", "must not be empty");
	jp_u64(p, v, "limit", JP_REQ, &h->limit, NULL);
}

static void parse_net_priority(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_net_priority *n = elem;
	jp_str(p, v, "name", JP_REQ, &n->name);
	jp_u32(p, v, "priority", JP_REQ, &n->priority, NULL);
}

static void parse_rdma(struct jp *p, const char *key, const struct jnode *v, void *elem)
{
	struct oci_rdma *r = elem;
	r->device = xstrdup(key);
	jp_u32(p, v, "hcaHandles", JP_OPT, &r->hca_handles, &r->has_hca_handles);
	jp_u32(p, v, "hcaObjects", JP_OPT, &r->hca_objects, &r->has_hca_objects);
	if (!jnode_get(v, "hcaHandles") && !jnode_get(v, "hcaObjects"))
		jp_fail(p, "needs hcaHandles or hcaObjects");
}

void parse_resources_obj(struct jp *p, const struct jnode *v, struct oci_resources *r)
{
	const struct jnode *o;
	size_t mark;

	jp_array(p, v, "devices", JP_OPT, sizeof(struct oci_device_cgroup), parse_device_cgroup, (void **)&r->devices,
		 &r->devices_len);
	if ((o = jp_enter(p, v, "memory", JP_OPT, &mark))) {
		r->memory = xnew0(struct oci_memory, 1);
		parse_memory(p, o, r->memory);
		jp_pop(p, mark);
	}
	if ((o = jp_enter(p, v, "cpu", JP_OPT, &mark))) {
		r->cpu = xnew0(struct oci_cpu, 1);
		parse_cpu(p, o, r->cpu);
		jp_pop(p, mark);
	}
	if ((o = jp_enter(p, v, "pids", JP_OPT, &mark))) {
		r->pids = xnew0(struct oci_pids, 1);
		jp_i64(p, o, "limit", JP_OPT, &r->pids->limit, &r->pids->has_limit);
		jp_pop(p, mark);
	}
	if ((o = jp_enter(p, v, "blockIO", JP_OPT, &mark))) {
		r->block_io = xnew0(struct oci_block_io, 1);
		parse_block_io(p, o, r->block_io);
		jp_pop(p, mark);
	}
	jp_array(p, v, "hugepageLimits", JP_OPT, sizeof(struct oci_hugepage_limit), parse_hugepage_limit,
		 (void **)&r->hugepage_limits, &r->hugepage_limits_len);
	if ((o = jp_enter(p, v, "network", JP_OPT, &mark))) {
		r->network = xnew0(struct oci_network, 1);
		jp_u32(p, o, "classID", JP_OPT, &r->network->class_id, &r->network->has_class_id);
		jp_array(p, o, "priorities", JP_OPT, sizeof(struct oci_net_priority), parse_net_priority,
			 (void **)&r->network->priorities, &r->network->priorities_len);
		jp_pop(p, mark);
	}
	jp_object_map(p, v, "rdma", JP_OPT, sizeof(struct oci_rdma), parse_rdma, (void **)&r->rdma, &r->rdma_len);
	jp_map(p, v, "unified", JP_OPT, &r->unified);
}

static void parse_resources_doc(struct jp *p, const struct jnode *root, void *out)
{
	parse_resources_obj(p, root, out);
}

int oci_resources_parse(const char *data, size_t len, const char *source, struct oci_resources **ret,
			char ***problems, struct ocirt_error **err)
{
	struct oci_resources *r = xnew0(struct oci_resources, 1);
	int rc = parse_document(data, len, source ? source : "resources", parse_resources_doc, r, problems, err);
	if (rc < 0) {
		oci_resources_free(r);
		return rc;
	}
	*ret = r;
	return 0;
}
