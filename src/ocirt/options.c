/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "common/xalloc.h"
#include "ocirt/options.h"

int opt_parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (streq(s, yes[i])) {
			*ret = true;
			return 0;
		}
		if (streq(s, no[i])) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Does `names` ("bundle|b") contain the name [name, name+len)? */
static bool names_match(const char *names, const char *name, size_t len)
{
	const char *p = names;

	while (*p) {
		size_t n = strcspn(p, "|");
		if (n == len && strneq(p, name, len))
			return true;
		p += n;
		if (*p == '|')
			p++;
	}
	return false;
}

static const struct opt *find_opt(const struct opt *opts, const char *name, size_t len)
{
	for (const struct opt *o = opts; o && o->names; o++)
		if (names_match(o->names, name, len))
			return o;
	return NULL;
}

static bool is_help(const struct opt *opts, const char *name, size_t len)
{
	return (names_match("help|h", name, len)) && !find_opt(opts, name, len);
}

/* Store value into o. `shown` is the name as the user spelled it, for messages. */
static int set_value(const struct opt *o, const char *shown, const char *value, struct ocirt_error **err)
{
	switch (o->type) {
	case OPT_BOOL: {
		bool b = true;
		if (value && opt_parse_bool(value, &b) < 0)
			return ocirt_error_setx(err, EINVAL, "invalid boolean value \"%s\" for -%s: parse error", value,
						shown);
		*(bool *)o->ptr = b;
		return 0;
	}
	case OPT_STRING:
		*(const char **)o->ptr = value;
		return 0;
	case OPT_STRINGS:
		strv_append((char ***)o->ptr, value);
		return 0;
	case OPT_INT: {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(value, &end, 0);
		if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
			return ocirt_error_setx(err, ERANGE, "invalid value \"%s\" for flag -%s: value out of range",
						value, shown);
		if (!*value || *end)
			return ocirt_error_setx(err, EINVAL, "invalid value \"%s\" for flag -%s: parse error", value,
						shown);
		*(int *)o->ptr = (int)v;
		return 0;
	}
	}
	return -EINVAL;
}

int opt_parse(const struct opt *opts, int argc, char **argv, unsigned flags, char ***ret_args, int *ret_nargs,
	      struct ocirt_error **err)
{
	_cleanup_free_ char **args = xnew0(char *, (size_t)argc + 1);
	int nargs = 0, i;
	bool help = false;

	for (i = 0; i < argc; i++) {
		char *a = argv[i];
		const char *name, *eq, *value = NULL;
		const struct opt *o;
		size_t len;

		if (a[0] != '-' || a[1] == '\0') {
			/* positional */
			if (flags & OPT_IN_ORDER)
				break;
			args[nargs++] = a;
			continue;
		}
		if (streq(a, "--")) {
			i++;
			break;
		}
		name = a + 1;
		if (*name == '-')
			name++;
		if (*name == '-' || *name == '=' || *name == '\0')
			return ocirt_error_setx(err, EINVAL, "bad flag syntax: %s", a);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		if (eq)
			value = eq + 1;

		if (is_help(opts, name, len)) {
			help = true;
			continue;
		}
		o = find_opt(opts, name, len);
		if (!o)
			return ocirt_error_setx(err, EINVAL, "flag provided but not defined: -%.*s", (int)len, name);

		_cleanup_free_ char *shown = xstrndup(name, len);
		if (o->type != OPT_BOOL && !value) {
			if (i + 1 >= argc)
				return ocirt_error_setx(err, EINVAL, "flag needs an argument: -%s", shown);
			value = argv[++i];
		}
		int r = set_value(o, shown, value, err);
		if (r < 0)
			return r;
	}
	/* after "--" or (in order) the first positional: everything is positional */
	for (; i < argc; i++)
		args[nargs++] = argv[i];

	if (help)
		return 1;
	if (ret_nargs)
		*ret_nargs = nargs;
	if (ret_args)
		*ret_args = TAKE_PTR(args);
	return 0;
}

void opt_print_help(FILE *f, const struct opt *opts)
{
	for (const struct opt *o = opts; o && o->names; o++) {
		char line[256];
		size_t n = 0;
		const char *p = o->names;

		if (!o->help)
			continue;
		while (*p && n < sizeof(line) - 64) {
			size_t len = strcspn(p, "|");
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s%.*s%s%s", n ? ", " : "",
					      len == 1 ? "-" : "--", (int)len, p, o->metavar ? " " : "",
					      o->metavar ? o->metavar : "");
			p += len;
			if (*p == '|')
				p++;
		}
		if (n < 28)
			fprintf(f, "   %-28s %s\n", line, o->help);
		else
			fprintf(f, "   %s\n   %-28s %s\n", line, "", o->help);
	}
	fprintf(f, "   %-28s %s\n", "--help, -h", "show help");
}
