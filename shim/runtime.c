/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The OCI runtime, known only through its command line: the argv of
 * `<runtime> create|restore|exec`, the runtime child, and the runtime's error message. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/macros.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "shim/shim.h"

char **runtime_argv(struct shim *s)
{
	struct shim_opts *o = &s->o;
	char **v = NULL;
	strv_append(&v, o->runtime);
	if (o->systemd_cgroup && !o->exec)
		strv_append(&v, "--systemd-cgroup");
	for (char **a = o->runtime_args; a && *a; a++)
		strv_append(&v, *a);
	if (o->exec) {
		strv_append(&v, "exec");
		strv_append(&v, "--pid-file");
		strv_append(&v, o->pidfile);
		strv_append(&v, "--process");
		strv_append(&v, o->exec_process_spec);
		strv_append(&v, "--detach");
		if (o->terminal)
			strv_append(&v, "--tty");
	} else {
		strv_append(&v, o->restore ? "restore" : "create");
		strv_append(&v, "--bundle");
		strv_append(&v, o->bundle);
		strv_append(&v, "--pid-file");
		strv_append(&v, o->pidfile);
		if (o->no_pivot)
			strv_append(&v, "--no-pivot");
		if (o->no_new_keyring)
			strv_append(&v, "--no-new-keyring");
		if (o->restore) {
			strv_append(&v, "--detach");
			strv_append(&v, "--image-path");
			strv_append(&v, o->restore);
			strv_append(&v, "--work-path");
			strv_append(&v, o->bundle);
		}
	}
	for (char **a = o->runtime_opts; a && *a; a++)
		strv_append(&v, *a);
	if (s->console_path) {
		strv_append(&v, "--console-socket");
		strv_append(&v, s->console_path);
	}
	strv_append(&v, o->cid);
	return v;
}

static void child_setup_listen_pid(struct shim *s, pid_t parent)
{
	const char *lp = getenv("LISTEN_PID");
	if (!lp)
		return;
	char *end;
	long v = strtol(lp, &end, 10);
	if (*end || v <= 0) {
		dprintf(STDERR_FILENO, "invalid LISTEN_PID %s\n", lp);
		_exit(127);
	}
	if (s->o.replace_listen_pid || v == parent) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%d", (int)getpid());
		setenv("LISTEN_PID", buf, 1);
	}
}

/* The runtime child: stdio from the worker ends, the exec-attach gate, then execv. Signals
 * were blocked by the caller (signalfd); the child restores an empty mask. */
pid_t runtime_spawn(struct shim *s, char **argv)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid != 0)
		return pid < 0 ? -errno : pid;

	sigset_t none;
	sigemptyset(&none);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (!s->log_passthrough) {
		int in = s->worker_stdin >= 0 ? s->worker_stdin : s->devnull;
		int out = s->worker_stdout >= 0 ? s->worker_stdout : s->devnull;
		int err = s->worker_stderr >= 0 ? s->worker_stderr : s->devnull;
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(127);
	}
	child_setup_listen_pid(s, parent);
	if (s->o.exec_attach && s->start_fd >= 0) {
		/* podman writes the start pipe a second time once it is attached */
		char b[8192];
		if (TEMP_FAILURE_RETRY_INT(read(s->start_fd, b, sizeof(b))) < 0)
			_exit(127);
		close(s->start_fd);
	}
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "0", 1) < 0) {
			/* best effort, as conmon */
		}
		close(fd);
	}
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The value of `--log FILE` / `--log=FILE` among the runtime's global arguments. */
static const char *runtime_log_path(struct shim *s)
{
	for (char **a = s->o.runtime_args; a && *a; a++) {
		if (streq(*a, "--log") && a[1])
			return a[1];
		if (strneq(*a, "--log=", 6))
			return *a + 6;
	}
	return NULL;
}

/* The "msg" string of one runc-style JSON log line, unescaped; NULL if none. */
static char *json_msg(const char *line)
{
	const char *p = strstr(line, "\"msg\":");
	if (!p)
		return NULL;
	p += 6;
	while (*p == ' ')
		p++;
	if (*p != '"')
		return NULL;
	p++;
	size_t cap = strlen(p) + 1, n = 0;
	char *out = xmalloc(cap);
	for (; *p && *p != '"'; p++) {
		char c = *p;
		if (c == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'u': {
				unsigned v = 0;
				if (sscanf(p + 1, "%4x", &v) == 1 && strlen(p + 1) >= 4) {
					p += 4;
					c = v < 0x80 ? (char)v : '?';
				}
				break;
			}
			default:
				c = *p;
				break;
			}
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return out;
}

/* The runtime's error: what it wrote on stderr (one read, ≤ 8191 bytes, as conmon), else
 * the last error line of its JSON --log file, else its exit status. Never NULL. */
char *runtime_error_message(struct shim *s)
{
	char buf[8192];
	ssize_t n = -1;
	if (s->out_fd[1] >= 0) {
		fd_set_nonblock(s->out_fd[1], true);
		n = TEMP_FAILURE_RETRY_INT(read(s->out_fd[1], buf, sizeof(buf) - 1));
	}
	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	const char *lp = runtime_log_path(s);
	if (lp) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		if (read_file_at(AT_FDCWD, lp, 1 << 20, &data, &len) >= 0 && data) {
			char *msg = NULL;
			for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
				if (!strstr(line, "\"level\":\"error\"") && !strstr(line, "\"level\": \"error\""))
					continue;
				free(msg);
				msg = json_msg(line);
			}
			if (msg)
				return msg;
		}
	}
	int st = s->runtime_status;
	if (WIFSIGNALED(st))
		return xasprintf("runtime %s killed by signal %d", s->o.runtime, WTERMSIG(st));
	return xasprintf("runtime %s exited with status %d", s->o.runtime, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}
