/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small macros shared by every part of ocirt: cleanup attributes and ownership hand-offs. */
#ifndef OCIRT_MACROS_H
#define OCIRT_MACROS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _warn_unused_ __attribute__((warn_unused_result))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* Take ownership of a pointer or fd: the variable is reset so its cleanup does nothing. */
#define TAKE_PTR(p)                          \
	({                                   \
		__typeof__(p) _tp_ = (p);    \
		(p) = NULL;                  \
		_tp_;                        \
	})
#define TAKE_FD(fd)                  \
	({                           \
		int _tfd_ = (fd);    \
		(fd) = -1;           \
		_tfd_;               \
	})

static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Retry a syscall interrupted by a signal. */
#define TEMP_FAILURE_RETRY_INT(expr)                                \
	({                                                          \
		long _r_;                                           \
		do                                                  \
			_r_ = (long)(expr);                         \
		while (_r_ == -1 && errno == EINTR);                \
		_r_;                                                \
	})

#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)

#endif
