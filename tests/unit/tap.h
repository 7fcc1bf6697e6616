/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny TAP producer for C unit tests (run by automake's tap-driver.sh).
 *
 *   int main(void) {
 *           tap_plan(3);            // or tap_no_plan() and tap_done() at the end
 *           ok(1 + 1 == 2, "addition");
 *           is_str(s, "x", "name");
 *           is_int(r, 0, "returns 0");
 *           return tap_exit();
 *   }
 *
 * Everything is static inline so each test program includes it without a library. */
#ifndef OCIRT_TAP_H
#define OCIRT_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_n_ = 0, tap_failed_ = 0, tap_planned_ = -1;

static inline void tap_plan(int n)
{
	tap_planned_ = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline void tap_no_plan(void)
{
	tap_planned_ = -1;
}

/* Print the plan at the end when tap_no_plan() was used. */
static inline void tap_done(void)
{
	if (tap_planned_ < 0) {
		printf("1..%d\n", tap_n_);
		tap_planned_ = tap_n_;
	}
	fflush(stdout);
}

static inline void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;
	char buf[4096], *line, *save = NULL;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("# %s\n", line);
	fflush(stdout);
}

static inline bool tap_ok_(bool cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline bool tap_ok_(bool cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n_++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n_);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed_++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

static inline void tap_skip(const char *why)
{
	tap_n_++;
	printf("ok %d # SKIP %s\n", tap_n_, why);
	fflush(stdout);
}

#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                                     \
	({                                                                                         \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		bool r_ = tap_ok_(g_ == w_, __FILE__, __LINE__, __VA_ARGS__);                      \
		if (!r_)                                                                           \
			tap_diag("  got: %lld\n  expected: %lld", g_, w_);                         \
		r_;                                                                                \
	})

#define is_str(got, want, ...)                                                                     \
	({                                                                                         \
		const char *g_ = (got), *w_ = (want);                                              \
		bool r_ = tap_ok_((g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0), \
				  __FILE__, __LINE__, __VA_ARGS__);                                \
		if (!r_)                                                                           \
			tap_diag("  got: '%s'\n  expected: '%s'", g_ ? g_ : "(null)",              \
				 w_ ? w_ : "(null)");                                              \
		r_;                                                                                \
	})

/* got contains the substring want */
#define like_str(got, want, ...)                                                                    \
	({                                                                                          \
		const char *g_ = (got), *w_ = (want);                                               \
		bool r_ = tap_ok_(g_ && w_ && strstr(g_, w_) != NULL, __FILE__, __LINE__, __VA_ARGS__); \
		if (!r_)                                                                            \
			tap_diag("  got: '%s'\n  expected to contain: '%s'", g_ ? g_ : "(null)",    \
				 w_ ? w_ : "(null)");                                               \
		r_;                                                                                 \
	})

static inline int tap_exit(void)
{
	tap_done();
	if (tap_planned_ >= 0 && tap_planned_ != tap_n_)
		tap_diag("planned %d tests but ran %d", tap_planned_, tap_n_);
	return tap_failed_ || (tap_planned_ >= 0 && tap_planned_ != tap_n_) ? 1 : 0;
}

#endif
