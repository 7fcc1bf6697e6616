/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt run [create options] [--detach] [--keep] [--no-subreaper] <id | bundle-path> */
#include "config.h"

#include <errno.h>

#include "common/xalloc.h"
#include "ocirt/cli.h"

VERB(run)
{
	const char *bundle = NULL, *console_socket = NULL, *pid_file = NULL, *pidfd_socket = NULL;
	bool no_pivot = false, no_new_keyring = false, no_subreaper = false, detach = false, keep = false;
	int preserve_fds = 0, r, status = 0;
	_cleanup_free_ char **args = NULL;
	_cleanup_free_ char *id = NULL, *abs_bundle = NULL, *abs_console = NULL, *abs_pid = NULL;
	const struct opt opts[] = {
		{ "bundle|b", OPT_STRING, &bundle, "DIR", "path to the root of the bundle directory, defaults to the "
		  "current directory" },
		{ "console-socket", OPT_STRING, &console_socket, "PATH", "path to an AF_UNIX socket which will receive "
		  "a file descriptor referencing the master end of the console's pseudoterminal" },
		{ "detach|d", OPT_BOOL, &detach, NULL, "detach from the container's process" },
		{ "keep", OPT_BOOL, &keep, NULL, "do not delete the container after it exits" },
		{ "pid-file", OPT_STRING, &pid_file, "FILE", "specify the file to write the process id to" },
		{ "no-subreaper", OPT_BOOL, &no_subreaper, NULL, "disable the use of the subreaper used to reap "
		  "reparented processes" },
		{ "no-pivot", OPT_BOOL, &no_pivot, NULL, "do not use pivot root to jail process inside rootfs" },
		{ "no-new-keyring", OPT_BOOL, &no_new_keyring, NULL, "do not create a new session keyring for the "
		  "container" },
		{ "preserve-fds", OPT_INT, &preserve_fds, "N", "pass N additional file descriptors to the container "
		  "(stdio + $LISTEN_FDS + N in total)" },
		{ "pidfd-socket", OPT_STRING, &pidfd_socket, "PATH", NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	if (pidfd_socket)
		return ocirt_error_setx(err, ENOTSUP, "--pidfd-socket is not supported");
	if (preserve_fds < 0)
		return ocirt_error_setx(err, EINVAL, "--preserve-fds must not be negative");
	r = cli_resolve_id_bundle(args[0], bundle, &id, &abs_bundle, err);
	if (r < 0)
		return r;
	abs_console = cli_abspath(console_socket);
	abs_pid = cli_abspath(pid_file);

	struct ocirt_create_opts o = {
		.bundle = abs_bundle,
		.console_socket = abs_console,
		.pid_file = abs_pid,
		.no_pivot = no_pivot,
		.no_new_keyring = no_new_keyring,
		.preserve_fds = preserve_fds,
		.detach = detach,
		.keep = keep,
		.no_subreaper = no_subreaper,
	};
	r = ocirt_container_run(&cli->ctx, id, &o, &status, err);
	if (r < 0)
		return r;
	return detach ? 0 : status;
}
