/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt exec [options] <id> <command> [args...] | ocirt exec [options] -p process.json <id>
 * Options stop at the ID: everything after it is the command line. Failures before the
 * process runs exit 255 (runc). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/exec.h"
#include "ocirt/cli.h"

/* "1000" -> 1000, Go's strconv.Atoi wording on failure (runc's message quotes it). */
static int parse_id(const char *s, const char *what, uint32_t *ret, struct ocirt_error **err)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno)
		return ocirt_error_setx(err, EINVAL, "parsing %s as int for %s failed: strconv.Atoi: parsing \"%s\": %s",
					s, what, s, errno == ERANGE ? "value out of range" : "invalid syntax");
	if (v < 0 || v > UINT32_MAX)
		return ocirt_error_setx(err, EINVAL, "%s must be a positive number %lld", what, v);
	*ret = (uint32_t)v;
	return 0;
}

static int exec_verb(struct cli *cli, char **args, const char *process, const char *console_socket,
		     const char *pid_file, const char *cwd, const char *user, const char *apparmor, const char *label,
		     const char *pidfd_socket, char **env, char **caps, char **gids, char **cgroups, bool detach,
		     bool tty, bool nnp, bool ignore_paused, int preserve_fds, struct ocirt_error **err)
{
	_cleanup_free_ char *abs_console = NULL, *abs_pid = NULL, *user_copy = NULL;
	_cleanup_free_ uint32_t *gid_list = NULL;
	int r;

	if (pidfd_socket)
		return ocirt_error_setx(err, ENOTSUP, "--pidfd-socket is not supported");
	struct ocirt_exec_opts o = {
		.process_path = process,
		.args = args + 1,
		.tty = tty,
		.cwd = cwd,
		.env = env,
		.caps = caps,
		.no_new_privs = nnp,
		.apparmor = apparmor,
		.process_label = label,
		.detach = detach,
		.preserve_fds = preserve_fds,
		.cgroups = cgroups,
		.ignore_paused = ignore_paused,
	};
	if (user && *user) {
		user_copy = xstrdup(user);
		char *colon = strchr(user_copy, ':');
		if (colon) {
			*colon = '\0';
			r = parse_id(colon + 1, "gid", &o.gid, err);
			if (r < 0)
				return r;
			o.has_gid = true;
		}
		r = parse_id(user_copy, "uid", &o.uid, err);
		if (r < 0)
			return r;
		o.has_user = true;
	}
	size_t ngids = strv_length(gids);
	if (ngids) {
		gid_list = xnew0(uint32_t, ngids);
		for (size_t i = 0; i < ngids; i++) {
			r = parse_id(gids[i], "additional-gids", &gid_list[i], err);
			if (r < 0)
				return r;
		}
		o.additional_gids = gid_list;
		o.additional_gids_len = ngids;
	}
	o.console_socket = abs_console = cli_abspath(console_socket);
	o.pid_file = abs_pid = cli_abspath(pid_file);
	int status = 0;
	r = ocirt_container_exec(&cli->ctx, args[0], &o, &status, err);
	if (r < 0)
		return r;
	return detach ? 0 : status;
}

VERB(exec)
{
	const char *process = NULL, *console_socket = NULL, *pid_file = NULL, *cwd = NULL, *user = NULL;
	const char *apparmor = NULL, *label = NULL, *pidfd_socket = NULL;
	_cleanup_strv_ char **env = NULL, **caps = NULL, **gids = NULL, **cgroups = NULL;
	bool detach = false, tty = false, nnp = false, ignore_paused = false;
	int preserve_fds = 0, r;
	_cleanup_free_ char **args = NULL;
	const struct opt opts[] = {
		{ "console-socket", OPT_STRING, &console_socket, "PATH", "path to an AF_UNIX socket which will receive "
		  "a file descriptor referencing the master end of the console's pseudoterminal" },
		{ "cwd", OPT_STRING, &cwd, "DIR", "current working directory in the container" },
		{ "env|e", OPT_STRINGS, &env, "NAME=VALUE", "set environment variables" },
		{ "tty|t", OPT_BOOL, &tty, NULL, "allocate a pseudo-TTY" },
		{ "user|u", OPT_STRING, &user, "UID[:GID]", "UID (format: <uid>[:<gid>])" },
		{ "additional-gids|g", OPT_STRINGS, &gids, "GID", "additional gids" },
		{ "process|p", OPT_STRING, &process, "FILE", "path to the process.json" },
		{ "detach|d", OPT_BOOL, &detach, NULL, "detach from the container's process" },
		{ "pid-file", OPT_STRING, &pid_file, "FILE", "specify the file to write the process id to" },
		{ "process-label", OPT_STRING, &label, "LABEL", "set the asm process label for the process commonly "
		  "used with selinux" },
		{ "apparmor", OPT_STRING, &apparmor, "PROFILE", "set the apparmor profile for the process" },
		{ "no-new-privs", OPT_BOOL, &nnp, NULL, "set the no new privileges value for the process" },
		{ "cap|c", OPT_STRINGS, &caps, "CAP", "add a capability to the bounding set for the process" },
		{ "preserve-fds", OPT_INT, &preserve_fds, "N", "pass N additional file descriptors to the container" },
		{ "cgroup", OPT_STRINGS, &cgroups, "PATH", "run the process in an (existing) sub-cgroup(s)" },
		{ "ignore-paused", OPT_BOOL, &ignore_paused, NULL, "allow exec in a paused container" },
		{ "pidfd-socket", OPT_STRING, &pidfd_socket, "PATH", NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, OPT_IN_ORDER, ARGS_MIN, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	/* usage errors exit 1; from here on a failure means the process did not start, which
	 * runc reports as "exec failed: ..." with 255 */
	cli->error_status = 255;
	r = exec_verb(cli, args, process, console_socket, pid_file, cwd, user, apparmor, label, pidfd_socket, env, caps,
		      gids, cgroups, detach, tty, nnp, ignore_paused, preserve_fds, err);
	if (r < 0)
		ocirt_error_prefix(err, "exec failed");
	return r;
}
