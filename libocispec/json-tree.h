/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small JSON document tree built with yajl's callback parser. Internal to libocispec.
 *
 * Why not yajl_tree: it needs a NUL-terminated buffer, has no nesting limit (its recursive
 * free overflows the stack on deep input) and keeps duplicate keys. This builder bounds the
 * depth, keeps numbers as their source text (so uint64 values above INT64_MAX survive), refuses
 * strings with embedded NUL characters and, for duplicate object keys, keeps the last value
 * (as Go's encoding/json does, so we read a document the way runc does). */
#ifndef OCISPEC_JSON_TREE_H
#define OCISPEC_JSON_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include "common/error.h"

#define JSON_MAX_DEPTH 128

enum jtype { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_OBJECT, J_ARRAY };

struct jnode;

struct jmember {
	char *key;
	struct jnode *value;
};

struct jnode {
	enum jtype type;
	size_t len; /* members (object) or items (array) */
	size_t cap;
	union {
		bool b;
		char *text; /* string value, or the number's source text */
		struct jnode **items;
		struct jmember *members;
	} u;
};

/* Parses a complete document. Problems are reported as "<source>: <detail>", with the line
 * and column of the error when yajl tells where it is. */
int jtree_parse(const char *data, size_t len, const char *source, struct jnode **ret, struct ocirt_error **err);
void jnode_free(struct jnode *n);
static inline void jnode_freep(struct jnode **n)
{
	jnode_free(*n);
	*n = NULL;
}
#define _cleanup_jnode_ _cleanup_(jnode_freep)

/* The member `key` of an object (NULL when absent or when n is not an object). */
const struct jnode *jnode_get(const struct jnode *n, const char *key);

/* A short rendering of a value for messages: "abc" (quoted, truncated), 12, true, null,
 * "an object", "an array". Returns buf. */
char *jnode_describe(const struct jnode *n, char *buf, size_t size);
const char *jtype_name(enum jtype t);

#endif
