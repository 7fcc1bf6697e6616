/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt exec [options] <id> <command> [args...] | ocirt exec [options] -p process.json <id>
 * Options stop at the ID: everything after it is the command line. Failures before the
 * process runs exit 255 (runc). */
#include "config.h"

#include "common/strv.h"
#include "ocirt/cli.h"

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
	/* Once libocirt can exec: usage errors exit 1, and from here on a failure means the
	 * process did not start, which runc reports with 255 (cli->error_status = 255). */
	return cli_not_implemented(v, err);
}
