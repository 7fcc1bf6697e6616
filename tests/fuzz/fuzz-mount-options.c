/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mount option table (config.json mounts[].options): the input is the options list,
 * one option per line. Whatever parses keeps its invariants: the filesystem data holds only
 * options the table does not know, the flag sets are disjoint, the propagation list fits. */
#include "config.h"
#include "libocirt/mount.h"
#include "fuzz-common.h"
#include "fuzz-input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	size_t n = 1;
	for (char *c = s; *c; c++)
		n += *c == '\n';
	char **opts = calloc(n + 1, sizeof(char *));
	FUZZ_CHECK(opts);
	size_t i = 0;
	for (char *save = NULL, *tok = s; tok; tok = save) {
		save = strchr(tok, '\n');
		if (save)
			*save++ = '\0';
		opts[i++] = tok;
	}

	struct ocirt_mount_options o;
	struct ocirt_error *err = NULL;
	memset(&o, 0, sizeof(o));
	if (ocirt_mount_options_parse(opts, &o, &err) < 0) {
		FUZZ_CHECK(err && err->msg);
		ocirt_error_free(err);
	} else {
		FUZZ_CHECK((o.flags.set & o.flags.clear) == 0);
		FUZZ_CHECK((o.rec.set & o.rec.clear) == 0);
		FUZZ_CHECK(o.n_propagation <= OCIRT_MOUNT_MAX_PROPAGATION);
		FUZZ_CHECK(!o.recursive || o.bind);
		/* an option with a comma in it reaches the filesystem as several (runc does the
		 * same), so only comma-free lists are checked */
		bool commas = false;
		for (size_t k = 0; k < i; k++)
			commas |= strchr(opts[k], ',') != NULL;
		if (o.data && !commas) {
			char *d = strdup(o.data);
			FUZZ_CHECK(d);
			for (char *sp = NULL, *t = strtok_r(d, ",", &sp); t; t = strtok_r(NULL, ",", &sp))
				FUZZ_CHECK(ocirt_mount_option_lookup(t) == NULL);
			free(d);
		}
		(void)ocirt_mount_flags_apply(&o.flags, 0);
		(void)ocirt_mount_flags_apply(&o.rec, ~0UL);
		ocirt_mount_options_done(&o);
	}
	for (size_t k = 0; k < i; k++)
		(void)ocirt_mount_propagation_flags(opts[k]);
	free(opts);
	free(s);
	return 0;
}
