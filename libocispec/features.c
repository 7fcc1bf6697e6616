/* SPDX-License-Identifier: GPL-2.0-or-later */
/* features.json (features.md, features-linux.md). Values are only type-checked: a newer
 * runtime may list actions or flags this one does not know. */
#include "config.h"
#include <string.h>
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocispec/internal.h"
#include "libocispec/oci-features.h"

static bool enabled_flag(struct jp *p, const struct jnode *v, const char *key, bool *out)
{
	const struct jnode *o;
	size_t mark;
	bool has = false;

	if ((o = jp_enter(p, v, key, JP_OPT, &mark))) {
		has = true;
		jp_bool(p, o, "enabled", JP_OPT, out, NULL);
		jp_pop(p, mark);
	}
	return has;
}

static void parse_features_linux(struct jp *p, const struct jnode *v, struct oci_features_linux *l)
{
	const struct jnode *o, *o2;
	size_t mark, mark2;

	jp_strv(p, v, "namespaces", JP_OPT, &l->namespaces);
	jp_strv(p, v, "capabilities", JP_OPT, &l->capabilities);
	if ((o = jp_enter(p, v, "cgroup", JP_OPT, &mark))) {
		struct oci_features_cgroup *c = l->cgroup = xnew0(struct oci_features_cgroup, 1);
		jp_bool(p, o, "v1", JP_OPT, &c->v1, NULL);
		jp_bool(p, o, "v2", JP_OPT, &c->v2, NULL);
		jp_bool(p, o, "systemd", JP_OPT, &c->systemd, NULL);
		jp_bool(p, o, "systemdUser", JP_OPT, &c->systemd_user, NULL);
		jp_bool(p, o, "rdma", JP_OPT, &c->rdma, NULL);
		jp_pop(p, mark);
	}
	if ((o = jp_enter(p, v, "seccomp", JP_OPT, &mark))) {
		struct oci_features_seccomp *s = l->seccomp = xnew0(struct oci_features_seccomp, 1);
		jp_bool(p, o, "enabled", JP_OPT, &s->enabled, NULL);
		jp_strv(p, o, "actions", JP_OPT, &s->actions);
		jp_strv(p, o, "operators", JP_OPT, &s->operators);
		jp_strv(p, o, "archs", JP_OPT, &s->archs);
		jp_strv(p, o, "knownFlags", JP_OPT, &s->known_flags);
		jp_strv(p, o, "supportedFlags", JP_OPT, &s->supported_flags);
		jp_pop(p, mark);
	}
	l->has_apparmor = enabled_flag(p, v, "apparmor", &l->apparmor_enabled);
	l->has_selinux = enabled_flag(p, v, "selinux", &l->selinux_enabled);
	l->has_intel_rdt = enabled_flag(p, v, "intelRdt", &l->intel_rdt_enabled);
	if ((o = jp_enter(p, v, "mountExtensions", JP_OPT, &mark))) {
		if ((o2 = jp_enter(p, o, "idmap", JP_OPT, &mark2))) {
			l->has_idmap = true;
			jp_bool(p, o2, "enabled", JP_OPT, &l->idmap_enabled, NULL);
			jp_pop(p, mark2);
		}
		jp_pop(p, mark);
	}
	l->has_net_devices = enabled_flag(p, v, "netDevices", &l->net_devices_enabled);
}

static void parse_features_doc(struct jp *p, const struct jnode *root, void *out)
{
	struct oci_features *f = out;
	const struct jnode *o;
	size_t mark;

	jp_str(p, root, "ociVersionMin", JP_REQ, &f->oci_version_min);
	jp_str(p, root, "ociVersionMax", JP_REQ, &f->oci_version_max);
	jp_strv(p, root, "hooks", JP_OPT, &f->hooks);
	jp_strv(p, root, "mountOptions", JP_OPT, &f->mount_options);
	if ((o = jp_enter(p, root, "linux", JP_OPT, &mark))) {
		f->linux_ = xnew0(struct oci_features_linux, 1);
		parse_features_linux(p, o, f->linux_);
		jp_pop(p, mark);
	}
	jp_map(p, root, "annotations", JP_OPT, &f->annotations);
	jp_strv(p, root, "potentiallyUnsafeConfigAnnotations", JP_OPT, &f->potentially_unsafe_config_annotations);
}

