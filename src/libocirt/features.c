/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirt features` (runtime-cli.md 1.8.6). containerd 2.x turns on recursive read-only
 * mounts and pod user namespaces from this document, so every entry must be true of the
 * binary: lists come from the same tables the code uses (mount option table, libcap,
 * libseccomp), not from a copy of runc's output. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <seccomp.h>

#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/caps.h"
#include "libocirt/features.h"
#include "libocirt/mount.h"
#include "libocirt/seccomp.h"
#include "libocispec/oci-config.h"

static const char *const hooks[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

static char **strv_from(const char *const *v)
{
	char **r = xnew0(char *, 1);
	for (; v && *v; v++)
		strv_append(&r, *v);
	return r;
}

static char **mount_options(bool *ret_idmap)
{
	char **r = xnew0(char *, 1);
	*ret_idmap = false;
	for (const struct ocirt_mount_option *o = ocirt_mount_option_table(); o->name; o++) {
		if (!strv_contains(r, o->name))
			strv_append(&r, o->name);
		if (o->kind == OCIRT_MOPT_IDMAP)
			*ret_idmap = true;
	}
	return r;
}

/* "SCMP_ARCH_X86_64" -> libseccomp knows "x86_64"? */
static bool arch_known(const char *name)
{
	char lower[64];
	size_t i;

	if (!strneq(name, "SCMP_ARCH_", 10))
		return false;
	name += 10;
	for (i = 0; name[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower) != 0;
}

/* Actions libseccomp can express at the API level the running library offers. */
static bool action_available(const char *name, unsigned int api)
{
	if (streq(name, "SCMP_ACT_KILL_PROCESS") || streq(name, "SCMP_ACT_LOG"))
		return api >= 3;
	if (streq(name, "SCMP_ACT_NOTIFY"))
		return api >= 5;
	return true;
}

static struct oci_features_seccomp *seccomp_features(void)
{
	struct oci_features_seccomp *s = xnew0(struct oci_features_seccomp, 1);
	unsigned int api = seccomp_api_get();

	s->enabled = true;
	s->actions = xnew0(char *, 1);
	for (const char *const *a = oci_seccomp_actions; *a; a++)
		if (action_available(*a, api))
			strv_append(&s->actions, *a);
	s->operators = strv_from(oci_seccomp_operators);
	s->archs = xnew0(char *, 1);
	for (const char *const *a = oci_seccomp_archs; *a; a++)
		if (arch_known(*a))
			strv_append(&s->archs, *a);
	s->known_flags = strv_from(oci_seccomp_flags);
	s->supported_flags = ocirt_seccomp_supported_flags();
	if (!s->supported_flags)
		s->supported_flags = xnew0(char *, 1);
	return s;
}

struct oci_features *ocirt_features_get(void)
{
	struct oci_features *f = xnew0(struct oci_features, 1);
	struct oci_features_linux *l;
	const struct scmp_version *sv = seccomp_version();
	bool idmap;

	f->oci_version_min = xstrdup("1.0.0");
	f->oci_version_max = xstrdup(OCIRT_SPEC_VERSION);
	f->hooks = strv_from(hooks);
	f->mount_options = mount_options(&idmap);

	l = f->linux_ = xnew0(struct oci_features_linux, 1);
	l->namespaces = strv_from(oci_namespace_types);
	l->capabilities = ocirt_caps_known_names();
	l->cgroup = xnew0(struct oci_features_cgroup, 1);
	l->cgroup->v1 = true;
	l->cgroup->v2 = true;
	l->cgroup->systemd = false; /* the systemd driver is not there yet (cgroup.h) */
	l->cgroup->systemd_user = false;
	l->cgroup->rdma = false;
	l->seccomp = seccomp_features();
	/* lsm.c: AppArmor through procfs (no library needed), SELinux through libselinux */
	l->has_apparmor = true;
	l->apparmor_enabled = true;
	l->has_selinux = true;
#ifdef HAVE_SELINUX
	l->selinux_enabled = true;
#else
	l->selinux_enabled = false;
#endif
	l->has_intel_rdt = true;
	l->intel_rdt_enabled = false;
	l->has_idmap = true;
	l->idmap_enabled = idmap;
	l->has_net_devices = true;
	l->net_devices_enabled = false;

	if (sv) {
		char v[64];
		snprintf(v, sizeof(v), "%u.%u.%u", sv->major, sv->minor, sv->micro);
		oci_map_set(&f->annotations, "io.github.seccomp.libseccomp.version", v);
	}
	oci_map_set(&f->annotations, "io.github.ocirt.version", PACKAGE_VERSION);
	oci_map_set(&f->annotations, "io.github.ocirt.commit", OCIRT_COMMIT);
	return f;
}
