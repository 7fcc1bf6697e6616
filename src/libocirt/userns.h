/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User namespace ID maps, written by the parent (spawn.c) for the container's init and for
 * the short-lived helper namespaces that carry the mapping of an idmapped mount.
 *
 * Who writes what (the kernel's rules, user_namespaces(7)):
 *   - privileged (euid 0, in any user namespace): /proc/PID/uid_map and gid_map directly;
 *   - unprivileged, mapping only its own uid (gid) with size 1: directly too, and for the
 *     gid map "deny" goes to /proc/PID/setgroups first (the kernel requires it);
 *   - unprivileged, anything more: newuidmap / newgidmap (uidmap package, /etc/subuid and
 *     /etc/subgid), with the child's pid, as runc and crun do. */
#ifndef OCIRT_USERNS_H
#define OCIRT_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

struct ocirt_id_maps {
	const struct oci_id_mapping *uid;
	size_t nuid;
	const struct oci_id_mapping *gid;
	size_t ngid;
	const char *where; /* config path for messages: ".linux" or ".mounts[3]" */
	struct oci_id_mapping own[2]; /* storage for the default maps (uid, gid) */
};

/* The maps of the container's new user namespace: linux.uidMappings/gidMappings, or, when
 * the config has none and the caller is unprivileged, the caller's euid/egid as root (size
 * 1: crun's default; a subordinate range from /etc/subuid is NOT taken implicitly, the
 * engine asks for it with explicit mappings). Returns false when there is nothing to write
 * (privileged caller, no mappings: validation already refused that). */
bool ocirt_userns_config_maps(const struct oci_config *c, struct ocirt_id_maps *ret);

/* The maps of an idmapped mount: its own uidMappings/gidMappings, else the container's
 * (the `idmap`/`ridmap` option without mappings). False when neither exists. */
bool ocirt_userns_mount_maps(const struct oci_config *c, size_t mount_index, struct ocirt_id_maps *ret);

/* Write the maps of pid's (new, still unmapped) user namespace. Errors name the config
 * field and, for newuidmap/newgidmap, carry the helper's own message. */
int ocirt_userns_write_maps(pid_t pid, const struct ocirt_id_maps *m, struct ocirt_error **err);

/* A user namespace holding maps m, as an fd (O_CLOEXEC) for mount_setattr(MOUNT_ATTR_IDMAP):
 * a helper process is cloned into it, mapped, and reaped. */
int ocirt_userns_open_mapped(const struct ocirt_id_maps *m, int *ret_fd, struct ocirt_error **err);

/* The host uid/gid that container uid/gid 0 maps to; false when 0 is not mapped. */
bool ocirt_userns_root_ids(const struct ocirt_id_maps *m, uid_t *ret_uid, gid_t *ret_gid);

/* cgroup v2 delegation (runtime-spec "Cgroup ownership"): chown the container's cgroup dir
 * and the files /sys/kernel/cgroup/delegate lists (cgroup.procs, cgroup.threads,
 * cgroup.subtree_control... when the file is missing) to uid/gid. */
int ocirt_userns_chown_cgroup(const char *dir, uid_t uid, gid_t gid, struct ocirt_error **err);
/* The rule for it (runtime-spec, runc): cgroup v2 (pure), a new user namespace that maps
 * root, a cgroup mount that is not read-only, a cgroup dir we created. Else nothing. */
struct ocirt_cgroup;
int ocirt_userns_delegate_cgroup(const struct oci_config *c, const struct ocirt_cgroup *cg, struct ocirt_error **err);

#endif
