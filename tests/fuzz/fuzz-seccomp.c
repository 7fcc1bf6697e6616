/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp rule translation without loading: the input is a linux.seccomp object; what
 * libocispec accepts goes through ocirt_seccomp_compile (libseccomp, no cache, nothing
 * installed). A compile either fails with a message or gives a non-empty BPF program. */
#include "config.h"
#include "libocirt/seccomp.h"
#include "fuzz-common.h"

static const char head[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"linux\":{\"seccomp\":";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = sizeof(head) - 1 + size + 2;
	char *json = malloc(len + 1);
	FUZZ_CHECK(json);
	memcpy(json, head, sizeof(head) - 1);
	memcpy(json + sizeof(head) - 1, data, size);
	memcpy(json + sizeof(head) - 1 + size, "}}", 3);

	struct oci_config *c = NULL;
	struct ocirt_error *err = NULL;
	if (oci_config_parse(json, len, "config.json", &c, NULL, &err) < 0) {
		FUZZ_CHECK(err && err->msg);
		ocirt_error_free(err);
		free(json);
		return 0;
	}
	if (c->linux_ && c->linux_->seccomp) {
		struct ocirt_seccomp *s = NULL;
		if (ocirt_seccomp_compile(c->linux_->seccomp, NULL, &s, &err) < 0) {
			FUZZ_CHECK(err && err->msg && !s);
			ocirt_error_free(err);
		} else {
			FUZZ_CHECK(s && s->insns && s->len > 0);
			ocirt_seccomp_free(s);
		}
	}
	oci_config_free(c);
	free(json);
	return 0;
}
