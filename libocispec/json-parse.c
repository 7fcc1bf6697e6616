/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocispec/json-parse.h"

void jp_init(struct jp *p, const char *source)
{
	memset(p, 0, sizeof(*p));
	p->source = source ? source : "input";
	p->pcap = 64;
	p->path = xzalloc(p->pcap);
}

void jp_fini(struct jp *p)
{
	free(p->path);
	strv_free(p->problems);
	p->path = NULL;
	p->problems = NULL;
}

int jp_result(struct jp *p, char ***problems, struct ocirt_error **err)
{
	size_t i;

	if (!p->nproblems)
		return 0;
	ocirt_error_setx(err, EINVAL, "%s", p->problems[0]);
	if (problems)
		for (i = 0; p->problems[i]; i++)
			strv_push(problems, TAKE_PTR(p->problems[i]));
	strv_free(p->problems);
	p->problems = NULL;
	p->nproblems = 0;
	return -EINVAL;
}

static void path_append(struct jp *p, const char *s, size_t n)
{
	if (p->plen + n + 1 > p->pcap) {
		while (p->plen + n + 1 > p->pcap)
			p->pcap *= 2;
		p->path = xrealloc(p->path, p->pcap);
	}
	memcpy(p->path + p->plen, s, n);
	p->plen += n;
	p->path[p->plen] = '\0';
}

static bool is_identifier(const char *k)
{
	if (!*k || !(isalpha((unsigned char)*k) || *k == '_'))
		return false;
	for (; *k; k++)
		if (!(isalnum((unsigned char)*k) || *k == '_'))
			return false;
	return true;
}

size_t jp_push_key(struct jp *p, const char *key)
{
	size_t mark = p->plen;

	if (is_identifier(key)) {
		path_append(p, ".", 1);
		path_append(p, key, strlen(key));
		return mark;
	}
	/* jq syntax for keys that are not identifiers: ["io.kubernetes.cri"] */
	path_append(p, "[\"", 2);
	for (; *key; key++) {
		unsigned char c = (unsigned char)*key;
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			path_append(p, esc, 2);
		} else if (c < 0x20) {
			char esc[8];
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			path_append(p, esc, 6);
		} else {
			path_append(p, key, 1);
		}
	}
	path_append(p, "\"]", 2);
	return mark;
}

size_t jp_push_index(struct jp *p, size_t i)
{
	size_t mark = p->plen;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "[%zu]", i);
	path_append(p, buf, (size_t)n);
	return mark;
}

void jp_pop(struct jp *p, size_t mark)
{
	p->plen = mark;
	p->path[mark] = '\0';
}

static void vfail(struct jp *p, const char *fmt, va_list ap) _printf_(2, 0);
static void vfail(struct jp *p, const char *fmt, va_list ap)
{
	_cleanup_free_ char *msg = NULL;

	if (p->nproblems >= JP_MAX_PROBLEMS)
		return;
	msg = xvasprintf(fmt, ap);
	if (p->plen)
		strv_push(&p->problems, xasprintf("%s: %s: %s", p->source, p->path, msg));
	else
		strv_push(&p->problems, xasprintf("%s: %s", p->source, msg));
	p->nproblems++;
}

void jp_fail(struct jp *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(p, fmt, ap);
	va_end(ap);
}

void jp_fail_at(struct jp *p, const char *key, const char *fmt, ...)
{
	va_list ap;
	size_t mark = jp_push_key(p, key);
	va_start(ap, fmt);
	vfail(p, fmt, ap);
	va_end(ap);
	jp_pop(p, mark);
}

void jp_expected(struct jp *p, const char *what, const struct jnode *got)
{
	char buf[128];
	jp_fail(p, "expected %s, got %s", what, jnode_describe(got, buf, sizeof(buf)));
}

int str_index(const char *s, const char *const *allowed)
{
	int i;
	for (i = 0; allowed[i]; i++)
		if (streq(s, allowed[i]))
			return i;
	return -1;
}

bool str_in(const char *s, const char *const *allowed)
{
	return str_index(s, allowed) >= 0;
}

bool strv_all_in(char *const *v, const char *const *allowed)
{
	for (; v && *v; v++)
		if (!str_in(*v, allowed))
			return false;
	return true;
}

