/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Conventions shared by every libocispec model.
 *
 * - Strings are `char *`; NULL means the key was absent.
 * - String lists are NULL-terminated `char **` (see common/strv.h); NULL means absent, a
 *   vector holding only the terminator means present and empty.
 * - Arrays of objects are `struct T *x; size_t x_len;`; x == NULL means absent, x != NULL
 *   with x_len == 0 means present and empty (so a parse/generate round trip is lossless).
 * - Objects that may be absent are pointers (NULL = absent).
 * - Optional scalars come with a `bool has_<name>` flag; required ones do not.
 * - Enumerated values (namespace types, seccomp actions, ...) are kept as the validated
 *   strings of the spec; helpers map them where code needs numbers.
 * - Unknown keys are ignored, as the spec requires.
 */
#ifndef OCI_TYPES_H
#define OCI_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct oci_kv {
	char *key;
	char *value;
};

/* A JSON object of string values (annotations, sysctl, unified, ...), in input order. */
struct oci_map {
	struct oci_kv *items;
	size_t len;
};

/* The value of key (the last one if repeated), NULL when absent or m == NULL. */
const char *oci_map_get(const struct oci_map *m, const char *key);
/* Set key to a copy of value, replacing an existing entry or appending; creates *m. */
void oci_map_set(struct oci_map **m, const char *key, const char *value);
void oci_map_free(struct oci_map *m);

#endif
