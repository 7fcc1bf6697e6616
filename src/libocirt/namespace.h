/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.namespaces: which to create, which to join (by path), and the order of setns. */
#ifndef OCIRT_NAMESPACE_H
#define OCIRT_NAMESPACE_H

#include <stdbool.h>
#include <stddef.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define OCIRT_NS_MAX 8

struct ocirt_ns_join {
	int flag; /* CLONE_NEW* */
	int fd;   /* open on the path, type checked */
	char *path;
};

struct ocirt_ns_plan {
	int new_flags; /* CLONE_NEW* to create */
	int join_flags;
	struct ocirt_ns_join join[OCIRT_NS_MAX];
	size_t njoin;
};

/* "pid" -> CLONE_NEWPID (0 when unknown); "network" -> "net" for /proc/<pid>/ns. */
int ocirt_ns_flag(const char *type);
const char *ocirt_ns_proc_name(int flag);
const char *ocirt_ns_type_name(int flag);

/* Read linux.namespaces. Paths are opened now (in the runtime's mount namespace) and
 * checked to be namespaces of the stated type:
 * "namespace path `/x` is not a network namespace". */
int ocirt_ns_plan_build(const struct oci_config *c, struct ocirt_ns_plan *ret, struct ocirt_error **err);
void ocirt_ns_plan_release(struct ocirt_ns_plan *p);

/* setns() into the joined namespaces among `which` (user first: it gives the rights for the
 * others; mount last). pid and time only apply to children. */
int ocirt_ns_join_all(const struct ocirt_ns_plan *p, int which, struct ocirt_error **err);

#endif
