/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "ocirt/output.h"

char *output_reindent(const char *json, int width, bool trailing_newline)
{
	size_t tabs = 0, len = strlen(json);
	char *out, *o;
	bool bol = true;

	for (const char *p = json; *p; p++)
		if (*p == '\t')
			tabs++;
	o = out = xmalloc(len + tabs * (size_t)(width > 0 ? width : 1) + 2);
	for (const char *p = json; *p; p++) {
		if (bol && *p == '\t') {
			for (int i = 0; i < width; i++)
				*o++ = ' ';
			continue;
		}
		bol = *p == '\n';
		*o++ = *p;
	}
	while (o > out && o[-1] == '\n')
		o--;
	if (trailing_newline)
		*o++ = '\n';
	*o = '\0';
	return out;
}

int output_write_stdout(const char *s, size_t len, struct ocirt_error **err)
{
	int r;

	fflush(stdout);
	r = write_all(STDOUT_FILENO, s, len);
	if (r < 0)
		return ocirt_error_set(err, -r, "write to stdout");
	return 0;
}

struct table {
	size_t ncols;
	char ***rows; /* each a strv of ncols cells */
	size_t nrows;
};

struct table *table_new(size_t ncols)
{
	struct table *t = xnew0(struct table, 1);
	t->ncols = ncols;
	return t;
}

void table_add(struct table *t, const char *const *cells)
{
	char **row = xnew0(char *, t->ncols + 1);
	for (size_t i = 0; i < t->ncols; i++)
		row[i] = xstrdup(cells[i] ? cells[i] : "");
	t->rows = xreallocarray(t->rows, t->nrows + 1, sizeof(*t->rows));
	t->rows[t->nrows++] = row;
}

void table_print(struct table *t, FILE *f)
{
	_cleanup_free_ size_t *w = xnew0(size_t, t->ncols);

	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = 12;
		for (size_t r = 0; r < t->nrows; r++) {
			size_t n = strlen(t->rows[r][c]) + 3;
			if (n > w[c])
				w[c] = n;
		}
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c + 1 < t->ncols)
				fprintf(f, "%-*s", (int)w[c], t->rows[r][c]);
			else
				fprintf(f, "%s\n", t->rows[r][c]);
		}
	}
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t r = 0; r < t->nrows; r++)
		strv_free(t->rows[r]);
	free(t->rows);
	free(t);
}
