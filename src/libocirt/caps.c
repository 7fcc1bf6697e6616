/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capabilities and no_new_privs. See caps.h for which init step calls what, and why there. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/capability.h>

#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/caps.h"

#define CAP_BIT(n) (UINT64_C(1) << (n))

/* The kernel's highest capability number: /proc/sys/kernel/cap_last_cap (3.2+), else what
 * libcap probed. Capped to 63 since the masks are 64 bits wide. */
static unsigned int kernel_last_cap(void)
{
	_cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	unsigned int last = 0;
	bool ok = false;

	if (fd >= 0) {
		char buf[16];
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			char *end;
			buf[n] = '\0';
			errno = 0;
			unsigned long v = strtoul(buf, &end, 10);
			if (errno == 0 && end != buf && v < 64) {
				last = (unsigned int)v;
				ok = true;
			}
		}
	}
	if (!ok) {
		cap_value_t m = cap_max_bits();
		last = m > 0 ? (unsigned int)m - 1 : CAP_LAST_CAP;
	}
	return last > 63 ? 63 : last;
}

/* "CAP_SYS_ADMIN" (any case) -> 21. Returns -1 when libcap doesn't know the exact name
 * (cap_from_name alone also takes numbers and name prefixes followed by junk). */
static int resolve_name(const char *name)
{
	cap_value_t v;

	if (strncasecmp(name, "CAP_", 4) != 0 || name[4] == '\0')
		return -1;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return -1;
	if (cap_from_name(name, &v) < 0 || v < 0)
		return -1;
	char *back = cap_to_name(v);
	if (!back)
		return -1;
	bool same = strcasecmp(back, name) == 0;
	cap_free(back);
	return same ? (int)v : -1;
}

static void add_names(char **names, unsigned int last_cap, uint64_t *mask, char ***unknown)
{
	for (size_t i = 0; names && names[i]; i++) {
		int v = resolve_name(names[i]);
		if (v < 0 || (unsigned int)v > last_cap) {
			if (!strv_contains(*unknown, names[i]))
				strv_append(unknown, names[i]);
			continue;
		}
		*mask |= CAP_BIT(v);
	}
}

int ocirt_caps_prepare(const struct oci_capabilities *c, struct ocirt_caps **ret, struct ocirt_error **err)
{
	_cleanup_strv_ char **unknown = NULL;
	struct ocirt_caps *caps;

	if (!c) {
		*ret = NULL;
		return 0;
	}
	caps = xnew0(struct ocirt_caps, 1);
	caps->last_cap = kernel_last_cap();
	add_names(c->bounding, caps->last_cap, &caps->bounding, &unknown);
	add_names(c->effective, caps->last_cap, &caps->effective, &unknown);
	add_names(c->permitted, caps->last_cap, &caps->permitted, &unknown);
	add_names(c->inheritable, caps->last_cap, &caps->inheritable, &unknown);
	add_names(c->ambient, caps->last_cap, &caps->ambient, &unknown);
	if (unknown) {
		_cleanup_free_ char *list = strv_join(unknown, ", ");
		log_warning("ignoring unknown or unavailable capabilities: %s", list);
	}
	*ret = caps;
	return 0;
}

void ocirt_caps_free(struct ocirt_caps *c)
{
	free(c);
}

char *ocirt_caps_name(unsigned int cap)
{
	char *n = cap_to_name((cap_value_t)cap);
	char *r;

	if (!n)
		return xasprintf("%u", cap);
	r = xstrdup(n);
	cap_free(n);
	for (char *p = r; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return r;
}

char **ocirt_caps_known_names(void)
{
	unsigned int last = kernel_last_cap();
	char **v = NULL;

	for (unsigned int i = 0; i <= last; i++) {
		char *n = ocirt_caps_name(i);
		if (strncmp(n, "CAP_", 4) == 0)
			strv_push(&v, n);
		else
			free(n);
	}
	if (!v)
		v = xnew0(char *, 1);
	return v;
}

bool ocirt_caps_final_effective_has(const struct ocirt_caps *c, int cap)
{
	if (!c)
		return true;
	return cap >= 0 && cap < 64 && (c->effective & c->permitted & CAP_BIT(cap));
}

/* Names of the bits in mask, comma separated, for warnings. */
static char *mask_names(uint64_t mask)
{
	_cleanup_strv_ char **v = NULL;

	for (unsigned int i = 0; i < 64; i++)
		if (mask & CAP_BIT(i))
			strv_push(&v, ocirt_caps_name(i));
	return strv_join(v, ", ");
}

int ocirt_caps_drop_bounding(const struct ocirt_caps *c, struct ocirt_error **err)
{
	uint64_t missing = 0;

	if (!c)
		return 0;
	for (unsigned int i = 0; i <= c->last_cap; i++) {
		int r = prctl(PR_CAPBSET_READ, (unsigned long)i, 0L, 0L, 0L);
		if (r < 0) {
			if (errno == EINVAL) /* the kernel doesn't know this one after all */
				continue;
			return ocirt_error_set(err, errno, "read capability bounding set (cap %u)", i);
		}
		if (c->bounding & CAP_BIT(i)) {
			if (r == 0)
				missing |= CAP_BIT(i);
			continue;
		}
		if (r == 1 && prctl(PR_CAPBSET_DROP, (unsigned long)i, 0L, 0L, 0L) < 0) {
			_cleanup_free_ char *n = ocirt_caps_name(i);
			return ocirt_error_set(err, errno, "drop %s from the capability bounding set", n);
		}
	}
	if (missing) {
		_cleanup_free_ char *list = mask_names(missing);
		log_warning("capabilities not in the runtime's bounding set, cannot be granted: %s", list);
	}
	/* setuid() from 0 to non-zero clears the permitted set unless KEEPCAPS is set; apply()
	 * narrows it to the configured sets right after the switch. */
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0)
		return ocirt_error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
	return 0;
}

