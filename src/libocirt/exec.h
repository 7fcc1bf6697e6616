/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `exec`: start one more process in a running container (the parent side; the child runs
 * init.c's step table without the INIT_ONLY rows).
 *
 *   state + saved config.json -> the process (process.json, or config.json's process with
 *   the flags applied, runc's rules) -> checks (stopped, paused, terminal, fds) -> caps,
 *   LSM, seccomp (compiled here, cached) -> /proc/<init>/ns/<type> opened, --cgroup resolved ->
 *   clone3 (CLONE_INTO_CGROUP where the driver allows, else cgroup.procs) -> GO -> serve
 *   the child (its pid after the pid-namespace fork, the pty master) until it execs ->
 *   pid file -> detach, or relay signals and the tty until it exits. */
#ifndef OCIRT_EXEC_H
#define OCIRT_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "common/error.h"
#include "libocirt/container.h"

struct ocirt_exec_opts {
	/* the process: a process.json file (the flags below that describe the process are then
	 * ignored, as by runc) or the container's process with these overrides */
	const char *process_path; /* --process */
	char **args;              /* the command line (without --process) */
	bool tty;                 /* --tty (without --process: terminal = tty) */
	const char *cwd;          /* --cwd */
	char **env;               /* --env NAME=VALUE: replaces NAME or adds it */
	bool has_user;            /* --user uid[:gid] */
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
	uint32_t *additional_gids; /* --additional-gids, added */
	size_t additional_gids_len;
	char **caps;              /* --cap: added to bounding, effective, permitted, ambient */
	bool no_new_privs;        /* --no-new-privs */
	const char *apparmor;     /* --apparmor */
	const char *process_label; /* --process-label */

	/* how it runs */
	const char *console_socket; /* absolute */
	const char *pid_file;       /* absolute */
	bool detach;
	int preserve_fds;
	char **cgroups;             /* --cgroup [controller[,controller]:]path, relative to the
				     * container's cgroup, must exist */
	bool ignore_paused;
};

/* Foreground: *ret_status = the process's exit status (128+N for signal N). Detached: 0 once
 * the process runs (it is left to the caller's subreaper) and the pid file is written.
 * Errors are runc's where callers parse them: "cannot exec in a stopped container",
 * "cannot exec in a paused container (use --ignore-paused to override)", and
 * "unable to start container process: exec: \"/x\": stat /x: no such file or directory". */
int ocirt_container_exec(struct ocirt_context *ctx, const char *id, const struct ocirt_exec_opts *opts,
			 int *ret_status, struct ocirt_error **err);

#endif
