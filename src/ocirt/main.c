/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt: global options, the verb table, error printing and exit codes.
 *
 * Shape of a command line (runtime-cli.md 1.1): `ocirt [global options] <verb> [options]
 * [args]`. Global options only go before the verb. Errors climb from the verbs as
 * struct ocirt_error and are printed here, once, through the log sink (so --log FILE
 * --log-format json gets a JSON record and stderr the bare message). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <seccomp.h>

#include "common/log.h"
#include "common/strv.h"
#include "common/timing.h"
#include "common/xalloc.h"
#include "ocirt/cli.h"

static const struct verb verbs[] = {
	{ "checkpoint", "[command options] <container-id>", "checkpoint a running container",
	  "Checkpointing (CRIU) is not implemented: this command always fails, --help included, so that callers "
	  "probing for checkpoint support (podman) see that it is missing.",
	  cmd_checkpoint, false },
	{ "check", "[command options]", "validate a bundle's config.json and rootfs without creating anything",
	  "Loads <bundle>/config.json, checks it against the runtime-spec and ocirt's rules, and checks the root "
	  "filesystem. Every problem is printed on its own line with its JSON path; the exit status is 1 if there "
	  "is any.",
	  cmd_check, false },
	{ "create", "[command options] <container-id>", "create a container",
	  "Creates the container's namespaces, cgroup, root filesystem and init process, and leaves the init "
	  "waiting: `ocirt start` runs the user program. <container-id> is unique per state root.",
	  cmd_create, false },
	{ "delete", "[command options] <container-id>", "delete any resources held by the container",
	  "A created or stopped container is destroyed; a running one only with --force (SIGKILL first).",
	  cmd_delete, false },
	{ "events", "[command options] <container-id>", "display container events such as OOM notifications, cpu, "
	  "memory, and IO usage statistics", NULL, cmd_events, false },
	{ "exec", "[command options] <container-id> <command> [command options]  ||  -p process.json <container-id>",
	  "execute new process inside the container", NULL, cmd_exec, false },
	{ "features", "", "show the enabled features",
	  "Prints the runtime-spec features.json document describing what this build of ocirt implements.",
	  cmd_features, false },
	{ "help", "[command]", "show a list of commands or help for one command", NULL, cmd_help, false },
	{ "kill", "[command options] <container-id> [signal]", "kill sends the specified signal (default: SIGTERM) "
	  "to the container's init process",
	  "The signal is a number (9) or a name with or without SIG (KILL, SIGKILL).", cmd_kill, false },
	{ "list", "[command options]", "lists containers started by ocirt with the given root", NULL, cmd_list,
	  false },
	{ "pause", "<container-id>", "pause suspends all processes inside the container", NULL, cmd_pause, false },
	{ "ps", "[command options] <container-id> [ps options]", "ps displays the processes running inside a "
	  "container", NULL, cmd_ps, false },
	{ "restore", "[command options] <container-id>", "restore a container from a previous checkpoint",
	  "Restoring (CRIU) is not implemented.", cmd_restore, false },
	{ "resume", "<container-id>", "resumes all processes that have been previously paused", NULL, cmd_resume,
	  false },
	{ "run", "[command options] <container-id>", "create and run a container",
	  "create + start in one command. Without --detach ocirt waits for the container's init and exits with "
	  "its status (128+N when killed by signal N), then deletes the container unless --keep. "
	  "An argument containing '/' is a bundle path; the ID is then its directory name.",
	  cmd_run, false },
	{ "spec", "[command options]", "create a new specification file",
	  "Writes a starter config.json (busybox-friendly: args [\"sh\"], a terminal, pid/network/ipc/uts/mount "
	  "namespaces) into the bundle directory. It refuses to overwrite an existing one.",
	  cmd_spec, false },
	{ "start", "<container-id>", "executes the user defined process in a created container", NULL, cmd_start,
	  false },
	{ "state", "<container-id>", "output the state of a container", NULL, cmd_state, false },
	{ "update", "[command options] <container-id>", "update container resource constraints", NULL, cmd_update,
	  false },
	{ NULL, NULL, NULL, NULL, NULL, false },
};

const struct verb *cli_verbs(void)
{
	return verbs;
}

const struct verb *cli_find_verb(const char *name)
{
	for (const struct verb *v = verbs; v->name; v++)
		if (streq(v->name, name))
			return v;
	if (streq(name, "h"))
		return cli_find_verb("help");
	return NULL;
}

/* --- global options ------------------------------------------------------------------ */

