/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Declarations shared by the libocispec sources (not part of the API). */
#ifndef OCISPEC_INTERNAL_H
#define OCISPEC_INTERNAL_H

#include "libocispec/oci-config.h"
#include "libocispec/json-parse.h"
#include "libocispec/json-gen.h"

/* parse: each fills a zeroed struct from an object node, reporting into p */
void parse_process_obj(struct jp *p, const struct jnode *v, struct oci_process *proc);
void parse_linux_obj(struct jp *p, const struct jnode *v, struct oci_linux *l);
void parse_resources_obj(struct jp *p, const struct jnode *v, struct oci_resources *r);
void parse_id_mapping(struct jp *p, const struct jnode *v, void *elem);

/* generate: each writes one complete object value */
void gen_process(struct jg *j, const struct oci_process *proc);
void gen_linux(struct jg *j, const struct oci_linux *l);
void gen_resources(struct jg *j, const struct oci_resources *r);
void gen_id_mappings(struct jg *j, const char *key, const struct oci_id_mapping *m, size_t n);

/* free the contents (not the struct itself) */
void free_process_content(struct oci_process *proc);
void free_linux_content(struct oci_linux *l);
void free_resources_content(struct oci_resources *r);
void oci_map_free(struct oci_map *m);

/* A whole-document parse: parses JSON, checks the top level is an object and calls fn. */
typedef void (*doc_fn)(struct jp *p, const struct jnode *root, void *out);
int parse_document(const char *data, size_t len, const char *source, doc_fn fn, void *out, char ***problems,
		   struct ocirt_error **err);

#endif
