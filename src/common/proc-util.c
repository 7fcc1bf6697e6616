/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/proc-util.h"
#include "common/xalloc.h"

int proc_stat_read(pid_t pid, char *ret_state, uint64_t *ret_start_time)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	ssize_t n = read_all(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	/* comm (field 2) may hold spaces and parentheses: fields restart after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EINVAL;
	p += 2;
	char state = *p;
	/* p points at field 3; field 22 is 19 fields further. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EINVAL;
		p++;
	}
	char *end;
	errno = 0;
	unsigned long long st = strtoull(p, &end, 10);
	if (errno != 0 || end == p)
		return -EINVAL;
	if (ret_state)
		*ret_state = state;
	if (ret_start_time)
		*ret_start_time = st;
	return 0;
}

bool proc_is_alive(pid_t pid, uint64_t start_time)
{
	char state;
	uint64_t st;
	if (pid <= 0)
		return false;
	if (proc_stat_read(pid, &state, &st) < 0)
		return false;
	if (state == 'Z' || state == 'X' || state == 'x')
		return false;
	return st == start_time;
}

int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags);
}

int pidfd_open_checked(pid_t pid, uint64_t start_time)
{
	int fd = sys_pidfd_open(pid, 0);
	if (fd < 0)
		return -errno;
	/* The pidfd pins the process: if the start time still matches now, it is ours. */
	if (!proc_is_alive(pid, start_time)) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int pidfd_wait_exit(int pidfd, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	for (;;) {
		int r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		return r == 0 ? -ETIMEDOUT : 0;
	}
}

pid_t sys_clone3(struct clone_args *args)
{
	long r = syscall(SYS_clone3, args, sizeof(struct clone_args));
	if (r < 0)
		return -errno;
	return (pid_t)r;
}

int mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = xstrdup(path);
	size_t len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

bool in_initial_userns(void)
{
	_cleanup_free_ char *m = NULL;
	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", 4096, &m, NULL) < 0)
		return true;
	unsigned long a, b, c;
	if (sscanf(m, "%lu %lu %lu", &a, &b, &c) != 3)
		return true;
	return a == 0 && b == 0 && c == 4294967295UL;
}
