/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include <string.h>
#include "common/strv.h"
#include "common/xalloc.h"

size_t strv_length(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

void strv_push(char ***v, char *s)
{
	size_t n = strv_length(*v);
	*v = xreallocarray(*v, n + 2, sizeof(char *));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

void strv_append(char ***v, const char *s)
{
	strv_push(v, xstrdup(s));
}

char **strv_copy(char *const *v)
{
	size_t n = strv_length(v), i;
	char **r = xnew0(char *, n + 1);
	for (i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

bool strv_contains(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (streq(*v, s))
			return true;
	return false;
}

char *strv_join(char *const *v, const char *sep)
{
	size_t len = 0, seplen = strlen(sep), i, n = strv_length(v);
	char *r, *p;
	for (i = 0; i < n; i++)
		len += strlen(v[i]) + (i ? seplen : 0);
	p = r = xmalloc(len + 1);
	for (i = 0; i < n; i++) {
		if (i) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		p = stpcpy(p, v[i]);
	}
	*p = '\0';
	return r;
}

void strv_free(char **v)
{
	char **p;
	for (p = v; p && *p; p++)
		free(*p);
	free(v);
}