char *jp_quote(const char *s, char *buf, size_t size)
{
	struct jnode tmp = { .type = J_STRING, .u.text = (char *)s };
	return jnode_describe(&tmp, buf, size);
}

bool jp_strv_enum(struct jp *p, const char *key, char *const *v, const char *const *allowed, const char *what)
{
	size_t i, mark;
	bool ok = true;

	for (i = 0; v && v[i]; i++) {
		if (str_in(v[i], allowed))
			continue;
		mark = jp_push_key(p, key);
		jp_push_index(p, i);
		char buf[128];
		jp_fail(p, "unknown %s %s", what, jp_quote(v[i], buf, sizeof(buf)));
		jp_pop(p, mark);
		ok = false;
	}
	return ok;
}

/* ---- values ---- */

bool jv_object(struct jp *p, const struct jnode *v)
{
	if (v->type == J_OBJECT)
		return true;
	jp_expected(p, "an object", v);
	return false;
}

bool jv_string(struct jp *p, const struct jnode *v, char **out)
{
	if (v->type != J_STRING) {
		jp_expected(p, "a string", v);
		return false;
	}
	free(*out);
	*out = xstrdup(v->u.text);
	return true;
}

bool jv_bool(struct jp *p, const struct jnode *v, bool *out)
{
	if (v->type != J_BOOL) {
		jp_expected(p, "a boolean", v);
		return false;
	}
	*out = v->u.b;
	return true;
}

/* The magnitude and sign of an integer number's text; false for fractions, exponents and
 * magnitudes beyond 64 bits. yajl has already checked the JSON number grammar. */
static bool integer_text(const char *s, bool *neg, uint64_t *mag)
{
	uint64_t m = 0;

	*neg = *s == '-';
	if (*neg)
		s++;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (m > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		m = m * 10 + (uint64_t)(*s - '0');
	}
	*mag = m;
	return true;
}

bool jv_int(struct jp *p, const struct jnode *v, int64_t min, int64_t max, const char *what, int64_t *out)
{
	bool neg;
	uint64_t mag;

	if (v->type != J_NUMBER || !integer_text(v->u.text, &neg, &mag))
		goto bad;
	if (neg) {
		/* -(min) without overflowing for INT64_MIN */
		uint64_t lim = min >= 0 ? 0 : (uint64_t)(-(min + 1)) + 1;
		if (mag > lim)
			goto bad;
		*out = mag == 0 ? 0 : (int64_t)(-(int64_t)(mag - 1) - 1);
	} else {
		if (max < 0 || mag > (uint64_t)max)
			goto bad;
		*out = (int64_t)mag;
	}
	if (*out < min)
		goto bad;
	return true;
bad:
	jp_expected(p, what, v);
	return false;
}

bool jv_uint(struct jp *p, const struct jnode *v, uint64_t max, const char *what, uint64_t *out)
{
	bool neg;
	uint64_t mag;

	if (v->type != J_NUMBER || !integer_text(v->u.text, &neg, &mag) || (neg && mag != 0) || mag > max) {
		jp_expected(p, what, v);
		return false;
	}
	*out = mag;
	return true;
}

/* ---- fields ---- */

static const struct jnode *field(struct jp *p, const struct jnode *obj, const char *key, int flags, size_t *mark)
{
	const struct jnode *v = jnode_get(obj, key);

	if (!v || v->type == J_NULL) {
		if (flags & JP_REQ)
			jp_fail_at(p, key, v ? "must not be null" : "required field missing");
		return NULL;
	}
	*mark = jp_push_key(p, key);
	return v;
}

/* field() of one JSON type: NULL (and the problem recorded, the key popped) for another */
static const struct jnode *typed_field(struct jp *p, const struct jnode *obj, const char *key, int flags,
				       enum jtype type, const char *what, size_t *mark)
{
	const struct jnode *v = field(p, obj, key, flags, mark);
	if (!v || v->type == type)
		return v;
	jp_expected(p, what, v);
	jp_pop(p, *mark);
	return NULL;
}

