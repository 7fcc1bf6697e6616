/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd cgroup driver (`--systemd-cgroup`): the container's cgroup is a transient
 * scope unit that systemd creates, through sd-bus.
 *
 * cgroupsPath is "slice:prefix:name" (runc's format): the unit is "prefix-name.scope"
 * ("name.scope" with an empty prefix) in "slice" (system.slice when empty; user.slice
 * rootless, on the user's manager). An empty cgroupsPath means "system.slice:ocirt:<id>".
 *
 * A scope can only be started with a process in it, and ocirt prepares the cgroup (limits,
 * device filter, status) before the container process exists. So create() forks a
 * placeholder, starts the scope with PIDs=[placeholder], Delegate=yes, waits for the
 * JobRemoved signal of the start job, and reads the scope's cgroup from the placeholder's
 * /proc/PID/cgroup; enter() moves the container init in and only then ends the
 * placeholder (an empty scope is stopped by systemd at once).
 *
 * Resources: the ones systemd has properties for (MemoryMax, MemoryLow, MemorySwapMax,
 * CPUWeight, CPUQuotaPerSecUSec, CPUQuotaPeriodUSec, TasksMax, IOWeight) are set on the
 * unit (set_properties), so a `systemctl daemon-reload` re-applies the same values instead
 * of resetting them; then the resources engine writes every file as with cgroupfs.
 * delete stops the unit (systemd kills what is left and removes the cgroup).
 *
 * Pure cgroup v2 only: on v1/hybrid hosts the driver refuses with a clear error. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "libocirt/cgroup-convert.h"
#include "libocirt/cgroup.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-bus.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define JOB_TIMEOUT_USEC (30ULL * 1000 * 1000)

static int bus_open(bool rootless, sd_bus **ret, struct ocirt_error **err)
{
	int r = rootless ? sd_bus_open_user(ret) : sd_bus_open_system(ret);
	if (r < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: connect to the %s bus",
				       rootless ? "user" : "system");
	return 0;
}

struct job_wait {
	const char *job;
	bool done;
	char *result;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	struct job_wait *w = userdata;
	const char *path = NULL, *unit = NULL, *result = NULL;
	uint32_t id;
	(void)e;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->job && streq(path, w->job)) {
		w->done = true;
		w->result = xstrdup(result);
	}
	return 0;
}

/* Wait for the JobRemoved signal of job (the match must be installed before the call that
 * created the job). */
static int wait_job(sd_bus *bus, struct job_wait *w, const char *what, struct ocirt_error **err)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!w->done) {
		struct timespec now;
		uint64_t spent;
		int r = sd_bus_process(bus, NULL);
		if (r < 0)
			return ocirt_error_set(err, -r, "systemd cgroup driver: %s: wait for the job", what);
		if (r > 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		spent = (uint64_t)(now.tv_sec - t0.tv_sec) * 1000000ULL + (uint64_t)((now.tv_nsec - t0.tv_nsec) / 1000);
		if (spent >= JOB_TIMEOUT_USEC)
			return ocirt_error_setx(err, ETIMEDOUT, "systemd cgroup driver: %s: timed out waiting for job %s",
						what, w->job);
		r = sd_bus_wait(bus, JOB_TIMEOUT_USEC - spent);
		if (r < 0)
			return ocirt_error_set(err, -r, "systemd cgroup driver: %s: wait for the job", what);
	}
	if (!streq(w->result, "done"))
		return ocirt_error_setx(err, EIO, "systemd cgroup driver: %s: job %s finished with result \"%s\"", what,
					w->job, w->result);
	return 0;
}

static int append_u64(sd_bus_message *m, const char *name, uint64_t v)
{
	return sd_bus_message_append(m, "(sv)", name, "t", v);
}

/* linux.resources -> unit properties systemd has (the files are written afterwards by the
 * resources engine anyway; these only keep systemd from resetting them). */
