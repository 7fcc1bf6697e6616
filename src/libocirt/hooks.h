/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks: run a list of hooks in order, each with the state JSON on stdin, its own argv
 * (args as given: argv[0] may differ from path) and env only, and an optional timeout. The
 * hooks inherit the runtime's stdout and stderr. Failure semantics are the caller's: this
 * only reports the first failing hook. */
#ifndef OCIRT_HOOKS_H
#define OCIRT_HOOKS_H

#include <stddef.h>
#include <sys/types.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

/* kind is the hook list's name ("prestart", ...) for messages:
 *   prestart hook #0 `/usr/bin/foo`: exit status 1
 *   createRuntime hook #1 `/bin/sleep`: timed out after 2 s (killed) */
int ocirt_hooks_run(const char *kind, const struct oci_hook *hooks, size_t n, const char *state_json,
		    struct ocirt_error **err);

/* The spec state JSON for hooks: status, pid (0 = left out), bundle, annotations. */
char *ocirt_hooks_state_json(const char *oci_version, const char *id, const char *status, pid_t pid,
			     const char *bundle, const struct oci_map *annotations);

#endif
