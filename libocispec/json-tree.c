/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <yajl/yajl_parse.h>
#include "common/xalloc.h"
#include "libocispec/json-tree.h"

struct builder {
	struct jnode *root;
	struct jnode *stack[JSON_MAX_DEPTH];
	size_t depth;
	const char *problem; /* why a callback stopped the parse */
};

static struct jnode *node_new(enum jtype t)
{
	struct jnode *n = xnew0(struct jnode, 1);
	n->type = t;
	return n;
}

void jnode_free(struct jnode *n)
{
	size_t i;

	if (!n)
		return;
	switch (n->type) {
	case J_NUMBER:
	case J_STRING:
		free(n->u.text);
		break;
	case J_ARRAY:
		for (i = 0; i < n->len; i++)
			jnode_free(n->u.items[i]);
		free(n->u.items);
		break;
	case J_OBJECT:
		for (i = 0; i < n->len; i++) {
			free(n->u.members[i].key);
			jnode_free(n->u.members[i].value);
		}
		free(n->u.members);
		break;
	default:
		break;
	}
	free(n);
}

static void grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return;
	*cap = *cap ? *cap * 2 : 4;
	if (*cap < need)
		*cap = need;
	*p = xreallocarray(*p, *cap, elem);
}

static int add_value(struct builder *b, struct jnode *v)
{
	struct jnode *top;

	if (b->depth == 0) {
		if (b->root) { /* cannot happen: yajl refuses multiple values */
			jnode_free(v);
			b->problem = "more than one value";
			return 0;
		}
		b->root = v;
		return 1;
	}
	top = b->stack[b->depth - 1];
	if (top->type == J_ARRAY) {
		grow((void **)&top->u.items, &top->cap, top->len + 1, sizeof(*top->u.items));
		top->u.items[top->len++] = v;
	} else {
		/* yajl always reports a key before an object member's value */
		top->u.members[top->len - 1].value = v;
	}
	return 1;
}

static int on_null(void *ctx)
{
	return add_value(ctx, node_new(J_NULL));
}

static int on_boolean(void *ctx, int v)
{
	struct jnode *n = node_new(J_BOOL);
	n->u.b = v != 0;
	return add_value(ctx, n);
}

static int on_number(void *ctx, const char *s, size_t len)
{
	struct jnode *n = node_new(J_NUMBER);
	n->u.text = xstrndup(s, len);
	return add_value(ctx, n);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct builder *b = ctx;
	struct jnode *n;

	if (memchr(s, '\0', len)) {
		b->problem = "strings must not contain NUL characters";
		return 0;
	}
	n = node_new(J_STRING);
	n->u.text = xstrndup((const char *)s, len);
	return add_value(ctx, n);
}

static int open_container(struct builder *b, enum jtype t)
{
	struct jnode *n;

	if (b->depth >= JSON_MAX_DEPTH) {
		b->problem = "nesting deeper than " STRINGIFY(JSON_MAX_DEPTH) " levels";
		return 0;
	}
	n = node_new(t);
	if (!add_value(b, n))
		return 0;
	b->stack[b->depth++] = n;
	return 1;
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, J_OBJECT);
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct builder *b = ctx;
	struct jnode *top = b->stack[b->depth - 1];

	if (memchr(key, '\0', len)) {
		b->problem = "strings must not contain NUL characters";
		return 0;
	}
	grow((void **)&top->u.members, &top->cap, top->len + 1, sizeof(*top->u.members));
	top->u.members[top->len].key = xstrndup((const char *)key, len);
	top->u.members[top->len].value = NULL;
	top->len++;
	return 1;
}

struct keypos {
	const char *key;
	size_t pos;
};

