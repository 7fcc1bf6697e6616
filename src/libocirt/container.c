/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lifecycle verbs: create, start, run, state, kill, delete, list. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/fault.h"
#include "common/fd-util.h"
#include "common/log.h"
#include "common/proc-util.h"
#include "common/strv.h"
#include "common/timing.h"
#include "common/xalloc.h"
#include "libocirt/container.h"
#include "libocirt/container-cgroup.h"
#include "libocirt/hooks.h"
#include "libocirt/spawn.h"
#include "libocirt/state.h"
#include "libocirt/terminal.h"


enum live_status { ST_CREATING, ST_CREATED, ST_RUNNING, ST_PAUSED, ST_STOPPED };

static const char *status_name(enum live_status s)
{
	switch (s) {
	case ST_CREATING:
		return "creating";
	case ST_CREATED:
		return "created";
	case ST_RUNNING:
		return "running";
	case ST_PAUSED:
		return "paused";
	default:
		return "stopped";
	}
}

/* runc's rules: the init gone, a zombie or another process (start time) -> stopped;
 * frozen -> paused; exec fifo present -> created; else running. */
static enum live_status live_status(int dirfd, const struct ocirt_status *s)
{
	/* pid 0: the status create writes first; creating while create holds the lock,
	 * else create died half-way (stopped: delete cleans up) */
	if (s->pid == 0)
		return ocirt_state_dir_locked(dirfd) ? ST_CREATING : ST_STOPPED;
	if (!proc_is_alive(s->pid, s->start_time))
		return ST_STOPPED;
	if (s->cgroup && ocirt_cgroup_is_frozen(s->cgroup))
		return ST_PAUSED;
	if (ocirt_exec_fifo_exists(dirfd))
		return ST_CREATED;
	return ST_RUNNING;
}

static struct oci_map *map_copy(const struct oci_map *m)
{
	if (!m || m->len == 0)
		return NULL;
	struct oci_map *c = xnew0(struct oci_map, 1);
	c->items = xnew0(struct oci_kv, m->len);
	for (size_t i = 0; i < m->len; i++) {
		c->items[i].key = xstrdup(m->items[i].key);
		c->items[i].value = xstrdup(m->items[i].value ? m->items[i].value : "");
	}
	c->len = m->len;
	return c;
}

static char *owner_name(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);
	if (pw && pw->pw_name)
		return xstrdup(pw->pw_name);
	return xasprintf("#%u", (unsigned)uid);
}

static struct oci_state *make_state(const struct ocirt_status *s, enum live_status ls, bool with_owner)
{
	struct oci_state *st = xnew0(struct oci_state, 1);
	st->oci_version = xstrdup(s->oci_version ? s->oci_version : OCIRT_SPEC_VERSION);
	st->id = xstrdup(s->id);
	st->status = xstrdup(status_name(ls));
	st->has_pid = true;
	st->pid = ls == ST_STOPPED ? 0 : s->pid;
	st->bundle = xstrdup(s->bundle);
	st->annotations = map_copy(s->annotations);
	st->rootfs = xstrdup(s->rootfs ? s->rootfs : "");
	st->created = xstrdup(s->created ? s->created : "");
	st->owner = with_owner ? owner_name(s->owner) : xstrdup("");
	return st;
}

static int load(struct ocirt_context *ctx, const char *id, bool lock, struct ocirt_state_dir **ret_dir,
		struct ocirt_status **ret_status, struct ocirt_error **err)
{
	int r = ocirt_validate_id(id, err);
	if (r < 0)
		return r;
	_cleanup_state_dir_ struct ocirt_state_dir *d = NULL;
	r = ocirt_state_dir_open(ctx->state_root, id, lock, &d, err);
	if (r < 0)
		return r;
	struct ocirt_status *s = NULL;
	r = ocirt_status_read(d, &s, err);
	if (r < 0)
		return r;
	*ret_dir = TAKE_PTR(d);
	*ret_status = s;
	return 0;
}

/* --- create --- */

