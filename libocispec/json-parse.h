/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A typed reader over a json-tree document: tracks the JSON path of the value being read and
 * collects every problem as "<source>: <path>: <detail>". Internal to libocispec.
 *
 * The jp_* field readers look a key up in an object: an absent key (or a null value) leaves
 * the output alone and is a problem only with JP_REQ; a present value of the wrong type or out
 * of range is a problem. They return true when they stored a value. */
#ifndef OCISPEC_JSON_PARSE_H
#define OCISPEC_JSON_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include "common/error.h"
#include "libocispec/oci-types.h"
#include "libocispec/json-tree.h"

#define JP_MAX_PROBLEMS 1000

struct jp {
	const char *source;
	char *path;
	size_t plen, pcap;
	char **problems;
	size_t nproblems;
};

enum { JP_OPT = 0, JP_REQ = 1 };

void jp_init(struct jp *p, const char *source);
void jp_fini(struct jp *p);
/* After parsing: 0 when there was no problem; otherwise sets *err to the first problem,
 * moves every problem to *problems (when non-NULL) and returns -EINVAL. */
int jp_result(struct jp *p, char ***problems, struct ocirt_error **err);

/* Path handling: each push returns a mark to hand to jp_pop. */
size_t jp_push_key(struct jp *p, const char *key);
size_t jp_push_index(struct jp *p, size_t i);
void jp_pop(struct jp *p, size_t mark);
/* Record a problem at the current path. */
void jp_fail(struct jp *p, const char *fmt, ...) _printf_(2, 3);
/* Record a problem at the current path + key. */
void jp_fail_at(struct jp *p, const char *key, const char *fmt, ...) _printf_(3, 4);
/* "expected <what>, got <value>" at the current path. */
void jp_expected(struct jp *p, const char *what, const struct jnode *got);

/* Value converters: the value is the one at the current path. */
bool jv_object(struct jp *p, const struct jnode *v);
bool jv_string(struct jp *p, const struct jnode *v, char **out);
bool jv_bool(struct jp *p, const struct jnode *v, bool *out);
bool jv_int(struct jp *p, const struct jnode *v, int64_t min, int64_t max, const char *what, int64_t *out);
bool jv_uint(struct jp *p, const struct jnode *v, uint64_t max, const char *what, uint64_t *out);

/* Field readers. `has` may be NULL. */
bool jp_str(struct jp *p, const struct jnode *obj, const char *key, int flags, char **out);
bool jp_bool(struct jp *p, const struct jnode *obj, const char *key, int flags, bool *out, bool *has);
bool jp_i32(struct jp *p, const struct jnode *obj, const char *key, int flags, int32_t *out, bool *has);
bool jp_i64(struct jp *p, const struct jnode *obj, const char *key, int flags, int64_t *out, bool *has);
bool jp_u16(struct jp *p, const struct jnode *obj, const char *key, int flags, uint16_t *out, bool *has);
bool jp_u32(struct jp *p, const struct jnode *obj, const char *key, int flags, uint32_t *out, bool *has);
bool jp_u64(struct jp *p, const struct jnode *obj, const char *key, int flags, uint64_t *out, bool *has);
bool jp_strv(struct jp *p, const struct jnode *obj, const char *key, int flags, char ***out);
bool jp_u32v(struct jp *p, const struct jnode *obj, const char *key, int flags, uint32_t **out, size_t *out_len);
bool jp_map(struct jp *p, const struct jnode *obj, const char *key, int flags, struct oci_map **out);
/* A string that must be one of `allowed` (NULL-terminated): "unknown <what> \"x\"". */
bool jp_enum(struct jp *p, const struct jnode *obj, const char *key, int flags, const char *const *allowed,
	     const char *what, char **out);
/* An optional string that, when present, must be an absolute path. */
bool jp_abspath(struct jp *p, const struct jnode *obj, const char *key, int flags, char **out);

/* An array of objects: calls fn(p, element, &(*out)[i]) with the path at [i] for each
 * element that is an object (others are reported). Elements are zeroed first. */
typedef void (*jp_elem_fn)(struct jp *p, const struct jnode *v, void *elem);
bool jp_array(struct jp *p, const struct jnode *obj, const char *key, int flags, size_t elem_size, jp_elem_fn fn,
	      void **out, size_t *out_len);
/* An object whose values are objects keyed by name (rdma, timeOffsets, netDevices):
 * fn(p, key, value, &(*out)[i]) with the path at the entry. */
typedef void (*jp_entry_fn)(struct jp *p, const char *key, const struct jnode *v, void *elem);
bool jp_object_map(struct jp *p, const struct jnode *obj, const char *key, int flags, size_t elem_size,
		   jp_entry_fn fn, void **out, size_t *out_len);
/* Enter an optional/required sub-object: returns the object node with the path pushed
 * (caller pops with *mark), or NULL (nothing pushed) when absent or not an object. */
const struct jnode *jp_enter(struct jp *p, const struct jnode *obj, const char *key, int flags, size_t *mark);

/* After jp_strv on `key` succeeded: report each element of v not in `allowed` at key[i]
 * as "unknown <what> \"x\"". Returns true when all are known. */
bool jp_strv_enum(struct jp *p, const char *key, char *const *v, const char *const *allowed, const char *what);

/* s quoted and escaped for a message (truncated like jnode_describe). */
char *jp_quote(const char *s, char *buf, size_t size);

bool strv_all_in(char *const *v, const char *const *allowed);
bool str_in(const char *s, const char *const *allowed);
/* Index of s in allowed, -1 when absent. */
int str_index(const char *s, const char *const *allowed);

#endif