static int keypos_cmp(const void *a, const void *b)
{
	const struct keypos *x = a, *y = b;
	int r = strcmp(x->key, y->key);
	if (r)
		return r;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Drop all but the last occurrence of each key (Go's encoding/json keeps the last). */
static void dedupe_members(struct jnode *obj)
{
	_cleanup_free_ struct keypos *kp = NULL;
	_cleanup_free_ bool *dead = NULL;
	size_t i, j, ndead = 0;

	if (obj->len < 2)
		return;
	kp = xnew0(struct keypos, obj->len);
	dead = xnew0(bool, obj->len);
	for (i = 0; i < obj->len; i++) {
		kp[i].key = obj->u.members[i].key;
		kp[i].pos = i;
	}
	qsort(kp, obj->len, sizeof(*kp), keypos_cmp);
	for (i = 0; i + 1 < obj->len; i++)
		if (streq(kp[i].key, kp[i + 1].key)) {
			dead[kp[i].pos] = true;
			ndead++;
		}
	if (!ndead)
		return;
	for (i = 0, j = 0; i < obj->len; i++) {
		if (dead[i]) {
			free(obj->u.members[i].key);
			jnode_free(obj->u.members[i].value);
			continue;
		}
		obj->u.members[j++] = obj->u.members[i];
	}
	obj->len = j;
}

static int on_end_map(void *ctx)
{
	struct builder *b = ctx;
	dedupe_members(b->stack[--b->depth]);
	return 1;
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, J_ARRAY);
}

static int on_end_array(void *ctx)
{
	struct builder *b = ctx;
	b->depth--;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_map_key,
	.yajl_end_map = on_end_map,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end_array,
};

static void line_col(const char *data, size_t off, size_t *line, size_t *col)
{
	size_t i;
	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int jtree_parse(const char *data, size_t len, const char *source, struct jnode **ret, struct ocirt_error **err)
{
	struct builder b = { 0 };
	yajl_handle h;
	yajl_status st;
	size_t off, line, col;
	int r = 0;

	if (!data)
		data = "";
	h = yajl_alloc(&callbacks, NULL, &b);
	if (!h)
		return ocirt_error_set(err, ENOMEM, "%s: cannot allocate the JSON parser", source);
	st = yajl_parse(h, (const unsigned char *)data, len);
	off = yajl_get_bytes_consumed(h);
	/* yajl counts the offending byte as consumed: point at it, not past it */
	if (st != yajl_status_ok && off > 0)
		off--;
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		off = len;
	}
	if (off > len)
		off = len;
	line_col(data, off, &line, &col);
	if (st == yajl_status_client_canceled) {
		r = ocirt_error_setx(err, EINVAL, "%s: invalid JSON at line %zu, column %zu: %s", source, line, col,
				     b.problem ? b.problem : "parse stopped");
	} else if (st != yajl_status_ok) {
		unsigned char *e = yajl_get_error(h, 0, (const unsigned char *)data, len);
		char *msg = xstrdup(e ? (const char *)e : "parse error");
		size_t n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		if (e)
			yajl_free_error(h, e);
		r = ocirt_error_setx(err, EINVAL, "%s: invalid JSON at line %zu, column %zu: %s", source, line, col, msg);
		free(msg);
	} else if (!b.root) {
		r = ocirt_error_setx(err, EINVAL, "%s: invalid JSON: empty document", source);
	}
	yajl_free(h);
	if (r < 0) {
		jnode_free(b.root);
		return r;
	}
	*ret = b.root;
	return 0;
}

const struct jnode *jnode_get(const struct jnode *n, const char *key)
{
	size_t i;

	if (!n || n->type != J_OBJECT)
		return NULL;
	for (i = 0; i < n->len; i++)
		if (streq(n->u.members[i].key, key))
			return n->u.members[i].value;
	return NULL;
}

const char *jtype_name(enum jtype t)
{
	switch (t) {
	case J_NULL:
		return "null";
	case J_BOOL:
		return "a boolean";
	case J_NUMBER:
		return "a number";
	case J_STRING:
		return "a string";
	case J_OBJECT:
		return "an object";
	case J_ARRAY:
		return "an array";
	}
	return "?";
}

#define DESCRIBE_MAX 48

char *jnode_describe(const struct jnode *n, char *buf, size_t size)
{
	const char *s;
	size_t i, o = 0, slen;
	bool cut = false;

	if (!size)
		return buf;
	switch (n->type) {
	case J_NULL:
		snprintf(buf, size, "null");
		return buf;
	case J_BOOL:
		snprintf(buf, size, "%s", n->u.b ? "true" : "false");
		return buf;
	case J_OBJECT:
	case J_ARRAY:
		snprintf(buf, size, "%s", jtype_name(n->type));
		return buf;
	case J_NUMBER:
	case J_STRING:
		break;
	}
	s = n->u.text;
	slen = strlen(s);
	if (slen > DESCRIBE_MAX) {
		slen = DESCRIBE_MAX;
		/* do not split a UTF-8 sequence */
		while (slen && ((unsigned char)s[slen] & 0xC0) == 0x80)
			slen--;
		cut = true;
	}
	if (n->type == J_NUMBER) {
		snprintf(buf, size, "%.*s%s", (int)slen, s, cut ? "..." : "");
		return buf;
	}
#define PUT(c)                       \
	do {                         \
		if (o + 1 < size)    \
			buf[o++] = (c); \
	} while (0)
	PUT('"');
	for (i = 0; i < slen; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			PUT('\\');
			PUT((char)c);
		} else if (c < 0x20) {
			char esc[8];
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			for (size_t k = 0; esc[k]; k++)
				PUT(esc[k]);
		} else {
			PUT((char)c);
		}
	}
	if (cut) {
		PUT('.');
		PUT('.');
		PUT('.');
	}
	PUT('"');
#undef PUT
	buf[o] = '\0';
	return buf;
}
