/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json and process.json: the top level, root, mounts, hooks and the process. The
 * linux section is in linux-parse.c, linux.resources in resources-parse.c. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocispec/internal.h"

#define CONFIG_MAX_SIZE (64u << 20)

int parse_document(const char *data, size_t len, const char *source, doc_fn fn, void *out, char ***problems,
		   struct ocirt_error **err)
{
	_cleanup_jnode_ struct jnode *root = NULL;
	struct ocirt_error *e = NULL;
	struct jp p;
	int r;

	if (!source)
		source = "input";
	r = jtree_parse(data, len, source, &root, &e);
	if (r < 0) {
		if (problems)
			strv_append(problems, e->msg);
		if (err) {
			ocirt_error_free(*err);
			*err = e;
		} else {
			ocirt_error_free(e);
		}
		return r;
	}
	jp_init(&p, source);
	if (root->type != J_OBJECT)
		jp_expected(&p, "a JSON object", root);
	else
		fn(&p, root, out);
	r = jp_result(&p, problems, err);
	jp_fini(&p);
	return r;
}

static void check_not_empty(struct jp *p, const char *key, const char *s)
{
	if (s && !s[0])
		jp_fail_at(p, key, "must not be empty");
}

void parse_id_mapping(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_id_mapping *m = elem;
	jp_u32(p, v, "containerID", JP_REQ, &m->container_id, NULL);
	jp_u32(p, v, "hostID", JP_REQ, &m->host_id, NULL);
	jp_u32(p, v, "size", JP_REQ, &m->size, NULL);
}

/* ---- process ---- */

static void parse_user(struct jp *p, const struct jnode *v, struct oci_user *u)
{
	jp_u32(p, v, "uid", JP_REQ, &u->uid, NULL);
	jp_u32(p, v, "gid", JP_REQ, &u->gid, NULL);
	if (jp_u32(p, v, "umask", JP_OPT, &u->umask, &u->has_umask) && u->umask > 0777)
		jp_fail_at(p, "umask", "must be at most 0777 (511), got %u", u->umask);
	jp_u32v(p, v, "additionalGids", JP_OPT, &u->additional_gids, &u->additional_gids_len);
	jp_str(p, v, "username", JP_OPT, &u->username);
}

static bool valid_capability(const char *s)
{
	if (!strneq(s, "CAP_", 4) || !s[4])
		return false;
	for (s += 4; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || *s == '_'))
			return false;
	return true;
}

static void parse_cap_set(struct jp *p, const struct jnode *v, const char *key, char ***out)
{
	size_t i;

	if (!jp_strv(p, v, key, JP_OPT, out))
		return;
	for (i = 0; (*out)[i]; i++) {
		if (!valid_capability((*out)[i])) {
			char buf[128];
			size_t mark = jp_push_key(p, key);
			jp_push_index(p, i);
			jp_fail(p, "invalid capability name %s", jp_quote((*out)[i], buf, sizeof(buf)));
			jp_pop(p, mark);
		}
	}
}

static void parse_rlimit(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_rlimit *rl = elem;
	jp_enum(p, v, "type", JP_REQ, oci_rlimit_types, "rlimit type", &rl->type);
	jp_u64(p, v, "hard", JP_REQ, &rl->hard, NULL);
	jp_u64(p, v, "soft", JP_REQ, &rl->soft, NULL);
}

static void parse_scheduler(struct jp *p, const struct jnode *v, struct oci_scheduler *s)
{
	jp_enum(p, v, "policy", JP_REQ, oci_scheduler_policies, "scheduler policy", &s->policy);
	jp_i32(p, v, "nice", JP_OPT, &s->nice, &s->has_nice);
	jp_i32(p, v, "priority", JP_OPT, &s->priority, &s->has_priority);
	if (jp_strv(p, v, "flags", JP_OPT, &s->flags))
		jp_strv_enum(p, "flags", s->flags, oci_scheduler_flags, "scheduler flag");
	jp_u64(p, v, "runtime", JP_OPT, &s->runtime, &s->has_runtime);
	jp_u64(p, v, "deadline", JP_OPT, &s->deadline, &s->has_deadline);
	jp_u64(p, v, "period", JP_OPT, &s->period, &s->has_period);
}

