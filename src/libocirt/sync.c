/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "libocirt/sync.h"

struct wire_hdr {
	uint32_t type;
	int32_t errnum;
	uint32_t len;
};

int ocirt_sync_pair(int ret_fds[2], struct ocirt_error **err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ret_fds) < 0)
		return ocirt_error_set(err, errno, "socketpair");
	return 0;
}

int ocirt_sync_send(int sock, uint32_t type, int32_t errnum, const void *payload, size_t len, int fd)
{
	if (len > SYNC_MAX_PAYLOAD)
		len = SYNC_MAX_PAYLOAD;
	char buf[sizeof(struct wire_hdr) + SYNC_MAX_PAYLOAD];
	struct wire_hdr h = { .type = type, .errnum = errnum, .len = (uint32_t)len };
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), payload, len);
	return send_with_fd(sock, buf, sizeof(h) + len, fd);
}

int ocirt_sync_recv(int sock, struct ocirt_sync_msg *m)
{
	char buf[sizeof(struct wire_hdr) + SYNC_MAX_PAYLOAD];
	int fd;
	ssize_t n = recv_with_fd(sock, buf, sizeof(buf), &fd);
	m->fd = -1;
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -EPIPE;
	struct wire_hdr h;
	if ((size_t)n < sizeof(h) || (memcpy(&h, buf, sizeof(h)), h.len != (size_t)n - sizeof(h))) {
		if (fd >= 0)
			close(fd);
		return -EBADMSG;
	}
	m->type = h.type;
	m->errnum = h.errnum;
	m->len = h.len;
	memcpy(m->payload, buf + sizeof(h), h.len);
	m->payload[h.len] = '\0';
	m->fd = fd;
	return 0;
}

int ocirt_sync_expect(int sock, uint32_t type, struct ocirt_sync_msg *m, struct ocirt_error **err)
{
	int r = ocirt_sync_recv(sock, m);
	if (r == -EPIPE)
		return ocirt_error_setx(err, EPIPE, "the container init exited unexpectedly");
	if (r < 0)
		return ocirt_error_set(err, -r, "read from the container init");
	if (m->type == SYNC_ERROR) {
		if (m->fd >= 0)
			close(m->fd);
		/* The child formatted the whole message, strerror included. */
		return ocirt_error_setx(err, m->errnum ? m->errnum : EINVAL, "%s", m->payload);
	}
	if (m->type != type) {
		if (m->fd >= 0)
			close(m->fd);
		return ocirt_error_setx(err, EPROTO, "unexpected message %u from the container init (expected %u)",
					m->type, type);
	}
	return 0;
}

void ocirt_sync_send_error(int sock, const struct ocirt_error *e)
{
	const char *msg = e && e->msg ? e->msg : "unknown error";
	ocirt_sync_send(sock, SYNC_ERROR, e ? e->errnum : EINVAL, msg, strlen(msg), -1);
}

int ocirt_sync_peer_gone(pid_t *pid, pid_t *child, int wflags, const char *what, struct ocirt_error **err)
{
	int st = 0;
	pid_t who = *pid > 0 ? *pid : *child;
	if (who <= 0 || waitpid(who, &st, wflags) != who)
		return ocirt_error_setx(err, EPIPE, "the %s exited unexpectedly", what);
	if (who == *pid)
		*pid = 0;
	if (who == *child)
		*child = 0;
	if (WIFSIGNALED(st))
		return ocirt_error_setx(err, EPIPE, "the %s was killed by signal %d", what, WTERMSIG(st));
	return ocirt_error_setx(err, EPIPE, "the %s exited with status %d", what, WEXITSTATUS(st));
}
