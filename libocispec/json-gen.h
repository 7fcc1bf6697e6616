/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Thin helpers over yajl_gen for the generators: a sticky status, "key + value only when
 * present" writers and the final copy into a malloc'd buffer. Internal to libocispec. */
#ifndef OCISPEC_JSON_GEN_H
#define OCISPEC_JSON_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include "common/error.h"
#include "libocispec/oci-types.h"

struct jg {
	yajl_gen g;
	int status; /* first yajl_gen_status that was not ok */
};

void jg_init(struct jg *j, bool pretty);
/* Copies the document out (NUL-terminated; a trailing newline in pretty mode) and frees the
 * generator. */
int jg_finish(struct jg *j, const char *what, char **ret_json, size_t *ret_len, struct ocirt_error **err);

void jg_open(struct jg *j);  /* { */
void jg_close(struct jg *j); /* } */
void jg_aopen(struct jg *j); /* [ */
void jg_aclose(struct jg *j); /* ] */
void jg_key(struct jg *j, const char *key);
void jg_str(struct jg *j, const char *s);
void jg_bool(struct jg *j, bool b);
void jg_i64(struct jg *j, int64_t v);
void jg_u64(struct jg *j, uint64_t v);
void jg_strv(struct jg *j, char *const *v);
void jg_map(struct jg *j, const struct oci_map *m);

/* key + value; the *_opt forms write nothing when the value is absent. */
void jg_kstr(struct jg *j, const char *key, const char *s); /* skipped when s == NULL */
void jg_kbool(struct jg *j, const char *key, bool has, bool v);
void jg_ki64(struct jg *j, const char *key, bool has, int64_t v);
void jg_ku64(struct jg *j, const char *key, bool has, uint64_t v);
void jg_kstrv(struct jg *j, const char *key, char *const *v); /* skipped when v == NULL */
void jg_kmap(struct jg *j, const char *key, const struct oci_map *m);
/* key + object: the caller writes the members between jg_kopen and jg_close. */
void jg_kopen(struct jg *j, const char *key);
void jg_kaopen(struct jg *j, const char *key);

#endif
