/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup value conversions (src/libocirt/cgroup-convert.c): the first byte picks a function,
 * the rest are its arguments. Checks are the documented ranges and the fixed buffer size. */
#include "config.h"
#include <inttypes.h>
#include "libocirt/cgroup-convert.h"
#include "fuzz-common.h"
#include "fuzz-input.h"

#define BUF_OK(b) FUZZ_CHECK(memchr((b), '\0', OCIRT_CG_VALUE_MAX) != NULL)

static void one(struct fuzz_input *in)
{
	char buf[OCIRT_CG_VALUE_MAX], buf2[OCIRT_CG_VALUE_MAX];
	struct ocirt_error *err = NULL;
	bool set = false;
	uint64_t u, w;
	int64_t a, b;
	char *s, *t;

	switch (fuzz_u8(in) % 13) {
	case 0:
		u = fuzz_u64(in);
		w = ocirt_cg_shares_to_weight(u);
		FUZZ_CHECK(u == 0 ? w == 0 : (w >= 1 && w <= 10000));
		if (u >= 2 && u <= 262144)
			FUZZ_CHECK(ocirt_cg_weight_to_shares(w) <= 262144);
		break;
	case 1:
		u = fuzz_u64(in);
		w = ocirt_cg_weight_to_shares(u);
		FUZZ_CHECK(u == 0 ? w == 0 : (w >= 2 && w <= 262144));
		if (u >= 1 && u <= 10000)
			FUZZ_CHECK(ocirt_cg_shares_to_weight(w) == u);
		break;
	case 2:
		u = fuzz_u64(in);
		w = ocirt_cg_blkio_weight_to_io_weight(u);
		FUZZ_CHECK(u == 0 ? w == 0 : (w >= 1 && w <= 10000));
		break;
	case 3:
		a = (int64_t)fuzz_u64(in);
		ocirt_cg_format_limit_v2(a, buf);
		BUF_OK(buf);
		FUZZ_CHECK(a < 0 ? strcmp(buf, "max") == 0 : strtoll(buf, NULL, 10) == a);
		ocirt_cg_format_limit_v1(a, buf);
		BUF_OK(buf);
		FUZZ_CHECK(a < 0 ? strcmp(buf, "-1") == 0 : strtoll(buf, NULL, 10) == a);
		break;
	case 4: {
		uint8_t f = fuzz_u8(in);
		a = (int64_t)fuzz_u64(in);
		b = (int64_t)fuzz_u64(in);
		if (ocirt_cg_swap_v2(f & 1, a, f & 2, b, buf, &set, &err) < 0) {
			FUZZ_CHECK(err && err->msg);
			ocirt_error_freep(&err);
		} else if (set) {
			BUF_OK(buf);
			FUZZ_CHECK(strcmp(buf, "max") == 0 || (buf[0] >= '0' && buf[0] <= '9'));
		}
		break;
	}
	case 5: {
		uint8_t f = fuzz_u8(in);
		a = (int64_t)fuzz_u64(in);
		u = fuzz_u64(in);
		s = fuzz_str(in, 80);
		if (ocirt_cg_cpu_max(f & 1, a, f & 2, u, (f & 4) ? s : NULL, buf, &set, &err) < 0) {
			FUZZ_CHECK(err && err->msg);
			ocirt_error_freep(&err);
		} else if (set) {
			BUF_OK(buf);
			FUZZ_CHECK(strchr(buf, ' ') != NULL);
		}
		free(s);
		break;
	}
	case 6:
		u = fuzz_u64(in);
		ocirt_cg_hugepage_name(u, buf);
		BUF_OK(buf);
		if (u > 0 && (u & (u - 1)) == 0 && u >= 1024) {
			uint64_t back = 0;
			FUZZ_CHECK(ocirt_cg_hugepage_parse(buf, &back) == 0 && back == u);
		}
		break;
	case 7:
		s = fuzz_str(in, 80);
		if (ocirt_cg_hugepage_parse(s, &u) == 0) {
			FUZZ_CHECK(u > 0);
			ocirt_cg_hugepage_name(u, buf);
			BUF_OK(buf);
		}
		for (int k = 0; k < 4; k++)
			if (ocirt_cg_hugepage_file(s, k & 1, k & 2, buf) == 0) {
				BUF_OK(buf);
				FUZZ_CHECK(strchr(buf, '/') == NULL);
			}
		free(s);
		break;
	case 8: {
		unsigned acc = 0;
		s = fuzz_str(in, 16);
		if (ocirt_cg_parse_access(s, &acc) == 0)
			FUZZ_CHECK(acc != 0 && (acc & ~(unsigned)OCIRT_CG_ACC_ALL) == 0);
		free(s);
		break;
	}
	case 9: {
		struct oci_device_cgroup d = { 0 };
		struct ocirt_cg_dev_rule r;
		uint8_t f = fuzz_u8(in);
		d.allow = f & 1;
		d.has_major = f & 2;
		d.has_minor = f & 4;
		d.major = (int64_t)fuzz_u64(in);
		d.minor = (int64_t)fuzz_u64(in);
		s = fuzz_str(in, 4);
		t = fuzz_str(in, 8);
		d.type = (f & 8) ? s : NULL;
		d.access = (f & 16) ? t : NULL;
		if (ocirt_cg_dev_rule_from_oci(&d, &r, &err) < 0) {
			FUZZ_CHECK(err && err->msg);
			ocirt_error_freep(&err);
		} else {
			FUZZ_CHECK(r.type == 'a' || r.type == 'b' || r.type == 'c');
			FUZZ_CHECK(r.access != 0 && (r.access & ~(unsigned)OCIRT_CG_ACC_ALL) == 0);
			ocirt_cg_dev_rule_v1(&r, buf, buf2);
			BUF_OK(buf);
			BUF_OK(buf2);
		}
		free(s);
		free(t);
		break;
	}
	case 10:
		a = (int64_t)fuzz_u64(in);
		b = (int64_t)fuzz_u64(in);
		ocirt_cg_format_dev_value(a, b, fuzz_u64(in), buf);
		BUF_OK(buf);
		break;
	case 11: {
		struct oci_rdma r = { 0 };
		uint8_t f = fuzz_u8(in);
		r.device = fuzz_str(in, 200);
		r.has_hca_handles = f & 1;
		r.has_hca_objects = f & 2;
		r.hca_handles = (uint32_t)fuzz_u64(in);
		r.hca_objects = (uint32_t)fuzz_u64(in);
		char *line = ocirt_cg_rdma_line(&r);
		FUZZ_CHECK(line && strncmp(line, r.device, strlen(r.device)) == 0);
		free(line);
		free(r.device);
		break;
	}
	case 12: {
		char *ctrl = NULL;
		s = fuzz_str(in, 120);
		if (ocirt_cg_unified_key_check(s, &ctrl, &err) == 0) {
			FUZZ_CHECK(ctrl && strchr(s, '/') == NULL && strcmp(s, "..") != 0);
			FUZZ_CHECK(strncmp(s, ctrl, strlen(ctrl)) == 0 && s[strlen(ctrl)] == '.');
			free(ctrl);
		} else {
			FUZZ_CHECK(err && err->msg && !ctrl);
			ocirt_error_freep(&err);
		}
		if (ocirt_cg_parse_u64(s, &u) == 0 && strcmp(s, "max") == 0)
			FUZZ_CHECK(u == UINT64_MAX);
		free(s);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	/* several calls per input, so one input can mix functions */
	for (int i = 0; i < 8 && in.n > 0; i++)
		one(&in);
	return 0;
}
