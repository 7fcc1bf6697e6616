/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt ps [--format|-f table|json] <id> [ps options]: options stop at the ID (runc does not
 * reorder here: what follows belongs to ps(1)). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/xalloc.h"
#include "libocirt/container-cgroup.h"
#include "ocirt/cli.h"

/* runc's table: run the host's ps(1) with the given arguments (default -ef), print its
 * header, then only the lines whose PID column is one of the container's pids. */
static int ps_table(char **ps_args, const pid_t *pids, size_t n, struct ocirt_error **err)
{
	_cleanup_free_ char *out = NULL;
	size_t len = 0, cap = 0;
	int pfd[2], st, pid_col = -1;
	pid_t child;
	char *line, *save = NULL;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return ocirt_error_set(err, errno, "pipe");
	child = fork();
	if (child < 0)
		return ocirt_error_set(err, errno, "fork");
	if (child == 0) {
		size_t na = 0;
		while (ps_args && ps_args[na])
			na++;
		char **argv = xnew0(char *, na + 3);
		argv[0] = (char *)"ps";
		if (na == 0)
			argv[1] = (char *)"-ef";
		for (size_t i = 0; i < na; i++)
			argv[i + 1] = ps_args[i];
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp("ps", argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		ssize_t r;
		if (cap - len < 4096)
			out = xrealloc(out, cap = cap ? cap * 2 : 16384);
		r = read(pfd[0], out + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(pfd[0]);
	out = out ? out : xstrdup("");
	out[len] = 0;
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return ocirt_error_setx(err, EINVAL, "exit status %d: %s", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *copy, *tok, *s2 = NULL;
		int col = 0;
		if (pid_col < 0) {
			copy = xstrdup(line);
			for (tok = strtok_r(copy, " \t", &s2); tok; tok = strtok_r(NULL, " \t", &s2), col++)
				if (streq(tok, "PID")) {
					pid_col = col;
					break;
				}
			free(copy);
			if (pid_col < 0)
				return ocirt_error_setx(err, EINVAL, "couldn't find PID field in ps output");
			printf("%s\n", line);
			continue;
		}
		copy = xstrdup(line);
		for (tok = strtok_r(copy, " \t", &s2); tok && col < pid_col; tok = strtok_r(NULL, " \t", &s2))
			col++;
		if (tok) {
			char *end;
			long p = strtol(tok, &end, 10);
			if (*end) {
				free(copy);
				return ocirt_error_setx(err, EINVAL, "unable to parse pid: %s", tok);
			}
			for (size_t i = 0; i < n; i++)
				if (pids[i] == p) {
					printf("%s\n", line);
					break;
				}
		}
		free(copy);
	}
	fflush(stdout);
	return 0;
}

VERB(ps)
{
	const char *format = "table";
	_cleanup_free_ char **args = NULL;
	int r;
	const struct opt opts[] = {
		{ "format|f", OPT_STRING, &format, "table|json", "select one of: table or json (default: table)" },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, OPT_IN_ORDER, ARGS_MIN, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	if (!streq(format, "table") && !streq(format, "json"))
		return ocirt_error_setx(err, EINVAL, "invalid format option");
	{
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;
		r = ocirt_container_ps(&cli->ctx, args[0], &pids, &n, err);
		if (r < 0)
			return r;
		if (streq(format, "table"))
			return ps_table(args + 1, pids, n, err);
		/* runc: `[1,2]`, and `null` for an empty cgroup */
		if (n == 0) {
			printf("null\n");
		} else {
			for (size_t i = 0; i < n; i++)
				printf("%c%d", i ? ',' : '[', (int)pids[i]);
			printf("]\n");
		}
		fflush(stdout);
		return 0;
	}
}
