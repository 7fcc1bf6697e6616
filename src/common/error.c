/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "common/xalloc.h"

static int code_of(int errnum)
{
	return errnum > 0 ? -errnum : -EINVAL;
}

int ocirt_error_code(const struct ocirt_error *e)
{
	return e ? code_of(e->errnum) : 0;
}

int ocirt_error_setv(struct ocirt_error **err, int errnum, int with_strerror, const char *fmt, va_list ap)
{
	struct ocirt_error *e;
	char *msg;

	if (!err)
		return code_of(errnum);
	msg = xvasprintf(fmt, ap);
	if (with_strerror && errnum > 0) {
		char *full = xasprintf("%s: %s", msg, strerror(errnum));
		free(msg);
		msg = full;
	}
	e = xnew0(struct ocirt_error, 1);
	e->errnum = errnum;
	e->msg = msg;
	ocirt_error_free(*err);
	*err = e;
	return code_of(errnum);
}

int ocirt_error_set(struct ocirt_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = ocirt_error_setv(err, errnum, 1, fmt, ap);
	va_end(ap);
	return r;
}

int ocirt_error_setx(struct ocirt_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = ocirt_error_setv(err, errnum, 0, fmt, ap);
	va_end(ap);
	return r;
}

int ocirt_error_prefix(struct ocirt_error **err, const char *fmt, ...)
{
	va_list ap;
	char *prefix, *msg;

	if (!err || !*err)
		return -EINVAL;
	va_start(ap, fmt);
	prefix = xvasprintf(fmt, ap);
	va_end(ap);
	msg = xasprintf("%s: %s", prefix, (*err)->msg);
	free(prefix);
	free((*err)->msg);
	(*err)->msg = msg;
	return code_of((*err)->errnum);
}

void ocirt_error_free(struct ocirt_error *e)
{
	if (!e)
		return;
	free(e->msg);
	free(e);
}
