/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "common/log.h"
#include "common/proc-util.h"
#include "common/xalloc.h"
#include "libocirt/container-cgroup.h"
#include "libocirt/state.h"

void ocirt_cgroup_res_dirs(const struct ocirt_cgroup *cg, struct ocirt_cgroup_dirs *ret)
{
	size_t i;

	memset(ret, 0, sizeof(*ret));
	ret->unified_only = cg->layout == OCIRT_CGROUP_UNIFIED;
	for (i = 0; i < cg->ndirs; i++) {
		const struct ocirt_cgroup_dir *d = &cg->dirs[i];
		_cleanup_free_ char *list = xstrdup(d->controllers ? d->controllers : "");
		char *tok, *save = NULL;

		if (!list[0]) {
			if (!ret->unified)
				ret->unified = xstrdup(d->path);
			continue;
		}
		if (ret->unified_only)
			continue;
		for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			int c = ocirt_cg_controller_from_name(tok);
			if (c >= 0 && !ret->v1[c])
				ret->v1[c] = xstrdup(d->path);
		}
	}
}

static bool is_perm_error(int r)
{
	return r == -EPERM || r == -EACCES || r == -EROFS;
}

int ocirt_cgroup_apply_config(struct ocirt_cgroup *cg, const struct oci_linux *linux_, struct ocirt_error **err)
{
	struct ocirt_cgroup_dirs dirs;
	struct ocirt_cgroup_res_opts opts = {0};
	int r;

	if (!cg || cg->ndirs == 0)
		return 0; /* the "none" driver, or rootless without any writable hierarchy */
	ocirt_cgroup_res_dirs(cg, &dirs);
	if (linux_) {
		opts.devices = linux_->devices;
		opts.devices_len = linux_->devices_len;
	}
	/* Rootless: no cgroup delegation on v1, and devices can't be restricted anyway
	 * without privileges (the user namespace already confines them). */
	opts.skip_devices = cg->rootless;
	opts.ret_root_enabled = &cg->root_enabled;
	r = 0;
	if (cg->driver->set_unit_properties && linux_ && linux_->resources)
		r = cg->driver->set_unit_properties(cg, linux_->resources, err);
	if (r == 0)
		r = ocirt_cgroup_res_apply(&dirs, linux_ ? linux_->resources : NULL, &opts, err);
	ocirt_cgroup_dirs_free(&dirs);
	if (r < 0 && cg->rootless && is_perm_error(r)) {
		log_warning("rootless: cannot apply cgroup resources (%s); continuing without them",
			    err && *err ? (*err)->msg : strerror(-r));
		ocirt_error_freep(err);
		return 0;
	}
	if (r < 0)
		return ocirt_error_prefix(err, "apply cgroup resources");
	return 0;
}

int ocirt_cgroup_apply_update(struct ocirt_cgroup *cg, const struct oci_resources *r, struct ocirt_error **err)
{
	struct ocirt_cgroup_dirs dirs;
	struct ocirt_cgroup_res_opts opts = {.update = true};
	int ret;

	if (!cg || cg->ndirs == 0)
		return ocirt_error_setx(err, ENOTSUP, "the container is not using cgroups");
	if (cg->driver->set_unit_properties && r && (ret = cg->driver->set_unit_properties(cg, r, err)) < 0)
		return ret;
	ocirt_cgroup_res_dirs(cg, &dirs);
	ret = ocirt_cgroup_res_apply(&dirs, r, &opts, err);
	ocirt_cgroup_dirs_free(&dirs);
	return ret;
}

int ocirt_cgroup_res_driver_apply(struct ocirt_cgroup *cg, const struct oci_resources *r, bool update,
				  struct ocirt_error **err)
{
	struct oci_linux l = {.resources = (struct oci_resources *)r};

