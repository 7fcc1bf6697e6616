/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation helpers: out of memory is not a recoverable condition for a short-lived
 * runtime or for the shim, so these abort instead of returning NULL. */
#ifndef OCIRT_XALLOC_H
#define OCIRT_XALLOC_H

#include <stddef.h>
#include <stdarg.h>
#include "common/macros.h"

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);
char *xvasprintf(const char *fmt, va_list ap) _printf_(1, 0);

#define xnew0(type, n) ((type *)xcalloc((n), sizeof(type)))

#endif
