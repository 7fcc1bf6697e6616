/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's init: one ordered table of steps. Every row says why it sits where it
 * sits. A failing step reports ERROR{errno, "<step>: <message>"} to the parent and exits 1;
 * once the parent is gone (after "ready" for `create`) errors go through the exec fifo to
 * `start` instead. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/proc-util.h"
#include "common/strv.h"
#include "common/timing.h"
#include "common/xalloc.h"
#include "libocirt/exe-protect.h"
#include "libocirt/hooks.h"
#include "libocirt/init.h"
#include "libocirt/lsm.h"
#include "libocirt/process.h"
#include "libocirt/rootfs.h"
#include "libocirt/state.h"
#include "libocirt/sync.h"
#include "libocirt/terminal.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_SETPERM 5
#define KEYCTL_DESCRIBE 6
#endif

typedef int (*step_fn)(struct ocirt_init *c, struct ocirt_error **err);

/* Who runs a row: the container's init (create/run), a process `exec` adds to the running
 * container (it joins the namespaces the init set up), or both. */
enum step_who { BOTH = 0, INIT_ONLY, EXEC_ONLY };

struct step {
	const char *name;
	step_fn fn;
	bool self_describing; /* the error already names what failed: no "<step>: " prefix */
	enum step_who who;
};

static bool new_ns(const struct ocirt_init *c, int flag)
{
	return (c->ns->new_flags & flag) != 0;
}

static bool has_ns(const struct ocirt_init *c, int flag)
{
	return ((c->ns->new_flags | c->ns->join_flags) & flag) != 0;
}

static const struct oci_process *proc(const struct ocirt_init *c)
{
	return c->config->process;
}

/* --- namespaces and the process tree --- */

static int step_parent_fds(struct ocirt_init *c, struct ocirt_error **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(c->parent_only_fds); i++)
		if (c->parent_only_fds[i] >= 0) {
			close(c->parent_only_fds[i]);
			c->parent_only_fds[i] = -1;
		}
	/* die with the runtime while it still drives us (it may be killed mid-create) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return ocirt_error_set(err, errno, "prctl(PR_SET_PDEATHSIG)");
	return 0;
}

static int step_wait_parent(struct ocirt_init *c, struct ocirt_error **err)
{
	struct ocirt_sync_msg m;
	return ocirt_sync_expect(c->sync_fd, SYNC_GO, &m, err);
}

static int step_join_namespaces(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_ns_join_all(c->ns, c->ns->join_flags, err);
}

/* Our host uid/gid need not be mapped in the container's user namespace: become its root, or
 * every file and mount point we create fails with EOVERFLOW. */
static int become_userns_root(struct ocirt_error **err)
{
	if (setresgid(0, 0, 0) < 0)
		return ocirt_error_set(err, errno, "setresgid(0) in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return ocirt_error_set(err, errno, "setresuid(0) in the user namespace");
	return 0;
}

static int step_user_namespace(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!new_ns(c, CLONE_NEWUSER))
		return (c->ns->join_flags & CLONE_NEWUSER) ? become_userns_root(err) : 0;
	if (!c->userns_from_clone) {
		if (unshare(CLONE_NEWUSER) < 0)
			return ocirt_error_set(err, errno, "unshare(CLONE_NEWUSER)");
		int r = ocirt_sync_send(c->sync_fd, SYNC_USERNS_REQUEST, 0, NULL, 0, -1);
		if (r < 0)
			return ocirt_error_set(err, -r, "ask for the ID maps");
		struct ocirt_sync_msg m;
		r = ocirt_sync_expect(c->sync_fd, SYNC_USERNS_DONE, &m, err);
		if (r < 0)
			return r;
	}
	/* the maps are written: by the parent before SYNC_GO (clone) or just now (unshare) */
	return become_userns_root(err);
}

/* SECURITY (exe-protect.c, CVE-2019-5736): nothing in the container may open our
 * /proc/PID/exe (the runtime's binary) while we run its image. */
static int step_exe_protect(struct ocirt_init *c, struct ocirt_error **err)
{
	(void)c;
	return ocirt_exe_protect(err);
}

