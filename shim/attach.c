/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The attach socket: SOCK_SEQPACKET at <bundle>/attach (or <socket-dir>/<cuuid>/attach),
 * bound through /proc/self/fd/<dirfd>/attach because the paths exceed sun_path. Output to
 * clients: one packet per chunk, <stream byte><≤8192 bytes>. Input: raw bytes for stdin.
 * Clients are non-blocking with a bounded queue each, so a stuck client cannot stall the
 * container's output. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/macros.h"
#include "common/proc-util.h"
#include "common/xalloc.h"
#include "shim/shim.h"

#define CLIENT_QUEUE_MAX (4 << 20)

static void client_free(struct attach_client *c)
{
	while (c->q) {
		struct outq *n = c->q->next;
		free(c->q);
		c->q = n;
	}
	free(c);
}

/* Mark a client done; it is unlinked and freed after the loop round (attach_gc). */
static void client_close(struct shim *s, struct attach_client *c)
{
	loop_unwatch(s, &c->w);
	if (c->w.fd >= 0)
		close(c->w.fd);
	c->w.fd = -1;
	c->rd_closed = c->wr_closed = true;
}

void attach_gc(struct shim *s)
{
	struct attach_client **pp = &s->clients;
	while (*pp) {
		struct attach_client *c = *pp;
		if (c->w.fd < 0) {
			*pp = c->next;
			client_free(c);
		} else {
			pp = &c->next;
		}
	}
}

static void client_update_events(struct shim *s, struct attach_client *c)
{
	uint32_t ev = 0;
	if (!c->rd_closed && !s->stdin_paused)
		ev |= EPOLLIN;
	if (c->q)
		ev |= EPOLLOUT;
	loop_modify(s, &c->w, ev);
}

static void client_shut_wr(struct shim *s, struct attach_client *c)
{
	shutdown(c->w.fd, SHUT_WR);
	c->wr_closed = true;
	while (c->q) {
		struct outq *n = c->q->next;
		free(c->q);
		c->q = n;
	}
	c->q_tail = NULL;
	c->q_bytes = 0;
	if (c->rd_closed)
		client_close(s, c);
	else
		client_update_events(s, c);
}

static void client_flush(struct shim *s, struct attach_client *c)
{
	while (c->q) {
		struct outq *q = c->q;
		ssize_t n = send(c->w.fd, q->data, q->len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			client_shut_wr(s, c);
			return;
		}
		c->q = q->next;
		c->q_bytes -= q->len;
		free(q);
	}
	if (!c->q)
		c->q_tail = NULL;
	client_update_events(s, c);
}

static void on_client(struct shim *s, struct watch *w, uint32_t events)
{
	struct attach_client *c = w->data;
	if (events & EPOLLOUT)
		client_flush(s, c);
	if (c->w.fd < 0)
		return;
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !c->rd_closed) {
		ssize_t n = TEMP_FAILURE_RETRY_INT(recv(c->w.fd, s->inbuf, SHIM_IN_BUF_SIZE, MSG_DONTWAIT));
		if (n > 0) {
			stdio_write_stdin(s, s->inbuf, (size_t)n);
		} else if (n == 0 || (errno != EAGAIN)) {
			/* the client half-closed (no stdin, end of its stdin, or detach) */
			shutdown(c->w.fd, SHUT_RD);
			c->rd_closed = true;
			if (s->o.stdin_ && !s->o.leave_stdin_open)
				stdio_close_stdin(s);
			if (c->wr_closed)
				client_close(s, c);
			else
				client_update_events(s, c);
		}
	} else if ((events & (EPOLLHUP | EPOLLERR)) && c->rd_closed && !c->q) {
		client_close(s, c);
	}
}

static void on_accept(struct shim *s, struct watch *w, uint32_t events)
{
	for (;;) {
		int fd = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		struct attach_client *c = xzalloc(sizeof(*c));
		c->next = s->clients;
		s->clients = c;
		loop_watch(s, &c->w, fd, s->stdin_paused ? 0 : EPOLLIN, on_client, c);
		pr_debug("attach client connected");
	}
}

void attach_resume_input(struct shim *s, bool on)
{
	for (struct attach_client *c = s->clients; c; c = c->next)
		if (c->w.fd >= 0)
			client_update_events(s, c);
}