struct capsets {
	uint64_t e, p, i;
};

static int caps_get(struct capsets *s)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	s->e = (uint64_t)d[0].effective | ((uint64_t)d[1].effective << 32);
	s->p = (uint64_t)d[0].permitted | ((uint64_t)d[1].permitted << 32);
	s->i = (uint64_t)d[0].inheritable | ((uint64_t)d[1].inheritable << 32);
	return 0;
}

static int caps_set(const struct capsets *s)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];

	d[0].effective = (uint32_t)s->e;
	d[1].effective = (uint32_t)(s->e >> 32);
	d[0].permitted = (uint32_t)s->p;
	d[1].permitted = (uint32_t)(s->p >> 32);
	d[0].inheritable = (uint32_t)s->i;
	d[1].inheritable = (uint32_t)(s->i >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

static uint64_t bounding_now(unsigned int last_cap)
{
	uint64_t m = 0;

	for (unsigned int i = 0; i <= last_cap; i++)
		if (prctl(PR_CAPBSET_READ, (unsigned long)i, 0L, 0L, 0L) == 1)
			m |= CAP_BIT(i);
	return m;
}

int ocirt_caps_apply(const struct ocirt_caps *c, struct ocirt_error **err)
{
	struct capsets old = {0}, want = {0};
	uint64_t all, bset, lost;
	int r;

	(void)prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	if (!c)
		return 0;
	all = c->last_cap >= 63 ? UINT64_MAX : CAP_BIT(c->last_cap + 1) - 1;

	r = caps_get(&old);
	if (r < 0)
		return ocirt_error_set(err, -r, "capget");
	/* setuid() to a non-root uid cleared the effective set; take back what we may, so that
	 * CAP_SETPCAP (if still permitted) lets the inheritable set grow up to the bounding set. */
	if (old.e != old.p) {
		struct capsets raise = {.e = old.p, .p = old.p, .i = old.i};
		if (caps_set(&raise) == 0)
			old.e = old.p;
	}
	bset = bounding_now(c->last_cap);

	want.p = c->permitted & all;
	want.e = c->effective & all;
	want.i = c->inheritable & all;
	lost = want.p & ~old.p;
	want.p &= old.p;
	lost |= want.e & ~want.p;
	want.e &= want.p;
	{
		uint64_t allowed_i = old.i | bset;
		if (!(old.e & CAP_BIT(CAP_SETPCAP)))
			allowed_i &= old.i | old.p;
		lost |= want.i & ~allowed_i;
		want.i &= allowed_i;
	}
	if (lost) {
		_cleanup_free_ char *list = mask_names(lost);
		log_warning("capabilities that cannot be granted are skipped: %s", list);
	}
	r = caps_set(&want);
	if (r < 0)
		return ocirt_error_set(err, -r, "apply capabilities (capset)");

	/* Ambient last: each cap must already be permitted and inheritable. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) < 0) {
		if (c->ambient)
			log_warning("ambient capabilities are not supported by this kernel (needs 4.3): %s",
			            strerror(errno));
		return 0;
	}
	uint64_t skipped = 0;
	for (unsigned int i = 0; i <= c->last_cap; i++) {
		if (!(c->ambient & CAP_BIT(i)))
			continue;
		if (!(want.p & want.i & CAP_BIT(i)) ||
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)i, 0L, 0L) < 0)
			skipped |= CAP_BIT(i);
	}
	if (skipped) {
		_cleanup_free_ char *list = mask_names(skipped);
		log_warning("ambient capabilities that are not both permitted and inheritable are skipped: %s", list);
	}
	return 0;
}

int ocirt_caps_set_no_new_privs(bool enable, struct ocirt_error **err)
{
	if (!enable)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
		return ocirt_error_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}
