/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parent side of create/run: everything from the loaded bundle to an init parked on
 * the exec fifo, with the status file and the pid file written. */
#ifndef OCIRT_SPAWN_H
#define OCIRT_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>
#include "common/error.h"
#include "libocirt/container.h"
#include "libocirt/state.h"

struct ocirt_spawned {
	pid_t pid;               /* the init (host pid) */
	uint64_t start_time;
	int pidfd;               /* of the init */
	int sync_fd;             /* the parent's end (foreground run keeps listening) */
	int pty_master;          /* foreground run with a terminal, else -1 */
	struct ocirt_state_dir *dir; /* still locked */
	struct ocirt_status *status;
	struct ocirt_bundle *bundle;
};

void ocirt_spawned_release(struct ocirt_spawned *s);

/* foreground: `run` without -d (the pty master comes back instead of going to a console
 * socket). On failure everything made so far is torn down (init killed, cgroup and state
 * dir removed). */
int ocirt_spawn(struct ocirt_context *ctx, const char *id, const struct ocirt_create_opts *opts, bool foreground,
		struct ocirt_spawned *ret, struct ocirt_error **err);

/* Foreground `run` and `exec`: relay the pty (sp->pty_master, -1 for none) and signals to
 * sp->pid until it exits; *ret_status = its exit status, 128+N for signal N. Uses sp->pid,
 * sp->pidfd and sp->pty_master only. */
int ocirt_foreground_wait(struct ocirt_spawned *sp, int *ret_status, struct ocirt_error **err);

/* Write a pid file runc's way: digits only, no newline, temp file + rename. */
int ocirt_write_pid_file(const char *path, pid_t pid, struct ocirt_error **err);

#endif
