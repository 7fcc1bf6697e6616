/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt kill [--all|-a] <id> [signal] */
#include "config.h"

#include <signal.h>

#include "ocirt/cli.h"

VERB(kill)
{
	_cleanup_free_ char **args = NULL;
	bool all = false;
	int nargs = 0, signum = SIGTERM, r;
	const struct opt opts[] = {
		{ "all|a", OPT_BOOL, &all, NULL, "send the specified signal to all processes inside the container" },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, 0, ARGS_MIN, 1, &args, &nargs, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	if (nargs > 2) {
		_cleanup_free_ char **ignored = NULL;
		return cli_parse(v, opts, argc, argv, 0, ARGS_MAX, 2, &ignored, NULL, err);
	}
	if (nargs == 2) {
		r = ocirt_parse_signal(args[1], &signum, err);
		if (r < 0)
			return r;
	}
	r = ocirt_container_kill(&cli->ctx, args[0], signum, all, err);
	return r < 0 ? r : 0;
}
