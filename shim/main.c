/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocishim: a conmon-compatible container monitor for podman (conmon 2.1.6's contract, see
 * ocishim(8)). The sequence, in the order podman depends on:
 *   conmon #1: options, log file, start pipe (podman moves us into a cgroup first), fork,
 *              conmon pidfile, exit 0;
 *   daemon:    /dev/null stdio, setsid, subreaper, pipes / console socket, attach socket and
 *              FIFOs, the runtime child; when the runtime exits: the PID (or its error) on
 *              the sync pipe; relay output until the container is reaped; drain; exit files;
 *              exit command. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/macros.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "shim/shim.h"

/* --- diagnostics: the only process-wide state, set once at startup ---------------------- */

static int log_level = SHIM_LOG_WARN;
static bool log_syslog;

void shim_log_setup(int level, bool use_syslog, const char *cid)
{
	static char ident[64];
	log_level = level;
	log_syslog = use_syslog;
	if (use_syslog) {
		snprintf(ident, sizeof(ident), "conmon %.20s", cid ? cid : "");
		openlog(ident, LOG_PID, LOG_DAEMON);
	}
}

void shim_log(int level, const char *fmt, ...)
{
	static const char tag[] = {'e', 'w', 'i', 'd', 'd'};
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG};
	if (level > log_level)
		return;
	int saved = errno;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dprintf(STDERR_FILENO, "[conmon:%c]: %s\n", tag[level], msg);
	if (log_syslog)
		syslog(prio[level], "%s", msg);
	errno = saved;
}

void shim_die(struct shim *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s", msg);
	shim_exit(s, 1);
}

/* --- startup helpers ------------------------------------------------------------------- */

static void shim_init(struct shim *s)
{
	memset(s, 0, sizeof(*s));
	s->epfd = s->sync_fd = s->start_fd = s->attach_pipe_fd = s->devnull = -1;
	s->k8s_fd = s->stdin_fd = s->out_fd[0] = s->out_fd[1] = -1;
	s->worker_stdin = s->worker_stdout = s->worker_stderr = -1;
	s->console_listen = s->master = s->master_retry_w.fd = -1;
	s->bundle_dirfd = s->attach_dirfd = s->attach_listen = -1;
	s->ctl_fd = s->ctl_dummy = s->winsz_fd = s->winsz_dummy = -1;
	s->notify_fd = s->notify_host_fd = s->sigfd = -1;
	s->oom_efd = s->oom_inotify = s->journal_fd = -1;
}

static int env_fd(const char *name)
{
	const char *v = getenv(name);
	if (!v)
		return -1;
	char *end;
	errno = 0;
	long fd = strtol(v, &end, 10);
	if (errno || end == v || *end || fd < 0 || fd > 65535) {
		pr_err("unable to parse %s: %s", name, v);
		exit(1);
	}
	if (fd_set_cloexec((int)fd, true) < 0) {
		pr_err("%s=%ld: %s", name, fd, strerror(errno));
		exit(1);
	}
	return (int)fd;
}

/* N of `--runtime-opt --preserve-fds --runtime-opt N` (or `--preserve-fds=N`). */
static int preserve_fds_count(struct shim_opts *o)
{
	for (char **a = o->runtime_opts; a && *a; a++) {
		if (streq(*a, "--preserve-fds") && a[1])
			return atoi(a[1]);
		if (strneq(*a, "--preserve-fds=", 15))
			return atoi(*a + 15);
	}
	return 0;
}

/* Inherited fds above the preserved ones (podman's port reservations, stray fds of its
 * caller): kept open until the container exits (then closed, so ports are free again), but
 * never leaked into the runtime. */
static void snapshot_inherited(struct shim *s)
{
	_cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
	if (!d)
		return;
	int self = dirfd(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd == self || fd < 3 + s->preserve_fds)
			continue;
		s->inherited = xreallocarray(s->inherited, s->n_inherited + 1, sizeof(int));
		s->inherited[s->n_inherited++] = fd;
		fd_set_cloexec(fd, true);
	}
}

static void forget_inherited(struct shim *s, int fd)
{
	for (size_t i = 0; i < s->n_inherited; i++)
		if (s->inherited[i] == fd) {
			s->inherited[i] = s->inherited[--s->n_inherited];
			return;
		}
}

