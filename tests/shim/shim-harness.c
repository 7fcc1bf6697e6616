/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shim-harness: drive ocishim (or conmon) the way podman does, for the tests/shim bats files.
 *
 *   shim-harness run [-e] [-a ATTACH_SOCKET] [-s SECONDS] -- SHIM ARGS...
 *       SEQPACKET socketpairs for sync (fd 3), start (fd 4) and, with -e (exec), attach
 *       (fd 5), passed as _OCI_SYNCPIPE/_OCI_STARTPIPE/_OCI_ATTACHPIPE; writes the start
 *       byte, waits for the shim's first process and prints `shim-exit N`; with -e, prints
 *       `attach-pipe: <line>`, optionally connects to ATTACH_SOCKET (then prints its output
 *       like `attach` below, on exit), writes the second start byte; prints
 *       `sync: <line>` for the first sync message, and with -e the second one too.
 *   shim-harness journal SOCKET
 *       a stand-in for journald: bind a datagram socket at SOCKET and print each entry
 *       sent with the native protocol as `FIELD=value` lines (newlines in values as \n),
 *       entries separated by an empty line, until SIGTERM (flushes after each entry).
 *   shim-harness send SOCKET TEXT
 *       send TEXT (\n escapes) as one datagram to the unix datagram socket SOCKET.
 *   shim-harness attach [-i TEXT] [-k] SOCKET
 *       connect to an attach socket, print `attach: connected`, send TEXT (if any),
 *       half-close unless -k, print every packet as `<stream-byte> <payload>` lines until
 *       EOF (at most 30 s).
 * Exit status 0 unless a system call fails. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "shim-harness: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Connect through /proc/self/fd/N: attach paths can exceed sun_path, as with podman. */
static int attach_connect(const char *path)
{
	int pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d", pfd);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(pfd);
		return -1;
	}
	close(pfd);
	return fd;
}

/* The attach output as `<stream-byte> <line>` lines: each stream's bytes are reassembled
 * across packets (the framing is per read, not per line), a last partial line is printed at
 * EOF. */
static void print_packets(int fd, int timeout_ms)
{
	static char pend[4][1 << 16];
	size_t plen[4] = {0};
	char buf[8193 + 1];
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, timeout_ms) <= 0) {
			printf("attach: timeout\n");
			break;
		}
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		if (n <= 0)
			break;
		int st = buf[0] & 3;
		for (ssize_t i = 1; i < n; i++) {
			if (buf[i] == '\n') {
				printf("%d %.*s\n", st, (int)plen[st], pend[st]);
				plen[st] = 0;
			} else if (plen[st] < sizeof(pend[st])) {
				pend[st][plen[st]++] = buf[i];
			}
		}
		fflush(stdout);
	}
	for (int st = 0; st < 4; st++)
		if (plen[st])
			printf("%d %.*s\n", st, (int)plen[st], pend[st]);
	fflush(stdout);
}

static int read_line(int fd, const char *label, int timeout_ms)
{
	char buf[16384];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, timeout_ms) <= 0) {
		printf("%s: timeout\n", label);
		return -1;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return die("read");
	if (n == 0) {
		printf("%s: EOF\n", label);
		return -1;
	}
	buf[n] = '\0';
	printf("%s: %s", label, buf);
	if (buf[n - 1] != '\n')
		printf("(no newline)\n");
	fflush(stdout);
	return 0;
}

