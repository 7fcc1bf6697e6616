/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The resources engine: writes linux.resources into a container cgroup that already exists
 * (placement, creation and removal live in cgroup.c). It works from plain directory paths
 * so it serves every placement driver:
 *
 *   - legacy/hybrid hosts: one dir per v1 controller (co-mounted controllers simply share
 *     a path) plus, on hybrid hosts, the container's dir on the cgroup2 hierarchy, which is
 *     used only for controllers that are not mounted on v1 (hugetlb on the test machine);
 *   - pure cgroup v2: the one dir.
 *
 * Every kernel rejection is reported as `write <dir>/<file> "<value>": <strerror>`. */
#ifndef OCIRT_CGROUP_RES_H
#define OCIRT_CGROUP_RES_H

#include <stdbool.h>
#include <stddef.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

enum ocirt_cg_controller {
	OCIRT_CG_CPU,
	OCIRT_CG_CPUACCT,
	OCIRT_CG_CPUSET,
	OCIRT_CG_MEMORY,
	OCIRT_CG_DEVICES,
	OCIRT_CG_FREEZER,
	OCIRT_CG_BLKIO,
	OCIRT_CG_PIDS,
	OCIRT_CG_HUGETLB,
	OCIRT_CG_NET_CLS,
	OCIRT_CG_NET_PRIO,
	OCIRT_CG_RDMA,
	OCIRT_CG_MISC,
	OCIRT_CG_PERF_EVENT,
	OCIRT_CG__MAX
};

/* v1 controller name ("cpu", "net_cls", ...). */
const char *ocirt_cg_controller_name(enum ocirt_cg_controller c);
/* -1 when unknown. */
int ocirt_cg_controller_from_name(const char *name);

struct ocirt_cgroup_dirs {
	bool unified_only;              /* pure cgroup v2: only `unified` is used */
	char *v1[OCIRT_CG__MAX];        /* container dir per v1 controller, NULL = not mounted on v1 */
	char *unified;                  /* container dir on the cgroup2 hierarchy, NULL = none */
};

void ocirt_cgroup_dirs_free(struct ocirt_cgroup_dirs *d); /* frees the strings, not d */

struct ocirt_cgroup_res_opts {
	/* `ocirt update`: 0 means "unchanged" (as at create), the missing half of cpu quota and
	 * period is kept, and device rules are ignored (runc 1.1.5: writing them into a running
	 * v1 cgroup would deny every device for a moment). */
	bool update;
	/* linux.devices: every char/block device the config creates is allowed rwm. */
	const struct oci_device *devices;
	size_t devices_len;
	/* Skip the device rules entirely (rootless without delegation, or the caller did them). */
	bool skip_devices;
	/* Out (hybrid hosts, may be NULL): the controllers this call turned on in the cgroup2
	 * root's subtree_control for the container (hugetlb...), bits as below; the caller keeps
	 * them so that delete can turn them off again (ocirt_cgroup_v2_root_release). */
	unsigned *ret_root_enabled;
};

/* Apply r (may be NULL: only the default device rules then) to the container's cgroup. */
int ocirt_cgroup_res_apply(const struct ocirt_cgroup_dirs *dirs, const struct oci_resources *r,
			   const struct ocirt_cgroup_res_opts *opts, struct ocirt_error **err);

/* Per-hierarchy writers (ocirt_cgroup_res_apply dispatches to these). `which` selects the
 * controllers to handle (bit (1 << OCIRT_CG_x)); the v2 writer takes every controller when
 * which == ~0. */
int ocirt_cgroup_res_apply_v1(const struct ocirt_cgroup_dirs *dirs, const struct oci_resources *r,
			      const struct ocirt_cgroup_res_opts *opts, struct ocirt_error **err);
int ocirt_cgroup_res_apply_v2(const char *dir, unsigned which, const struct oci_resources *r,
			      const struct ocirt_cgroup_res_opts *opts, struct ocirt_error **err);

/* Shared by the v1 and v2 writers (only the file names differ). */
int ocirt_cgroup_res_hugetlb(const char *dir, bool v2, const struct oci_hugepage_limit *l, size_t n,
			     struct ocirt_error **err);
int ocirt_cgroup_res_rdma(const char *dir, const struct oci_rdma *rd, size_t n, struct ocirt_error **err);

/* Which controllers a resources object needs (bits as above), for checking availability
 * and for enabling them on v2. Devices are not counted (v2 uses BPF, not a controller). */
unsigned ocirt_cgroup_res_controllers(const struct oci_resources *r);

/* v1 cpuset: a new cpuset cgroup starts with empty cpuset.cpus/mems, and attaching a task
 * fails until they are filled. Copy them from the nearest ancestor down to `dir`
 * (every empty one on the way). Call before moving a process in. */
int ocirt_cgroup_v1_cpuset_fill(const char *dir, struct ocirt_error **err);

/* cgroup v2: make `controllers` (bits) available in `dir` by writing "+name" into
 * cgroup.subtree_control of every ancestor from the hierarchy root down. Controllers the
 * root doesn't offer are reported as an error naming them. */
int ocirt_cgroup_v2_enable(const char *dir, unsigned controllers, struct ocirt_error **err);
/* Hybrid hosts: turn the controllers (bits) off again in the cgroup2 root `root`'s
 * subtree_control, each only when no child cgroup of the root still uses it (has it in its
 * own subtree_control, or a limit other than "max" in a <controller>.*max file). Best
 * effort, no error. */
void ocirt_cgroup_v2_root_release(const char *root, unsigned controllers);
/* The controllers listed in <dir>/cgroup.controllers, as bits. */
int ocirt_cgroup_v2_available(const char *dir, unsigned *ret, struct ocirt_error **err);

/* Small file helpers with runc-style messages. Value is written with one write(2). */
int ocirt_cg_write(const char *dir, const char *file, const char *value, struct ocirt_error **err);
/* Returns the content (malloc'd, trailing newline stripped) or a negative errno (ENOENT for
 * a missing file, which callers often tolerate). */
int ocirt_cg_read(const char *dir, const char *file, char **ret, struct ocirt_error **err);
bool ocirt_cg_exists(const char *dir, const char *file);

#endif
