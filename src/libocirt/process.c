/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/path-util.h"
#include "common/proc-util.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "common/timing.h"
#include "libocirt/caps.h"
#include "libocirt/container.h"
#include "libocirt/lsm.h"
#include "libocirt/process.h"
#include "libocirt/seccomp.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

static void fmt_limit(uint64_t v, char *buf, size_t size)
{
	if (v == (uint64_t)RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, v);
}

int ocirt_process_rlimits(const struct oci_process *p, struct ocirt_error **err)
{
	for (size_t i = 0; p && p->rlimits && i < p->rlimits_len; i++) {
		const struct oci_rlimit *rl = &p->rlimits[i];
		int res = -1;
		for (size_t k = 0; k < ARRAY_SIZE(rlimit_names); k++)
			if (streq(rlimit_names[k].name, rl->type))
				res = rlimit_names[k].resource;
		if (res < 0)
			return ocirt_error_setx(err, EINVAL, "wrong rlimit value: %s", rl->type);
		struct rlimit lim = { .rlim_cur = (rlim_t)rl->soft, .rlim_max = (rlim_t)rl->hard };
		if (setrlimit(res, &lim) == 0)
			continue;
		int e = errno;
		char soft[32], hard[32], cur[32];
		fmt_limit(rl->soft, soft, sizeof(soft));
		fmt_limit(rl->hard, hard, sizeof(hard));
		struct rlimit now;
		if (e == EPERM && getrlimit(res, &now) == 0) {
			fmt_limit((uint64_t)now.rlim_max, cur, sizeof(cur));
			return ocirt_error_set(err, e,
					       "setrlimit %s (soft %s, hard %s): the hard limit is %s and raising it "
					       "needs CAP_SYS_RESOURCE",
					       rl->type, soft, hard, cur);
		}
		return ocirt_error_set(err, e, "setrlimit %s (soft %s, hard %s)", rl->type, soft, hard);
	}
	return 0;
}

int ocirt_process_oom_score_adj(const struct oci_process *p, struct ocirt_error **err)
{
	if (!p || !p->has_oom_score_adj)
		return 0;
	char v[16];
	snprintf(v, sizeof(v), "%d", (int)p->oom_score_adj);
	int r = write_file_string_at(AT_FDCWD, "/proc/self/oom_score_adj", v);
	if (r < 0)
		return ocirt_error_set(err, -r, "write %s to /proc/self/oom_score_adj", v);
	return 0;
}

/* The kernel's struct sched_attr (linux/sched/types.h clashes with glibc's sched.h). */
struct kernel_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

/* Index i of oci_scheduler_policies is the kernel's policy number (SCHED_OTHER 0 ...
 * SCHED_DEADLINE 6); flag i of oci_scheduler_flags is bit i (SCHED_FLAG_RESET_ON_FORK 0x01 ...). */
static uint32_t name_index(const char *const *names, const char *name)
{
	uint32_t i = 0;
	while (names[i] && !streq(names[i], name))
		i++;
	return i;
}

int ocirt_process_scheduler(const struct oci_process *p, const char *cpuset_cpus, struct ocirt_error **err)
{
	const struct oci_scheduler *s = p ? p->scheduler : NULL;
	if (!s)
		return 0;
	struct kernel_sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = name_index(oci_scheduler_policies, s->policy),
		.sched_nice = s->nice,
		.sched_priority = (uint32_t)s->priority,
		.sched_runtime = s->runtime,
		.sched_deadline = s->deadline,
		.sched_period = s->period,
	};
	for (size_t i = 0; s->flags && s->flags[i]; i++)
		attr.sched_flags |= UINT64_C(1) << name_index(oci_scheduler_flags, s->flags[i]);
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0) {
		if (errno == EPERM && cpuset_cpus && *cpuset_cpus)
			return ocirt_error_set(err, EPERM, "process scheduler can't be used together with AllowedCPUs");
		return ocirt_error_set(err, errno, "error setting scheduler %s", s->policy);
	}
	return 0;
}

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

int ocirt_process_io_priority(const struct oci_process *p, struct ocirt_error **err)
{
	const struct oci_io_priority *io = p ? p->io_priority : NULL;
	if (!io)
		return 0;
	/* IOPRIO_CLASS_RT 1, _BE 2, _IDLE 3: one more than the index in the table */
	int prio = (int)((name_index(oci_ioprio_classes, io->class_) + 1) << IOPRIO_CLASS_SHIFT) | io->priority;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
		return ocirt_error_set(err, errno, "failed to set io priority %s %d", io->class_, (int)io->priority);
	return 0;
}

