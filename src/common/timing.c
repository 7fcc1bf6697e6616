/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <sys/resource.h>
#include <time.h>

#include "common/macros.h"
#include "common/timing.h"

#define MAX_MARKS 64

static struct {
	bool on;
	uint64_t origin;
	uint64_t cpu_at_enable; /* CPU µs of this process when enabled: exec, ld.so, main's start */
	size_t n;
	struct {
		const char *name;
		uint64_t at;
	} marks[MAX_MARKS];
} t;

uint64_t ocirt_timing_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t tv_us(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000ULL + (uint64_t)tv.tv_usec;
}

void ocirt_timing_enable(bool on)
{
	struct rusage ru;

	t.on = on;
	if (on && t.origin == 0) {
		t.origin = ocirt_timing_now_ns();
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			t.cpu_at_enable = tv_us(ru.ru_utime) + tv_us(ru.ru_stime);
	}
}

bool ocirt_timing_enabled(void)
{
	return t.on;
}

void ocirt_timing_add(const char *name, uint64_t at_ns)
{
	if (!t.on || t.n >= MAX_MARKS)
		return;
	t.marks[t.n].name = name;
	t.marks[t.n].at = at_ns;
	t.n++;
}

void ocirt_timing_mark(const char *name)
{
	if (t.on)
		ocirt_timing_add(name, ocirt_timing_now_ns());
}

void ocirt_timing_print(FILE *f)
{
	if (!t.on)
		return;
	/* marks from other processes (the container's init) arrive late: order by time */
	for (size_t i = 1; i < t.n; i++)
		for (size_t j = i; j > 0 && t.marks[j - 1].at > t.marks[j].at; j--) {
			__typeof__(t.marks[0]) tmp = t.marks[j];
			t.marks[j] = t.marks[j - 1];
			t.marks[j - 1] = tmp;
		}
	uint64_t prev = t.origin;
	for (size_t i = 0; i < t.n; i++) {
		uint64_t at = t.marks[i].at;
		fprintf(f, "timing: %-28s +%8.3f ms  (%8.3f ms)\n", t.marks[i].name,
			(double)(at >= prev ? at - prev : 0) / 1e6, (double)(at - t.origin) / 1e6);
		prev = at;
	}
	/* wall time above, CPU time here: on a busy host only the CPU figures are stable */
	struct rusage self, children;
	if (getrusage(RUSAGE_SELF, &self) == 0 && getrusage(RUSAGE_CHILDREN, &children) == 0)
		fprintf(f,
			"timing: cpu: ocirt %.3f ms (user %.3f, sys %.3f; %.3f before the first mark: "
			"the caller's fork, exec, dynamic loader, options), reaped children %.3f ms\n",
			(double)(tv_us(self.ru_utime) + tv_us(self.ru_stime)) / 1e3,
			(double)tv_us(self.ru_utime) / 1e3, (double)tv_us(self.ru_stime) / 1e3,
			(double)t.cpu_at_enable / 1e3,
			(double)(tv_us(children.ru_utime) + tv_us(children.ru_stime)) / 1e3);
}
