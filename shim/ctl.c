/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control FIFOs in the bundle: `ctl` takes lines "<type> <h> <w>\n" (1 = resize the
 * terminal, 2 = reopen the log); `winsz` takes "<h> <w>\n" (conmon's internal resize
 * channel, kept because podman expects the file). Also the sd-notify relay. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/macros.h"
#include "shim/shim.h"

enum { CTL_RESIZE = 1, CTL_REOPEN = 2 };

static void handle_ctl_line(struct shim *s, const char *line)
{
	int type, h, w;
	if (sscanf(line, "%d %d %d", &type, &h, &w) != 3) {
		pr_warn("ctl: malformed message \"%s\"", line);
		return;
	}
	switch (type) {
	case CTL_RESIZE:
		terminal_resize(s, h, w);
		break;
	case CTL_REOPEN:
		logs_reopen(s);
		break;
	default:
		pr_warn("ctl: unknown message type %d", type);
	}
}

static void handle_winsz_line(struct shim *s, const char *line)
{
	int h, w;
	if (sscanf(line, "%d %d", &h, &w) == 2)
		terminal_resize(s, h, w);
}

/* Split what was read into lines; a partial line waits in `line` for the next read. */
static void read_lines(struct shim *s, int fd, char *line, size_t cap, size_t *len,
                       void (*fn)(struct shim *, const char *))
{
	char buf[256];
	ssize_t n = TEMP_FAILURE_RETRY_INT(read(fd, buf, sizeof(buf)));
	if (n <= 0)
		return;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			line[*len] = '\0';
			if (*len > 0)
				fn(s, line);
			*len = 0;
		} else if (*len + 1 < cap) {
			line[(*len)++] = buf[i];
		} else {
			*len = 0; /* overlong line: dropped */
		}
	}
}

static void on_ctl(struct shim *s, struct watch *w, uint32_t events)
{
	read_lines(s, w->fd, s->ctl_line, sizeof(s->ctl_line), &s->ctl_line_len, handle_ctl_line);
}

static void on_winsz(struct shim *s, struct watch *w, uint32_t events)
{
	read_lines(s, w->fd, s->winsz_line, sizeof(s->winsz_line), &s->winsz_line_len, handle_winsz_line);
}

/* mkfifo (replacing an old one), open the read side non-blocking and a dummy write side
 * that keeps the read side from seeing EOF/POLLHUP when writers come and go. */
static int fifo_open(struct shim *s, const char *name, int *rfd, int *wfd)
{
	if (mkfifoat(s->bundle_dirfd, name, 0660) < 0) {
		if (errno != EEXIST || unlinkat(s->bundle_dirfd, name, 0) < 0 ||
		    mkfifoat(s->bundle_dirfd, name, 0660) < 0) {
			int r = -errno;
			pr_err("create the %s FIFO in %s: %s", name, s->o.bundle, strerror(errno));
			return r;
		}
	}
	*rfd = openat(s->bundle_dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*rfd < 0)
		return -errno;
	*wfd = openat(s->bundle_dirfd, name, O_WRONLY | O_CLOEXEC);
	if (*wfd < 0)
		return -errno;
	return 0;
}

int ctl_setup(struct shim *s)
{
	int r = fifo_open(s, "ctl", &s->ctl_fd, &s->ctl_dummy);
	if (r < 0)
		return r;
	loop_watch(s, &s->ctl_w, s->ctl_fd, EPOLLIN, on_ctl, NULL);
	r = fifo_open(s, "winsz", &s->winsz_fd, &s->winsz_dummy);
	if (r < 0)
		return r;
	loop_watch(s, &s->winsz_w, s->winsz_fd, EPOLLIN, on_winsz, NULL);
	return 0;
}

/* --- sd-notify relay: READY=1 / WATCHDOG=1 from the container to the host socket --------- */

static void on_notify(struct shim *s, struct watch *w, uint32_t events)
{
	char buf[32768];
	ssize_t n = recv(w->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n <= 0)
		return;
	buf[n] = '\0';
	const char *out = NULL;
	if (strstr(buf, "READY=1"))
		out = "READY=1";
	else if (strstr(buf, "WATCHDOG=1"))
		out = "WATCHDOG=1";
	if (!out)
		return;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->o.sdnotify_socket);
	if (sendto(s->notify_host_fd, out, strlen(out), MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&sa,
	           sizeof(sa)) < 0)
		pr_warn("sd-notify relay: %s", strerror(errno));
}

int notify_setup(struct shim *s)
{
	if (!s->o.sdnotify_socket)
		return 0;
	s->notify_host_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->notify_host_fd < 0 || s->notify_fd < 0)
		return -errno;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	mkdirat(s->bundle_dirfd, "notify", 0755);
	unlinkat(s->bundle_dirfd, "notify/notify.sock", 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/notify/notify.sock", s->bundle_dirfd);
	if (bind(s->notify_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		pr_err("bind the notify socket in %s: %s", s->o.bundle, strerror(errno));
		return r;
	}
	fchmodat(s->bundle_dirfd, "notify/notify.sock", 0777, 0);
	loop_watch(s, &s->notify_w, s->notify_fd, EPOLLIN, on_notify, NULL);
	return 0;
}
