/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: compiled to classic BPF in the PARENT (libseccomp never runs in the
 * container process), cached in the state root, loaded by the child with seccomp(2).
 *
 * Parent (spawn.c), before clone:
 *   ocirt_seccomp_compile()         config -> BPF (or the cached BPF), flags, notify info
 *   ocirt_seccomp_notify_connect()  only when the profile has SCMP_ACT_NOTIFY rules: connect
 *                                   to listenerPath from the host (its path means nothing
 *                                   inside the container's mount namespace) and let the child
 *                                   inherit the connected socket (O_CLOEXEC, so it never
 *                                   reaches the container program)
 * Child (init.c), two rows, exactly one of them loads:
 *   "seccomp (privileged)"  before the user switch, when ocirt_seccomp_load_early() is true:
 *                           without no_new_privs, seccomp(2) needs CAP_SYS_ADMIN, so if the
 *                           final capabilities lack it the filter goes in while we still
 *                           hold it (runc does the same). The profile must then allow the
 *                           few syscalls that follow (setgroups, setres[ug]id, capset,
 *                           prctl, chdir, close_range, execve), as Docker's and Podman's do.
 *   "seccomp"               the last step before cwd/startContainer hooks/execve otherwise.
 *   Either row: ocirt_seccomp_load(), then, with a listener,
 *   ocirt_seccomp_notify_send() sends the container process state + the listener fd over
 *   the inherited socket and closes both (the agent must be running: notified syscalls
 *   block until it answers).
 */
#ifndef OCIRT_SECCOMP_H
#define OCIRT_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/filter.h>
#include "common/error.h"
#include "libocispec/oci-config.h"
#include "libocispec/oci-state.h"
#include "libocirt/caps.h"

struct ocirt_seccomp {
	struct sock_filter *insns; /* the program, as seccomp(2) takes it */
	size_t len;                /* number of instructions */
	unsigned int flags;        /* SECCOMP_FILTER_FLAG_* for seccomp(2), NEW_LISTENER included */
	bool notify;               /* SCMP_ACT_NOTIFY rules: a listener fd comes back from load */
	char *listener_path;
	char *listener_metadata;
	bool from_cache; /* the BPF came from the cache (for tests and --debug) */
};

/* Compile linux.seccomp. s == NULL: *ret = NULL, 0. cache_dir NULL: no cache (also when
 * OCIRT_SECCOMP_CACHE=0 is in the environment). Errors name the JSON path
 * (".linux.seccomp.syscalls[3].args[0].index: ..."). Syscall names libseccomp doesn't know
 * are skipped with a debug line (runc); rules whose action equals the default action are
 * dropped (libseccomp refuses them and they change nothing). */
int ocirt_seccomp_compile(const struct oci_seccomp *s, const char *cache_dir, struct ocirt_seccomp **ret,
                          struct ocirt_error **err);
void ocirt_seccomp_free(struct ocirt_seccomp *s);
static inline void ocirt_seccomp_freep(struct ocirt_seccomp **s)
{
	ocirt_seccomp_free(*s);
	*s = NULL;
}
#define _cleanup_seccomp_ _cleanup_(ocirt_seccomp_freep)

/* `<state_root>/.seccomp~cache` (malloc'd). The state root is per user already; the "~"
 * makes the name an invalid container ID, so no container can collide with it. */
char *ocirt_seccomp_cache_dir(const char *state_root);

/* Which row loads: true = "seccomp (privileged)" before the user switch. uid is
 * process.user.uid; caps what ocirt_caps_prepare() returned (NULL = untouched). */
bool ocirt_seccomp_load_early(const struct ocirt_seccomp *s, bool no_new_privs, const struct ocirt_caps *caps,
                              uid_t uid);

/* Child: install the filter. s == NULL: nothing, *ret_listener_fd = -1. With s->notify,
 * *ret_listener_fd receives the listener (O_CLOEXEC), else -1. */
int ocirt_seccomp_load(const struct ocirt_seccomp *s, int *ret_listener_fd, struct ocirt_error **err);

/* Parent: connect to s->listener_path when s->notify (else *ret_fd = -1). */
int ocirt_seccomp_notify_connect(const struct ocirt_seccomp *s, int *ret_fd, struct ocirt_error **err);
/* Child: send {"ociVersion","fds":["seccompFd"],"pid","metadata","state"} with listener_fd
 * as SCM_RIGHTS on sock_fd, then close both. state->pid must be the host pid. */
int ocirt_seccomp_notify_send(const struct ocirt_seccomp *s, int sock_fd, int listener_fd,
                              const struct oci_state *state, struct ocirt_error **err);

/* Flag names the running kernel accepts (for `features`), NULL-terminated. */
char **ocirt_seccomp_supported_flags(void);

/* --- seccomp-cache.c (exposed for tests) --- */

#define OCIRT_SHA256_LEN 32
struct ocirt_sha256 {
	uint32_t h[8];
	uint64_t total;
	uint8_t buf[64];
	size_t buflen;
};
void ocirt_sha256_init(struct ocirt_sha256 *c);
void ocirt_sha256_update(struct ocirt_sha256 *c, const void *data, size_t len);
void ocirt_sha256_final(struct ocirt_sha256 *c, uint8_t out[OCIRT_SHA256_LEN]);

/* The cache key of a seccomp section: SHA-256 over a canonical serialisation of everything
 * that shapes the BPF (default action/errno, architectures, syscalls in order), the native
 * architecture, libseccomp's version and API level, and the compiler's format version. */
void ocirt_seccomp_cache_key(const struct oci_seccomp *s, uint8_t key[OCIRT_SHA256_LEN]);
/* 1 and a malloc'd program when a valid entry exists; 0 when missing, foreign, unsafe or
 * corrupt (such an entry is removed so the caller rebuilds it). Never an error. */
int ocirt_seccomp_cache_get(const char *dir, const uint8_t key[OCIRT_SHA256_LEN], struct sock_filter **ret_insns,
                            size_t *ret_len);
/* Store atomically (temp file + rename). Failures are only logged (debug): the cache is an
 * optimisation. Creates dir (0700) when missing. */
void ocirt_seccomp_cache_put(const char *dir, const uint8_t key[OCIRT_SHA256_LEN], const struct sock_filter *insns,
                             size_t len);
/* Path of the entry for key (malloc'd), for tests. */
char *ocirt_seccomp_cache_entry_path(const char *dir, const uint8_t key[OCIRT_SHA256_LEN]);

#endif
