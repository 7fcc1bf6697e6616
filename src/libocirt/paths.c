/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where container state lives by default (runtime-cli.md 1.3, runc's rule):
 *   - euid 0 in the initial user namespace: /run/ocirt (XDG_RUNTIME_DIR ignored);
 *   - euid 0 inside a user namespace (rootless podman): $XDG_RUNTIME_DIR/ocirt unless
 *     USER=root is set;
 *   - any other euid: $XDG_RUNTIME_DIR/ocirt when set.
 * Podman runs `state` with XDG_RUNTIME_DIR as its only variable, so nothing else may
 * matter. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "libocirt/container.h"

/* /proc/self/uid_map of the initial namespace is exactly "0 0 4294967295". */
static bool in_initial_userns(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long a, b, c;

	if (!f)
		return true;
	if (fscanf(f, "%lu %lu %lu", &a, &b, &c) != 3)
		return true;
	return a == 0 && b == 0 && c == 4294967295UL;
}

char *ocirt_default_state_root(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	bool use_xdg = false;

	if (xdg && *xdg) {
		if (geteuid() != 0)
			use_xdg = true;
		else if (!in_initial_userns()) {
			const char *user = getenv("USER");
			use_xdg = !(user && streq(user, "root"));
		}
	}
	if (use_xdg)
		return xasprintf("%s/ocirt", xdg);
	return xstrdup("/run/ocirt");
}
