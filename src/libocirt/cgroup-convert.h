/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pure value conversions between the OCI linux.resources model, cgroup v1 files and
 * cgroup v2 files. No I/O here: everything is unit-tested in tests/unit/test-cgroup-convert.c. */
#ifndef OCIRT_CGROUP_CONVERT_H
#define OCIRT_CGROUP_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

/* Big enough for any formatted number or "max", and for "max 1000000" style values. */
#define OCIRT_CG_VALUE_MAX 64

/* cpu.shares (v1, 2..262144) -> cpu.weight (v2, 1..10000); 0 (unset) -> 0.
 *
 * We use the linear mapping of runc 1.1.5 and crun 1.8.1, 1 + (shares-2)*9999/262142, and
 * not the log-quadratic one of runc >= 1.3.2 / crun >= 1.23 (which sends 1024 to 100). Why:
 * ocirt is a drop-in for those versions, and the callers of that generation (kubelet and
 * containerd 1.6 vendor runc 1.1's libcontainer) write the pod-level cgroups with the linear
 * formula too; mixing mappings between the pod and its containers would skew the relative
 * weights. Values outside 2..262144 are clamped first (runc would underflow on 1). */
uint64_t ocirt_cg_shares_to_weight(uint64_t shares);
/* The inverse (rounded up), for reporting v2 weights in v1 terms (stats); 0 -> 0. */
uint64_t ocirt_cg_weight_to_shares(uint64_t weight);

/* blkio weight (v1, 10..1000) -> io.weight (v2, 1..10000): 1 + (w-10)*9999/990; 0 -> 0.
 * Clamped to 10..1000 first. (io.bfq.weight takes the v1 range as is.) */
uint64_t ocirt_cg_blkio_weight_to_io_weight(uint64_t weight);

/* A limit as cgroup files want it: negative -> "max" (v2) or "-1" (v1). */
void ocirt_cg_format_limit_v2(int64_t v, char buf[static OCIRT_CG_VALUE_MAX]);
void ocirt_cg_format_limit_v1(int64_t v, char buf[static OCIRT_CG_VALUE_MAX]);

/* v1 memory.memsw (memory + swap) -> v2 memory.swap.max (swap only), runc's rules:
 *   swap unset (0) and limit -1       -> "max" (unlimited memory implies unlimited swap)
 *   swap unset (0)                    -> nothing to write (*ret_set = false)
 *   swap -1                           -> "max"
 *   swap set, limit unset or -1       -> error (no memory limit to subtract from)
 *   swap < limit                      -> error
 *   otherwise                         -> swap - limit (0 when they are equal: no swap)
 * limit/swap are the raw OCI values; has_* say whether they were given at all. */
int ocirt_cg_swap_v2(bool has_limit, int64_t limit, bool has_swap, int64_t swap, char buf[static OCIRT_CG_VALUE_MAX],
		     bool *ret_set, struct ocirt_error **err);

/* cpu.max "<quota|max> <period>". quota/period <= 0 / 0 mean "not given"; the missing half
 * is taken from `current` (the file's present content, may be NULL), so period and quota can
 * be updated independently (runc's special case in `update`). When neither is given,
 * *ret_set = false. A negative quota means "max". */
int ocirt_cg_cpu_max(bool has_quota, int64_t quota, bool has_period, uint64_t period, const char *current,
		     char buf[static OCIRT_CG_VALUE_MAX], bool *ret_set, struct ocirt_error **err);

/* Page size in bytes -> the name the hugetlb controller uses: 2097152 -> "2MB",
 * 1073741824 -> "1GB", 65536 -> "64KB". */
void ocirt_cg_hugepage_name(uint64_t bytes, char buf[static OCIRT_CG_VALUE_MAX]);
/* Parse an OCI pageSize ("2MB", "1GB", "64KB", also "2M"/"2MiB"/"2048kB") to bytes; -EINVAL
 * on anything else. */
int ocirt_cg_hugepage_parse(const char *s, uint64_t *ret_bytes);
/* File names for a page size name: v1 "hugetlb.2MB.limit_in_bytes" / "hugetlb.2MB.rsvd.limit_in_bytes",
 * v2 "hugetlb.2MB.max" / "hugetlb.2MB.rsvd.max". size_name is validated (no '/', not empty). */
int ocirt_cg_hugepage_file(const char *size_name, bool v2, bool rsvd, char buf[static OCIRT_CG_VALUE_MAX]);

/* Device access bits, the same values as the kernel's BPF_DEVCG_ACC_*. */
enum {
	OCIRT_CG_ACC_MKNOD = 1,
	OCIRT_CG_ACC_READ = 2,
	OCIRT_CG_ACC_WRITE = 4,
	OCIRT_CG_ACC_ALL = 7,
};

/* A device cgroup rule normalised: type 'a', 'c' or 'b'; major/minor -1 = wildcard. */
struct ocirt_cg_dev_rule {
	bool allow;
	char type;
	int64_t major;
	int64_t minor;
	unsigned access; /* OCIRT_CG_ACC_* mask, never 0 */
};

/* "rwm" (any order, any subset, absent/empty = all) -> mask; -EINVAL on other letters. */
int ocirt_cg_parse_access(const char *access, unsigned *ret);
int ocirt_cg_dev_rule_from_oci(const struct oci_device_cgroup *d, struct ocirt_cg_dev_rule *ret,
			       struct ocirt_error **err);
/* The effective rule list of a container, in order: the config's linux.resources.devices,
 * then rwm for every linux.devices entry (crun does this: a device the config creates is a
 * device the container may use), then the defaults every runtime allows (mknod of anything,
 * null zero full random urandom tty console ptmx, /dev/pts/ *). The kernel-side default is deny
 * (like runc: its emulator starts from deny-all), so an empty list gives just the defaults.
 * tun (c 10:200) is not a default: runc dropped it in 1.2 because it gave every container
 * a way to create network devices. */
int ocirt_cg_dev_rules_build(const struct oci_device_cgroup *rules, size_t rules_len, const struct oci_device *devices,
			     size_t devices_len, struct ocirt_cg_dev_rule **ret, size_t *ret_len, struct ocirt_error **err);
/* The v1 devices.allow / devices.deny line for a rule ("c 1:3 rwm", "b *:* m", "a").
 * A type-'a' rule restricted in numbers or access can't be written as one v1 line; it is
 * returned as two lines (c then b) in buf2 (buf2[0] == 0 when one line suffices). */
void ocirt_cg_dev_rule_v1(const struct ocirt_cg_dev_rule *r, char buf[static OCIRT_CG_VALUE_MAX],
			  char buf2[static OCIRT_CG_VALUE_MAX]);

/* v1 blkio / v2 io line pieces. */
void ocirt_cg_format_dev_value(int64_t major, int64_t minor, uint64_t value, char buf[static OCIRT_CG_VALUE_MAX]);

/* rdma.max line: "<dev> hca_handle=<n|max> hca_object=<n|max>"; returns a malloc'd string. */
char *ocirt_cg_rdma_line(const struct oci_rdma *r);

/* Validate a `unified` key: a plain file name in the form <controller>.<param>, no '/',
 * not "." or "..". On success *ret_controller (malloc'd) gets the controller part. */
int ocirt_cg_unified_key_check(const char *key, char **ret_controller, struct ocirt_error **err);

/* Parse a number-or-"max" cgroup value ("max" -> UINT64_MAX). */
int ocirt_cg_parse_u64(const char *s, uint64_t *ret);

#endif