struct globals {
	const char *root;
	const char *log;
	const char *log_format;
	const char *log_level;
	const char *rootless;
	const char *cgroup_manager;
	const char *criu;
	bool debug;
	bool systemd_cgroup;
	bool timings;
	bool version;
};

static struct globals g;
/* main's argv: create, run and exec re-execute it from a sealed copy where CVE-2019-5736
 * needs it (exe-protect.h) */
static char **g_argv;

static const struct opt global_opts[] = {
	{ "debug", OPT_BOOL, &g.debug, NULL, "enable debug logging" },
	{ "log", OPT_STRING, &g.log, "FILE", "set the log file to write ocirt logs to (default is stderr)" },
	{ "log-format", OPT_STRING, &g.log_format, "text|json", "set the log format (default: text)" },
	{ "log-level", OPT_STRING, &g.log_level, "LEVEL", "error (default), warning, info or debug" },
	{ "root", OPT_STRING, &g.root, "DIR", "root directory for storage of container state (default: /run/ocirt "
	  "for root, $XDG_RUNTIME_DIR/ocirt otherwise)" },
	{ "criu", OPT_STRING, &g.criu, "PATH", NULL /* accepted and ignored, as runc >= 1.2 */ },
	{ "systemd-cgroup", OPT_BOOL, &g.systemd_cgroup, NULL, "enable systemd cgroup support, expects cgroupsPath "
	  "to be of form \"slice:prefix:name\" for e.g. \"system.slice:ocirt:434234\"" },
	{ "cgroup-manager", OPT_STRING, &g.cgroup_manager, "MANAGER", "cgroupfs or systemd (crun's option)" },
	{ "rootless", OPT_STRING, &g.rootless, "true|false|auto", "ignore cgroup permission errors (default: auto)" },
	{ "timings", OPT_BOOL, &g.timings, NULL, "print a per-phase timing breakdown on stderr (or OCIRT_TIMINGS=1)" },
	{ "version|v", OPT_BOOL, &g.version, NULL, "print the version" },
	{ NULL, 0, NULL, NULL, NULL },
};

