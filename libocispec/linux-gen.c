/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Generation of config.json's linux section and of linux.resources alone. */
#include "config.h"
#include <string.h>
#include "libocispec/internal.h"

static void gen_throttle(struct jg *j, const char *key, const struct oci_throttle_device *t, size_t n)
{
	size_t i;

	if (!t)
		return;
	jg_kaopen(j, key);
	for (i = 0; i < n; i++) {
		jg_open(j);
		jg_ki64(j, "major", true, t[i].major);
		jg_ki64(j, "minor", true, t[i].minor);
		jg_ku64(j, "rate", true, t[i].rate);
		jg_close(j);
	}
	jg_aclose(j);
}

static void gen_block_io(struct jg *j, const struct oci_block_io *b)
{
	size_t i;

	jg_kopen(j, "blockIO");
	jg_ku64(j, "weight", b->has_weight, b->weight);
	jg_ku64(j, "leafWeight", b->has_leaf_weight, b->leaf_weight);
	if (b->weight_device) {
		jg_kaopen(j, "weightDevice");
		for (i = 0; i < b->weight_device_len; i++) {
			const struct oci_weight_device *w = &b->weight_device[i];
			jg_open(j);
			jg_ki64(j, "major", true, w->major);
			jg_ki64(j, "minor", true, w->minor);
			jg_ku64(j, "weight", w->has_weight, w->weight);
			jg_ku64(j, "leafWeight", w->has_leaf_weight, w->leaf_weight);
			jg_close(j);
		}
		jg_aclose(j);
	}
	gen_throttle(j, "throttleReadBpsDevice", b->throttle_read_bps_device, b->throttle_read_bps_device_len);
	gen_throttle(j, "throttleWriteBpsDevice", b->throttle_write_bps_device, b->throttle_write_bps_device_len);
	gen_throttle(j, "throttleReadIOPSDevice", b->throttle_read_iops_device, b->throttle_read_iops_device_len);
	gen_throttle(j, "throttleWriteIOPSDevice", b->throttle_write_iops_device, b->throttle_write_iops_device_len);
	jg_close(j);
}

