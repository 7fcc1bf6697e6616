/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OOM detection for the container's memory cgroup: cgroup v1 through an eventfd registered
 * on memory.oom_control, cgroup v2 through inotify on memory.events. Both are confirmed
 * with the oom_kill counter (compared with its value at start), which is also checked once
 * more at exit, so an OOM kill is never missed because the exit was seen first.
 * On OOM: an empty `oom` file in the bundle (where podman 4.3 looks: $UD/oom; stock conmon
 * 2.1.6 writes it relative to its cwd instead) and in --persist-dir. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/macros.h"
#include "common/xalloc.h"
#include "shim/shim.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* The value of `key N` in a flat-keyed file; -1 if absent or unreadable. */
static int64_t read_key(const char *path, const char *key)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	if (!path || read_file_at(AT_FDCWD, path, 1 << 16, &data, &len) < 0 || !data)
		return -1;
	size_t kl = strlen(key);
	for (char *line = data; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strneq(line, key, kl) && line[kl] == ' ')
			return strtoll(line + kl + 1, NULL, 10);
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

static int64_t oom_counter(struct shim *s)
{
	if (s->oom_v2_events)
		return read_key(s->oom_v2_events, "oom_kill");
	if (s->oom_v1_dir) {
		_cleanup_free_ char *p = xasprintf("%s/memory.oom_control", s->oom_v1_dir);
		return read_key(p, "oom_kill");
	}
	return -1;
}

void oom_record(struct shim *s)
{
	if (s->oom_seen)
		return;
	s->oom_seen = true;
	pr_info("container %d was OOM-killed", s->container_pid);
	if (s->bundle_dirfd >= 0) {
		int fd = openat(s->bundle_dirfd, "oom", O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			pr_warn("create %s/oom: %s", s->o.bundle, strerror(errno));
		else
			close(fd);
	}
	if (s->o.persist_dir) {
		_cleanup_free_ char *p = xasprintf("%s/oom", s->o.persist_dir);
		int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			pr_warn("create %s: %s", p, strerror(errno));
		else
			close(fd);
	}
}

void oom_check(struct shim *s)
{
	int64_t n = oom_counter(s);
	if (n > 0 && (uint64_t)n > s->oom_base)
		oom_record(s);
}

static void on_oom_event(struct shim *s, struct watch *w, uint32_t events)
{
	char buf[4096];
	if (read(w->fd, buf, sizeof(buf)) < 0 && errno == EAGAIN)
		return;
	if (s->oom_v1_dir) {
		_cleanup_free_ char *ec = xasprintf("%s/cgroup.event_control", s->oom_v1_dir);
		if (access(ec, F_OK) < 0) {
			/* the cgroup was removed: that also signals the eventfd */
			loop_unwatch(s, w);
			return;
		}
		int64_t n = oom_counter(s);
		if (n < 0 || (uint64_t)n > s->oom_base) /* no counter (old kernel): trust the event */
			oom_record(s);
		return;
	}
	oom_check(s);
}

/* The mount point of the v1 hierarchy carrying the memory controller. */
static char *v1_memory_mount(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - cgroup ");
		if (!sep)
			continue;
		char *opts = strrchr(sep, ' ');
		if (!opts)
			continue;
		bool mem = false;
		_cleanup_free_ char *o = xstrdup(opts + 1);
		o[strcspn(o, "\n")] = '\0';
		for (char *t = strtok(o, ","); t; t = strtok(NULL, ","))
			if (streq(t, "memory"))
				mem = true;
		if (!mem)
			continue;
		char mp[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1)
			return xstrdup(mp);
	}
	return NULL;
}

void oom_setup(struct shim *s)
{
	_cleanup_free_ char *p = xasprintf("/proc/%d/cgroup", s->container_pid);
	_cleanup_free_ char *data = NULL;
	size_t len;
	struct statfs sfs;
	if (read_file_at(AT_FDCWD, p, 1 << 16, &data, &len) < 0 || !data) {
		pr_debug("read %s: the process is gone", p);
		return;
	}
	bool v2 = statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
	for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		if (streq(path, "/"))
			continue; /* the root cgroup: nothing of the container's own */
		if (v2 && streq(ctrls, "")) {
			s->oom_v2_events = xasprintf("/sys/fs/cgroup%s/memory.events", path);
			break;
		}
		if (!v2) {
			bool mem = false;
			_cleanup_free_ char *cl = xstrdup(ctrls);
			char *save = NULL;
			for (char *t = strtok_r(cl, ",", &save); t; t = strtok_r(NULL, ",", &save))
				if (streq(t, "memory"))
					mem = true;
			if (!mem)
				continue;
			_cleanup_free_ char *mp = v1_memory_mount();
			if (mp)
				s->oom_v1_dir = xasprintf("%s%s", mp, path);
			break;
		}
	}
	int64_t base = oom_counter(s);
	s->oom_base = base > 0 ? (uint64_t)base : 0;
	if (s->oom_v2_events) {
		s->oom_inotify = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (s->oom_inotify < 0 || inotify_add_watch(s->oom_inotify, s->oom_v2_events, IN_MODIFY) < 0) {
			pr_warn("watch %s: %s", s->oom_v2_events, strerror(errno));
			return;
		}
		loop_watch(s, &s->oom_w, s->oom_inotify, EPOLLIN, on_oom_event, NULL);
	} else if (s->oom_v1_dir) {
		_cleanup_free_ char *oc = xasprintf("%s/memory.oom_control", s->oom_v1_dir);
		_cleanup_free_ char *ec = xasprintf("%s/cgroup.event_control", s->oom_v1_dir);
		_cleanup_close_ int ocfd = open(oc, O_RDONLY | O_CLOEXEC);
		_cleanup_close_ int ecfd = open(ec, O_WRONLY | O_CLOEXEC);
		s->oom_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (ocfd < 0 || ecfd < 0 || s->oom_efd < 0) {
			pr_warn("OOM monitoring in %s: %s", s->oom_v1_dir, strerror(errno));
			return;
		}
		char msg[64];
		int n = snprintf(msg, sizeof(msg), "%d %d", s->oom_efd, ocfd);
		if (write(ecfd, msg, (size_t)n) < 0) {
			pr_warn("register the OOM eventfd in %s: %s", ec, strerror(errno));
			return;
		}
		loop_watch(s, &s->oom_w, s->oom_efd, EPOLLIN, on_oom_event, NULL);
	}
}
