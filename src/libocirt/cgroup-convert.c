/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/xalloc.h"
#include "libocirt/cgroup-convert.h"

uint64_t ocirt_cg_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t ocirt_cg_weight_to_shares(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight > 10000)
		weight = 10000;
	/* Inverse of the above, rounded up so that weight -> shares -> weight is stable. */
	return 2 + ((weight - 1) * 262142 + 9998) / 9999;
}

uint64_t ocirt_cg_blkio_weight_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}

void ocirt_cg_format_limit_v2(int64_t v, char buf[static OCIRT_CG_VALUE_MAX])
{
	if (v < 0)
		snprintf(buf, OCIRT_CG_VALUE_MAX, "max");
	else
		snprintf(buf, OCIRT_CG_VALUE_MAX, "%" PRId64, v);
}

void ocirt_cg_format_limit_v1(int64_t v, char buf[static OCIRT_CG_VALUE_MAX])
{
	snprintf(buf, OCIRT_CG_VALUE_MAX, "%" PRId64, v < 0 ? (int64_t)-1 : v);
}

int ocirt_cg_swap_v2(bool has_limit, int64_t limit, bool has_swap, int64_t swap, char buf[static OCIRT_CG_VALUE_MAX],
		     bool *ret_set, struct ocirt_error **err)
{
	if (!has_limit)
		limit = 0;
	if (!has_swap)
		swap = 0;
	buf[0] = 0;
	if (swap == 0) {
		if (limit == -1) {
			snprintf(buf, OCIRT_CG_VALUE_MAX, "max");
			*ret_set = true;
		} else {
			*ret_set = false;
		}
		return 0;
	}
	if (swap < 0) {
		if (swap != -1)
			return ocirt_error_setx(err, EINVAL, "invalid memory swap value %" PRId64, swap);
		snprintf(buf, OCIRT_CG_VALUE_MAX, "max");
		*ret_set = true;
		return 0;
	}
	if (limit == 0 || limit == -1)
		return ocirt_error_setx(err, EINVAL, "unable to set swap limit without memory limit");
	if (limit < 0)
		return ocirt_error_setx(err, EINVAL, "invalid memory value: %" PRId64, limit);
	if (swap < limit)
		return ocirt_error_setx(err, EINVAL,
					"memory+swap limit (%" PRId64 ") should be greater than memory limit (%" PRId64 ")",
					swap, limit);
	snprintf(buf, OCIRT_CG_VALUE_MAX, "%" PRId64, swap - limit);
	*ret_set = true;
	return 0;
}

int ocirt_cg_cpu_max(bool has_quota, int64_t quota, bool has_period, uint64_t period, const char *current,
		     char buf[static OCIRT_CG_VALUE_MAX], bool *ret_set, struct ocirt_error **err)
{
	char cur_quota[OCIRT_CG_VALUE_MAX] = "max";
	uint64_t cur_period = 100000;
	bool q = has_quota && quota != 0, p = has_period && period != 0;

	buf[0] = 0;
	*ret_set = false;
	if (!q && !p)
		return 0;
	if (current) {
		char qs[OCIRT_CG_VALUE_MAX];
		uint64_t ps;
		/* only a well-formed "<n|max> <period>": anything else would not fit buf */
		if (sscanf(current, "%63s %" SCNu64, qs, &ps) == 2 && strlen(qs) <= 20 &&
		    (streq(qs, "max") || strspn(qs, "0123456789") == strlen(qs))) {
			snprintf(cur_quota, sizeof(cur_quota), "%s", qs);
			cur_period = ps;
		}
	}
	if (p && period < 1000)
		return ocirt_error_setx(err, EINVAL, "cpu period %" PRIu64 " is below the minimum of 1000", period);
	if (q && quota > 0)
		snprintf(cur_quota, sizeof(cur_quota), "%" PRId64, quota);
	else if (q)
		snprintf(cur_quota, sizeof(cur_quota), "max");
	snprintf(buf, OCIRT_CG_VALUE_MAX, "%s %" PRIu64, cur_quota, p ? period : cur_period);
	*ret_set = true;
	return 0;
}

void ocirt_cg_hugepage_name(uint64_t bytes, char buf[static OCIRT_CG_VALUE_MAX])
{
	static const char *const units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
	size_t u = 0;

	while (u + 1 < ARRAY_SIZE(units) && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, OCIRT_CG_VALUE_MAX, "%" PRIu64 "%s", bytes, units[u]);
}

