/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Process helpers: /proc/<pid>/stat, pidfds, clone3. */
#ifndef OCIRT_PROC_UTIL_H
#define OCIRT_PROC_UTIL_H

#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

/* Field 3 (state letter) and field 22 (start time in clock ticks since boot) of
 * /proc/<pid>/stat. Returns 0 or -errno (-ESRCH when the process does not exist). */
int proc_stat_read(pid_t pid, char *ret_state, uint64_t *ret_start_time);

/* Is pid the process we started? Alive (not a zombie) and with the recorded start time. */
bool proc_is_alive(pid_t pid, uint64_t start_time);

/* Thin wrappers returning -1/errno like the libc ones. */
int sys_pidfd_open(pid_t pid, unsigned int flags);
int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags);

/* A pidfd for pid, checked against start_time after it is opened so it can't refer to a
 * recycled pid. Returns the fd or -errno (-ESRCH when the process is gone or another one). */
int pidfd_open_checked(pid_t pid, uint64_t start_time);

/* Wait until a pidfd reports the process exited, at most timeout_ms (-1 = forever).
 * Returns 0 when it exited, -ETIMEDOUT otherwise. */
int pidfd_wait_exit(int pidfd, int timeout_ms);

struct clone_args;
/* clone3(2). Returns the pid in the parent, 0 in the child, -errno on failure. */
pid_t sys_clone3(struct clone_args *args);

/* mkdir -p with mode for the components it creates. Returns 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);

/* Is this process in the initial user namespace (uid_map is the identity over 4G)? */
bool in_initial_userns(void);

#endif
