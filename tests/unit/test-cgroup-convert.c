/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the cgroup value conversions and the device BPF program generator.
 * The generated program is checked two ways: a small interpreter here runs it against
 * ocirt_cg_dev_rules_eval() for many random rule lists and requests, and (as root, where
 * bpf(2) works) the kernel verifier must accept it. */
#include "config.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/xalloc.h"
#include "libocirt/cgroup-bpf.h"
#include "libocirt/cgroup-convert.h"
#include "tests/unit/tap.h"

static void test_weights(void)
{
	is_int(ocirt_cg_shares_to_weight(0), 0, "shares 0 = unset");
	is_int(ocirt_cg_shares_to_weight(2), 1, "shares 2 -> weight 1");
	is_int(ocirt_cg_shares_to_weight(1024), 39, "shares 1024 -> weight 39 (linear mapping)");
	is_int(ocirt_cg_shares_to_weight(262144), 10000, "shares 262144 -> weight 10000");
	is_int(ocirt_cg_shares_to_weight(1), 1, "shares below 2 are clamped");
	is_int(ocirt_cg_shares_to_weight(1000000), 10000, "shares above 262144 are clamped");
	is_int(ocirt_cg_shares_to_weight(512), 20, "shares 512 -> 20");
	is_int(ocirt_cg_weight_to_shares(1), 2, "weight 1 -> shares 2");
	is_int(ocirt_cg_weight_to_shares(10000), 262144, "weight 10000 -> shares 262144");
	is_int(ocirt_cg_shares_to_weight(ocirt_cg_weight_to_shares(100)), 100, "weight -> shares -> weight");

	is_int(ocirt_cg_blkio_weight_to_io_weight(0), 0, "blkio weight 0 = unset");
	is_int(ocirt_cg_blkio_weight_to_io_weight(10), 1, "blkio 10 -> io 1");
	is_int(ocirt_cg_blkio_weight_to_io_weight(500), 4950, "blkio 500 -> io 4950");
	is_int(ocirt_cg_blkio_weight_to_io_weight(1000), 10000, "blkio 1000 -> io 10000");
	is_int(ocirt_cg_blkio_weight_to_io_weight(5), 1, "blkio below 10 clamped");
}

static void test_limits(void)
{
	char buf[OCIRT_CG_VALUE_MAX];
	bool set;
	struct ocirt_error *err = NULL;

	ocirt_cg_format_limit_v2(-1, buf);
	is_str(buf, "max", "v2 -1 -> max");
	ocirt_cg_format_limit_v2(12345, buf);
	is_str(buf, "12345", "v2 number");
	ocirt_cg_format_limit_v1(-5, buf);
	is_str(buf, "-1", "v1 negative -> -1");

	ok(ocirt_cg_swap_v2(true, 100, true, 300, buf, &set, &err) == 0 && set && streq(buf, "200"),
	   "swap 300 limit 100 -> swap.max 200");
	ok(ocirt_cg_swap_v2(true, 100, true, 100, buf, &set, &err) == 0 && set && streq(buf, "0"),
	   "swap == limit -> swap.max 0");
	ok(ocirt_cg_swap_v2(true, 100, true, -1, buf, &set, &err) == 0 && set && streq(buf, "max"),
	   "swap -1 -> max");
	ok(ocirt_cg_swap_v2(true, -1, false, 0, buf, &set, &err) == 0 && set && streq(buf, "max"),
	   "limit -1 without swap -> swap max");
	ok(ocirt_cg_swap_v2(true, 100, false, 0, buf, &set, &err) == 0 && !set, "limit alone: swap untouched");
	ok(ocirt_cg_swap_v2(false, 0, false, 0, buf, &set, &err) == 0 && !set, "nothing: nothing");
	ok(ocirt_cg_swap_v2(true, 200, true, 100, buf, &set, &err) < 0, "swap < limit is an error");
	like_str(err ? err->msg : NULL, "should be greater than memory limit", "swap < limit message");
	ocirt_error_freep(&err);
	ok(ocirt_cg_swap_v2(false, 0, true, 100, buf, &set, &err) < 0, "swap without limit is an error");
	like_str(err ? err->msg : NULL, "without memory limit", "swap without limit message");
	ocirt_error_freep(&err);

	ok(ocirt_cg_cpu_max(true, 50000, true, 100000, NULL, buf, &set, &err) == 0 && set &&
		   streq(buf, "50000 100000"),
	   "cpu.max quota+period");
	ok(ocirt_cg_cpu_max(true, -1, true, 100000, NULL, buf, &set, &err) == 0 && streq(buf, "max 100000"),
	   "cpu.max quota -1 -> max");
	ok(ocirt_cg_cpu_max(true, 20000, false, 0, "max 250000", buf, &set, &err) == 0 &&
		   streq(buf, "20000 250000"),
	   "cpu.max: quota only keeps the current period");
	ok(ocirt_cg_cpu_max(false, 0, true, 50000, "30000 100000", buf, &set, &err) == 0 &&
		   streq(buf, "30000 50000"),
	   "cpu.max: period only keeps the current quota");
	ok(ocirt_cg_cpu_max(true, 0, true, 0, "30000 100000", buf, &set, &err) == 0 && !set,
	   "cpu.max: zeros mean unchanged");
	ok(ocirt_cg_cpu_max(false, 0, true, 10, NULL, buf, &set, &err) < 0, "cpu.max: period below 1ms refused");
	ocirt_error_freep(&err);
}

