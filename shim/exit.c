/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sync-pipe messages, status files (exit file, persist dir, conmon pidfile), the exit
 * sequence after the container is reaped, and the exit command. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/macros.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "shim/shim.h"

/* JSON string escaping: every byte below 0x20 is escaped (raw control bytes break podman's
 * decoder); UTF-8 passes through. */
static char *json_escape(const char *in)
{
	size_t cap = strlen(in) * 6 + 1, n = 0;
	char *out = xmalloc(cap);
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		switch (*p) {
		case '"':
			out[n++] = '\\';
			out[n++] = '"';
			break;
		case '\\':
			out[n++] = '\\';
			out[n++] = '\\';
			break;
		case '\n':
			out[n++] = '\\';
			out[n++] = 'n';
			break;
		case '\t':
			out[n++] = '\\';
			out[n++] = 't';
			break;
		case '\r':
			out[n++] = '\\';
			out[n++] = 'r';
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				n += (size_t)sprintf(out + n, "\\u%04x", *p);
			else
				out[n++] = (char)*p;
		}
	}
	out[n] = '\0';
	return out;
}

/* One message, one write: `{"data": N}\n` or `{"data": N, "message": "..."}\n`. */
int sync_send(struct shim *s, int fd, int64_t data, const char *message)
{
	if (fd < 0)
		return 0;
	const char *key = s->o.api_version >= 1 ? "data" : s->o.exec ? "exit_code" : "pid";
	_cleanup_free_ char *msg = NULL;
	if (message) {
		_cleanup_free_ char *esc = json_escape(message);
		msg = xasprintf("{\"%s\": %lld, \"message\": \"%s\"}\n", key, (long long)data, esc);
	} else {
		msg = xasprintf("{\"%s\": %lld}\n", key, (long long)data);
	}
	ssize_t n = TEMP_FAILURE_RETRY_INT(write(fd, msg, strlen(msg)));
	if (n < 0)
		return -errno;
	return (size_t)n == strlen(msg) ? 0 : -EIO;
}

/* Write path atomically (<path>.XXXXXX + rename), mode 0666 & ~umask, as conmon/glib do. */
static int write_atomic(const char *path, const char *content)
{
	_cleanup_free_ char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	mode_t um = umask(0);
	umask(um);
	int r = fchmod(fd, 0666 & ~um) < 0 ? -errno : 0;
	if (r == 0)
		r = write_all(fd, content, strlen(content));
	close(fd);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int write_status_file(const char *dir, const char *name, const char *content)
{
	_cleanup_free_ char *path = name ? xasprintf("%s/%s", dir, name) : xstrdup(dir);
	int r = write_atomic(path, content);
	if (r < 0)
		pr_err("write %s: %s", path, strerror(-r));
	return r;
}

int status_to_exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/* Run --exit-command (podman's `container cleanup`) and wait for it: podman expects the
 * shim to stay alive until the cleanup is done. */
void exit_command_run(struct shim *s)
{
	if (!s->exit_command_armed || !s->o.exit_command)
		return;
	s->exit_command_armed = false;
	if (s->console_path)
		unlink(s->console_path);
	signal(SIGCHLD, SIG_DFL);
	close_fds_from(3, NULL, 0, true);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	_cleanup_(strv_freep) char **argv = NULL;
	strv_append(&argv, s->o.exit_command);
	for (char **a = s->o.exit_command_args; a && *a; a++)
		strv_append(&argv, *a);
	pid_t pid = fork();
	if (pid < 0) {
		pr_err("fork the exit command: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (s->o.exit_delay > 0)
			sleep((unsigned)s->o.exit_delay);
		int fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

void shim_exit(struct shim *s, int code)
{
	exit_command_run(s);
	if (s->console_path)
		unlink(s->console_path);
	exit(code);
}

static void close_inherited(struct shim *s)
{
	for (size_t i = 0; i < s->n_inherited; i++)
		close(s->inherited[i]);
	s->n_inherited = 0;
}

/* The container (or exec process) was reaped, or --timeout fired. */
void shim_finish(struct shim *s)
{
	int code;
	oom_check(s);
	if (!s->timed_out) {
		stdio_drain(s);
		code = status_to_exit_code(s->container_status);
	} else {
		pid_t pgid = getpgid(s->container_pid);
		/* the container's process group, unless it is still ours (no setsid in the
		 * container): then only the container process */
		if (pgid > 1 && pgid != getpgrp())
			kill(-pgid, SIGKILL);
		else
			kill(s->container_pid, SIGKILL);
		code = -1;
	}
	logs_flush(s);
	close_inherited(s);
	attach_close_all(s);

	char buf[32];
	snprintf(buf, sizeof(buf), "%d", code);
	if (s->o.persist_dir && write_status_file(s->o.persist_dir, "exit", buf) < 0)
		shim_exit(s, 1);
	if (s->o.exit_dir && write_status_file(s->o.exit_dir, s->o.cid, buf) < 0)
		shim_exit(s, 1);
	if (s->o.exec) {
		/* podman 4.3 has closed its end by now: EPIPE is expected and harmless */
		int r = s->timed_out ? sync_send(s, s->sync_fd, -1, "command timed out")
		                     : sync_send(s, s->sync_fd, code, NULL);
		if (r < 0)
			pr_debug("final exec status message: %s", strerror(-r));
	}
	attach_unlink(s);
	shim_exit(s, code < 0 ? 255 : code);
}
