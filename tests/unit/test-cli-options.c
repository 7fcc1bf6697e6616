/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CLI option parser (src/ocirt/options.c) against what runc's callers send. */
#include "config.h"

#include <string.h>

#include "common/strv.h"
#include "ocirt/options.h"
#include "tests/unit/tap.h"

static const char *bundle, *resources, *lsm;
static bool detach, force, all;
static int fds;
static char **env;

static const struct opt opts[] = {
	{ "bundle|b", OPT_STRING, &bundle, "DIR", "bundle" },
	{ "detach|d", OPT_BOOL, &detach, NULL, "detach" },
	{ "force|f", OPT_BOOL, &force, NULL, "force" },
	{ "all|a", OPT_BOOL, &all, NULL, "all" },
	{ "preserve-fds", OPT_INT, &fds, "N", "fds" },
	{ "env|e", OPT_STRINGS, &env, "X=Y", "env" },
	{ "resources|r", OPT_STRING, &resources, "FILE", "res" },
	{ "lsm-mount-context", OPT_STRING, &lsm, "CTX", "ctx" },
	{ NULL, 0, NULL, NULL, NULL },
};

static void reset(void)
{
	bundle = resources = lsm = NULL;
	detach = force = all = false;
	fds = 0;
	strv_free(env);
	env = NULL;
}

/* Parse a space-separated command line; returns opt_parse's result and the positionals
 * joined with ' ' in out (or the error message). */
static int parse(const char *line, unsigned flags, char *out, size_t size)
{
	static char buf[512]; /* options point into it after the call */
	char *argv[32];
	int argc = 0, nargs = 0, r;
	char **args = NULL;
	struct ocirt_error *err = NULL;

	reset();
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 31; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	r = opt_parse(opts, argc, argv, flags, &args, &nargs, &err);
	out[0] = '\0';
	if (r < 0) {
		snprintf(out, size, "%s", err->msg);
		ocirt_error_free(err);
	} else if (r == 0) {
		char *j = strv_join(args, " ");
		snprintf(out, size, "%s", j);
		free(j);
		free(args);
	}
	return r;
}

int main(void)
{
	char out[512];
	int r;

	tap_no_plan();

	r = parse("--bundle /b id", 0, out, sizeof(out));
	ok(r == 0 && bundle && streq(bundle, "/b") && streq(out, "id"), "--flag value");
	r = parse("--bundle=/b id", 0, out, sizeof(out));
	ok(r == 0 && streq(bundle, "/b") && streq(out, "id"), "--flag=value");
	r = parse("-bundle /b id", 0, out, sizeof(out));
	ok(r == 0 && streq(bundle, "/b") && streq(out, "id"), "Go-style -bundle value");
	r = parse("-b=/b id", 0, out, sizeof(out));
	ok(r == 0 && streq(bundle, "/b"), "-b=value");
	r = parse("--b /b id", 0, out, sizeof(out));
	ok(r == 0 && streq(bundle, "/b"), "--b value (Go: one or two dashes)");
	r = parse("-force id", 0, out, sizeof(out));
	ok(r == 0 && force && streq(out, "id"), "-force");
	r = parse("id --force", 0, out, sizeof(out));
	ok(r == 0 && force && streq(out, "id"), "flag after the positional argument (runc reorders)");
	r = parse("id -f", 0, out, sizeof(out));
	ok(r == 0 && force, "short alias after the positional argument");
	r = parse("--detach=true id", 0, out, sizeof(out));
	ok(r == 0 && detach, "--detach=true");
	r = parse("--detach --detach=false id", 0, out, sizeof(out));
	ok(r == 0 && !detach, "--detach=false after --detach (last wins)");
	r = parse("--detach --detach id", 0, out, sizeof(out));
	ok(r == 0 && detach, "repeated boolean");
	r = parse("--detach true id", 0, out, sizeof(out));
	ok(r == 0 && detach && streq(out, "true id"), "a boolean never takes the next argument");
	r = parse("--detach=maybe id", 0, out, sizeof(out));
	ok(r < 0 && strstr(out, "invalid boolean value \"maybe\" for -detach"), "bad boolean value");
	r = parse("--detach=T --force=0 id", 0, out, sizeof(out));
	ok(r == 0 && detach && !force, "Go ParseBool spellings");
	r = parse("--bogus id", 0, out, sizeof(out));
	is_str(out, "flag provided but not defined: -bogus", "unknown flag message");
	ok(r < 0, "unknown flag fails");
	r = parse("-bogus=1 id", 0, out, sizeof(out));
	is_str(out, "flag provided but not defined: -bogus", "unknown flag with a value");
	r = parse("id --lsm-mount-context", 0, out, sizeof(out));
	ok(r < 0, "missing value fails");
	is_str(out, "flag needs an argument: -lsm-mount-context", "missing value message (podman greps it)");
	r = parse("--resources - id", 0, out, sizeof(out));
	ok(r == 0 && streq(resources, "-") && streq(out, "id"), "--resources - (a lone dash is a value)");
	r = parse("--resources=- id", 0, out, sizeof(out));
	ok(r == 0 && streq(resources, "-"), "--resources=-");
	r = parse("- id", 0, out, sizeof(out));
	ok(r == 0 && streq(out, "- id"), "a lone dash is positional");
	r = parse("--preserve-fds 3 id", 0, out, sizeof(out));
	ok(r == 0 && fds == 3, "int flag");
	r = parse("--preserve-fds=0x10 id", 0, out, sizeof(out));
	ok(r == 0 && fds == 16, "int flag, base prefix");
	r = parse("--preserve-fds=x id", 0, out, sizeof(out));
	ok(r < 0 && strstr(out, "invalid value \"x\" for flag -preserve-fds"), "bad int");
	r = parse("-e A=1 --env B=2 -e=C=3 id", 0, out, sizeof(out));
	ok(r == 0 && strv_length(env) == 3 && streq(env[2], "C=3"), "repeatable string flag");
	r = parse("-- --force id", 0, out, sizeof(out));
	ok(r == 0 && !force && streq(out, "--force id"), "-- ends the options");
	r = parse("-d id sh -c --force", OPT_IN_ORDER, out, sizeof(out));
	ok(r == 0 && detach && !force && streq(out, "id sh -c --force"), "in order: options stop at the ID (exec)");
	r = parse("id --help", OPT_IN_ORDER, out, sizeof(out));
	ok(r == 0 && streq(out, "id --help"), "in order: --help after the ID belongs to the command");
	r = parse("id --help", 0, out, sizeof(out));
	ok(r == 1, "--help after the ID (reordered)");
	r = parse("-h", 0, out, sizeof(out));
	ok(r == 1, "-h");
	r = parse("-help", 0, out, sizeof(out));
	ok(r == 1, "-help");
	r = parse("---x id", 0, out, sizeof(out));
	ok(r < 0 && strstr(out, "bad flag syntax"), "three dashes");
	r = parse("-a -f id 9", 0, out, sizeof(out));
	ok(r == 0 && all && force && streq(out, "id 9"), "several short flags, two positionals");
	r = parse("-af id", 0, out, sizeof(out));
	ok(r < 0 && strstr(out, "-af"), "no bundling of short flags (Go)");

	reset();
	return tap_exit();
}
