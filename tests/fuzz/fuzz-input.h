/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny consumer of fuzzer bytes for the structured targets (cgroup values): numbers from
 * the front, strings NUL-terminated copies. Out of bytes = zeros / empty strings. */
#ifndef OCIRT_FUZZ_INPUT_H
#define OCIRT_FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t fuzz_u64(struct fuzz_input *in)
{
	uint64_t v = 0;
	size_t k = in->n < 8 ? in->n : 8;
	memcpy(&v, in->p, k);
	in->p += k;
	in->n -= k;
	return v;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

/* A string of up to `max` bytes (length from one byte), malloc'd, NUL-terminated. */
static inline char *fuzz_str(struct fuzz_input *in, size_t max)
{
	size_t len = fuzz_u8(in) % (max + 1);
	if (len > in->n)
		len = in->n;
	char *s = malloc(len + 1);
	if (!s)
		abort();
	memcpy(s, in->p, len);
	s[len] = '\0';
	in->p += len;
	in->n -= len;
	return s;
}

/* The whole input as a C string (cut at the first NUL). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
