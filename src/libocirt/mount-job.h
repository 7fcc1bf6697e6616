/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the mount layer (mount.c, mount-cgroup.c): one mount of config.json being made. */
#ifndef OCIRT_MOUNT_JOB_H
#define OCIRT_MOUNT_JOB_H

#include <stdbool.h>
#include "common/error.h"
#include "libocirt/mount.h"

struct job {
	const struct ocirt_mount_ctx *ctx;
	const struct oci_mount *m;
	const char *src;  /* for messages */
	char *dest;       /* cleaned absolute destination */
	struct ocirt_mount_options opts;
};

/* `mount "<src>" to "<dest>"[: detail]` with -r's errno. */
int ocirt_mount_job_err(struct job *j, struct ocirt_error **err, int r, const char *detail);
/* Mounts inside /proc: only procfs on /proc itself and the files lxcfs-style tools replace. */
int ocirt_mount_job_check_proc(struct job *j, int dest_fd, bool is_procfs, struct ocirt_error **err);
/* The recursive flags and propagation of the job, on the mount at mnt_fd. */
int ocirt_mount_job_apply_after(struct job *j, int mnt_fd, bool rec_done, struct ocirt_error **err);
/* Does comma-separated data hold key (alone or as key=...)? */
bool ocirt_mount_data_has_key(const char *data, const char *key);
/* The "cgroup" type (mount-cgroup.c). */
int ocirt_mount_cgroup(struct job *j, struct ocirt_error **err);

#endif
