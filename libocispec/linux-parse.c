/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json's linux section (without linux.resources: resources-parse.c). */
#include "config.h"
#include <string.h>
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocispec/internal.h"

static void parse_namespace(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_namespace *ns = elem;
	jp_enum(p, v, "type", JP_REQ, oci_namespace_types, "namespace type", &ns->type);
	jp_abspath(p, v, "path", JP_OPT, &ns->path);
}

static void parse_time_offset(struct jp *p, const char *key, const struct jnode *v, void *elem)
{
	struct oci_time_offset *t = elem;
	char buf[128];

	t->clock = xstrdup(key);
	if (!str_in(key, oci_time_offset_clocks))
		jp_fail(p, "unknown clock %s", jp_quote(key, buf, sizeof(buf)));
	jp_i64(p, v, "secs", JP_OPT, &t->secs, &t->has_secs);
	if (jp_u32(p, v, "nanosecs", JP_OPT, &t->nanosecs, &t->has_nanosecs) && t->nanosecs >= 1000000000u)
		jp_fail_at(p, "nanosecs", "must be less than 1000000000, got %u", t->nanosecs);
}

static void parse_device(struct jp *p, const struct jnode *v, void *elem)
{
	static const char *const types[] = { "c", "b", "u", "p", NULL };
	struct oci_device *d = elem;
	bool need_numbers;

	jp_enum(p, v, "type", JP_REQ, types, "device type", &d->type);
	jp_abspath(p, v, "path", JP_REQ, &d->path);
	/* major/minor are REQUIRED unless type is p (a FIFO has no device number) */
	need_numbers = d->type && !streq(d->type, "p");
	jp_i64(p, v, "major", need_numbers ? JP_REQ : JP_OPT, &d->major, &d->has_major);
	jp_i64(p, v, "minor", need_numbers ? JP_REQ : JP_OPT, &d->minor, &d->has_minor);
	jp_u32(p, v, "fileMode", JP_OPT, &d->file_mode, &d->has_file_mode);
	jp_u32(p, v, "uid", JP_OPT, &d->uid, &d->has_uid);
	jp_u32(p, v, "gid", JP_OPT, &d->gid, &d->has_gid);
}

static bool action_takes_errno(const char *action)
{
	return action && (streq(action, "SCMP_ACT_ERRNO") || streq(action, "SCMP_ACT_TRACE"));
}

static void parse_seccomp_arg(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_seccomp_arg *a = elem;
	/* seccomp_data has six syscall arguments */
	if (jp_u32(p, v, "index", JP_REQ, &a->index, NULL) && a->index > 5)
		jp_fail_at(p, "index", "must be between 0 and 5, got %u", a->index);
	jp_u64(p, v, "value", JP_REQ, &a->value, NULL);
	jp_u64(p, v, "valueTwo", JP_OPT, &a->value_two, &a->has_value_two);
	jp_enum(p, v, "op", JP_REQ, oci_seccomp_operators, "seccomp operator", &a->op);
}

static void parse_syscall(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_seccomp_syscall *s = elem;
	size_t i;

	if (jp_strv(p, v, "names", JP_REQ, &s->names)) {
		if (!s->names[0])
			jp_fail_at(p, "names", "must contain at least one entry");
		for (i = 0; s->names[i]; i++) {
			if (!s->names[i][0]) {
				size_t mark = jp_push_key(p, "names");
				jp_push_index(p, i);
				jp_fail(p, "syscall name must not be empty");
				jp_pop(p, mark);
			}
		}
	}
	jp_enum(p, v, "action", JP_REQ, oci_seccomp_actions, "seccomp action", &s->action);
	if (jp_u32(p, v, "errnoRet", JP_OPT, &s->errno_ret, &s->has_errno_ret) && s->action &&
	    !action_takes_errno(s->action))
		jp_fail_at(p, "errnoRet", "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s", s->action);
	jp_array(p, v, "args", JP_OPT, sizeof(struct oci_seccomp_arg), parse_seccomp_arg, (void **)&s->args,
		 &s->args_len);
}