int ocirt_container_create(struct ocirt_context *ctx, const char *id, const struct ocirt_create_opts *opts,
			   struct ocirt_error **err)
{
	struct ocirt_spawned sp;
	int r = ocirt_spawn(ctx, id, opts, false, &sp, err);
	if (r < 0)
		return r;
	/* The init stays parked on the exec fifo; we exit and it is left to our caller's
	 * subreaper. */
	ocirt_spawned_release(&sp);
	return 0;
}

/* --- start --- */

/* Open the exec fifo for reading and collect what the init writes: "0" right before its
 * execve (our end sees EOF when O_CLOEXEC closes the init's end), or an error text. */
static int consume_exec_fifo(struct ocirt_state_dir *d, int pidfd, struct ocirt_error **err)
{
	_cleanup_close_ int fd = openat(d->dirfd, OCIRT_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ocirt_error_setx(err, EINVAL, "cannot start an already running container");
		return ocirt_error_set(err, errno, "open the exec fifo");
	}
	char buf[4096];
	size_t len = 0;
	bool exited = false;
	for (;;) {
		/* A fifo reports POLLHUP only after a writer came and went; before the init
		 * opens its end we just wait (or see it die through the pidfd). */
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		int n = poll(p, pidfd >= 0 ? 2 : 1, exited ? 0 : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ocirt_error_set(err, errno, "poll the exec fifo");
		if (p[0].revents & POLLIN) {
			ssize_t k = read(fd, buf + len, sizeof(buf) - 1 - len);
			if (k > 0) {
				len += (size_t)k;
				if (len < sizeof(buf) - 1)
					continue;
			}
			if (k < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			break; /* EOF (or a full buffer) */
		}
		if (p[0].revents & (POLLHUP | POLLERR))
			break;
		if (n == 0 && exited)
			break; /* the init died and nothing more is coming */
		if (pidfd >= 0 && (p[1].revents & POLLIN))
			exited = true; /* drain whatever it wrote before dying */
	}
	buf[len] = '\0';
	unlinkat(d->dirfd, OCIRT_EXEC_FIFO, 0);
	if (len == 0)
		return ocirt_error_setx(err, ESRCH, "container process is already dead");
	if (buf[0] != '0')
		return ocirt_error_setx(err, EINVAL, "%s", buf);
	if (len > 1)
		return ocirt_error_setx(err, EINVAL, "%s", buf + 1);
	return 0;
}

static int read_saved_config(struct ocirt_state_dir *d, struct oci_config **ret, struct ocirt_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", d->path, OCIRT_CONFIG_FILE);
	return oci_config_parse_file(path, ret, NULL, err);
}

static int run_poststart(struct ocirt_state_dir *d, const struct ocirt_status *s, const struct oci_config *c,
			 int pidfd, struct ocirt_error **err)
{
	if (!c->hooks || c->hooks->poststart_len == 0)
		return 0;
	_cleanup_free_ char *state =
		ocirt_hooks_state_json(s->oci_version, s->id, "running", s->pid, s->bundle, s->annotations);
	int r = ocirt_hooks_run("poststart", c->hooks->poststart, c->hooks->poststart_len, state, err);
	if (r < 0) {
		/* runtime-spec 1.3: a poststart failure is an error and the container is stopped */
		if (pidfd >= 0)
			sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
		else
			kill(s->pid, SIGKILL);
	}
	return r;
}

static int start_locked(struct ocirt_state_dir *d, const struct ocirt_status *s, const struct oci_config *c,
			int pidfd, struct ocirt_error **err)
{
	OCIRT_FAULT_POINT("start-before-fifo");
	int r = consume_exec_fifo(d, pidfd, err);
	if (r < 0)
		return r;
	ocirt_timing_mark("start: exec fifo");
	OCIRT_FAULT_POINT("start-after-fifo");
	r = run_poststart(d, s, c, pidfd, err);
	ocirt_timing_mark("poststart hooks");
	return r;
}

int ocirt_container_start(struct ocirt_context *ctx, const char *id, struct ocirt_error **err)
{
	_cleanup_state_dir_ struct ocirt_state_dir *d = NULL;
	_cleanup_status_ struct ocirt_status *s = NULL;
	int r = load(ctx, id, true, &d, &s, err);
	if (r < 0)
		return r;
	switch (live_status(d->dirfd, s)) {
	case ST_CREATING:
	case ST_STOPPED:
		return ocirt_error_setx(err, EINVAL, "cannot start a container that has stopped");
	case ST_RUNNING:
		return ocirt_error_setx(err, EINVAL, "cannot start an already running container");
	case ST_PAUSED:
		return ocirt_error_setx(err, EINVAL, "cannot start a container in the paused state");
	case ST_CREATED:
		break;
	}
	_cleanup_close_ int pidfd = pidfd_open_checked(s->pid, s->start_time);
	if (pidfd < 0)
		return ocirt_error_setx(err, ESRCH, "container process is already dead");
	_cleanup_config_ struct oci_config *c = NULL;
	r = read_saved_config(d, &c, err);
	if (r < 0)
		return r;
	return start_locked(d, s, c, pidfd, err);
}

/* --- state, list --- */

int ocirt_container_state(struct ocirt_context *ctx, const char *id, struct oci_state **ret,
			  struct ocirt_error **err)
{
	_cleanup_state_dir_ struct ocirt_state_dir *d = NULL;
	_cleanup_status_ struct ocirt_status *s = NULL;
	int r = load(ctx, id, false, &d, &s, err);
	if (r < 0)
		return r;
	*ret = make_state(s, live_status(d->dirfd, s), false);
	return 0;
}

int ocirt_container_list(struct ocirt_context *ctx, struct oci_state ***ret, size_t *ret_len,
			 struct ocirt_error **err)
{
	int r = ocirt_state_root_ensure(ctx->state_root, err);
	if (r < 0)
		return r;
	_cleanup_closedir_ DIR *dir = opendir(ctx->state_root);
	if (!dir)
		return ocirt_error_set(err, errno, "open the state root `%s`", ctx->state_root);
	struct oci_state **v = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || e->d_name[1] == '.' || e->d_name[1] == '~'))
			continue;
		if (ocirt_validate_id(e->d_name, NULL) < 0)
			continue;
		_cleanup_close_ int cfd = openat(dirfd(dir), e->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (cfd < 0)
			continue;
		struct ocirt_status *s = NULL;
		struct ocirt_error *e2 = NULL;
		if (ocirt_status_read_at(cfd, &s, &e2) < 0) {
			log_debug("list: skipping `%s`: %s", e->d_name, e2 ? e2->msg : "?");
			ocirt_error_free(e2);
			continue;
		}
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = make_state(s, live_status(cfd, s), true);
		ocirt_status_free(s);
	}
	*ret = v;
	*ret_len = n;
	return 0;
}

