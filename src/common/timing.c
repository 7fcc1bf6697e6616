/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <time.h>

#include "common/macros.h"
#include "common/timing.h"

#define MAX_MARKS 64

static struct {
	bool on;
	uint64_t origin;
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

void ocirt_timing_enable(bool on)
{
	t.on = on;
	if (on && t.origin == 0)
		t.origin = ocirt_timing_now_ns();
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
}