static int step_unshare(struct ocirt_init *c, struct ocirt_error **err)
{
	int flags = c->ns->new_flags & ~(c->clone_flags | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWTIME);
	if (flags && unshare(flags) < 0)
		return ocirt_error_set(err, errno, "unshare(0x%x)", (unsigned)flags);
	return 0;
}

static int step_time_namespace(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!new_ns(c, CLONE_NEWTIME))
		return 0;
	if (unshare(CLONE_NEWTIME) < 0)
		return ocirt_error_set(err, errno, "unshare(CLONE_NEWTIME)");
	const struct oci_linux *l = c->config->linux_;
	for (size_t i = 0; l && i < l->time_offsets_len; i++) {
		const struct oci_time_offset *o = &l->time_offsets[i];
		char buf[128];
		snprintf(buf, sizeof(buf), "%s %lld %u", o->clock, (long long)o->secs, (unsigned)o->nanosecs);
		int r = write_file_string_at(AT_FDCWD, "/proc/self/timens_offsets", buf);
		if (r < 0)
			return ocirt_error_set(err, -r, "write \"%s\" to /proc/self/timens_offsets", buf);
	}
	return 0;
}

static int step_pid_fork(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!c->fork_init) {
		c->in_init = true;
		return 0;
	}
	if (new_ns(c, CLONE_NEWPID) && !(c->clone_flags & CLONE_NEWPID) && unshare(CLONE_NEWPID) < 0)
		return ocirt_error_set(err, errno, "unshare(CLONE_NEWPID)");
	/* CLONE_PARENT: the init becomes the runtime's child (and so, once the runtime exits,
	 * its caller's subreaper's), never ours; we only live in the caller's pid namespace. */
	struct clone_args args = { .flags = CLONE_PARENT };
	pid_t pid = sys_clone3(&args);
	if (pid < 0)
		return ocirt_error_set(err, -pid, "clone3 the container init");
	if (pid == 0) {
		c->in_init = true;
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			return ocirt_error_set(err, errno, "prctl(PR_SET_PDEATHSIG)");
		return 0;
	}
	int32_t p = pid;
	if (ocirt_sync_send(c->sync_fd, SYNC_CHILD_PID, 0, &p, sizeof(p), -1) < 0)
		kill(pid, SIGKILL);
	_exit(0);
}

static int step_setsid(struct ocirt_init *c, struct ocirt_error **err)
{
	if (setsid() < 0)
		return ocirt_error_set(err, errno, "setsid");
	return 0;
}

/* SECURITY (lsm.c): keys the container creates carry its SELinux process label. */
static int step_keyring_label(struct ocirt_init *c, struct ocirt_error **err)
{
	if (c->no_new_keyring || !proc(c))
		return 0;
	return ocirt_lsm_set_keyring_label(proc(c)->selinux_label, err);
}

/* SECURITY (lsm.c): SELinux process label and AppArmor profile, both applied by execve. */
static int step_lsm(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_lsm_apply_exec_labels(proc(c), err);
}

static int step_session_keyring(struct ocirt_init *c, struct ocirt_error **err)
{
	if (c->no_new_keyring)
		return 0;
	char name[1100];
	snprintf(name, sizeof(name), "_ses.%s", c->id);
	long serial = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0);
	if (serial < 0) {
		/* no keyrings in this kernel, or not allowed here (user namespaces, quotas) */
		if (errno == ENOSYS || errno == EPERM || errno == EACCES || errno == EDQUOT)
			return 0;
		return ocirt_error_set(err, errno, "join a new session keyring");
	}
	/* let the container's user search it after the uid switch (user SEARCH bit) */
	char desc[512];
	long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, serial, desc, sizeof(desc) - 1, 0);
	if (n > 0) {
		desc[n < (long)sizeof(desc) ? n : (long)sizeof(desc) - 1] = '\0';
		/* "type;uid;gid;perm;description" */
		char *p = desc;
		for (int i = 0; i < 3 && p; i++) {
			p = strchr(p, ';');
			if (p)
				p++;
		}
		if (p) {
			unsigned long perm = strtoul(p, NULL, 16) | 0x080000UL;
			syscall(SYS_keyctl, KEYCTL_SETPERM, serial, perm, 0, 0);
		}
	}
	return 0;
}

