/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt pause <id> */
#include "config.h"

#include "libocirt/container-cgroup.h"
#include "ocirt/cli.h"

VERB(pause)
{
	_cleanup_free_ char **args = NULL;
	const struct opt opts[] = { { NULL, 0, NULL, NULL, NULL } };
	int r;

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	return ocirt_container_pause(&cli->ctx, args[0], err);
}
