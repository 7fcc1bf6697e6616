/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every cmd-<verb>.c shares: the verb descriptor, the global state main() built, and
 * the small helpers for argument checks and paths. A verb parses its own flags, calls one
 * libocirt function and formats the result; it never prints errors (main does, once). */
#ifndef OCIRT_CLI_H
#define OCIRT_CLI_H

#include <stdbool.h>
#include "common/error.h"
#include "libocirt/container.h"
#include "ocirt/options.h"

struct cli {
	struct ocirt_context ctx;
	const char *log_path; /* absolute, or NULL */
	bool log_json;
	/* exit status main() uses when the verb returns an error (runc: 255 for exec) */
	int error_status;
};

struct verb;
typedef int (*verb_fn)(struct cli *cli, const struct verb *v, int argc, char **argv, struct ocirt_error **err);

struct verb {
	const char *name;
	const char *usage;   /* arguments after "ocirt <name> [command options]" */
	const char *summary; /* one line */
	const char *description; /* paragraph(s) for `<verb> --help`, may be NULL */
	verb_fn fn;
	bool hidden;
};

/* argc/argv start after the verb name. Each returns the exit status (>= 0) or a negative
 * errno with *err set. */
#define VERB(x) int cmd_##x(struct cli *cli, const struct verb *v, int argc, char **argv, struct ocirt_error **err)
VERB(create);
VERB(start);
VERB(run);
VERB(state);
VERB(kill);
VERB(delete);
VERB(list);
VERB(ps);
VERB(exec);
VERB(pause);
VERB(resume);
VERB(update);
VERB(events);
VERB(spec);
VERB(features);
VERB(checkpoint);
VERB(restore);
VERB(check);
VERB(help);

const struct verb *cli_find_verb(const char *name);
const struct verb *cli_verbs(void);

enum cli_nargs { ARGS_EXACT, ARGS_MIN, ARGS_MAX };

/* Parse the verb's options; check the number of positional arguments the runc way
 * (`Incorrect Usage.` + the verb help on stdout, then the error `ocirt: "state" requires
 * exactly 1 argument(s)`). Returns 0 (parsed), 1 (help was printed: the verb returns 0) or
 * a negative errno. A usage error also prints `Incorrect Usage:` and the help. */
int cli_parse(const struct verb *v, const struct opt *opts, int argc, char **argv, unsigned flags,
	      enum cli_nargs kind, int n, char ***ret_args, int *ret_nargs, struct ocirt_error **err);
void cli_print_verb_help(FILE *f, const struct verb *v, const struct opt *opts);

/* A verb of one container ID and no options (start, pause, resume): parse, then fn(id). */
typedef int (*cli_id_fn)(struct ocirt_context *ctx, const char *id, struct ocirt_error **err);
int cli_id_verb(struct cli *cli, const struct verb *v, int argc, char **argv, cli_id_fn fn, struct ocirt_error **err);

/* The caller's cwd-relative path made absolute (malloc'd; NULL for NULL). */
char *cli_abspath(const char *path);

/* "`<verb>`: not implemented yet" */
int cli_not_implemented(const struct verb *v, struct ocirt_error **err);

/* create/run: an ID argument holding a '/' is a bundle path; the ID is its base name with
 * characters outside runc's ID set replaced by '-'. Fills *ret_id and *ret_bundle
 * (malloc'd, absolute); bundle_opt is --bundle (NULL when not given). */
int cli_resolve_id_bundle(const char *arg, const char *bundle_opt, char **ret_id, char **ret_bundle,
			  struct ocirt_error **err);

#endif
