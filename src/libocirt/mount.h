/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mount engine: the option table of config.json mounts, and mounting one entry inside
 * the rootfs. Every target is an fd resolved inside the rootfs (common/path-util.h); the
 * new mount API (fsopen/fsmount, open_tree, mount_setattr, move_mount) attaches the mount
 * to that fd, and mount(2) on /proc/self/fd/N is the fallback for older kernels. */
#ifndef OCIRT_MOUNT_H
#define OCIRT_MOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/mount.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif

/* atime behaviour is one value, not independent bits (mount_setattr's MOUNT_ATTR__ATIME). */
enum ocirt_atime {
	OCIRT_ATIME_UNSET = 0,
	OCIRT_ATIME_RELATIME,
	OCIRT_ATIME_NOATIME,
	OCIRT_ATIME_STRICTATIME,
};

/* A change of mount flags: MS_* bits to set, MS_* bits the options explicitly cleared
 * (rw, suid, dev, exec, ...), and the atime mode. Bits in neither set stay as they are
 * (so locked flags of a bind source in a user namespace survive). */
struct ocirt_mount_flags {
	unsigned long set;
	unsigned long clear;
	enum ocirt_atime atime;
};

enum ocirt_mount_option_kind {
	OCIRT_MOPT_DEFAULTS,    /* "defaults": nothing */
	OCIRT_MOPT_SET,         /* set value (MS_*) */
	OCIRT_MOPT_CLEAR,       /* clear value (MS_*) */
	OCIRT_MOPT_ATIME,       /* atime mode = value */
	OCIRT_MOPT_REC_SET,     /* r*: set value on the whole tree */
	OCIRT_MOPT_REC_CLEAR,   /* r*: clear value on the whole tree */
	OCIRT_MOPT_REC_ATIME,   /* r*: atime mode of the whole tree */
	OCIRT_MOPT_PROPAGATION, /* value = MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE [|MS_REC] */
	OCIRT_MOPT_BIND,        /* value = MS_BIND [|MS_REC] */
	OCIRT_MOPT_REMOUNT,
	OCIRT_MOPT_TMPCOPYUP,
	OCIRT_MOPT_IDMAP,       /* value 1 = ridmap */
};

struct ocirt_mount_option {
	const char *name;
	enum ocirt_mount_option_kind kind;
	unsigned long value;
};

#define OCIRT_MOUNT_MAX_PROPAGATION 8

struct ocirt_mount_options {
	struct ocirt_mount_flags flags; /* the mount itself */
	struct ocirt_mount_flags rec;   /* r* options: every mount of the tree (mount_setattr AT_RECURSIVE) */
	unsigned long propagation[OCIRT_MOUNT_MAX_PROPAGATION]; /* applied in order after mounting */
	size_t n_propagation;
	bool bind;      /* bind or rbind */
	bool recursive; /* rbind */
	bool remount;
	bool tmpcopyup;
	bool idmap;     /* idmap or ridmap: an idmapped bind mount (never passed to the kernel) */
	bool ridmap;    /* ridmap: the mapping applies to every mount of an rbind tree */
	char *data;     /* options the table does not know, comma-joined, for the filesystem; NULL if none */
};

/* The table entry of a known option, NULL for filesystem data. */
const struct ocirt_mount_option *ocirt_mount_option_lookup(const char *name);
/* Every entry, NULL-name terminated (features.c lists them). */
const struct ocirt_mount_option *ocirt_mount_option_table(void);
/* Parse an options list (may be NULL). Contradicting options: the last one wins, as in
 * mount(8). Fails only on options that can't be honoured here (empty names). */
int ocirt_mount_options_parse(char *const *options, struct ocirt_mount_options *ret, struct ocirt_error **err);
void ocirt_mount_options_done(struct ocirt_mount_options *o);
/* rootfsPropagation and propagation option names → MS_* flags; 0 when unknown. */
unsigned long ocirt_mount_propagation_flags(const char *name);
/* MS_* mount flags for mount(2) from a flags change applied on top of `current` MS_* flags. */
unsigned long ocirt_mount_flags_apply(const struct ocirt_mount_flags *f, unsigned long current);

/* What mounting needs besides the entry. */
struct ocirt_mount_ctx {
	int rootfs_fd;          /* O_PATH fd of the rootfs */
	const char *rootfs;     /* its path as the kernel names it (ocirt_path_of_fd), or NULL */
	const char *bundle;     /* relative bind sources resolve against it */
	const char *mount_label; /* SELinux context= for mounts that take one, or NULL */
	bool userns;            /* a new user namespace: sysfs may need an rbind of /sys */
	bool cgroupns;          /* a private cgroup namespace: cgroup mounts are fresh, not binds */
	bool defer_readonly;    /* tmpfs and /dev "ro" wait for ocirt_mount_finish_readonly */
	const struct ocirt_idmapped *idmapped; /* the parent's idmapped trees (ocirt_mount_idmap_prepare) */
	size_t n_idmapped;
};

