/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test helper: parse a document with libocispec, print every problem on stderr (exit 1) or
 * the regenerated JSON on stdout (exit 0).
 *   ocispec-check [config|process|resources|state|features] FILE */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "common/strv.h"
#include "libocispec/oci-config.h"
#include "libocispec/oci-features.h"
#include "libocispec/oci-state.h"
#include "json-canon.h"

int main(int argc, char **argv)
{
	_cleanup_strv_ char **problems = NULL;
	_cleanup_free_ char *data = NULL, *out = NULL;
	_cleanup_error_ struct ocirt_error *err = NULL;
	const char *kind = argc > 2 ? argv[1] : "config";
	const char *path = argc > 2 ? argv[2] : argc > 1 ? argv[1] : NULL;
	size_t len;
	int r = -1;

	if (!path) {
		fprintf(stderr, "usage: %s [config|process|resources|state|features] FILE\n", argv[0]);
		return 2;
	}
	data = read_file_or_die(path, &len);
	if (streq(kind, "config")) {
		struct oci_config *c = NULL;
		r = oci_config_parse(data, len, "config.json", &c, &problems, &err);
		if (r == 0)
			r = oci_config_generate(c, true, &out, NULL, &err);
		oci_config_free(c);
	} else if (streq(kind, "process")) {
		struct oci_process *p = NULL;
		r = oci_process_parse(data, len, "process.json", &p, &problems, &err);
		if (r == 0)
			r = oci_process_generate(p, true, &out, NULL, &err);
		oci_process_free(p);
	} else if (streq(kind, "resources")) {
		struct oci_resources *res = NULL;
		r = oci_resources_parse(data, len, "resources", &res, &problems, &err);
		if (r == 0)
			r = oci_resources_generate(res, true, &out, NULL, &err);
		oci_resources_free(res);
	} else if (streq(kind, "state")) {
		struct oci_state *s = NULL;
		r = oci_state_parse(data, len, "state.json", &s, &err);
		if (r == 0)
			r = oci_state_generate(s, true, &out, NULL, &err);
		oci_state_free(s);
	} else if (streq(kind, "features")) {
		struct oci_features *f = NULL;
		r = oci_features_parse(data, len, "features.json", &f, &err);
		if (r == 0)
			r = oci_features_generate(f, true, &out, NULL, &err);
		oci_features_free(f);
	} else {
		fprintf(stderr, "unknown kind %s\n", kind);
		return 2;
	}
	if (r < 0) {
		if (problems)
			for (char **p = problems; *p; p++)
				fprintf(stderr, "%s\n", *p);
		else
			fprintf(stderr, "%s\n", err ? err->msg : "error");
		return 1;
	}
	fputs(out, stdout);
	return 0;
}
