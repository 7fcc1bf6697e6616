/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "common/fd-util.h"
#include "common/proc-util.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/container.h"
#include "libocirt/state.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* The status file format; bumped when it changes incompatibly. */
#define STATUS_FORMAT 1

char *ocirt_rfc3339_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char buf[64];
	size_t n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sizeof(buf) - n, ".%09ldZ", ts.tv_nsec);
	return xstrdup(buf);
}

void ocirt_status_free(struct ocirt_status *s)
{
	if (!s)
		return;
	free(s->id);
	free(s->bundle);
	free(s->rootfs);
	free(s->created);
	free(s->oci_version);
	if (s->annotations) {
		for (size_t i = 0; i < s->annotations->len; i++) {
			free(s->annotations->items[i].key);
			free(s->annotations->items[i].value);
		}
		free(s->annotations->items);
		free(s->annotations);
	}
	for (size_t i = 0; i < s->namespaces_len; i++) {
		free(s->namespaces[i].type);
		free(s->namespaces[i].path);
	}
	free(s->namespaces);
	ocirt_cgroup_free(s->cgroup);
	free(s);
}

void ocirt_state_dir_free(struct ocirt_state_dir *d)
{
	if (!d)
		return;
	if (d->dirfd >= 0)
		close(d->dirfd);
	if (d->lockfd >= 0)
		close(d->lockfd);
	free(d->root);
	free(d->id);
	free(d->path);
	free(d);
}

int ocirt_state_root_ensure(const char *root, struct ocirt_error **err)
{
	int r = mkdir_p(root, 0700);
	if (r < 0)
		return ocirt_error_set(err, -r, "create the state root `%s`", root);
	/* SECURITY: whoever may rename or replace entries in the state root can swap a
	 * container's state (its pid, its exec fifo) under us: ours (or root's) only, not
	 * writable by others unless sticky. */
	struct stat st;
	if (stat(root, &st) < 0)
		return ocirt_error_set(err, errno, "state root `%s`", root);
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return ocirt_error_setx(err, EPERM, "state root `%s` is owned by uid %u, not by us", root,
					(unsigned)st.st_uid);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return ocirt_error_setx(err, EPERM, "state root `%s` is writable by others (mode %04o)", root,
					(unsigned)(st.st_mode & 07777));
	return 0;
}

