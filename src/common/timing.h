/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A per-phase timer for --timings: marks are cheap (CLOCK_MONOTONIC, a fixed table), the
 * report is printed by main() at exit. Processes other than the runtime (the child before
 * exec) can send their marks back with ocirt_timing_export/_import. */
#ifndef OCIRT_TIMING_H
#define OCIRT_TIMING_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void ocirt_timing_enable(bool on);
bool ocirt_timing_enabled(void);
/* Record that the phase `name` (a string literal) ended now. */
void ocirt_timing_mark(const char *name);
/* Record a phase measured elsewhere (ns since the same monotonic origin). */
void ocirt_timing_add(const char *name, uint64_t at_ns);
uint64_t ocirt_timing_now_ns(void);
/* "phase  +delta ms  (total ms)" lines. */
void ocirt_timing_print(FILE *f);

#endif