void gen_resources(struct jg *j, const struct oci_resources *r)
{
	size_t i;

	jg_open(j);
	if (r->devices) {
		jg_kaopen(j, "devices");
		for (i = 0; i < r->devices_len; i++) {
			const struct oci_device_cgroup *d = &r->devices[i];
			jg_open(j);
			jg_kbool(j, "allow", true, d->allow);
			jg_kstr(j, "type", d->type);
			jg_ki64(j, "major", d->has_major, d->major);
			jg_ki64(j, "minor", d->has_minor, d->minor);
			jg_kstr(j, "access", d->access);
			jg_close(j);
		}
		jg_aclose(j);
	}
	if (r->memory) {
		const struct oci_memory *m = r->memory;
		jg_kopen(j, "memory");
		jg_ki64(j, "limit", m->has_limit, m->limit);
		jg_ki64(j, "reservation", m->has_reservation, m->reservation);
		jg_ki64(j, "swap", m->has_swap, m->swap);
		jg_ki64(j, "kernel", m->has_kernel, m->kernel);
		jg_ki64(j, "kernelTCP", m->has_kernel_tcp, m->kernel_tcp);
		jg_ku64(j, "swappiness", m->has_swappiness, m->swappiness);
		jg_kbool(j, "disableOOMKiller", m->has_disable_oom_killer, m->disable_oom_killer);
		jg_kbool(j, "useHierarchy", m->has_use_hierarchy, m->use_hierarchy);
		jg_kbool(j, "checkBeforeUpdate", m->has_check_before_update, m->check_before_update);
		jg_close(j);
	}
	if (r->cpu) {
		const struct oci_cpu *c = r->cpu;
		jg_kopen(j, "cpu");
		jg_ku64(j, "shares", c->has_shares, c->shares);
		jg_ki64(j, "quota", c->has_quota, c->quota);
		jg_ku64(j, "burst", c->has_burst, c->burst);
		jg_ku64(j, "period", c->has_period, c->period);
		jg_ki64(j, "realtimeRuntime", c->has_realtime_runtime, c->realtime_runtime);
		jg_ku64(j, "realtimePeriod", c->has_realtime_period, c->realtime_period);
		jg_kstr(j, "cpus", c->cpus);
		jg_kstr(j, "mems", c->mems);
		jg_ki64(j, "idle", c->has_idle, c->idle);
		jg_close(j);
	}
	if (r->pids) {
		jg_kopen(j, "pids");
		jg_ki64(j, "limit", r->pids->has_limit, r->pids->limit);
		jg_close(j);
	}
	if (r->block_io)
		gen_block_io(j, r->block_io);
	if (r->hugepage_limits) {
		jg_kaopen(j, "hugepageLimits");
		for (i = 0; i < r->hugepage_limits_len; i++) {
			jg_open(j);
			jg_kstr(j, "pageSize", r->hugepage_limits[i].page_size);
			jg_ku64(j, "limit", true, r->hugepage_limits[i].limit);
			jg_close(j);
		}
		jg_aclose(j);
	}
	if (r->network) {
		jg_kopen(j, "network");
		jg_ku64(j, "classID", r->network->has_class_id, r->network->class_id);
		if (r->network->priorities) {
			jg_kaopen(j, "priorities");
			for (i = 0; i < r->network->priorities_len; i++) {
				jg_open(j);
				jg_kstr(j, "name", r->network->priorities[i].name);
				jg_ku64(j, "priority", true, r->network->priorities[i].priority);
				jg_close(j);
			}
			jg_aclose(j);
		}
		jg_close(j);
	}
	if (r->rdma) {
		jg_kopen(j, "rdma");
		for (i = 0; i < r->rdma_len; i++) {
			jg_kopen(j, r->rdma[i].device ? r->rdma[i].device : "");
			jg_ku64(j, "hcaHandles", r->rdma[i].has_hca_handles, r->rdma[i].hca_handles);
			jg_ku64(j, "hcaObjects", r->rdma[i].has_hca_objects, r->rdma[i].hca_objects);
			jg_close(j);
		}
		jg_close(j);
	}
	jg_kmap(j, "unified", r->unified);
	jg_close(j);
}

static void gen_seccomp(struct jg *j, const struct oci_seccomp *s)
{
	size_t i, k;

	jg_kopen(j, "seccomp");
	jg_kstr(j, "defaultAction", s->default_action);
	jg_ku64(j, "defaultErrnoRet", s->has_default_errno_ret, s->default_errno_ret);
	jg_kstrv(j, "architectures", s->architectures);
	jg_kstrv(j, "flags", s->flags);
	jg_kstr(j, "listenerPath", s->listener_path);
	jg_kstr(j, "listenerMetadata", s->listener_metadata);
	if (s->syscalls) {
		jg_kaopen(j, "syscalls");
		for (i = 0; i < s->syscalls_len; i++) {
			const struct oci_seccomp_syscall *sc = &s->syscalls[i];
			jg_open(j);
			jg_kstrv(j, "names", sc->names);
			jg_kstr(j, "action", sc->action);
			jg_ku64(j, "errnoRet", sc->has_errno_ret, sc->errno_ret);
			if (sc->args) {
				jg_kaopen(j, "args");
				for (k = 0; k < sc->args_len; k++) {
					const struct oci_seccomp_arg *a = &sc->args[k];
					jg_open(j);
					jg_ku64(j, "index", true, a->index);
					jg_ku64(j, "value", true, a->value);
					jg_ku64(j, "valueTwo", a->has_value_two, a->value_two);
					jg_kstr(j, "op", a->op);
					jg_close(j);
				}
				jg_aclose(j);
			}
			jg_close(j);
		}
		jg_aclose(j);
	}
	jg_close(j);
}

