/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command-line option parser of the ocirt CLI.
 *
 * It accepts what runc's callers send (runtime-cli.md 1.1), i.e. Go `flag` package rules as
 * urfave/cli applies them:
 *   - `-name` and `--name` are the same option; one-letter names are just short names
 *     (`-b x`, `--b x`); there is no bundling of short options (`-dt` is the name "dt");
 *   - `--name=value`, `--name value` (the next argument is taken whatever it looks like,
 *     so `--resources -` works);
 *   - booleans: `--detach`, `--detach=true|false|1|0|t|f|TRUE|FALSE|True|False`; a
 *     boolean never takes the next argument; repeating it is fine;
 *   - `--` ends the options; a lone `-` is a positional argument;
 *   - by default options may follow positional arguments (runc reorders for most
 *     commands); OPT_IN_ORDER stops at the first positional (global options, `exec`, `ps`).
 * Errors use Go's wording: `flag provided but not defined: -bogus`,
 * `flag needs an argument: -lsm-mount-context`. */
#ifndef OCIRT_CLI_OPTIONS_H
#define OCIRT_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include "common/error.h"

enum opt_type {
	OPT_BOOL,    /* bool *           */
	OPT_STRING,  /* const char **    (points into argv; the last one wins) */
	OPT_STRINGS, /* char ***         (strv, every occurrence appended) */
	OPT_INT,     /* int *            (Go ParseInt base 0: 10, 0x1f, 017) */
};

struct opt {
	const char *names; /* "bundle|b": every accepted name; the first is shown in help first */
	enum opt_type type;
	void *ptr;
	const char *metavar; /* value name in help ("DIR"), NULL for booleans */
	const char *help;    /* NULL: accepted but hidden from help */
};

enum {
	OPT_IN_ORDER = 1 << 0, /* stop at the first positional argument */
};

/* Parse argv[0..argc) (argv[0] is an option or an argument, not the program name).
 * Returns 0 with the positional arguments in *ret_args (a malloc'd NULL-terminated array of
 * pointers into argv; free() it, not its strings) and their count in *ret_nargs; 1 when
 * -h/--help/-help was given (nothing else is guaranteed parsed); negative with *err set on a
 * usage error. -h/--help are built in unless the table defines them. */
int opt_parse(const struct opt *opts, int argc, char **argv, unsigned flags, char ***ret_args, int *ret_nargs,
	      struct ocirt_error **err);

/* "   --bundle value, -b value  path to the root of the bundle directory" lines. */
void opt_print_help(FILE *f, const struct opt *opts);

/* Go's strconv.ParseBool. Returns 0 or -EINVAL. */
int opt_parse_bool(const char *s, bool *ret);

#endif
