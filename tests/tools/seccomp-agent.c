/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A seccomp user-notification agent for the tests: listens on a unix socket (the config's
 * linux.seccomp.listenerPath), receives the container process state and the listener fd,
 * and answers every notification for mkdir/mkdirat:
 *
 *   seccomp-agent [-e ERRNO | -s] [-o LOG] SOCKET
 *     -s        fake success: the syscall returns 0 without running
 *     -e ERRNO  the syscall fails with ERRNO
 *     (default) let it run (SECCOMP_USER_NOTIF_FLAG_CONTINUE)
 *     -o LOG    append the received state JSON and one "notify <syscall> pid=<pid>" line per
 *               notification to LOG
 *
 * Other notified syscalls always continue. It serves one container and exits 0 when the
 * listener reports that no process uses the filter any more (the container exited). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/seccomp.h>
#include <seccomp.h>

static FILE *agent_log;

static void logline(const char *fmt, const char *a, long b)
{
	if (!agent_log)
		return;
	fprintf(agent_log, fmt, a, b);
	fflush(agent_log);
}

int main(int argc, char **argv)
{
	int mode_errno = -1; /* -1 continue, 0 fake success, >0 errno */
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int opt, lsock, conn, nfd = -1;
	char buf[65536];

	while ((opt = getopt(argc, argv, "se:o:")) != -1) {
		switch (opt) {
		case 's':
			mode_errno = 0;
			break;
		case 'e':
			mode_errno = atoi(optarg);
			break;
		case 'o':
			agent_log = fopen(optarg, "ae");
			if (!agent_log) {
				perror(optarg);
				return 1;
			}
			break;
		default:
			fprintf(stderr, "usage: %s [-e ERRNO | -s] [-o LOG] SOCKET\n", argv[0]);
			return 2;
		}
	}
	if (optind != argc - 1 || strlen(argv[optind]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: %s [-e ERRNO | -s] [-o LOG] SOCKET\n", argv[0]);
		return 2;
	}
	strcpy(addr.sun_path, argv[optind]);
	unlink(addr.sun_path);
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lsock, 4) < 0) {
		perror("listen");
		return 1;
	}
	conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0) {
		perror("accept");
		return 1;
	}

	{
		union {
			char c[CMSG_SPACE(sizeof(int))];
			struct cmsghdr a;
		} u;
		struct iovec iov = {buf, sizeof(buf) - 1};
		struct msghdr msg = {
		    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.c, .msg_controllen = sizeof(u.c)};
		ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
		struct cmsghdr *cm;
		size_t total;

		if (n <= 0) {
			fprintf(stderr, "seccomp-agent: no message\n");
			return 1;
		}
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
				memcpy(&nfd, CMSG_DATA(cm), sizeof(int));
		total = (size_t)n;
		/* the runtime closes after sending: read the rest of the JSON up to EOF */
		while (total < sizeof(buf) - 1 && (n = read(conn, buf + total, sizeof(buf) - 1 - total)) > 0)
			total += (size_t)n;
		buf[total] = '\0';
		if (agent_log) {
			fprintf(agent_log, "state %s\n", buf);
			fflush(agent_log);
		}
		if (nfd < 0) {
			fprintf(stderr, "seccomp-agent: no fd received\n");
			return 1;
		}
	}
	close(conn);
	close(lsock);
	unlink(addr.sun_path);

	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		char *name;
		bool target;

		struct pollfd pfd = {.fd = nfd, .events = POLLIN};

		/* POLLHUP: every process using the filter is gone (the container exited) */
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		if (!(pfd.revents & POLLIN))
			break;
		memset(&req, 0, sizeof(req));
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOENT || errno == EBADF) /* no more users of the filter */
				break;
			perror("NOTIF_RECV");
			return 1;
		}
		name = seccomp_syscall_resolve_num_arch(req.data.arch, req.data.nr);
		target = name && (strcmp(name, "mkdir") == 0 || strcmp(name, "mkdirat") == 0);
		logline("notify %s pid=%ld\n", name ? name : "?", (long)req.pid);
		free(name);

		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (!target || mode_errno < 0)
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		else
			resp.error = mode_errno > 0 ? -mode_errno : 0;
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			perror("NOTIF_SEND");
	}
	if (agent_log)
		fclose(agent_log);
	return 0;
}
