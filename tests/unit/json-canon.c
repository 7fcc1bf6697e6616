/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/xalloc.h"
#include "libocispec/json-tree.h"
#include "json-canon.h"

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void put_str(struct buf *b, const char *s)
{
	put(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(b, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(b, esc, 6);
		} else {
			put(b, s, 1);
		}
	}
	put(b, "\"", 1);
}

static int member_cmp(const void *a, const void *b)
{
	const struct jmember *x = a, *y = b;
	return strcmp(x->key, y->key);
}

static void canon(struct buf *b, const struct jnode *n)
{
	size_t i;

	switch (n->type) {
	case J_NULL:
		put(b, "null", 4);
		break;
	case J_BOOL:
		put(b, n->u.b ? "true" : "false", n->u.b ? 4 : 5);
		break;
	case J_NUMBER:
		put(b, n->u.text, strlen(n->u.text));
		break;
	case J_STRING:
		put_str(b, n->u.text);
		break;
	case J_ARRAY:
		put(b, "[", 1);
		for (i = 0; i < n->len; i++) {
			if (i)
				put(b, ",", 1);
			canon(b, n->u.items[i]);
		}
		put(b, "]", 1);
		break;
	case J_OBJECT: {
		struct jmember *m = xnew0(struct jmember, n->len);
		if (n->len)
			memcpy(m, n->u.members, n->len * sizeof(*m));
		qsort(m, n->len, sizeof(*m), member_cmp);
		put(b, "{", 1);
		for (i = 0; i < n->len; i++) {
			if (i)
				put(b, ",", 1);
			put_str(b, m[i].key);
			put(b, ":", 1);
			canon(b, m[i].value);
		}
		put(b, "}", 1);
		free(m);
		break;
	}
	}
}

char *json_canon(const char *data, size_t len)
{
	struct jnode *root = NULL;
	struct buf b = { 0 };

	if (jtree_parse(data, len, "canon", &root, NULL) < 0)
		return NULL;
	canon(&b, root);
	jnode_free(root);
	return b.p;
}

char *read_file_or_die(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *data;
	long n;

	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(99);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = xmalloc((size_t)n + 1);
	if (fread(data, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(99);
	}
	data[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return data;
}
