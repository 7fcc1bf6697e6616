/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signal names (`kill`, process.json-free paths): ocirt_parse_signal must accept only
 * 1..SIGRTMAX, give the same number back for its decimal form and for SIG<name>, and set
 * an error on every refusal. */
#include "config.h"
#include <signal.h>
#include <stdio.h>
#include "libocirt/container.h"
#include "fuzz-common.h"
#include "fuzz-input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct ocirt_error *err = NULL;
	int sig = -1;

	if (ocirt_parse_signal(s, &sig, &err) < 0) {
		FUZZ_CHECK(err && err->msg);
		ocirt_error_free(err);
	} else {
		char num[32];
		int again = -1;
		FUZZ_CHECK(err == NULL);
		FUZZ_CHECK(sig >= 1 && sig <= SIGRTMAX);
		snprintf(num, sizeof(num), "%d", sig);
		FUZZ_CHECK(ocirt_parse_signal(num, &again, &err) == 0 && again == sig);
	}
	free(s);
	return 0;
}
