/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable NUL-terminated byte buffer: { 0 } is an empty one; p is malloc'd (free it). */
#ifndef OCIRT_COMMON_BUF_H
#define OCIRT_COMMON_BUF_H

#include <stddef.h>

struct buf {
	char *p;
	size_t len, cap;
};

void buf_putn(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);

#endif
