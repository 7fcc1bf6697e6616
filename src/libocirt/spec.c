/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The starter config.json of `ocirt spec` (runtime-cli.md 1.7 spec). It has the shape
 * runc's has, so that scripts and tests written for `runc spec` work unchanged: args
 * ["sh"], a terminal, five namespaces, the usual mounts, masked and readonly paths, three
 * capabilities, RLIMIT_NOFILE 1024 and noNewPrivileges. The rootless variant adds a user
 * namespace mapping the caller's ids to root, drops the network namespace (an unprivileged
 * user can't configure it) and swaps the mounts an unprivileged user cannot make. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/cgroup.h"
#include "libocirt/container.h"

static char **strv_of(const char *const *v)
{
	char **r = xnew0(char *, 1);
	for (; *v; v++)
		strv_append(&r, *v);
	return r;
}

#define STRV(...) strv_of((const char *const[]){ __VA_ARGS__, NULL })

static void add_mount(struct oci_config *c, const char *dest, const char *type, const char *source, char **options)
{
	struct oci_mount *m;

	c->mounts = xreallocarray(c->mounts, c->mounts_len + 1, sizeof(*c->mounts));
	m = &c->mounts[c->mounts_len++];
	memset(m, 0, sizeof(*m));
	m->destination = xstrdup(dest);
	m->type = xstrdup(type);
	m->source = xstrdup(source);
	m->options = options;
}

static void add_namespace(struct oci_linux *l, const char *type)
{
	l->namespaces = xreallocarray(l->namespaces, l->namespaces_len + 1, sizeof(*l->namespaces));
	memset(&l->namespaces[l->namespaces_len], 0, sizeof(*l->namespaces));
	l->namespaces[l->namespaces_len++].type = xstrdup(type);
}

static struct oci_id_mapping *one_mapping(uint32_t host_id)
{
	struct oci_id_mapping *m = xnew0(struct oci_id_mapping, 1);
	m->container_id = 0;
	m->host_id = host_id;
	m->size = 1;
	return m;
}

struct oci_config *ocirt_spec_default(bool rootless)
{
	struct oci_config *c = xnew0(struct oci_config, 1);
	struct oci_process *p;
	struct oci_linux *l;

	/* The version this document conforms to, not the newest ocirt implements: it only uses
	 * 1.0 fields, and runtimes that check the version (crun 1.8 refuses 1.2.x with
	 * "unknown version specified") must run it unchanged. */
	c->oci_version = xstrdup("1.0.2");

	p = c->process = xnew0(struct oci_process, 1);
	p->has_terminal = true;
	p->terminal = true;
	p->user.uid = 0;
	p->user.gid = 0;
	p->args = STRV("sh");
	p->env = STRV("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm");
	p->cwd = xstrdup("/");
	p->capabilities = xnew0(struct oci_capabilities, 1);
	p->capabilities->bounding = STRV("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
	p->capabilities->effective = strv_copy(p->capabilities->bounding);
	p->capabilities->permitted = strv_copy(p->capabilities->bounding);
	p->capabilities->ambient = strv_copy(p->capabilities->bounding);
	p->rlimits = xnew0(struct oci_rlimit, 1);
	p->rlimits_len = 1;
	p->rlimits[0].type = xstrdup("RLIMIT_NOFILE");
	p->rlimits[0].hard = 1024;
	p->rlimits[0].soft = 1024;
	p->has_no_new_privileges = true;
	p->no_new_privileges = true;

	c->root = xnew0(struct oci_root, 1);
	c->root->path = xstrdup("rootfs");
	c->root->has_readonly = true;
	c->root->readonly = true;

	c->hostname = xstrdup("ocirt");

	add_mount(c, "/proc", "proc", "proc", NULL);
	add_mount(c, "/dev", "tmpfs", "tmpfs", STRV("nosuid", "strictatime", "mode=755", "size=65536k"));
	if (rootless)
		/* gid 5 (tty) is usually not mapped in a rootless user namespace */
		add_mount(c, "/dev/pts", "devpts", "devpts",
			  STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
	else
		add_mount(c, "/dev/pts", "devpts", "devpts",
			  STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
	add_mount(c, "/dev/shm", "tmpfs", "shm", STRV("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
	add_mount(c, "/dev/mqueue", "mqueue", "mqueue", STRV("nosuid", "noexec", "nodev"));
	if (rootless)
		/* without a network namespace of its own, a user namespace can't mount sysfs */
		add_mount(c, "/sys", "none", "/sys", STRV("rbind", "nosuid", "noexec", "nodev", "ro"));
	else
		add_mount(c, "/sys", "sysfs", "sysfs", STRV("nosuid", "noexec", "nodev", "ro"));
	add_mount(c, "/sys/fs/cgroup", "cgroup", "cgroup", STRV("nosuid", "noexec", "nodev", "relatime", "ro"));

	l = c->linux_ = xnew0(struct oci_linux, 1);
	if (rootless) {
		l->uid_mappings = one_mapping(geteuid());
		l->uid_mappings_len = 1;
		l->gid_mappings = one_mapping(getegid());
		l->gid_mappings_len = 1;
	} else {
		/* deny every device; the runtime adds the standard ones */
		l->resources = xnew0(struct oci_resources, 1);
		l->resources->devices = xnew0(struct oci_device_cgroup, 1);
		l->resources->devices_len = 1;
		l->resources->devices[0].allow = false;
		l->resources->devices[0].access = xstrdup("rwm");
	}
	add_namespace(l, "pid");
	if (!rootless)
		add_namespace(l, "network");
	add_namespace(l, "ipc");
	add_namespace(l, "uts");
	add_namespace(l, "mount");
	/* runc adds a cgroup namespace on pure cgroup v2 hosts */
	if (ocirt_cgroup_detect_layout() == OCIRT_CGROUP_UNIFIED)
		add_namespace(l, "cgroup");
	if (rootless)
		add_namespace(l, "user");
	l->masked_paths = STRV("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
			       "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
			       "/proc/scsi");
	l->readonly_paths = STRV("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
	return c;
}