/* --- the root file system (rootfs.h, the rootfs engineer's) --- */

static void rootfs_opts(const struct ocirt_init *c, struct ocirt_rootfs_opts *o)
{
	*o = (struct ocirt_rootfs_opts){
		.config = c->config,
		.bundle = c->bundle,
		.rootfs = c->rootfs,
		.no_pivot = c->no_pivot,
		.userns = has_ns(c, CLONE_NEWUSER),
		.idmapped = c->idmapped,
		.n_idmapped = c->n_idmapped,
		.terminal = proc(c) && proc(c)->terminal,
	};
}

/* Only a new mount namespace gets a root file system built; a joined one already is one. */
static bool builds_rootfs(const struct ocirt_init *c)
{
	return new_ns(c, CLONE_NEWNS);
}

static int step_rootfs_prepare(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!builds_rootfs(c))
		return 0;
	struct ocirt_rootfs_opts o;
	rootfs_opts(c, &o);
	return ocirt_rootfs_prepare(&o, &c->rootfs_fd, err);
}

static int step_mounts(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!builds_rootfs(c))
		return 0;
	struct ocirt_rootfs_opts o;
	rootfs_opts(c, &o);
	return ocirt_rootfs_mounts(&o, c->rootfs_fd, err);
}

static int step_devices(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!builds_rootfs(c))
		return 0;
	struct ocirt_rootfs_opts o;
	rootfs_opts(c, &o);
	return ocirt_rootfs_devices(&o, c->rootfs_fd, err);
}

static int step_pivot(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!has_ns(c, CLONE_NEWNS)) {
		/* no mount namespace: no mounts (they would land on the host), but the process
		 * still gets its root file system */
		if (chroot(c->rootfs) < 0 || chdir("/") < 0)
			return ocirt_error_set(err, errno, "chroot into `%s`", c->rootfs);
		return 0;
	}
	if (!builds_rootfs(c))
		return 0;
	struct ocirt_rootfs_opts o;
	rootfs_opts(c, &o);
	int r = ocirt_rootfs_pivot(&o, c->rootfs_fd, err);
	if (c->rootfs_fd >= 0) {
		close(c->rootfs_fd);
		c->rootfs_fd = -1;
	}
	return r;
}

static int step_finalize(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!builds_rootfs(c))
		return 0;
	struct ocirt_rootfs_opts o;
	rootfs_opts(c, &o);
	return ocirt_rootfs_finalize(&o, err);
}

static int step_protect_paths(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!builds_rootfs(c))
		return 0;
	struct ocirt_rootfs_opts o;
	rootfs_opts(c, &o);
	return ocirt_rootfs_protect_paths(&o, err);
}

static int step_sysctl(struct ocirt_init *c, struct ocirt_error **err)
{
	const struct oci_linux *l = c->config->linux_;
	if (!l || !l->sysctl || l->sysctl->len == 0)
		return 0;
	return ocirt_sysctl_apply(c->config, err);
}

/* --- hooks run by the parent and in the container --- */

/* The state hooks in the container see: the host pid comes from the parent (getpid() is 1
 * in a new pid namespace), recorded when the parent answered the hooks request. */
static pid_t host_pid_cache;

static int step_parent_hooks(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!c->run_parent_hooks)
		return 0;
	int r = ocirt_sync_send(c->sync_fd, SYNC_HOOKS_REQUEST, 0, NULL, 0, -1);
	if (r < 0)
		return ocirt_error_set(err, -r, "ask the runtime to run the hooks");
	struct ocirt_sync_msg m;
	r = ocirt_sync_expect(c->sync_fd, SYNC_HOOKS_DONE, &m, err);
	if (r < 0)
		return r;
	int32_t pid = 0;
	if (m.len == sizeof(pid))
		memcpy(&pid, m.payload, sizeof(pid));
	host_pid_cache = pid;
	return 0;
}

static char *container_state_json(struct ocirt_init *c, const char *status)
{
	return ocirt_hooks_state_json(c->config->oci_version, c->id, status, host_pid_cache, c->bundle,
				      c->config->annotations);
}