static void test_hugepages(void)
{
	char buf[OCIRT_CG_VALUE_MAX];
	uint64_t b = 0;

	ocirt_cg_hugepage_name(2 << 20, buf);
	is_str(buf, "2MB", "2 MiB -> 2MB");
	ocirt_cg_hugepage_name(1ULL << 30, buf);
	is_str(buf, "1GB", "1 GiB -> 1GB");
	ocirt_cg_hugepage_name(64 << 10, buf);
	is_str(buf, "64KB", "64 KiB -> 64KB");
	ocirt_cg_hugepage_name(32ULL << 20, buf);
	is_str(buf, "32MB", "32 MiB -> 32MB");
	ok(ocirt_cg_hugepage_parse("2MB", &b) == 0 && b == 2 << 20, "parse 2MB");
	ok(ocirt_cg_hugepage_parse("1GB", &b) == 0 && b == 1ULL << 30, "parse 1GB");
	ok(ocirt_cg_hugepage_parse("2048kB", &b) == 0 && b == 2 << 20, "parse 2048kB");
	ok(ocirt_cg_hugepage_parse("2MiB", &b) == 0 && b == 2 << 20, "parse 2MiB");
	ok(ocirt_cg_hugepage_parse("2XB", &b) < 0, "parse 2XB fails");
	ok(ocirt_cg_hugepage_parse("MB", &b) < 0, "parse MB fails");
	ok(ocirt_cg_hugepage_parse("../2MB", &b) < 0, "parse ../2MB fails");
	ok(ocirt_cg_hugepage_file("2MB", false, false, buf) == 0 && streq(buf, "hugetlb.2MB.limit_in_bytes"),
	   "v1 hugetlb file");
	ok(ocirt_cg_hugepage_file("2MB", false, true, buf) == 0 && streq(buf, "hugetlb.2MB.rsvd.limit_in_bytes"),
	   "v1 rsvd hugetlb file");
	ok(ocirt_cg_hugepage_file("1GB", true, false, buf) == 0 && streq(buf, "hugetlb.1GB.max"), "v2 hugetlb file");
	ok(ocirt_cg_hugepage_file("1GB", true, true, buf) == 0 && streq(buf, "hugetlb.1GB.rsvd.max"),
	   "v2 rsvd hugetlb file");
	ok(ocirt_cg_hugepage_file("a/b", true, true, buf) < 0, "hugetlb size with / refused");
}

