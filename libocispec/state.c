/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state.json (runtime.md "State", plus runc's extra keys) and the seccomp notify container
 * process state (config-linux.md). */
#include "config.h"
#include <errno.h>
#include <string.h>
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocispec/internal.h"
#include "libocispec/oci-state.h"

static void parse_state_obj(struct jp *p, const struct jnode *v, struct oci_state *s)
{
	if (jp_str(p, v, "ociVersion", JP_REQ, &s->oci_version) && !s->oci_version[0])
		jp_fail_at(p, "ociVersion", "must not be empty");
	if (jp_str(p, v, "id", JP_REQ, &s->id) && !s->id[0])
		jp_fail_at(p, "id", "must not be empty");
	jp_enum(p, v, "status", JP_REQ, oci_state_statuses, "status", &s->status);
	/* pid is REQUIRED when the status is created or running */
	if (jp_i32(p, v, "pid", JP_OPT, &s->pid, &s->has_pid) && s->pid < 0)
		jp_fail_at(p, "pid", "must not be negative, got %d", s->pid);
	if (!s->has_pid && !jnode_get(v, "pid") && s->status && (streq(s->status, "created") || streq(s->status, "running")))
		jp_fail_at(p, "pid", "required field missing (status is %s)", s->status);
	jp_str(p, v, "bundle", JP_REQ, &s->bundle);
	jp_map(p, v, "annotations", JP_OPT, &s->annotations);
	jp_str(p, v, "rootfs", JP_OPT, &s->rootfs);
	jp_str(p, v, "created", JP_OPT, &s->created);
	jp_str(p, v, "owner", JP_OPT, &s->owner);
}

static void parse_state_doc(struct jp *p, const struct jnode *root, void *out)
{
	parse_state_obj(p, root, out);
}

static void free_state_content(struct oci_state *s)
{
	free(s->oci_version);
	free(s->id);
	free(s->status);
	free(s->bundle);
	oci_map_free(s->annotations);
	free(s->rootfs);
	free(s->created);
	free(s->owner);
}

void oci_state_free(struct oci_state *s)
{
	if (!s)
		return;
	free_state_content(s);
	free(s);
}

int oci_state_parse(const char *data, size_t len, const char *source, struct oci_state **ret, struct ocirt_error **err)
{
	struct oci_state *s = xnew0(struct oci_state, 1);
	int r = parse_document(data, len, source ? source : "state.json", parse_state_doc, s, NULL, err);
	if (r < 0) {
		oci_state_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

static void gen_state(struct jg *j, const struct oci_state *s)
{
	jg_open(j);
	jg_kstr(j, "ociVersion", s->oci_version);
	jg_kstr(j, "id", s->id);
	jg_ki64(j, "pid", s->has_pid, s->pid);
	jg_kstr(j, "status", s->status);
	jg_kstr(j, "bundle", s->bundle);
	jg_kstr(j, "rootfs", s->rootfs);
	jg_kstr(j, "created", s->created);
	jg_kmap(j, "annotations", s->annotations);
	jg_kstr(j, "owner", s->owner);
	jg_close(j);
}

int oci_state_generate(const struct oci_state *s, bool pretty, char **ret_json, size_t *ret_len,
		       struct ocirt_error **err)
{
	struct jg j;

	jg_init(&j, pretty);
	gen_state(&j, s);
	return jg_finish(&j, "state", ret_json, ret_len, err);
}

int oci_container_process_state_generate(const struct oci_container_process_state *s, char **ret_json,
					 size_t *ret_len, struct ocirt_error **err)
{
	struct jg j;

	jg_init(&j, false);
	jg_open(&j);
	jg_kstr(&j, "ociVersion", s->oci_version);
	jg_kstrv(&j, "fds", s->fds);
	jg_ki64(&j, "pid", true, s->pid);
	jg_kstr(&j, "metadata", s->metadata);
	jg_key(&j, "state");
	gen_state(&j, &s->state);
	jg_close(&j);
	return jg_finish(&j, "container process state", ret_json, ret_len, err);
}

static void parse_cps_doc(struct jp *p, const struct jnode *root, void *out)
{
	struct oci_container_process_state *s = out;
	const struct jnode *o;
	size_t mark;

	jp_str(p, root, "ociVersion", JP_REQ, &s->oci_version);
	jp_strv(p, root, "fds", JP_OPT, &s->fds);
	jp_i32(p, root, "pid", JP_REQ, &s->pid, NULL);
	jp_str(p, root, "metadata", JP_OPT, &s->metadata);
	if ((o = jp_enter(p, root, "state", JP_REQ, &mark))) {
		parse_state_obj(p, o, &s->state);
		jp_pop(p, mark);
	}
}

void oci_container_process_state_free(struct oci_container_process_state *s)
{
	if (!s)
		return;
	free(s->oci_version);
	strv_free(s->fds);
	free(s->metadata);
	free_state_content(&s->state);
	free(s);
}

int oci_container_process_state_parse(const char *data, size_t len, struct oci_container_process_state **ret,
				      struct ocirt_error **err)
{
	struct oci_container_process_state *s = xnew0(struct oci_container_process_state, 1);
	int r = parse_document(data, len, "container process state", parse_cps_doc, s, NULL, err);
	if (r < 0) {
		oci_container_process_state_free(s);
		return r;
	}
	*ret = s;
	return 0;
}
