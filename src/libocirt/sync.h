/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Framed messages between the runtime (parent) and the container's init (child) over a
 * SOCK_SEQPACKET socketpair: one message = one datagram = { type, errnum, len } + payload.
 * A peer that dies closes its end, so a read returns EOF instead of hanging. */
#ifndef OCIRT_SYNC_H
#define OCIRT_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "common/error.h"

enum ocirt_sync_type {
	SYNC_GO = 1,          /* parent -> child: ID maps written, cgroup joined: go on */
	SYNC_CHILD_PID,       /* intermediate -> parent: payload = the init's pid (int32) */
	SYNC_HOOKS_REQUEST,   /* child -> parent: run prestart + createRuntime now */
	SYNC_HOOKS_DONE,      /* parent -> child: payload = the init's host pid (int32) */
	SYNC_PTY_MASTER,      /* child -> parent (foreground run with a terminal): SCM_RIGHTS fd */
	SYNC_READY,           /* child -> parent: about to park on the exec fifo; payload = the
			       * step end times (uint64 ns each) for --timings, or empty */
	SYNC_ERROR,           /* child -> parent: errnum + "step: message" */
	SYNC_USERNS_REQUEST,  /* child -> parent: I unshared a user namespace, write my ID maps */
	SYNC_USERNS_DONE,     /* parent -> child */
};

#define SYNC_MAX_PAYLOAD 8192

struct ocirt_sync_msg {
	uint32_t type;
	int32_t errnum;
	uint32_t len;
	int fd; /* received SCM_RIGHTS fd or -1 (not on the wire) */
	char payload[SYNC_MAX_PAYLOAD + 1]; /* NUL-terminated for convenience */
};

int ocirt_sync_pair(int ret_fds[2], struct ocirt_error **err);
/* Send a message (fd >= 0 adds one SCM_RIGHTS fd). Returns 0 or -errno. */
int ocirt_sync_send(int sock, uint32_t type, int32_t errnum, const void *payload, size_t len, int fd);
/* Receive one message. Returns 0, -EPIPE on EOF (the peer is gone), or -errno. */
int ocirt_sync_recv(int sock, struct ocirt_sync_msg *m);
/* Receive and require a type; an ERROR message becomes *err (its text, its errno), EOF
 * becomes "<what>: the container init exited unexpectedly". */
int ocirt_sync_expect(int sock, uint32_t type, struct ocirt_sync_msg *m, struct ocirt_error **err);
/* Child side: send an error as ERROR{errnum, msg}. */
void ocirt_sync_send_error(int sock, const struct ocirt_error *e);
/* Parent side, after EOF without a word: reap the process that hung up (*pid if set, else
 * the intermediate *child; waitpid flags `wflags`), zero the one reaped and say how it
 * ended: "the <what> was killed by signal N" / "exited with status N" / "exited
 * unexpectedly". Always returns -EPIPE. */
int ocirt_sync_peer_gone(pid_t *pid, pid_t *child, int wflags, const char *what, struct ocirt_error **err);

#endif
