/* SPDX-License-Identifier: GPL-2.0-or-later */
/* No cgroup: the container stays in the runtime's cgroups (rootless without delegation). */
#include "config.h"

#include <errno.h>

#include "libocirt/cgroup.h"

static int none_create(struct ocirt_cgroup *cg, const char *cgroups_path, const char *id, struct ocirt_error **err)
{
	return 0;
}

static int none_clone_into_fd(struct ocirt_cgroup *cg)
{
	return -EOPNOTSUPP;
}

static int none_enter(struct ocirt_cgroup *cg, pid_t pid, struct ocirt_error **err)
{
	return 0;
}

static int none_destroy(struct ocirt_cgroup *cg, struct ocirt_error **err)
{
	return 0;
}

const struct ocirt_cgroup_driver ocirt_cgroup_none_driver = {
	.name = "none",
	.create = none_create,
	.clone_into_fd = none_clone_into_fd,
	.enter = none_enter,
	.apply = NULL,
	.destroy = none_destroy,
};