const struct jnode *jp_enter(struct jp *p, const struct jnode *obj, const char *key, int flags, size_t *mark)
{
	return typed_field(p, obj, key, flags, J_OBJECT, "an object", mark);
}

bool jp_str(struct jp *p, const struct jnode *obj, const char *key, int flags, char **out)
{
	size_t mark;
	const struct jnode *v = field(p, obj, key, flags, &mark);
	bool ok;
	if (!v)
		return false;
	ok = jv_string(p, v, out);
	jp_pop(p, mark);
	return ok;
}

bool jp_abspath(struct jp *p, const struct jnode *obj, const char *key, int flags, char **out)
{
	size_t mark;
	const struct jnode *v = field(p, obj, key, flags, &mark);
	bool ok;
	if (!v)
		return false;
	ok = jv_string(p, v, out);
	if (ok && (*out)[0] != '/') {
		char buf[128];
		jp_fail(p, "must be an absolute path, got %s", jnode_describe(v, buf, sizeof(buf)));
		ok = false;
	}
	jp_pop(p, mark);
	return ok;
}

bool jp_enum(struct jp *p, const struct jnode *obj, const char *key, int flags, const char *const *allowed,
	     const char *what, char **out)
{
	size_t mark;
	const struct jnode *v = field(p, obj, key, flags, &mark);
	bool ok;
	if (!v)
		return false;
	ok = jv_string(p, v, out);
	if (ok && !str_in(*out, allowed)) {
		char buf[128];
		jp_fail(p, "unknown %s %s", what, jnode_describe(v, buf, sizeof(buf)));
		ok = false;
	}
	jp_pop(p, mark);
	return ok;
}

bool jp_bool(struct jp *p, const struct jnode *obj, const char *key, int flags, bool *out, bool *has)
{
	size_t mark;
	const struct jnode *v = field(p, obj, key, flags, &mark);
	bool ok;
	if (!v)
		return false;
	ok = jv_bool(p, v, out);
	if (ok && has)
		*has = true;
	jp_pop(p, mark);
	return ok;
}

/* name(): an integer field, x (of xtype) parsed by parse */
#define NUM_FIELD(name, type, xtype, parse)                                                                   \
	bool name(struct jp *p, const struct jnode *obj, const char *key, int flags, type *out, bool *has)    \
	{                                                                                                     \
		size_t mark;                                                                                  \
		xtype x;                                                                                      \
		const struct jnode *v = field(p, obj, key, flags, &mark);                                     \
		bool ok;                                                                                      \
		if (!v)                                                                                       \
			return false;                                                                         \
		ok = parse;                                                                                   \
		if (ok) {                                                                                     \
			*out = (type)x;                                                                       \
			if (has)                                                                              \
				*has = true;                                                                  \
		}                                                                                             \
		jp_pop(p, mark);                                                                              \
		return ok;                                                                                    \
	}
#define INT_FIELD(name, type, lo, hi, what) NUM_FIELD(name, type, int64_t, jv_int(p, v, lo, hi, what, &x))
#define UINT_FIELD(name, type, hi, what) NUM_FIELD(name, type, uint64_t, jv_uint(p, v, hi, what, &x))

INT_FIELD(jp_i32, int32_t, INT32_MIN, INT32_MAX, "a 32-bit integer")
INT_FIELD(jp_i64, int64_t, INT64_MIN, INT64_MAX, "a 64-bit integer")
UINT_FIELD(jp_u16, uint16_t, UINT16_MAX, "an unsigned 16-bit integer")
UINT_FIELD(jp_u32, uint32_t, UINT32_MAX, "an unsigned 32-bit integer")
UINT_FIELD(jp_u64, uint64_t, UINT64_MAX, "an unsigned 64-bit integer")

bool jp_strv(struct jp *p, const struct jnode *obj, const char *key, int flags, char ***out)
{
	size_t mark, i, n = 0;
	const struct jnode *v = typed_field(p, obj, key, flags, J_ARRAY, "an array of strings", &mark);
	char **r;
	bool ok = true;

	if (!v)
		return false;
	r = xnew0(char *, v->len + 1);
	for (i = 0; i < v->len; i++) {
		const struct jnode *e = v->u.items[i];
		if (e->type == J_STRING) {
			r[n++] = xstrdup(e->u.text);
		} else {
			size_t m = jp_push_index(p, i);
			jp_expected(p, "a string", e);
			jp_pop(p, m);
			ok = false;
		}
	}
	strv_free(*out);
	*out = r;
	jp_pop(p, mark);
	return ok;
}