void oci_features_free(struct oci_features *f)
{
	if (!f)
		return;
	free(f->oci_version_min);
	free(f->oci_version_max);
	strv_free(f->hooks);
	strv_free(f->mount_options);
	if (f->linux_) {
		strv_free(f->linux_->namespaces);
		strv_free(f->linux_->capabilities);
		free(f->linux_->cgroup);
		if (f->linux_->seccomp) {
			strv_free(f->linux_->seccomp->actions);
			strv_free(f->linux_->seccomp->operators);
			strv_free(f->linux_->seccomp->archs);
			strv_free(f->linux_->seccomp->known_flags);
			strv_free(f->linux_->seccomp->supported_flags);
			free(f->linux_->seccomp);
		}
		free(f->linux_);
	}
	oci_map_free(f->annotations);
	strv_free(f->potentially_unsafe_config_annotations);
	free(f);
}

int oci_features_parse(const char *data, size_t len, const char *source, struct oci_features **ret,
		       struct ocirt_error **err)
{
	struct oci_features *f = xnew0(struct oci_features, 1);
	int r = parse_document(data, len, source ? source : "features.json", parse_features_doc, f, NULL, err);
	if (r < 0) {
		oci_features_free(f);
		return r;
	}
	*ret = f;
	return 0;
}

static void gen_enabled(struct jg *j, const char *key, bool has, bool enabled)
{
	if (!has)
		return;
	jg_kopen(j, key);
	jg_kbool(j, "enabled", true, enabled);
	jg_close(j);
}

int oci_features_generate(const struct oci_features *f, bool pretty, char **ret_json, size_t *ret_len,
			  struct ocirt_error **err)
{
	struct jg j;

	jg_init(&j, pretty);
	jg_open(&j);
	jg_kstr(&j, "ociVersionMin", f->oci_version_min);
	jg_kstr(&j, "ociVersionMax", f->oci_version_max);
	jg_kstrv(&j, "hooks", f->hooks);
	jg_kstrv(&j, "mountOptions", f->mount_options);
	if (f->linux_) {
		const struct oci_features_linux *l = f->linux_;
		jg_kopen(&j, "linux");
		jg_kstrv(&j, "namespaces", l->namespaces);
		jg_kstrv(&j, "capabilities", l->capabilities);
		if (l->cgroup) {
			jg_kopen(&j, "cgroup");
			jg_kbool(&j, "v1", true, l->cgroup->v1);
			jg_kbool(&j, "v2", true, l->cgroup->v2);
			jg_kbool(&j, "systemd", true, l->cgroup->systemd);
			jg_kbool(&j, "systemdUser", true, l->cgroup->systemd_user);
			jg_kbool(&j, "rdma", true, l->cgroup->rdma);
			jg_close(&j);
		}
		if (l->seccomp) {
			jg_kopen(&j, "seccomp");
			jg_kbool(&j, "enabled", true, l->seccomp->enabled);
			jg_kstrv(&j, "actions", l->seccomp->actions);
			jg_kstrv(&j, "operators", l->seccomp->operators);
			jg_kstrv(&j, "archs", l->seccomp->archs);
			jg_kstrv(&j, "knownFlags", l->seccomp->known_flags);
			jg_kstrv(&j, "supportedFlags", l->seccomp->supported_flags);
			jg_close(&j);
		}
		gen_enabled(&j, "apparmor", l->has_apparmor, l->apparmor_enabled);
		gen_enabled(&j, "selinux", l->has_selinux, l->selinux_enabled);
		gen_enabled(&j, "intelRdt", l->has_intel_rdt, l->intel_rdt_enabled);
		if (l->has_idmap) {
			jg_kopen(&j, "mountExtensions");
			gen_enabled(&j, "idmap", true, l->idmap_enabled);
			jg_close(&j);
		}
		gen_enabled(&j, "netDevices", l->has_net_devices, l->net_devices_enabled);
		jg_close(&j);
	}
	jg_kmap(&j, "annotations", f->annotations);
	jg_kstrv(&j, "potentiallyUnsafeConfigAnnotations", f->potentially_unsafe_config_annotations);
	jg_close(&j);
	return jg_finish(&j, "features.json", ret_json, ret_len, err);
}