static int append_resources(sd_bus_message *m, const struct oci_resources *res, struct ocirt_error **err)
{
	int r = 0;
	if (!res)
		return 0;
	if (res->memory) {
		const struct oci_memory *mem = res->memory;
		if (mem->has_limit && mem->limit != 0)
			r = append_u64(m, "MemoryMax", mem->limit < 0 ? UINT64_MAX : (uint64_t)mem->limit);
		if (r >= 0 && mem->has_reservation && mem->reservation != 0)
			r = append_u64(m, "MemoryLow", mem->reservation < 0 ? UINT64_MAX : (uint64_t)mem->reservation);
		if (r >= 0 && mem->has_swap && mem->swap != 0) {
			char buf[OCIRT_CG_VALUE_MAX];
			bool set = false;
			uint64_t v;
			if (ocirt_cg_swap_v2(mem->has_limit, mem->limit, mem->has_swap, mem->swap, buf, &set, err) < 0)
				return -EINVAL;
			if (set && ocirt_cg_parse_u64(buf, &v) == 0)
				r = append_u64(m, "MemorySwapMax", v);
		}
	}
	if (r >= 0 && res->cpu) {
		const struct oci_cpu *cpu = res->cpu;
		if (cpu->has_shares && cpu->shares != 0)
			r = append_u64(m, "CPUWeight", ocirt_cg_shares_to_weight(cpu->shares));
		if (r >= 0 && cpu->has_period && cpu->period != 0)
			r = append_u64(m, "CPUQuotaPeriodUSec", cpu->period);
		if (r >= 0 && cpu->has_quota && cpu->quota != 0) {
			uint64_t period = cpu->has_period && cpu->period ? cpu->period : 100000;
			uint64_t per_sec = UINT64_MAX;
			if (cpu->quota > 0) {
				/* systemd keeps quota per second, rounded up to 10 ms like runc does */
				per_sec = (uint64_t)cpu->quota * 1000000ULL / period;
				if (per_sec % 10000)
					per_sec = (per_sec / 10000 + 1) * 10000;
			}
			r = append_u64(m, "CPUQuotaPerSecUSec", per_sec);
		}
	}
	if (r >= 0 && res->pids && res->pids->has_limit && res->pids->limit != 0)
		r = append_u64(m, "TasksMax", res->pids->limit < 0 ? UINT64_MAX : (uint64_t)res->pids->limit);
	if (r >= 0 && res->block_io && res->block_io->has_weight && res->block_io->weight != 0)
		r = append_u64(m, "IOWeight", ocirt_cg_blkio_weight_to_io_weight(res->block_io->weight));
	if (r < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: build the unit properties");
	return 0;
}

/* Send m, a method call whose reply is a job, and wait for that job's JobRemoved signal
 * (the match goes in before the call, so the signal cannot be missed). what names the
 * call in errors ("start unit x.scope in system.slice"); a D-Bus error of the call itself
 * is also left in *e for the caller. */
static int run_job(sd_bus *bus, sd_bus_message *m, const char *unit, const char *what, sd_bus_error *e,
		   struct ocirt_error **err)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
	struct job_wait w = {0};
	const char *job = NULL;
	int r;

	r = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, &w);
	if (r < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: subscribe to JobRemoved");
	r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, e, &reply);
	if (r < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: %s: %s", what,
				       e->message ? e->message : strerror(-r));
	r = sd_bus_message_read(reply, "o", &job);
	if (r < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: %s: bad reply", what);
	w.job = job;
	r = wait_job(bus, &w, unit, err);
	free(w.result);
	return r;
}

static int start_unit(sd_bus *bus, const char *unit, const char *slice, pid_t pid, struct ocirt_error **err)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *desc = xasprintf("ocirt container %s", unit);
	_cleanup_free_ char *what = xasprintf("start unit %s in %s", unit, slice);
	int r;

	r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", unit, "fail");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)", "Description", "s", desc, "Slice", "s", slice,
					  "Delegate", "b", 1, "DefaultDependencies", "b", 0, "PIDs", "au", 1,
					  (uint32_t)pid);
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "MemoryAccounting", "b", 1, "CPUAccounting", "b", 1,
					  "IOAccounting", "b", 1, "TasksAccounting", "b", 1);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: build StartTransientUnit");
	return run_job(bus, m, unit, what, &e, err);
}

