/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NULL-terminated string vectors. */
#ifndef OCIRT_STRV_H
#define OCIRT_STRV_H

#include <stdbool.h>
#include <stddef.h>
#include "common/macros.h"

size_t strv_length(char *const *v);
/* Append a copy of s (or take s with strv_push); *v may be NULL. */
void strv_append(char ***v, const char *s);
void strv_push(char ***v, char *s);
char **strv_copy(char *const *v);
bool strv_contains(char *const *v, const char *s);
char *strv_join(char *const *v, const char *sep);
void strv_free(char **v);
static inline void strv_freep(char ***v)
{
	strv_free(*v);
	*v = NULL;
}
#define _cleanup_strv_ _cleanup_(strv_freep)

#endif