static void parse_seccomp(struct jp *p, const struct jnode *v, struct oci_seccomp *s)
{
	jp_enum(p, v, "defaultAction", JP_REQ, oci_seccomp_actions, "seccomp action", &s->default_action);
	if (jp_u32(p, v, "defaultErrnoRet", JP_OPT, &s->default_errno_ret, &s->has_default_errno_ret) &&
	    s->default_action && !action_takes_errno(s->default_action))
		jp_fail_at(p, "defaultErrnoRet", "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
			   s->default_action);
	if (jp_strv(p, v, "architectures", JP_OPT, &s->architectures))
		jp_strv_enum(p, "architectures", s->architectures, oci_seccomp_archs, "seccomp architecture");
	if (jp_strv(p, v, "flags", JP_OPT, &s->flags))
		jp_strv_enum(p, "flags", s->flags, oci_seccomp_flags, "seccomp flag");
	jp_str(p, v, "listenerPath", JP_OPT, &s->listener_path);
	if (jp_str(p, v, "listenerMetadata", JP_OPT, &s->listener_metadata) && !s->listener_path)
		jp_fail_at(p, "listenerMetadata", "must not be set without listenerPath");
	jp_array(p, v, "syscalls", JP_OPT, sizeof(struct oci_seccomp_syscall), parse_syscall, (void **)&s->syscalls,
		 &s->syscalls_len);
}

static void parse_intel_rdt(struct jp *p, const struct jnode *v, struct oci_intel_rdt *r)
{
	char buf[128];

	/* closID names a directory under the resctrl mount */
	if (jp_str(p, v, "closID", JP_OPT, &r->clos_id) &&
	    (!r->clos_id[0] || strchr(r->clos_id, '/') || streq(r->clos_id, ".") || streq(r->clos_id, "..")))
		jp_fail_at(p, "closID", "invalid resctrl group name %s", jp_quote(r->clos_id, buf, sizeof(buf)));
	jp_str(p, v, "l3CacheSchema", JP_OPT, &r->l3_cache_schema);
	if (jp_str(p, v, "memBwSchema", JP_OPT, &r->mem_bw_schema) &&
	    (!strneq(r->mem_bw_schema, "MB:", 3) || strchr(r->mem_bw_schema, '\n')))
		jp_fail_at(p, "memBwSchema", "must start with \"MB:\" and contain no newline");
	jp_strv(p, v, "schemata", JP_OPT, &r->schemata);
	jp_bool(p, v, "enableMonitoring", JP_OPT, &r->enable_monitoring, &r->has_enable_monitoring);
	jp_bool(p, v, "enableCMT", JP_OPT, &r->enable_cmt, &r->has_enable_cmt);
	jp_bool(p, v, "enableMBM", JP_OPT, &r->enable_mbm, &r->has_enable_mbm);
}

/* An interface name the kernel accepts: 1..15 bytes, no '/', ':' or whitespace, not . or .. */
static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15 || streq(s, ".") || streq(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' ||
		    *s == '\v')
			return false;
	return true;
}

static void parse_net_device(struct jp *p, const char *key, const struct jnode *v, void *elem)
{
	struct oci_net_device *d = elem;
	char buf[128];

	d->host_name = xstrdup(key);
	if (key[0] && !valid_ifname(key))
		jp_fail(p, "invalid network interface name %s", jp_quote(key, buf, sizeof(buf)));
	if (jp_str(p, v, "name", JP_OPT, &d->name) && !valid_ifname(d->name))
		jp_fail_at(p, "name", "invalid network interface name %s", jp_quote(d->name, buf, sizeof(buf)));
}

static void check_abs_paths(struct jp *p, const char *key, char **v)
{
	size_t i;
	char buf[128];

	for (i = 0; v && v[i]; i++) {
		if (v[i][0] == '/')
			continue;
		size_t mark = jp_push_key(p, key);
		jp_push_index(p, i);
		jp_fail(p, "must be an absolute path, got %s", jp_quote(v[i], buf, sizeof(buf)));
		jp_pop(p, mark);
	}
}

