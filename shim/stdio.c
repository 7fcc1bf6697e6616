/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container stdio: the pipes (or the pty master received on the console socket), the
 * output readers that feed the log drivers and attach clients, the final drain, and
 * container stdin fed by attach clients. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/macros.h"
#include "common/xalloc.h"
#include "shim/shim.h"

#define STDIN_HIGH_WATER (256 * 1024) /* stop reading attach clients above this */
#define DRAIN_MAX        (64 << 20)   /* bound the final drain if something keeps writing */

int stdio_setup(struct shim *s)
{
	int p[2];
	if (s->log_passthrough)
		return 0;
	if (!s->o.terminal) {
		if (s->o.stdin_) {
			if (pipe2(p, O_CLOEXEC) < 0)
				return -errno;
			s->worker_stdin = p[0];
			s->stdin_fd = p[1];
			fd_set_nonblock(s->stdin_fd, true);
		}
		if (pipe2(p, O_CLOEXEC) < 0)
			return -errno;
		s->out_fd[0] = p[0];
		s->worker_stdout = p[1];
	}
	/* stderr pipe, in tty mode too: it carries the runtime's own messages */
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	s->out_fd[1] = p[0];
	s->worker_stderr = p[1];
	return 0;
}

static void dispatch(struct shim *s, int stream, const char *buf, size_t len)
{
	logs_write(s, stream, buf, len);
	attach_broadcast(s, stream, buf, len);
}

static void close_output(struct shim *s, int idx)
{
	loop_unwatch(s, &s->out_w[idx]);
	if (s->out_fd[idx] >= 0)
		close(s->out_fd[idx]);
	s->out_fd[idx] = -1;
}

static void master_retry_arm(struct shim *s)
{
	if (s->master_retry_w.fd < 0)
		return;
	struct itimerspec its = {.it_value = {.tv_nsec = 100 * 1000 * 1000}};
	timerfd_settime(s->master_retry_w.fd, 0, &its, NULL);
}

/* Read one chunk; returns bytes read, 0 at EOF/hangup (fd closed or parked), -1 when empty. */
static ssize_t read_output(struct shim *s, int idx)
{
	char buf[SHIM_BUF_SIZE];
	int fd = s->out_fd[idx];
	if (fd < 0)
		return 0;
	ssize_t n = TEMP_FAILURE_RETRY_INT(read(fd, buf, sizeof(buf)));
	if (n > 0) {
		dispatch(s, idx == 0 ? STREAM_STDOUT : STREAM_STDERR, buf, (size_t)n);
		return n;
	}
	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n < 0 && errno == EIO && s->o.terminal && idx == 0 && !s->container_exited) {
		/* no slave open (yet, or any more): poll every 100 ms instead of spinning */
		loop_unwatch(s, &s->out_w[0]);
		master_retry_arm(s);
		return 0;
	}
	close_output(s, idx);
	return 0;
}

static void on_output(struct shim *s, struct watch *w, uint32_t events)
{
	read_output(s, (int)(intptr_t)w->data);
}

static void on_master_timer(struct shim *s, struct watch *w, uint32_t events)
{
	uint64_t x;
	if (read(w->fd, &x, sizeof(x)) < 0) {
		/* spurious wakeup */
	}
	if (s->out_fd[0] >= 0 && !s->out_w[0].added)
		loop_watch(s, &s->out_w[0], s->out_fd[0], EPOLLIN, on_output, (void *)(intptr_t)0);
}

void stdio_start_readers(struct shim *s)
{
	for (int i = 0; i < 2; i++) {
		if (s->out_fd[i] < 0 || s->out_w[i].added)
			continue;
		fd_set_nonblock(s->out_fd[i], true);
		loop_watch(s, &s->out_w[i], s->out_fd[i], EPOLLIN, on_output, (void *)(intptr_t)i);
	}
}

/* After the container exited: everything it wrote is in the pipes (or the pty); read it
 * all before the exit file is written. */
void stdio_drain(struct shim *s)
{
	for (int i = 0; i < 2; i++) {
		size_t total = 0;
		if (s->out_fd[i] < 0)
			continue;
		fd_set_nonblock(s->out_fd[i], true);
		for (;;) {
			ssize_t n = read_output(s, i);
			if (n <= 0)
				break;
			total += (size_t)n;
			if (total > DRAIN_MAX)
				break;
		}
	}
}

/* --- stdin ---------------------------------------------------------------------------- */

static void stdin_flush(struct shim *s);

static void on_stdin_writable(struct shim *s, struct watch *w, uint32_t events)
{
	stdin_flush(s);
}

static void stdin_do_close(struct shim *s)
{
	loop_unwatch(s, &s->stdin_w);
	if (s->stdin_fd >= 0)
		close(s->stdin_fd);
	s->stdin_fd = -1;
	free(s->stdin_buf);
	s->stdin_buf = NULL;
	s->stdin_len = 0;
	s->stdin_close_pending = false;
	if (s->stdin_paused) {
		s->stdin_paused = false;
		attach_resume_input(s, true);
	}
}

