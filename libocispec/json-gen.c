/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "common/xalloc.h"
#include "libocispec/json-gen.h"

static void track(struct jg *j, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok && !j->status)
		j->status = (int)st;
}

void jg_init(struct jg *j, bool pretty)
{
	j->status = 0;
	j->g = yajl_gen_alloc(NULL);
	if (!j->g) {
		static const char msg[] = "ocirt: out of memory\n";
		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	if (pretty) {
		yajl_gen_config(j->g, yajl_gen_beautify, 1);
		yajl_gen_config(j->g, yajl_gen_indent_string, "\t");
	}
}

int jg_finish(struct jg *j, const char *what, char **ret_json, size_t *ret_len, struct ocirt_error **err)
{
	const unsigned char *buf;
	size_t len;
	char *out;
	int r = 0;

	if (j->status) {
		r = ocirt_error_setx(err, EINVAL, "generate %s: JSON generator error %d", what, j->status);
	} else if (yajl_gen_get_buf(j->g, &buf, &len) != yajl_gen_status_ok) {
		r = ocirt_error_setx(err, EINVAL, "generate %s: cannot get the JSON buffer", what);
	} else {
		out = xmalloc(len + 1);
		memcpy(out, buf, len);
		out[len] = '\0';
		*ret_json = out;
		if (ret_len)
			*ret_len = len;
	}
	yajl_gen_free(j->g);
	j->g = NULL;
	return r;
}

void jg_open(struct jg *j)
{
	track(j, yajl_gen_map_open(j->g));
}

void jg_close(struct jg *j)
{
	track(j, yajl_gen_map_close(j->g));
}

void jg_aopen(struct jg *j)
{
	track(j, yajl_gen_array_open(j->g));
}

void jg_aclose(struct jg *j)
{
	track(j, yajl_gen_array_close(j->g));
}

void jg_str(struct jg *j, const char *s)
{
	track(j, yajl_gen_string(j->g, (const unsigned char *)s, strlen(s)));
}

void jg_key(struct jg *j, const char *key)
{
	jg_str(j, key);
}

void jg_bool(struct jg *j, bool b)
{
	track(j, yajl_gen_bool(j->g, b));
}

void jg_i64(struct jg *j, int64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRId64, v);
	track(j, yajl_gen_number(j->g, buf, (size_t)n));
}

void jg_u64(struct jg *j, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
	track(j, yajl_gen_number(j->g, buf, (size_t)n));
}

void jg_strv(struct jg *j, char *const *v)
{
	jg_aopen(j);
	for (; v && *v; v++)
		jg_str(j, *v);
	jg_aclose(j);
}

void jg_map(struct jg *j, const struct oci_map *m)
{
	size_t i;
	jg_open(j);
	for (i = 0; i < m->len; i++) {
		jg_key(j, m->items[i].key);
		jg_str(j, m->items[i].value ? m->items[i].value : "");
	}
	jg_close(j);
}

void jg_kstr(struct jg *j, const char *key, const char *s)
{
	if (!s)
		return;
	jg_key(j, key);
	jg_str(j, s);
}

void jg_kbool(struct jg *j, const char *key, bool has, bool v)
{
	if (!has)
		return;
	jg_key(j, key);
	jg_bool(j, v);
}

void jg_ki64(struct jg *j, const char *key, bool has, int64_t v)
{
	if (!has)
		return;
	jg_key(j, key);
	jg_i64(j, v);
}

void jg_ku64(struct jg *j, const char *key, bool has, uint64_t v)
{
	if (!has)
		return;
	jg_key(j, key);
	jg_u64(j, v);
}

void jg_kstrv(struct jg *j, const char *key, char *const *v)
{
	if (!v)
		return;
	jg_key(j, key);
	jg_strv(j, v);
}

void jg_kmap(struct jg *j, const char *key, const struct oci_map *m)
{
	if (!m)
		return;
	jg_key(j, key);
	jg_map(j, m);
}

void jg_kopen(struct jg *j, const char *key)
{
	jg_key(j, key);
	jg_open(j);
}

void jg_kaopen(struct jg *j, const char *key)
{
	jg_key(j, key);
	jg_aopen(j);
}