static void test_devices(void)
{
	unsigned a = 0;
	char l1[OCIRT_CG_VALUE_MAX], l2[OCIRT_CG_VALUE_MAX];
	struct ocirt_cg_dev_rule r;
	struct ocirt_error *err = NULL;
	struct oci_device_cgroup in[] = {
		{.allow = false, .access = (char *)"rwm"},
		{.allow = true, .type = (char *)"c", .has_major = true, .major = 10, .has_minor = true, .minor = 229,
		 .access = (char *)"rw"},
		{.allow = true, .type = (char *)"b", .has_major = true, .major = 8, .access = (char *)"r"},
	};
	struct oci_device devs[] = {
		{.type = (char *)"c", .path = (char *)"/dev/fuse", .has_major = true, .major = 10, .has_minor = true,
		 .minor = 229},
		{.type = (char *)"p", .path = (char *)"/dev/fifo"},
	};
	struct ocirt_cg_dev_rule *rules = NULL;
	size_t n = 0;

	ok(ocirt_cg_parse_access("rwm", &a) == 0 && a == 7, "access rwm");
	ok(ocirt_cg_parse_access("mr", &a) == 0 && a == (OCIRT_CG_ACC_MKNOD | OCIRT_CG_ACC_READ), "access mr");
	ok(ocirt_cg_parse_access(NULL, &a) == 0 && a == 7, "access absent = all");
	ok(ocirt_cg_parse_access("rx", &a) < 0, "access rx refused");

	ok(ocirt_cg_dev_rule_from_oci(&in[0], &r, &err) == 0 && r.type == 'a' && r.major == -1 && !r.allow,
	   "deny-all rule");
	ocirt_cg_dev_rule_v1(&r, l1, l2);
	ok(streq(l1, "a") && !l2[0], "v1 line for all: a");
	ocirt_cg_dev_rule_from_oci(&in[1], &r, &err);
	ocirt_cg_dev_rule_v1(&r, l1, l2);
	is_str(l1, "c 10:229 rw", "v1 line c 10:229 rw");
	ocirt_cg_dev_rule_from_oci(&in[2], &r, &err);
	ocirt_cg_dev_rule_v1(&r, l1, l2);
	is_str(l1, "b 8:* r", "v1 line b 8:* r");
	r = (struct ocirt_cg_dev_rule){true, 'a', 1, -1, OCIRT_CG_ACC_READ};
	ocirt_cg_dev_rule_v1(&r, l1, l2);
	ok(streq(l1, "c 1:* r") && streq(l2, "b 1:* r"), "restricted type-a rule split into c and b");
	{
		struct oci_device_cgroup bad = {.allow = true, .type = (char *)"x"};
		ok(ocirt_cg_dev_rule_from_oci(&bad, &r, &err) < 0, "type x refused");
		ocirt_error_freep(&err);
	}

	ok(ocirt_cg_dev_rules_build(in, 3, devs, 2, &rules, &n, &err) == 0, "build rules");
	is_int(n, 3 + 1 + 11, "user rules + linux.devices char/block + 11 defaults");
	ok(n > 4 && !rules[0].allow && rules[3].type == 'c' && rules[3].major == 10 && rules[3].minor == 229 &&
		   rules[3].access == 7,
	   "linux.devices entry becomes an rwm allow rule after the user's rules");
	ok(ocirt_cg_dev_rules_eval(rules, n, 'c', 1, 3, OCIRT_CG_ACC_READ | OCIRT_CG_ACC_WRITE) == 1,
	   "/dev/null allowed by default");
	ok(ocirt_cg_dev_rules_eval(rules, n, 'c', 1, 1, OCIRT_CG_ACC_READ) == 0, "/dev/mem denied");
	ok(ocirt_cg_dev_rules_eval(rules, n, 'c', 1, 1, OCIRT_CG_ACC_MKNOD) == 1, "mknod of any char allowed");
	ok(ocirt_cg_dev_rules_eval(rules, n, 'b', 8, 0, OCIRT_CG_ACC_READ) == 1, "b 8:* r allowed");
	ok(ocirt_cg_dev_rules_eval(rules, n, 'b', 8, 0, OCIRT_CG_ACC_WRITE) == 0, "b 8:* w denied");
	ok(ocirt_cg_dev_rules_eval(rules, n, 'c', 136, 7, OCIRT_CG_ACC_WRITE) == 1, "/dev/pts/7 allowed");
	ok(ocirt_cg_dev_rules_eval(NULL, 0, 'c', 1, 3, OCIRT_CG_ACC_READ) == 0, "no rules: deny");
	free(rules);
}

static void test_misc(void)
{
	struct ocirt_error *err = NULL;
	char *ctrl = NULL;
	uint64_t v;
	struct oci_rdma rd = {.device = (char *)"mlx4_0", .has_hca_handles = true, .hca_handles = 3};
	char *line;

	ok(ocirt_cg_unified_key_check("memory.high", &ctrl, &err) == 0 && streq(ctrl, "memory"),
	   "unified key memory.high");
	free(ctrl);
	ctrl = NULL;
	ok(ocirt_cg_unified_key_check("../memory.high", NULL, &err) < 0, "unified key with / refused");
	like_str(err ? err->msg : NULL, "no slashes", "unified slash message");
	ocirt_error_freep(&err);
	ok(ocirt_cg_unified_key_check("..", NULL, &err) < 0, "unified key .. refused");
	ocirt_error_freep(&err);
	ok(ocirt_cg_unified_key_check("memoryhigh", NULL, &err) < 0, "unified key without dot refused");
	like_str(err ? err->msg : NULL, "CONTROLLER.PARAMETER", "unified form message");
	ocirt_error_freep(&err);

	ok(ocirt_cg_parse_u64("max\n", &v) == 0 && v == UINT64_MAX, "parse max");
	ok(ocirt_cg_parse_u64("  42\n", &v) == 0 && v == 42, "parse 42");
	ok(ocirt_cg_parse_u64("42x", &v) < 0, "parse 42x fails");

	line = ocirt_cg_rdma_line(&rd);
	is_str(line, "mlx4_0 hca_handle=3 hca_object=max", "rdma line");
	free(line);
}

