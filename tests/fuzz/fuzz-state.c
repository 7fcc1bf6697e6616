/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state.json and, from the same input, the seccomp notify container process state. */
#include "config.h"
#include "libocispec/oci-state.h"
#include "fuzz-common.h"

static int parse(const char *d, size_t n, struct oci_state **ret, struct ocirt_error **err)
{
	return oci_state_parse(d, n, "state.json", ret, err);
}

static int gen(const struct oci_state *s, int pretty, char **out, struct ocirt_error **err)
{
	return oci_state_generate(s, pretty, out, NULL, err);
}

static int parse_cps(const char *d, size_t n, struct oci_container_process_state **ret, struct ocirt_error **err)
{
	return oci_container_process_state_parse(d, n, ret, err);
}

static int gen_cps(const struct oci_container_process_state *s, int pretty, char **out, struct ocirt_error **err)
{
	(void)pretty;
	return oci_container_process_state_generate(s, out, NULL, err);
}

static int cps(const uint8_t *data, size_t size)
{
	FUZZ_ROUND_TRIP(struct oci_container_process_state, parse_cps, gen_cps, oci_container_process_state_free,
			data, size);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cps(data, size);
	FUZZ_ROUND_TRIP(struct oci_state, parse, gen, oci_state_free, data, size);
	return 0;
}