/* ID-mapped bind mounts (idmap/ridmap, mounts[].uidMappings/gidMappings). The parent, still
 * privileged over the source's file system, clones the source, sets its flags and
 * MOUNT_ATTR_IDMAP (with a helper user namespace holding the mount's mappings, or the
 * container's when it has none), and keeps the detached tree's fd; the child inherits it
 * and only moves it onto the destination (runc 1.2 works the same way). */
struct ocirt_idmapped {
	const struct oci_mount *m; /* the entry (same address in the child: it is a copy) */
	int fd;                    /* the detached, mapped tree */
};
/* Is this entry an idmapped mount? */
bool ocirt_mount_is_idmapped(const struct oci_mount *m);
/* Parent side, before clone: one tree per idmapped entry of c. Errors name the entry
 * (".mounts[2]: ..."). *ret is NULL when there are none. */
int ocirt_mount_idmap_prepare(const struct oci_config *c, const char *bundle, struct ocirt_idmapped **ret,
			      size_t *ret_n, struct ocirt_error **err);
void ocirt_mount_idmapped_free(struct ocirt_idmapped *v, size_t n);

/* Mount one config.json entry inside the rootfs: destination resolved inside the rootfs
 * (relative = relative to "/"), mount point created to match the source, options
 * applied. Errors name the mount: `mount "proc" to "/proc": Permission denied`. */
int ocirt_mount_one(const struct ocirt_mount_ctx *ctx, const struct oci_mount *m, struct ocirt_error **err);

/* After pivot: the read-only remounts deferred by ocirt_mount_one (tmpfs and /dev with
 * "ro"), resolved from root_fd (the new "/"). */
int ocirt_mount_finish_readonly(int root_fd, const struct oci_mount *m, struct ocirt_error **err);

/* True when the config bind-mounts something onto /dev (then devices are not created). */
bool ocirt_mount_dev_is_bind(const struct oci_config *config);

/* Low-level pieces shared with rootfs.c and dev.c. All return 0 or a negative errno. */

/* Bind src (a path, or src_fd when >= 0) onto target_fd; recursive = rbind; f applies to
 * the new mount, rec (optional) to its whole tree. root_fd + target_path name the target
 * again (resolved inside root_fd) for the mount(2) fallback of old kernels, which has to
 * find the new mount by path. *ret_mnt_fd (optional) gets an O_PATH fd of its root. */
int ocirt_mount_bind(int src_fd, const char *src, int target_fd, int root_fd, const char *target_path, bool recursive,
		     const struct ocirt_mount_flags *f, const struct ocirt_mount_flags *rec, int *ret_mnt_fd);
/* Change the flags of the mount whose root mnt_fd is (recursive: the whole tree). */
int ocirt_mount_setflags(int mnt_fd, const struct ocirt_mount_flags *f, bool recursive);
/* Set propagation (MS_SHARED... [|MS_REC]) of the mount whose root mnt_fd is. */
int ocirt_mount_set_propagation(int mnt_fd, unsigned long propagation);
/* A new filesystem on target_fd (root_fd + target_path as for ocirt_mount_bind). data is
 * the comma-separated filesystem options. ret_detail (optional) gets the kernel's message
 * on failure. */
int ocirt_mount_fs(const char *type, const char *source, int target_fd, int root_fd, const char *target_path,
		   const struct ocirt_mount_flags *f, const char *data, int *ret_mnt_fd, char **ret_detail);

/* Tests: behave as on a kernel without the new mount API (fsopen, open_tree, move_mount:
 * 5.2; mount_setattr: 5.12), so the mount(2) fallbacks run. */
void ocirt_mount_set_legacy_api(bool on);

/* /proc/self/mountinfo, parsed. */
struct ocirt_mountinfo {
	int id;
	int parent;
	char *root;
	char *mountpoint;
	char *options;
	char *optional; /* "shared:1 master:2", may be "" */
	char *fstype;
	char *source;
	char *super_options;
};
int ocirt_mountinfo_read(const char *path, struct ocirt_mountinfo **ret, size_t *ret_n);
void ocirt_mountinfo_free(struct ocirt_mountinfo *v, size_t n);

#endif