static int step_create_container_hooks(struct ocirt_init *c, struct ocirt_error **err)
{
	const struct oci_hooks *h = c->config->hooks;
	if (!h || h->create_container_len == 0)
		return 0;
	_cleanup_free_ char *state = container_state_json(c, "created");
	return ocirt_hooks_run("createContainer", h->create_container, h->create_container_len, state, err);
}

static int step_start_container_hooks(struct ocirt_init *c, struct ocirt_error **err)
{
	const struct oci_hooks *h = c->config->hooks;
	if (!h || h->start_container_len == 0)
		return 0;
	_cleanup_free_ char *state = container_state_json(c, "created");
	return ocirt_hooks_run("startContainer", h->start_container, h->start_container_len, state, err);
}

/* --- the process --- */

static int step_hostname(struct ocirt_init *c, struct ocirt_error **err)
{
	const char *h = c->config->hostname, *d = c->config->domainname;
	if (h && *h && sethostname(h, strlen(h)) < 0)
		return ocirt_error_set(err, errno, "sethostname \"%s\"", h);
	if (d && *d && setdomainname(d, strlen(d)) < 0)
		return ocirt_error_set(err, errno, "setdomainname \"%s\"", d);
	return 0;
}

static int step_terminal(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!proc(c) || !proc(c)->terminal)
		return 0;
	int master = -1;
	/* an exec'd process gets its own pty; /dev/console stays the init's */
	int r = ocirt_terminal_setup(proc(c), !c->exec, &master, err);
	if (r < 0)
		return r;
	if (c->foreground)
		r = ocirt_sync_send(c->sync_fd, SYNC_PTY_MASTER, 0, "pty", 3, master) < 0
			    ? ocirt_error_set(err, EPIPE, "send the pty master to the runtime")
			    : 0;
	else if (c->console_fd >= 0)
		r = ocirt_terminal_send(c->console_fd, master, err);
	else
		r = ocirt_error_setx(err, EINVAL, "no console socket to send the pty master to");
	close(master);
	if (c->console_fd >= 0) {
		close(c->console_fd);
		c->console_fd = -1;
	}
	return r;
}

static int step_rlimits(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_process_rlimits(proc(c), err);
}

static int step_cpu_affinity(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_process_cpu_affinity(proc(c), c->exec, err);
}

static int step_scheduler(struct ocirt_init *c, struct ocirt_error **err)
{
	const struct oci_linux *l = c->config->linux_;
	const char *cpus = l && l->resources && l->resources->cpu ? l->resources->cpu->cpus : NULL;
	return ocirt_process_scheduler(proc(c), cpus, err);
}

static int step_io_priority(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_process_io_priority(proc(c), err);
}

static int step_memory_policy(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_process_memory_policy(c->config->linux_ ? c->config->linux_->memory_policy : NULL, err);
}

static int step_personality(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_process_personality(c->config->linux_ ? c->config->linux_->personality : NULL, err);
}

static int step_oom_score_adj(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_process_oom_score_adj(proc(c), err);
}

static int step_cwd_create(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_process_cwd_create(proc(c), err);
}

static int load_seccomp(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!c->seccomp || c->seccomp_loaded)
		return 0;
	int listener = -1;
	int r = ocirt_seccomp_load(c->seccomp, &listener, err);
	if (r < 0)
		return r;
	c->seccomp_loaded = true;
	if (listener >= 0) {
		struct oci_state st = {
			.oci_version = c->config->oci_version,
			.id = (char *)c->id,
			.status = (char *)"creating",
			.has_pid = true,
			.pid = host_pid_cache,
			.bundle = (char *)c->bundle,
			.annotations = c->config->annotations,
		};
		r = ocirt_seccomp_notify_send(c->seccomp, c->seccomp_notify_fd, listener, &st, err);
		c->seccomp_notify_fd = -1;
		if (r < 0)
			return r;
	}
	return 0;
}

static int step_seccomp_early(struct ocirt_init *c, struct ocirt_error **err)
{
	if (!c->seccomp || !proc(c))
		return 0;
	if (!ocirt_seccomp_load_early(c->seccomp, proc(c)->no_new_privileges, c->caps, proc(c)->user.uid))
		return 0;
	return load_seccomp(c, err);
}

static int step_bounding(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_caps_drop_bounding(c->caps, err);
}

