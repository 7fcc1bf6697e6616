/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parent side of create/run (see ARCHITECTURE.md "Start flow"):
 *
 *   load + validate -> state dir (atomic, locked) -> config copy, exec fifo -> cgroup dirs
 *   (+ resources) -> console socket, seccomp -> clone3 the child with the new namespaces
 *   -> ID maps -> cgroup.procs -> GO -> serve the child's requests (ID maps for a late user
 *   namespace, the init's pid after a pid-namespace fork, prestart + createRuntime hooks,
 *   the pty master of a foreground run) until READY -> status file -> pid file.
 *
 * Any failure tears down what was made, in reverse, and returns one error. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fault.h"
#include "common/fd-util.h"
#include "common/log.h"
#include "common/proc-util.h"
#include "common/strv.h"
#include "common/timing.h"
#include "common/xalloc.h"
#include "libocirt/cgroup.h"
#include "libocirt/container-cgroup.h"
#include "libocirt/exe-protect.h"
#include "libocirt/hooks.h"
#include "libocirt/init.h"
#include "libocirt/lsm.h"
#include "libocirt/mount.h"
#include "libocirt/namespace.h"
#include "libocirt/spawn.h"
#include "libocirt/sync.h"
#include "libocirt/process.h"
#include "libocirt/terminal.h"
#include "libocirt/userns.h"


void ocirt_spawned_release(struct ocirt_spawned *s)
{
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->sync_fd >= 0)
		close(s->sync_fd);
	if (s->pty_master >= 0)
		close(s->pty_master);
	ocirt_state_dir_free(s->dir);
	ocirt_status_free(s->status);
	ocirt_bundle_free(s->bundle);
	memset(s, 0, sizeof(*s));
	s->pidfd = s->sync_fd = s->pty_master = -1;
}

int ocirt_write_pid_file(const char *path, pid_t pid, struct ocirt_error **err)
{
	_cleanup_free_ char *d = xstrdup(path), *b = xstrdup(path);
	const char *dir = dirname(d), *base = basename(b);
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return ocirt_error_set(err, errno, "open the pid file's directory `%s`", dir);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	/* runc's temporary name is ".<base>"; ours is ".<base>.tmp" (write_file_atomic_at) */
	int r = write_file_atomic_at(dfd, base, buf, (size_t)n, 0644);
	if (r < 0)
		return ocirt_error_set(err, -r, "write the pid file `%s`", path);
	return 0;
}

/* The container's user namespace maps (userns.c: directly, or newuidmap/newgidmap). */
static int write_id_maps(pid_t pid, const struct oci_config *c, struct ocirt_error **err)
{
	struct ocirt_id_maps m;
	if (!ocirt_userns_config_maps(c, &m))
		return ocirt_error_setx(err, EINVAL, "user namespaces enabled, but no uid or gid mappings found");
	return ocirt_userns_write_maps(pid, &m, err);
}

static int listen_fds_count(void)
{
	const char *s = getenv("LISTEN_FDS");
	if (!s || !*s)
		return 0;
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || n < 0 || n > 4096)
		return 0;
	return (int)n;
}

struct spawn_state {
	struct ocirt_context *ctx;
	const char *id;
	const struct ocirt_create_opts *opts;
	bool foreground;
	struct ocirt_bundle *bundle;
	struct ocirt_state_dir *dir;
	struct ocirt_cgroup *cg;
	struct ocirt_ns_plan ns;
	struct ocirt_caps *caps;
	struct ocirt_seccomp *seccomp;
	struct ocirt_idmapped *idmapped; /* detached idmapped trees, until the child has them */
	size_t n_idmapped;
	int seccomp_notify_fd;
	int console_fd;
	int sync[2];
	pid_t child; /* the first child (init, or the intermediate) */
	pid_t init;
	int init_pidfd;
	int pty_master;
};

