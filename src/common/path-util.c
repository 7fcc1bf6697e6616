/* SPDX-License-Identifier: GPL-2.0-or-later */
/* In-root path resolution. See path-util.h for the contract.
 *
 * The fallback walker keeps a stack of O_PATH fds, one per directory entered, and resolves
 * ".." by popping it (never by opening ".."), absolute symlink targets by emptying it, and
 * every component by openat(O_PATH|O_NOFOLLOW) relative to the top fd. A rename of a
 * directory out of the root while we walk cannot take us outside: we only ever go down
 * from fds we hold and up by dropping them. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>
#include "common/path-util.h"
#include "common/xalloc.h"

#define MAX_SYMLINKS 40

static bool force_fallback;

void ocirt_path_set_force_fallback(bool on)
{
	force_fallback = on;
}

const char *ocirt_path_fd_magic(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

char *ocirt_path_of_fd(int fd)
{
	char magic[64], buf[PATH_MAX + 1];
	ssize_t n;

	n = readlink(ocirt_path_fd_magic(fd, magic, sizeof(magic)), buf, sizeof(buf) - 1);
	if (n < 0 || (size_t)n >= sizeof(buf) - 1)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

struct walk {
	int root; /* borrowed */
	int *fds; /* owned: the directories entered below root; the last one is current */
	size_t n, cap;
	int links; /* symlinks followed so far */
};

static int walk_cur(const struct walk *w)
{
	return w->n ? w->fds[w->n - 1] : w->root;
}

static void walk_pop(struct walk *w)
{
	if (w->n)
		close(w->fds[--w->n]);
}

static void walk_reset(struct walk *w)
{
	while (w->n)
		walk_pop(w);
}

static void walk_push(struct walk *w, int fd)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->fds = xreallocarray(w->fds, w->cap, sizeof(int));
	}
	w->fds[w->n++] = fd;
}

static void walk_done(struct walk *w)
{
	walk_reset(w);
	free(w->fds);
	w->fds = NULL;
	w->cap = 0;
}