/* CPUs the masks cover at least: the kernel takes a longer mask and ignores the CPUs it lacks. */
#define MIN_CPUS 1024

int ocirt_process_parse_cpus(const char *list, cpu_set_t **ret, size_t *ret_size)
{
	unsigned long lo, hi, max = MIN_CPUS - 1;
	const char *q = list;
	char *end;

	/* first pass: syntax and the highest CPU */
	do {
		if (!isdigit((unsigned char)*q))
			return -EINVAL;
		lo = hi = strtoul(q, &end, 10);
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			hi = strtoul(end + 1, &end, 10);
		}
		if (hi < lo || hi >= 1UL << 20 || (*end != ',' && *end != '\0'))
			return -EINVAL;
		if (hi > max)
			max = hi;
		q = end + 1;
	} while (*end == ',');
	cpu_set_t *set = CPU_ALLOC(max + 1);
	if (!set)
		abort();
	size_t size = CPU_ALLOC_SIZE(max + 1);
	CPU_ZERO_S(size, set);
	q = list;
	do {
		lo = hi = strtoul(q, &end, 10);
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		for (unsigned long cpu = lo; cpu <= hi; cpu++)
			CPU_SET_S(cpu, size, set);
		q = end + 1;
	} while (*end == ',');
	*ret = set;
	*ret_size = size;
	return 0;
}

int ocirt_process_cpu_affinity(const struct oci_process *p, bool exec, struct ocirt_error **err)
{
	const char *final = exec && p && p->exec_cpu_affinity ? p->exec_cpu_affinity->final : NULL;
	cpu_set_t *set;
	size_t size;

	if (final) {
		if (ocirt_process_parse_cpus(final, &set, &size) < 0)
			return ocirt_error_set(err, EINVAL, "invalid execCPUAffinity.final \"%s\"", final);
	} else {
		set = CPU_ALLOC(MIN_CPUS);
		if (!set)
			abort();
		size = CPU_ALLOC_SIZE(MIN_CPUS);
		memset(set, 0xff, size);
	}
	int r = sched_setaffinity(0, size, set);
	int e = errno;
	CPU_FREE(set);
	if (r < 0)
		return ocirt_error_set(err, e, "sched_setaffinity %s", final ? final : "(every CPU)");
	return 0;
}

static const struct {
	const char *name;
	int value;
} mempolicy_names[] = {
	/* the kernel's MPOL_* and MPOL_F_* values (linux/mempolicy.h) */
	{ "MPOL_DEFAULT", 0 },
	{ "MPOL_PREFERRED", 1 },
	{ "MPOL_BIND", 2 },
	{ "MPOL_INTERLEAVE", 3 },
	{ "MPOL_LOCAL", 4 },
	{ "MPOL_PREFERRED_MANY", 5 },
	{ "MPOL_WEIGHTED_INTERLEAVE", 6 },
	{ "MPOL_F_NUMA_BALANCING", 1 << 13 },
	{ "MPOL_F_RELATIVE_NODES", 1 << 14 },
	{ "MPOL_F_STATIC_NODES", 1 << 15 },
};

static int mempolicy_value(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mempolicy_names); i++)
		if (streq(mempolicy_names[i].name, name))
			return mempolicy_names[i].value;
	return 0;
}

int ocirt_process_memory_policy(const struct oci_memory_policy *mp, struct ocirt_error **err)
{
	if (!mp || !mp->mode)
		return 0;
	int mode = mempolicy_value(mp->mode);
	for (size_t i = 0; mp->flags && mp->flags[i]; i++)
		mode |= mempolicy_value(mp->flags[i]);
	cpu_set_t *nodes = NULL;
	size_t size = 0;
	if (mp->nodes && *mp->nodes && ocirt_process_parse_cpus(mp->nodes, &nodes, &size) < 0)
		return ocirt_error_setx(err, EINVAL, "invalid memory policy nodes \"%s\"", mp->nodes);
	long r = syscall(SYS_set_mempolicy, mode, (unsigned long *)nodes, nodes ? size * 8 : 0);
	int e = errno;
	CPU_FREE(nodes);
	if (r < 0)
		/* Go's lower-case errno words: runc's test matches "set_mempolicy ... invalid argument" */
		return ocirt_error_setx(err, e, "set_mempolicy %s %s: %s", mp->mode, mp->nodes ? mp->nodes : "",
					e == EINVAL ? "invalid argument" : strerror(e));
	return 0;
}