/* --- kill --- */

static void thaw_for_kill(const struct ocirt_status *s, int sig)
{
	/* a frozen v1 cgroup holds SIGKILL back: thaw so it takes effect (runc) */
	if (sig == SIGKILL && s->cgroup && ocirt_cgroup_is_frozen(s->cgroup)) {
		struct ocirt_error *e = NULL;
		ocirt_cgroup_freeze(s->cgroup, false, &e);
		ocirt_error_free(e);
	}
}

int ocirt_container_kill(struct ocirt_context *ctx, const char *id, int signum, bool all,
			 struct ocirt_error **err)
{
	_cleanup_state_dir_ struct ocirt_state_dir *d = NULL;
	_cleanup_status_ struct ocirt_status *s = NULL;
	int r = load(ctx, id, false, &d, &s, err);
	if (r < 0)
		return r;
	if (all) {
		/* every process of the cgroup; success even when the init is gone (the shim
		 * sends `kill --all <id> 9` to containers that share a pid namespace) */
		if (s->cgroup && s->cgroup->ndirs > 0) {
			r = ocirt_cgroup_kill_all(s->cgroup, signum, err);
			if (r < 0)
				return r;
			thaw_for_kill(s, signum);
			return 0;
		}
		/* no cgroup: the init only, if it still runs */
		_cleanup_close_ int pidfd = pidfd_open_checked(s->pid, s->start_time);
		if (pidfd >= 0 && sys_pidfd_send_signal(pidfd, signum, NULL, 0) < 0 && errno != ESRCH)
			return ocirt_error_set(err, errno, "kill container");
		return 0;
	}
	enum live_status ls = live_status(d->dirfd, s);
	if (ls == ST_STOPPED || ls == ST_CREATING)
		return ocirt_error_setx(err, ESRCH, "container not running");
	_cleanup_close_ int pidfd = pidfd_open_checked(s->pid, s->start_time);
	if (pidfd < 0)
		return ocirt_error_setx(err, ESRCH, "container not running");
	if (sys_pidfd_send_signal(pidfd, signum, NULL, 0) < 0) {
		if (errno == ESRCH)
			return ocirt_error_setx(err, ESRCH, "container not running");
		return ocirt_error_set(err, errno, "kill container");
	}
	thaw_for_kill(s, signum);
	return 0;
}

