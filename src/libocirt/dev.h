/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device nodes and /dev links inside the rootfs (ocirt_rootfs_devices in rootfs.h is the
 * step; these are its pieces). */
#ifndef OCIRT_DEV_H
#define OCIRT_DEV_H

#include <stdbool.h>
#include <sys/types.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

struct ocirt_default_device {
	const char *path;
	unsigned int major;
	unsigned int minor;
};

/* null zero full random urandom tty: created in every container (c, 0666, root:root). */
extern const struct ocirt_default_device ocirt_default_devices[];
extern const size_t ocirt_default_devices_len;

/* Create one device node inside the rootfs: mknod (type c/u/b/p, fileMode, uid, gid),
 * or, when bind or mknod is refused (EPERM: user namespace), an empty file with the
 * host's node at the same path bind-mounted onto it. An existing node that matches is
 * kept; anything else at the path is an error. */
int ocirt_dev_create(int rootfs_fd, const struct oci_device *d, bool bind, struct ocirt_error **err);

#endif