static int step_user(struct ocirt_init *c, struct ocirt_error **err)
{
	int r = ocirt_process_user(proc(c), err);
	if (r < 0)
		return r;
	ocirt_process_umask(proc(c));
	/* a uid change clears the parent-death signal: set it again until "ready" */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return ocirt_error_set(err, errno, "prctl(PR_SET_PDEATHSIG)");
	return 0;
}

static int step_capabilities(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_caps_apply(c->caps, err);
}

static int step_no_new_privs(struct ocirt_init *c, struct ocirt_error **err)
{
	return ocirt_caps_set_no_new_privs(proc(c)->no_new_privileges, err);
}

/* runc's order: chdir while still root with every capability (a cwd the runtime may enter
 * but the process's user may not); on EACCES/EPERM try again as that user, later. */
static int step_cwd_early(struct ocirt_init *c, struct ocirt_error **err)
{
	_cleanup_(ocirt_error_freep) struct ocirt_error *e = NULL;
	int r = ocirt_process_chdir(proc(c), &e);
	if (r == -EACCES || r == -EPERM)
		return 0;
	if (r < 0) {
		if (err)
			*err = TAKE_PTR(e);
		return r;
	}
	c->cwd_done = true;
	return 0;
}

static int step_cwd(struct ocirt_init *c, struct ocirt_error **err)
{
	return c->cwd_done ? 0 : ocirt_process_chdir(proc(c), err);
}

static int step_seccomp(struct ocirt_init *c, struct ocirt_error **err)
{
	return load_seccomp(c, err);
}

static int step_exec_lookup(struct ocirt_init *c, struct ocirt_error **err)
{
	c->env = ocirt_process_env(proc(c), c->listen_fds);
	return ocirt_process_find_exec(proc(c)->args ? proc(c)->args[0] : NULL, c->env, &c->exec_path, err);
}

static int step_close_fds(struct ocirt_init *c, struct ocirt_error **err)
{
	/* fds the init still needs until execve keep O_CLOEXEC; everything else above stdio
	 * and the passed-through fds gets it too, and the passed-through ones lose it. */
	int keep[] = { c->sync_fd, c->state_dirfd, c->log_fd, c->seccomp_notify_fd };
	int r = close_fds_from(3 + c->extra_fds, keep, ARRAY_SIZE(keep), false);
	if (r < 0)
		return ocirt_error_set(err, -r, "mark fds close-on-exec");
	for (int fd = 3; fd < 3 + c->extra_fds; fd++) {
		r = fd_set_cloexec(fd, false);
		if (r < 0 && r != -EBADF)
			return ocirt_error_set(err, -r, "pass fd %d", fd);
	}
	return 0;
}

static int step_ready(struct ocirt_init *c, struct ocirt_error **err)
{
	/* From READY on the runtime may exit (create returns) and we must survive it: drop the
	 * parent-death signal first. Had the runtime died meanwhile, the send below fails
	 * (EPIPE) and we exit instead of parking with nobody to report to. */
	if (prctl(PR_SET_PDEATHSIG, 0) < 0)
		return ocirt_error_set(err, errno, "prctl(PR_SET_PDEATHSIG)");
	/* the payload carries the step marks for --timings */
	uint64_t marks[OCIRT_INIT_MAX_STEPS];
	size_t n = 0;
	if (c->t0)
		for (size_t i = 0; i < c->nsteps; i++)
			marks[n++] = c->marks[i];
	int r = ocirt_sync_send(c->sync_fd, SYNC_READY, 0, marks, n * sizeof(uint64_t), -1);
	if (r < 0)
		_exit(1);
	return 0;
}

static int step_default_signals(struct ocirt_init *c, struct ocirt_error **err)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* SIGKILL/SIGSTOP and glibc's reserved real-time signals refuse this: nothing to reset */
	for (int s = 1; s < NSIG; s++)
		(void)sigaction(s, &dfl, NULL);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return ocirt_error_set(err, errno, "sigprocmask");
	return 0;
}

