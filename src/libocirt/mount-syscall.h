/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The new mount API through syscall(2), with our own names: libc headers differ in what
 * they declare (glibc 2.36 has wrappers, musl and older glibc don't) and <linux/mount.h>
 * clashes with <sys/mount.h> on some of them. Numbers are the same on every architecture
 * (the unified syscall table from 424 on). Private to mount.c, rootfs.c and dev.c. */
#ifndef OCIRT_MOUNT_SYSCALL_H
#define OCIRT_MOUNT_SYSCALL_H

#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OCIRT_NR_open_tree 428
#define OCIRT_NR_move_mount 429
#define OCIRT_NR_fsopen 430
#define OCIRT_NR_fsconfig 431
#define OCIRT_NR_fsmount 432
#define OCIRT_NR_mount_setattr 442

#define OCIRT_OPEN_TREE_CLONE 1
#define OCIRT_AT_RECURSIVE 0x8000
#define OCIRT_MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define OCIRT_MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#define OCIRT_FSOPEN_CLOEXEC 1
#define OCIRT_FSMOUNT_CLOEXEC 1
#define OCIRT_FSCONFIG_SET_FLAG 0
#define OCIRT_FSCONFIG_SET_STRING 1
#define OCIRT_FSCONFIG_CMD_CREATE 6

#define OCIRT_MOUNT_ATTR_RDONLY 0x00000001
#define OCIRT_MOUNT_ATTR_NOSUID 0x00000002
#define OCIRT_MOUNT_ATTR_NODEV 0x00000004
#define OCIRT_MOUNT_ATTR_NOEXEC 0x00000008
#define OCIRT_MOUNT_ATTR__ATIME 0x00000070
#define OCIRT_MOUNT_ATTR_RELATIME 0x00000000
#define OCIRT_MOUNT_ATTR_NOATIME 0x00000010
#define OCIRT_MOUNT_ATTR_STRICTATIME 0x00000020
#define OCIRT_MOUNT_ATTR_NODIRATIME 0x00000080
#define OCIRT_MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#define OCIRT_MOUNT_ATTR_IDMAP 0x00100000

struct ocirt_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

/* open_tree, move_mount, fsopen, fsconfig, fsmount: Linux 5.2. mount_setattr: Linux 5.12. */
static inline int sys_open_tree(int dfd, const char *path, unsigned int flags)
{
	return (int)syscall(OCIRT_NR_open_tree, dfd, path, flags);
}

static inline int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned int flags)
{
	return (int)syscall(OCIRT_NR_move_mount, from_dfd, from, to_dfd, to, flags);
}

static inline int sys_fsopen(const char *fsname, unsigned int flags)
{
	return (int)syscall(OCIRT_NR_fsopen, fsname, flags);
}

static inline int sys_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux)
{
	return (int)syscall(OCIRT_NR_fsconfig, fd, cmd, key, value, aux);
}

static inline int sys_fsmount(int fd, unsigned int flags, unsigned int attr_flags)
{
	return (int)syscall(OCIRT_NR_fsmount, fd, flags, attr_flags);
}

static inline int sys_mount_setattr(int dfd, const char *path, unsigned int flags, struct ocirt_mount_attr *attr)
{
	return (int)syscall(OCIRT_NR_mount_setattr, dfd, path, flags, attr, sizeof(*attr));
}

#endif
