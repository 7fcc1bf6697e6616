/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The k8s-file log driver, in the CRI format that `podman logs` parses:
 *   <local RFC3339 time, 9 fractional digits, ±hh:mm> <stdout|stderr> <F|P> <bytes>
 * One timestamp per chunk read; a chunk ending without a newline gives a P record (and a
 * newline added after it). --log-size-max truncates the file (conmon semantics). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/macros.h"
#include "common/xalloc.h"
#include "shim/shim.h"

int k8s_log_open(struct shim *s)
{
	s->k8s_fd = open(s->k8s_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (s->k8s_fd < 0) {
		int r = -errno;
		pr_err("Failed to open log file %s: %s", s->k8s_path, strerror(errno));
		return r;
	}
	return 0;
}

/* Replace the log by an empty file (.tmp + rename), as conmon's reopen and size limit do. */
int k8s_log_reopen(struct shim *s)
{
	if (s->k8s_fd >= 0) {
		if (!s->o.no_sync_log)
			fsync(s->k8s_fd);
		close(s->k8s_fd);
		s->k8s_fd = -1;
	}
	_cleanup_free_ char *tmp = xasprintf("%s.tmp", s->k8s_path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || rename(tmp, s->k8s_path) < 0) {
		int r = -errno;
		pr_err("reopen log file %s: %s", s->k8s_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		k8s_log_open(s); /* keep logging to the old file if it can be reopened */
		return r;
	}
	close(fd);
	s->k8s_written = 0;
	return k8s_log_open(s);
}

void k8s_log_sync(struct shim *s)
{
	if (s->k8s_fd >= 0)
		fsync(s->k8s_fd);
}

static size_t timestamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	int n =
	    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ld%c%02ld:%02ld", tm.tm_year + 1900, tm.tm_mon + 1,
	             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec, sign, off / 3600, (off % 3600) / 60);
	return n < 0 ? 0 : (size_t)n;
}

static int writev_all(int fd, struct iovec *iov, int cnt)
{
	while (cnt > 0) {
		ssize_t n = writev(fd, iov, cnt);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

void k8s_log_write(struct shim *s, int stream, const char *buf, size_t len)
{
	char ts[64];
	size_t tslen = timestamp(ts, sizeof(ts));
	const char *sname = stream == STREAM_STDERR ? " stderr " : " stdout ";

	while (len > 0 && s->k8s_fd >= 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t linelen = nl ? (size_t)(nl - buf) + 1 : len;
		bool partial = !nl;
		size_t recsize = tslen + 8 + 2 + linelen + (partial ? 1 : 0);

		if (s->o.log_global_size_max > 0 && s->k8s_total + (int64_t)recsize > s->o.log_global_size_max)
			return;
		if (s->o.log_size_max > 0 && s->k8s_written + (int64_t)recsize > s->o.log_size_max)
			k8s_log_reopen(s);
		if (s->k8s_fd < 0)
			return;
		struct iovec iov[5] = {
		    {ts, tslen},       {(void *)sname, 8}, {(void *)(partial ? "P " : "F "), 2}, {(void *)buf, linelen},
		    {(void *)"\n", 1},
		};
		int r = writev_all(s->k8s_fd, iov, partial ? 5 : 4);
		if (r < 0) {
			pr_warn("write to log file %s: %s", s->k8s_path, strerror(-r));
			return;
		}
		s->k8s_written += (int64_t)recsize;
		s->k8s_total += (int64_t)recsize;
		buf += linelen;
		len -= linelen;
	}
}
