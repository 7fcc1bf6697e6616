/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Semantic checks of a bundle beyond what libocispec's types enforce: the rules runc and
 * crun apply before anything is created (runtime-cli.md 1.7 create, step 3). Every check
 * reports "config.json: <json path>: <problem>" so `ocirt check` can list them all.
 * ocirt_bundle_load() and ocirt_validate_id() (container.h) are implemented here too. */
#ifndef OCIRT_VALIDATE_H
#define OCIRT_VALIDATE_H

#include <stdbool.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

/* Check a parsed config against the host-independent rules and the rootfs (resolved
 * against bundle_dir). Appends every problem to *problems (when non-NULL); *err gets the
 * first. Returns 0 or -EINVAL. */
int ocirt_validate_config(const struct oci_config *c, const char *bundle_dir, char ***problems,
			  struct ocirt_error **err);

/* The absolute host path of root.path (relative paths are relative to the bundle). */
char *ocirt_rootfs_path(const struct oci_config *c, const char *bundle_dir);

#endif