void parse_process_obj(struct jp *p, const struct jnode *v, struct oci_process *proc)
{
	const struct jnode *o;
	size_t mark, i;

	jp_bool(p, v, "terminal", JP_OPT, &proc->terminal, &proc->has_terminal);
	if ((o = jp_enter(p, v, "consoleSize", JP_OPT, &mark))) {
		proc->console_size = xnew0(struct oci_box, 1);
		jp_u32(p, o, "height", JP_REQ, &proc->console_size->height, NULL);
		jp_u32(p, o, "width", JP_REQ, &proc->console_size->width, NULL);
		jp_pop(p, mark);
	}
	/* required by the spec on Linux; runc runs a process without it as 0:0 (and its own
	 * tests send process.json files without one) */
	if ((o = jp_enter(p, v, "user", JP_OPT, &mark))) {
		parse_user(p, o, &proc->user);
		jp_pop(p, mark);
	}
	/* args MAY be absent only on Windows (commandLine); on Linux it needs an entry */
	if (jp_strv(p, v, "args", JP_REQ, &proc->args) && !proc->args[0])
		jp_fail_at(p, "args", "must contain at least one entry");
	jp_str(p, v, "commandLine", JP_OPT, &proc->command_line);
	jp_strv(p, v, "env", JP_OPT, &proc->env);
	jp_abspath(p, v, "cwd", JP_REQ, &proc->cwd);
	if ((o = jp_enter(p, v, "capabilities", JP_OPT, &mark))) {
		proc->capabilities = xnew0(struct oci_capabilities, 1);
		parse_cap_set(p, o, "bounding", &proc->capabilities->bounding);
		parse_cap_set(p, o, "effective", &proc->capabilities->effective);
		parse_cap_set(p, o, "inheritable", &proc->capabilities->inheritable);
		parse_cap_set(p, o, "permitted", &proc->capabilities->permitted);
		parse_cap_set(p, o, "ambient", &proc->capabilities->ambient);
		jp_pop(p, mark);
	}
	jp_array(p, v, "rlimits", JP_OPT, sizeof(struct oci_rlimit), parse_rlimit, (void **)&proc->rlimits,
		 &proc->rlimits_len);
	{
		/* the spec: a duplicate type MUST be an error (types are from a small fixed set) */
		bool seen[64] = { false };
		for (i = 0; i < proc->rlimits_len; i++) {
			int k = proc->rlimits[i].type ? str_index(proc->rlimits[i].type, oci_rlimit_types) : -1;
			if (k < 0 || (size_t)k >= ARRAY_SIZE(seen))
				continue;
			if (seen[k]) {
				mark = jp_push_key(p, "rlimits");
				jp_push_index(p, i);
				jp_fail_at(p, "type", "duplicate rlimit type \"%s\"", proc->rlimits[i].type);
				jp_pop(p, mark);
			}
			seen[k] = true;
		}
	}
	jp_bool(p, v, "noNewPrivileges", JP_OPT, &proc->no_new_privileges, &proc->has_no_new_privileges);
	jp_str(p, v, "apparmorProfile", JP_OPT, &proc->apparmor_profile);
	if (jp_i32(p, v, "oomScoreAdj", JP_OPT, &proc->oom_score_adj, &proc->has_oom_score_adj) &&
	    (proc->oom_score_adj < -1000 || proc->oom_score_adj > 1000))
		jp_fail_at(p, "oomScoreAdj", "must be between -1000 and 1000, got %d", proc->oom_score_adj);
	jp_str(p, v, "selinuxLabel", JP_OPT, &proc->selinux_label);
	if ((o = jp_enter(p, v, "scheduler", JP_OPT, &mark))) {
		proc->scheduler = xnew0(struct oci_scheduler, 1);
		parse_scheduler(p, o, proc->scheduler);
		jp_pop(p, mark);
	}
	if ((o = jp_enter(p, v, "ioPriority", JP_OPT, &mark))) {
		proc->io_priority = xnew0(struct oci_io_priority, 1);
		jp_enum(p, o, "class", JP_REQ, oci_ioprio_classes, "I/O priority class", &proc->io_priority->class_);
		/* the spec requires it; runc defaults it to 0 (its ioprio test sends none) */
		jp_i32(p, o, "priority", JP_OPT, &proc->io_priority->priority, NULL);
		jp_pop(p, mark);
	}
	if ((o = jp_enter(p, v, "execCPUAffinity", JP_OPT, &mark))) {
		proc->exec_cpu_affinity = xnew0(struct oci_cpu_affinity, 1);
		jp_str(p, o, "initial", JP_OPT, &proc->exec_cpu_affinity->initial);
		jp_str(p, o, "final", JP_OPT, &proc->exec_cpu_affinity->final);
		jp_pop(p, mark);
	}
}

/* ---- root, mounts, hooks ---- */

static void parse_mount(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_mount *m = elem;
	if (jp_str(p, v, "destination", JP_REQ, &m->destination))
		check_not_empty(p, "destination", m->destination);
	jp_str(p, v, "type", JP_OPT, &m->type);
	jp_str(p, v, "source", JP_OPT, &m->source);
	jp_strv(p, v, "options", JP_OPT, &m->options);
	jp_array(p, v, "uidMappings", JP_OPT, sizeof(struct oci_id_mapping), parse_id_mapping,
		 (void **)&m->uid_mappings, &m->uid_mappings_len);
	jp_array(p, v, "gidMappings", JP_OPT, sizeof(struct oci_id_mapping), parse_id_mapping,
		 (void **)&m->gid_mappings, &m->gid_mappings_len);
}

static void parse_hook(struct jp *p, const struct jnode *v, void *elem)
{
	struct oci_hook *h = elem;
	jp_abspath(p, v, "path", JP_REQ, &h->path);
	jp_strv(p, v, "args", JP_OPT, &h->args);
	jp_strv(p, v, "env", JP_OPT, &h->env);
	if (jp_i32(p, v, "timeout", JP_OPT, &h->timeout, &h->has_timeout) && h->timeout <= 0)
		jp_fail_at(p, "timeout", "must be greater than zero, got %d", h->timeout);
}

