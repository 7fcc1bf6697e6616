/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "libocispec/oci-features.h"
#include "fuzz-common.h"

static int parse(const char *d, size_t n, struct oci_features **ret, struct ocirt_error **err)
{
	return oci_features_parse(d, n, "features.json", ret, err);
}

static int gen(const struct oci_features *f, int pretty, char **out, struct ocirt_error **err)
{
	return oci_features_generate(f, pretty, out, NULL, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FUZZ_ROUND_TRIP(struct oci_features, parse, gen, oci_features_free, data, size);
	return 0;
}
