/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User namespace ID maps (userns.h): direct writes, newuidmap/newgidmap, setgroups, the
 * helper namespaces of idmapped mounts, cgroup v2 ownership. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/proc-util.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/cgroup.h"
#include "libocirt/userns.h"

extern char **environ;

bool ocirt_userns_config_maps(const struct oci_config *c, struct ocirt_id_maps *ret)
{
	const struct oci_linux *l = c->linux_;

	memset(ret, 0, sizeof(*ret));
	ret->where = ".linux";
	if (l && l->uid_mappings_len && l->gid_mappings_len) {
		ret->uid = l->uid_mappings;
		ret->nuid = l->uid_mappings_len;
		ret->gid = l->gid_mappings;
		ret->ngid = l->gid_mappings_len;
		return true;
	}
	if (geteuid() == 0)
		return false;
	/* rootless without mappings: the caller becomes the container's root (crun's choice) */
	ret->own[0] = (struct oci_id_mapping){ .container_id = 0, .host_id = geteuid(), .size = 1 };
	ret->own[1] = (struct oci_id_mapping){ .container_id = 0, .host_id = getegid(), .size = 1 };
	ret->uid = &ret->own[0];
	ret->nuid = 1;
	ret->gid = &ret->own[1];
	ret->ngid = 1;
	return true;
}

bool ocirt_userns_mount_maps(const struct oci_config *c, size_t i, struct ocirt_id_maps *ret)
{
	const struct oci_mount *m = &c->mounts[i];

	if (m->uid_mappings_len && m->gid_mappings_len) {
		memset(ret, 0, sizeof(*ret));
		ret->where = NULL; /* set by the caller, which owns the string */
		ret->uid = m->uid_mappings;
		ret->nuid = m->uid_mappings_len;
		ret->gid = m->gid_mappings;
		ret->ngid = m->gid_mappings_len;
		return true;
	}
	return ocirt_userns_config_maps(c, ret);
}

bool ocirt_userns_root_ids(const struct ocirt_id_maps *m, uid_t *ret_uid, gid_t *ret_gid)
{
	bool u = false, g = false;

	for (size_t i = 0; i < m->nuid; i++)
		if (m->uid[i].container_id == 0 && m->uid[i].size > 0) {
			*ret_uid = m->uid[i].host_id;
			u = true;
		}
	for (size_t i = 0; i < m->ngid; i++)
		if (m->gid[i].container_id == 0 && m->gid[i].size > 0) {
			*ret_gid = m->gid[i].host_id;
			g = true;
		}
	return u && g;
}

static const char *where_of(const struct ocirt_id_maps *m)
{
	return m->where ? m->where : ".linux";
}

/* The kernel's EINVAL for overlapping ranges says nothing; name the entries. */
static int check_ranges(const struct ocirt_id_maps *m, const char *field, const struct oci_id_mapping *v, size_t n,
			struct ocirt_error **err)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t c0 = v[i].container_id, h0 = v[i].host_id, s0 = v[i].size;
		if (s0 == 0)
			return ocirt_error_setx(err, EINVAL, "%s.%s[%zu].size: must not be 0", where_of(m), field, i);
		if (c0 + s0 > 0x100000000ULL || h0 + s0 > 0x100000000ULL)
			return ocirt_error_setx(err, EINVAL, "%s.%s[%zu]: range ends beyond 4294967295", where_of(m),
						field, i);
		for (size_t j = 0; j < i; j++) {
			uint64_t c1 = v[j].container_id, h1 = v[j].host_id, s1 = v[j].size;
			if ((c0 < c1 + s1 && c1 < c0 + s0) || (h0 < h1 + s1 && h1 < h0 + s0))
				return ocirt_error_setx(err, EINVAL, "%s.%s[%zu]: overlaps %s.%s[%zu]", where_of(m), field,
							i, where_of(m), field, j);
		}
	}
	if (n > 340)
		return ocirt_error_setx(err, EINVAL, "%s.%s: %zu entries, the kernel takes at most 340", where_of(m), field,
					n);
	return 0;
}

static char *format_map(const struct oci_id_mapping *v, size_t n)
{
	char *s = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char *t = xasprintf("%s%u %u %u\n", s, (unsigned)v[i].container_id, (unsigned)v[i].host_id,
				    (unsigned)v[i].size);
		free(s);
		s = t;
	}
	return s;
}

