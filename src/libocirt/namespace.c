/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "libocirt/namespace.h"

#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE _IO(0xb7, 0x3)
#endif

static const struct {
	const char *type;
	const char *proc;
	int flag;
} ns_table[] = {
	{ "user", "user", CLONE_NEWUSER }, { "pid", "pid", CLONE_NEWPID },   { "network", "net", CLONE_NEWNET },
	{ "ipc", "ipc", CLONE_NEWIPC },    { "uts", "uts", CLONE_NEWUTS },   { "cgroup", "cgroup", CLONE_NEWCGROUP },
	{ "time", "time", CLONE_NEWTIME }, { "mount", "mnt", CLONE_NEWNS },
};

int ocirt_ns_flag(const char *type)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_table); i++)
		if (streq(ns_table[i].type, type))
			return ns_table[i].flag;
	return 0;
}

const char *ocirt_ns_proc_name(int flag)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_table); i++)
		if (ns_table[i].flag == flag)
			return ns_table[i].proc;
	return NULL;
}

const char *ocirt_ns_type_name(int flag)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_table); i++)
		if (ns_table[i].flag == flag)
			return ns_table[i].type;
	return NULL;
}

void ocirt_ns_plan_release(struct ocirt_ns_plan *p)
{
	for (size_t i = 0; i < p->njoin; i++) {
		if (p->join[i].fd >= 0)
			close(p->join[i].fd);
		free(p->join[i].path);
	}
	memset(p, 0, sizeof(*p));
}

int ocirt_ns_plan_build(const struct oci_config *c, struct ocirt_ns_plan *ret, struct ocirt_error **err)
{
	struct ocirt_ns_plan p = { 0 };
	const struct oci_linux *l = c->linux_;
	for (size_t i = 0; l && l->namespaces && i < l->namespaces_len; i++) {
		const struct oci_namespace *ns = &l->namespaces[i];
		int flag = ocirt_ns_flag(ns->type);
		if (!flag) {
			ocirt_ns_plan_release(&p);
			return ocirt_error_setx(err, EINVAL, "unknown namespace type \"%s\"", ns->type);
		}
		if ((p.new_flags | p.join_flags) & flag) {
			ocirt_ns_plan_release(&p);
			return ocirt_error_setx(err, EINVAL, "duplicated namespace \"%s\"", ns->type);
		}
		if (!ns->path || !*ns->path) {
			p.new_flags |= flag;
			continue;
		}
		int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			ocirt_ns_plan_release(&p);
			return ocirt_error_set(err, e, "open %s namespace path `%s`", ns->type, ns->path);
		}
		int t = ioctl(fd, NS_GET_NSTYPE);
		if (t != flag) {
			close(fd);
			ocirt_ns_plan_release(&p);
			return ocirt_error_setx(err, EINVAL, "namespace path `%s` is not a %s namespace", ns->path,
						ns->type);
		}
		p.join[p.njoin].flag = flag;
		p.join[p.njoin].fd = fd;
		p.join[p.njoin].path = xstrdup(ns->path);
		p.njoin++;
		p.join_flags |= flag;
	}
	*ret = p;
	return 0;
}

static int join_one(const struct ocirt_ns_join *j, struct ocirt_error **err)
{
	if (setns(j->fd, j->flag) < 0)
		return ocirt_error_set(err, errno, "join %s namespace `%s`", ocirt_ns_type_name(j->flag), j->path);
	return 0;
}

int ocirt_ns_join_all(const struct ocirt_ns_plan *p, int which, struct ocirt_error **err)
{
	/* user first, mount last, the rest in between */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < p->njoin; i++) {
			int f = p->join[i].flag;
			if (!(f & which))
				continue;
			int want = pass == 0 ? (f == CLONE_NEWUSER) : pass == 2 ? (f == CLONE_NEWNS)
									   : (f != CLONE_NEWUSER && f != CLONE_NEWNS);
			if (!want)
				continue;
			int r = join_one(&p->join[i], err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}
