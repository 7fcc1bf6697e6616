/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conmon's command line with glib GOption semantics (podman depends on them):
 * `--opt VALUE` and `--opt=VALUE`; a value is the next argument even when it starts with
 * `-` or is empty; repeatable options accumulate in order; stray positionals (podman's
 * `--api-version 1`) are ignored. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/macros.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "shim/shim.h"

enum opt_type { O_FLAG, O_STR, O_STRV, O_INT, O_INT64, O_API };

struct opt {
	const char *lng;
	char shrt;
	enum opt_type type;
	size_t off;
};

#define F(field) offsetof(struct shim_opts, field)
static const struct opt opts[] = {
    {"api-version", 0, O_API, F(api_version)},
    {"cid", 'c', O_STR, F(cid)},
    {"cuuid", 'u', O_STR, F(cuuid)},
    {"runtime", 'r', O_STR, F(runtime)},
    {"bundle", 'b', O_STR, F(bundle)},
    {"container-pidfile", 'p', O_STR, F(pidfile)},
    {"pidfile", 0, O_STR, F(pidfile)},
    {"conmon-pidfile", 'P', O_STR, F(conmon_pidfile)},
    {"name", 'n', O_STR, F(name)},
    {"exit-dir", 0, O_STR, F(exit_dir)},
    {"persist-dir", '0', O_STR, F(persist_dir)},
    {"full-attach", 0, O_FLAG, F(full_attach)},
    {"socket-dir-path", 0, O_STR, F(socket_dir_path)},
    {"log-path", 'l', O_STRV, F(log_paths)},
    {"log-level", 0, O_STR, F(log_level)},
    {"syslog", 0, O_FLAG, F(syslog)},
    {"log-size-max", 0, O_INT64, F(log_size_max)},
    {"log-global-size-max", 0, O_INT64, F(log_global_size_max)},
    {"log-tag", 0, O_STR, F(log_tag)},
    {"runtime-arg", 0, O_STRV, F(runtime_args)},
    {"runtime-opt", 0, O_STRV, F(runtime_opts)},
    {"restore-arg", 0, O_STRV, F(runtime_opts)},
    {"terminal", 't', O_FLAG, F(terminal)},
    {"stdin", 'i', O_FLAG, F(stdin_)},
    {"leave-stdin-open", 0, O_FLAG, F(leave_stdin_open)},
    {"exec", 'e', O_FLAG, F(exec)},
    {"exec-attach", 0, O_FLAG, F(exec_attach)},
    {"exec-process-spec", 0, O_STR, F(exec_process_spec)},
    {"exit-command", 0, O_STR, F(exit_command)},
    {"exit-command-arg", 0, O_STRV, F(exit_command_args)},
    {"exit-delay", 0, O_INT, F(exit_delay)},
    {"timeout", 'T', O_INT, F(timeout)},
    {"no-new-keyring", 0, O_FLAG, F(no_new_keyring)},
    {"no-pivot", 0, O_FLAG, F(no_pivot)},
    {"systemd-cgroup", 's', O_FLAG, F(systemd_cgroup)},
    {"restore", 0, O_STR, F(restore)},
    {"sdnotify-socket", 0, O_STR, F(sdnotify_socket)},
    {"sync", 0, O_FLAG, F(sync)},
    {"no-sync-log", 0, O_FLAG, F(no_sync_log)},
    {"replace-listen-pid", 0, O_FLAG, F(replace_listen_pid)},
    {"version", 0, O_FLAG, F(version)},
};
#undef F

static void usage(void)
{
	printf("Usage:\n  ocishim [OPTION...] - conmon-compatible container monitor\n\n"
	       "See ocishim(8) for the options (they are conmon's).\n");
}