void attach_broadcast(struct shim *s, int stream, const char *buf, size_t len)
{
	char pkt[SHIM_BUF_SIZE + 1];
	while (len > 0) {
		size_t l = len > SHIM_BUF_SIZE ? SHIM_BUF_SIZE : len;
		pkt[0] = (char)stream;
		memcpy(pkt + 1, buf, l);
		for (struct attach_client *c = s->clients; c; c = c->next) {
			if (c->w.fd < 0 || c->wr_closed)
				continue;
			if (!c->q) {
				ssize_t n =
				    TEMP_FAILURE_RETRY_INT(send(c->w.fd, pkt, l + 1, MSG_NOSIGNAL | MSG_DONTWAIT));
				if (n >= 0)
					continue;
				if (errno != EAGAIN) {
					client_shut_wr(s, c);
					continue;
				}
			}
			if (c->q_bytes + l + 1 > CLIENT_QUEUE_MAX) {
				pr_warn("attach client too slow: dropping its output");
				client_shut_wr(s, c);
				continue;
			}
			struct outq *q = xmalloc(sizeof(*q) + l + 1);
			q->next = NULL;
			q->len = l + 1;
			q->off = 0;
			memcpy(q->data, pkt, l + 1);
			if (c->q_tail)
				c->q_tail->next = q;
			else
				c->q = q;
			c->q_tail = q;
			c->q_bytes += l + 1;
			client_update_events(s, c);
		}
		buf += l;
		len -= l;
	}
}

/* The directory holding the socket: the bundle with --full-attach, else a symlink
 * <socket-dir-path>/<cuuid> pointing to the bundle (conmon without --full-attach). */
static int attach_dir_open(struct shim *s)
{
	if (s->o.full_attach)
		return fcntl(s->bundle_dirfd, F_DUPFD_CLOEXEC, 3);
	const char *dir = s->o.socket_dir_path ? s->o.socket_dir_path : "/var/run/crio";
	_cleanup_free_ char *link = xasprintf("%s/%s", dir, s->o.cuuid);
	int r = mkdir_p(dir, 0755);
	if (r < 0)
		return r;
	if (unlink(link) < 0 && errno != ENOENT)
		return -errno;
	if (symlink(s->o.bundle, link) < 0)
		return -errno;
	int fd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int attach_setup(struct shim *s)
{
	s->inbuf = xmalloc(SHIM_IN_BUF_SIZE);
	int dfd = attach_dir_open(s);
	if (dfd < 0) {
		pr_err("attach socket directory: %s", strerror(-dfd));
		return dfd;
	}
	s->attach_dirfd = dfd;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/attach", dfd);
	if (unlinkat(dfd, "attach", 0) < 0 && errno != ENOENT)
		pr_warn("remove the old attach socket: %s", strerror(errno));
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0700) < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		pr_err("bind the attach socket %s/attach: %s", s->o.bundle, strerror(errno));
		close(fd);
		return r;
	}
	fchmodat(dfd, "attach", 0700, 0);
	if (listen(fd, 10) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	s->attach_listen = fd;
	loop_watch(s, &s->attach_w, fd, EPOLLIN, on_accept, NULL);
	return 0;
}

void attach_close_all(struct shim *s)
{
	for (struct attach_client *c = s->clients; c; c = c->next) {
		if (c->w.fd < 0)
			continue;
		/* give a slow client what is queued, without blocking for long */
		while (c->w.fd >= 0 && c->q) {
			struct pollfd p = {.fd = c->w.fd, .events = POLLOUT};
			if (poll(&p, 1, 1000) <= 0)
				break;
			client_flush(s, c);
		}
		if (c->w.fd >= 0)
			client_close(s, c);
	}
	attach_gc(s);
	if (s->attach_listen >= 0) {
		loop_unwatch(s, &s->attach_w);
		close(s->attach_listen);
		s->attach_listen = -1;
	}
}

void attach_unlink(struct shim *s)
{
	if (s->attach_dirfd >= 0 && unlinkat(s->attach_dirfd, "attach", 0) < 0 && errno != ENOENT)
		pr_warn("remove the attach socket: %s", strerror(errno));
}