int ocirt_cg_hugepage_parse(const char *s, uint64_t *ret_bytes)
{
	char *end;
	uint64_t n, mult;
	char unit[8];
	size_t i;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || n == 0 || strlen(end) >= sizeof(unit))
		return -EINVAL;
	for (i = 0; end[i]; i++)
		unit[i] = (char)toupper((unsigned char)end[i]);
	unit[i] = 0;
	if (streq(unit, "B") || streq(unit, ""))
		mult = 1;
	else if (streq(unit, "KB") || streq(unit, "K") || streq(unit, "KIB"))
		mult = 1ULL << 10;
	else if (streq(unit, "MB") || streq(unit, "M") || streq(unit, "MIB"))
		mult = 1ULL << 20;
	else if (streq(unit, "GB") || streq(unit, "G") || streq(unit, "GIB"))
		mult = 1ULL << 30;
	else if (streq(unit, "TB") || streq(unit, "T") || streq(unit, "TIB"))
		mult = 1ULL << 40;
	else if (streq(unit, "PB") || streq(unit, "P") || streq(unit, "PIB")) /* ocirt_cg_hugepage_name's top unit */
		mult = 1ULL << 50;
	else
		return -EINVAL;
	if (n > UINT64_MAX / mult)
		return -ERANGE;
	*ret_bytes = n * mult;
	return 0;
}

int ocirt_cg_hugepage_file(const char *size_name, bool v2, bool rsvd, char buf[static OCIRT_CG_VALUE_MAX])
{
	int n;

	if (!size_name || !*size_name || strchr(size_name, '/') || strstr(size_name, ".."))
		return -EINVAL;
	n = snprintf(buf, OCIRT_CG_VALUE_MAX, "hugetlb.%s.%s%s", size_name, rsvd ? "rsvd." : "",
		     v2 ? "max" : "limit_in_bytes");
	return n >= OCIRT_CG_VALUE_MAX ? -ENAMETOOLONG : 0;
}

int ocirt_cg_parse_access(const char *access, unsigned *ret)
{
	unsigned m = 0;

	if (!access || !*access) {
		*ret = OCIRT_CG_ACC_ALL;
		return 0;
	}
	for (; *access; access++) {
		switch (*access) {
		case 'r':
			m |= OCIRT_CG_ACC_READ;
			break;
		case 'w':
			m |= OCIRT_CG_ACC_WRITE;
			break;
		case 'm':
			m |= OCIRT_CG_ACC_MKNOD;
			break;
		default:
			return -EINVAL;
		}
	}
	*ret = m;
	return 0;
}

int ocirt_cg_dev_rule_from_oci(const struct oci_device_cgroup *d, struct ocirt_cg_dev_rule *ret,
			       struct ocirt_error **err)
{
	struct ocirt_cg_dev_rule r = {.allow = d->allow, .type = 'a', .major = -1, .minor = -1};

	if (d->type && *d->type) {
		if (strlen(d->type) != 1 || !strchr("acb", d->type[0]))
			return ocirt_error_setx(err, EINVAL, "invalid device rule type \"%s\"", d->type);
		r.type = d->type[0];
	}
	if (d->has_major && d->major >= 0)
		r.major = d->major;
	if (d->has_minor && d->minor >= 0)
		r.minor = d->minor;
	if (r.major > UINT32_MAX || r.minor > UINT32_MAX)
		return ocirt_error_setx(err, EINVAL, "invalid device rule number %" PRId64 ":%" PRId64, r.major,
					r.minor);
	if (ocirt_cg_parse_access(d->access, &r.access) < 0)
		return ocirt_error_setx(err, EINVAL, "invalid device rule access \"%s\"", d->access);
	if (r.access == 0)
		r.access = OCIRT_CG_ACC_ALL;
	*ret = r;
	return 0;
}

static const struct ocirt_cg_dev_rule default_rules[] = {
	{true, 'c', -1, -1, OCIRT_CG_ACC_MKNOD}, /* mknod of any char device */
	{true, 'b', -1, -1, OCIRT_CG_ACC_MKNOD}, /* mknod of any block device */
	{true, 'c', 1, 3, OCIRT_CG_ACC_ALL},     /* /dev/null */
	{true, 'c', 1, 5, OCIRT_CG_ACC_ALL},     /* /dev/zero */
	{true, 'c', 1, 7, OCIRT_CG_ACC_ALL},     /* /dev/full */
	{true, 'c', 1, 8, OCIRT_CG_ACC_ALL},     /* /dev/random */
	{true, 'c', 1, 9, OCIRT_CG_ACC_ALL},     /* /dev/urandom */
	{true, 'c', 5, 0, OCIRT_CG_ACC_ALL},     /* /dev/tty */
	{true, 'c', 5, 1, OCIRT_CG_ACC_ALL},     /* /dev/console */
	{true, 'c', 5, 2, OCIRT_CG_ACC_ALL},     /* /dev/ptmx */
	{true, 'c', 136, -1, OCIRT_CG_ACC_ALL},  /* /dev/pts/N */
};

