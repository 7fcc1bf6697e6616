/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The event loop: one epoll set, signals through a signalfd, children reaped by PID. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/macros.h"
#include "shim/shim.h"

int loop_init(struct shim *s)
{
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	return s->epfd < 0 ? -errno : 0;
}

void loop_watch(struct shim *s, struct watch *w, int fd, uint32_t events, watch_fn fn, void *data)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->data = data;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		pr_warn("epoll_ctl add fd %d: %s", fd, strerror(errno));
		w->added = false;
		return;
	}
	w->added = true;
}

void loop_modify(struct shim *s, struct watch *w, uint32_t events)
{
	if (!w->added || w->events == events)
		return;
	struct epoll_event ev = {.events = events, .data.ptr = w};
	w->events = events;
	if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
		pr_warn("epoll_ctl mod fd %d: %s", w->fd, strerror(errno));
}

void loop_unwatch(struct shim *s, struct watch *w)
{
	if (!w->added)
		return;
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->added = false;
}

/* One round of events. A handler may unwatch another watch of the same round: handlers
 * only run while their watch is still added, and attach clients (the only watches that
 * are freed) are freed after the round by attach_gc(). */
void loop_once(struct shim *s, int timeout_ms)
{
	struct epoll_event evs[16];
	int n = epoll_wait(s->epfd, evs, ARRAY_SIZE(evs), timeout_ms);
	if (n < 0) {
		if (errno != EINTR)
			pr_warn("epoll_wait: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		struct watch *w = evs[i].data.ptr;
		if (w && w->added && w->fn)
			w->fn(s, w, evs[i].events);
	}
	attach_gc(s);
}

static void record_early(struct shim *s, pid_t pid, int status)
{
	unsigned idx = s->n_early % ARRAY_SIZE(s->early);
	s->early[idx].pid = pid;
	s->early[idx].status = status;
	s->n_early++;
}

/* Reap every child that has exited; dispatch by PID. Intermediate runtime processes that
 * were reparented to us (we are a subreaper) are just reaped, but remembered: the container
 * or exec process may exit before we know its PID. */
void loop_reap(struct shim *s)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid <= 0)
			break;
		if (pid == s->runtime_pid && !s->runtime_exited) {
			s->runtime_exited = true;
			s->runtime_status = st;
			pr_debug("runtime %d exited (status 0x%x)", pid, st);
		} else if (s->container_pid > 0 && pid == s->container_pid) {
			s->container_exited = true;
			s->container_status = st;
			pr_debug("container %d exited (status 0x%x)", pid, st);
		} else {
			record_early(s, pid, st);
		}
	}
}

static void forward_signal(struct shim *s, int sig)
{
	if (s->container_pid > 0 && !s->container_exited && kill(s->container_pid, sig) == 0)
		return;
	if (s->runtime_pid > 0 && !s->runtime_exited && kill(s->runtime_pid, sig) == 0)
		return;
	loop_reap(s);
}

static void on_signal(struct shim *s, struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si[8];
	ssize_t n = read(w->fd, si, sizeof(si));
	if (n <= 0)
		return;
	for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++) {
		switch (si[i].ssi_signo) {
		case SIGCHLD:
		case SIGUSR1:
			loop_reap(s);
			break;
		case SIGTERM:
		case SIGINT:
		case SIGQUIT:
			forward_signal(s, (int)si[i].ssi_signo);
			break;
		}
	}
}

/* Block the signals we handle and read them from a signalfd: no async handlers. */
int loop_signals_setup(struct shim *s)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0)
		return -errno;
	loop_watch(s, &s->sig_w, s->sigfd, EPOLLIN, on_signal, NULL);
	return 0;
}