static void teardown(struct spawn_state *s)
{
	if (s->init > 0) {
		kill(s->init, SIGKILL);
		waitpid(s->init, NULL, 0);
	}
	if (s->child > 0 && s->child != s->init) {
		kill(s->child, SIGKILL);
		waitpid(s->child, NULL, 0);
	}
	if (s->cg) {
		struct ocirt_error *e = NULL;
		if (ocirt_cgroup_destroy(s->cg, &e) < 0)
			log_warning("cleanup: %s", e->msg);
		ocirt_error_free(e);
	}
	if (s->dir) {
		struct ocirt_error *e = NULL;
		if (ocirt_state_dir_remove(s->dir, &e) < 0)
			log_warning("cleanup: %s", e->msg);
		ocirt_error_free(e);
	}
}

static void spawn_state_free(struct spawn_state *s)
{
	ocirt_bundle_free(s->bundle);
	ocirt_state_dir_free(s->dir);
	ocirt_cgroup_free(s->cg);
	ocirt_ns_plan_release(&s->ns);
	ocirt_caps_free(s->caps);
	ocirt_seccomp_free(s->seccomp);
	ocirt_mount_idmapped_free(s->idmapped, s->n_idmapped);
	for (int i = 0; i < 2; i++)
		if (s->sync[i] >= 0)
			close(s->sync[i]);
	if (s->seccomp_notify_fd >= 0)
		close(s->seccomp_notify_fd);
	if (s->console_fd >= 0)
		close(s->console_fd);
	if (s->init_pidfd >= 0)
		close(s->init_pidfd);
	if (s->pty_master >= 0)
		close(s->pty_master);
}

static int write_config_copy(struct spawn_state *s, struct ocirt_error **err)
{
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	int r = oci_config_generate(s->bundle->config, true, &json, &len, err);
	if (r < 0)
		return ocirt_error_prefix(err, "copy config.json");
	r = write_file_atomic_at(s->dir->dirfd, OCIRT_CONFIG_FILE, json, len, 0600);
	if (r < 0)
		return ocirt_error_set(err, -r, "write `%s/%s`", s->dir->path, OCIRT_CONFIG_FILE);
	return 0;
}

static bool has_hooks(const struct oci_hooks *h, bool parent_side)
{
	if (!h)
		return false;
	if (parent_side)
		return h->prestart_len > 0 || h->create_runtime_len > 0;
	return h->create_container_len > 0 || h->start_container_len > 0;
}

static int run_parent_hooks(struct spawn_state *s, struct ocirt_error **err)
{
	const struct oci_config *c = s->bundle->config;
	const struct oci_hooks *h = c->hooks;
	if (!has_hooks(h, true))
		return 0;
	_cleanup_free_ char *state =
		ocirt_hooks_state_json(c->oci_version, s->id, "created", s->init, s->bundle->path, c->annotations);
	int r = ocirt_hooks_run("prestart", h->prestart, h->prestart_len, state, err);
	if (r < 0)
		return r;
	return ocirt_hooks_run("createRuntime", h->create_runtime, h->create_runtime_len, state, err);
}

