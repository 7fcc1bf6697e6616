/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runtime-spec state (what `state` prints and hooks read on stdin) and the seccomp
 * notify "container process state" sent to a listenerPath. */
#ifndef OCI_STATE_H
#define OCI_STATE_H

#include "libocispec/oci-types.h"
#include "common/error.h"

struct oci_state {
	char *oci_version; /* required */
	char *id;          /* required */
	char *status;      /* required: creating created running paused stopped */
	bool has_pid;
	int32_t pid;
	char *bundle; /* required */
	struct oci_map *annotations;
	/* runc extensions printed by `state` / `list` (generated only when non-NULL) */
	char *rootfs;
	char *created; /* RFC 3339 */
	char *owner;
};

struct oci_container_process_state {
	char *oci_version;
	char **fds; /* e.g. "seccompFd" */
	int32_t pid;
	char *metadata;
	struct oci_state state;
};

int oci_state_parse(const char *data, size_t len, const char *source, struct oci_state **ret,
		    struct ocirt_error **err);
/* Key order: ociVersion id pid status bundle rootfs created annotations owner (runc's). */
int oci_state_generate(const struct oci_state *s, bool pretty, char **ret_json, size_t *ret_len,
		       struct ocirt_error **err);
void oci_state_free(struct oci_state *s);

int oci_container_process_state_generate(const struct oci_container_process_state *s, char **ret_json,
					 size_t *ret_len, struct ocirt_error **err);
int oci_container_process_state_parse(const char *data, size_t len, struct oci_container_process_state **ret,
				      struct ocirt_error **err);
void oci_container_process_state_free(struct oci_container_process_state *s);

#endif
