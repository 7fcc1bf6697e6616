/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt delete [--force|-f] <id> */
#include "config.h"

#include "ocirt/cli.h"

VERB(delete)
{
	_cleanup_free_ char **args = NULL;
	bool force = false;
	int r;
	const struct opt opts[] = {
		{ "force|f", OPT_BOOL, &force, NULL, "forcibly deletes the container if it is still running (uses "
		  "SIGKILL)" },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = ocirt_container_delete(&cli->ctx, args[0], force, err);
	return r < 0 ? r : 0;
}