/* Serve the child until READY. */
static int serve_child(struct spawn_state *s, uint64_t **ret_marks, size_t *ret_nmarks, struct ocirt_error **err)
{
	for (;;) {
		struct ocirt_sync_msg m;
		int r = ocirt_sync_recv(s->sync[0], &m);
		if (r == -EPIPE) /* the child died without a word: say how */
			return ocirt_sync_peer_gone(&s->init, &s->child, WNOHANG, "container init", err);
		if (r < 0)
			return ocirt_error_set(err, -r, "read from the container init");
		switch (m.type) {
		case SYNC_ERROR:
			if (m.fd >= 0)
				close(m.fd);
			return ocirt_error_setx(err, m.errnum ? m.errnum : EINVAL, "%s", m.payload);
		case SYNC_USERNS_REQUEST:
			r = write_id_maps(s->child, s->bundle->config, err);
			if (r < 0)
				return r;
			r = ocirt_sync_send(s->sync[0], SYNC_USERNS_DONE, 0, NULL, 0, -1);
			if (r < 0)
				return ocirt_error_set(err, -r, "write to the container init");
			break;
		case SYNC_CHILD_PID: {
			int32_t pid = 0;
			if (m.len != sizeof(pid))
				return ocirt_error_setx(err, EPROTO, "bad pid message from the container init");
			memcpy(&pid, m.payload, sizeof(pid));
			s->init = pid;
			/* the intermediate exits right after sending this */
			waitpid(s->child, NULL, 0);
			s->child = 0;
			s->init_pidfd = sys_pidfd_open(s->init, 0);
			break;
		}
		case SYNC_HOOKS_REQUEST: {
			ocirt_timing_mark("child: up to the runtime hooks");
			r = run_parent_hooks(s, err);
			if (r < 0)
				return r;
			ocirt_timing_mark("prestart/createRuntime hooks");
			OCIRT_FAULT_POINT("create-after-hooks");
			int32_t pid = s->init;
			r = ocirt_sync_send(s->sync[0], SYNC_HOOKS_DONE, 0, &pid, sizeof(pid), -1);
			if (r < 0)
				return ocirt_error_set(err, -r, "write to the container init");
			break;
		}
		case SYNC_PTY_MASTER:
			if (m.fd < 0)
				return ocirt_error_setx(err, EPROTO, "no pty master from the container init");
			if (s->pty_master >= 0)
				close(s->pty_master);
			s->pty_master = m.fd;
			break;
		case SYNC_READY:
			if (m.len > 0 && m.len % sizeof(uint64_t) == 0) {
				size_t n = m.len / sizeof(uint64_t);
				uint64_t *marks = xnew0(uint64_t, n);
				memcpy(marks, m.payload, m.len);
				*ret_marks = marks;
				*ret_nmarks = n;
			}
			return 0;
		default:
			if (m.fd >= 0)
				close(m.fd);
			return ocirt_error_setx(err, EPROTO, "unexpected message %u from the container init", m.type);
		}
	}
}

static struct ocirt_status *make_status(struct spawn_state *s, uint64_t start_time)
{
	const struct oci_config *c = s->bundle->config;
	struct ocirt_status *st = xnew0(struct ocirt_status, 1);
	st->id = xstrdup(s->id);
	st->pid = s->init;
	st->start_time = start_time;
	st->bundle = xstrdup(s->bundle->path);
	st->rootfs = xstrdup(s->bundle->rootfs);
	st->created = ocirt_rfc3339_now();
	st->owner = geteuid();
	st->oci_version = xstrdup(c->oci_version ? c->oci_version : OCIRT_SPEC_VERSION);
	if (c->annotations && c->annotations->len) {
		st->annotations = xnew0(struct oci_map, 1);
		st->annotations->items = xnew0(struct oci_kv, c->annotations->len);
		for (size_t i = 0; i < c->annotations->len; i++) {
			st->annotations->items[i].key = xstrdup(c->annotations->items[i].key);
			st->annotations->items[i].value = xstrdup(c->annotations->items[i].value ? c->annotations->items[i].value : "");
		}
		st->annotations->len = c->annotations->len;
	}
	st->rootless = ocirt_context_rootless(s->ctx);
	st->private_pidns = (s->ns.new_flags & CLONE_NEWPID) != 0;
	st->has_poststop = c->hooks && c->hooks->poststop_len > 0;
	const struct oci_linux *l = c->linux_;
	if (l && l->namespaces_len) {
		st->namespaces = xnew0(struct ocirt_ns_record, l->namespaces_len);
		for (size_t i = 0; i < l->namespaces_len; i++) {
			st->namespaces[i].type = xstrdup(l->namespaces[i].type);
			st->namespaces[i].path =
				l->namespaces[i].path && *l->namespaces[i].path ? xstrdup(l->namespaces[i].path) : NULL;
		}
		st->namespaces_len = l->namespaces_len;
	}
	return st;
}