int ocirt_cg_dev_rules_build(const struct oci_device_cgroup *rules, size_t rules_len, const struct oci_device *devices,
			     size_t devices_len, struct ocirt_cg_dev_rule **ret, size_t *ret_len, struct ocirt_error **err)
{
	size_t n = 0, i, total = rules_len + devices_len + ARRAY_SIZE(default_rules);
	struct ocirt_cg_dev_rule *v = xnew0(struct ocirt_cg_dev_rule, total);
	int r;

	for (i = 0; i < rules_len; i++) {
		r = ocirt_cg_dev_rule_from_oci(&rules[i], &v[n], err);
		if (r < 0) {
			free(v);
			return ocirt_error_prefix(err, "linux.resources.devices[%zu]", i);
		}
		n++;
	}
	for (i = 0; i < devices_len; i++) {
		const struct oci_device *d = &devices[i];
		char t = d->type ? d->type[0] : 0;
		if (t == 'u')
			t = 'c'; /* unbuffered char device */
		if ((t != 'c' && t != 'b') || !d->has_major || !d->has_minor)
			continue; /* FIFOs need no device rule */
		v[n++] = (struct ocirt_cg_dev_rule){true, t, d->major, d->minor, OCIRT_CG_ACC_ALL};
	}
	for (i = 0; i < ARRAY_SIZE(default_rules); i++)
		v[n++] = default_rules[i];
	*ret = v;
	*ret_len = n;
	return 0;
}

static void fmt_num(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%" PRId64, v);
}

static void access_str(unsigned a, char out[4])
{
	size_t i = 0;
	if (a & OCIRT_CG_ACC_READ)
		out[i++] = 'r';
	if (a & OCIRT_CG_ACC_WRITE)
		out[i++] = 'w';
	if (a & OCIRT_CG_ACC_MKNOD)
		out[i++] = 'm';
	out[i] = 0;
}

void ocirt_cg_dev_rule_v1(const struct ocirt_cg_dev_rule *r, char buf[static OCIRT_CG_VALUE_MAX],
			  char buf2[static OCIRT_CG_VALUE_MAX])
{
	char maj[24], min[24], acc[4];

	buf2[0] = 0;
	fmt_num(r->major, maj, sizeof(maj));
	fmt_num(r->minor, min, sizeof(min));
	access_str(r->access, acc);
	if (r->type == 'a') {
		if (r->major < 0 && r->minor < 0 && r->access == OCIRT_CG_ACC_ALL) {
			snprintf(buf, OCIRT_CG_VALUE_MAX, "a");
			return;
		}
		/* The kernel ignores everything after "a", so spell it out per type. */
		snprintf(buf, OCIRT_CG_VALUE_MAX, "c %s:%s %s", maj, min, acc);
		snprintf(buf2, OCIRT_CG_VALUE_MAX, "b %s:%s %s", maj, min, acc);
		return;
	}
	snprintf(buf, OCIRT_CG_VALUE_MAX, "%c %s:%s %s", r->type, maj, min, acc);
}

void ocirt_cg_format_dev_value(int64_t major, int64_t minor, uint64_t value, char buf[static OCIRT_CG_VALUE_MAX])
{
	snprintf(buf, OCIRT_CG_VALUE_MAX, "%" PRId64 ":%" PRId64 " %" PRIu64, major, minor, value);
}

char *ocirt_cg_rdma_line(const struct oci_rdma *r)
{
	char h[24] = "max", o[24] = "max";

	if (r->has_hca_handles)
		snprintf(h, sizeof(h), "%" PRIu32, r->hca_handles);
	if (r->has_hca_objects)
		snprintf(o, sizeof(o), "%" PRIu32, r->hca_objects);
	return xasprintf("%s hca_handle=%s hca_object=%s", r->device, h, o);
}

int ocirt_cg_unified_key_check(const char *key, char **ret_controller, struct ocirt_error **err)
{
	const char *dot;

	if (!key || !*key || strchr(key, '/') || streq(key, ".") || streq(key, ".."))
		return ocirt_error_setx(err, EINVAL, "unified resource \"%s\" must be a file name (no slashes)",
					key ? key : "");
	dot = strchr(key, '.');
	if (!dot || dot == key || !dot[1])
		return ocirt_error_setx(err, EINVAL, "unified resource \"%s\" must be in the form CONTROLLER.PARAMETER",
					key);
	if (ret_controller)
		*ret_controller = xstrndup(key, (size_t)(dot - key));
	return 0;
}

int ocirt_cg_parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	while (s && isspace((unsigned char)*s))
		s++;
	if (!s || !*s)
		return -EINVAL;
	if (strneq(s, "max", 3)) {
		end = (char *)s + 3;
		v = UINT64_MAX;
	} else {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno)
			return -errno;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}
