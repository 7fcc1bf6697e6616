/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt start <id> */
#include "config.h"

#include "ocirt/cli.h"

VERB(start)
{
	_cleanup_free_ char **args = NULL;
	const struct opt opts[] = { { NULL, 0, NULL, NULL, NULL } };
	int r;

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = ocirt_container_start(&cli->ctx, args[0], err);
	return r < 0 ? r : 0;
}
