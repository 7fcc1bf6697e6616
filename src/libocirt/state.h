/* SPDX-License-Identifier: GPL-2.0-or-later */
/* On-disk state: the state root, one directory per container (<root>/<id>/) holding
 *   status       what later commands need (JSON, written atomically, see struct below)
 *   config.json  the config as create used it (poststop hooks, exec defaults)
 *   exec.fifo    present from create until start (the init blocks opening it)
 *   lock         flock()ed by create (whole duration), start and delete
 * A directory without a parseable status file is not a container of ours (`list` skips
 * it: Docker shares one root between runtimes). */
#ifndef OCIRT_STATE_H
#define OCIRT_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "common/error.h"
#include "libocispec/oci-types.h"
#include "libocirt/cgroup.h"

#define OCIRT_STATUS_FILE "status"
#define OCIRT_CONFIG_FILE "config.json"
#define OCIRT_EXEC_FIFO "exec.fifo"
#define OCIRT_LOCK_FILE "lock"

struct ocirt_ns_record {
	char *type;
	char *path; /* joined path, or NULL when the namespace was created */
};

struct ocirt_status {
	char *id;
	pid_t pid;           /* host-visible pid of the init */
	uint64_t start_time; /* /proc/<pid>/stat field 22, for pid reuse detection */
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339, nanoseconds, UTC */
	uid_t owner;
	char *oci_version; /* the config's, echoed by `state` */
	struct oci_map *annotations;
	bool rootless;
	bool private_pidns; /* the init is PID 1 of its own pid namespace */
	bool has_poststop;  /* config.json holds poststop hooks */
	struct ocirt_ns_record *namespaces;
	size_t namespaces_len;
	struct ocirt_cgroup *cgroup;
};

void ocirt_status_free(struct ocirt_status *s);
static inline void ocirt_status_freep(struct ocirt_status **s)
{
	ocirt_status_free(*s);
	*s = NULL;
}
#define _cleanup_status_ _cleanup_(ocirt_status_freep)

struct ocirt_state_dir {
	char *root;
	char *id;
	char *path;  /* <root>/<id> */
	int dirfd;   /* O_PATH|O_DIRECTORY */
	int lockfd;  /* -1 when not locked */
};

void ocirt_state_dir_free(struct ocirt_state_dir *d);
static inline void ocirt_state_dir_freep(struct ocirt_state_dir **d)
{
	ocirt_state_dir_free(*d);
	*d = NULL;
}
#define _cleanup_state_dir_ _cleanup_(ocirt_state_dir_freep)

/* Create <root>/<id> atomically (a locked temporary dir renamed into place with
 * RENAME_NOREPLACE): of two concurrent creates exactly one wins, the other gets
 * "container with given ID already exists". Returned locked. */
int ocirt_state_dir_create(const char *root, const char *id, struct ocirt_state_dir **ret, struct ocirt_error **err);
/* Open an existing container dir ("container does not exist" when missing, errno ENOENT);
 * lock = wait for the exclusive lock. */
int ocirt_state_dir_open(const char *root, const char *id, bool lock, struct ocirt_state_dir **ret,
			 struct ocirt_error **err);
/* Does someone hold the container's lock (create in progress)? Never blocks. */
bool ocirt_state_dir_locked(int dirfd);
/* Remove the container dir and its files. */
int ocirt_state_dir_remove(struct ocirt_state_dir *d, struct ocirt_error **err);
/* Remove <root>/<id> whatever it holds (delete --force of a leftover). */
int ocirt_state_dir_remove_path(const char *root, const char *id);

int ocirt_status_write(struct ocirt_state_dir *d, const struct ocirt_status *s, struct ocirt_error **err);
int ocirt_status_read(struct ocirt_state_dir *d, struct ocirt_status **ret, struct ocirt_error **err);
/* Parse a status document (for `list`: dirfd of the container dir). */
int ocirt_status_read_at(int dirfd, struct ocirt_status **ret, struct ocirt_error **err);

/* exec.fifo */
int ocirt_exec_fifo_create(struct ocirt_state_dir *d, uid_t owner, struct ocirt_error **err);
bool ocirt_exec_fifo_exists(int dirfd);

/* "2026-11-22T10:38:40.258456123Z", malloc'd */
char *ocirt_rfc3339_now(void);

/* Make the root (0700) when missing, return it opened. */
int ocirt_state_root_ensure(const char *root, struct ocirt_error **err);

#endif
