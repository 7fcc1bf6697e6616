/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small lookups over the models. */
#include "config.h"
#include <string.h>
#include "common/xalloc.h"
#include "libocispec/oci-config.h"

const char *oci_map_get(const struct oci_map *m, const char *key)
{
	size_t i;

	if (!m || !key)
		return NULL;
	for (i = m->len; i > 0; i--)
		if (m->items[i - 1].key && streq(m->items[i - 1].key, key))
			return m->items[i - 1].value;
	return NULL;
}

void oci_map_set(struct oci_map **m, const char *key, const char *value)
{
	size_t i;

	if (!*m)
		*m = xnew0(struct oci_map, 1);
	for (i = 0; i < (*m)->len; i++) {
		if ((*m)->items[i].key && streq((*m)->items[i].key, key)) {
			free((*m)->items[i].value);
			(*m)->items[i].value = xstrdup(value);
			return;
		}
	}
	(*m)->items = xreallocarray((*m)->items, (*m)->len + 1, sizeof(*(*m)->items));
	(*m)->items[(*m)->len].key = xstrdup(key);
	(*m)->items[(*m)->len].value = xstrdup(value);
	(*m)->len++;
}

const struct oci_namespace *oci_config_find_namespace(const struct oci_config *c, const char *type)
{
	size_t i;

	if (!c || !c->linux_ || !type)
		return NULL;
	for (i = 0; i < c->linux_->namespaces_len; i++)
		if (c->linux_->namespaces[i].type && streq(c->linux_->namespaces[i].type, type))
			return &c->linux_->namespaces[i];
	return NULL;
}

const char *oci_config_annotation(const struct oci_config *c, const char *key)
{
	return c ? oci_map_get(c->annotations, key) : NULL;
}
