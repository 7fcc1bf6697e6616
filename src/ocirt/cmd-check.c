/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt check [--bundle|-b DIR]: load and validate config.json and the rootfs the way
 * create does, without creating anything. Every problem is printed on its own line
 * ("config.json: <json path>: <problem>"); exit 1 if there is any. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/lsm.h"
#include "libocirt/namespace.h"
#include "libocirt/seccomp.h"
#include "ocirt/cli.h"

/* What create checks after loading the bundle, before anything exists: namespace joins,
 * LSM labels the host can apply, the seccomp profile compiling. Each failure is a problem. */
static void check_like_create(const struct oci_config *c, char ***problems)
{
	struct ocirt_error *e = NULL;
	struct ocirt_ns_plan plan;

	if (ocirt_ns_plan_build(c, &plan, &e) >= 0)
		ocirt_ns_plan_release(&plan);
	else {
		strv_append(problems, e->msg);
		ocirt_error_free(e);
		e = NULL;
	}
	if (ocirt_lsm_validate(c, &e) < 0) {
		strv_append(problems, e->msg);
		ocirt_error_free(e);
		e = NULL;
	}
	if (c->linux_ && c->linux_->seccomp) {
		struct ocirt_seccomp *sc = NULL;
		if (ocirt_seccomp_compile(c->linux_->seccomp, NULL, &sc, &e) < 0) {
			strv_append(problems, e->msg);
			ocirt_error_free(e);
			e = NULL;
		} else
			ocirt_seccomp_free(sc);
	}
}

VERB(check)
{
	const char *bundle = NULL;
	_cleanup_free_ char *dir = NULL;
	_cleanup_strv_ char **problems = NULL;
	struct ocirt_bundle *b = NULL;
	size_t n;
	int r;
	const struct opt opts[] = {
		{ "bundle|b", OPT_STRING, &bundle, "DIR", "path to the root of the bundle directory, defaults to the "
		  "current directory" },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 0, NULL, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	dir = cli_abspath(bundle ? bundle : ".");
	r = ocirt_bundle_load(dir, &b, &problems, err);
	if (r >= 0) {
		check_like_create(b->config, &problems);
		ocirt_bundle_free(b);
		if (strv_length(problems) == 0) {
			printf("%s: ok\n", dir);
			return 0;
		}
	}
	n = strv_length(problems);
	if (n == 0)
		return r; /* the error itself is the one problem */
	for (size_t i = 0; i < n; i++)
		printf("%s\n", problems[i]);
	fflush(stdout);
	ocirt_error_free(*err);
	*err = NULL;
	return ocirt_error_setx(err, EINVAL, "%zu problem%s found in %s/config.json", n, n == 1 ? "" : "s", dir);
}