int ocirt_process_personality(const struct oci_personality *pers, struct ocirt_error **err)
{
	if (!pers || !pers->domain)
		return 0;
	unsigned long domain = streq(pers->domain, "LINUX32") ? PER_LINUX32 : PER_LINUX;
	if (personality(domain) < 0)
		return ocirt_error_set(err, errno, "personality %s", pers->domain);
	return 0;
}

int ocirt_process_user(const struct oci_process *p, struct ocirt_error **err)
{
	const struct oci_user *u = &p->user;
	gid_t *gids = NULL;
	size_t n = u->additional_gids_len;
	if (n > 0) {
		gids = xnew0(gid_t, n);
		for (size_t i = 0; i < n; i++)
			gids[i] = (gid_t)u->additional_gids[i];
	}
	int r = setgroups(n, gids);
	int e = errno;
	free(gids);
	if (r < 0) {
		/* setgroups is denied in a user namespace with /proc/self/setgroups "deny":
		 * fine when nothing was asked for. */
		bool denied = false;
		_cleanup_free_ char *sg = NULL;
		if (read_file_at(AT_FDCWD, "/proc/self/setgroups", 64, &sg, NULL) == 0 && strncmp(sg, "deny", 4) == 0)
			denied = true;
		if (!(e == EPERM && denied && n == 0))
			return ocirt_error_set(err, e, "setgroups");
	}
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return ocirt_error_set(err, errno, "setresgid %u", (unsigned)u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return ocirt_error_set(err, errno, "setresuid %u", (unsigned)u->uid);
	return 0;
}

void ocirt_process_umask(const struct oci_process *p)
{
	umask(p && p->user.has_umask ? (mode_t)p->user.umask : 0022);
}

/* SECURITY (CVE-2024-21626): cwd is resolved inside our root, magic links refused, so
 * "/proc/self/fd/N" naming an fd the init still holds (the host's state dir) or "../.."
 * cannot put the process, or a created directory, outside the rootfs. */
int ocirt_process_cwd_create(const struct oci_process *p, struct ocirt_error **err)
{
	if (!p || !p->cwd || !*p->cwd)
		return 0;
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return ocirt_error_set(err, errno, "create cwd `%s`: open /", p->cwd);
	int fd = ocirt_path_mkdir_in_root(root, p->cwd, 0755);
	if (fd < 0)
		return ocirt_error_set(err, -fd, "create cwd `%s`", p->cwd);
	close(fd);
	return 0;
}

int ocirt_process_chdir(const struct oci_process *p, struct ocirt_error **err)
{
	const char *cwd = p && p->cwd && *p->cwd ? p->cwd : "/";
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	char buf[PATH_MAX];

	fd = root < 0 ? -errno : ocirt_path_open_in_root(root, cwd, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return ocirt_error_set(err, -fd, "chdir to cwd (\"%s\") set in config.json", cwd);
	if (fchdir(fd) < 0)
		return ocirt_error_set(err, errno, "chdir to cwd (\"%s\") set in config.json", cwd);
	/* belt and braces: a directory outside our root has no path from it */
	if (!getcwd(buf, sizeof(buf)) && errno != ENAMETOOLONG)
		return ocirt_error_set(err, errno, "chdir to cwd (\"%s\") set in config.json: outside the root", cwd);
	return 0;
}

static const char *env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}

/* NAME=VALUE (taken over) replaces the entry of NAME in place, or comes last. */
static void env_put(char ***env, char *entry)
{
	size_t len = strcspn(entry, "=");
	for (size_t i = 0; *env && (*env)[i]; i++)
		if (strncmp((*env)[i], entry, len) == 0 && (*env)[i][len] == '=') {
			free((*env)[i]);
			(*env)[i] = entry;
			return;
		}
	strv_push(env, entry);
}

static void env_set(char ***env, const char *name, const char *value)
{
	env_put(env, xasprintf("%s=%s", name, value));
}

/* HOME of uid from the container's /etc/passwd, "/" when not found (runc's fallback). */
static char *home_of(uid_t uid)
{
	_cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
	char line[1024];
	while (f && fgets(line, sizeof(line), f)) {
		/* name:pw:uid:gid:gecos:home:shell */
		char *fields[7] = { 0 };
		char *s = line;
		int i;
		for (i = 0; i < 7 && s; i++) {
			fields[i] = s;
			s = strchr(s, ':');
			if (s)
				*s++ = '\0';
		}
		if (i < 6 || !fields[2] || !fields[5])
			continue;
		char *end;
		unsigned long v = strtoul(fields[2], &end, 10);
		if (*end == '\0' && v == uid && fields[5][0])
			return xstrdup(fields[5]);
	}
	return xstrdup("/");
}

const char *ocirt_process_env_problem(const char *entry)
{
	if (!strchr(entry, '='))
		return "invalid environment variable";
	if (entry[0] == '=')
		return "environment variable name can't be empty";
	return NULL;
}

char **ocirt_process_env(const struct oci_process *p, int listen_fds)
{
	/* runc's rules: a name given twice keeps its first place and its last value; an empty
	 * HOME counts as none */
	char **env = xnew0(char *, 1);
	for (size_t i = 0; p->env && p->env[i]; i++)
		env_put(&env, xstrdup(p->env[i]));
	const char *h = env_get(env, "HOME");
	if (!h || !*h) {
		_cleanup_free_ char *home = home_of(p->user.uid);
		env_set(&env, "HOME", home);
	}
	if (listen_fds > 0) {
		char n[16];
		snprintf(n, sizeof(n), "%d", listen_fds);
		env_set(&env, "LISTEN_FDS", n);
		env_set(&env, "LISTEN_PID", "1");
	}
	return env;
}

/* 0 when path is an executable regular file for us; -EACCES / -ENOENT otherwise. */
static int check_exec(const char *path, int *ret_stat_errno)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		*ret_stat_errno = errno;
		return -errno;
	}
	*ret_stat_errno = 0;
	if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
		return -EACCES;
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return -EACCES;
	return 0;
}