static int stop_unit(sd_bus *bus, const char *unit, struct ocirt_error **err)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *what = xasprintf("stop unit %s", unit);
	int r;

	r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", unit, "replace");
	if (r < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: build StopUnit");
	r = run_job(bus, m, unit, what, &e, err);
	if (r < 0 && e.name) {
		if (!sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
			return r;
		if (err)
			ocirt_error_freep(err);
		return 0; /* gone already (the scope stops by itself once empty) */
	}
	/* a failed scope stays loaded: reset it so the name can be reused */
	(void)sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL, "s", unit);
	return r;
}

static int sd_set_properties(struct ocirt_cgroup *cg, const struct oci_resources *res, struct ocirt_error **err)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	if (!cg->unit || !res)
		return 0;
	if ((r = bus_open(cg->rootless, &bus, err)) < 0)
		return r;
	r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", cg->unit, 1);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: build SetUnitProperties");
	if ((r = append_resources(m, res, err)) < 0)
		return r;
	r = sd_bus_message_close_container(m);
	if (r < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: build SetUnitProperties");
	r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, &e, NULL);
	if (r < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: set the properties of %s: %s", cg->unit,
				       e.message ? e.message : strerror(-r));
	return 0;
}
#endif /* HAVE_SYSTEMD */

/* "slice:prefix:name" -> slice and unit name, with runc's defaults and checks. */
static int parse_path(const char *cgroups_path, const char *id, bool rootless, char **ret_slice, char **ret_unit,
		      struct ocirt_error **err)
{
	_cleanup_free_ char *copy = NULL;
	const char *slice, *prefix, *name;
	char *c1, *c2;

	if (!cgroups_path || !*cgroups_path) {
		*ret_slice = xstrdup(rootless ? "user.slice" : "system.slice");
		*ret_unit = xasprintf("ocirt-%s.scope", id);
		return 0;
	}
	copy = xstrdup(cgroups_path);
	c1 = strchr(copy, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || strchr(c2 + 1, ':'))
		return ocirt_error_setx(err, EINVAL,
					"linux.cgroupsPath: expected cgroupsPath to be of format \"slice:prefix:name\" for "
					"systemd cgroups, got \"%s\" instead",
					cgroups_path);
	*c1 = *c2 = '\0';
	slice = copy;
	prefix = c1 + 1;
	name = c2 + 1;
	if (!*name)
		name = id;
	if (strchr(slice, '/') || strchr(prefix, '/') || strchr(name, '/'))
		return ocirt_error_setx(err, EINVAL, "linux.cgroupsPath: \"%s\": no '/' in a systemd unit name",
					cgroups_path);
	if (*slice && (strlen(slice) <= 6 || !streq(slice + strlen(slice) - 6, ".slice")))
		return ocirt_error_setx(err, EINVAL, "linux.cgroupsPath: \"%s\": invalid slice name \"%s\"",
					cgroups_path, slice);
	if (strlen(name) > 6 && streq(name + strlen(name) - 6, ".slice"))
		return ocirt_error_setx(err, ENOTSUP,
					"linux.cgroupsPath: \"%s\": a slice as the container unit is not supported",
					cgroups_path);
	*ret_slice = xstrdup(*slice ? slice : rootless ? "user.slice" : "system.slice");
	*ret_unit = *prefix ? xasprintf("%s-%s.scope", prefix, name) : xasprintf("%s.scope", name);
	return 0;
}

static void end_helper(struct ocirt_cgroup *cg)
{
	if (cg->helper > 0) {
		kill(cg->helper, SIGKILL);
		while (waitpid(cg->helper, NULL, 0) < 0 && errno == EINTR)
			;
		cg->helper = 0;
	}
}

