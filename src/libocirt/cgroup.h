/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container cgroup placement behind one small driver vtable.
 *
 *   cgroup.c          layout detection, cgroupsPath resolution, the driver table, the
 *                     status-file (de)serialisation and the shared helpers below
 *   cgroup-v1.c       legacy and hybrid hosts: one dir per mounted v1 hierarchy (named ones
 *                     like name=systemd included) plus, on hybrid hosts, the cgroup2 dir
 *   cgroup-v2.c       pure cgroup v2: one dir, clone3(CLONE_INTO_CGROUP)
 *   cgroup-systemd.c  transient scope units through sd-bus (`--systemd-cgroup`)
 *   cgroup-none.c     no cgroup at all (rootless without delegation)
 *
 * The driver owns create/enter/destroy; the resources engine (cgroup-res.h) works from the
 * dirs a driver placed, so `apply` is one vtable slot that forwards to it. */
#ifndef OCIRT_CGROUP_H
#define OCIRT_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

enum ocirt_cgroup_layout {
	OCIRT_CGROUP_LEGACY = 1, /* v1 only */
	OCIRT_CGROUP_HYBRID = 2, /* v1 controllers + cgroup2 at /sys/fs/cgroup/unified */
	OCIRT_CGROUP_UNIFIED = 3, /* pure v2 at /sys/fs/cgroup */
};

/* One hierarchy the container has a directory in. */
struct ocirt_cgroup_dir {
	char *controllers; /* "cpu,cpuacct", "name=systemd", "" for cgroup2 */
	char *path;        /* absolute directory, e.g. /sys/fs/cgroup/memory/process_api/x/ctr */
	bool owned;        /* we created the leaf: delete removes it */
	char *top;         /* the highest directory we created (== path, or an ancestor of it
			    * when parents were missing): delete removes up to it, if empty */
};

struct ocirt_cgroup;

struct ocirt_cgroup_driver {
	const char *name; /* recorded in the status file: "cgroupfs", "systemd", "none" */
	/* Resolve cgroupsPath (NULL/"" = default) and create the directories. */
	int (*create)(struct ocirt_cgroup *cg, const char *cgroups_path, const char *id, struct ocirt_error **err);
	/* A dirfd for clone3(CLONE_INTO_CGROUP), or -EOPNOTSUPP when the driver needs enter(). */
	int (*clone_into_fd)(struct ocirt_cgroup *cg);
	/* Move pid into every hierarchy (cgroup.procs). */
	int (*enter)(struct ocirt_cgroup *cg, pid_t pid, struct ocirt_error **err);
	/* linux.resources: the resources engine (later issue); NULL = not yet. */
	int (*apply)(struct ocirt_cgroup *cg, const struct oci_resources *r, bool update, struct ocirt_error **err);
	/* Resources as unit properties (systemd); NULL for the cgroupfs drivers. Called before
	 * the resources engine writes the files, at create and at update. */
	int (*set_unit_properties)(struct ocirt_cgroup *cg, const struct oci_resources *r, struct ocirt_error **err);
	/* Kill leftovers and remove the owned directories (leaf first). */
	int (*destroy)(struct ocirt_cgroup *cg, struct ocirt_error **err);
};

struct ocirt_cgroup {
	const struct ocirt_cgroup_driver *driver;
	enum ocirt_cgroup_layout layout;
	bool rootless; /* ignore permission errors (no delegation) */
	char *path;    /* the resolved cgroup path as given (absolute form), for state/debug */
	struct ocirt_cgroup_dir *dirs;
	size_t ndirs;
	char *unit;  /* systemd: the scope unit ("prefix-name.scope"), kept in the status */
	pid_t helper; /* systemd, during create: the placeholder process that holds the scope */
	unsigned root_enabled; /* hybrid: controllers (cgroup-res.h bits) create turned on in the
				* cgroup2 root for this container; delete turns them off if unused */
};

/* Pick the driver: systemd_cgroup -> the systemd driver; otherwise cgroupfs for the host's
 * layout. */
int ocirt_cgroup_new(bool systemd_cgroup, bool rootless, struct ocirt_cgroup **ret, struct ocirt_error **err);
void ocirt_cgroup_free(struct ocirt_cgroup *cg);
static inline void ocirt_cgroup_freep(struct ocirt_cgroup **cg)
{
	ocirt_cgroup_free(*cg);
	*cg = NULL;
}
#define _cleanup_cgroup_ _cleanup_(ocirt_cgroup_freep)