bool jp_u32v(struct jp *p, const struct jnode *obj, const char *key, int flags, uint32_t **out, size_t *out_len)
{
	size_t mark, i;
	const struct jnode *v = typed_field(p, obj, key, flags, J_ARRAY, "an array of unsigned 32-bit integers", &mark);
	uint32_t *r;
	bool ok = true;

	if (!v)
		return false;
	r = xnew0(uint32_t, v->len);
	for (i = 0; i < v->len; i++) {
		size_t m = jp_push_index(p, i);
		uint64_t x = 0;
		if (jv_uint(p, v->u.items[i], UINT32_MAX, "an unsigned 32-bit integer", &x))
			r[i] = (uint32_t)x;
		else
			ok = false;
		jp_pop(p, m);
	}
	free(*out);
	*out = r;
	*out_len = v->len;
	jp_pop(p, mark);
	return ok;
}

bool jp_map(struct jp *p, const struct jnode *obj, const char *key, int flags, struct oci_map **out)
{
	size_t mark, i;
	const struct jnode *v = typed_field(p, obj, key, flags, J_OBJECT, "an object of strings", &mark);
	struct oci_map *m;
	bool ok = true;

	if (!v)
		return false;
	m = xnew0(struct oci_map, 1);
	m->items = xnew0(struct oci_kv, v->len);
	for (i = 0; i < v->len; i++) {
		const struct jmember *e = &v->u.members[i];
		size_t k = jp_push_key(p, e->key);
		if (!e->key[0]) {
			jp_fail(p, "keys must not be empty");
			ok = false;
		} else if (e->value->type != J_STRING) {
			jp_expected(p, "a string", e->value);
			ok = false;
		} else {
			m->items[m->len].key = xstrdup(e->key);
			m->items[m->len].value = xstrdup(e->value->u.text);
			m->len++;
		}
		jp_pop(p, k);
	}
	if (*out) {
		for (i = 0; i < (*out)->len; i++) {
			free((*out)->items[i].key);
			free((*out)->items[i].value);
		}
		free((*out)->items);
		free(*out);
	}
	*out = m;
	jp_pop(p, mark);
	return ok;
}

bool jp_array(struct jp *p, const struct jnode *obj, const char *key, int flags, size_t elem_size, jp_elem_fn fn,
	      void **out, size_t *out_len)
{
	size_t mark, i, before = p->nproblems;
	const struct jnode *v = typed_field(p, obj, key, flags, J_ARRAY, "an array", &mark);
	char *r;

	if (!v)
		return false;
	/* callers only call this once per field, on a fresh (NULL) output */
	r = xcalloc(v->len, elem_size);
	*out = r;
	*out_len = v->len;
	for (i = 0; i < v->len; i++) {
		size_t m = jp_push_index(p, i);
		if (jv_object(p, v->u.items[i]))
			fn(p, v->u.items[i], r + i * elem_size);
		jp_pop(p, m);
	}
	jp_pop(p, mark);
	return p->nproblems == before;
}

bool jp_object_map(struct jp *p, const struct jnode *obj, const char *key, int flags, size_t elem_size,
		   jp_entry_fn fn, void **out, size_t *out_len)
{
	size_t mark, i, before = p->nproblems;
	const struct jnode *v = typed_field(p, obj, key, flags, J_OBJECT, "an object", &mark);
	char *r;

	if (!v)
		return false;
	r = xcalloc(v->len, elem_size);
	*out = r;
	*out_len = v->len;
	for (i = 0; i < v->len; i++) {
		const struct jmember *e = &v->u.members[i];
		size_t m = jp_push_key(p, e->key);
		if (!e->key[0])
			jp_fail(p, "keys must not be empty");
		if (jv_object(p, e->value))
			fn(p, e->key, e->value, r + i * elem_size);
		jp_pop(p, m);
	}
	jp_pop(p, mark);
	return p->nproblems == before;
}