static int validate(struct shim *s)
{
	struct shim_opts *o = &s->o;
	if (!o->cid) {
		pr_err("Container ID not provided. Use --cid");
		return -1;
	}
	if (o->exec && o->restore) {
		pr_err("Cannot use 'exec' and 'restore' at the same time");
		return -1;
	}
	if (o->exec_attach && (!o->exec || o->api_version < 1)) {
		pr_err("Attach can only be specified with exec and API version >= 1");
		return -1;
	}
	if (!o->cuuid && !(o->exec && o->api_version < 1)) {
		pr_err("Container UUID not provided. Use --cuuid");
		return -1;
	}
	if (!o->runtime) {
		pr_err("Runtime path not provided. Use --runtime");
		return -1;
	}
	if (access(o->runtime, X_OK) < 0) {
		pr_err("Runtime path %s is not valid: %s", o->runtime, strerror(errno));
		return -1;
	}
	if (o->exec && !o->exec_process_spec) {
		pr_err("Exec process spec path not provided. Use --exec-process-spec");
		return -1;
	}
	char *cwd = getcwd(NULL, 0);
	if (!cwd) {
		pr_err("Failed to get working directory: %s", strerror(errno));
		return -1;
	}
	if (!o->bundle && !o->exec)
		o->bundle = xstrdup(cwd);
	if (o->exit_delay < 0) {
		pr_err("Delay before invoking exit command must be greater than or equal to 0");
		free(cwd);
		return -1;
	}
	if (o->timeout < 0)
		o->timeout = 0;
	if (!o->pidfile)
		o->pidfile = xasprintf("%s/pidfile-%s", cwd, o->cid);
	free(cwd);
	return 0;
}

static void write_oom_score_adj(const char *val)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, val, strlen(val)) < 0)
		pr_debug("oom_score_adj %s: %s", val, strerror(errno));
	close(fd);
}

static void on_timeout(struct shim *s, struct watch *w, uint32_t events)
{
	uint64_t x;
	if (read(w->fd, &x, sizeof(x)) < 0)
		return;
	pr_warn("timed out after %d seconds: killing the container", s->o.timeout);
	s->timed_out = true;
}

static void arm_timeout(struct shim *s)
{
	if (s->o.timeout <= 0)
		return;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec its = {.it_value = {.tv_sec = s->o.timeout}};
	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0) {
		pr_warn("--timeout: %s", strerror(errno));
		return;
	}
	loop_watch(s, &s->timer_w, fd, EPOLLIN, on_timeout, NULL);
}

