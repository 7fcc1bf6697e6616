/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 device control: compile the device rules into a BPF_PROG_TYPE_CGROUP_DEVICE
 * program (our own emitter, no libbpf), load it with bpf(2) and attach it to the container
 * cgroup with BPF_F_ALLOW_MULTI, replacing the one we attached before (BPF_F_REPLACE).
 *
 * Program semantics: the rules are tested from last to first and the first one that
 * matches decides (so the last matching rule wins, as with v1's exception lists); no match
 * means deny. A rule matches when the type matches (or is 'a'), major and minor match (or
 * are wildcards) and the requested access bits are all in the rule's access. */
#ifndef OCIRT_CGROUP_BPF_H
#define OCIRT_CGROUP_BPF_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>
#include "common/error.h"
#include "libocirt/cgroup-convert.h"

/* Build the program. Returns a malloc'd instruction array. Never fails for valid rules. */
int ocirt_bpf_devices_build(const struct ocirt_cg_dev_rule *rules, size_t n, struct bpf_insn **ret,
			    size_t *ret_len);

/* Load a BPF_PROG_TYPE_CGROUP_DEVICE program; *ret_fd is O_CLOEXEC. The verifier log is in
 * the error message when the kernel rejects it. */
int ocirt_bpf_devices_load(const struct bpf_insn *insns, size_t n, int *ret_fd, struct ocirt_error **err);

/* Attach prog_fd to the cgroup (an O_DIRECTORY fd on cgroup2) as its device filter:
 * BPF_F_ALLOW_MULTI; when exactly one device program is attached already it is replaced
 * atomically (BPF_F_REPLACE, Linux 5.6), otherwise the new one is attached and the old
 * ones detached afterwards (never a moment without a filter). */
int ocirt_bpf_devices_attach(int cgroup_fd, int prog_fd, struct ocirt_error **err);

/* IDs of the device programs attached directly to the cgroup. *ret is malloc'd. */
int ocirt_bpf_devices_query(int cgroup_fd, uint32_t **ret, size_t *ret_len, struct ocirt_error **err);

/* Everything at once: build, load, attach to the cgroup at `dir`. */
int ocirt_cgroup_bpf_devices_apply(const char *dir, const struct ocirt_cg_dev_rule *rules, size_t n,
				   struct ocirt_error **err);

/* Evaluate the rules the way the program does (same order, same matching), for tests and
 * for callers that want to know a decision without the kernel: 1 allow, 0 deny. `type` is
 * 'c' or 'b', access an OCIRT_CG_ACC_* mask. */
int ocirt_cg_dev_rules_eval(const struct ocirt_cg_dev_rule *rules, size_t n, char type, uint32_t major,
			    uint32_t minor, unsigned access);

#endif
