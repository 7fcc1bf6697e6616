/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parent side of `exec` (see exec.h for the sequence). The child is init.c's step table run
 * with ocirt_init.exec set: it joins the namespaces opened here from /proc/<init>/ns (user
 * first, mount last; pid and time through the table's fork), then applies the process
 * settings exactly as the init does. No re-exec of ourselves (Kubernetes probes call this
 * all day), except from a sealed copy where CVE-2019-5736 needs it (exe-protect.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
#include "libocirt/caps.h"
#include "libocirt/cgroup.h"
#include "libocirt/exe-protect.h"
#include "libocirt/exec.h"
#include "libocirt/init.h"
#include "libocirt/lsm.h"
#include "libocirt/namespace.h"
#include "libocirt/seccomp.h"
#include "libocirt/spawn.h"
#include "libocirt/state.h"
#include "libocirt/sync.h"
#include "libocirt/process.h"
#include "libocirt/terminal.h"

#define PROCESS_JSON_MAX (4u << 20)

struct exec_state {
	struct ocirt_status *status;
	struct oci_config *config;
	struct ocirt_ns_plan ns;
	struct ocirt_caps *caps;
	struct ocirt_seccomp *seccomp;
	int init_pidfd; /* the container's init: it must stay the one we read the state of */
	int seccomp_notify_fd;
	int console_fd;
	int sync[2];
	pid_t child; /* the first child (the process itself, or the pid-namespace intermediate) */
	pid_t pid;   /* the process */
	int pidfd;
	int pty_master;
};

static void exec_state_free(struct exec_state *s)
{
	ocirt_status_free(s->status);
	oci_config_free(s->config);
	ocirt_ns_plan_release(&s->ns);
	ocirt_caps_free(s->caps);
	ocirt_seccomp_free(s->seccomp);
	int fds[] = { s->init_pidfd, s->seccomp_notify_fd, s->console_fd, s->sync[0], s->sync[1], s->pidfd,
		      s->pty_master };
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* A failed exec leaves nothing running. */
static void kill_children(struct exec_state *s)
{
	if (s->pid > 0 && s->pid != s->child) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	if (s->child > 0) {
		kill(s->child, SIGKILL);
		waitpid(s->child, NULL, 0);
	}
	s->pid = s->child = 0;
}

/* --- the container --- */

/* runc's checks: a stopped container (or one still being created) refuses, a paused one
 * too unless --ignore-paused; a created one accepts (its namespaces exist). */
static int load_container(struct exec_state *s, struct ocirt_context *ctx, const char *id, bool ignore_paused,
			  struct ocirt_error **err)
{
	int r = ocirt_validate_id(id, err);
	if (r < 0)
		return r;
	_cleanup_state_dir_ struct ocirt_state_dir *d = NULL;
	r = ocirt_state_dir_open(ctx->state_root, id, false, &d, err);
	if (r < 0)
		return r;
	r = ocirt_status_read(d, &s->status, err);
	if (r < 0)
		return r;
	if (s->status->pid > 0)
		s->init_pidfd = pidfd_open_checked(s->status->pid, s->status->start_time);
	if (s->status->pid <= 0 || s->init_pidfd < 0) {
		s->init_pidfd = -1;
		return ocirt_error_setx(err, ESRCH, "cannot exec in a stopped container");
	}
	if (s->status->cgroup && ocirt_cgroup_is_frozen(s->status->cgroup) && !ignore_paused)
		return ocirt_error_setx(err, EBUSY, "cannot exec in a paused container (use --ignore-paused to override)");
	_cleanup_free_ char *path = xasprintf("%s/%s", d->path, OCIRT_CONFIG_FILE);
	return oci_config_parse_file(path, &s->config, NULL, err);
}

/* --- the process --- */

static void env_override(char ***env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t n = eq ? (size_t)(eq - kv) : strlen(kv);
	for (size_t i = 0; *env && (*env)[i]; i++)
		if (strncmp((*env)[i], kv, n) == 0 && ((*env)[i][n] == '=' || (*env)[i][n] == '\0')) {
			free((*env)[i]);
			(*env)[i] = xstrdup(kv);
			return;
		}
	strv_append(env, kv);
}

static void replace_str(char **dst, const char *src)
{
	free(*dst);
	*dst = xstrdup(src);
}

static int load_process_json(const char *path, struct oci_process **ret, struct ocirt_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = read_file_at(AT_FDCWD, path, PROCESS_JSON_MAX, &data, &len);
	if (r < 0)
		return ocirt_error_set(err, -r, "open %s", path);
	return oci_process_parse(data, len, "process.json", ret, NULL, err);
}

/* runc refuses these before the process runs (its exec fails with 255) */
static int check_env(const struct oci_process *p, struct ocirt_error **err)
{
	for (size_t i = 0; p->env && p->env[i]; i++) {
		const char *why = ocirt_process_env_problem(p->env[i]);
		if (why)
			return ocirt_error_setx(err, EINVAL, "%s: \"%s\"", why, p->env[i]);
	}
	return 0;
}

/* runc's rules: --process replaces the container's process (the other process flags are
 * ignored); without it the container's process is the base, with the command line, the
 * terminal flag and every given flag applied. */
static int build_process(struct oci_config *c, const struct ocirt_exec_opts *o, struct ocirt_error **err)
{
	if (o->process_path) {
		struct oci_process *p = NULL;
		int r = load_process_json(o->process_path, &p, err);
		if (r < 0)
			return r;
		oci_process_free(c->process);
		c->process = p;
		return check_env(p, err);
	}
	if (!o->args || !o->args[0])
		return ocirt_error_setx(err, EINVAL, "process args cannot be empty");
	if (!c->process) {
		c->process = xnew0(struct oci_process, 1);
		c->process->cwd = xstrdup("/");
	}
	struct oci_process *p = c->process;
	strv_free(p->args);
	p->args = strv_copy(o->args);
	p->has_terminal = true;
	p->terminal = o->tty;
	if (o->cwd) {
		/* runc refuses it before anything runs, in these words */
		if (o->cwd[0] != '/')
			return ocirt_error_setx(err, EINVAL, "Cwd must be an absolute path");
		replace_str(&p->cwd, o->cwd);
	}
	for (size_t i = 0; o->env && o->env[i]; i++)
		env_override(&p->env, o->env[i]);
	if (o->has_user) {
		p->user.uid = o->uid;
		if (o->has_gid)
			p->user.gid = o->gid;
	}
	if (o->additional_gids_len) {
		size_t n = p->user.additional_gids_len;
		p->user.additional_gids = xreallocarray(p->user.additional_gids, n + o->additional_gids_len,
							sizeof(uint32_t));
		memcpy(p->user.additional_gids + n, o->additional_gids, o->additional_gids_len * sizeof(uint32_t));
		p->user.additional_gids_len = n + o->additional_gids_len;
	}
	/* runc 1.1 (after CVE-2022-29162): not the inheritable set. Without a capabilities
	 * object the process keeps every capability already. */
	if (o->caps && p->capabilities) {
		for (size_t i = 0; o->caps[i]; i++) {
			strv_append(&p->capabilities->bounding, o->caps[i]);
			strv_append(&p->capabilities->effective, o->caps[i]);
			strv_append(&p->capabilities->permitted, o->caps[i]);
			strv_append(&p->capabilities->ambient, o->caps[i]);
		}
	}
	if (o->no_new_privs) {
		p->has_no_new_privileges = true;
		p->no_new_privileges = true;
	}
	if (o->apparmor)
		replace_str(&p->apparmor_profile, o->apparmor);
	if (o->process_label)
		replace_str(&p->selinux_label, o->process_label);
	return check_env(p, err);
}

/* --- namespaces and cgroup --- */

/* Every namespace the config lists, from the init's /proc/<pid>/ns (a joined path of the
 * config is one of them too), except those we share already (setns into our own user
 * namespace fails). */
static int plan_joins(struct exec_state *s, struct ocirt_error **err)
{
	const struct oci_linux *l = s->config->linux_;
	pid_t pid = s->status->pid;
	for (size_t i = 0; l && i < l->namespaces_len; i++) {
		int flag = ocirt_ns_flag(l->namespaces[i].type);
		const char *name = ocirt_ns_proc_name(flag);
		if (!name || s->ns.njoin >= OCIRT_NS_MAX)
			continue;
		char path[64], self[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
		snprintf(self, sizeof(self), "/proc/self/ns/%s", name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return ocirt_error_set(err, errno, "open the container's %s namespace `%s`", l->namespaces[i].type,
					       path);
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			close(fd);
			continue;
		}
		s->ns.join[s->ns.njoin].flag = flag;
		s->ns.join[s->ns.njoin].fd = fd;
		s->ns.join[s->ns.njoin].path = xstrdup(path);
		s->ns.njoin++;
		s->ns.join_flags |= flag;
	}
	/* the namespaces must be the init's we checked, not those of a recycled pid */
	if (sys_pidfd_send_signal(s->init_pidfd, 0, NULL, 0) < 0)
		return ocirt_error_setx(err, ESRCH, "cannot exec in a stopped container");
	return 0;
}

static bool controllers_match(const char *have, const char *want)
{
	/* want: "cpu,memory"; have: "cpu,cpuacct" -> any common name */
	_cleanup_free_ char *w = xstrdup(want);
	for (char *tok = strtok(w, ","); tok; tok = strtok(NULL, ",")) {
		const char *h = have;
		size_t n = strlen(tok);
		while (h && *h) {
			if (strncmp(h, tok, n) == 0 && (h[n] == ',' || h[n] == '\0'))
				return true;
			h = strchr(h, ',');
			if (h)
				h++;
		}
	}
	return false;
}

/* --cgroup [controllers:]path: an existing sub-cgroup of the container's, per hierarchy
 * (v1: the listed controllers' hierarchies, or all of them without a list). */
static int apply_sub_cgroups(struct ocirt_cgroup *cg, char **specs, struct ocirt_error **err)
{
	if (!specs || !specs[0])
		return 0;
	if (!cg || cg->ndirs == 0)
		return ocirt_error_setx(err, EINVAL, "--cgroup: the container has no cgroup");
	for (size_t i = 0; specs[i]; i++) {
		const char *spec = specs[i], *colon = strchr(spec, ':');
		const char *sub = colon ? colon + 1 : spec;
		_cleanup_free_ char *ctrls = colon ? xstrndup(spec, (size_t)(colon - spec)) : NULL;
		if (!*sub || strstr(sub, ".."))
			return ocirt_error_setx(err, EINVAL, "--cgroup: invalid path \"%s\"", spec);
		bool matched = false;
		for (size_t k = 0; k < cg->ndirs; k++) {
			struct ocirt_cgroup_dir *d = &cg->dirs[k];
			if (ctrls && !controllers_match(d->controllers, ctrls))
				continue;
			while (*sub == '/')
				sub++;
			char *p = xasprintf("%s/%s", d->path, sub);
			struct stat st;
			int e = stat(p, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
			if (e) {
				ocirt_error_set(err, e, "--cgroup: `%s`", p);
				free(p);
				return -e;
			}
			free(d->path);
			d->path = p;
			matched = true;
		}
		if (!matched)
			return ocirt_error_setx(err, EINVAL, "--cgroup: no hierarchy of the container has controller(s) \"%s\"",
						ctrls);
	}
	return 0;
}

/* --- the child --- */

/* Until the child execs (EOF on the sync socket after READY) or fails. */
static int serve_child(struct exec_state *s, struct ocirt_error **err)
{
	bool ready = false;
	for (;;) {
		struct ocirt_sync_msg m;
		int r = ocirt_sync_recv(s->sync[0], &m);
		if (r == -EPIPE) {
			if (ready)
				return 0; /* O_CLOEXEC closed the child's end: it runs the program */
			return ocirt_sync_peer_gone(&s->pid, &s->child, 0, "exec'd process", err);
		}
		if (r < 0)
			return ocirt_error_set(err, -r, "read from the exec'd process");
		switch (m.type) {
		case SYNC_ERROR:
			if (m.fd >= 0)
				close(m.fd);
			return ocirt_error_setx(err, m.errnum ? m.errnum : EINVAL, "unable to start container process: %s",
						m.payload);
		case SYNC_CHILD_PID: {
			int32_t pid = 0;
			if (m.len != sizeof(pid))
				return ocirt_error_setx(err, EPROTO, "bad pid message from the exec'd process");
			memcpy(&pid, m.payload, sizeof(pid));
			s->pid = pid;
			/* the intermediate exits right after sending this */
			waitpid(s->child, NULL, 0);
			s->child = 0;
			if (s->pidfd >= 0)
				close(s->pidfd);
			s->pidfd = sys_pidfd_open(s->pid, 0);
			break;
		}
		case SYNC_PTY_MASTER:
			if (m.fd < 0)
				return ocirt_error_setx(err, EPROTO, "no pty master from the exec'd process");
			if (s->pty_master >= 0)
				close(s->pty_master);
			s->pty_master = m.fd;
			break;
		case SYNC_READY:
			if (m.len > 0 && m.len % sizeof(uint64_t) == 0) {
				const char *const *names = ocirt_init_step_names();
				uint64_t marks[OCIRT_INIT_MAX_STEPS];
				size_t n = m.len / sizeof(uint64_t);
				memcpy(marks, m.payload, n * sizeof(uint64_t));
				for (size_t i = 0; i < n && i < OCIRT_INIT_MAX_STEPS && names[i]; i++)
					if (marks[i])
						ocirt_timing_add(names[i], marks[i]);
			}
			ready = true;
			break;
		default:
			if (m.fd >= 0)
				close(m.fd);
			return ocirt_error_setx(err, EPROTO, "unexpected message %u from the exec'd process", m.type);
		}
	}
}

static int do_exec(struct exec_state *s, struct ocirt_context *ctx, const char *id, const struct ocirt_exec_opts *o,
		   struct ocirt_error **err)
{
	int r = load_container(s, ctx, id, o->ignore_paused, err);
	if (r < 0)
		return r;
	ocirt_timing_mark("load state + config");
	struct oci_config *c = s->config;
	/* the container's own processes, before the exec'd one replaces c->process */
	bool ptrace_reach = ocirt_exe_protect_ptrace_reach(c);
	r = build_process(c, o, err);
	if (r < 0)
		return r;
	r = ocirt_terminal_check(c->process->terminal, o->detach, o->console_socket, err);
	if (r < 0)
		return r;
	if (o->preserve_fds < 0)
		return ocirt_error_setx(err, EINVAL, "--preserve-fds must not be negative");
	r = ocirt_process_check_preserved_fds(3, o->preserve_fds, err);
	if (r < 0)
		return r;
	r = plan_joins(s, err);
	if (r < 0)
		return r;
	/* SECURITY: CVE-2019-5736 where non-dumpable is not enough (the exec'd process or the
	 * container's): may re-execute us, so before
	 * anything is compiled, touched or logged */
	r = ocirt_exe_protect_ensure(ctx, ptrace_reach || ocirt_exe_protect_ptrace_reach(c), &s->ns, err);
	if (r < 0)
		return r;
	r = ocirt_process_prepare_privileges(ctx, c, &s->caps, &s->seccomp, err);
	if (r < 0)
		return r;
	struct ocirt_cgroup *cg = s->status->cgroup;
	r = apply_sub_cgroups(cg, o->cgroups, err);
	if (r < 0)
		return r;
	if (o->console_socket) {
		r = ocirt_terminal_connect(o->console_socket, &s->console_fd, err);
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
	ocirt_timing_mark("prepare");

	int into_fd = cg && cg->ndirs > 0 ? cg->driver->clone_into_fd(cg) : -1;
	struct ocirt_init ic = {
		.id = id,
		.config = c,
		.bundle = s->status->bundle,
		.rootfs = s->status->rootfs,
		.exec = true,
		.foreground = !o->detach,
		.sync_fd = s->sync[1],
		.state_dirfd = -1,
		.console_fd = s->console_fd,
		.parent_only_fds = { s->sync[0], into_fd, s->init_pidfd, -1 },
		.extra_fds = o->preserve_fds,
		.log_fd = ocirt_log_fd(),
		.ns = &s->ns,
		/* pid and time namespaces apply to children: the table's fork */
		.fork_init = (s->ns.join_flags & (CLONE_NEWPID | CLONE_NEWTIME)) != 0,
		.caps = s->caps,
		.seccomp = s->seccomp,
		.seccomp_notify_fd = s->seccomp_notify_fd,
		.t0 = ocirt_timing_enabled() ? ocirt_timing_now_ns() : 0,
	};
	int pidfd = -1;
	struct clone_args ca = {
		.flags = CLONE_PIDFD,
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
		ic.parent_only_fds[1] = -1;
		ca.flags = CLONE_PIDFD;
		ca.cgroup = 0;
		pid = sys_clone3(&ca);
	}
	if (pid < 0) {
		if (into_fd >= 0)
			close(into_fd);
		return ocirt_error_set(err, -pid, "clone3 the exec'd process");
	}
	if (pid == 0)
		ocirt_init_main(&ic);
	ocirt_timing_mark("clone");
	OCIRT_FAULT_POINT("exec-after-clone");
	s->child = pid;
	if (ic.fork_init) {
		if (pidfd >= 0)
			close(pidfd);
	} else {
		s->pid = pid;
		s->pidfd = pidfd;
	}
	close(s->sync[1]);
	s->sync[1] = -1;
	if (into_fd >= 0)
		close(into_fd);
	else if (cg && cg->ndirs > 0) {
		r = ocirt_cgroup_enter(cg, pid, err);
		if (r < 0)
			return r;
	}
	r = ocirt_sync_send(s->sync[0], SYNC_GO, 0, NULL, 0, -1);
	if (r < 0)
		return ocirt_error_set(err, -r, "write to the exec'd process");
	r = serve_child(s, err);
	if (r < 0)
		return r;
	ocirt_timing_mark("exec'd");
	OCIRT_FAULT_POINT("exec-after-start");
	if (o->pid_file) {
		r = ocirt_write_pid_file(o->pid_file, s->pid, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int ocirt_container_exec(struct ocirt_context *ctx, const char *id, const struct ocirt_exec_opts *opts,
			 int *ret_status, struct ocirt_error **err)
{
	struct exec_state s = {
		.init_pidfd = -1,
		.seccomp_notify_fd = -1,
		.console_fd = -1,
		.sync = { -1, -1 },
		.pidfd = -1,
		.pty_master = -1,
	};
	int r = do_exec(&s, ctx, id, opts, err);
	if (r < 0) {
		kill_children(&s);
		exec_state_free(&s);
		return r;
	}
	*ret_status = 0;
	if (!opts->detach) {
		/* nothing of ours the program should outlive us holding */
		struct ocirt_spawned sp = { .pid = s.pid, .pidfd = s.pidfd, .pty_master = s.pty_master, .sync_fd = -1 };
		if (s.sync[0] >= 0) {
			close(s.sync[0]);
			s.sync[0] = -1;
		}
		r = ocirt_foreground_wait(&sp, ret_status, err);
	}
	/* detached: the process stays our child until we exit, then the caller's subreaper's */
	exec_state_free(&s);
	return r;
}
