/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/proc-util.h"
#include "common/xalloc.h"
#include "libocirt/hooks.h"
#include "libocispec/oci-state.h"

char *ocirt_hooks_state_json(const char *oci_version, const char *id, const char *status, pid_t pid,
			     const char *bundle, const struct oci_map *annotations)
{
	struct oci_state s = {
		.oci_version = (char *)(oci_version ? oci_version : OCIRT_SPEC_VERSION),
		.id = (char *)id,
		.status = (char *)status,
		.has_pid = pid > 0,
		.pid = (int32_t)pid,
		.bundle = (char *)bundle,
		.annotations = (struct oci_map *)annotations,
	};
	char *json = NULL;
	size_t len;
	if (oci_state_generate(&s, false, &json, &len, NULL) < 0)
		return xstrdup("{}");
	return json;
}

static _noreturn_ void hook_child(const struct oci_hook *h, int stdin_fd)
{
	if (dup2(stdin_fd, STDIN_FILENO) < 0)
		_exit(127);
	char *fallback_argv[] = { h->path, NULL };
	char *empty_env[] = { NULL };
	/* default signal dispositions and mask for the hook */
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	execve(h->path, h->args && h->args[0] ? h->args : fallback_argv, h->env ? h->env : empty_env);
	dprintf(STDERR_FILENO, "exec hook `%s`: %s\n", h->path, strerror(errno));
	_exit(127);
}

static int run_one(const char *kind, size_t idx, const struct oci_hook *h, const char *state,
		   struct ocirt_error **err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return ocirt_error_set(err, errno, "%s hook #%zu `%s`: pipe", kind, idx, h->path);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return ocirt_error_set(err, e, "%s hook #%zu `%s`: fork", kind, idx, h->path);
	}
	if (pid == 0) {
		close(p[1]);
		hook_child(h, p[0]);
	}
	close(p[0]);
	_cleanup_close_ int pidfd = sys_pidfd_open(pid, 0);

	/* The state is small: it fits the pipe buffer. A hook that exits without reading
	 * must not kill us with SIGPIPE. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	write_all(p[1], state, strlen(state));
	close(p[1]);
	sigaction(SIGPIPE, &old, NULL);

	bool timed_out = false;
	if (h->has_timeout && h->timeout > 0 && pidfd >= 0) {
		if (pidfd_wait_exit(pidfd, h->timeout * 1000) == -ETIMEDOUT) {
			kill(pid, SIGKILL);
			timed_out = true;
		}
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return ocirt_error_set(err, errno, "%s hook #%zu `%s`: wait", kind, idx, h->path);
	}
	if (timed_out)
		return ocirt_error_setx(err, ETIMEDOUT, "%s hook #%zu `%s`: timed out after %d s (killed)", kind, idx,
					h->path, h->timeout);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return ocirt_error_setx(err, EINVAL, "%s hook #%zu `%s`: killed by signal %d", kind, idx, h->path,
					WTERMSIG(status));
	return ocirt_error_setx(err, EINVAL, "%s hook #%zu `%s`: exit status %d", kind, idx, h->path,
				WEXITSTATUS(status));
}

int ocirt_hooks_run(const char *kind, const struct oci_hook *hooks, size_t n, const char *state_json,
		    struct ocirt_error **err)
{
	for (size_t i = 0; hooks && i < n; i++) {
		int r = run_one(kind, i, &hooks[i], state_json, err);
		if (r < 0)
			return r;
	}
	return 0;
}
