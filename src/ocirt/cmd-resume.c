/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt resume <id> */
#include "config.h"

#include "libocirt/container-cgroup.h"
#include "ocirt/cli.h"

VERB(resume)
{
	_cleanup_free_ char **args = NULL;
	const struct opt opts[] = { { NULL, 0, NULL, NULL, NULL } };
	int r;

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	return ocirt_container_resume(&cli->ctx, args[0], err);
}
