/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output helpers of the CLI: JSON re-indentation and a Go-tabwriter-like table. */
#ifndef OCIRT_CLI_OUTPUT_H
#define OCIRT_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include "common/error.h"

/* libocispec indents with tabs; callers expect runc's spaces. Leading tabs of each line
 * become `width` spaces each (JSON strings never hold a raw tab). The trailing newline is
 * kept or dropped. Returns a malloc'd string. */
char *output_reindent(const char *json, int width, bool trailing_newline);

/* Write everything to stdout (unbuffered write(2), after flushing stdio). */
int output_write_stdout(const char *s, size_t len, struct ocirt_error **err);

/* A table laid out like Go's text/tabwriter with minwidth 12, padding 3 (runc's `list`):
 * every column but the last is padded to max(12, widest cell + 3). */
struct table;
struct table *table_new(size_t ncols);
void table_add(struct table *t, const char *const *cells);
void table_print(struct table *t, FILE *f);
void table_free(struct table *t);

#endif
