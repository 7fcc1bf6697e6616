/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libocirt's entry points: one function per CLI verb. Nothing here prints or exits; every
 * function returns a negative errno and fills *err on failure. */
#ifndef OCIRT_CONTAINER_H
#define OCIRT_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>
#include "common/error.h"
#include "libocispec/oci-config.h"
#include "libocispec/oci-state.h"

/* Global options, shared by every verb. */
struct ocirt_context {
	char *state_root;    /* absolute; see ocirt_default_state_root() */
	bool systemd_cgroup; /* --systemd-cgroup */
	int rootless;        /* --rootless: -1 auto, 0 false, 1 true */
	bool debug;
	bool timings; /* --timings / OCIRT_TIMINGS=1: per-phase breakdown on stderr */
	char **argv;  /* the command line, re-executed from a sealed copy of the binary where
		       * CVE-2019-5736 needs it (exe-protect.h); NULL: never re-executed */
};

/* /run/ocirt for root in the initial user namespace, $XDG_RUNTIME_DIR/ocirt otherwise (runc's
 * rule, see runtime-cli.md 1.3). Returns a malloc'd string. */
char *ocirt_default_state_root(void);

/* --rootless auto, as runc decides it: rootless when not root, or root of a user namespace
 * that is not the initial one (rootless podman runs its runtime as uid 0 there). */
bool ocirt_context_rootless(const struct ocirt_context *ctx);

/* runc's ID rule: [A-Za-z0-9_+,.-]+, not "." or "..", at most 1024 bytes. */
int ocirt_validate_id(const char *id, struct ocirt_error **err);

struct ocirt_create_opts {
	const char *bundle;         /* absolute path */
	const char *console_socket; /* absolute path or NULL */
	const char *pid_file;       /* absolute path or NULL */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	/* run only */
	bool detach;
	bool keep;
	bool no_subreaper;
};

/* A loaded, validated bundle: what create/run/check work from. */
struct ocirt_bundle {
	char *path;        /* absolute bundle directory */
	char *rootfs;      /* absolute host path of root.path */
	struct oci_config *config;
};

/* Load <bundle>/config.json and validate it semantically (beyond libocispec's types:
 * rootfs exists and is a directory, hostname needs a UTS namespace, sysctl vs namespaces,
 * terminal vs console socket are checked by the verbs, ...). When problems != NULL every
 * problem is appended (for `check`); *err gets the first. */
int ocirt_bundle_load(const char *bundle_dir, struct ocirt_bundle **ret, char ***problems,
		      struct ocirt_error **err);
void ocirt_bundle_free(struct ocirt_bundle *b);

int ocirt_container_create(struct ocirt_context *ctx, const char *id, const struct ocirt_create_opts *opts,
			   struct ocirt_error **err);
/* Foreground run returns the process's exit status in *ret_status (128+N for a signal);
 * with opts->detach it behaves like create + start and *ret_status is 0. */
int ocirt_container_run(struct ocirt_context *ctx, const char *id, const struct ocirt_create_opts *opts,
			int *ret_status, struct ocirt_error **err);
int ocirt_container_start(struct ocirt_context *ctx, const char *id, struct ocirt_error **err);
/* The live state (status recomputed from the system), with runc's extension fields filled. */
int ocirt_container_state(struct ocirt_context *ctx, const char *id, struct oci_state **ret,
			  struct ocirt_error **err);
int ocirt_container_kill(struct ocirt_context *ctx, const char *id, int signum, bool all,
			 struct ocirt_error **err);
int ocirt_container_delete(struct ocirt_context *ctx, const char *id, bool force, struct ocirt_error **err);
/* Every container under the state root that can be loaded (others are skipped with a
 * warning through the log). */
int ocirt_container_list(struct ocirt_context *ctx, struct oci_state ***ret, size_t *ret_len,
			 struct ocirt_error **err);

/* "KILL", "SIGKILL", "kill", "9" -> 9. */
int ocirt_parse_signal(const char *s, int *ret, struct ocirt_error **err);

/* The default config.json of `ocirt spec` (rootless: user namespace with the caller's
 * mappings, no network namespace, adjusted mounts). */
struct oci_config *ocirt_spec_default(bool rootless);

#endif
