/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json and process.json generation: only present fields are written, in the key order
 * of runtime-spec's Go types (so output diffs cleanly against runc's). */
#include "config.h"
#include <string.h>
#include "libocispec/internal.h"

void gen_id_mappings(struct jg *j, const char *key, const struct oci_id_mapping *m, size_t n)
{
	size_t i;

	if (!m)
		return;
	jg_kaopen(j, key);
	for (i = 0; i < n; i++) {
		jg_open(j);
		jg_ku64(j, "containerID", true, m[i].container_id);
		jg_ku64(j, "hostID", true, m[i].host_id);
		jg_ku64(j, "size", true, m[i].size);
		jg_close(j);
	}
	jg_aclose(j);
}

void gen_process(struct jg *j, const struct oci_process *p)
{
	size_t i;

	jg_open(j);
	jg_kbool(j, "terminal", p->has_terminal, p->terminal);
	if (p->console_size) {
		jg_kopen(j, "consoleSize");
		jg_ku64(j, "height", true, p->console_size->height);
		jg_ku64(j, "width", true, p->console_size->width);
		jg_close(j);
	}
	jg_kopen(j, "user");
	jg_ku64(j, "uid", true, p->user.uid);
	jg_ku64(j, "gid", true, p->user.gid);
	jg_ku64(j, "umask", p->user.has_umask, p->user.umask);
	if (p->user.additional_gids) {
		jg_kaopen(j, "additionalGids");
		for (i = 0; i < p->user.additional_gids_len; i++)
			jg_u64(j, p->user.additional_gids[i]);
		jg_aclose(j);
	}
	jg_kstr(j, "username", p->user.username);
	jg_close(j);
	jg_kstrv(j, "args", p->args);
	jg_kstr(j, "commandLine", p->command_line);
	jg_kstrv(j, "env", p->env);
	jg_kstr(j, "cwd", p->cwd);
	if (p->capabilities) {
		jg_kopen(j, "capabilities");
		jg_kstrv(j, "bounding", p->capabilities->bounding);
		jg_kstrv(j, "effective", p->capabilities->effective);
		jg_kstrv(j, "inheritable", p->capabilities->inheritable);
		jg_kstrv(j, "permitted", p->capabilities->permitted);
		jg_kstrv(j, "ambient", p->capabilities->ambient);
		jg_close(j);
	}
	if (p->rlimits) {
		jg_kaopen(j, "rlimits");
		for (i = 0; i < p->rlimits_len; i++) {
			jg_open(j);
			jg_kstr(j, "type", p->rlimits[i].type);
			jg_ku64(j, "hard", true, p->rlimits[i].hard);
			jg_ku64(j, "soft", true, p->rlimits[i].soft);
			jg_close(j);
		}
		jg_aclose(j);
	}
	jg_kbool(j, "noNewPrivileges", p->has_no_new_privileges, p->no_new_privileges);
	jg_kstr(j, "apparmorProfile", p->apparmor_profile);
	jg_ki64(j, "oomScoreAdj", p->has_oom_score_adj, p->oom_score_adj);
	if (p->scheduler) {
		const struct oci_scheduler *s = p->scheduler;
		jg_kopen(j, "scheduler");
		jg_kstr(j, "policy", s->policy);
		jg_ki64(j, "nice", s->has_nice, s->nice);
		jg_ki64(j, "priority", s->has_priority, s->priority);
		jg_kstrv(j, "flags", s->flags);
		jg_ku64(j, "runtime", s->has_runtime, s->runtime);
		jg_ku64(j, "deadline", s->has_deadline, s->deadline);
		jg_ku64(j, "period", s->has_period, s->period);
		jg_close(j);
	}
	jg_kstr(j, "selinuxLabel", p->selinux_label);
	if (p->io_priority) {
		jg_kopen(j, "ioPriority");
		jg_kstr(j, "class", p->io_priority->class_);
		jg_ki64(j, "priority", true, p->io_priority->priority);
		jg_close(j);
	}
	if (p->exec_cpu_affinity) {
		jg_kopen(j, "execCPUAffinity");
		jg_kstr(j, "initial", p->exec_cpu_affinity->initial);
		jg_kstr(j, "final", p->exec_cpu_affinity->final);
		jg_close(j);
	}
	jg_close(j);
}

static void gen_hooks(struct jg *j, const char *key, const struct oci_hook *h, size_t n)
{
	size_t i;

	if (!h)
		return;
	jg_kaopen(j, key);
	for (i = 0; i < n; i++) {
		jg_open(j);
		jg_kstr(j, "path", h[i].path);
		jg_kstrv(j, "args", h[i].args);
		jg_kstrv(j, "env", h[i].env);
		jg_ki64(j, "timeout", h[i].has_timeout, h[i].timeout);
		jg_close(j);
	}
	jg_aclose(j);
}

int oci_config_generate(const struct oci_config *c, bool pretty, char **ret_json, size_t *ret_len,
			struct ocirt_error **err)
{
	struct jg j;
	size_t i;

	jg_init(&j, pretty);
	jg_open(&j);
	jg_kstr(&j, "ociVersion", c->oci_version);
	if (c->process) {
		jg_key(&j, "process");
		gen_process(&j, c->process);
	}
	if (c->root) {
		jg_kopen(&j, "root");
		jg_kstr(&j, "path", c->root->path);
		jg_kbool(&j, "readonly", c->root->has_readonly, c->root->readonly);
		jg_close(&j);
	}
	jg_kstr(&j, "hostname", c->hostname);
	jg_kstr(&j, "domainname", c->domainname);
	if (c->mounts) {
		jg_kaopen(&j, "mounts");
		for (i = 0; i < c->mounts_len; i++) {
			const struct oci_mount *m = &c->mounts[i];
			jg_open(&j);
			jg_kstr(&j, "destination", m->destination);
			jg_kstr(&j, "type", m->type);
			jg_kstr(&j, "source", m->source);
			jg_kstrv(&j, "options", m->options);
			gen_id_mappings(&j, "uidMappings", m->uid_mappings, m->uid_mappings_len);
			gen_id_mappings(&j, "gidMappings", m->gid_mappings, m->gid_mappings_len);
			jg_close(&j);
		}
		jg_aclose(&j);
	}
	if (c->hooks) {
		jg_kopen(&j, "hooks");
		gen_hooks(&j, "prestart", c->hooks->prestart, c->hooks->prestart_len);
		gen_hooks(&j, "createRuntime", c->hooks->create_runtime, c->hooks->create_runtime_len);
		gen_hooks(&j, "createContainer", c->hooks->create_container, c->hooks->create_container_len);
		gen_hooks(&j, "startContainer", c->hooks->start_container, c->hooks->start_container_len);
		gen_hooks(&j, "poststart", c->hooks->poststart, c->hooks->poststart_len);
		gen_hooks(&j, "poststop", c->hooks->poststop, c->hooks->poststop_len);
		jg_close(&j);
	}
	jg_kmap(&j, "annotations", c->annotations);
	if (c->linux_) {
		jg_key(&j, "linux");
		gen_linux(&j, c->linux_);
	}
	jg_close(&j);
	return jg_finish(&j, "config.json", ret_json, ret_len, err);
}

int oci_process_generate(const struct oci_process *p, bool pretty, char **ret_json, size_t *ret_len,
			 struct ocirt_error **err)
{
	struct jg j;

	jg_init(&j, pretty);
	gen_process(&j, p);
	return jg_finish(&j, "process.json", ret_json, ret_len, err);
}
