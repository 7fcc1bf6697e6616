/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/buf.h"
#include "common/xalloc.h"
#include "libocispec/json-tree.h"
#include "json-canon.h"

static void put_str(struct buf *b, const char *s)
{
	buf_putn(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			buf_putn(b, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			buf_putn(b, esc, 6);
		} else {
			buf_putn(b, s, 1);
		}
	}
	buf_putn(b, "\"", 1);
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
		buf_putn(b, "null", 4);
		break;
	case J_BOOL:
		buf_putn(b, n->u.b ? "true" : "false", n->u.b ? 4 : 5);
		break;
	case J_NUMBER:
		buf_putn(b, n->u.text, strlen(n->u.text));
		break;
	case J_STRING:
		put_str(b, n->u.text);
		break;
	case J_ARRAY:
		buf_putn(b, "[", 1);
		for (i = 0; i < n->len; i++) {
			if (i)
				buf_putn(b, ",", 1);
			canon(b, n->u.items[i]);
		}
		buf_putn(b, "]", 1);
		break;
	case J_OBJECT: {
		struct jmember *m = xnew0(struct jmember, n->len);
		if (n->len)
			memcpy(m, n->u.members, n->len * sizeof(*m));
		qsort(m, n->len, sizeof(*m), member_cmp);
		buf_putn(b, "{", 1);
		for (i = 0; i < n->len; i++) {
			if (i)
				buf_putn(b, ",", 1);
			put_str(b, m[i].key);
			buf_putn(b, ":", 1);
			canon(b, m[i].value);
		}
		buf_putn(b, "}", 1);
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
