/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt ps [--format|-f table|json] <id> [ps options]: options stop at the ID (runc does not
 * reorder here: what follows belongs to ps(1)). */
#include "config.h"

#include "ocirt/cli.h"

VERB(ps)
{
	const char *format = "table";
	_cleanup_free_ char **args = NULL;
	int r;
	const struct opt opts[] = {
		{ "format|f", OPT_STRING, &format, "table|json", "select one of: table or json (default: table)" },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, OPT_IN_ORDER, ARGS_MIN, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	return cli_not_implemented(v, err);
}