void gen_linux(struct jg *j, const struct oci_linux *l)
{
	size_t i;

	jg_open(j);
	gen_id_mappings(j, "uidMappings", l->uid_mappings, l->uid_mappings_len);
	gen_id_mappings(j, "gidMappings", l->gid_mappings, l->gid_mappings_len);
	jg_kmap(j, "sysctl", l->sysctl);
	if (l->resources) {
		jg_key(j, "resources");
		gen_resources(j, l->resources);
	}
	jg_kstr(j, "cgroupsPath", l->cgroups_path);
	if (l->namespaces) {
		jg_kaopen(j, "namespaces");
		for (i = 0; i < l->namespaces_len; i++) {
			jg_open(j);
			jg_kstr(j, "type", l->namespaces[i].type);
			jg_kstr(j, "path", l->namespaces[i].path);
			jg_close(j);
		}
		jg_aclose(j);
	}
	if (l->devices) {
		jg_kaopen(j, "devices");
		for (i = 0; i < l->devices_len; i++) {
			const struct oci_device *d = &l->devices[i];
			jg_open(j);
			jg_kstr(j, "path", d->path);
			jg_kstr(j, "type", d->type);
			jg_ki64(j, "major", d->has_major, d->major);
			jg_ki64(j, "minor", d->has_minor, d->minor);
			jg_ku64(j, "fileMode", d->has_file_mode, d->file_mode);
			jg_ku64(j, "uid", d->has_uid, d->uid);
			jg_ku64(j, "gid", d->has_gid, d->gid);
			jg_close(j);
		}
		jg_aclose(j);
	}
	if (l->net_devices) {
		jg_kopen(j, "netDevices");
		for (i = 0; i < l->net_devices_len; i++) {
			jg_kopen(j, l->net_devices[i].host_name ? l->net_devices[i].host_name : "");
			jg_kstr(j, "name", l->net_devices[i].name);
			jg_close(j);
		}
		jg_close(j);
	}
	if (l->seccomp)
		gen_seccomp(j, l->seccomp);
	jg_kstr(j, "rootfsPropagation", l->rootfs_propagation);
	jg_kstrv(j, "maskedPaths", l->masked_paths);
	jg_kstrv(j, "readonlyPaths", l->readonly_paths);
	jg_kstr(j, "mountLabel", l->mount_label);
	if (l->intel_rdt) {
		const struct oci_intel_rdt *r = l->intel_rdt;
		jg_kopen(j, "intelRdt");
		jg_kstr(j, "closID", r->clos_id);
		jg_kstrv(j, "schemata", r->schemata);
		jg_kstr(j, "l3CacheSchema", r->l3_cache_schema);
		jg_kstr(j, "memBwSchema", r->mem_bw_schema);
		jg_kbool(j, "enableMonitoring", r->has_enable_monitoring, r->enable_monitoring);
		jg_kbool(j, "enableCMT", r->has_enable_cmt, r->enable_cmt);
		jg_kbool(j, "enableMBM", r->has_enable_mbm, r->enable_mbm);
		jg_close(j);
	}
	if (l->memory_policy) {
		jg_kopen(j, "memoryPolicy");
		jg_kstr(j, "mode", l->memory_policy->mode);
		jg_kstr(j, "nodes", l->memory_policy->nodes);
		jg_kstrv(j, "flags", l->memory_policy->flags);
		jg_close(j);
	}
	if (l->personality) {
		jg_kopen(j, "personality");
		jg_kstr(j, "domain", l->personality->domain);
		jg_kstrv(j, "flags", l->personality->flags);
		jg_close(j);
	}
	if (l->time_offsets) {
		jg_kopen(j, "timeOffsets");
		for (i = 0; i < l->time_offsets_len; i++) {
			jg_kopen(j, l->time_offsets[i].clock ? l->time_offsets[i].clock : "");
			jg_ki64(j, "secs", l->time_offsets[i].has_secs, l->time_offsets[i].secs);
			jg_ku64(j, "nanosecs", l->time_offsets[i].has_nanosecs, l->time_offsets[i].nanosecs);
			jg_close(j);
		}
		jg_close(j);
	}
	jg_close(j);
}

int oci_resources_generate(const struct oci_resources *r, bool pretty, char **ret_json, size_t *ret_len,
			   struct ocirt_error **err)
{
	struct jg j;

	jg_init(&j, pretty);
	gen_resources(&j, r);
	return jg_finish(&j, "resources", ret_json, ret_len, err);
}
