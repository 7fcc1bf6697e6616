/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "libocispec/oci-config.h"
#include "fuzz-common.h"

static int parse(const char *d, size_t n, struct oci_process **ret, struct ocirt_error **err)
{
	return oci_process_parse(d, n, "process.json", ret, NULL, err);
}

static int gen(const struct oci_process *p, int pretty, char **out, struct ocirt_error **err)
{
	return oci_process_generate(p, pretty, out, NULL, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FUZZ_ROUND_TRIP(struct oci_process, parse, gen, oci_process_free, data, size);
	return 0;
}