/* readlinkat on an fd or a name; returns a malloc'd target. */
static int read_link(int dirfd, const char *name, char **ret)
{
	char buf[PATH_MAX + 1];
	ssize_t n = readlinkat(dirfd, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(buf) - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	*ret = xstrdup(buf);
	return 0;
}

/* Replace *pending with "<target>/<rest>" after a symlink; an absolute target restarts at
 * root. */
static int walk_follow(struct walk *w, const char *target, const char *rest, char **pending)
{
	char *next;

	if (++w->links > MAX_SYMLINKS)
		return -ELOOP;
	if (target[0] == '/')
		walk_reset(w);
	next = xasprintf("%s/%s", target, rest ? rest : "");
	free(*pending);
	*pending = next;
	return 0;
}

/* Walk every component of path but the last, starting at the current directory (or at
 * root when path is absolute). On success the current directory is the parent of the
 * final component and *ret_last is that component, or NULL when the path ends in a
 * directory reached through ".", ".." or a trailing slash-free root ("/"). */
static int walk_parent(struct walk *w, const char *path, bool mkdir_missing, mode_t mode, char **ret_last)
{
	char *pending = xstrdup(path);
	char *p = pending;
	int r;

	*ret_last = NULL;
	if (*p == '/')
		walk_reset(w);
	for (;;) {
		char *comp, *rest;
		struct stat st;
		int fd;

		while (*p == '/')
			p++;
		if (!*p) {
			r = 0;
			break;
		}
		comp = p;
		rest = strchr(p, '/');
		if (rest) {
			*rest++ = '\0';
			while (*rest == '/')
				rest++;
			if (!*rest)
				rest = NULL;
		}
		if (!rest) {
			/* the final component */
			if (streq(comp, "."))
				r = 0;
			else if (streq(comp, "..")) {
				walk_pop(w);
				r = 0;
			} else {
				*ret_last = xstrdup(comp);
				r = 0;
			}
			break;
		}
		p = rest;
		if (streq(comp, "."))
			continue;
		if (streq(comp, "..")) {
			walk_pop(w);
			continue;
		}
		fd = openat(walk_cur(w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && mkdir_missing) {
			if (mkdirat(walk_cur(w), comp, mode) < 0 && errno != EEXIST) {
				r = -errno;
				break;
			}
			fd = openat(walk_cur(w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			r = -errno;
			break;
		}
		if (fstat(fd, &st) < 0) {
			r = -errno;
			close(fd);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			_cleanup_free_ char *target = NULL;
			_cleanup_free_ char *rest_copy = xstrdup(rest);
			r = read_link(fd, "", &target);
			close(fd);
			if (r < 0)
				break;
			r = walk_follow(w, target, rest_copy, &pending);
			if (r < 0)
				break;
			p = pending;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			r = -ENOTDIR;
			break;
		}
		walk_push(w, fd);
	}
	free(pending);
	if (r < 0) {
		free(*ret_last);
		*ret_last = NULL;
	}
	return r;
}

static int dup_cur(const struct walk *w)
{
	int fd = fcntl(walk_cur(w), F_DUPFD_CLOEXEC, 3);
	return fd < 0 ? -errno : fd;
}

/* What to do with the final component. */
enum final_op {
	FINAL_OPEN,  /* openat with the caller's flags */
	FINAL_MKDIR, /* make it a directory */
	FINAL_FILE,  /* make it exist as a non-directory */
};

static int walk_final(int root_fd, const char *path, enum final_op op, int flags, mode_t mode)
{
	struct walk w = { .root = root_fd };
	bool mkdir_parents = op != FINAL_OPEN;
	bool follow = !(flags & O_NOFOLLOW);
	const char *cur_path = path;
	_cleanup_free_ char *target = NULL;
	int r;

	for (;;) {
		_cleanup_free_ char *last = NULL;
		struct stat st;

		r = walk_parent(&w, cur_path, mkdir_parents, op == FINAL_OPEN ? 0755 : mode, &last);
		if (r < 0)
			goto out;
		if (!last) {
			/* the path names a directory we hold */
			if (op == FINAL_FILE) {
				r = -EISDIR;
			} else if (op == FINAL_MKDIR || (flags & O_PATH)) {
				r = dup_cur(&w);
			} else {
				r = openat(walk_cur(&w), ".", (flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW)) | O_CLOEXEC);
				if (r < 0)
					r = -errno;
			}
			goto out;
		}
		if (fstatat(walk_cur(&w), last, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT) {
				r = -errno;
				goto out;
			}
			if (op == FINAL_MKDIR) {
				if (mkdirat(walk_cur(&w), last, mode) < 0 && errno != EEXIST) {
					r = -errno;
					goto out;
				}
			} else if (op == FINAL_FILE) {
				int fd = openat(walk_cur(&w), last, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
						mode);
				if (fd < 0 && errno != EEXIST) {
					r = -errno;
					goto out;
				}
				if (fd >= 0)
					close(fd);
			} else if (!(flags & O_CREAT)) {
				r = -ENOENT;
				goto out;
			}
			/* created (or raced): look again */
			if (op != FINAL_OPEN) {
				if (fstatat(walk_cur(&w), last, &st, AT_SYMLINK_NOFOLLOW) < 0) {
					r = -errno;
					goto out;
				}
			} else {
				r = openat(walk_cur(&w), last, flags | O_NOFOLLOW | O_CLOEXEC, mode);
				r = r < 0 ? -errno : r;
				goto out;
			}
		}
		if (S_ISLNK(st.st_mode) && (follow || op != FINAL_OPEN)) {
			free(target);
			target = NULL;
			r = read_link(walk_cur(&w), last, &target);
			if (r < 0)
				goto out;
			if (++w.links > MAX_SYMLINKS) {
				r = -ELOOP;
				goto out;
			}
			if (target[0] == '/')
				walk_reset(&w);
			cur_path = target;
			continue;
		}
		switch (op) {
		case FINAL_MKDIR:
			if (!S_ISDIR(st.st_mode)) {
				r = -ENOTDIR;
				goto out;
			}
			r = openat(walk_cur(&w), last, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			break;
		case FINAL_FILE:
			if (S_ISDIR(st.st_mode)) {
				r = -EISDIR;
				goto out;
			}
			r = openat(walk_cur(&w), last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			break;
		case FINAL_OPEN:
			if ((flags & O_CREAT) && (flags & O_EXCL)) {
				r = -EEXIST;
				goto out;
			}
			r = openat(walk_cur(&w), last, flags | O_NOFOLLOW | O_CLOEXEC, mode);
			if (r >= 0 && follow && (flags & O_PATH)) {
				/* O_PATH|O_NOFOLLOW opens a link that replaced the entry meanwhile */
				struct stat st2;
				if (fstat(r, &st2) == 0 && S_ISLNK(st2.st_mode)) {
					close(r);
					r = -ELOOP;
					goto out;
				}
			}
			break;
		}
		if (r < 0)
			r = -errno;
		goto out;
	}
out:
	walk_done(&w);
	return r;
}

static int openat2_in_root(int root_fd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int i, fd = -1;

	for (i = 0; i < 32; i++) {
		fd = (int)syscall(SYS_openat2, root_fd, *path ? path : "/", &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd < 0 ? -errno : fd;
}

int ocirt_path_open_in_root(int root_fd, const char *path, int flags, mode_t mode)
{
	if (!force_fallback) {
		int fd = openat2_in_root(root_fd, path, flags, mode);
		/* openat2 appeared in Linux 5.6: this fallback is dead from there on. */
		if (fd != -ENOSYS && fd != -EPERM /* seccomp filters of old container engines */)
			return fd;
	}
	return walk_final(root_fd, path, FINAL_OPEN, flags, mode);
}

int ocirt_path_mkdir_in_root(int root_fd, const char *path, mode_t mode)
{
	return walk_final(root_fd, path, FINAL_MKDIR, 0, mode);
}

int ocirt_path_create_file_in_root(int root_fd, const char *path, mode_t mode)
{
	return walk_final(root_fd, path, FINAL_FILE, 0, mode);
}

int ocirt_path_parent_in_root(int root_fd, const char *path, bool mkdir_parents, mode_t mode, char **ret_name)
{
	struct walk w = { .root = root_fd };
	char *last = NULL;
	int r;

	r = walk_parent(&w, path, mkdir_parents, mode, &last);
	if (r >= 0 && !last)
		r = -EINVAL;
	if (r >= 0)
		r = dup_cur(&w);
	walk_done(&w);
	if (r < 0) {
		free(last);
		return r;
	}
	*ret_name = last;
	return r;
}