static inline int ocirt_cgroup_create(struct ocirt_cgroup *cg, const char *cgroups_path, const char *id,
				      struct ocirt_error **err)
{
	return cg->driver->create(cg, cgroups_path, id, err);
}
static inline int ocirt_cgroup_enter(struct ocirt_cgroup *cg, pid_t pid, struct ocirt_error **err)
{
	return cg->driver->enter(cg, pid, err);
}
static inline int ocirt_cgroup_destroy(struct ocirt_cgroup *cg, struct ocirt_error **err)
{
	return cg->driver->destroy(cg, err);
}

/* The status file keeps the driver name, layout, path and dirs; this rebuilds the object
 * (no file system access). */
struct yajl_gen_t;
int ocirt_cgroup_serialize(const struct ocirt_cgroup *cg, struct yajl_gen_t *g);
struct yajl_val_s;
int ocirt_cgroup_deserialize(const struct yajl_val_s *v, struct ocirt_cgroup **ret, struct ocirt_error **err);

/* Every pid in the container's cgroup (the first hierarchy that lists any; cgroup2 first).
 * *ret is malloc'd. */
int ocirt_cgroup_pids(const struct ocirt_cgroup *cg, pid_t **ret, size_t *ret_len, struct ocirt_error **err);
/* Signal every pid in the cgroup; ESRCH is ignored. Returns how many were signalled. */
int ocirt_cgroup_kill_all(const struct ocirt_cgroup *cg, int sig, struct ocirt_error **err);
/* freezer (v1 freezer.state FROZEN, v2 cgroup.events "frozen 1"). */
bool ocirt_cgroup_is_frozen(const struct ocirt_cgroup *cg);
/* The dir of a v1 controller (or the cgroup2 dir for "" / on pure v2); NULL when none. */
const char *ocirt_cgroup_dir_for(const struct ocirt_cgroup *cg, const char *controller);

/* Layout of the running host. */
enum ocirt_cgroup_layout ocirt_cgroup_detect_layout(void);

/* Drivers (cgroup-v1.c, cgroup-v2.c, cgroup-none.c). */
extern const struct ocirt_cgroup_driver ocirt_cgroup_v1_driver;
extern const struct ocirt_cgroup_driver ocirt_cgroup_v2_driver;
extern const struct ocirt_cgroup_driver ocirt_cgroup_none_driver;
/* cgroup-systemd.c needs libsystemd: referenced weakly, so that programs linking libocirt.a
 * without -lsystemd (unit tests, fuzzers) still link; the ocirt binary pulls it in with
 * -Wl,--undefined=ocirt_cgroup_systemd_driver. */
extern const struct ocirt_cgroup_driver ocirt_cgroup_systemd_driver __attribute__((weak));

/* Shared by the drivers (cgroup.c). */
/* The runtime's own cgroup in the hierarchy whose /proc/self/cgroup line matches
 * controllers ("" = cgroup2); malloc'd, NULL when not found. */
char *ocirt_cgroup_self(const char *controllers);
/* mkdir -p (one mkdir when the parent exists); *ret_top = the highest directory it created
 * (malloc'd, NULL when the leaf existed). Permission errors are ignored (return 1) when
 * cg->rootless. */
int ocirt_cgroup_mkdir(struct ocirt_cgroup *cg, const char *dir, char **ret_top, struct ocirt_error **err);
int ocirt_cgroup_write_procs(const char *dir, pid_t pid, struct ocirt_error **err);
/* rmdir dir, killing what is left and retrying while it is busy (up to ~2 s). */
int ocirt_cgroup_rmdir(const char *dir, struct ocirt_error **err);
void ocirt_cgroup_add_dir(struct ocirt_cgroup *cg, const char *controllers, const char *path, const char *top);
/* rmdir an owned dir, then its parents up to its top (stopping at one still in use). */
int ocirt_cgroup_remove_dir(const struct ocirt_cgroup_dir *d, struct ocirt_error **err);
/* remove_dir of every dir (all are tried; the first error is reported): the cgroupfs
 * drivers' destroy. */
int ocirt_cgroup_remove_dirs(struct ocirt_cgroup *cg, struct ocirt_error **err);
/* Write pid to every dir's cgroup.procs (rootless: a hierarchy we may not write to is
 * skipped): the cgroupfs drivers' enter. */
int ocirt_cgroup_enter_dirs(struct ocirt_cgroup *cg, pid_t pid, struct ocirt_error **err);

#endif
