/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path resolution scoped to a root directory fd (the container's rootfs): every symlink,
 * absolute or relative, and every ".." is resolved as if root_fd were "/", so nothing found
 * or created through these helpers can lie outside the root. The kernel does it with openat2
 * (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, Linux 5.6); older kernels use a walk that opens
 * one component at a time with O_NOFOLLOW relative to a held fd and never opens "..".
 * All functions return a new O_CLOEXEC fd (>= 0) or a negative errno. */
#ifndef OCIRT_PATH_UTIL_H
#define OCIRT_PATH_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

/* openat(root_fd, path, flags, mode) with in-root resolution. O_NOFOLLOW in flags keeps a
 * final symlink as is (with O_PATH the fd of the link itself, otherwise ELOOP). */
int ocirt_path_open_in_root(int root_fd, const char *path, int flags, mode_t mode);

/* mkdir -p inside root: create every missing directory (mode, minus umask), following
 * symlinks inside root, dangling ones included. Returns an O_PATH|O_DIRECTORY fd of the
 * final directory; -ENOTDIR when a component exists and is not a directory. */
int ocirt_path_mkdir_in_root(int root_fd, const char *path, mode_t mode);

/* Make sure path exists as a non-directory mount point: mkdir -p the parent, create an
 * empty regular file (mode) when nothing is there. An existing non-directory is kept
 * (a final symlink is followed inside root); an existing directory gives -EISDIR.
 * Returns an O_PATH fd of the file. */
int ocirt_path_create_file_in_root(int root_fd, const char *path, mode_t mode);

/* Split path into the parent directory, resolved (and created when mkdir_parents) inside
 * root, and the last component (malloc'd, never "", "." or ".."). Returns the O_PATH fd
 * of the parent. For operations that must not follow the final component (mknodat,
 * symlinkat, unlinkat). */
int ocirt_path_parent_in_root(int root_fd, const char *path, bool mkdir_parents, mode_t mode, char **ret_name);

/* The path the kernel reports for an fd (readlink of /proc/self/fd/N); NULL on failure. */
char *ocirt_path_of_fd(int fd);

/* "/proc/self/fd/N" in buf (at least 32 bytes); for mount(2) on an fd-resolved target. */
const char *ocirt_path_fd_magic(int fd, char *buf, size_t size);

/* Force the component-walking fallback (unit tests, and kernels without openat2). */
void ocirt_path_set_force_fallback(bool on);

#endif
