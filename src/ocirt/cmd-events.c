/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt events [--interval 5s] [--stats] <id> */
#include "config.h"

#include "ocirt/cli.h"

VERB(events)
{
	const char *interval = NULL;
	bool stats = false;
	_cleanup_free_ char **args = NULL;
	int r;
	const struct opt opts[] = {
		{ "interval", OPT_STRING, &interval, "DURATION", "set the stats collection interval (default: 5s)" },
		{ "stats", OPT_BOOL, &stats, NULL, "display the container's stats then exit" },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	return cli_not_implemented(v, err);
}
