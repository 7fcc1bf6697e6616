/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Canonical JSON text for comparisons in tests (sorted keys, no whitespace), like `jq -S -c`. */
#ifndef OCIRT_TEST_JSON_CANON_H
#define OCIRT_TEST_JSON_CANON_H
#include <stddef.h>
/* NULL when data is not valid JSON. */
char *json_canon(const char *data, size_t len);
char *read_file_or_die(const char *path, size_t *len);
#endif
