/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File-descriptor helpers: full reads/writes, small files, atomic replacement, fd passing. */
#ifndef OCIRT_FD_UTIL_H
#define OCIRT_FD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "common/error.h"

/* write(2)/read(2) until done, retrying EINTR. write_all returns 0 or -errno; read_all
 * returns the number of bytes read (short only at EOF) or -errno. */
int write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);

/* Read a whole (small, at most max bytes) file relative to dirfd (AT_FDCWD for paths), NUL
 * terminated. Returns 0 or -errno (-EFBIG when larger than max). */
int read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);
/* Open O_WRONLY|O_TRUNC (no O_CREAT) and write the string: for /proc and cgroup files. */
int write_file_at(int dirfd, const char *path, const char *data, size_t len);
int write_file_string_at(int dirfd, const char *path, const char *s);
/* Write to "<dir>/.<name>.tmp" and rename over <name>: readers see the old or the new
 * content, never a partial one. */
int write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode);

int fd_set_cloexec(int fd, bool on);
int fd_set_nonblock(int fd, bool on);
/* Move fd to a number >= min (F_DUPFD_CLOEXEC) and close the old one. Returns the new fd. */
int fd_move_above(int fd, int min);

/* One sendmsg with a payload of len bytes (len > 0) and, when fd >= 0, exactly one
 * SCM_RIGHTS fd. recv_with_fd returns the payload length and *ret_fd (-1 when none). */
int send_with_fd(int sock, const void *buf, size_t len, int fd);
ssize_t recv_with_fd(int sock, void *buf, size_t len, int *ret_fd);

/* Every fd of /proc/self/fd >= from, except those in keep, gets closed (close=true) or marked
 * O_CLOEXEC. Uses close_range(2) where the holes allow (Linux 5.9/5.11). */
int close_fds_from(int from, const int *keep, size_t nkeep, bool close_now);

#endif