static int step_exec_fifo(struct ocirt_init *c, struct ocirt_error **err)
{
	/* Blocks until `start` (or run) opens the fifo for reading: runc's way. The state
	 * dirfd reaches the host's state dir across pivot_root. SECURITY: parked non-dumpable,
	 * rootless too (exe-protect.c) */
	int fd = TEMP_FAILURE_RETRY_INT(openat(c->state_dirfd, OCIRT_EXEC_FIFO, O_WRONLY | O_CLOEXEC));
	if (fd < 0)
		return ocirt_error_set(err, errno, "open the exec fifo");
	c->fifo_fd = fd;
	close(c->state_dirfd);
	c->state_dirfd = -1;
	return 0;
}

/* One table. Keep it in this order; each comment says why the row is where it is.
 * `exec` runs the same table minus the INIT_ONLY rows (the container's setup: rootfs, hooks,
 * sysctl, hostname, exec fifo): it joins every namespace, then applies the process settings
 * exactly as the init does. */
static const struct step steps[] = {
	/* first: the init parks for a long time and must not hold the create lock */
	{ "parent fds", step_parent_fds },
	/* SECURITY: exec joins a live container and waits for no ID maps: protected before
	 * its first setns (a container sharing the host's pid namespace sees us at once) */
	{ "exe protect (exec)", step_exe_protect, .who = EXEC_ONLY },
	/* the parent wrote the ID maps (userns from clone) and put us in the cgroup */
	{ "wait for the runtime", step_wait_parent },
	/* joins before creating: a new user namespace would lose the rights to join the
	 * host-owned ones; user first among them, mount last */
	{ "join namespaces", step_join_namespaces },
	/* a user namespace unshared after the joins: the parent writes its maps now, and
	 * the namespaces created next are owned by it */
	{ "user namespace", step_user_namespace },
	/* the ID maps are written (newuidmap checks who owns /proc/PID); before the pid
	 * namespace fork makes us visible to the container's processes */
	{ "exe protect", step_exe_protect },
	/* cgroup ns too: we are in the final cgroup already, so it is rooted there */
	{ "unshare namespaces", step_unshare },
	/* the offsets must be written before any process enters the time namespace */
	{ "time namespace", step_time_namespace },
	/* pid/time namespaces apply to children: fork the init, keep us out of its tree */
	{ "pid namespace", step_pid_fork },
	/* the init leads its own session (controlling tty below) */
	{ "setsid", step_setsid },
	/* the label applies to keyrings created after it: before the session keyring */
	{ "keyring label", step_keyring_label },
	/* a fresh session keyring, before anything runs as the container's user */
	{ "session keyring", step_session_keyring },
	/* before pivot_root: /proc of the host is still there; early so all setup is covered */
	{ "oom_score_adj", step_oom_score_adj },
	/* the rootfs engineer's steps, inside the new mount namespace, before pivot_root */
	{ "rootfs", step_rootfs_prepare, .who = INIT_ONLY },
	{ "mounts", step_mounts, .who = INIT_ONLY },
	{ "devices", step_devices, .who = INIT_ONLY },
	/* prestart + createRuntime in the runtime namespace: namespaces and mounts exist */
	{ "runtime hooks", step_parent_hooks, .who = INIT_ONLY },
	/* in the container's mount namespace, before pivot_root (spec) */
	{ "createContainer hooks", step_create_container_hooks, true, INIT_ONLY },
	{ "pivot_root", step_pivot },
	/* a missing cwd is created as root (runc), inside the new root, before a read-only
	 * root.readonly remount */
	{ "cwd create", step_cwd_create, .who = INIT_ONLY },
	/* deferred read-only remounts and a read-only root: after every mount is in place */
	{ "finalize rootfs", step_finalize, .who = INIT_ONLY },
	/* /proc/sys of the container's namespaces, before readonlyPaths covers /proc/sys */
	{ "sysctl", step_sysctl, .who = INIT_ONLY },
	/* readonlyPaths, maskedPaths, final propagation: after sysctl (runc's order) */
	{ "protect paths", step_protect_paths, .who = INIT_ONLY },
	{ "hostname", step_hostname, .who = INIT_ONLY },
	/* the pty comes from the container's own devpts: after pivot_root */
	{ "terminal", step_terminal },
	/* before the user switch: raising limits needs the privileges we still have */
	{ "rlimits", step_rlimits },
	/* in the container's cgroup (its cpuset bounds the mask); before a deadline policy,
	 * which refuses an affinity change */
	{ "cpu affinity", step_cpu_affinity },
	/* a real-time policy, a raised nice or the RT I/O class need CAP_SYS_NICE/CAP_SYS_ADMIN:
	 * before the user switch; after the last fork (a deadline task cannot fork) */
	{ "scheduler", step_scheduler, true },
	{ "ioPriority", step_io_priority, true },
	/* inherited across execve, like the rest of this group */
	{ "memory policy", step_memory_policy, true },
	/* the personality syscall may be denied by the container's own seccomp filter */
	{ "personality", step_personality },
	/* exec transitions (attr/exec needs the container's /proc): after every mount and
	 * file the runtime writes, before the user switch */
	{ "lsm labels", step_lsm },
	/* seccomp while we still hold CAP_SYS_ADMIN, when the final caps lack it */
	{ "seccomp (privileged)", step_seccomp_early },
	/* PR_CAPBSET_DROP needs CAP_SETPCAP: before the user switch */
	/* first try at the cwd: before the user switch and the capability drop */
	{ "cwd", step_cwd_early },
	{ "bounding", step_bounding },
	{ "user", step_user },
	/* after the user switch (KEEPCAPS kept the permitted set across setuid) */
	{ "capabilities", step_capabilities },
	{ "no_new_privs", step_no_new_privs },
	/* as the container's user: permission errors are the user's */
	{ "cwd", step_cwd },
	/* last privileged step before execve */
	{ "seccomp", step_seccomp },
	/* create-time lookup in the container's PATH: the name makes runc's wording,
	 * `exec: "foo": executable file not found in $PATH` */
	{ "exec", step_exec_lookup },
	{ "close fds", step_close_fds },
	{ "ready", step_ready },
	/* park until start */
	{ "exec fifo", step_exec_fifo, .who = INIT_ONLY },
	/* the program (and its hooks) start with default dispositions and an empty mask,
	 * whatever the caller ignored or blocked (make, shells' background jobs, conmon) */
	{ "default signals", step_default_signals },
	/* in the container, just before execve (spec) */
	{ "startContainer hooks", step_start_container_hooks, true, INIT_ONLY },
};