static int set_value(struct shim_opts *o, const struct opt *op, const char *name, const char *val)
{
	void *p = (char *)o + op->off;
	char *end;
	errno = 0;
	switch (op->type) {
	case O_STR:
		free(*(char **)p);
		*(char **)p = xstrdup(val);
		return 0;
	case O_STRV:
		strv_append((char ***)p, val);
		return 0;
	case O_INT:
	case O_API: {
		long v = strtol(val, &end, 10);
		if (errno || end == val || *end || v < INT_MIN || v > INT_MAX) {
			printf("ocishim: option parsing failed: Cannot parse integer value “%s” for --%s\n", val, name);
			return -EINVAL;
		}
		*(int *)p = (int)v;
		return 0;
	}
	case O_INT64: {
		long long v = strtoll(val, &end, 10);
		if (errno || end == val || *end) {
			printf("ocishim: option parsing failed: Cannot parse integer value “%s” for --%s\n", val, name);
			return -EINVAL;
		}
		*(int64_t *)p = v;
		return 0;
	}
	case O_FLAG:
		break;
	}
	return -EINVAL;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int shim_parse_options(struct shim_opts *o, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *op = NULL;
		const char *inl = NULL;
		char namebuf[64];
		if (streq(a, "-h") || streq(a, "--help") || streq(a, "-?")) {
			usage();
			exit(0);
		}
		if (a[0] != '-' || a[1] == '\0')
			continue; /* stray positional (`--api-version 1`): ignored like glib leaves it */
		if (streq(a, "--")) {
			break;
		}
		if (a[1] == '-') {
			const char *n = a + 2;
			const char *eq = strchr(n, '=');
			size_t nl = eq ? (size_t)(eq - n) : strlen(n);
			if (nl >= sizeof(namebuf))
				nl = sizeof(namebuf) - 1;
			memcpy(namebuf, n, nl);
			namebuf[nl] = '\0';
			if (eq)
				inl = eq + 1;
			for (size_t k = 0; k < ARRAY_SIZE(opts); k++)
				if (streq(opts[k].lng, namebuf)) {
					op = &opts[k];
					break;
				}
		} else {
			for (size_t k = 0; k < ARRAY_SIZE(opts); k++)
				if (opts[k].shrt && opts[k].shrt == a[1]) {
					op = &opts[k];
					break;
				}
			if (op && a[2] != '\0') {
				if (op->type == O_FLAG)
					op = NULL; /* no bundled short flags in podman's usage */
				else
					inl = a + 2;
			}
			if (op)
				snprintf(namebuf, sizeof(namebuf), "%s", op->lng);
		}
		if (!op) {
			printf("ocishim: option parsing failed: Unknown option %s\n", a);
			return -EINVAL;
		}
		void *p = (char *)o + op->off;
		if (op->type == O_FLAG) {
			if (inl) {
				printf("ocishim: option parsing failed: Unexpected value for --%s\n", op->lng);
				return -EINVAL;
			}
			*(bool *)p = true;
			continue;
		}
		if (op->type == O_API) {
			/* declared without a value in conmon; podman passes `--api-version 1` */
			const char *v = inl;
			if (!v && i + 1 < argc && all_digits(argv[i + 1]))
				v = argv[++i];
			*(int *)p = v ? atoi(v) : 1;
			continue;
		}
		if (!inl) {
			if (i + 1 >= argc) {
				printf("ocishim: option parsing failed: Missing argument for %s\n", a);
				return -EINVAL;
			}
			inl = argv[++i];
		}
		int r = set_value(o, op, op->lng, inl);
		if (r < 0)
			return r;
	}
	return 0;
}

int shim_log_level_parse(const char *s)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {
	    {"error", SHIM_LOG_ERROR},  {"fatal", SHIM_LOG_ERROR}, {"panic", SHIM_LOG_ERROR}, {"warn", SHIM_LOG_WARN},
	    {"warning", SHIM_LOG_WARN}, {"info", SHIM_LOG_INFO},   {"debug", SHIM_LOG_DEBUG}, {"trace", SHIM_LOG_TRACE},
	};
	if (!s)
		return SHIM_LOG_WARN;
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
		if (strcasecmp(levels[i].name, s) == 0)
			return levels[i].level;
	return -EINVAL;
}

void shim_opts_free(struct shim_opts *o)
{
	char **strs[] = {&o->cid,
	                 &o->cuuid,
	                 &o->runtime,
	                 &o->bundle,
	                 &o->pidfile,
	                 &o->conmon_pidfile,
	                 &o->name,
	                 &o->exit_dir,
	                 &o->persist_dir,
	                 &o->log_level,
	                 &o->log_tag,
	                 &o->socket_dir_path,
	                 &o->exec_process_spec,
	                 &o->exit_command,
	                 &o->restore,
	                 &o->sdnotify_socket};
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	strv_free(o->log_paths);
	strv_free(o->runtime_args);
	strv_free(o->runtime_opts);
	strv_free(o->exit_command_args);
	o->log_paths = o->runtime_args = o->runtime_opts = o->exit_command_args = NULL;
}
