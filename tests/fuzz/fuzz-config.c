/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "libocispec/oci-config.h"
#include "fuzz-common.h"

static int parse(const char *d, size_t n, struct oci_config **ret, struct ocirt_error **err)
{
	char **problems = NULL;
	int r = oci_config_parse(d, n, "config.json", ret, &problems, err);
	/* every failure reports at least one problem, the first being *err */
	FUZZ_CHECK(r == 0 ? problems == NULL : (problems && problems[0] && strcmp(problems[0], (*err)->msg) == 0));
	strv_free(problems);
	return r;
}

static int gen(const struct oci_config *c, int pretty, char **out, struct ocirt_error **err)
{
	return oci_config_generate(c, pretty, out, NULL, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FUZZ_ROUND_TRIP(struct oci_config, parse, gen, oci_config_free, data, size);
	return 0;
}
