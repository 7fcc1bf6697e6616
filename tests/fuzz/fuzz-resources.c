/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "libocispec/oci-config.h"
#include "fuzz-common.h"

static int parse(const char *d, size_t n, struct oci_resources **ret, struct ocirt_error **err)
{
	return oci_resources_parse(d, n, "resources", ret, NULL, err);
}

static int gen(const struct oci_resources *r, int pretty, char **out, struct ocirt_error **err)
{
	return oci_resources_generate(r, pretty, out, NULL, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FUZZ_ROUND_TRIP(struct oci_resources, parse, gen, oci_resources_free, data, size);
	return 0;
}
