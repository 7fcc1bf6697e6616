/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt features: the features.json document, indented (runtime-cli.md 1.8.6). */
#include "config.h"

#include <string.h>

#include "common/xalloc.h"
#include "libocirt/features.h"
#include "ocirt/cli.h"
#include "ocirt/output.h"

VERB(features)
{
	_cleanup_free_ char *json = NULL, *out = NULL;
	struct oci_features *f;
	size_t len;
	int r;
	const struct opt opts[] = { { NULL, 0, NULL, NULL, NULL } };

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 0, NULL, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	f = ocirt_features_get();
	r = oci_features_generate(f, true, &json, &len, err);
	oci_features_free(f);
	if (r < 0)
		return r;
	out = output_reindent(json, 4, true);
	return output_write_stdout(out, strlen(out), err);
}
