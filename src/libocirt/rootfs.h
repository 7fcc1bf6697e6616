/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's root filesystem, built inside the new mount namespace by the child.
 * Each function is one row (or a few) of the child's step table (init.c), called in this
 * order: prepare, mounts, devices, [createContainer hooks], pivot, finalize, sysctl.
 * Every destination is resolved inside the rootfs through rootfs_fd (openat2
 * RESOLVE_IN_ROOT, with a safe fallback): symlinks in the rootfs never lead outside it. */
#ifndef OCIRT_ROOTFS_H
#define OCIRT_ROOTFS_H

#include <stdbool.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

struct ocirt_idmapped;

struct ocirt_rootfs_opts {
	const struct oci_config *config;
	const char *bundle; /* absolute bundle dir (relative bind sources resolve against it) */
	const char *rootfs; /* absolute host path of root.path */
	bool no_pivot;      /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
	bool userns;        /* in a new user namespace: bind host device nodes instead of mknod */
	bool terminal;      /* process.terminal: a /dev/console mount point is created */
	const struct ocirt_idmapped *idmapped; /* idmapped mount trees made by the parent (mount.h) */
	size_t n_idmapped;
};

/* Make / private-or-slave (per rootfsPropagation, default rslave like runc), bind the rootfs
 * onto itself so it is a mount point, and open it: *ret_rootfs_fd is an O_PATH|O_DIRECTORY
 * fd of the rootfs. */
int ocirt_rootfs_prepare(const struct ocirt_rootfs_opts *o, int *ret_rootfs_fd, struct ocirt_error **err);
/* config.json mounts, in order, every type and option (mount.c). */
int ocirt_rootfs_mounts(const struct ocirt_rootfs_opts *o, int rootfs_fd, struct ocirt_error **err);
/* Default devices, linux.devices, /dev/ptmx, /dev/fd and std* links (dev.c). */
int ocirt_rootfs_devices(const struct ocirt_rootfs_opts *o, int rootfs_fd, struct ocirt_error **err);
/* pivot_root (or MS_MOVE + chroot), chdir("/"). */
int ocirt_rootfs_pivot(const struct ocirt_rootfs_opts *o, int rootfs_fd, struct ocirt_error **err);
/* After pivot: the deferred read-only remounts (tmpfs and /dev mounts with "ro"),
 * root.readonly. */
int ocirt_rootfs_finalize(const struct ocirt_rootfs_opts *o, struct ocirt_error **err);
/* After pivot: linux.sysctl through /proc/sys. */
int ocirt_sysctl_apply(const struct oci_config *config, struct ocirt_error **err);
/* After sysctl (Docker's readonlyPaths include /proc/sys, so the sysctls must be written
 * first, as runc does): linux.readonlyPaths, linux.maskedPaths, then the final
 * rootfsPropagation of "/". Must run even when both lists are empty. */
int ocirt_rootfs_protect_paths(const struct ocirt_rootfs_opts *o, struct ocirt_error **err);

#endif
