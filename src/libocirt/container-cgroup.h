/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroup side of the container: applying linux.resources to a placed cgroup, and the
 * verbs that only touch the cgroup (update, pause, resume, ps, events). Like every libocirt
 * entry point these never print: results come back as values, errors as ocirt_error. */
#ifndef OCIRT_CONTAINER_CGROUP_H
#define OCIRT_CONTAINER_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "common/error.h"
#include "libocispec/oci-config.h"
#include "libocirt/cgroup-res.h"
#include "libocirt/cgroup.h"
#include "libocirt/container.h"

/* The placement object's dirs in the engine's form (see cgroup-res.h). */
void ocirt_cgroup_res_dirs(const struct ocirt_cgroup *cg, struct ocirt_cgroup_dirs *ret);

/* Create/run: apply the config's linux.resources (and the device rules derived from
 * linux.devices and the defaults) to the container cgroup. Call after the driver's create
 * and before the init runs user code. With cg->rootless, permission errors are ignored (no
 * delegation on v1). A NULL linux_ still installs the default device rules. */
int ocirt_cgroup_apply_config(struct ocirt_cgroup *cg, const struct oci_linux *linux_, struct ocirt_error **err);
/* The same with the driver vtable's `apply` signature (cgroup.h), for drivers that plug the
 * engine in directly: update=false behaves as ocirt_cgroup_apply_config without
 * linux.devices (only the config's rules and the defaults), update=true as below. */
int ocirt_cgroup_res_driver_apply(struct ocirt_cgroup *cg, const struct oci_resources *r, bool update,
				  struct ocirt_error **err);
/* update: a partial resources object, 0 = unchanged (see ocirt_cgroup_res_opts.update). */
int ocirt_cgroup_apply_update(struct ocirt_cgroup *cg, const struct oci_resources *r, struct ocirt_error **err);

/* Freeze (pause) or thaw (resume) and wait until the kernel reports it done: v1
 * freezer.state FROZEN/THAWED, v2 cgroup.freeze + cgroup.events "frozen 0|1". */
int ocirt_cgroup_freeze(const struct ocirt_cgroup *cg, bool freeze, struct ocirt_error **err);

/* Every pid in the container cgroup and all its sub-cgroups (cgroup.procs, recursively),
 * sorted, without duplicates. *ret is malloc'd (NULL when empty). */
int ocirt_cgroup_pids_recursive(const struct ocirt_cgroup *cg, pid_t **ret, size_t *ret_len, struct ocirt_error **err);

/* The `data` object of runc's stats event (runtime-cli.md 1.8.5), compact JSON, malloc'd. */
int ocirt_cgroup_stats_json(const struct ocirt_cgroup *cg, char **ret, struct ocirt_error **err);

/* --- verbs ------------------------------------------------------------------------ */

/* `update --resources`: created, running or paused containers; `container not running`
 * when stopped. The individual runc flags are mapped onto an oci_resources by the CLI. */
int ocirt_container_update(struct ocirt_context *ctx, const char *id, const struct oci_resources *r,
			   struct ocirt_error **err);
/* `pause`: running or created, else `container not running`. */
int ocirt_container_pause(struct ocirt_context *ctx, const char *id, struct ocirt_error **err);
/* `resume`: paused, else `container not paused`. */
int ocirt_container_resume(struct ocirt_context *ctx, const char *id, struct ocirt_error **err);
/* `ps`: host pids of every process in the container's cgroup tree. */
int ocirt_container_ps(struct ocirt_context *ctx, const char *id, pid_t **ret, size_t *ret_len,
		       struct ocirt_error **err);

/* `events`: calls emit() with one complete JSON line (no newline) per event:
 * {"type":"stats","id":...,"data":{...}} every interval_ms, and {"type":"oom","id":...}
 * when the memory controller reports an OOM kill. With stats_only, one stats event and
 * return. Returns 0 when the container stops; emit() returning < 0 stops too (that value
 * is returned). Stopped container: `container with id <id> is not running`. */
typedef int (*ocirt_event_fn)(const char *json_line, void *userdata);
int ocirt_container_events(struct ocirt_context *ctx, const char *id, unsigned interval_ms, bool stats_only,
			   ocirt_event_fn emit, void *userdata, struct ocirt_error **err);

#endif