static void print_version(void)
{
	const struct scmp_version *sv = seccomp_version();

	printf("ocirt version %s\n", PACKAGE_VERSION);
	printf("commit: %s\n", OCIRT_COMMIT);
	printf("spec: %s\n", OCIRT_SPEC_VERSION);
	if (sv)
		printf("libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
	printf("+SECCOMP +CAP +YAJL"
#ifdef HAVE_SELINUX
	       " +SELINUX"
#endif
#ifdef HAVE_SYSTEMD
	       " +SYSTEMD"
#endif
#ifdef OCIRT_FAULT_INJECTION
	       " +FAULT_INJECTION"
#endif
	       "\n");
}

static void print_main_help(FILE *f)
{
	fprintf(f, "NAME:\n   ocirt - Open Container Initiative runtime\n\n"
		   "ocirt is a command line client for running applications packaged according to the Open Container "
		   "Initiative (OCI) format; it is a drop-in replacement for runc and crun.\n\n"
		   "USAGE:\n   ocirt [global options] command [command options] [arguments...]\n\n"
		   "VERSION:\n   %s\ncommit: %s\nspec: %s\n\nCOMMANDS:\n",
		PACKAGE_VERSION, OCIRT_COMMIT, OCIRT_SPEC_VERSION);
	for (const struct verb *v = verbs; v->name; v++)
		if (!v->hidden)
			fprintf(f, "   %-12s %s\n", v->name, v->summary);
	fprintf(f, "\nGLOBAL OPTIONS:\n");
	opt_print_help(f, global_opts);
}

VERB(help)
{
	const struct verb *t;

	if (argc < 1 || argv[0][0] == '-') {
		print_main_help(stdout);
		return 0;
	}
	t = cli_find_verb(argv[0]);
	if (!t)
		return ocirt_error_setx(err, EINVAL, "No help topic for '%s'", argv[0]);
	/* every verb prints its own help (options included) for --help */
	char *hargv[] = { (char *)"--help", NULL };
	return t->fn(cli, t, 1, hargv, err);
}

/* --- helpers for the verbs ---------------------------------------------------------- */

void cli_print_verb_help(FILE *f, const struct verb *v, const struct opt *opts)
{
	fprintf(f, "NAME:\n   ocirt %s - %s\n\nUSAGE:\n   ocirt %s%s%s\n", v->name, v->summary, v->name,
		*v->usage ? " " : "", v->usage);
	if (v->description)
		fprintf(f, "\nDESCRIPTION:\n   %s\n", v->description);
	fprintf(f, "\nOPTIONS:\n");
	opt_print_help(f, opts);
}

int cli_parse(const struct verb *v, const struct opt *opts, int argc, char **argv, unsigned flags,
	      enum cli_nargs kind, int n, char ***ret_args, int *ret_nargs, struct ocirt_error **err)
{
	_cleanup_free_ char **args = NULL;
	int nargs = 0, r;
	bool bad;

	r = opt_parse(opts, argc, argv, flags, &args, &nargs, err);
	if (r == 1) {
		cli_print_verb_help(stdout, v, opts);
		return 1;
	}
	if (r < 0) {
		printf("Incorrect Usage: %s\n\n", (*err)->msg);
		cli_print_verb_help(stdout, v, opts);
		return r;
	}
	bad = (kind == ARGS_EXACT && nargs != n) || (kind == ARGS_MIN && nargs < n) ||
	      (kind == ARGS_MAX && nargs > n);
	if (bad) {
		printf("Incorrect Usage.\n\n");
		cli_print_verb_help(stdout, v, opts);
		return ocirt_error_setx(err, EINVAL, "ocirt: \"%s\" requires %s %d argument(s)", v->name,
					kind == ARGS_EXACT ? "exactly" : kind == ARGS_MIN ? "a minimum of" : "a maximum of",
					n);
	}
	if (ret_args)
		*ret_args = TAKE_PTR(args);
	if (ret_nargs)
		*ret_nargs = nargs;
	return 0;
}

int cli_id_verb(struct cli *cli, const struct verb *v, int argc, char **argv, cli_id_fn fn, struct ocirt_error **err)
{
	_cleanup_free_ char **args = NULL;
	const struct opt opts[] = { { NULL, 0, NULL, NULL, NULL } };
	int r;

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = fn(&cli->ctx, args[0], err);
	return r < 0 ? r : 0;
}

char *cli_abspath(const char *path)
{
	char cwd[PATH_MAX];

	if (!path)
		return NULL;
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	if (streq(path, "."))
		return xstrdup(cwd);
	if (path[0] == '.' && path[1] == '/')
		path += 2;
	return xasprintf("%s%s%s", cwd, streq(cwd, "/") ? "" : "/", path);
}

int cli_not_implemented(const struct verb *v, struct ocirt_error **err)
{
	return ocirt_error_setx(err, ENOSYS, "`%s`: not implemented yet", v->name);
}

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '+' || c == ',' || c == '-' || c == '.';
}

int cli_resolve_id_bundle(const char *arg, const char *bundle_opt, char **ret_id, char **ret_bundle,
			  struct ocirt_error **err)
{
	_cleanup_free_ char *bundle = NULL, *id = NULL;

	if (!strchr(arg, '/')) {
		bundle = cli_abspath(bundle_opt ? bundle_opt : ".");
		id = xstrdup(arg);
	} else {
		if (bundle_opt)
			return ocirt_error_setx(err, EINVAL,
						"`%s` looks like a bundle path (it contains '/'), but --bundle is given too; "
						"pass a container ID",
						arg);
		bundle = cli_abspath(arg);
		/* strip trailing slashes, then take the base name */
		size_t len = strlen(bundle);
		while (len > 1 && bundle[len - 1] == '/')
			bundle[--len] = '\0';
		const char *base = strrchr(bundle, '/');
		base = base ? base + 1 : bundle;
		id = xstrdup(base);
		for (char *p = id; *p; p++)
			if (!id_char(*p))
				*p = '-';
		if (!*id || streq(id, ".") || streq(id, ".."))
			return ocirt_error_setx(err, EINVAL, "cannot derive a container ID from the bundle path `%s`",
						arg);
	}
	*ret_id = TAKE_PTR(id);
	*ret_bundle = TAKE_PTR(bundle);
	return 0;
}

/* --- main --------------------------------------------------------------------------- */

