/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroupfs placement on pure cgroup v2 hosts: one directory; the init is cloned straight
 * into it with clone3(CLONE_INTO_CGROUP) (Linux 5.7), cgroup.procs is the fallback. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "libocirt/cgroup.h"

static int v2_create(struct ocirt_cgroup *cg, const char *cgroups_path, const char *id, struct ocirt_error **err)
{
	const char *path = cgroups_path && *cgroups_path ? cgroups_path : id;
	_cleanup_free_ char *inner = NULL;
	if (path[0] == '/')
		inner = xstrdup(path);
	else {
		/* Relative to the PARENT of the runtime's own cgroup, as runc does: the own
		 * cgroup has processes (ours at least), so it can't pass controllers down to a
		 * child (no-internal-process rule), while its parent usually has none. */
		_cleanup_free_ char *own = ocirt_cgroup_self("");
		char *slash = own ? strrchr(own, '/') : NULL;
		if (slash)
			*slash = '\0';
		inner = xasprintf("%s/%s", own ? own : "", path);
	}
	free(cg->path);
	cg->path = xstrdup(inner);
	_cleanup_free_ char *dir = xasprintf("/sys/fs/cgroup%s", inner);
	_cleanup_free_ char *top = NULL;
	int r = ocirt_cgroup_mkdir(cg, dir, &top, err);
	if (r < 0)
		return r;
	if (r == 0)
		ocirt_cgroup_add_dir(cg, "", dir, top);
	return 0;
}

static int v2_clone_into_fd(struct ocirt_cgroup *cg)
{
	if (cg->ndirs == 0)
		return -EOPNOTSUPP;
	int fd = open(cg->dirs[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

const struct ocirt_cgroup_driver ocirt_cgroup_v2_driver = {
	.name = "cgroupfs",
	.create = v2_create,
	.clone_into_fd = v2_clone_into_fd,
	.enter = ocirt_cgroup_enter_dirs,
	.apply = NULL,
	.destroy = ocirt_cgroup_remove_dirs,
};
