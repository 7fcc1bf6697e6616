/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error values that climb the call stack: library code fills one in and returns a negative
 * errno; callers may prefix context; only main() prints. */
#ifndef OCIRT_ERROR_H
#define OCIRT_ERROR_H

#include <stdarg.h>
#include "common/macros.h"

struct ocirt_error {
	int errnum; /* errno value, 0 when the failure has none */
	char *msg;  /* complete message, "<context>: <detail>[: strerror]" */
};

/* Set *err (replacing any earlier error) to the formatted message. When errnum != 0 the
 * message gets ": <strerror(errnum)>" appended. Returns -errnum, or -EINVAL when errnum is 0,
 * so it can end a function: `return ocirt_error_set(err, errno, "open `%s`", path);`.
 * err may be NULL (the error is then only returned). */
int ocirt_error_set(struct ocirt_error **err, int errnum, const char *fmt, ...) _printf_(3, 4);
/* The same without the strerror suffix, but still returning -errnum (or -EINVAL). */
int ocirt_error_setx(struct ocirt_error **err, int errnum, const char *fmt, ...) _printf_(3, 4);
int ocirt_error_setv(struct ocirt_error **err, int errnum, int with_strerror, const char *fmt, va_list ap)
	_printf_(4, 0);
/* Prepend "<context>: " to an existing error (no-op when none is set); returns the error's
 * negative errno (-EINVAL when 0). */
int ocirt_error_prefix(struct ocirt_error **err, const char *fmt, ...) _printf_(2, 3);
/* Negative errno carried by an error (-EINVAL for errnum 0, 0 for NULL). */
int ocirt_error_code(const struct ocirt_error *e);
void ocirt_error_free(struct ocirt_error *e);
static inline void ocirt_error_freep(struct ocirt_error **e)
{
	ocirt_error_free(*e);
	*e = NULL;
}
#define _cleanup_error_ _cleanup_(ocirt_error_freep)

#endif