	if (update)
		return ocirt_cgroup_apply_update(cg, r, err);
	return ocirt_cgroup_apply_config(cg, &l, err);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int freeze_v1(const char *dir, bool freeze, struct ocirt_error **err)
{
	const char *want = freeze ? "FROZEN" : "THAWED";
	int i, r;

	/* Freezing can stall on tasks in uninterruptible sleep; rewrite the request now and
	 * then (each write retries the stuck tasks), give up after ~5 s and thaw again. */
	for (i = 0; i < 5000; i++) {
		_cleanup_free_ char *state = NULL;
		if (i % 100 == 0 && (r = ocirt_cg_write(dir, "freezer.state", want, err)) < 0)
			return r;
		if ((r = ocirt_cg_read(dir, "freezer.state", &state, err)) < 0)
			return r;
		if (streq(state, want))
			return 0;
		sleep_ms(1);
	}
	if (freeze)
		(void)ocirt_cg_write(dir, "freezer.state", "THAWED", NULL);
	return ocirt_error_setx(err, EBUSY, "unable to %s the cgroup %s: still %s", freeze ? "freeze" : "thaw",
				dir, freeze ? "FREEZING" : "not THAWED");
}

static int freeze_v2(const char *dir, bool freeze, struct ocirt_error **err)
{
	const char *want = freeze ? "frozen 1" : "frozen 0";
	int i, r;

	if ((r = ocirt_cg_write(dir, "cgroup.freeze", freeze ? "1" : "0", err)) < 0)
		return r;
	for (i = 0; i < 5000; i++) {
		_cleanup_free_ char *ev = NULL;
		char *p;
		if ((r = ocirt_cg_read(dir, "cgroup.events", &ev, err)) < 0)
			return r;
		for (p = strtok(ev, "\n"); p; p = strtok(NULL, "\n"))
			if (streq(p, want))
				return 0;
		sleep_ms(1);
	}
	if (freeze)
		(void)ocirt_cg_write(dir, "cgroup.freeze", "0", NULL);
	return ocirt_error_setx(err, EBUSY, "unable to %s the cgroup %s: cgroup.events never said \"%s\"",
				freeze ? "freeze" : "thaw", dir, want);
}

int ocirt_cgroup_freeze(const struct ocirt_cgroup *cg, bool freeze, struct ocirt_error **err)
{
	const char *dir;

	if (cg->layout != OCIRT_CGROUP_UNIFIED && (dir = ocirt_cgroup_dir_for(cg, "freezer")))
		return freeze_v1(dir, freeze, err);
	/* pure v2, or a hybrid host whose freezer lives only on the unified hierarchy */
	if (cg->layout != OCIRT_CGROUP_LEGACY && (dir = ocirt_cgroup_dir_for(cg, "")) &&
	    ocirt_cg_exists(dir, "cgroup.freeze"))
		return freeze_v2(dir, freeze, err);
	return ocirt_error_setx(err, ENOTSUP, "cannot %s the container without a freezer cgroup",
				freeze ? "pause" : "resume");
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return x < y ? -1 : x > y;
}

static int collect_pids(const char *dir, pid_t **v, size_t *n, size_t *cap, int depth, struct ocirt_error **err)
{
	_cleanup_free_ char *procs = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	char *line, *save = NULL;
	int r;

	r = ocirt_cg_read(dir, "cgroup.procs", &procs, err);
	if (r == -ENOENT && depth > 0)
		return 0; /* removed while we walked */
	if (r < 0)
		return r;
	for (line = strtok_r(procs, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long p = strtol(line, NULL, 10);
		if (p <= 0)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 32;
			*v = xreallocarray(*v, *cap, sizeof(pid_t));
		}
		(*v)[(*n)++] = (pid_t)p;
	}
	if (depth > 64)
		return 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : ocirt_error_set(err, errno, "open %s", dir);
	while ((de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		if ((r = collect_pids(sub, v, n, cap, depth + 1, err)) < 0)
			return r;
	}
	return 0;
}

int ocirt_cgroup_pids_recursive(const struct ocirt_cgroup *cg, pid_t **ret, size_t *ret_len, struct ocirt_error **err)
{
	static const char *const order[] = {"", "pids", "freezer", "memory", "cpu", "devices", "cpuset", "blkio"};
	_cleanup_free_ pid_t *v = NULL;
	size_t n = 0, cap = 0, i, j;
	const char *dir = NULL;
	int r;

	for (i = 0; i < ARRAY_SIZE(order) && !dir; i++) {
		const char *d = ocirt_cgroup_dir_for(cg, order[i]);
		if (d && access(d, F_OK) == 0)
			dir = d;
	}
	if (!dir) {
		*ret = NULL;
		*ret_len = 0;
		return 0; /* cgroup gone: nothing runs there */
	}
	r = collect_pids(dir, &v, &n, &cap, 0, err);
	if (r == -ENOENT) {
		ocirt_error_freep(err);
		n = 0;
	} else if (r < 0) {
		return r;
	}
	if (n) {
		qsort(v, n, sizeof(pid_t), cmp_pid);
		for (i = 1, j = 1; i < n; i++)
			if (v[i] != v[j - 1])
				v[j++] = v[i];
		n = j;
	}
	*ret = n ? TAKE_PTR(v) : NULL;
	*ret_len = n;
	return 0;
}

/* runc's signalAllProcesses: SIGKILL through cgroup.kill (cgroup v2, Linux 5.14: the
 * kernel kills the whole subtree, forks racing with us included); any other signal, or
 * no cgroup.kill: freeze so nothing forks away meanwhile, signal every pid of the
 * subtree, thaw. */
int ocirt_cgroup_kill_all(const struct ocirt_cgroup *cg, int sig, struct ocirt_error **err)
{
	_cleanup_free_ pid_t *pids = NULL;
	const char *dir = ocirt_cgroup_dir_for(cg, "");
	size_t n = 0, i;
	bool froze = false;
	int count = 0, r;

	if (sig == SIGKILL && dir && ocirt_cg_exists(dir, "cgroup.kill")) {
		r = ocirt_cg_write(dir, "cgroup.kill", "1", NULL);
		if (r == 0 || r == -ENOENT || r == -ENODEV)
			return 0; /* (gone: the container's cgroup was removed meanwhile) */
	}
	if (!ocirt_cgroup_is_frozen(cg)) {
		struct ocirt_error *e = NULL;
		froze = ocirt_cgroup_freeze(cg, true, &e) == 0;
		ocirt_error_free(e);
	}
	r = ocirt_cgroup_pids_recursive(cg, &pids, &n, err);
	for (i = 0; r == 0 && i < n; i++) {
		if (kill(pids[i], sig) == 0)
			count++;
		else if (errno != ESRCH)
			r = ocirt_error_set(err, errno, "kill %d", (int)pids[i]);
	}
	if (froze) {
		struct ocirt_error *e = NULL;
		if (ocirt_cgroup_freeze(cg, false, &e) < 0)
			log_warning("kill --all: %s", e->msg);
		ocirt_error_free(e);
	}
	return r < 0 ? r : count;
}

/* --- verbs ---------------------------------------------------------------------- */

enum status { ST_CREATED, ST_RUNNING, ST_PAUSED, ST_STOPPED };

static enum status status_of(struct ocirt_state_dir *d, const struct ocirt_status *s)
{
	if (s->pid <= 0 || !proc_is_alive(s->pid, s->start_time))
		return ST_STOPPED;
	if (ocirt_exec_fifo_exists(d->dirfd))
		return ST_CREATED;
	if (s->cgroup && ocirt_cgroup_is_frozen(s->cgroup))
		return ST_PAUSED;
	return ST_RUNNING;
}

/* What a verb needs of the container before it acts. */
struct need {
	bool lock;
	unsigned states;       /* the states it acts in: a mask of 1 << ST_* */
	int errnum;            /* in another state: this error (paused_errnum when paused, if */
	int paused_errnum;     /* set), with msg (%s: the id) */
	const char *msg;
	const char *no_cgroup; /* set: a container without a cgroup is refused (ENOTSUP) so */
};

#define LIVE ((1u << ST_CREATED) | (1u << ST_RUNNING) | (1u << ST_PAUSED))
#define ANY_STATE (LIVE | (1u << ST_STOPPED))

struct loaded {
	struct ocirt_state_dir *d;
	struct ocirt_status *s;
};

static void loaded_done(struct loaded *l)
{
	ocirt_status_freep(&l->s);
	ocirt_state_dir_freep(&l->d);
}

static bool has_cgroup(const struct ocirt_status *s)
{
	return s->cgroup && s->cgroup->ndirs > 0;
}

/* Open (and lock) the container's state and check it is fit for the verb (n). */
static int load(struct ocirt_context *ctx, const char *id, const struct need *n, struct loaded *l,
		struct ocirt_error **err)
{
	enum status st;
	int r;

	if ((r = ocirt_validate_id(id, err)) < 0)
		return r;
	if ((r = ocirt_state_dir_open(ctx->state_root, id, n->lock, &l->d, err)) < 0)
		return r;
	if ((r = ocirt_status_read(l->d, &l->s, err)) < 0)
		return r;
	st = status_of(l->d, l->s);
	if (!(n->states & (1u << st)))
		return ocirt_error_setx(err, st == ST_PAUSED && n->paused_errnum ? n->paused_errnum : n->errnum, n->msg,
					id);
	if (n->no_cgroup && !has_cgroup(l->s))
		return ocirt_error_setx(err, ENOTSUP, "%s", n->no_cgroup);
	return 0;
}

#define NOT_USING_CGROUPS "the container is not using cgroups"

int ocirt_container_update(struct ocirt_context *ctx, const char *id, const struct oci_resources *r,
			   struct ocirt_error **err)
{
	static const struct need n = {true, LIVE, ESRCH, 0, "container not running", NOT_USING_CGROUPS};
	_cleanup_(loaded_done) struct loaded l = {0};
	int ret;

	if ((ret = load(ctx, id, &n, &l, err)) < 0)
		return ret;
	if (!r)
		return 0;
	return ocirt_cgroup_apply_update(l.s->cgroup, r, err);
}

int ocirt_container_pause(struct ocirt_context *ctx, const char *id, struct ocirt_error **err)
{
	static const struct need n = {true, (1u << ST_RUNNING) | (1u << ST_CREATED), ESRCH, EBUSY,
				      "container not running", "cannot pause the container without a cgroup"};
	_cleanup_(loaded_done) struct loaded l = {0};
	int r;

	if ((r = load(ctx, id, &n, &l, err)) < 0)
		return r;
	return ocirt_cgroup_freeze(l.s->cgroup, true, err);
}

int ocirt_container_resume(struct ocirt_context *ctx, const char *id, struct ocirt_error **err)
{
	static const struct need n = {true, 1u << ST_PAUSED, EINVAL, 0, "container not paused", NULL};
	_cleanup_(loaded_done) struct loaded l = {0};
	int r;

	if ((r = load(ctx, id, &n, &l, err)) < 0)
		return r;
	return ocirt_cgroup_freeze(l.s->cgroup, false, err);
}

int ocirt_container_ps(struct ocirt_context *ctx, const char *id, pid_t **ret, size_t *ret_len,
		       struct ocirt_error **err)
{
	static const struct need n = {false, ANY_STATE, 0, 0, NULL, NOT_USING_CGROUPS};
	_cleanup_(loaded_done) struct loaded l = {0};
	int r;

	if ((r = load(ctx, id, &n, &l, err)) < 0)
		return r;
	return ocirt_cgroup_pids_recursive(l.s->cgroup, ret, ret_len, err);
}

/* The number of OOM kills so far (v1 memory.oom_control, v2 memory.events), -1 if unknown. */
static int64_t oom_kills(const struct ocirt_cgroup *cg)
{
	const char *dir;
	const char *file;
	_cleanup_free_ char *s = NULL;
	char *p;

	if (cg->layout == OCIRT_CGROUP_UNIFIED) {
		dir = ocirt_cgroup_dir_for(cg, "");
		file = "memory.events";
	} else {
		dir = ocirt_cgroup_dir_for(cg, "memory");
		file = "memory.oom_control";
	}
	if (!dir || ocirt_cg_read(dir, file, &s, NULL) < 0)
		return -1;
	p = strstr(s, "oom_kill ");
	if (!p)
		return -1;
	return strtoll(p + strlen("oom_kill "), NULL, 10);
}

int ocirt_container_events(struct ocirt_context *ctx, const char *id, unsigned interval_ms, bool stats_only,
			   ocirt_event_fn emit, void *userdata, struct ocirt_error **err)
{
	static const struct need n = {false, LIVE, ESRCH, 0, "container with id %s is not running", NOT_USING_CGROUPS};
	_cleanup_(loaded_done) struct loaded l = {0};
	struct ocirt_status *s;
	int64_t ooms;
	unsigned waited = 0;
	int r;

	if ((r = load(ctx, id, &n, &l, err)) < 0)
		return r;
	s = l.s;
	if (!stats_only && interval_ms == 0)
		return ocirt_error_setx(err, EINVAL, "duration interval must be greater than 0");
	ooms = oom_kills(s->cgroup);
	for (;;) {
		if (stats_only || waited >= interval_ms) {
			_cleanup_free_ char *data = NULL, *line = NULL;
			if ((r = ocirt_cgroup_stats_json(s->cgroup, &data, err)) < 0)
				return r;
			/* id passed validation: no characters that need escaping */
			line = xasprintf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}", id, data);
			if ((r = emit(line, userdata)) < 0)
				return r;
			if (stats_only)
				return 0;
			waited = 0;
		}
		sleep_ms(100);
		waited += 100;
		{
			int64_t now = oom_kills(s->cgroup);
			if (now > ooms && ooms >= 0) {
				_cleanup_free_ char *line = xasprintf("{\"type\":\"oom\",\"id\":\"%s\"}", id);
				if ((r = emit(line, userdata)) < 0)
					return r;
			}
			if (now >= 0)
				ooms = now;
		}
		if (!proc_is_alive(s->pid, s->start_time))
			return 0;
	}
}