void parse_linux_obj(struct jp *p, const struct jnode *v, struct oci_linux *l)
{
	const struct jnode *o;
	size_t mark, i;

	jp_array(p, v, "uidMappings", JP_OPT, sizeof(struct oci_id_mapping), parse_id_mapping,
		 (void **)&l->uid_mappings, &l->uid_mappings_len);
	jp_array(p, v, "gidMappings", JP_OPT, sizeof(struct oci_id_mapping), parse_id_mapping,
		 (void **)&l->gid_mappings, &l->gid_mappings_len);
	jp_object_map(p, v, "timeOffsets", JP_OPT, sizeof(struct oci_time_offset), parse_time_offset,
		      (void **)&l->time_offsets, &l->time_offsets_len);
	jp_map(p, v, "sysctl", JP_OPT, &l->sysctl);
	if ((o = jp_enter(p, v, "resources", JP_OPT, &mark))) {
		l->resources = xnew0(struct oci_resources, 1);
		parse_resources_obj(p, o, l->resources);
		jp_pop(p, mark);
	}
	jp_str(p, v, "cgroupsPath", JP_OPT, &l->cgroups_path);
	jp_array(p, v, "namespaces", JP_OPT, sizeof(struct oci_namespace), parse_namespace, (void **)&l->namespaces,
		 &l->namespaces_len);
	{
		bool seen[16] = { false };
		for (i = 0; i < l->namespaces_len; i++) {
			int k = l->namespaces[i].type ? str_index(l->namespaces[i].type, oci_namespace_types) : -1;
			if (k < 0 || (size_t)k >= ARRAY_SIZE(seen))
				continue;
			if (seen[k]) {
				mark = jp_push_key(p, "namespaces");
				jp_push_index(p, i);
				jp_fail_at(p, "type", "duplicated namespace \"%s\"", l->namespaces[i].type);
				jp_pop(p, mark);
			}
			seen[k] = true;
		}
	}
	jp_array(p, v, "devices", JP_OPT, sizeof(struct oci_device), parse_device, (void **)&l->devices,
		 &l->devices_len);
	if ((o = jp_enter(p, v, "seccomp", JP_OPT, &mark))) {
		l->seccomp = xnew0(struct oci_seccomp, 1);
		parse_seccomp(p, o, l->seccomp);
		jp_pop(p, mark);
	}
	jp_enum(p, v, "rootfsPropagation", JP_OPT, oci_rootfs_propagations, "rootfs propagation",
		&l->rootfs_propagation);
	if (jp_strv(p, v, "maskedPaths", JP_OPT, &l->masked_paths))
		check_abs_paths(p, "maskedPaths", l->masked_paths);
	if (jp_strv(p, v, "readonlyPaths", JP_OPT, &l->readonly_paths))
		check_abs_paths(p, "readonlyPaths", l->readonly_paths);
	jp_str(p, v, "mountLabel", JP_OPT, &l->mount_label);
	if ((o = jp_enter(p, v, "intelRdt", JP_OPT, &mark))) {
		l->intel_rdt = xnew0(struct oci_intel_rdt, 1);
		parse_intel_rdt(p, o, l->intel_rdt);
		jp_pop(p, mark);
	}
	if ((o = jp_enter(p, v, "personality", JP_OPT, &mark))) {
		l->personality = xnew0(struct oci_personality, 1);
		jp_enum(p, o, "domain", JP_REQ, oci_personality_domains, "personality domain", &l->personality->domain);
		jp_strv(p, o, "flags", JP_OPT, &l->personality->flags);
		jp_pop(p, mark);
	}
	jp_object_map(p, v, "netDevices", JP_OPT, sizeof(struct oci_net_device), parse_net_device,
		      (void **)&l->net_devices, &l->net_devices_len);
	if ((o = jp_enter(p, v, "memoryPolicy", JP_OPT, &mark))) {
		struct oci_memory_policy *mp = l->memory_policy = xnew0(struct oci_memory_policy, 1);
		/* runc's words ("invalid memory policy ..."), which its tests match; an empty
		 * object is no policy at all (runc), a mode is needed with nodes or flags */
		char buf[128];
		if (jp_str(p, o, "mode", JP_OPT, &mp->mode) && !str_in(mp->mode, oci_memory_policy_modes))
			jp_fail_at(p, "mode", "invalid memory policy mode %s", jp_quote(mp->mode, buf, sizeof(buf)));
		jp_str(p, o, "nodes", JP_OPT, &mp->nodes);
		jp_strv(p, o, "flags", JP_OPT, &mp->flags);
		for (i = 0; mp->flags && mp->flags[i]; i++)
			if (!str_in(mp->flags[i], oci_memory_policy_flags)) {
				size_t m = jp_push_key(p, "flags");
				jp_push_index(p, i);
				jp_fail(p, "invalid memory policy flag %s", jp_quote(mp->flags[i], buf, sizeof(buf)));
				jp_pop(p, m);
			}
		if (!mp->mode && (mp->nodes || (mp->flags && mp->flags[0])))
			jp_fail_at(p, "mode", "invalid memory policy mode: required with nodes or flags");
		jp_pop(p, mark);
	}
}
