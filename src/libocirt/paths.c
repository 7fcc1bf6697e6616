/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where container state lives by default (runtime-cli.md 1.3, runc's rule):
 *   - euid 0 in the initial user namespace: /run/ocirt (XDG_RUNTIME_DIR ignored);
 *   - euid 0 inside a user namespace (rootless podman): $XDG_RUNTIME_DIR/ocirt unless
 *     USER=root is set;
 *   - any other euid: $XDG_RUNTIME_DIR/ocirt when set, else /run/user/<euid>/ocirt when
 *     that session dir exists and is the caller's (su/setpriv shells lack the variable;
 *     runc would fail on /run/runc there).
 * Podman runs `state` with XDG_RUNTIME_DIR as its only variable, so nothing else may
 * matter. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/proc-util.h"
#include "common/xalloc.h"
#include "libocirt/container.h"

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
	if (!(xdg && *xdg) && geteuid() != 0) {
		char run_user[64];
		struct stat st;
		snprintf(run_user, sizeof(run_user), "/run/user/%u", (unsigned)geteuid());
		if (stat(run_user, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid())
			return xasprintf("%s/ocirt", run_user);
	}
	return xstrdup("/run/ocirt");
}

bool ocirt_context_rootless(const struct ocirt_context *ctx)
{
	if (ctx->rootless >= 0)
		return ctx->rootless == 1;
	return geteuid() != 0 || !in_initial_userns();
}