static int lock_file(int dirfd, bool create, int *ret_fd, struct ocirt_error **err, const char *path)
{
	int fd = openat(dirfd, OCIRT_LOCK_FILE, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
	if (fd < 0)
		return ocirt_error_set(err, errno, "open `%s/%s`", path, OCIRT_LOCK_FILE);
	if (TEMP_FAILURE_RETRY_INT(flock(fd, LOCK_EX)) < 0) {
		int e = errno;
		close(fd);
		return ocirt_error_set(err, e, "lock `%s/%s`", path, OCIRT_LOCK_FILE);
	}
	*ret_fd = fd;
	return 0;
}

/* rm of the files of a container dir (no subdirectories are ever made), then the dir. */
static int remove_dir_at(int parentfd, const char *name)
{
	int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno == EISDIR)
			remove_dir_at(dirfd(d), e->d_name);
	}
	closedir(d);
	if (unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int ocirt_state_dir_create(const char *root, const char *id, struct ocirt_state_dir **ret, struct ocirt_error **err)
{
	int r = ocirt_state_root_ensure(root, err);
	if (r < 0)
		return r;
	_cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ocirt_error_set(err, errno, "open the state root `%s`", root);
	if (faccessat(rootfd, id, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return ocirt_error_setx(err, EEXIST, "container with given ID already exists");

	/* A temporary name no valid ID can take ('~' is not allowed in IDs). */
	uint64_t rnd = 0;
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0)
		rnd = (uint64_t)getpid() ^ (uint64_t)time(NULL);
	_cleanup_free_ char *tmp = xasprintf(".~%s~%016" PRIx64, id, rnd);
	if (strlen(tmp) > 255) {
		free(tmp);
		tmp = xasprintf(".~new~%016" PRIx64, rnd);
	}
	if (mkdirat(rootfd, tmp, 0711) < 0)
		return ocirt_error_set(err, errno, "create the state directory in `%s`", root);
	_cleanup_close_ int tmpfd = openat(rootfd, tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int lockfd = -1;
	if (tmpfd < 0 || lock_file(tmpfd, true, &lockfd, err, root) < 0) {
		if (tmpfd < 0)
			ocirt_error_set(err, errno, "open the state directory");
		remove_dir_at(rootfd, tmp);
		return -EIO;
	}
	if (syscall(SYS_renameat2, rootfd, tmp, rootfd, id, RENAME_NOREPLACE) < 0) {
		int e = errno;
		if (e == EINVAL || e == ENOSYS) {
			/* no RENAME_NOREPLACE on this file system: mkdir is atomic too */
			remove_dir_at(rootfd, tmp);
			close(lockfd);
			close(TAKE_FD(tmpfd));
			if (mkdirat(rootfd, id, 0711) < 0) {
				if (errno == EEXIST)
					return ocirt_error_setx(err, EEXIST, "container with given ID already exists");
				return ocirt_error_set(err, errno, "create the state directory `%s/%s`", root, id);
			}
			tmpfd = openat(rootfd, id, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (tmpfd < 0 || lock_file(tmpfd, true, &lockfd, err, root) < 0) {
				remove_dir_at(rootfd, id);
				return ocirt_error_set(err, EIO, "open the state directory");
			}
		} else {
			remove_dir_at(rootfd, tmp);
			close(lockfd);
			if (e == EEXIST || e == ENOTEMPTY)
				return ocirt_error_setx(err, EEXIST, "container with given ID already exists");
			return ocirt_error_set(err, e, "create the state directory `%s/%s`", root, id);
		}
	}
	struct ocirt_state_dir *d = xnew0(struct ocirt_state_dir, 1);
	d->root = xstrdup(root);
	d->id = xstrdup(id);
	d->path = xasprintf("%s/%s", root, id);
	d->dirfd = TAKE_FD(tmpfd);
	d->lockfd = lockfd;
	*ret = d;
	return 0;
}

int ocirt_state_dir_open(const char *root, const char *id, bool lock, struct ocirt_state_dir **ret,
			 struct ocirt_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", root, id);
	_cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return ocirt_error_setx(err, ENOENT, "container does not exist");
		return ocirt_error_set(err, errno, "open `%s`", path);
	}
	int lockfd = -1;
	if (lock) {
		int r = lock_file(fd, false, &lockfd, err, path);
		if (r == -ENOENT) {
			/* no lock file: a dir that is not (or no longer) a container of ours */
			ocirt_error_free(*err);
			*err = NULL;
			return ocirt_error_setx(err, ENOENT, "container does not exist");
		}
		if (r < 0)
			return r;
		/* delete may have removed the dir while we waited for the lock */
		struct stat st;
		if (fstat(lockfd, &st) == 0 && st.st_nlink == 0) {
			close(lockfd);
			return ocirt_error_setx(err, ENOENT, "container does not exist");
		}
	}
	struct ocirt_state_dir *d = xnew0(struct ocirt_state_dir, 1);
	d->root = xstrdup(root);
	d->id = xstrdup(id);
	d->path = TAKE_PTR(path);
	d->dirfd = TAKE_FD(fd);
	d->lockfd = lockfd;
	*ret = d;
	return 0;
}

bool ocirt_state_dir_locked(int dirfd)
{
	_cleanup_close_ int fd = openat(dirfd, OCIRT_LOCK_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	flock(fd, LOCK_UN);
	return false;
}

int ocirt_state_dir_remove(struct ocirt_state_dir *d, struct ocirt_error **err)
{
	_cleanup_close_ int rootfd = open(d->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ocirt_error_set(err, errno, "open `%s`", d->root);
	int r = remove_dir_at(rootfd, d->id);
	if (r < 0)
		return ocirt_error_set(err, -r, "remove `%s`", d->path);
	return 0;
}

int ocirt_state_dir_remove_path(const char *root, const char *id)
{
	_cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return errno == ENOENT ? 0 : -errno;
	return remove_dir_at(rootfd, id);
}

int ocirt_exec_fifo_create(struct ocirt_state_dir *d, uid_t owner, struct ocirt_error **err)
{
	_cleanup_close_ int fd = openat(d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ocirt_error_set(err, errno, "open `%s`", d->path);
	if (mkfifoat(fd, OCIRT_EXEC_FIFO, 0622) < 0)
		return ocirt_error_set(err, errno, "create `%s/%s`", d->path, OCIRT_EXEC_FIFO);
	/* the mode is explicit: umask must not take the write bits away */
	if (fchmodat(fd, OCIRT_EXEC_FIFO, 0622, 0) < 0 ||
	    (owner != 0 && fchownat(fd, OCIRT_EXEC_FIFO, owner, (gid_t)-1, AT_SYMLINK_NOFOLLOW) < 0))
		return ocirt_error_set(err, errno, "set up `%s/%s`", d->path, OCIRT_EXEC_FIFO);
	return 0;
}

bool ocirt_exec_fifo_exists(int dirfd)
{
	return faccessat(dirfd, OCIRT_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* --- the status document --- */

#define GEN_STR(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))
#define GEN_KV(g, k, v)              \
	do {                         \
		GEN_STR(g, k);       \
		GEN_STR(g, (v) ? (v) : ""); \
	} while (0)

int ocirt_status_write(struct ocirt_state_dir *d, const struct ocirt_status *s, struct ocirt_error **err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	GEN_STR(g, "ocirtStatus");
	yajl_gen_integer(g, STATUS_FORMAT);
	GEN_KV(g, "id", s->id);
	GEN_STR(g, "pid");
	yajl_gen_integer(g, s->pid);
	GEN_STR(g, "startTime");
	char st[32];
	snprintf(st, sizeof(st), "%" PRIu64, s->start_time);
	GEN_STR(g, st);
	GEN_KV(g, "bundle", s->bundle);
	GEN_KV(g, "rootfs", s->rootfs);
	GEN_KV(g, "created", s->created);
	GEN_STR(g, "owner");
	yajl_gen_integer(g, s->owner);
	GEN_KV(g, "ociVersion", s->oci_version);
	GEN_STR(g, "rootless");
	yajl_gen_bool(g, s->rootless);
	GEN_STR(g, "privatePidNs");
	yajl_gen_bool(g, s->private_pidns);
	GEN_STR(g, "hasPoststop");
	yajl_gen_bool(g, s->has_poststop);
	GEN_STR(g, "annotations");
	yajl_gen_map_open(g);
	for (size_t i = 0; s->annotations && i < s->annotations->len; i++)
		GEN_KV(g, s->annotations->items[i].key, s->annotations->items[i].value);
	yajl_gen_map_close(g);
	GEN_STR(g, "namespaces");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < s->namespaces_len; i++) {
		yajl_gen_map_open(g);
		GEN_KV(g, "type", s->namespaces[i].type);
		if (s->namespaces[i].path)
			GEN_KV(g, "path", s->namespaces[i].path);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	if (s->cgroup) {
		GEN_STR(g, "cgroup");
		ocirt_cgroup_serialize(s->cgroup, g);
	}
	yajl_gen_map_close(g);
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(g, &buf, &len);
	int r = write_file_atomic_at(d->dirfd, OCIRT_STATUS_FILE, buf, len, 0600);
	yajl_gen_free(g);
	if (r < 0)
		return ocirt_error_set(err, -r, "write `%s/%s`", d->path, OCIRT_STATUS_FILE);
	return 0;
}

static char *get_str(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_string);
	return x ? xstrdup(YAJL_GET_STRING(x)) : NULL;
}

static long long get_int(yajl_val v, const char *key, long long def)
{
	const char *path[] = { key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_number);
	return x && YAJL_IS_INTEGER(x) ? YAJL_GET_INTEGER(x) : def;
}

static bool get_bool(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_any);
	return x && YAJL_IS_TRUE(x);
}

int ocirt_status_read_at(int dirfd, struct ocirt_status **ret, struct ocirt_error **err)
{
	_cleanup_free_ char *buf = NULL;
	int r = read_file_at(dirfd, OCIRT_STATUS_FILE, 16 << 20, &buf, NULL);
	if (r == -ENOENT)
		return ocirt_error_setx(err, ENOENT, "container does not exist");
	if (r < 0)
		return ocirt_error_set(err, -r, "read the status file");
	char ebuf[256];
	yajl_val root = yajl_tree_parse(buf, ebuf, sizeof(ebuf));
	if (!root || !YAJL_IS_OBJECT(root) || get_int(root, "ocirtStatus", -1) != STATUS_FORMAT) {
		yajl_tree_free(root);
		return ocirt_error_setx(err, EINVAL, "the status file is not an ocirt status file");
	}
	struct ocirt_status *s = xnew0(struct ocirt_status, 1);
	s->id = get_str(root, "id");
	s->pid = (pid_t)get_int(root, "pid", 0);
	_cleanup_free_ char *st = get_str(root, "startTime");
	s->start_time = st ? strtoull(st, NULL, 10) : 0;
	s->bundle = get_str(root, "bundle");
	s->rootfs = get_str(root, "rootfs");
	s->created = get_str(root, "created");
	s->owner = (uid_t)get_int(root, "owner", 0);
	s->oci_version = get_str(root, "ociVersion");
	s->rootless = get_bool(root, "rootless");
	s->private_pidns = get_bool(root, "privatePidNs");
	s->has_poststop = get_bool(root, "hasPoststop");
	const char *k_ann[] = { "annotations", NULL }, *k_ns[] = { "namespaces", NULL }, *k_cg[] = { "cgroup", NULL };
	yajl_val ann = yajl_tree_get(root, k_ann, yajl_t_object);
	if (ann && YAJL_GET_OBJECT(ann)->len > 0) {
		size_t n = YAJL_GET_OBJECT(ann)->len;
		s->annotations = xnew0(struct oci_map, 1);
		s->annotations->items = xnew0(struct oci_kv, n);
		for (size_t i = 0; i < n; i++) {
			yajl_val v = YAJL_GET_OBJECT(ann)->values[i];
			s->annotations->items[s->annotations->len].key = xstrdup(YAJL_GET_OBJECT(ann)->keys[i]);
			s->annotations->items[s->annotations->len].value =
				xstrdup(YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "");
			s->annotations->len++;
		}
	}
	yajl_val ns = yajl_tree_get(root, k_ns, yajl_t_array);
	if (ns && YAJL_GET_ARRAY(ns)->len > 0) {
		size_t n = YAJL_GET_ARRAY(ns)->len;
		s->namespaces = xnew0(struct ocirt_ns_record, n);
		for (size_t i = 0; i < n; i++) {
			yajl_val e = YAJL_GET_ARRAY(ns)->values[i];
			s->namespaces[i].type = get_str(e, "type");
			s->namespaces[i].path = get_str(e, "path");
		}
		s->namespaces_len = n;
	}
	yajl_val cg = yajl_tree_get(root, k_cg, yajl_t_object);
	if (cg) {
		r = ocirt_cgroup_deserialize(cg, &s->cgroup, err);
		if (r < 0) {
			yajl_tree_free(root);
			ocirt_status_free(s);
			return r;
		}
	}
	yajl_tree_free(root);
	if (!s->id || !s->bundle) {
		ocirt_status_free(s);
		return ocirt_error_setx(err, EINVAL, "the status file is incomplete");
	}
	*ret = s;
	return 0;
}

int ocirt_status_read(struct ocirt_state_dir *d, struct ocirt_status **ret, struct ocirt_error **err)
{
	return ocirt_status_read_at(d->dirfd, ret, err);
}
