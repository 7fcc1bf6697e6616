/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt state <id>: the state object, indented with two spaces and without a trailing
 * newline, as runc prints it (runtime-cli.md 1.8.1). */
#include "config.h"

#include <string.h>

#include "common/fd-util.h"
#include "common/xalloc.h"
#include "ocirt/cli.h"
#include "ocirt/output.h"

VERB(state)
{
	_cleanup_free_ char **args = NULL;
	_cleanup_free_ char *json = NULL, *out = NULL;
	struct oci_state *st = NULL;
	const struct opt opts[] = { { NULL, 0, NULL, NULL, NULL } };
	size_t len;
	int r;

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = ocirt_container_state(&cli->ctx, args[0], &st, err);
	if (r < 0)
		return r;
	r = oci_state_generate(st, true, &json, &len, err);
	oci_state_free(st);
	if (r < 0)
		return r;
	out = output_reindent(json, 2, false);
	return output_write_stdout(out, strlen(out), err);
}
