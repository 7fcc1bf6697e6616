/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bundle loading and the semantic checks of config.json (see validate.h). Every rule here
 * runs before any namespace, cgroup or state directory exists, so a bad config costs
 * nothing to refuse and leaves nothing behind. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/nsfs.h>
#include <unistd.h>

#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/container.h"
#include "libocirt/mount.h"
#include "libocirt/process.h"
#include "libocirt/validate.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* --- IDs ----------------------------------------------------------------------------- */

int ocirt_validate_id(const char *id, struct ocirt_error **err)
{
	size_t len;

	if (!id)
		return ocirt_error_setx(err, EINVAL, "invalid container ID format");
	len = strlen(id);
	/* runc's ^[\w+-\.]+$ (the range "+-." is "+ , - ."), and path cleaning must not change
	 * it, which rules out "." and ".."; NAME_MAX because it names a directory. */
	if (len == 0 || len > NAME_MAX || streq(id, ".") || streq(id, ".."))
		return ocirt_error_setx(err, EINVAL, "invalid container ID format");
	for (const char *p = id; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '+' || c == ',' || c == '-' || c == '.'))
			return ocirt_error_setx(err, EINVAL, "invalid container ID format");
	}
	return 0;
}

/* --- problem collection -------------------------------------------------------------- */

struct checker {
	char ***problems;
	struct ocirt_error **err;
	bool failed;
};

static void problem(struct checker *ck, const char *fmt, ...) _printf_(2, 3);
static void problem(struct checker *ck, const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *msg = NULL;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (ck->problems)
		strv_push(ck->problems, xasprintf("config.json: %s", msg));
	if (!ck->failed)
		ocirt_error_setx(ck->err, EINVAL, "config.json: %s", msg);
	ck->failed = true;
}

/* --- helpers ------------------------------------------------------------------------- */

char *ocirt_rootfs_path(const struct oci_config *c, const char *bundle_dir)
{
	const char *p = c->root && c->root->path ? c->root->path : "";

	if (p[0] == '/')
		return xstrdup(p);
	if (streq(p, "") || streq(p, "."))
		return xstrdup(bundle_dir);
	return xasprintf("%s/%s", bundle_dir, p);
}

static const struct oci_namespace *find_ns(const struct oci_config *c, const char *type)
{
	if (!c->linux_)
		return NULL;
	for (size_t i = 0; i < c->linux_->namespaces_len; i++)
		if (c->linux_->namespaces[i].type && streq(c->linux_->namespaces[i].type, type))
			return &c->linux_->namespaces[i];
	return NULL;
}