/* Run helper (newuidmap/newgidmap) with pid and the triples; its stderr goes into the
 * error message. */
static int run_map_helper(const char *helper, pid_t pid, const struct oci_id_mapping *v, size_t n, const char *field,
			  const struct ocirt_id_maps *m, struct ocirt_error **err)
{
	_cleanup_strv_ char **argv = xnew0(char *, 1);
	_cleanup_free_ char *cmdline = NULL;
	posix_spawn_file_actions_t fa;
	int p[2], r, st = 0;
	pid_t child;
	char out[1024];
	size_t len = 0;

	strv_append(&argv, helper);
	strv_push(&argv, xasprintf("%d", (int)pid));
	for (size_t i = 0; i < n; i++) {
		strv_push(&argv, xasprintf("%u", (unsigned)v[i].container_id));
		strv_push(&argv, xasprintf("%u", (unsigned)v[i].host_id));
		strv_push(&argv, xasprintf("%u", (unsigned)v[i].size));
	}
	cmdline = strv_join(argv, " ");
	if (pipe2(p, O_CLOEXEC) < 0)
		return ocirt_error_set(err, errno, "%s.%s: pipe for %s", where_of(m), field, helper);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDERR_FILENO);
	r = posix_spawnp(&child, helper, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		if (r == ENOENT)
			return ocirt_error_setx(err, ENOENT,
						"%s.%s: an unprivileged user needs %s (package uidmap) to map more than "
						"its own ID, and it is not in PATH",
						where_of(m), field, helper);
		return ocirt_error_set(err, r, "%s.%s: run `%s`", where_of(m), field, cmdline);
	}
	for (;;) {
		ssize_t k = read(p[0], out + len, sizeof(out) - 1 - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
		if (len == sizeof(out) - 1)
			break;
	}
	close(p[0]);
	out[len] = '\0';
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFSIGNALED(st))
		return ocirt_error_setx(err, EPERM, "%s.%s: `%s` was killed by signal %d%s%s", where_of(m), field, cmdline,
					WTERMSIG(st), len ? ": " : "", out);
	return ocirt_error_setx(err, EPERM, "%s.%s: `%s` failed (exit status %d)%s%s", where_of(m), field, cmdline,
				WEXITSTATUS(st), len ? ": " : "", out);
}

static int write_one(pid_t pid, const char *file, const char *helper, uid_t own, const struct oci_id_mapping *v,
		     size_t n, const char *field, const struct ocirt_id_maps *m, struct ocirt_error **err)
{
	char path[64];
	int r;

	r = check_ranges(m, field, v, n, err);
	if (r < 0)
		return r;
	bool privileged = geteuid() == 0;
	if (!privileged && !(n == 1 && v[0].host_id == own && v[0].size == 1))
		return run_map_helper(helper, pid, v, n, field, m, err);
	if (!privileged && streq(file, "gid_map")) {
		/* an unprivileged gid_map write needs setgroups denied first (Linux 3.19) */
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		r = write_file_string_at(AT_FDCWD, path, "deny");
		if (r < 0 && r != -ENOENT)
			return ocirt_error_set(err, -r, "%s.%s: write \"deny\" to %s", where_of(m), field, path);
	}
	_cleanup_free_ char *s = format_map(v, n);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	r = write_file_string_at(AT_FDCWD, path, s);
	if (r < 0) {
		if (n == 1)
			return ocirt_error_set(err, -r, "%s.%s[0]: write \"%u %u %u\" to %s", where_of(m), field,
					       (unsigned)v[0].container_id, (unsigned)v[0].host_id, (unsigned)v[0].size,
					       path);
		return ocirt_error_set(err, -r, "%s.%s: write %zu mappings to %s", where_of(m), field, n, path);
	}
	return 0;
}

int ocirt_userns_write_maps(pid_t pid, const struct ocirt_id_maps *m, struct ocirt_error **err)
{
	if (!m->nuid || !m->ngid)
		return ocirt_error_setx(err, EINVAL, "user namespaces enabled, but no uid or gid mappings found");
	/* gid first: newgidmap (shadow >= 4.8) decides about setgroups before uid_map exists */
	int r = write_one(pid, "gid_map", "newgidmap", getegid(), m->gid, m->ngid, "gidMappings", m, err);
	if (r < 0)
		return r;
	return write_one(pid, "uid_map", "newuidmap", geteuid(), m->uid, m->nuid, "uidMappings", m, err);
}