static void parse_hooks(struct jp *p, const struct jnode *v, struct oci_hooks *h)
{
#define HOOKS(key, field) \
	jp_array(p, v, key, JP_OPT, sizeof(struct oci_hook), parse_hook, (void **)&h->field, &h->field##_len)
	HOOKS("prestart", prestart);
	HOOKS("createRuntime", create_runtime);
	HOOKS("createContainer", create_container);
	HOOKS("startContainer", start_container);
	HOOKS("poststart", poststart);
	HOOKS("poststop", poststop);
#undef HOOKS
}

static void parse_config_doc(struct jp *p, const struct jnode *root, void *out)
{
	struct oci_config *c = out;
	const struct jnode *o;
	size_t mark;

	if (jp_str(p, root, "ociVersion", JP_REQ, &c->oci_version))
		check_not_empty(p, "ociVersion", c->oci_version);
	if ((o = jp_enter(p, root, "process", JP_OPT, &mark))) {
		c->process = xnew0(struct oci_process, 1);
		parse_process_obj(p, o, c->process);
		jp_pop(p, mark);
	}
	if ((o = jp_enter(p, root, "root", JP_OPT, &mark))) {
		c->root = xnew0(struct oci_root, 1);
		if (jp_str(p, o, "path", JP_REQ, &c->root->path))
			check_not_empty(p, "path", c->root->path);
		jp_bool(p, o, "readonly", JP_OPT, &c->root->readonly, &c->root->has_readonly);
		jp_pop(p, mark);
	}
	jp_str(p, root, "hostname", JP_OPT, &c->hostname);
	jp_str(p, root, "domainname", JP_OPT, &c->domainname);
	jp_array(p, root, "mounts", JP_OPT, sizeof(struct oci_mount), parse_mount, (void **)&c->mounts, &c->mounts_len);
	if ((o = jp_enter(p, root, "hooks", JP_OPT, &mark))) {
		c->hooks = xnew0(struct oci_hooks, 1);
		parse_hooks(p, o, c->hooks);
		jp_pop(p, mark);
	}
	jp_map(p, root, "annotations", JP_OPT, &c->annotations);
	if ((o = jp_enter(p, root, "linux", JP_OPT, &mark))) {
		c->linux_ = xnew0(struct oci_linux, 1);
		parse_linux_obj(p, o, c->linux_);
		jp_pop(p, mark);
	}
}

int oci_config_parse(const char *data, size_t len, const char *source, struct oci_config **ret, char ***problems,
		     struct ocirt_error **err)
{
	struct oci_config *c = xnew0(struct oci_config, 1);
	int r = parse_document(data, len, source ? source : "config.json", parse_config_doc, c, problems, err);
	if (r < 0) {
		oci_config_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int oci_config_parse_file(const char *path, struct oci_config **ret, char ***problems, struct ocirt_error **err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	const char *base = strrchr(path, '/');
	struct stat st;
	size_t off = 0;
	int r;

	base = base && base[1] ? base + 1 : path;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		r = ocirt_error_set(err, errno, "open `%s`", path);
	else if (fstat(fd, &st) < 0)
		r = ocirt_error_set(err, errno, "stat `%s`", path);
	else if (!S_ISREG(st.st_mode))
		r = ocirt_error_setx(err, EINVAL, "`%s` is not a regular file", path);
	else if ((uint64_t)st.st_size > CONFIG_MAX_SIZE)
		r = ocirt_error_setx(err, EFBIG, "`%s` is larger than %u bytes", path, CONFIG_MAX_SIZE);
	else
		r = 0;
	if (r < 0)
		goto fail;
	buf = xmalloc((size_t)st.st_size + 1);
	/* read up to the limit even if the file grew since fstat */
	for (;;) {
		ssize_t n;
		if (off == (size_t)st.st_size + 1) {
			r = ocirt_error_setx(err, EFBIG, "`%s` changed while being read", path);
			goto fail;
		}
		n = TEMP_FAILURE_RETRY_INT(read(fd, buf + off, (size_t)st.st_size + 1 - off));
		if (n < 0) {
			r = ocirt_error_set(err, errno, "read `%s`", path);
			goto fail;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	return oci_config_parse(buf, off, base, ret, problems, err);
fail:
	if (problems && err && *err)
		strv_append(problems, (*err)->msg);
	return r;
}

static void parse_process_doc(struct jp *p, const struct jnode *root, void *out)
{
	parse_process_obj(p, root, out);
}

int oci_process_parse(const char *data, size_t len, const char *source, struct oci_process **ret,
		      char ***problems, struct ocirt_error **err)
{
	struct oci_process *proc = xnew0(struct oci_process, 1);
	int r = parse_document(data, len, source ? source : "process.json", parse_process_doc, proc, problems, err);
	if (r < 0) {
		oci_process_free(proc);
		return r;
	}
	*ret = proc;
	return 0;
}
