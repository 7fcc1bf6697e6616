/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/xalloc.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;
	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
	/* O_NONBLOCK: opening a FIFO nobody writes must not hang (exec -p fifo); reads are
	 * blocking again after, and a FIFO without a writer reads as empty */
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		return -errno;
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = xmalloc(cap + 1);
	for (;;) {
		if (len == cap) {
			if (cap >= max)
				return -EFBIG;
			cap = cap * 2 > max ? max : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret = TAKE_PTR(buf);
	return 0;
}

int write_file_at(int dirfd, const char *path, const char *data, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* One write(2): cgroup and /proc files take the value in one go. */
	ssize_t n = TEMP_FAILURE_RETRY_INT(write(fd, data, len));
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

int write_file_string_at(int dirfd, const char *path, const char *s)
{
	return write_file_at(dirfd, path, s, strlen(s));
}

int write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode)
{
	/* SECURITY: a temporary of our own (O_EXCL, unpredictable name): in a directory others
	 * may write to (a --pid-file in /tmp), a file or a hard link planted under a fixed name
	 * would receive our data (O_TRUNC on someone's file) or become the file we publish. */
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	for (int i = 0; i < 16 && fd < 0; i++) {
		uint64_t rnd = 0;
		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
			rnd ^= ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&rnd ^ (uint64_t)i;
		free(tmp);
		tmp = strlen(name) > 200 ? xasprintf(".tmp.%016" PRIx64, rnd) : xasprintf(".%s.%016" PRIx64 ".tmp", name, rnd);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	int r = write_all(fd, data, len);
	if (r < 0)
		goto fail;
	if (fchmod(fd, mode) < 0) {
		r = -errno;
		goto fail;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		r = -errno;
		goto fail;
	}
	return 0;
fail:
	unlinkat(dirfd, tmp, 0);
	return r;
}

int fd_set_cloexec(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFD);
	if (flags < 0)
		return -errno;
	int nflags = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
	if (nflags != flags && fcntl(fd, F_SETFD, nflags) < 0)
		return -errno;
	return 0;
}

int fd_set_nonblock(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return -errno;
	int nflags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	if (nflags != flags && fcntl(fd, F_SETFL, nflags) < 0)
		return -errno;
	return 0;
}

int fd_move_above(int fd, int min)
{
	if (fd >= min)
		return fd;
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, min);
	if (nfd < 0)
		return -errno;
	close(fd);
	return nfd;
}

int send_with_fd(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	ssize_t n = TEMP_FAILURE_RETRY_INT(sendmsg(sock, &msg, MSG_NOSIGNAL));
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

ssize_t recv_with_fd(int sock, void *buf, size_t len, int *ret_fd)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	*ret_fd = -1;
	ssize_t n = TEMP_FAILURE_RETRY_INT(recvmsg(sock, &msg, MSG_CMSG_CLOEXEC));
	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int fds[4];
		memcpy(fds, CMSG_DATA(c), nfds * sizeof(int));
		for (size_t i = 0; i < nfds; i++) {
			if (*ret_fd < 0)
				*ret_fd = fds[i];
			else
				close(fds[i]);
		}
	}
	if (msg.msg_flags & MSG_TRUNC) {
		if (*ret_fd >= 0)
			close(*ret_fd);
		*ret_fd = -1;
		return -EMSGSIZE;
	}
	return n;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int close_range_slow(unsigned first, unsigned last, bool close_now)
{
	_cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -errno;
	int dfd = dirfd(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		long v = strtol(e->d_name, NULL, 10);
		if (v < (long)first || v > (long)last || v == dfd)
			continue;
		if (close_now)
			close((int)v);
		else
			fcntl((int)v, F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

static int close_range_do(unsigned first, unsigned last, bool close_now)
{
	if (first > last)
		return 0;
	if (syscall(SYS_close_range, first, last, close_now ? 0 : CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	return close_range_slow(first, last, close_now);
}

int close_fds_from(int from, const int *keep, size_t nkeep, bool close_now)
{
	int sorted[nkeep + 1];
	size_t n = 0;
	for (size_t i = 0; i < nkeep; i++)
		if (keep[i] >= from)
			sorted[n++] = keep[i];
	qsort(sorted, n, sizeof(int), cmp_int);
	unsigned start = (unsigned)from;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)sorted[i] > start) {
			int r = close_range_do(start, (unsigned)sorted[i] - 1, close_now);
			if (r < 0)
				return r;
		}
		start = (unsigned)sorted[i] + 1;
	}
	return close_range_do(start, ~0U, close_now);
}