int ocirt_userns_open_mapped(const struct ocirt_id_maps *m, int *ret_fd, struct ocirt_error **err)
{
	int p[2], r, fd;
	char path[64];

	if (pipe2(p, O_CLOEXEC) < 0)
		return ocirt_error_set(err, errno, "%s: pipe for the mapping's user namespace", where_of(m));
	struct clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	pid_t pid = sys_clone3(&ca);
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return ocirt_error_set(err, -pid, "%s: create a user namespace for the mapping", where_of(m));
	}
	if (pid == 0) {
		/* hold the namespace until the parent has an fd of it (EOF on the pipe) */
		char c;
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
	r = ocirt_userns_write_maps(pid, m, err);
	if (r >= 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			r = ocirt_error_set(err, errno, "%s: open %s", where_of(m), path);
		else
			*ret_fd = fd;
	}
	close(p[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return r < 0 ? r : 0;
}

int ocirt_userns_chown_cgroup(const char *dir, uid_t uid, gid_t gid, struct ocirt_error **err)
{
	static const char *const fallback[] = { "cgroup.procs", "cgroup.threads", "cgroup.subtree_control", NULL };
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *list = NULL;

	if (dfd < 0)
		return ocirt_error_set(err, errno, "open the cgroup `%s`", dir);
	if (fchown(dfd, uid, gid) < 0)
		return ocirt_error_set(err, errno, "chown the cgroup `%s` to %u:%u", dir, (unsigned)uid, (unsigned)gid);
	if (read_file_at(AT_FDCWD, "/sys/kernel/cgroup/delegate", 65536, &list, NULL) < 0) {
		for (const char *const *f = fallback; *f; f++)
			if (fchownat(dfd, *f, uid, gid, 0) < 0 && errno != ENOENT)
				return ocirt_error_set(err, errno, "chown `%s/%s`", dir, *f);
		return 0;
	}
	char *save = NULL;
	for (char *f = strtok_r(list, "\n", &save); f; f = strtok_r(NULL, "\n", &save)) {
		if (!*f || strchr(f, '/'))
			continue;
		if (fchownat(dfd, f, uid, gid, 0) < 0 && errno != ENOENT)
			return ocirt_error_set(err, errno, "chown `%s/%s`", dir, f);
	}
	return 0;
}

static bool cgroup_mount_rw(const struct oci_config *c)
{
	for (size_t i = 0; i < c->mounts_len; i++) {
		const struct oci_mount *m = &c->mounts[i];
		bool ro = false;
		if (!m->type || !streq(m->type, "cgroup"))
			continue;
		for (char *const *o = m->options; o && *o; o++) {
			if (streq(*o, "ro"))
				ro = true;
			else if (streq(*o, "rw"))
				ro = false;
		}
		return !ro;
	}
	return false;
}

int ocirt_userns_delegate_cgroup(const struct oci_config *c, const struct ocirt_cgroup *cg, struct ocirt_error **err)
{
	const struct oci_linux *l = c->linux_;
	struct ocirt_id_maps m;
	uid_t uid;
	gid_t gid;
	bool new_userns = false;

	if (!cg || cg->layout != OCIRT_CGROUP_UNIFIED || !l)
		return 0;
	for (size_t i = 0; i < l->namespaces_len; i++)
		if (l->namespaces[i].type && streq(l->namespaces[i].type, "user") &&
		    !(l->namespaces[i].path && *l->namespaces[i].path))
			new_userns = true;
	if (!new_userns || !cgroup_mount_rw(c) || !ocirt_userns_config_maps(c, &m) ||
	    !ocirt_userns_root_ids(&m, &uid, &gid))
		return 0;
	for (size_t i = 0; i < cg->ndirs; i++) {
		const struct ocirt_cgroup_dir *d = &cg->dirs[i];
		if (d->controllers && *d->controllers)
			continue;
		if (!d->owned && !streq(cg->driver->name, "systemd"))
			return 0; /* an existing cgroup someone else set up: leave its owner alone */
		int r = ocirt_userns_chown_cgroup(d->path, uid, gid, err);
		if (r < 0 && cg->rootless && (r == -EPERM || r == -EACCES)) {
			if (err)
				ocirt_error_freep(err);
			return 0;
		}
		return r;
	}
	return 0;
}
