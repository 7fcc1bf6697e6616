/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt create [--bundle DIR] [--console-socket S] [--pid-file F] [--no-pivot]
 *              [--no-new-keyring] [--preserve-fds N] <id>
 * ocirt run    [create options] [--detach] [--keep] [--no-subreaper] <id | bundle-path>
 * One option table and one parser for both: `run` is `create` + start + wait. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/xalloc.h"
#include "ocirt/cli.h"

struct create_args {
	char *id, *bundle, *console_socket, *pid_file;
	struct ocirt_create_opts opts;
};

static void create_args_free(struct create_args *a)
{
	free(a->id);
	free(a->bundle);
	free(a->console_socket);
	free(a->pid_file);
}

/* Parse create's options (and run's when `run`), resolve the ID / bundle argument and fill
 * a->opts. Returns 1 when --help was printed. */
static int parse_create(const struct verb *v, int argc, char **argv, bool run, struct create_args *a,
			struct ocirt_error **err)
{
	const char *bundle = NULL, *console_socket = NULL, *pid_file = NULL, *pidfd_socket = NULL;
	bool no_pivot = false, no_new_keyring = false, no_subreaper = false, detach = false, keep = false;
	int preserve_fds = 0, r;
	_cleanup_free_ char **args = NULL;
	const struct opt common[] = {
		{ "bundle|b", OPT_STRING, &bundle, "DIR", "path to the root of the bundle directory, defaults to the "
		  "current directory" },
		{ "console-socket", OPT_STRING, &console_socket, "PATH", "path to an AF_UNIX socket which will receive "
		  "a file descriptor referencing the master end of the console's pseudoterminal" },
		{ "pid-file", OPT_STRING, &pid_file, "FILE", "specify the file to write the process id to" },
		{ "no-pivot", OPT_BOOL, &no_pivot, NULL, "do not use pivot root to jail process inside rootfs" },
		{ "no-new-keyring", OPT_BOOL, &no_new_keyring, NULL, "do not create a new session keyring for the "
		  "container" },
		{ "preserve-fds", OPT_INT, &preserve_fds, "N", "pass N additional file descriptors to the container "
		  "(stdio + $LISTEN_FDS + N in total)" },
		{ "pidfd-socket", OPT_STRING, &pidfd_socket, "PATH", NULL },
	};
	const struct opt run_only[] = {
		{ "detach|d", OPT_BOOL, &detach, NULL, "detach from the container's process" },
		{ "keep", OPT_BOOL, &keep, NULL, "do not delete the container after it exits" },
		{ "no-subreaper", OPT_BOOL, &no_subreaper, NULL, "disable the use of the subreaper used to reap "
		  "reparented processes" },
	};
	const struct opt create_only[] = {
		/* crun accepts it; create never reaps */
		{ "no-subreaper", OPT_BOOL, &no_subreaper, NULL, NULL },
	};
	struct opt opts[ARRAY_SIZE(common) + ARRAY_SIZE(run_only) + 1] = { 0 }; /* zeroed: the terminator */
	memcpy(opts, common, sizeof(common));
	if (run)
		memcpy(opts + ARRAY_SIZE(common), run_only, sizeof(run_only));
	else
		memcpy(opts + ARRAY_SIZE(common), create_only, sizeof(create_only));

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r;
	if (pidfd_socket)
		return ocirt_error_setx(err, ENOTSUP, "--pidfd-socket is not supported");
	if (preserve_fds < 0)
		return ocirt_error_setx(err, EINVAL, "--preserve-fds must not be negative");
	r = cli_resolve_id_bundle(args[0], bundle, &a->id, &a->bundle, err);
	if (r < 0)
		return r;
	a->console_socket = cli_abspath(console_socket);
	a->pid_file = cli_abspath(pid_file);
	a->opts = (struct ocirt_create_opts){
		.bundle = a->bundle,
		.console_socket = a->console_socket,
		.pid_file = a->pid_file,
		.no_pivot = no_pivot,
		.no_new_keyring = no_new_keyring,
		.preserve_fds = preserve_fds,
		.detach = run ? detach : true,
		.keep = keep,
		.no_subreaper = run && no_subreaper,
	};
	return 0;
}

VERB(create)
{
	_cleanup_(create_args_free) struct create_args a = { 0 };
	int r = parse_create(v, argc, argv, false, &a, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = ocirt_container_create(&cli->ctx, a.id, &a.opts, err);
	return r < 0 ? r : 0;
}

VERB(run)
{
	_cleanup_(create_args_free) struct create_args a = { 0 };
	int status = 0, r = parse_create(v, argc, argv, true, &a, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = ocirt_container_run(&cli->ctx, a.id, &a.opts, &status, err);
	if (r < 0)
		return r;
	return a.opts.detach ? 0 : status;
}