int ocirt_process_find_exec(const char *arg0, char *const *env, char **ret, struct ocirt_error **err)
{
	if (!arg0 || !*arg0)
		return ocirt_error_setx(err, EINVAL, "process.args is empty");
	int serr;
	if (strchr(arg0, '/')) {
		int r = check_exec(arg0, &serr);
		if (r == 0) {
			*ret = xstrdup(arg0);
			return 0;
		}
		if (serr) {
			/* Go's lower-case wording: Docker and Podman match "no such file or directory" */
			char msg[128];
			snprintf(msg, sizeof(msg), "%s", strerror(serr));
			msg[0] = (char)tolower((unsigned char)msg[0]);
			return ocirt_error_setx(err, serr, "\"%s\": stat %s: %s", arg0, arg0, msg);
		}
		return ocirt_error_setx(err, EACCES, "\"%s\": permission denied", arg0);
	}
	const char *path = env_get(env, "PATH");
	if (!path)
		path = DEFAULT_PATH;
	_cleanup_free_ char *copy = xstrdup(path);
	/* an empty element means the current directory */
	for (char *dir = copy; dir;) {
		char *next = strchr(dir, ':');
		if (next)
			*next++ = '\0';
		_cleanup_free_ char *cand = xasprintf("%s/%s", *dir ? dir : ".", arg0);
		if (check_exec(cand, &serr) == 0) {
			*ret = TAKE_PTR(cand);
			return 0;
		}
		dir = next;
	}
	return ocirt_error_setx(err, ENOENT, "\"%s\": executable file not found in $PATH", arg0);
}

int ocirt_process_check_preserved_fds(int first, int n, struct ocirt_error **err)
{
	for (int fd = first; fd < first + n; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0)
			return ocirt_error_set(err, errno, "unable to stat preserved-fd %d (of %d)", fd - first, n);
	}
	return 0;
}

int ocirt_process_prepare_privileges(struct ocirt_context *ctx, const struct oci_config *c, struct ocirt_caps **caps,
				     struct ocirt_seccomp **seccomp, struct ocirt_error **err)
{
	int r = ocirt_caps_prepare(c->process->capabilities, caps, err);
	if (r < 0)
		return r;
	/* SECURITY: SELinux/AppArmor labels the host can't apply fail before any namespace */
	r = ocirt_lsm_validate(c, err);
	if (r < 0)
		return r;
	if (c->linux_ && c->linux_->seccomp) {
		_cleanup_free_ char *cache = ocirt_seccomp_cache_dir(ctx->state_root);
		r = ocirt_seccomp_compile(c->linux_->seccomp, cache, seccomp, err);
		if (r < 0)
			return r;
		ocirt_timing_mark("seccomp compile");
	}
	return 0;
}