/* --- a minimal interpreter for the instructions the generator emits --- */

static int interp(const struct bpf_insn *p, size_t n, uint32_t access_type, uint32_t major, uint32_t minor,
		  int *ret)
{
	uint64_t reg[11] = {0};
	uint32_t ctx[3] = {access_type, major, minor};
	size_t pc = 0, steps = 0;

	while (pc < n && steps++ < 100000) {
		const struct bpf_insn *i = &p[pc++];
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			if (i->src_reg != 1 || i->off % 4 || i->off < 0 || i->off > 8)
				return -1;
			reg[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			reg[i->dst_reg] &= (uint64_t)(int64_t)i->imm;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			reg[i->dst_reg] >>= i->imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			reg[i->dst_reg] = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			reg[i->dst_reg] = reg[i->src_reg];
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			if ((uint32_t)reg[i->dst_reg] != (uint32_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			*ret = (int)reg[0];
			return 0;
		default:
			return -1;
		}
	}
	return -1;
}

static void random_rule(struct ocirt_cg_dev_rule *r)
{
	static const char types[] = "acb";
	r->allow = rand() % 2;
	r->type = types[rand() % 3];
	r->major = rand() % 3 ? rand() % 4 : -1;
	r->minor = rand() % 3 ? rand() % 4 : -1;
	r->access = (unsigned)(rand() % 7) + 1;
	if (rand() % 10 == 0) /* sometimes a catch-all */
		*r = (struct ocirt_cg_dev_rule){rand() % 2, 'a', -1, -1, OCIRT_CG_ACC_ALL};
}

static void test_bpf_program(void)
{
	int round, mismatches = 0, bad = 0;
	struct ocirt_cg_dev_rule big[] = {
		{false, 'a', -1, -1, 7},
		{true, 'c', 4294967295LL, 3000000000LL, 7}, /* numbers >= 2^31 */
		{true, 'c', 1, 3, OCIRT_CG_ACC_READ | OCIRT_CG_ACC_WRITE},
	};
	struct bpf_insn *p = NULL;
	size_t n = 0;
	int v = -1;

	srand(12345);
	for (round = 0; round < 2000; round++) {
		struct ocirt_cg_dev_rule rules[8];
		size_t nr = (size_t)(rand() % 8), k;
		int q;
		for (k = 0; k < nr; k++)
			random_rule(&rules[k]);
		ocirt_bpf_devices_build(rules, nr, &p, &n);
		for (q = 0; q < 40; q++) {
			char type = rand() % 2 ? 'c' : 'b';
			uint32_t maj = (uint32_t)(rand() % 4), min = (uint32_t)(rand() % 4);
			unsigned acc = (unsigned)(rand() % 7) + 1;
			uint32_t at = (acc << 16) | (type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
			int got;
			if (interp(p, n, at, maj, min, &got) < 0)
				bad++;
			else if (got != ocirt_cg_dev_rules_eval(rules, nr, type, maj, min, acc))
				mismatches++;
		}
		free(p);
		p = NULL;
	}
	is_int(bad, 0, "generated programs only use the interpreted instructions and always exit");
	is_int(mismatches, 0, "program decisions == rule evaluation (2000 random rule lists x 40 requests)");

	ocirt_bpf_devices_build(big, 3, &p, &n);
	ok(interp(p, n, (2u << 16) | BPF_DEVCG_DEV_CHAR, 4294967295u, 3000000000u, &v) == 0 && v == 1,
	   "major/minor >= 2^31 compare as 32-bit values");
	ok(interp(p, n, (1u << 16) | BPF_DEVCG_DEV_CHAR, 1, 3, &v) == 0 && v == 0,
	   "mknod of /dev/null denied when the rule says rw");
	ok(interp(p, n, (6u << 16) | BPF_DEVCG_DEV_CHAR, 1, 3, &v) == 0 && v == 1, "read+write of /dev/null allowed");

	if (geteuid() != 0) {
		tap_skip("not root: kernel verifier check");
	} else {
		struct ocirt_error *err = NULL;
		int fd = -1, r = ocirt_bpf_devices_load(p, n, &fd, &err);
		if (r == -EPERM || r == -ENOSYS)
			tap_skip("bpf(2) not permitted here");
		else
			ok(r == 0 && fd >= 0, "kernel verifier accepts the program%s%s", err ? ": " : "",
			   err ? err->msg : "");
		if (fd >= 0)
			close(fd);
		ocirt_error_freep(&err);
	}
	free(p);
}

int main(void)
{
	tap_no_plan();
	test_weights();
	test_limits();
	test_hugepages();
	test_devices();
	test_misc();
	test_bpf_program();
	tap_done();
	return tap_exit();
}
