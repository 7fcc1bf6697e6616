/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recvtty: the receiving end of a runtime's --console-socket, for the bats tests.
 *
 *   recvtty [-m copy|drain|once] [-i TEXT] [-p FILE] SOCKET
 *
 * Listens on the unix SOCK_STREAM socket SOCKET, accepts one connection and receives one
 * message that must carry a non-empty payload and exactly one SCM_RIGHTS fd (the pty
 * master), as containerd's and conmon's receivers require. Then:
 *   copy  (default) pty output to stdout and stdin to the pty, until the pty hangs up
 *   drain read and discard the pty output until it hangs up (keeps the terminal alive)
 *   once  exit right away (the protocol check only)
 * -i TEXT writes TEXT (with \n and \r escapes) to the pty once received.
 * -p FILE writes the payload (the pty name the runtime sent) to FILE.
 * Exit status: 0 on success, 1 on a protocol or system error (message on stderr). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	return 1;
}

static int bad(const char *what)
{
	fprintf(stderr, "recvtty: %s\n", what);
	return 1;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static size_t unescape(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] == 'n') {
			*o++ = '\n';
			p++;
		} else if (p[0] == '\\' && p[1] == 'r') {
			*o++ = '\r';
			p++;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return (size_t)(o - s);
}

int main(int argc, char **argv)
{
	const char *mode = "copy", *payload_file = NULL;
	char *input = NULL;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char payload[4096], cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { payload, sizeof(payload) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int opt, lfd, cfd, master = -1;
	ssize_t n;

	while ((opt = getopt(argc, argv, "m:i:p:")) != -1) {
		switch (opt) {
		case 'm':
			mode = optarg;
			break;
		case 'i':
			input = optarg;
			break;
		case 'p':
			payload_file = optarg;
			break;
		default:
			return bad("usage: recvtty [-m copy|drain|once] [-i TEXT] [-p FILE] SOCKET");
		}
	}
	if (optind != argc - 1 || strlen(argv[optind]) >= sizeof(sa.sun_path))
		return bad("usage: recvtty [-m copy|drain|once] [-i TEXT] [-p FILE] SOCKET");
	strcpy(sa.sun_path, argv[optind]);

	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return die("socket");
	unlink(sa.sun_path);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return die("bind");
	if (listen(lfd, 1) < 0)
		return die("listen");
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0)
		return die("accept");
	do
		n = recvmsg(cfd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return die("recvmsg");
	if (n == 0)
		return bad("empty payload (the runtime must send the pty name with the fd)");
	payload[n] = '\0';
	if (msg.msg_flags & MSG_CTRUNC)
		return bad("control message truncated (more than one fd sent?)");
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return bad("no SCM_RIGHTS control message");
	if (cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return bad("the SCM_RIGHTS message must carry exactly one fd");
	if (CMSG_NXTHDR(&msg, cm))
		return bad("more than one control message");
	memcpy(&master, CMSG_DATA(cm), sizeof(int));
	close(cfd);
	close(lfd);

	if (payload_file) {
		FILE *f = fopen(payload_file, "we");
		if (!f)
			return die(payload_file);
		fputs(payload, f);
		fclose(f);
	}
	if (input && write_all(master, input, unescape(input)) < 0)
		return die("write to the pty");
	if (!strcmp(mode, "once"))
		return 0;

	struct pollfd pfd[2] = { { master, POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };
	int nfds = !strcmp(mode, "copy") ? 2 : 1;
	char buf[4096];
	for (;;) {
		if (poll(pfd, (nfds_t)nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			return die("poll");
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(master, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) /* EIO: every slave fd is closed */
				break;
			if (!strcmp(mode, "copy") && write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				return die("write to stdout");
		}
		if (nfds == 2 && (pfd[1].revents & (POLLIN | POLLHUP))) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				nfds = 1; /* stdin closed: keep reading the pty */
			else if (write_all(master, buf, (size_t)n) < 0)
				return die("write to the pty");
		}
	}
	return 0;
}
