/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt list [--format|-f table|json] [--quiet|-q] (runtime-cli.md 1.8.3) */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/xalloc.h"
#include "ocirt/cli.h"
#include "ocirt/output.h"

static void free_states(struct oci_state **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		oci_state_free(v[i]);
	free(v);
}

static int print_json(struct oci_state **v, size_t n, struct ocirt_error **err)
{
	_cleanup_free_ char *all = NULL;
	size_t len = 0;
	int r;

	if (n == 0)
		return output_write_stdout("null\n", 5, err);
	all = xstrdup("[");
	len = 1;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *one = NULL;
		size_t l;
		r = oci_state_generate(v[i], false, &one, &l, err);
		if (r < 0)
			return r;
		while (l > 0 && one[l - 1] == '\n')
			l--;
		all = xrealloc(all, len + l + 3);
		if (i)
			all[len++] = ',';
		memcpy(all + len, one, l);
		len += l;
	}
	all[len++] = ']';
	all[len++] = '\n';
	return output_write_stdout(all, len, err);
}

VERB(list)
{
	const char *format = "table";
	bool quiet = false;
	struct oci_state **states = NULL;
	size_t n = 0;
	int r;
	const struct opt opts[] = {
		{ "format|f", OPT_STRING, &format, "table|json", "select one of: table or json (default: table)" },
		{ "quiet|q", OPT_BOOL, &quiet, NULL, "display only container IDs" },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 0, NULL, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	if (!streq(format, "table") && !streq(format, "json"))
		return ocirt_error_setx(err, EINVAL, "invalid format option");
	r = ocirt_container_list(&cli->ctx, &states, &n, err);
	if (r < 0)
		return r;

	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", states[i]->id);
	} else if (streq(format, "json")) {
		r = print_json(states, n, err);
	} else {
		struct table *t = table_new(6);
		const char *hdr[] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
		table_add(t, hdr);
		for (size_t i = 0; i < n; i++) {
			char pid[16];
			snprintf(pid, sizeof(pid), "%d", states[i]->has_pid ? states[i]->pid : 0);
			const char *row[] = { states[i]->id, pid, states[i]->status, states[i]->bundle,
					      states[i]->created, states[i]->owner };
			table_add(t, row);
		}
		table_print(t, stdout);
		table_free(t);
	}
	free_states(states, n);
	return r < 0 ? r : 0;
}
