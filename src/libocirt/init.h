/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The child side of create/run: the container's init runs ONE ordered table of steps
 * (init.c). The parent (spawn.c) fills struct ocirt_init before clone; the child works on
 * its copy of the parent's memory and never returns. */
#ifndef OCIRT_INIT_H
#define OCIRT_INIT_H

#include <stdbool.h>
#include <sys/types.h>
#include "libocirt/caps.h"
#include "libocirt/namespace.h"
#include "libocirt/seccomp.h"
#include "libocispec/oci-config.h"

struct ocirt_idmapped;

#define OCIRT_INIT_MAX_STEPS 48

struct ocirt_init {
	/* set by the parent */
	const char *id;
	const struct oci_config *config;
	const char *bundle;
	const char *rootfs;
	bool no_pivot;
	bool no_new_keyring;
	bool exec;             /* `exec`: join the running container (exec.c); INIT_ONLY rows skipped */
	bool foreground;       /* `run`/`exec` without -d: the pty master goes to the parent */
	int sync_fd;           /* the child's end of the sync socketpair */
	int state_dirfd;       /* <root>/<id>, to open exec.fifo after pivot_root */
	int console_fd;        /* connected --console-socket or -1 */
	int parent_only_fds[4]; /* fds the parent holds that the child must drop at once (-1) */
	int extra_fds;         /* LISTEN_FDS + --preserve-fds: fds 3 .. 3+extra_fds-1 pass through */
	int listen_fds;        /* LISTEN_FDS count (for the process env) */
	int log_fd;            /* the runtime's --log file or -1 */
	const struct ocirt_ns_plan *ns;
	int clone_flags;       /* namespaces already created by clone3 */
	bool userns_from_clone;
	bool fork_init;        /* the child is an intermediate: it forks the init (pid/time ns) */
	bool run_parent_hooks; /* prestart/createRuntime exist: ask the parent at the right row */
	const struct ocirt_caps *caps;
	const struct ocirt_seccomp *seccomp;
	const struct ocirt_idmapped *idmapped; /* idmapped mount trees the parent made (mount.h) */
	size_t n_idmapped;
	int seccomp_notify_fd; /* connected listenerPath socket or -1 */
	uint64_t t0;           /* timing origin (monotonic ns) for --timings marks */

	/* filled while the steps run */
	bool in_init;       /* this process is the container init (after the pid fork) */
	int rootfs_fd;
	int fifo_fd;
	char *exec_path;
	char **env;
	bool seccomp_loaded;
	bool cwd_done; /* the chdir succeeded before the user switch (runc's first try) */
	size_t nsteps;
	uint64_t marks[OCIRT_INIT_MAX_STEPS]; /* end of each step (monotonic ns) when t0 != 0 */
};

_noreturn_ void ocirt_init_main(struct ocirt_init *c);

/* The step names in order, for tests and --debug ("name" of every row). */
const char *const *ocirt_init_step_names(void);

#endif
