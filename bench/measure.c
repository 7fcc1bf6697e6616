/* SPDX-License-Identifier: GPL-2.0-or-later */
/* measure [-o FILE] [-a] CMD...: run CMD and print one line (appended to FILE with -o):
 *   <exit status> <wall µs> <cpu µs: user+sys of all reaped processes> <max RSS KiB of any one>
 * We are a child subreaper: with -a, we also wait for every process CMD leaves behind
 * (orphans come back to us) and count them; without, we stop when CMD exits (a container
 * parked by `create` lives on) and count what has exited by then.
 * CMD's stdout goes to /dev/null unless MEASURE_VERBOSE=1; its stderr is ours.
 * With MEASURE_MNTNS=PATH (a /proc/PID/ns/mnt) CMD runs in that mount namespace; joining it
 * is not measured. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	FILE *out = stdout;
	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out = fopen(argv[2], "ae");
		if (!out) {
			perror(argv[2]);
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	bool all = false;
	if (argc > 1 && strcmp(argv[1], "-a") == 0) {
		all = true;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: measure [-o FILE] CMD [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("measure: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	const char *ns = getenv("MEASURE_MNTNS");
	if (ns && *ns) {
		int fd = open(ns, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNS) < 0) {
			perror("measure: joining MEASURE_MNTNS");
			return 2;
		}
		close(fd);
	}
	const char *v = getenv("MEASURE_VERBOSE");
	long long t0 = now_us();
	pid_t pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 2;
	}
	if (pid == 0) {
		if (!v || strcmp(v, "1") != 0) {
			int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (fd >= 0)
				dup2(fd, 1);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int status = 0, st, ret = -1;
	long long t1 = 0;
	bool main_done = false;
	for (;;) {
		pid_t p = waitpid(-1, &st, main_done && !all ? WNOHANG : 0);
		if (p == 0)
			break;
		if (p < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p == pid) {
			status = st;
			t1 = now_us();
			main_done = true;
		}
	}
	if (WIFEXITED(status))
		ret = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		ret = 128 + WTERMSIG(status);
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	long long cpu = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
			(long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
	fprintf(out, "%d %lld %lld %ld\n", ret, t1 - t0, cpu, ru.ru_maxrss);
	return fclose(out) == 0 ? 0 : 2;
}