static void runtime_failed(struct shim *s)
{
	_cleanup_free_ char *msg = runtime_error_message(s);
	pr_err("runtime stderr: %s", msg);
	if (sync_send(s, s->sync_fd, -1, msg) < 0)
		pr_err("Unable to send container stderr message to parent");
	int st = s->runtime_status;
	shim_die(s, "Failed to %s container: exit status %d", s->o.exec ? "exec" : "create",
	         WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

static void fail_with_message(struct shim *s, const char *msg)
{
	sync_send(s, s->sync_fd, -1, msg);
	shim_die(s, "%s", msg);
}

static pid_t read_pidfile(struct shim *s)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	if (read_file_at(AT_FDCWD, s->o.pidfile, 64, &data, &len) < 0 || !data)
		return -1;
	int pid = atoi(data);
	return pid > 0 ? pid : -1;
}

/* The runtime exited 0: the container (or exec process) PID to podman, then monitor it. */
static void runtime_succeeded(struct shim *s)
{
	if (s->o.terminal && s->master < 0)
		fail_with_message(s, "Runtime did not set up terminal");
	pid_t pid = read_pidfile(s);
	if (pid < 0) {
		_cleanup_free_ char *m = xasprintf("Failed to read pid from %s", s->o.pidfile);
		fail_with_message(s, m);
	}
	s->container_pid = pid;
	unsigned n = s->n_early < ARRAY_SIZE(s->early) ? s->n_early : ARRAY_SIZE(s->early);
	for (unsigned i = 0; i < n; i++)
		if (s->early[i].pid == pid) {
			s->container_exited = true;
			s->container_status = s->early[i].status;
		}
	if (sync_send(s, s->sync_fd, pid, NULL) < 0)
		shim_die(s, "Unable to send container pid to parent: %s", strerror(errno));
	oom_setup(s);
	stdio_start_readers(s);
	arm_timeout(s);
}

/* Returns only before the fork (errors, --version); the daemon ends in shim_exit(). */
static int run(struct shim *s, int argc, char **argv)
{
	if (shim_parse_options(&s->o, argc, argv) < 0)
		return 1;
	if (s->o.version) {
		printf("conmon version %s\ncommit: ocishim-%s\n", SHIM_CONMON_VERSION, PACKAGE_VERSION);
		return 0;
	}
	int level = shim_log_level_parse(s->o.log_level);
	if (level < 0) {
		pr_err("No such log level %s", s->o.log_level);
		return 1;
	}
	shim_log_setup(level, s->o.syslog, s->o.cid);
	s->preserve_fds = preserve_fds_count(&s->o);
	snapshot_inherited(s);
	if (validate(s) < 0 || logs_setup(s) < 0)
		return 1;
	write_oom_score_adj("-1000");
	signal(SIGPIPE, SIG_IGN);

	s->sync_fd = env_fd("_OCI_SYNCPIPE");
	s->start_fd = env_fd("_OCI_STARTPIPE");
	s->attach_pipe_fd = env_fd("_OCI_ATTACHPIPE");
	forget_inherited(s, s->sync_fd);
	forget_inherited(s, s->start_fd);
	forget_inherited(s, s->attach_pipe_fd);
	if (s->o.exec_attach && s->attach_pipe_fd < 0) {
		pr_err("--attach specified but _OCI_ATTACHPIPE was not");
		return 1;
	}
	if (s->start_fd >= 0) {
		/* podman moves us into a cgroup, then writes one byte: fork nothing before it */
		char b[8192];
		if (TEMP_FAILURE_RETRY_INT(read(s->start_fd, b, sizeof(b))) < 0) {
			pr_err("Failed to read from the start pipe: %s", strerror(errno));
			return 1;
		}
		if (!s->o.exec_attach) {
			close(s->start_fd);
			s->start_fd = -1;
		}
	}
	s->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (s->devnull < 0) {
		pr_err("open /dev/null: %s", strerror(errno));
		return 1;
	}

	if (!s->o.sync) {
		pid_t pid = fork();
		if (pid < 0) {
			pr_err("fork: %s", strerror(errno));
			return 1;
		}
		if (pid > 0) {
			if (s->o.conmon_pidfile) {
				char buf[32];
				snprintf(buf, sizeof(buf), "%d", pid);
				if (write_status_file(s->o.conmon_pidfile, NULL, buf) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}

	/* --- the daemon --- */
	if (!s->log_passthrough)
		for (int fd = 0; fd <= 2; fd++)
			dup2(s->devnull, fd);
	setsid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		pr_err("Failed to set as subreaper: %s", strerror(errno));
		_exit(1);
	}
	if (loop_init(s) < 0 || loop_signals_setup(s) < 0) {
		pr_err("event loop: %s", strerror(errno));
		_exit(1);
	}
	/* from here on every exit runs the exit command (podman's cleanup) */
	s->exit_command_armed = true;

	if (s->o.bundle) {
		s->bundle_dirfd = open(s->o.bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (s->bundle_dirfd < 0)
			shim_die(s, "open the bundle %s: %s", s->o.bundle, strerror(errno));
	}
	int r = notify_setup(s);
	if (r < 0)
		shim_die(s, "sd-notify relay: %s", strerror(-r));
	if (s->o.terminal && !s->log_passthrough) {
		r = console_setup(s);
		if (r < 0)
			shim_die(s, "Failed to create the console socket: %s", strerror(-r));
	}
	r = stdio_setup(s);
	if (r < 0)
		shim_die(s, "Failed to create the stdio pipes: %s", strerror(-r));
	_cleanup_(strv_freep) char **rargv = runtime_argv(s);
	if (s->o.bundle && !s->log_passthrough) {
		if (attach_setup(s) < 0 || ctl_setup(s) < 0)
			shim_die(s, "Failed to create the attach socket and control FIFOs in %s", s->o.bundle);
	}
	if (s->o.exec_attach && sync_send(s, s->attach_pipe_fd, 0, NULL) < 0)
		shim_die(s, "Failed to write to the attach pipe: %s", strerror(errno));

	if (level >= SHIM_LOG_DEBUG) {
		_cleanup_free_ char *cmd = strv_join(rargv, " ");
		pr_debug("running %s", cmd);
	}
	pid_t rpid = runtime_spawn(s, rargv);
	if (rpid < 0)
		shim_die(s, "Failed to fork the runtime: %s", strerror((int)-rpid));
	s->runtime_pid = rpid;
	strv_free(TAKE_PTR(rargv));
	if (s->log_passthrough)
		for (int fd = 0; fd <= 2; fd++)
			dup2(s->devnull, fd);
	int *workers[] = {&s->worker_stdin, &s->worker_stdout, &s->worker_stderr};
	for (size_t i = 0; i < ARRAY_SIZE(workers); i++)
		if (*workers[i] >= 0) {
			close(*workers[i]);
			*workers[i] = -1;
		}
	if (s->start_fd >= 0) {
		close(s->start_fd);
		s->start_fd = -1;
	}

	while (!s->runtime_exited)
		loop_once(s, -1);
	console_try_accept(s);
	if (!WIFEXITED(s->runtime_status) || WEXITSTATUS(s->runtime_status) != 0)
		runtime_failed(s);
	runtime_succeeded(s);

	while (!s->container_exited && !s->timed_out)
		loop_once(s, -1);
	shim_finish(s);
}

int main(int argc, char **argv)
{
	struct shim s;
	shim_init(&s);
	int r = run(&s, argc, argv);
	shim_opts_free(&s.o);
	free(s.inherited);
	free(s.k8s_path);
	if (s.k8s_fd >= 0)
		close(s.k8s_fd);
	return r;
}