/* The status while create runs: pid 0, and the cgroup as far as it exists. */
static int write_creating_status(struct spawn_state *s, struct ocirt_error **err)
{
	struct ocirt_status *pre = make_status(s, 0);
	pre->cgroup = s->cg;
	int r = ocirt_status_write(s->dir, pre, err);
	pre->cgroup = NULL;
	ocirt_status_free(pre);
	return r;
}

static int do_spawn(struct spawn_state *s, struct ocirt_spawned *ret, struct ocirt_error **err)
{
	struct ocirt_context *ctx = s->ctx;
	const struct ocirt_create_opts *opts = s->opts;
	int r;

	r = ocirt_bundle_load(opts->bundle, &s->bundle, NULL, err);
	if (r < 0)
		return r;
	const struct oci_config *c = s->bundle->config;
	ocirt_timing_mark("load config");
	if (!c->process)
		return ocirt_error_setx(err, EINVAL, "config.json: process is required to create a container");
	r = ocirt_terminal_check(c->process && c->process->terminal, !s->foreground, opts->console_socket, err);
	if (r < 0)
		return r;
	int listen = listen_fds_count();
	r = ocirt_process_check_preserved_fds(3 + listen, opts->preserve_fds, err);
	if (r < 0)
		return r;
	r = ocirt_ns_plan_build(c, &s->ns, err);
	if (r < 0)
		return r;
	/* SECURITY: CVE-2019-5736 where non-dumpable is not enough: may re-execute us, so before
	 * anything exists or is logged twice */
	r = ocirt_exe_protect_ensure(ctx, ocirt_exe_protect_ptrace_reach(c), &s->ns, err);
	if (r < 0)
		return r;
	bool rootless = ocirt_context_rootless(ctx);
	r = ocirt_cgroup_new(ctx->systemd_cgroup, rootless, &s->cg, err);
	if (r < 0)
		return r;
	r = ocirt_process_prepare_privileges(ctx, c, &s->caps, &s->seccomp, err);
	if (r < 0)
		return r;
	r = ocirt_mount_idmap_prepare(c, s->bundle->path, &s->idmapped, &s->n_idmapped, err);
	if (r < 0)
		return r;

	/* From here on, things exist: the caller tears them down on failure. */
	r = ocirt_state_dir_create(ctx->state_root, s->id, &s->dir, err);
	if (r < 0)
		return r;
	r = write_config_copy(s, err);
	if (r < 0)
		return r;
	r = ocirt_exec_fifo_create(s->dir, 0, err);
	if (r < 0)
		return r;
	ocirt_timing_mark("state dir");
	OCIRT_FAULT_POINT("create-after-state-dir");
	/* A first status (pid 0, "creating" while we hold the lock) before the cgroup exists:
	 * its cgroup entry has the driver but no dirs yet, which tells `delete --force` that a
	 * runtime killed from here on may have made directories it never recorded (container.c
	 * recovers them); written again once they exist (faults.bats: create-after-cgroup-mkdir). */
	r = write_creating_status(s, err);
	if (r < 0)
		return r;
	const char *cgpath = c->linux_ ? c->linux_->cgroups_path : NULL;
	r = ocirt_cgroup_create(s->cg, cgpath, s->id, err);
	if (r < 0)
		return r;
	OCIRT_FAULT_POINT("create-after-cgroup-mkdir");
	r = write_creating_status(s, err);
	if (r < 0)
		return r;
	if (s->cg->rootless && s->cg->ndirs == 0 && c->linux_ && c->linux_->resources)
		log_warning("rootless: no cgroup is writable by uid %u (no delegation): linux.resources are not applied",
			    (unsigned)geteuid());
	ocirt_timing_mark("cgroup create");
	OCIRT_FAULT_POINT("create-after-cgroup");
	r = ocirt_cgroup_apply_config(s->cg, c->linux_, err);
	if (r < 0)
		return r;
	r = ocirt_userns_delegate_cgroup(c, s->cg, err);
	if (r < 0)
		return r;
	ocirt_timing_mark("cgroup resources");
	OCIRT_FAULT_POINT("create-after-cgroup-resources");
	if (opts->console_socket) {
		r = ocirt_terminal_connect(opts->console_socket, &s->console_fd, err);
		if (r < 0)
			return r;
	}
	if (s->seccomp) {
		r = ocirt_seccomp_notify_connect(s->seccomp, &s->seccomp_notify_fd, err);
		if (r < 0)
			return r;
	}
	r = ocirt_sync_pair(s->sync, err);
	if (r < 0)
		return r;

	/* How the namespaces come into being: straight from clone3 in the simple case; with
	 * joins the child must join first and create after (a new user namespace would lose
	 * the rights to join host-owned ones), and pid/time namespaces need a fork after. */
	int all = s->ns.new_flags | s->ns.join_flags;
	bool simple = s->ns.join_flags == 0 && !(s->ns.new_flags & CLONE_NEWTIME);
	int into_fd = s->cg->driver->clone_into_fd(s->cg);
	int clone_flags = 0;
	if (simple) {
		clone_flags = s->ns.new_flags;
		if (into_fd < 0)
			clone_flags &= ~CLONE_NEWCGROUP; /* after cgroup.procs, in the child */
		/* The IPC namespace's mqueue root belongs to whoever creates it: cloned with the
		 * user namespace it would be our host uid (nobody inside), so the child unshares it
		 * once it is the user namespace's root, as runc does. */
		if (clone_flags & CLONE_NEWUSER)
			clone_flags &= ~CLONE_NEWIPC;
	}
	struct ocirt_init ic = {
		.id = s->id,
		.config = c,
		.bundle = s->bundle->path,
		.rootfs = s->bundle->rootfs,
		.no_pivot = opts->no_pivot,
		.no_new_keyring = opts->no_new_keyring,
		.foreground = s->foreground,
		.sync_fd = s->sync[1],
		.state_dirfd = s->dir->dirfd,
		.console_fd = s->console_fd,
		.parent_only_fds = { s->sync[0], s->dir->lockfd, into_fd, -1 },
		.extra_fds = listen + opts->preserve_fds,
		.listen_fds = listen,
		.log_fd = ocirt_log_fd(),
		.ns = &s->ns,
		.clone_flags = clone_flags,
		.userns_from_clone = (clone_flags & CLONE_NEWUSER) != 0,
		.fork_init = !simple && (all & (CLONE_NEWPID | CLONE_NEWTIME)),
		.run_parent_hooks = has_hooks(c->hooks, true) || has_hooks(c->hooks, false) ||
				    (s->seccomp && s->seccomp->notify),
		.caps = s->caps,
		.seccomp = s->seccomp,
		.idmapped = s->idmapped,
		.n_idmapped = s->n_idmapped,
		.seccomp_notify_fd = s->seccomp_notify_fd,
		.t0 = ocirt_timing_enabled() ? ocirt_timing_now_ns() : 0,
	};
	int pidfd = -1;
	struct clone_args ca = {
		.flags = (uint64_t)clone_flags | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
	};
	if (into_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)into_fd;
	}
	pid_t pid = sys_clone3(&ca);
	if (pid < 0 && into_fd >= 0) {
		/* CLONE_INTO_CGROUP refused (Linux < 5.7, or the cgroup): cgroup.procs instead */
		close(into_fd);
		into_fd = -1;
		ic.parent_only_fds[2] = -1;
		ic.clone_flags = clone_flags &= ~CLONE_NEWCGROUP;
		ca.flags = (uint64_t)clone_flags | CLONE_PIDFD;
		ca.cgroup = 0;
		pid = sys_clone3(&ca);
	}
	if (pid < 0)
		return ocirt_error_set(err, -pid, "clone3 the container process");
	if (pid == 0)
		ocirt_init_main(&ic);
	ocirt_timing_mark("clone");
	OCIRT_FAULT_POINT("create-after-clone");
	if (into_fd >= 0)
		close(into_fd);
	close(s->sync[1]);
	s->sync[1] = -1;
	s->child = pid;
	/* the child has its copies of the idmapped trees */
	ocirt_mount_idmapped_free(TAKE_PTR(s->idmapped), s->n_idmapped);
	if (!ic.fork_init) {
		s->init = pid;
		s->init_pidfd = pidfd;
	} else if (pidfd >= 0)
		close(pidfd);

	if (ic.userns_from_clone) {
		r = write_id_maps(pid, c, err);
		if (r < 0)
			return r;
	}
	if (into_fd < 0) {
		r = ocirt_cgroup_enter(s->cg, pid, err);
		if (r < 0)
			return r;
	}
	OCIRT_FAULT_POINT("create-after-maps");
	r = ocirt_sync_send(s->sync[0], SYNC_GO, 0, NULL, 0, -1);
	if (r < 0)
		return ocirt_error_set(err, -r, "write to the container init");

	_cleanup_free_ uint64_t *marks = NULL;
	size_t nmarks = 0;
	r = serve_child(s, &marks, &nmarks, err);
	if (r < 0)
		return r;
	if (marks) {
		const char *const *names = ocirt_init_step_names();
		for (size_t i = 0; i < nmarks && names[i]; i++)
			if (marks[i])
				ocirt_timing_add(names[i], marks[i]);
	}
	ocirt_timing_mark("ready");

	uint64_t start_time = 0;
	r = proc_stat_read(s->init, NULL, &start_time);
	if (r < 0)
		return ocirt_error_set(err, -r, "read /proc/%d/stat", (int)s->init);
	struct ocirt_status *st = make_status(s, start_time);
	st->cgroup = TAKE_PTR(s->cg);
	r = ocirt_status_write(s->dir, st, err);
	s->cg = TAKE_PTR(st->cgroup);
	if (r < 0) {
		ocirt_status_free(st);
		return r;
	}
	if (opts->pid_file) {
		r = ocirt_write_pid_file(opts->pid_file, s->init, err);
		if (r < 0) {
			ocirt_status_free(st);
			return r;
		}
	}
	ocirt_timing_mark("status + pid file");
	OCIRT_FAULT_POINT("create-after-status");
	st->cgroup = TAKE_PTR(s->cg);
	ret->pid = s->init;
	ret->start_time = start_time;
	ret->pidfd = s->init_pidfd;
	s->init_pidfd = -1;
	ret->sync_fd = s->sync[0];
	s->sync[0] = -1;
	ret->pty_master = s->pty_master;
	s->pty_master = -1;
	ret->dir = TAKE_PTR(s->dir);
	ret->status = st;
	ret->bundle = TAKE_PTR(s->bundle);
	return 0;
}

int ocirt_spawn(struct ocirt_context *ctx, const char *id, const struct ocirt_create_opts *opts, bool foreground,
		struct ocirt_spawned *ret, struct ocirt_error **err)
{
	struct spawn_state s = {
		.ctx = ctx,
		.id = id,
		.opts = opts,
		.foreground = foreground,
		.seccomp_notify_fd = -1,
		.console_fd = -1,
		.sync = { -1, -1 },
		.init_pidfd = -1,
		.pty_master = -1,
	};
	memset(ret, 0, sizeof(*ret));
	ret->pidfd = ret->sync_fd = ret->pty_master = -1;
	int r = ocirt_validate_id(id, err);
	if (r < 0)
		return r;
	r = do_spawn(&s, ret, err);
	if (r < 0)
		teardown(&s);
	spawn_state_free(&s);
	return r;
}