static int sd_create(struct ocirt_cgroup *cg, const char *cgroups_path, const char *id, struct ocirt_error **err)
{
	_cleanup_free_ char *slice = NULL, *unit = NULL;
	int r;

	r = parse_path(cgroups_path, id, cg->rootless, &slice, &unit, err);
	if (r < 0)
		return r;
#ifndef HAVE_SYSTEMD
	return ocirt_error_setx(err, ENOTSUP,
				"systemd cgroup driver: ocirt was built without libsystemd (configure --with-systemd)");
#else
	if (!cg->rootless && access("/run/systemd/system", F_OK) < 0)
		return ocirt_error_setx(err, ENOTSUP, "systemd cgroup driver: systemd is not running on this host "
					"(no /run/systemd/system)");
	if (cg->layout != OCIRT_CGROUP_UNIFIED)
		return ocirt_error_setx(err, ENOTSUP,
					"systemd cgroup driver: only pure cgroup v2 hosts are supported (use the cgroupfs "
					"driver here)");
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	if ((r = bus_open(cg->rootless, &bus, err)) < 0)
		return r;

	/* the placeholder: keeps the scope alive until the container init is in it */
	pid_t pid = fork();
	if (pid < 0)
		return ocirt_error_set(err, errno, "fork the scope placeholder");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close_range(3, ~0U, 0);
		for (;;)
			pause();
	}
	cg->helper = pid;

	free(cg->unit);
	cg->unit = xstrdup(unit);
	free(cg->path);
	cg->path = xstrdup(cgroups_path && *cgroups_path ? cgroups_path : "");
	r = start_unit(bus, unit, slice, pid, err);
	if (r < 0) {
		free(cg->unit);
		cg->unit = NULL; /* nothing to stop */
		end_helper(cg);
		return r;
	}
	_cleanup_free_ char *procfile = xasprintf("/proc/%d/cgroup", (int)pid), *buf = NULL;
	if ((r = read_file_at(AT_FDCWD, procfile, 1 << 16, &buf, NULL)) < 0)
		return ocirt_error_set(err, -r, "systemd cgroup driver: read %s", procfile);
	char *line = strstr(buf, "0::");
	if (!line)
		return ocirt_error_setx(err, EIO, "systemd cgroup driver: no cgroup2 line in %s", procfile);
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	_cleanup_free_ char *dir = xasprintf("/sys/fs/cgroup%s", line);
	/* not "owned": systemd removes it when the unit stops */
	ocirt_cgroup_add_dir(cg, "", dir, NULL);
	return 0;
#endif
}

static int sd_clone_into_fd(struct ocirt_cgroup *cg)
{
	/* enter() is needed anyway: it ends the placeholder once the init is in */
	(void)cg;
	return -EOPNOTSUPP;
}

static int sd_enter(struct ocirt_cgroup *cg, pid_t pid, struct ocirt_error **err)
{
	int r = 0;
	for (size_t i = 0; i < cg->ndirs && r == 0; i++)
		r = ocirt_cgroup_write_procs(cg->dirs[i].path, pid, err);
	if (r == 0)
		end_helper(cg);
	return r;
}

static int sd_destroy(struct ocirt_cgroup *cg, struct ocirt_error **err)
{
	int r = 0;
	end_helper(cg);
#ifdef HAVE_SYSTEMD
	if (cg->unit) {
		_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
		/* SIGKILL what is left first: the stop job then has nothing to wait for */
		for (size_t i = 0; i < cg->ndirs; i++) {
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%s/cgroup.kill", cg->dirs[i].path);
			(void)write_file_string_at(AT_FDCWD, path, "1");
		}
		r = bus_open(cg->rootless, &bus, err);
		if (r == 0)
			r = stop_unit(bus, cg->unit, err);
	}
#endif
	/* systemd removed the scope's cgroup; a leftover (sub-cgroups it could not remove) goes
	 * the cgroupfs way */
	for (size_t i = 0; r == 0 && i < cg->ndirs; i++)
		r = ocirt_cgroup_rmdir(cg->dirs[i].path, err);
	return r;
}

static int sd_set_unit_properties(struct ocirt_cgroup *cg, const struct oci_resources *r, struct ocirt_error **err)
{
#ifdef HAVE_SYSTEMD
	return sd_set_properties(cg, r, err);
#else
	(void)cg;
	(void)r;
	(void)err;
	return 0;
#endif
}

const struct ocirt_cgroup_driver ocirt_cgroup_systemd_driver = {
	.name = "systemd",
	.create = sd_create,
	.clone_into_fd = sd_clone_into_fd,
	.enter = sd_enter,
	.apply = NULL,
	.set_unit_properties = sd_set_unit_properties,
	.destroy = sd_destroy,
};