/* --- delete --- */

/* SIGKILL the init and wait up to timeout_ms for it to be gone. */
static int kill_and_wait(const struct ocirt_status *s, int timeout_ms, struct ocirt_error **err)
{
	_cleanup_close_ int pidfd = pidfd_open_checked(s->pid, s->start_time);
	if (pidfd < 0)
		return 0; /* already gone */
	thaw_for_kill(s, SIGKILL);
	if (sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return ocirt_error_set(err, errno, "kill the container init");
	thaw_for_kill(s, SIGKILL);
	if (pidfd_wait_exit(pidfd, timeout_ms) < 0)
		return ocirt_error_setx(err, EBUSY, "container init still running");
	return 0;
}

static void run_poststop(struct ocirt_state_dir *d, const struct ocirt_status *s)
{
	if (!s->has_poststop)
		return;
	struct oci_config *c = NULL;
	struct ocirt_error *e = NULL;
	if (read_saved_config(d, &c, &e) < 0) {
		log_warning("poststop hooks: %s", e->msg);
		ocirt_error_free(e);
		return;
	}
	_cleanup_free_ char *state =
		ocirt_hooks_state_json(s->oci_version, s->id, "stopped", 0, s->bundle, s->annotations);
	if (c->hooks &&
	    ocirt_hooks_run("poststop", c->hooks->poststop, c->hooks->poststop_len, state, &e) < 0) {
		/* spec: a poststop failure is only a warning */
		log_warning("%s", e->msg);
		ocirt_error_free(e);
	}
	oci_config_free(c);
}

/* A create killed after its first status, which records the cgroupfs driver but no path
 * or dirs yet (spawn.c), and before the status that lists the dirs it made: find them
 * again the way create does (it makes what is missing, so a partial v1 set is completed)
 * and remove them. A dir that existed already is only rmdir'ed, never emptied: one with
 * processes or children was not made by that create. Its new parents stay (unknown). */
static void remove_unrecorded_cgroup(struct ocirt_state_dir *d, const struct ocirt_status *s)
{
	const struct ocirt_cgroup *rec = s->cgroup;
	if (s->pid != 0 || !rec || rec->ndirs > 0 || (rec->path && *rec->path) || !streq(rec->driver->name, "cgroupfs"))
		return;
	struct oci_config *c = NULL;
	struct ocirt_error *e = NULL;
	_cleanup_cgroup_ struct ocirt_cgroup *cg = NULL;
	if (read_saved_config(d, &c, &e) == 0 && ocirt_cgroup_new(false, rec->rootless, &cg, &e) == 0 &&
	    streq(cg->driver->name, "cgroupfs"))
		(void)ocirt_cgroup_create(cg, c->linux_ ? c->linux_->cgroups_path : NULL, s->id, &e);
	/* on a failure half-way, what create recorded is still removed */
	for (size_t i = 0; cg && i < cg->ndirs; i++) {
		if (cg->dirs[i].owned) {
			ocirt_error_free(e);
			e = NULL;
			(void)ocirt_cgroup_remove_dir(&cg->dirs[i], &e);
		} else
			(void)rmdir(cg->dirs[i].path);
	}
	if (e)
		log_warning("delete: cgroup of a create killed half-way: %s", e->msg);
	ocirt_error_free(e);
	oci_config_free(c);
}

static int destroy(struct ocirt_state_dir *d, struct ocirt_status *s, struct ocirt_error **err)
{
	/* Leftovers: with a private pid namespace the kernel killed them with the init; with
	 * a shared one they may still run. */
	if (s->cgroup && !s->private_pidns)
		ocirt_cgroup_kill_all(s->cgroup, SIGKILL, NULL);
	int ret = 0;
	OCIRT_FAULT_POINT("delete-before-cgroup-remove");
	remove_unrecorded_cgroup(d, s);
	if (s->cgroup) {
		struct ocirt_error *e = NULL;
		if (ocirt_cgroup_destroy(s->cgroup, &e) < 0) {
			ret = ocirt_error_set(err, e->errnum, "%s", e->msg);
			ocirt_error_free(e);
		}
	}
	OCIRT_FAULT_POINT("delete-after-cgroup-remove");
	/* poststop needs config.json from the state dir: before removing it */
	run_poststop(d, s);
	struct ocirt_error *e = NULL;
	if (ocirt_state_dir_remove(d, &e) < 0) {
		if (ret == 0)
			ret = ocirt_error_set(err, e->errnum, "%s", e->msg);
		ocirt_error_free(e);
	}
	return ret;
}

int ocirt_container_delete(struct ocirt_context *ctx, const char *id, bool force, struct ocirt_error **err)
{
	_cleanup_state_dir_ struct ocirt_state_dir *d = NULL;
	_cleanup_status_ struct ocirt_status *s = NULL;
	int r = ocirt_validate_id(id, err);
	if (r < 0)
		return r;
	r = load(ctx, id, true, &d, &s, err);
	if (r == -ENOENT) {
		/* missing, or a leftover without a status file: remove what is there (runc) */
		ocirt_state_dir_remove_path(ctx->state_root, id);
		if (force) {
			ocirt_error_free(*err);
			*err = NULL;
			return 0;
		}
		return r;
	}
	if (r < 0) {
		/* not ours (a foreign status file in a shared root): leave it alone */
		if (force) {
			ocirt_error_free(*err);
			*err = NULL;
			return 0;
		}
		return r;
	}
	enum live_status ls = live_status(d->dirfd, s);
	OCIRT_FAULT_POINT("delete-before-kill");
	switch (ls) {
	case ST_CREATING: /* not while we hold the lock: create died half-way */
	case ST_STOPPED:
		break;
	case ST_CREATED:
		/* containerd deletes never-started tasks this way: no --force needed */
		r = kill_and_wait(s, 10000, err);
		if (r < 0)
			return r;
		break;
	case ST_RUNNING:
	case ST_PAUSED:
		if (!force)
			return ocirt_error_setx(err, EBUSY, "cannot delete container %s that is not stopped: %s", id,
						status_name(ls));
		r = kill_and_wait(s, 10000, err);
		if (r < 0)
			return r;
		break;
	}
	OCIRT_FAULT_POINT("delete-after-kill");
	return destroy(d, s, err);
}

/* --- run --- */

int ocirt_foreground_wait(struct ocirt_spawned *sp, int *ret_status, struct ocirt_error **err)
{
	sigset_t all;
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigset_t old;
	sigprocmask(SIG_BLOCK, &all, &old);
	_cleanup_close_ int sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return ocirt_error_set(err, errno, "signalfd");
	}
	int master = sp->pty_master;
	bool tty_in = master >= 0 && isatty(STDIN_FILENO);
	struct termios saved;
	bool raw = false;
	if (tty_in) {
		ocirt_terminal_copy_winsize(STDIN_FILENO, master);
		raw = ocirt_terminal_make_raw(STDIN_FILENO, &saved) == 0;
	}
	bool stdin_open = master >= 0;
	bool master_open = master >= 0;
	int status = -1;
	/* reap any child already gone before we started listening */
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p <= 0)
			break;
		if (p == sp->pid)
			status = st;
	}
	while (status == -1 || master_open) {
		struct pollfd p[3] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = master_open ? master : -1, .events = POLLIN },
			{ .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		/* after the init exited, drain the pty without blocking for long */
		int n = poll(p, 3, status != -1 ? 100 : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0 && status != -1)
			break;
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			char buf[8192];
			ssize_t k = read(master, buf, sizeof(buf));
			if (k > 0)
				write_all(STDOUT_FILENO, buf, (size_t)k);
			else if (k == 0 || (errno != EAGAIN && errno != EINTR))
				master_open = false;
		}
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			char buf[8192];
			ssize_t k = read(STDIN_FILENO, buf, sizeof(buf));
			if (k > 0)
				write_all(master, buf, (size_t)k);
			else if (k == 0 || (errno != EAGAIN && errno != EINTR))
				stdin_open = false;
		}
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				int sig = (int)si.ssi_signo;
				if (sig == SIGCHLD) {
					for (;;) {
						int st;
						pid_t pid = waitpid(-1, &st, WNOHANG);
						if (pid <= 0)
							break;
						if (pid == sp->pid)
							status = st;
					}
				} else if (sig == SIGWINCH) {
					if (tty_in)
						ocirt_terminal_copy_winsize(STDIN_FILENO, master);
				} else if (sig == SIGPIPE && si.ssi_pid == 0) {
					/* our own write to a closed stdout/pty: not the container's */
				} else if (status == -1) {
					if (sys_pidfd_send_signal(sp->pidfd, sig, NULL, 0) < 0)
						kill(sp->pid, sig);
				}
			}
		}
	}
	if (raw)
		ocirt_terminal_restore(STDIN_FILENO, &saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (status == -1) {
		if (waitpid(sp->pid, &status, 0) < 0)
			return ocirt_error_set(err, errno, "wait for the container init");
	}
	*ret_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	return 0;
}