static int ns_clone_flag(const char *type)
{
	static const struct {
		const char *type;
		int flag;
	} t[] = {
		{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
		{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
		{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (streq(t[i].type, type))
			return t[i].flag;
	return 0;
}

static const char *ns_type_name(int flag)
{
	switch (flag) {
	case CLONE_NEWPID:
		return "pid";
	case CLONE_NEWNET:
		return "network";
	case CLONE_NEWNS:
		return "mount";
	case CLONE_NEWIPC:
		return "ipc";
	case CLONE_NEWUTS:
		return "uts";
	case CLONE_NEWUSER:
		return "user";
	case CLONE_NEWCGROUP:
		return "cgroup";
	case CLONE_NEWTIME:
		return "time";
	}
	return "unknown";
}

/* A namespace path must be a namespace file of the declared type. */
static void check_ns_path(struct checker *ck, size_t i, const struct oci_namespace *ns)
{
	_cleanup_close_ int fd = -1;
	struct statfs sfs;
	int type;

	fd = open(ns->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		problem(ck, ".linux.namespaces[%zu].path: open \"%s\": %s", i, ns->path, strerror(errno));
		return;
	}
	if (fstatfs(fd, &sfs) == 0 && sfs.f_type != NSFS_MAGIC) {
		problem(ck, ".linux.namespaces[%zu].path: \"%s\" is not a namespace file", i, ns->path);
		return;
	}
	type = ioctl(fd, NS_GET_NSTYPE); /* Linux 4.11 */
	if (type >= 0 && type != ns_clone_flag(ns->type))
		problem(ck, ".linux.namespaces[%zu].path: \"%s\" is a %s namespace, not a %s namespace", i, ns->path,
			ns_type_name(type), ns->type);
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static bool id_mapped(const struct oci_id_mapping *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && (uint64_t)id < (uint64_t)m[i].container_id + m[i].size)
			return true;
	return false;
}

/* --- the checks ---------------------------------------------------------------------- */

static void check_root(struct checker *ck, const struct oci_config *c, const char *bundle_dir)
{
	_cleanup_free_ char *rootfs = NULL;
	struct stat st;

	if (!c->root || !c->root->path) {
		problem(ck, ".root.path: missing: the container needs a root filesystem");
		return;
	}
	rootfs = ocirt_rootfs_path(c, bundle_dir);
	if (stat(rootfs, &st) < 0) {
		if (errno == ENOENT)
			problem(ck, ".root.path: rootfs \"%s\" does not exist", rootfs);
		else
			problem(ck, ".root.path: rootfs \"%s\": %s", rootfs, strerror(errno));
	} else if (!S_ISDIR(st.st_mode))
		problem(ck, ".root.path: rootfs \"%s\" is not a directory", rootfs);
}

/* runc's rules (libcontainer/configs/validate), in its words. */
static void check_scheduler(struct checker *ck, const struct oci_process *p)
{
	const struct oci_scheduler *s = p->scheduler;

	if (!s)
		return;
	if ((streq(s->policy, "SCHED_OTHER") || streq(s->policy, "SCHED_BATCH")) && (s->nice < -20 || s->nice > 19))
		problem(ck, ".process.scheduler.nice: invalid scheduler.nice: %d when scheduler.policy is %s",
			(int)s->nice, s->policy);
	if (s->priority != 0 && !streq(s->policy, "SCHED_FIFO") && !streq(s->policy, "SCHED_RR"))
		problem(ck, ".process.scheduler.priority: scheduler.priority can only be specified for SchedFIFO or "
			    "SchedRR policy");
	if (!streq(s->policy, "SCHED_DEADLINE") && (s->runtime || s->deadline || s->period))
		problem(ck, ".process.scheduler: scheduler runtime/deadline/period can only be specified for "
			    "SchedDeadline policy");
}

static void check_process(struct checker *ck, const struct oci_config *c)
{
	const struct oci_process *p = c->process;

	if (!p) {
		problem(ck, ".process: missing: the container needs a process to run");
		return;
	}
	if (!p->args || !p->args[0])
		problem(ck, ".process.args: must not be empty");
	else if (!*p->args[0])
		problem(ck, ".process.args[0]: must not be an empty string");
	if (!p->cwd || p->cwd[0] != '/')
		problem(ck, ".process.cwd: must be an absolute path");
	for (size_t i = 0; i < p->rlimits_len; i++)
		for (size_t j = 0; j < i; j++)
			if (p->rlimits[i].type && p->rlimits[j].type && streq(p->rlimits[i].type, p->rlimits[j].type)) {
				problem(ck, ".process.rlimits[%zu].type: duplicate \"%s\" (also .process.rlimits[%zu])", i,
					p->rlimits[i].type, j);
				break;
			}
	for (size_t i = 0; p->env && p->env[i]; i++) {
		const char *why = ocirt_process_env_problem(p->env[i]);
		if (why)
			problem(ck, ".process.env[%zu]: %s: \"%s\"", i, why, p->env[i]);
	}
	check_scheduler(ck, p);
	if (p->exec_cpu_affinity) {
		const char *v[] = { p->exec_cpu_affinity->initial, p->exec_cpu_affinity->final };
		for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
			cpu_set_t *set;
			size_t size;
			if (v[i] && ocirt_process_parse_cpus(v[i], &set, &size) < 0)
				problem(ck, ".process.execCPUAffinity.%s: invalid CPU list \"%s\"", i ? "final" : "initial",
					v[i]);
			else if (v[i])
				CPU_FREE(set);
		}
	}
	if (p->io_priority && (p->io_priority->priority < 0 || p->io_priority->priority > 7))
		problem(ck, ".process.ioPriority.priority: invalid ioPriority.Priority: %d (0 to 7)",
			(int)p->io_priority->priority);
	for (size_t i = 0; i < p->rlimits_len; i++)
		if (p->rlimits[i].soft > p->rlimits[i].hard)
			problem(ck, ".process.rlimits[%zu]: soft limit %llu is above the hard limit %llu", i,
				(unsigned long long)p->rlimits[i].soft, (unsigned long long)p->rlimits[i].hard);
}

static void check_namespaces(struct checker *ck, const struct oci_config *c)
{
	const struct oci_linux *l = c->linux_;

	if (!l)
		return;
	for (size_t i = 0; i < l->namespaces_len; i++) {
		const struct oci_namespace *ns = &l->namespaces[i];
		if (!ns->type)
			continue;
		for (size_t j = 0; j < i; j++)
			if (l->namespaces[j].type && streq(l->namespaces[j].type, ns->type)) {
				problem(ck, ".linux.namespaces[%zu].type: duplicate namespace \"%s\"", i, ns->type);
				break;
			}
		if (ns->path && *ns->path)
			check_ns_path(ck, i, ns);
	}
}

static void check_userns(struct checker *ck, const struct oci_config *c)
{
	const struct oci_linux *l = c->linux_;
	const struct oci_namespace *userns = find_ns(c, "user");
	bool new_userns = userns && !(userns->path && *userns->path);

	if (!l)
		return;
	if (!userns) {
		if (geteuid() != 0)
			problem(ck, ".linux.namespaces: rootless container requires user namespaces");
		if (l->uid_mappings_len)
			problem(ck, ".linux.uidMappings: uid mappings need a user namespace (no \"user\" entry in "
				    ".linux.namespaces)");
		if (l->gid_mappings_len)
			problem(ck, ".linux.gidMappings: gid mappings need a user namespace (no \"user\" entry in "
				    ".linux.namespaces)");
		return;
	}
	if (!new_userns)
		return;
	if (!l->uid_mappings_len && !l->gid_mappings_len && geteuid() != 0) {
		/* rootless: the caller's own ids become root (userns.c, crun's default) */
		if (c->process && (c->process->user.uid != 0 || c->process->user.gid != 0))
			problem(ck, ".process.user: without uidMappings/gidMappings a rootless container maps only "
				    "the caller's IDs, to 0:0; %u:%u is not mapped",
				c->process->user.uid, c->process->user.gid);
		return;
	}
	if (!l->uid_mappings_len)
		problem(ck, ".linux.uidMappings: a new user namespace needs uid mappings");
	if (!l->gid_mappings_len)
		problem(ck, ".linux.gidMappings: a new user namespace needs gid mappings");
	for (size_t i = 0; i < l->uid_mappings_len; i++)
		if (l->uid_mappings[i].size == 0)
			problem(ck, ".linux.uidMappings[%zu].size: must not be 0", i);
	for (size_t i = 0; i < l->gid_mappings_len; i++)
		if (l->gid_mappings[i].size == 0)
			problem(ck, ".linux.gidMappings[%zu].size: must not be 0", i);
	if (c->process && l->uid_mappings_len && !id_mapped(l->uid_mappings, l->uid_mappings_len, c->process->user.uid))
		problem(ck, ".process.user.uid: %u is not mapped in .linux.uidMappings", c->process->user.uid);
	if (c->process && l->gid_mappings_len && !id_mapped(l->gid_mappings, l->gid_mappings_len, c->process->user.gid))
		problem(ck, ".process.user.gid: %u is not mapped in .linux.gidMappings", c->process->user.gid);
}

static void check_uts(struct checker *ck, const struct oci_config *c)
{
	bool uts = find_ns(c, "uts") != NULL;

	if (c->hostname && *c->hostname && !uts)
		problem(ck, ".hostname: unable to set hostname without a private UTS namespace");
	if (c->domainname && *c->domainname && !uts)
		problem(ck, ".domainname: unable to set domainname without a private UTS namespace");
}

/* A ".." component would climb out of the cgroup mount ("/sys/fs/cgroup/cpu/../../x"):
 * refused, where runc cleans it away silently. */
static void check_cgroups_path(struct checker *ck, const struct oci_config *c)
{
	const char *p = c->linux_ ? c->linux_->cgroups_path : NULL;

	for (const char *q = p; q && *q; q += strcspn(q, "/"), q += *q == '/')
		if (strneq(q, "..", 2) && (q[2] == '/' || q[2] == '\0')) {
			problem(ck, ".linux.cgroupsPath: must not contain \"..\", got \"%s\"", p);
			return;
		}
}

/* runc's rules: only namespaced sysctls, and only with the namespace they belong to. */
static void check_sysctl(struct checker *ck, const struct oci_config *c)
{
	static const char *const ipc_sysctls[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	const struct oci_map *m = c->linux_ ? c->linux_->sysctl : NULL;

	if (!m)
		return;
	for (size_t i = 0; i < m->len; i++) {
		const char *k = m->items[i].key;
		bool ipc = strneq(k, "fs.mqueue.", 10);

		for (size_t j = 0; j < ARRAY_SIZE(ipc_sysctls); j++)
			if (streq(k, ipc_sysctls[j]))
				ipc = true;
		if (ipc) {
			if (!find_ns(c, "ipc"))
				problem(ck, ".linux.sysctl[\"%s\"]: needs a private IPC namespace (it would change the host's)",
					k);
		} else if (strneq(k, "net.", 4)) {
			const struct oci_namespace *net = find_ns(c, "network");
			if (!net)
				problem(ck,
					".linux.sysctl[\"%s\"]: needs a private network namespace (it would change the host's)",
					k);
			/* joining our own network namespace is changing the host's */
			else if (net->path && *net->path && same_file(net->path, "/proc/self/ns/net"))
				problem(ck, ".linux.sysctl[\"%s\"]: the network namespace \"%s\" is the host's", k,
					net->path);
		} else if (streq(k, "kernel.hostname") || streq(k, "kernel.domainname")) {
			bool host = streq(k, "kernel.hostname");
			const char *field = host ? c->hostname : c->domainname;
			if (!find_ns(c, "uts"))
				problem(ck, ".linux.sysctl[\"%s\"]: needs a private UTS namespace (it would change the host's)",
					k);
			else if (field && *field)
				problem(ck, ".linux.sysctl[\"%s\"]: conflicts with .%s", k, host ? "hostname" : "domainname");
		} else
			problem(ck, ".linux.sysctl[\"%s\"]: not in a separate kernel namespace: it would change the host",
				k);
	}
}

static void check_timens(struct checker *ck, const struct oci_config *c)
{
	const struct oci_namespace *t = find_ns(c, "time");

	if (!c->linux_ || !c->linux_->time_offsets_len)
		return;
	if (!t)
		problem(ck, ".linux.timeOffsets: needs a time namespace (no \"time\" entry in .linux.namespaces)");
	else if (t->path && *t->path)
		problem(ck, ".linux.timeOffsets: cannot set offsets when joining the existing time namespace \"%s\"",
			t->path);
}

static void check_linux_misc(struct checker *ck, const struct oci_config *c)
{
	const struct oci_linux *l = c->linux_;

	if (!l)
		return;
	for (size_t i = 0; l->masked_paths && l->masked_paths[i]; i++)
		if (l->masked_paths[i][0] != '/')
			problem(ck, ".linux.maskedPaths[%zu]: \"%s\" is not an absolute path", i, l->masked_paths[i]);
	for (size_t i = 0; l->readonly_paths && l->readonly_paths[i]; i++)
		if (l->readonly_paths[i][0] != '/')
			problem(ck, ".linux.readonlyPaths[%zu]: \"%s\" is not an absolute path", i, l->readonly_paths[i]);
	if (l->intel_rdt)
		problem(ck, ".linux.intelRdt: Intel RDT is not supported by ocirt");
	if (l->net_devices_len)
		problem(ck, ".linux.netDevices: moving network devices is not supported by ocirt");
}

static void check_mounts(struct checker *ck, const struct oci_config *c)
{
	for (size_t i = 0; i < c->mounts_len; i++) {
		const struct oci_mount *m = &c->mounts[i];
		bool bind = m->type && streq(m->type, "bind");

		for (size_t j = 0; !bind && m->options && m->options[j]; j++)
			if (streq(m->options[j], "bind") || streq(m->options[j], "rbind"))
				bind = true;
		if (!m->destination || !*m->destination)
			problem(ck, ".mounts[%zu].destination: must not be empty", i);
		if (bind && (!m->source || !*m->source))
			problem(ck, ".mounts[%zu].source: a bind mount needs a source", i);
		if (ocirt_mount_is_idmapped(m)) {
			/* runtime-spec idmap/ridmap, with runc 1.2's rules */
			const struct oci_namespace *u = find_ns(c, "user");
			if (!bind)
				problem(ck, ".mounts[%zu]: idmapped mounts are only supported for bind mounts", i);
			if (!m->uid_mappings_len != !m->gid_mappings_len)
				problem(ck, ".mounts[%zu]: uidMappings and gidMappings must be given together", i);
			for (size_t j = 0; j < m->uid_mappings_len; j++)
				if (m->uid_mappings[j].size == 0)
					problem(ck, ".mounts[%zu].uidMappings[%zu].size: must not be 0", i, j);
			for (size_t j = 0; j < m->gid_mappings_len; j++)
				if (m->gid_mappings[j].size == 0)
					problem(ck, ".mounts[%zu].gidMappings[%zu].size: must not be 0", i, j);
			if (!m->uid_mappings_len && !m->gid_mappings_len && (!u || (u->path && *u->path)))
				problem(ck, ".mounts[%zu]: \"idmap\" without uidMappings/gidMappings takes the "
					    "container's user namespace mappings, and it has no new user namespace",
					i);
		}
	}
}

int ocirt_validate_config(const struct oci_config *c, const char *bundle_dir, char ***problems,
			  struct ocirt_error **err)
{
	struct checker ck = { problems, err, false };

	check_root(&ck, c, bundle_dir);
	check_process(&ck, c);
	check_namespaces(&ck, c);
	check_userns(&ck, c);
	check_uts(&ck, c);
	check_cgroups_path(&ck, c);
	check_sysctl(&ck, c);
	check_timens(&ck, c);
	check_linux_misc(&ck, c);
	check_mounts(&ck, c);
	return ck.failed ? -EINVAL : 0;
}

/* --- bundles ------------------------------------------------------------------------- */

void ocirt_bundle_free(struct ocirt_bundle *b)
{
	if (!b)
		return;
	free(b->path);
	free(b->rootfs);
	oci_config_free(b->config);
	free(b);
}

int ocirt_bundle_load(const char *bundle_dir, struct ocirt_bundle **ret, char ***problems,
		      struct ocirt_error **err)
{
	_cleanup_free_ char *path = NULL;
	struct oci_config *cfg = NULL;
	struct ocirt_bundle *b;
	struct stat st;
	int r;

	if (stat(bundle_dir, &st) < 0) {
		r = ocirt_error_set(err, errno, "bundle `%s`", bundle_dir);
		goto fail;
	}
	if (!S_ISDIR(st.st_mode)) {
		r = ocirt_error_set(err, ENOTDIR, "bundle `%s`", bundle_dir);
		goto fail;
	}
	path = xasprintf("%s/config.json", bundle_dir);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		/* runc's words */
		r = ocirt_error_setx(err, ENOENT, "JSON specification file config.json not found");
		goto fail;
	}
	r = oci_config_parse_file(path, &cfg, problems, err);
	if (r < 0)
		return r; /* the parser recorded its problems already */
	r = ocirt_validate_config(cfg, bundle_dir, problems, err);
	if (r < 0) {
		oci_config_free(cfg);
		return r;
	}
	b = xnew0(struct ocirt_bundle, 1);
	b->path = xstrdup(bundle_dir);
	b->rootfs = ocirt_rootfs_path(cfg, bundle_dir);
	b->config = cfg;
	*ret = b;
	return 0;
fail:
	if (problems && err && *err)
		strv_append(problems, (*err)->msg);
	return r;
}