static void stdin_flush(struct shim *s)
{
	while (s->stdin_len > 0 && s->stdin_fd >= 0) {
		ssize_t n = write(s->stdin_fd, s->stdin_buf, s->stdin_len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			pr_warn("write to container stdin: %s", strerror(errno));
			stdin_do_close(s);
			return;
		}
		memmove(s->stdin_buf, s->stdin_buf + n, s->stdin_len - (size_t)n);
		s->stdin_len -= (size_t)n;
	}
	if (s->stdin_fd < 0)
		return;
	if (s->stdin_len > 0) {
		if (!s->stdin_w.added)
			loop_watch(s, &s->stdin_w, s->stdin_fd, EPOLLOUT, on_stdin_writable, NULL);
	} else {
		loop_unwatch(s, &s->stdin_w);
		if (s->stdin_close_pending) {
			stdin_do_close(s);
			return;
		}
	}
	bool full = s->stdin_len > STDIN_HIGH_WATER;
	if (full != s->stdin_paused) {
		s->stdin_paused = full;
		attach_resume_input(s, !full);
	}
}

void stdio_write_stdin(struct shim *s, const char *buf, size_t len)
{
	bool waiting_for_pty = s->o.terminal && s->master < 0 && !s->stdin_close_pending;
	if (s->stdin_fd < 0 && !waiting_for_pty)
		return; /* no stdin: input is dropped */
	s->stdin_buf = xrealloc(s->stdin_buf, s->stdin_len + len);
	memcpy(s->stdin_buf + s->stdin_len, buf, len);
	s->stdin_len += len;
	stdin_flush(s);
}

void stdio_close_stdin(struct shim *s)
{
	if (s->stdin_len > 0 || (s->o.terminal && s->master < 0)) {
		s->stdin_close_pending = true;
		return;
	}
	stdin_do_close(s);
}

/* --- terminal ------------------------------------------------------------------------- */

static void on_console(struct shim *s, struct watch *w, uint32_t events)
{
	console_try_accept(s);
}

/* A listening socket for the runtime's --console-socket, at a short path in $TMPDIR. */
int console_setup(struct shim *s)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	char *path = xasprintf("%s/conmon-term.XXXXXX", tmp);
	int fd = mkstemp(path);
	if (fd < 0) {
		int r = -errno;
		free(path);
		return r;
	}
	close(fd);
	unlink(path);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		free(path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	s->console_listen = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->console_listen < 0 || fchmod(s->console_listen, 0700) < 0 ||
	    bind(s->console_listen, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s->console_listen, 128) < 0) {
		int r = -errno;
		free(path);
		return r;
	}
	s->console_path = path;
	loop_watch(s, &s->console_w, s->console_listen, EPOLLIN, on_console, NULL);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tfd >= 0)
		loop_watch(s, &s->master_retry_w, tfd, EPOLLIN, on_master_timer, NULL);
	return 0;
}

static void console_close_listener(struct shim *s)
{
	loop_unwatch(s, &s->console_w);
	if (s->console_listen >= 0)
		close(s->console_listen);
	s->console_listen = -1;
	if (s->console_path) {
		unlink(s->console_path);
		free(s->console_path);
		s->console_path = NULL;
	}
}

void console_try_accept(struct shim *s)
{
	if (s->console_listen < 0 || s->master >= 0)
		return;
	_cleanup_close_ int c = accept4(s->console_listen, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	console_close_listener(s);
	char buf[4096];
	int master = -1;
	ssize_t n = recv_with_fd(c, buf, sizeof(buf), &master);
	if (n < 0 || master < 0) {
		pr_err("receive the terminal from the runtime: %s", n < 0 ? strerror((int)-n) : "no file descriptor");
		return;
	}
	struct termios t;
	if (tcgetattr(master, &t) == 0) {
		t.c_oflag |= ONLCR;
		tcsetattr(master, TCSANOW, &t);
	}
	fd_set_cloexec(master, true);
	fd_set_nonblock(master, true);
	s->master = master;
	/* separate fds for output, stdin (closed on client EOF with -i) and resizes */
	s->out_fd[0] = fcntl(master, F_DUPFD_CLOEXEC, 3);
	s->stdin_fd = fcntl(master, F_DUPFD_CLOEXEC, 3);
	if (s->have_ws)
		terminal_resize(s, s->ws.ws_row, s->ws.ws_col);
	if (s->stdin_close_pending && s->stdin_len == 0)
		stdin_do_close(s);
	else
		stdin_flush(s);
}

void terminal_resize(struct shim *s, int rows, int cols)
{
	s->ws = (struct winsize){.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	s->have_ws = true;
	if (s->master >= 0 && ioctl(s->master, TIOCSWINSZ, &s->ws) < 0)
		pr_warn("resize the terminal: %s", strerror(errno));
}