int ocirt_container_run(struct ocirt_context *ctx, const char *id, const struct ocirt_create_opts *opts,
			int *ret_status, struct ocirt_error **err)
{
	bool foreground = !opts->detach;
	if (foreground && !opts->no_subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return ocirt_error_set(err, errno, "prctl(PR_SET_CHILD_SUBREAPER)");
	struct ocirt_spawned sp;
	int r = ocirt_spawn(ctx, id, opts, foreground, &sp, err);
	if (r < 0)
		return r;
	_cleanup_config_ struct oci_config *c = NULL;
	r = read_saved_config(sp.dir, &c, err);
	if (r == 0)
		r = start_locked(sp.dir, sp.status, c, sp.pidfd, err);
	if (r < 0 || !foreground) {
		if (r < 0) {
			/* a failed start: no container left behind */
			struct ocirt_error *e = NULL;
			kill_and_wait(sp.status, 10000, NULL);
			if (foreground)
				waitpid(sp.pid, NULL, 0);
			destroy(sp.dir, sp.status, &e);
			ocirt_error_free(e);
		}
		ocirt_spawned_release(&sp);
		*ret_status = 0;
		return r;
	}
	/* let other commands (kill, delete, state) work on the container while it runs */
	close(sp.dir->lockfd);
	sp.dir->lockfd = -1;
	r = ocirt_foreground_wait(&sp, ret_status, err);
	if (r == 0 && !opts->keep) {
		struct ocirt_error *e = NULL;
		if (ocirt_container_delete(ctx, id, true, &e) < 0) {
			log_warning("delete after run: %s", e->msg);
			ocirt_error_free(e);
		}
	}
	ocirt_spawned_release(&sp);
	return r;
}
