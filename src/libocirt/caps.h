/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.capabilities and process.noNewPrivileges.
 *
 * Names are resolved once, early (parent side, during load/validation, before any
 * namespace exists): ocirt_caps_prepare() turns the five name lists into bit masks and
 * warns about names the kernel or libcap does not know (runc skips them with a warning too).
 *
 * The child applies them in three rows of its step table (init.c), around the user switch
 * that process.c performs (setgroups, setgid, setuid):
 *
 *   "bounding"      ocirt_caps_drop_bounding()  BEFORE the user switch: PR_CAPBSET_DROP needs
 *                                               CAP_SETPCAP, which a non-root uid loses;
 *                                               also sets PR_SET_KEEPCAPS so setuid() to a
 *                                               non-zero uid keeps the permitted set.
 *   "user"          (process.c)                 setgroups/setresgid/setresuid
 *   "capabilities"  ocirt_caps_apply()          AFTER the user switch: clears KEEPCAPS, then
 *                                               capset(effective, permitted, inheritable),
 *                                               then the ambient set (needs each cap in both
 *                                               permitted and inheritable, so it comes last).
 *   "no_new_privs"  ocirt_caps_set_no_new_privs()
 *
 * A NULL struct ocirt_caps (process.capabilities absent) means "leave capabilities as they
 * are", as runc does; every function then does nothing. An absent list inside a present
 * capabilities object is an empty set.
 *
 * Sets that cannot be granted (a cap outside the permitted set we hold, an ambient cap that is
 * not both permitted and inheritable) are dropped with a warning (runtime-spec 1.1: "MUST log
 * a warning"), never silently. */
#ifndef OCIRT_CAPS_H
#define OCIRT_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

/* Bit n = capability number n; 64 bits cover the kernel's range for years (40 in 6.x). */
struct ocirt_caps {
	uint64_t bounding;
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
	uint64_t ambient;
	unsigned int last_cap; /* highest capability number the running kernel knows */
};

/* Parse the names (parent side). c == NULL: *ret = NULL and 0 (capabilities untouched).
 * Unknown or unavailable names: one log_warning listing them, then skipped. Names must look
 * like "CAP_XXX" (any case); anything else is unknown. */
int ocirt_caps_prepare(const struct oci_capabilities *c, struct ocirt_caps **ret, struct ocirt_error **err);
void ocirt_caps_free(struct ocirt_caps *c);
static inline void ocirt_caps_freep(struct ocirt_caps **c)
{
	ocirt_caps_free(*c);
	*c = NULL;
}
#define _cleanup_caps_ _cleanup_(ocirt_caps_freep)

/* Child, before the user switch. Drops every capability not in c->bounding from the bounding
 * set and sets PR_SET_KEEPCAPS. c == NULL: nothing. */
int ocirt_caps_drop_bounding(const struct ocirt_caps *c, struct ocirt_error **err);
/* Child, after the user switch. c == NULL: nothing (KEEPCAPS is left unset anyway). */
int ocirt_caps_apply(const struct ocirt_caps *c, struct ocirt_error **err);
/* prctl(PR_SET_NO_NEW_PRIVS) when enable; nothing otherwise (it can't be unset). */
int ocirt_caps_set_no_new_privs(bool enable, struct ocirt_error **err);

/* Does the effective set the container process will hold contain cap? Used to decide when
 * seccomp can be loaded (see seccomp.h). c == NULL: the caps are untouched, so true. */
bool ocirt_caps_final_effective_has(const struct ocirt_caps *c, int cap);

/* Masks for tests and `features`: the name of capability n ("CAP_CHOWN"), malloc'd. */
char *ocirt_caps_name(unsigned int cap);
/* Every capability the kernel and libcap both know, as "CAP_*" names (for `features`). */
char **ocirt_caps_known_names(void);

#endif