_Static_assert(ARRAY_SIZE(steps) <= OCIRT_INIT_MAX_STEPS, "raise OCIRT_INIT_MAX_STEPS");

const char *const *ocirt_init_step_names(void)
{
	static const char *names[ARRAY_SIZE(steps) + 1];
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
		names[i] = steps[i].name;
	return names;
}

static _noreturn_ void fail(struct ocirt_init *c, const char *step, bool prefix, struct ocirt_error *e, int code)
{
	if (prefix)
		ocirt_error_prefix(&e, "%s", step);
	if (!e)
		ocirt_error_setx(&e, EINVAL, "%s: failed", step);
	if (c->fifo_fd >= 0) {
		/* `start` reads this from the exec fifo */
		write_all(c->fifo_fd, e->msg, strlen(e->msg));
	}
	ocirt_sync_send_error(c->sync_fd, e);
	_exit(code);
}

_noreturn_ void ocirt_init_main(struct ocirt_init *c)
{
	c->rootfs_fd = -1;
	c->nsteps = ARRAY_SIZE(steps);
	c->fifo_fd = -1;
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		struct ocirt_error *e = NULL;
		if (steps[i].who == (c->exec ? INIT_ONLY : EXEC_ONLY))
			continue;
		if (steps[i].fn(c, &e) < 0)
			fail(c, steps[i].name, !steps[i].self_describing, e, 1);
		ocirt_error_free(e);
		if (c->t0)
			c->marks[i] = ocirt_timing_now_ns();
	}
	/* "0" tells start that the program is about to run; the fifo's O_CLOEXEC closes our
	 * end at execve, which start sees as EOF. */
	if (c->fifo_fd >= 0 && write_all(c->fifo_fd, "0", 1) < 0)
		_exit(1);
	execve(c->exec_path, proc(c)->args, c->env);
	struct ocirt_error *e = NULL;
	ocirt_error_setx(&e, errno, "\"%s\": %s", proc(c)->args[0], strerror(errno));
	fail(c, "exec", true, e, 255);
}
