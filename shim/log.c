/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The log drivers behind one call: `-l driver:path` parsing and fan-out. `none` logs
 * nothing; `passthrough` hands podman's stdio straight to the runtime (no pipes, no
 * attach socket), so neither needs code of its own beyond this file. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/macros.h"
#include "common/xalloc.h"
#include "shim/shim.h"

static int add_driver(struct shim *s, const char *spec)
{
	const char *colon = strchr(spec, ':');
	_cleanup_free_ char *driver = colon ? xstrndup(spec, (size_t)(colon - spec)) : NULL;
	const char *path = colon ? colon + 1 : NULL;

	if (!colon) {
		/* a bare word is a driver name when it is one, else a k8s-file path */
		if (streq(spec, "none") || streq(spec, "off") || streq(spec, "null"))
			return 0;
		if (streq(spec, "journald")) {
			s->log_journald = true;
			return 0;
		}
		if (streq(spec, "passthrough")) {
			s->log_passthrough = true;
			return 0;
		}
		if (streq(spec, "k8s-file")) {
			pr_err("k8s-file requires a filename");
			return -EINVAL;
		}
		driver = xstrdup("k8s-file");
		path = spec;
	}
	if (streq(driver, "") || streq(driver, "k8s-file")) {
		if (!*path) {
			pr_err("k8s-file requires a filename");
			return -EINVAL;
		}
		free(s->k8s_path);
		s->k8s_path = xstrdup(path);
		s->log_k8s = true;
	} else if (streq(driver, "journald")) {
		s->log_journald = true;
	} else if (streq(driver, "none") || streq(driver, "off") || streq(driver, "null")) {
		/* nothing */
	} else if (streq(driver, "passthrough")) {
		s->log_passthrough = true;
	} else {
		pr_err("No such log driver %s", driver);
		return -EINVAL;
	}
	return 0;
}

int logs_setup(struct shim *s)
{
	if (!s->o.log_paths || !s->o.log_paths[0]) {
		pr_err("Log driver not provided. Use --log-path");
		return -EINVAL;
	}
	for (char **l = s->o.log_paths; *l; l++) {
		int r = add_driver(s, *l);
		if (r < 0)
			return r;
	}
	if (s->log_k8s && s->o.log_tag) {
		/* as conmon: podman users get an error for --log-opt tag with k8s-file */
		pr_err("k8s-file doesn't support --log-tag");
		return -EINVAL;
	}
	if (s->log_passthrough) {
		for (int fd = 0; fd <= 2; fd++)
			if (isatty(fd)) {
				pr_err("cannot use a tty with passthrough logging mode to prevent attacks via TIOCSTI");
				return -EINVAL;
			}
	}
	if (s->log_journald) {
		int r = journald_log_setup(s);
		if (r < 0)
			return r;
	}
	if (s->log_k8s)
		return k8s_log_open(s);
	return 0;
}

void logs_write(struct shim *s, int stream, const char *buf, size_t len)
{
	if (s->log_k8s)
		k8s_log_write(s, stream, buf, len);
	if (s->log_journald)
		journald_log_write(s, stream, buf, len);
}

void logs_flush(struct shim *s)
{
	if (s->log_journald)
		journald_log_flush(s);
	if (s->log_k8s && !s->o.no_sync_log)
		k8s_log_sync(s);
}

int logs_reopen(struct shim *s)
{
	return s->log_k8s ? k8s_log_reopen(s) : 0;
}