static int setup_log(struct cli *cli, struct ocirt_error **err)
{
	enum ocirt_log_format fmt = OCIRT_LOG_TEXT;
	enum ocirt_log_level level = OCIRT_LOG_ERROR;
	int r;

	if (g.log_format) {
		if (streq(g.log_format, "json"))
			fmt = OCIRT_LOG_JSON;
		else if (!streq(g.log_format, "text"))
			return ocirt_error_setx(err, EINVAL, "invalid log-format: %s", g.log_format);
	}
	if (g.log_level) {
		if (streq(g.log_level, "error"))
			level = OCIRT_LOG_ERROR;
		else if (streq(g.log_level, "warning") || streq(g.log_level, "warn"))
			level = OCIRT_LOG_WARNING;
		else if (streq(g.log_level, "info"))
			level = OCIRT_LOG_INFO;
		else if (streq(g.log_level, "debug"))
			level = OCIRT_LOG_DEBUG;
		else
			return ocirt_error_setx(err, EINVAL, "invalid log-level: %s", g.log_level);
	}
	if (g.debug)
		level = OCIRT_LOG_DEBUG;
	cli->log_json = fmt == OCIRT_LOG_JSON;
	if (g.log && *g.log) {
		/* crun's "file:PATH" form */
		const char *p = strneq(g.log, "file:", 5) ? g.log + 5 : g.log;
		cli->log_path = cli_abspath(p);
	}
	r = ocirt_log_init(cli->log_path, fmt, level);
	if (r < 0) {
		/* still report in the requested format, on stderr */
		ocirt_log_init(NULL, fmt, level);
		return ocirt_error_set(err, -r, "open log file `%s`", cli->log_path);
	}
	return 0;
}

static int setup_context(struct cli *cli, struct ocirt_error **err)
{
	const char *env;

	cli->ctx.state_root = g.root ? cli_abspath(g.root) : ocirt_default_state_root();
	cli->ctx.debug = g.debug;
	cli->ctx.systemd_cgroup = g.systemd_cgroup;
	cli->ctx.rootless = -1;
	cli->ctx.argv = g_argv;
	if (g.rootless && !streq(g.rootless, "auto")) {
		bool b;
		if (opt_parse_bool(g.rootless, &b) < 0)
			return ocirt_error_setx(err, EINVAL, "invalid value for rootless: %s", g.rootless);
		cli->ctx.rootless = b;
	}
	if (g.cgroup_manager) {
		if (streq(g.cgroup_manager, "systemd"))
			cli->ctx.systemd_cgroup = true;
		else if (streq(g.cgroup_manager, "cgroupfs"))
			cli->ctx.systemd_cgroup = false;
		else if (streq(g.cgroup_manager, "disabled"))
			/* no cgroup at all: not wired into libocirt yet, so refuse rather than pretend */
			return ocirt_error_setx(err, ENOTSUP, "--cgroup-manager=disabled is not supported yet");
		else
			return ocirt_error_setx(err, EINVAL, "unknown cgroup manager `%s`", g.cgroup_manager);
	}
	env = getenv("OCIRT_TIMINGS");
	cli->ctx.timings = g.timings || (env && streq(env, "1"));
	ocirt_timing_enable(cli->ctx.timings);
	return 0;
}

static int fail(struct ocirt_error *e, int status)
{
	ocirt_log_error(e ? e->msg : NULL);
	ocirt_error_free(e);
	return status;
}

int main(int argc, char **argv)
{
	struct cli cli = { .error_status = 1 };
	struct ocirt_error *err = NULL;
	_cleanup_free_ char **rest = NULL;
	const struct verb *v;
	int nrest = 0, r, status;

	g_argv = argv;
	/* until the options say otherwise: errors as text records on stderr */
	ocirt_log_init(NULL, OCIRT_LOG_TEXT, OCIRT_LOG_ERROR);

	r = opt_parse(global_opts, argc - 1, argv + 1, OPT_IN_ORDER, &rest, &nrest, &err);
	if (r == 1) {
		print_main_help(stdout);
		return 0;
	}
	if (r < 0) {
		printf("Incorrect Usage. %s\n\n", err->msg);
		print_main_help(stdout);
		return fail(err, 1);
	}
	if (setup_log(&cli, &err) < 0)
		return fail(err, 1);
	if (g.version) {
		print_version();
		return 0;
	}
	if (nrest == 0) {
		print_main_help(stdout);
		return 0;
	}
	v = cli_find_verb(rest[0]);
	if (!v) {
		ocirt_error_setx(&err, EINVAL, "No help topic for '%s'", rest[0]);
		return fail(err, 3);
	}
	if (setup_context(&cli, &err) < 0)
		return fail(err, 1);

	status = v->fn(&cli, v, nrest - 1, rest + 1, &err);
	if (cli.ctx.timings)
		ocirt_timing_print(stderr);
	free(cli.ctx.state_root);
	free((char *)cli.log_path);
	if (status < 0)
		return fail(err, cli.error_status);
	ocirt_error_free(err);
	return status;
}