static int cmd_attach(int argc, char **argv)
{
	const char *text = NULL;
	int keep = 0, c;
	while ((c = getopt(argc, argv, "+i:k")) != -1) {
		if (c == 'i')
			text = optarg;
		else if (c == 'k')
			keep = 1;
		else
			return 2;
	}
	if (optind >= argc)
		return 2;
	int fd = attach_connect(argv[optind]);
	if (fd < 0)
		return die("connect");
	printf("attach: connected\n");
	fflush(stdout);
	if (text && write(fd, text, strlen(text)) < 0)
		return die("write");
	if (!keep)
		shutdown(fd, SHUT_WR);
	print_packets(fd, 30000);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	int exec_mode = 0, c, timeout_s = 60;
	const char *attach = NULL;
	while ((c = getopt(argc, argv, "+ea:s:")) != -1) {
		if (c == 'e')
			exec_mode = 1;
		else if (c == 'a')
			attach = optarg;
		else if (c == 's')
			timeout_s = atoi(optarg);
		else
			return 2;
	}
	if (optind >= argc)
		return 2;
	int sync_p[2], start_p[2], att_p[2] = {-1, -1};
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync_p) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, start_p) < 0 ||
	    (exec_mode && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, att_p) < 0))
		return die("socketpair");
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return die("fork");
	if (pid == 0) {
		/* move the child ends to 3, 4 (5) without clobbering each other */
		int a = fcntl(sync_p[1], F_DUPFD, 10), b = fcntl(start_p[1], F_DUPFD, 10);
		int d = exec_mode ? fcntl(att_p[1], F_DUPFD, 10) : -1;
		dup2(a, 3);
		dup2(b, 4);
		if (exec_mode)
			dup2(d, 5);
		setenv("_OCI_SYNCPIPE", "3", 1);
		setenv("_OCI_STARTPIPE", "4", 1);
		if (exec_mode)
			setenv("_OCI_ATTACHPIPE", "5", 1);
		else
			unsetenv("_OCI_ATTACHPIPE");
		setpgid(0, 0);
		execv(argv[optind], argv + optind);
		_exit(127);
	}
	close(sync_p[1]);
	close(start_p[1]);
	if (exec_mode)
		close(att_p[1]);
	if (write(start_p[0], "", 1) < 0)
		return die("write start");
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return die("waitpid");
	printf("shim-exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	fflush(stdout);
	int afd = -1;
	if (exec_mode) {
		if (read_line(att_p[0], "attach-pipe", timeout_s * 1000) < 0)
			return 0;
		if (attach) {
			afd = attach_connect(attach);
			if (afd < 0)
				return die("connect attach");
			shutdown(afd, SHUT_WR);
		}
		if (write(start_p[0], "", 1) < 0)
			return die("write start 2");
	}
	if (read_line(sync_p[0], "sync", timeout_s * 1000) < 0)
		return 0;
	if (exec_mode) {
		if (afd >= 0)
			print_packets(afd, timeout_s * 1000);
		read_line(sync_p[0], "sync", timeout_s * 1000);
	}
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	char msg[4096];
	size_t n = 0;
	for (const char *p = argv[2]; *p && n < sizeof(msg) - 1; p++) {
		if (p[0] == '\\' && p[1] == 'n') {
			msg[n++] = '\n';
			p++;
		} else {
			msg[n++] = *p;
		}
	}
	int pfd = open(argv[1], O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return die("open socket");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d", pfd);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, msg, n, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return die("sendto");
	return 0;
}

static void print_value(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\n')
			fputs("\\n", stdout);
		else
			putchar(v[i]);
	}
	putchar('\n');
}

static int cmd_journal(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	unlink(argv[1]);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return die("bind");
	static char buf[1 << 20];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return die("recv");
		}
		/* native protocol: KEY=value\n, or KEY\n<le64 size><value>\n */
		for (size_t i = 0; i < (size_t)n;) {
			char *nl = memchr(buf + i, '\n', (size_t)n - i);
			if (!nl) /* a last field without its newline (plain sd_notify datagrams) */
				nl = buf + n;
			char *eq = memchr(buf + i, '=', (size_t)(nl - (buf + i)));
			if (eq) {
				fwrite(buf + i, 1, (size_t)(eq - (buf + i)) + 1, stdout);
				print_value(eq + 1, (size_t)(nl - eq - 1));
				i = (size_t)(nl - buf) + 1;
			} else {
				size_t klen = (size_t)(nl - (buf + i));
				unsigned long long len = 0;
				size_t at = (size_t)(nl - buf) + 1;
				if (at + 8 > (size_t)n)
					break;
				for (int b = 7; b >= 0; b--)
					len = (len << 8) | (unsigned char)buf[at + b];
				at += 8;
				if (at + len > (size_t)n)
					break;
				fwrite(buf + i, 1, klen, stdout);
				putchar('=');
				print_value(buf + at, len);
				i = at + len + 1;
			}
		}
		printf("\n");
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: shim-harness run|attach ...\n");
		return 2;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "attach") == 0)
		return cmd_attach(argc - 1, argv + 1);
	if (strcmp(argv[1], "send") == 0)
		return cmd_send(argc - 1, argv + 1);
	if (strcmp(argv[1], "journal") == 0)
		return cmd_journal(argc - 1, argv + 1);
	fprintf(stderr, "shim-harness: unknown command %s\n", argv[1]);
	return 2;
}
