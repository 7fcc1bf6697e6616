/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mount engine (see mount.h). */
#include "config.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "common/path-util.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/lsm.h"
#include "libocirt/mount.h"
#include "libocirt/mount-job.h"
#include "libocirt/mount-syscall.h"
#include "libocirt/userns.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* ---------------------------------------------------------------------------------------
 * The option table
 */

static const struct ocirt_mount_option options_table[] = {
	{ "defaults", OCIRT_MOPT_DEFAULTS, 0 },
	{ "ro", OCIRT_MOPT_SET, MS_RDONLY },
	{ "rw", OCIRT_MOPT_CLEAR, MS_RDONLY },
	{ "nosuid", OCIRT_MOPT_SET, MS_NOSUID },
	{ "suid", OCIRT_MOPT_CLEAR, MS_NOSUID },
	{ "nodev", OCIRT_MOPT_SET, MS_NODEV },
	{ "dev", OCIRT_MOPT_CLEAR, MS_NODEV },
	{ "noexec", OCIRT_MOPT_SET, MS_NOEXEC },
	{ "exec", OCIRT_MOPT_CLEAR, MS_NOEXEC },
	{ "sync", OCIRT_MOPT_SET, MS_SYNCHRONOUS },
	{ "async", OCIRT_MOPT_CLEAR, MS_SYNCHRONOUS },
	{ "dirsync", OCIRT_MOPT_SET, MS_DIRSYNC },
	{ "mand", OCIRT_MOPT_SET, MS_MANDLOCK },
	{ "nomand", OCIRT_MOPT_CLEAR, MS_MANDLOCK },
	{ "nodiratime", OCIRT_MOPT_SET, MS_NODIRATIME },
	{ "diratime", OCIRT_MOPT_CLEAR, MS_NODIRATIME },
	{ "nosymfollow", OCIRT_MOPT_SET, MS_NOSYMFOLLOW },
	{ "symfollow", OCIRT_MOPT_CLEAR, MS_NOSYMFOLLOW },
	{ "lazytime", OCIRT_MOPT_SET, MS_LAZYTIME },
	{ "nolazytime", OCIRT_MOPT_CLEAR, MS_LAZYTIME },
	{ "silent", OCIRT_MOPT_SET, MS_SILENT },
	{ "loud", OCIRT_MOPT_CLEAR, MS_SILENT },
	/* atime is one mode: "atime"/"nostrictatime" mean the kernel default (relatime),
	 * "norelatime" asks for the only other mode that updates atime (strictatime). */
	{ "atime", OCIRT_MOPT_ATIME, OCIRT_ATIME_RELATIME },
	{ "noatime", OCIRT_MOPT_ATIME, OCIRT_ATIME_NOATIME },
	{ "relatime", OCIRT_MOPT_ATIME, OCIRT_ATIME_RELATIME },
	{ "norelatime", OCIRT_MOPT_ATIME, OCIRT_ATIME_STRICTATIME },
	{ "strictatime", OCIRT_MOPT_ATIME, OCIRT_ATIME_STRICTATIME },
	{ "nostrictatime", OCIRT_MOPT_ATIME, OCIRT_ATIME_RELATIME },
	{ "bind", OCIRT_MOPT_BIND, MS_BIND },
	{ "rbind", OCIRT_MOPT_BIND, MS_BIND | MS_REC },
	{ "remount", OCIRT_MOPT_REMOUNT, MS_REMOUNT },
	{ "private", OCIRT_MOPT_PROPAGATION, MS_PRIVATE },
	{ "rprivate", OCIRT_MOPT_PROPAGATION, MS_PRIVATE | MS_REC },
	{ "shared", OCIRT_MOPT_PROPAGATION, MS_SHARED },
	{ "rshared", OCIRT_MOPT_PROPAGATION, MS_SHARED | MS_REC },
	{ "slave", OCIRT_MOPT_PROPAGATION, MS_SLAVE },
	{ "rslave", OCIRT_MOPT_PROPAGATION, MS_SLAVE | MS_REC },
	{ "unbindable", OCIRT_MOPT_PROPAGATION, MS_UNBINDABLE },
	{ "runbindable", OCIRT_MOPT_PROPAGATION, MS_UNBINDABLE | MS_REC },
	/* recursive attributes (mount_setattr AT_RECURSIVE, Linux 5.12) */
	{ "rro", OCIRT_MOPT_REC_SET, MS_RDONLY },
	{ "rrw", OCIRT_MOPT_REC_CLEAR, MS_RDONLY },
	{ "rnosuid", OCIRT_MOPT_REC_SET, MS_NOSUID },
	{ "rsuid", OCIRT_MOPT_REC_CLEAR, MS_NOSUID },
	{ "rnodev", OCIRT_MOPT_REC_SET, MS_NODEV },
	{ "rdev", OCIRT_MOPT_REC_CLEAR, MS_NODEV },
	{ "rnoexec", OCIRT_MOPT_REC_SET, MS_NOEXEC },
	{ "rexec", OCIRT_MOPT_REC_CLEAR, MS_NOEXEC },
	{ "rnodiratime", OCIRT_MOPT_REC_SET, MS_NODIRATIME },
	{ "rdiratime", OCIRT_MOPT_REC_CLEAR, MS_NODIRATIME },
	{ "rnosymfollow", OCIRT_MOPT_REC_SET, MS_NOSYMFOLLOW },
	{ "rsymfollow", OCIRT_MOPT_REC_CLEAR, MS_NOSYMFOLLOW },
	{ "ratime", OCIRT_MOPT_REC_ATIME, OCIRT_ATIME_RELATIME },
	{ "rnoatime", OCIRT_MOPT_REC_ATIME, OCIRT_ATIME_NOATIME },
	{ "rrelatime", OCIRT_MOPT_REC_ATIME, OCIRT_ATIME_RELATIME },
	{ "rnorelatime", OCIRT_MOPT_REC_ATIME, OCIRT_ATIME_STRICTATIME },
	{ "rstrictatime", OCIRT_MOPT_REC_ATIME, OCIRT_ATIME_STRICTATIME },
	{ "rnostrictatime", OCIRT_MOPT_REC_ATIME, OCIRT_ATIME_RELATIME },
	/* extensions */
	{ "tmpcopyup", OCIRT_MOPT_TMPCOPYUP, 0 },
	{ "idmap", OCIRT_MOPT_IDMAP, 0 },
	{ "ridmap", OCIRT_MOPT_IDMAP, 1 },
	{ NULL, 0, 0 },
};

const struct ocirt_mount_option *ocirt_mount_option_table(void)
{
	return options_table;
}

const struct ocirt_mount_option *ocirt_mount_option_lookup(const char *name)
{
	const struct ocirt_mount_option *o;

	for (o = options_table; o->name; o++)
		if (streq(o->name, name))
			return o;
	return NULL;
}

unsigned long ocirt_mount_propagation_flags(const char *name)
{
	const struct ocirt_mount_option *o = name ? ocirt_mount_option_lookup(name) : NULL;
	return o && o->kind == OCIRT_MOPT_PROPAGATION ? o->value : 0;
}

static void flags_set(struct ocirt_mount_flags *f, unsigned long v)
{
	f->set |= v;
	f->clear &= ~v;
}

static void flags_clear(struct ocirt_mount_flags *f, unsigned long v)
{
	f->clear |= v;
	f->set &= ~v;
}

void ocirt_mount_options_done(struct ocirt_mount_options *o)
{
	free(o->data);
	o->data = NULL;
}

int ocirt_mount_options_parse(char *const *options, struct ocirt_mount_options *ret, struct ocirt_error **err)
{
	struct ocirt_mount_options o = { 0 };
	_cleanup_strv_ char **data = NULL;
	char *const *p;

	for (p = options; p && *p; p++) {
		const struct ocirt_mount_option *e;

		if (!**p)
			continue; /* "a,,b" in a list: nothing */
		e = ocirt_mount_option_lookup(*p);
		if (!e) {
			strv_append(&data, *p);
			continue;
		}
		switch (e->kind) {
		case OCIRT_MOPT_DEFAULTS:
			break;
		case OCIRT_MOPT_SET:
			flags_set(&o.flags, e->value);
			break;
		case OCIRT_MOPT_CLEAR:
			flags_clear(&o.flags, e->value);
			break;
		case OCIRT_MOPT_ATIME:
			o.flags.atime = (enum ocirt_atime)e->value;
			break;
		case OCIRT_MOPT_REC_SET:
			flags_set(&o.rec, e->value);
			break;
		case OCIRT_MOPT_REC_CLEAR:
			flags_clear(&o.rec, e->value);
			break;
		case OCIRT_MOPT_REC_ATIME:
			o.rec.atime = (enum ocirt_atime)e->value;
			break;
		case OCIRT_MOPT_PROPAGATION:
			if (o.n_propagation == OCIRT_MOUNT_MAX_PROPAGATION)
				return ocirt_error_setx(err, EINVAL, "too many propagation options");
			o.propagation[o.n_propagation++] = e->value;
			break;
		case OCIRT_MOPT_BIND:
			o.bind = true;
			o.recursive = o.recursive || (e->value & MS_REC);
			break;
		case OCIRT_MOPT_REMOUNT:
			o.remount = true;
			break;
		case OCIRT_MOPT_TMPCOPYUP:
			o.tmpcopyup = true;
			break;
		case OCIRT_MOPT_IDMAP:
			o.idmap = true;
			o.ridmap = o.ridmap || e->value;
			break;
		}
	}
	if (data)
		o.data = strv_join(data, ",");
	*ret = o;
	return 0;
}

unsigned long ocirt_mount_flags_apply(const struct ocirt_mount_flags *f, unsigned long current)
{
	unsigned long flags = (current | f->set) & ~f->clear;

	switch (f->atime) {
	case OCIRT_ATIME_UNSET:
		break;
	case OCIRT_ATIME_RELATIME:
		flags = (flags & ~(MS_NOATIME | MS_STRICTATIME)) | MS_RELATIME;
		break;
	case OCIRT_ATIME_NOATIME:
		flags = (flags & ~(MS_RELATIME | MS_STRICTATIME)) | MS_NOATIME;
		break;
	case OCIRT_ATIME_STRICTATIME:
		flags = (flags & ~(MS_RELATIME | MS_NOATIME)) | MS_STRICTATIME;
		break;
	}
	return flags;
}

/* MS_* per-mount flag ↔ MOUNT_ATTR_* ↔ ST_* (statvfs) */
static const struct {
	unsigned long ms;
	uint64_t attr;
	unsigned long st;
} mnt_flag_map[] = {
	{ MS_RDONLY, OCIRT_MOUNT_ATTR_RDONLY, ST_RDONLY },
	{ MS_NOSUID, OCIRT_MOUNT_ATTR_NOSUID, ST_NOSUID },
	{ MS_NODEV, OCIRT_MOUNT_ATTR_NODEV, ST_NODEV },
	{ MS_NOEXEC, OCIRT_MOUNT_ATTR_NOEXEC, ST_NOEXEC },
	{ MS_NODIRATIME, OCIRT_MOUNT_ATTR_NODIRATIME, ST_NODIRATIME },
	{ MS_NOSYMFOLLOW, OCIRT_MOUNT_ATTR_NOSYMFOLLOW, 8192 /* ST_NOSYMFOLLOW */ },
};

static uint64_t atime_attr(enum ocirt_atime a)
{
	switch (a) {
	case OCIRT_ATIME_NOATIME:
		return OCIRT_MOUNT_ATTR_NOATIME;
	case OCIRT_ATIME_STRICTATIME:
		return OCIRT_MOUNT_ATTR_STRICTATIME;
	default:
		return OCIRT_MOUNT_ATTR_RELATIME;
	}
}

static void flags_to_attr(const struct ocirt_mount_flags *f, struct ocirt_mount_attr *a)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < ARRAY_SIZE(mnt_flag_map); i++) {
		if (f->set & mnt_flag_map[i].ms)
			a->attr_set |= mnt_flag_map[i].attr;
		if (f->clear & mnt_flag_map[i].ms)
			a->attr_clr |= mnt_flag_map[i].attr;
	}
	if (f->atime != OCIRT_ATIME_UNSET) {
		a->attr_clr |= OCIRT_MOUNT_ATTR__ATIME;
		a->attr_set |= atime_attr(f->atime);
	}
}

static bool flags_change_mount(const struct ocirt_mount_flags *f)
{
	struct ocirt_mount_attr a;
	flags_to_attr(f, &a);
	return a.attr_set || a.attr_clr;
}

static unsigned long statvfs_to_ms(unsigned long st)
{
	unsigned long ms = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mnt_flag_map); i++)
		if (st & mnt_flag_map[i].st)
			ms |= mnt_flag_map[i].ms;
	if (st & ST_NOATIME)
		ms |= MS_NOATIME;
	else if (st & ST_RELATIME)
		ms |= MS_RELATIME;
	else
		ms |= MS_STRICTATIME;
	return ms;
}

/* ---------------------------------------------------------------------------------------
 * Low-level mount operations on fds
 */

/* Tests pretend the new mount API is missing, to run the mount(2) fallbacks of old kernels
 * on this one. */
static bool legacy_api;

void ocirt_mount_set_legacy_api(bool on)
{
	legacy_api = on;
}

#define NEW_API(call) (legacy_api ? (errno = ENOSYS, -1) : (call))

static int reopen_target(int root_fd, const char *path)
{
	return ocirt_path_open_in_root(root_fd, path, O_PATH, 0);
}

int ocirt_mount_setflags(int mnt_fd, const struct ocirt_mount_flags *f, bool recursive)
{
	struct ocirt_mount_attr a;
	struct statvfs sv;
	char magic[64];
	unsigned long flags;

	flags_to_attr(f, &a);
	if (!a.attr_set && !a.attr_clr)
		return 0;
	if (NEW_API(sys_mount_setattr(mnt_fd, "", AT_EMPTY_PATH | (recursive ? OCIRT_AT_RECURSIVE : 0), &a)) == 0)
		return 0;
	if (errno != ENOSYS || recursive)
		return -errno;
	/* mount_setattr appeared in Linux 5.12: this remount fallback is dead from there on.
	 * MS_REMOUNT|MS_BIND replaces every per-mount flag, so start from the current ones:
	 * that keeps the flags a user namespace locked (nosuid, nodev, noexec, ro). */
	if (fstatvfs(mnt_fd, &sv) < 0)
		return -errno;
	flags = ocirt_mount_flags_apply(f, statvfs_to_ms(sv.f_flag));
	flags &= MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NODIRATIME | MS_NOSYMFOLLOW | MS_NOATIME |
		 MS_RELATIME | MS_STRICTATIME;
	if (mount(NULL, ocirt_path_fd_magic(mnt_fd, magic, sizeof(magic)), NULL, MS_REMOUNT | MS_BIND | flags,
		  NULL) < 0)
		return -errno;
	return 0;
}

int ocirt_mount_set_propagation(int mnt_fd, unsigned long propagation)
{
	struct ocirt_mount_attr a = { .propagation = propagation & ~(unsigned long)MS_REC };
	char magic[64];

	if (!propagation)
		return 0;
	if (NEW_API(sys_mount_setattr(mnt_fd, "", AT_EMPTY_PATH | ((propagation & MS_REC) ? OCIRT_AT_RECURSIVE : 0), &a)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	/* mount_setattr: Linux 5.12 */
	if (mount(NULL, ocirt_path_fd_magic(mnt_fd, magic, sizeof(magic)), NULL, propagation, NULL) < 0)
		return -errno;
	return 0;
}

/* Attach a detached mount (from open_tree or fsmount) onto target_fd. */
static int attach(int tree_fd, int target_fd)
{
	if (sys_move_mount(tree_fd, "", target_fd, "", OCIRT_MOVE_MOUNT_F_EMPTY_PATH | OCIRT_MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

static int bind_fallback(int src_fd, const char *src, int target_fd, int root_fd, const char *path, bool recursive,
			 const struct ocirt_mount_flags *f, const struct ocirt_mount_flags *rec, int *ret_mnt_fd)
{
	char smagic[64], tmagic[64];
	_cleanup_close_ int mnt = -1;
	int r;

	/* no open_tree means no mount_setattr either (5.2 < 5.12): no recursive flags */
	if (rec && flags_change_mount(rec))
		return -ENOSYS;
	if (mount(src_fd >= 0 ? ocirt_path_fd_magic(src_fd, smagic, sizeof(smagic)) : src,
		  ocirt_path_fd_magic(target_fd, tmagic, sizeof(tmagic)), NULL, MS_BIND | (recursive ? MS_REC : 0),
		  NULL) < 0)
		return -errno;
	if (!ret_mnt_fd && !flags_change_mount(f))
		return 0;
	mnt = root_fd >= 0 ? reopen_target(root_fd, path) : -EBADF;
	if (mnt < 0)
		return mnt;
	r = ocirt_mount_setflags(mnt, f, false);
	if (r < 0)
		return r;
	if (ret_mnt_fd)
		*ret_mnt_fd = TAKE_FD(mnt);
	return 0;
}

int ocirt_mount_bind(int src_fd, const char *src, int target_fd, int root_fd, const char *path, bool recursive,
		     const struct ocirt_mount_flags *f, const struct ocirt_mount_flags *rec, int *ret_mnt_fd)
{
	static const struct ocirt_mount_flags none = { 0 };
	_cleanup_close_ int tree = -1;
	bool late_flags = false;
	int r;

	if (!f)
		f = &none;
	tree = NEW_API(sys_open_tree(src_fd >= 0 ? src_fd : AT_FDCWD, src_fd >= 0 ? "" : src,
			     OCIRT_OPEN_TREE_CLONE | O_CLOEXEC | (recursive ? OCIRT_AT_RECURSIVE : 0) |
				     (src_fd >= 0 ? AT_EMPTY_PATH : 0)));
	if (tree < 0) {
		if (errno != ENOSYS)
			return -errno;
		/* open_tree appeared in Linux 5.2: mount(2) on the fd's magic link before. */
		return bind_fallback(src_fd, src, target_fd, root_fd, path, recursive, f, rec, ret_mnt_fd);
	}
	/* Flags go on the detached copy, so it never appears with weaker ones. */
	r = ocirt_mount_setflags(tree, f, false);
	if (r == -ENOSYS)
		late_flags = true; /* 5.2..5.11: remount once attached */
	else if (r < 0)
		return r;
	if (rec && flags_change_mount(rec)) {
		r = ocirt_mount_setflags(tree, rec, true);
		if (r < 0)
			return r;
	}
	r = attach(tree, target_fd);
	if (r < 0)
		return r;
	if (late_flags) {
		r = ocirt_mount_setflags(tree, f, false);
		if (r < 0)
			return r;
	}
	if (ret_mnt_fd)
		*ret_mnt_fd = TAKE_FD(tree);
	return 0;
}

/* The last error line the kernel queued on an fs context fd ("e tmpfs: Bad value..."). */
static char *fs_context_message(int fsfd)
{
	char buf[1024], *last = NULL;
	ssize_t n;

	while ((n = read(fsfd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		if (n > 0 && buf[n - 1] == '\n')
			buf[n - 1] = '\0';
		if (buf[0] == 'e' && buf[1] == ' ') {
			free(last);
			last = xstrdup(buf + 2);
		}
	}
	return last;
}

/* Cut the comma-separated option list after its first option, leaving commas inside
 * double quotes alone (SELinux contexts: context="system_u:object_r:x:s0:c1,c2"); returns
 * the rest or NULL. */
static char *split_option(char *s)
{
	bool quoted = false;

	for (; *s; s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (*s == ',' && !quoted) {
			*s = '\0';
			return s + 1;
		}
	}
	return NULL;
}

/* fsconfig takes the value itself: the quotes only protected commas in mount(2) data. */
static const char *unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

static const struct {
	unsigned long ms;
	const char *key;
} sb_flag_keys[] = {
	{ MS_RDONLY, "ro" },          { MS_SYNCHRONOUS, "sync" }, { MS_DIRSYNC, "dirsync" },
	{ MS_LAZYTIME, "lazytime" },  { MS_SILENT, "silent" },
};

static int fs_fallback(const char *type, const char *source, int target_fd, int root_fd, const char *path,
		       const struct ocirt_mount_flags *f, const char *data, int *ret_mnt_fd)
{
	char magic[64];
	unsigned long flags = ocirt_mount_flags_apply(f, 0);

	if (mount(source, ocirt_path_fd_magic(target_fd, magic, sizeof(magic)), type, flags, data) < 0)
		return -errno;
	if (ret_mnt_fd) {
		int fd = root_fd >= 0 ? reopen_target(root_fd, path) : -EBADF;
		if (fd < 0)
			return fd;
		*ret_mnt_fd = fd;
	}
	return 0;
}

int ocirt_mount_fs(const char *type, const char *source, int target_fd, int root_fd, const char *path,
		   const struct ocirt_mount_flags *f, const char *data, int *ret_mnt_fd, char **ret_detail)
{
	static const struct ocirt_mount_flags none = { 0 };
	_cleanup_close_ int fsfd = -1, mfd = -1;
	struct ocirt_mount_attr a;
	size_t i;
	int r;

	if (!f)
		f = &none;
	fsfd = NEW_API(sys_fsopen(type, OCIRT_FSOPEN_CLOEXEC));
	if (fsfd < 0) {
		if (errno != ENOSYS)
			return -errno;
		/* fsopen appeared in Linux 5.2: mount(2) on the fd's magic link before. */
		return fs_fallback(type, source, target_fd, root_fd, path, f, data, ret_mnt_fd);
	}
	if (source && *source && sys_fsconfig(fsfd, OCIRT_FSCONFIG_SET_STRING, "source", source, 0) < 0)
		goto fail;
	if (data && *data) {
		_cleanup_free_ char *copy = xstrdup(data);
		char *opt = copy, *next;
		for (; opt; opt = next) {
			char *eq;
			next = split_option(opt);
			if (!*opt)
				continue;
			eq = strchr(opt, '=');
			if (eq) {
				*eq = '\0';
				r = sys_fsconfig(fsfd, OCIRT_FSCONFIG_SET_STRING, opt, unquote(eq + 1), 0);
			} else {
				r = sys_fsconfig(fsfd, OCIRT_FSCONFIG_SET_FLAG, opt, NULL, 0);
			}
			if (r < 0)
				goto fail;
		}
	}
	for (i = 0; i < ARRAY_SIZE(sb_flag_keys); i++)
		if ((f->set & sb_flag_keys[i].ms) &&
		    sys_fsconfig(fsfd, OCIRT_FSCONFIG_SET_FLAG, sb_flag_keys[i].key, NULL, 0) < 0)
			goto fail;
	if (sys_fsconfig(fsfd, OCIRT_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		goto fail;
	flags_to_attr(f, &a);
	mfd = sys_fsmount(fsfd, OCIRT_FSMOUNT_CLOEXEC, (unsigned int)a.attr_set);
	if (mfd < 0)
		goto fail;
	r = attach(mfd, target_fd);
	if (r < 0)
		return r;
	if (ret_mnt_fd)
		*ret_mnt_fd = TAKE_FD(mfd);
	return 0;
fail:
	r = -errno;
	if (ret_detail)
		*ret_detail = fs_context_message(fsfd);
	return r;
}

/* ---------------------------------------------------------------------------------------
 * mountinfo
 */

static char *unescape_octal(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*o++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

void ocirt_mountinfo_free(struct ocirt_mountinfo *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].root);
		free(v[i].mountpoint);
		free(v[i].options);
		free(v[i].optional);
		free(v[i].fstype);
		free(v[i].source);
		free(v[i].super_options);
	}
	free(v);
}

int ocirt_mountinfo_read(const char *path, struct ocirt_mountinfo **ret, size_t *ret_n)
{
	_cleanup_fclose_ FILE *f = fopen(path ? path : "/proc/self/mountinfo", "re");
	struct ocirt_mountinfo *v = NULL;
	size_t n = 0, cap = 0, len = 0;
	_cleanup_free_ char *line = NULL;

	if (!f)
		return -errno;
	while (getline(&line, &len, f) > 0) {
		char *fields[16], *save = NULL, *tok, *sep;
		struct ocirt_mountinfo mi = { 0 };
		size_t nf = 0;
		_cleanup_strv_ char **optional = NULL;

		line[strcspn(line, "\n")] = '\0';
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		for (tok = strtok_r(line, " ", &save); tok && nf < 6; tok = strtok_r(NULL, " ", &save))
			fields[nf++] = tok;
		if (nf < 6)
			continue;
		for (; tok; tok = strtok_r(NULL, " ", &save))
			strv_append(&optional, tok);
		save = NULL;
		tok = strtok_r(sep + 3, " ", &save);
		if (!tok)
			continue;
		mi.fstype = xstrdup(tok);
		tok = strtok_r(NULL, " ", &save);
		mi.source = unescape_octal(tok ? tok : "");
		tok = strtok_r(NULL, " ", &save);
		mi.super_options = xstrdup(tok ? tok : "");
		mi.id = atoi(fields[0]);
		mi.parent = atoi(fields[1]);
		mi.root = unescape_octal(fields[3]);
		mi.mountpoint = unescape_octal(fields[4]);
		mi.options = xstrdup(fields[5]);
		mi.optional = optional ? strv_join(optional, " ") : xstrdup("");
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n++] = mi;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ---------------------------------------------------------------------------------------
 * Mounting a config.json entry
 */

/* "/a//b/./c/" → "/a/b/c"; relative paths become absolute ("a" → "/a"); ".." is kept
 * (resolution inside the root handles it). */
static char *clean_dest(const char *p)
{
	char *out = xmalloc(strlen(p) + 2), *o = out;

	*o++ = '/';
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		if (p[0] == '.' && (p[1] == '/' || !p[1])) {
			p++;
			continue;
		}
		if (o[-1] != '/')
			*o++ = '/';
		while (*p && *p != '/')
			*o++ = *p++;
	}
	*o = '\0';
	return out;
}

bool ocirt_mount_dev_is_bind(const struct oci_config *config)
{
	size_t i;

	for (i = 0; i < config->mounts_len; i++) {
		const struct oci_mount *m = &config->mounts[i];
		_cleanup_free_ char *dest = clean_dest(m->destination ? m->destination : "");
		bool bind = m->type && streq(m->type, "bind");

		if (!streq(dest, "/dev"))
			continue;
		if (!bind && m->options) {
			char *const *o;
			for (o = m->options; *o; o++)
				if (streq(*o, "bind") || streq(*o, "rbind"))
					bind = true;
		}
		if (bind)
			return true;
	}
	return false;
}

int ocirt_mount_job_err(struct job *j, struct ocirt_error **err, int r, const char *detail)
{
	if (detail)
		return ocirt_error_set(err, -r, "mount \"%s\" to \"%s\": %s", j->src, j->m->destination, detail);
	return ocirt_error_set(err, -r, "mount \"%s\" to \"%s\"", j->src, j->m->destination);
}

/* The destination's path inside the rootfs after resolution, for the /proc rules. */
static char *resolved_in_rootfs(const struct ocirt_mount_ctx *ctx, int fd)
{
	_cleanup_free_ char *own = ctx->rootfs ? NULL : ocirt_path_of_fd(ctx->rootfs_fd);
	const char *root = ctx->rootfs ? ctx->rootfs : own;
	_cleanup_free_ char *p = ocirt_path_of_fd(fd);
	size_t n;

	if (!root || !p)
		return NULL;
	if (streq(root, "/"))
		return TAKE_PTR(p);
	n = strlen(root);
	if (strncmp(p, root, n) != 0 || (p[n] != '/' && p[n] != '\0'))
		return NULL;
	return xstrdup(p[n] ? p + n : "/");
}

/* Mounts inside the container's /proc could hide what the kernel shows there (or make
 * the runtime write through /proc later); only the files lxcfs-style tools replace are
 * allowed, and /proc itself only for procfs. */
int ocirt_mount_job_check_proc(struct job *j, int dest_fd, bool is_procfs, struct ocirt_error **err)
{
	static const char *const allowed[] = {
		"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
		"/proc/uptime",  "/proc/loadavg",   "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
	};
	_cleanup_free_ char *p = resolved_in_rootfs(j->ctx, dest_fd);
	size_t i;

	if (!p)
		return 0;
	if (streq(p, "/proc")) {
		if (is_procfs)
			return 0;
		return ocirt_error_setx(err, EINVAL, "mount \"%s\" to \"%s\": %s cannot be mounted on /proc: only procfs can",
					j->src, j->m->destination, p);
	}
	if (strncmp(p, "/proc/", 6) != 0)
		return 0;
	for (i = 0; i < ARRAY_SIZE(allowed); i++)
		if (streq(p, allowed[i]))
			return 0;
	return ocirt_error_setx(err, EINVAL, "mount \"%s\" to \"%s\": \"%s\" cannot be mounted because it is inside /proc",
				j->src, j->m->destination, p);
}

static int rec_unsupported(struct job *j, struct ocirt_error **err)
{
	return ocirt_error_setx(err, ENOSYS,
				"mount \"%s\" to \"%s\": recursive mount options need mount_setattr (Linux 5.12)", j->src,
				j->m->destination);
}

int ocirt_mount_job_apply_after(struct job *j, int mnt_fd, bool rec_done, struct ocirt_error **err)
{
	size_t i;
	int r;

	if (!rec_done && flags_change_mount(&j->opts.rec)) {
		r = ocirt_mount_setflags(mnt_fd, &j->opts.rec, true);
		if (r == -ENOSYS)
			return rec_unsupported(j, err);
		if (r < 0)
			return ocirt_mount_job_err(j, err, r, "set recursive flags");
	}
	for (i = 0; i < j->opts.n_propagation; i++) {
		r = ocirt_mount_set_propagation(mnt_fd, j->opts.propagation[i]);
		if (r < 0)
			return ocirt_mount_job_err(j, err, r, "set propagation");
	}
	return 0;
}

/* Docker looks for the lower-case words "not a directory" (runc's wording) to explain
 * a file/directory mismatch to its user. */
static int not_a_directory(struct job *j, struct ocirt_error **err)
{
	return ocirt_error_setx(err, ENOTDIR,
				"mount \"%s\" to \"%s\": not a directory: are you trying to mount a directory onto a "
				"file (or vice-versa)? Check if the specified host path exists and is the expected type",
				j->src, j->m->destination);
}

/* The bind source as the parent and the child both resolve it. */
static char *bind_source_path(const char *bundle, const char *source)
{
	if (source[0] == '/' || !bundle)
		return xstrdup(source);
	return xasprintf("%s/%s", bundle, source);
}

/* The mount point of a bind-like mount: a directory for a directory source, else a file;
 * proc_source: the source is procfs (check_proc_dest). Returns an O_PATH fd, or a negative
 * errno with err set. */
static int bind_mount_point(struct job *j, bool dir, bool proc_source, struct ocirt_error **err)
{
	_cleanup_close_ int fd = -1;
	int r;

	if (dir)
		fd = ocirt_path_mkdir_in_root(j->ctx->rootfs_fd, j->dest, 0755);
	else
		fd = ocirt_path_create_file_in_root(j->ctx->rootfs_fd, j->dest, 0644);
	if (fd == -ENOTDIR || fd == -EISDIR)
		return not_a_directory(j, err);
	if (fd < 0)
		return ocirt_mount_job_err(j, err, fd, "create mount point");
	r = ocirt_mount_job_check_proc(j, fd, proc_source, err);
	if (r < 0)
		return r;
	return TAKE_FD(fd);
}

static int do_bind(struct job *j, const char *source, struct ocirt_error **err)
{
	const struct ocirt_mount_ctx *ctx = j->ctx;
	_cleanup_free_ char *src = NULL;
	_cleanup_close_ int dest_fd = -1, mnt_fd = -1;
	struct statfs sfs;
	struct stat st;
	int r;

	if (!source || !*source)
		return ocirt_error_setx(err, EINVAL, "mount to \"%s\": a bind mount needs a source", j->m->destination);
	src = bind_source_path(ctx->bundle, source);
	if (stat(src, &st) < 0)
		return ocirt_error_set(err, errno, "mount \"%s\" to \"%s\": stat \"%s\"", j->src, j->m->destination, src);
	dest_fd = bind_mount_point(j, S_ISDIR(st.st_mode), statfs(src, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC,
				   err);
	if (dest_fd < 0)
		return dest_fd;
	r = ocirt_mount_bind(-1, src, dest_fd, ctx->rootfs_fd, j->dest, j->opts.recursive, &j->opts.flags, &j->opts.rec,
		    &mnt_fd);
	if (r == -ENOTDIR)
		return not_a_directory(j, err);
	if (r == -ENOSYS && flags_change_mount(&j->opts.rec))
		return rec_unsupported(j, err);
	if (r < 0)
		return ocirt_mount_job_err(j, err, r, NULL);
	return ocirt_mount_job_apply_after(j, mnt_fd, true, err);
}

/* Child side of an idmapped mount: the parent made the mapped tree; move it into place. */
static int do_idmapped(struct job *j, struct ocirt_error **err)
{
	const struct ocirt_mount_ctx *ctx = j->ctx;
	_cleanup_close_ int dest_fd = -1;
	struct stat st;
	int fd = -1, r;

	for (size_t i = 0; i < ctx->n_idmapped; i++)
		if (ctx->idmapped[i].m == j->m)
			fd = ctx->idmapped[i].fd;
	if (fd < 0)
		return ocirt_error_setx(err, EINVAL, "mount \"%s\" to \"%s\": no idmapped tree was prepared for it",
					j->src, j->m->destination);
	if (fstat(fd, &st) < 0)
		return ocirt_error_set(err, errno, "mount \"%s\" to \"%s\": stat the idmapped tree", j->src,
				       j->m->destination);
	dest_fd = bind_mount_point(j, S_ISDIR(st.st_mode), false, err);
	if (dest_fd < 0)
		return dest_fd;
	r = attach(fd, dest_fd);
	if (r == -ENOTDIR)
		return not_a_directory(j, err);
	if (r < 0)
		return ocirt_mount_job_err(j, err, r, "move the idmapped tree into place");
	return ocirt_mount_job_apply_after(j, fd, true, err);
}

bool ocirt_mount_is_idmapped(const struct oci_mount *m)
{
	if (m->uid_mappings_len || m->gid_mappings_len)
		return true;
	for (char *const *o = m->options; o && *o; o++)
		if (streq(*o, "idmap") || streq(*o, "ridmap"))
			return true;
	return false;
}

void ocirt_mount_idmapped_free(struct ocirt_idmapped *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (v[i].fd >= 0)
			close(v[i].fd);
	free(v);
}

static int idmap_one(const struct oci_config *c, size_t i, const char *bundle, int *ret_fd, struct ocirt_error **err)
{
	const struct oci_mount *m = &c->mounts[i];
	_cleanup_free_ char *where = xasprintf(".mounts[%zu]", i);
	_cleanup_free_ char *src = NULL;
	_cleanup_close_ int tree = -1, userns = -1;
	struct ocirt_mount_options o;
	struct ocirt_id_maps maps;
	int r;

	if (!m->source || !*m->source)
		return ocirt_error_setx(err, EINVAL, "%s.source: a bind mount needs a source", where);
	if (!ocirt_userns_mount_maps(c, i, &maps))
		return ocirt_error_setx(err, EINVAL,
					"%s: \"idmap\" without uidMappings/gidMappings uses the container's user "
					"namespace mappings, and there are none",
					where);
	if (!maps.where)
		maps.where = where;
	r = ocirt_mount_options_parse(m->options, &o, err);
	if (r < 0)
		return ocirt_error_prefix(err, "%s.options", where);
	src = bind_source_path(bundle, m->source);
	tree = sys_open_tree(AT_FDCWD, src, OCIRT_OPEN_TREE_CLONE | O_CLOEXEC | (o.recursive ? OCIRT_AT_RECURSIVE : 0));
	if (tree < 0) {
		r = ocirt_error_set(err, errno, "%s: clone the bind source \"%s\"", where, src);
		goto out;
	}
	r = ocirt_userns_open_mapped(&maps, &userns, err);
	if (r < 0)
		goto out;
	struct ocirt_mount_attr a = { .attr_set = OCIRT_MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | (o.ridmap ? OCIRT_AT_RECURSIVE : 0), &a) < 0) {
		int e = errno;
		r = ocirt_error_set(err, e, "%s: idmap \"%s\"%s", where, src,
				    e == EINVAL ? " (does its file system support idmapped mounts?)"
				    : e == EPERM && geteuid() != 0 ? " (only root over the file system can map it)"
				    : e == ENOSYS ? " (mount_setattr needs Linux 5.12)" : "");
		goto out;
	}
	r = ocirt_mount_setflags(tree, &o.flags, false);
	if (r >= 0 && flags_change_mount(&o.rec))
		r = ocirt_mount_setflags(tree, &o.rec, true);
	if (r < 0) {
		r = ocirt_error_set(err, -r, "%s: set the mount flags of \"%s\"", where, src);
		goto out;
	}
	*ret_fd = TAKE_FD(tree);
	r = 0;
out:
	ocirt_mount_options_done(&o);
	return r;
}

int ocirt_mount_idmap_prepare(const struct oci_config *c, const char *bundle, struct ocirt_idmapped **ret,
			      size_t *ret_n, struct ocirt_error **err)
{
	struct ocirt_idmapped *v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < c->mounts_len; i++) {
		if (!ocirt_mount_is_idmapped(&c->mounts[i]))
			continue;
		int fd = -1;
		int r = idmap_one(c, i, bundle, &fd, err);
		if (r < 0) {
			ocirt_mount_idmapped_free(v, n);
			return r;
		}
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n].m = &c->mounts[i];
		v[n++].fd = fd;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

bool ocirt_mount_data_has_key(const char *data, const char *key)
{
	size_t n = strlen(key);
	const char *p = data;

	while (p && *p) {
		if (strncmp(p, key, n) == 0 && (p[n] == '=' || p[n] == ',' || !p[n]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static void data_append(char **data, const char *fmt, ...) _printf_(2, 3);
static void data_append(char **data, const char *fmt, ...)
{
	va_list ap;
	char *s, *n;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (*data && **data) {
		n = xasprintf("%s,%s", *data, s);
		free(s);
	} else {
		n = s;
	}
	free(*data);
	*data = n;
}

static int copy_tree(int src, int dst, int depth);

/* Copy one entry name from directory src to directory dst, keeping type, mode, owner and
 * times. */
static int copy_entry(int src, int dst, const char *name, int depth)
{
	struct stat st;
	struct timespec ts[2];
	int r = 0;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int s = -1, d = -1;
		if (mkdirat(dst, name, 0700) < 0 && errno != EEXIST)
			return -errno;
		s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return -errno;
		r = copy_tree(s, d, depth + 1);
		if (r < 0)
			return r;
		if (fchown(d, st.st_uid, st.st_gid) < 0 || fchmod(d, st.st_mode & 07777) < 0)
			return -errno;
	} else if (S_ISREG(st.st_mode)) {
		_cleanup_close_ int s = -1, d = -1;
		char buf[65536];
		ssize_t n;
		s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0)
			return -errno;
		d = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (d < 0)
			return -errno;
		while ((n = read(s, buf, sizeof(buf))) > 0) {
			char *p = buf;
			while (n > 0) {
				ssize_t w = write(d, p, (size_t)n);
				if (w < 0)
					return -errno;
				p += w;
				n -= w;
			}
		}
		if (n < 0)
			return -errno;
		/* chown first: it drops set-id bits that fchmod then restores */
		if (fchown(d, st.st_uid, st.st_gid) < 0 || fchmod(d, st.st_mode & 07777) < 0)
			return -errno;
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX + 1];
		ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		if (symlinkat(target, dst, name) < 0)
			return -errno;
		if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	} else {
		if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0)
			return -errno;
		if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(dst, name, st.st_mode & 07777, 0) < 0)
			return -errno;
	}
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	(void)utimensat(dst, name, ts, AT_SYMLINK_NOFOLLOW);
	return r;
}

static int copy_tree(int src, int dst, int depth)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd, r;

	if (depth > 128)
		return -ELOOP;
	fd = fcntl(src, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	rewinddir(d);
	while ((errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		r = copy_entry(src, dst, de->d_name, depth);
		if (r < 0)
			return r;
	}
	return errno ? -errno : 0;
}

static bool is_dev_dest(const char *dest)
{
	return streq(dest, "/dev");
}

static int do_fs(struct job *j, const char *type, struct ocirt_error **err)
{
	const struct ocirt_mount_ctx *ctx = j->ctx;
	struct ocirt_mount_flags flags = j->opts.flags;
	_cleanup_close_ int dest_fd = -1, mnt_fd = -1, copy_src = -1;
	_cleanup_free_ char *data = j->opts.data ? xstrdup(j->opts.data) : NULL;
	_cleanup_free_ char *detail = NULL;
	bool tmpfs = streq(type, "tmpfs"), label_after;
	const char *source = j->m->source && *j->m->source ? j->m->source : type;
	int r;

	if (j->opts.tmpcopyup && !tmpfs)
		return ocirt_error_setx(err, EINVAL, "mount \"%s\" to \"%s\": tmpcopyup needs a tmpfs", j->src,
					j->m->destination);
	dest_fd = ocirt_path_open_in_root(ctx->rootfs_fd, j->dest, O_PATH | O_DIRECTORY, 0);
	if (dest_fd == -ENOENT) {
		dest_fd = ocirt_path_mkdir_in_root(ctx->rootfs_fd, j->dest, 0755);
	} else if (dest_fd >= 0 && tmpfs && !ocirt_mount_data_has_key(data, "mode")) {
		/* the tmpfs takes the mode of the directory it covers */
		struct stat st;
		if (fstat(dest_fd, &st) == 0)
			data_append(&data, "mode=%o", (unsigned)(st.st_mode & 07777));
	}
	if (dest_fd == -ENOTDIR)
		return not_a_directory(j, err);
	if (dest_fd < 0)
		return ocirt_mount_job_err(j, err, dest_fd, "create mount point");
	r = ocirt_mount_job_check_proc(j, dest_fd, streq(type, "proc"), err);
	if (r < 0)
		return r;
	if (streq(type, "proc") || streq(type, "sysfs")) {
		/* A kernel view mounted through a symlink ("/proc -> /") would cover whatever
		 * the link points at: these need the real directory. */
		_cleanup_free_ char *p = resolved_in_rootfs(ctx, dest_fd);
		if (!p || !streq(p, j->dest))
			return ocirt_error_setx(err, EINVAL,
						"mount \"%s\" to \"%s\": %s must be mounted on an ordinary directory, "
						"not through a symlink (it resolves to \"%s\")",
						j->src, j->m->destination, type, p ? p : "?");
	}
	if (j->opts.tmpcopyup) {
		copy_src = ocirt_path_open_in_root(ctx->rootfs_fd, j->dest, O_RDONLY | O_DIRECTORY, 0);
		if (copy_src < 0)
			return ocirt_mount_job_err(j, err, copy_src, "tmpcopyup: open the directory to copy");
	}
	if (ctx->mount_label && *ctx->mount_label &&
	    (tmpfs || streq(type, "devpts")) && !ocirt_mount_data_has_key(data, "context"))
		data_append(&data, "context=\"%s\"", ctx->mount_label);
	/* mqueue refuses context= (EINVAL under SELinux): its root is labelled after mounting
	 * instead, as runc does, before it is made read-only (a label is an xattr write) */
	label_after = ctx->mount_label && *ctx->mount_label && streq(type, "mqueue") && !j->opts.remount;
	/* A read-only tmpfs or /dev still receives mount points and device nodes: it is made
	 * read-only after pivot_root (ocirt_mount_finish_readonly), as runc does. */
	if ((ctx->defer_readonly && (tmpfs || is_dev_dest(j->dest))) || label_after)
		flags.set &= ~(unsigned long)MS_RDONLY;

	if (j->opts.remount) {
		/* remount the filesystem already at the destination */
		char magic[64];
		_cleanup_close_ int cur = -1;
		struct statvfs sv;
		cur = ocirt_path_open_in_root(ctx->rootfs_fd, j->dest, O_PATH, 0);
		if (cur < 0 || fstatvfs(cur, &sv) < 0)
			return ocirt_mount_job_err(j, err, cur < 0 ? cur : -errno, NULL);
		if (mount(NULL, ocirt_path_fd_magic(cur, magic, sizeof(magic)), NULL,
			  MS_REMOUNT | ocirt_mount_flags_apply(&flags, statvfs_to_ms(sv.f_flag)), data) < 0)
			return ocirt_mount_job_err(j, err, -errno, NULL);
		return ocirt_mount_job_apply_after(j, cur, false, err);
	}

	r = ocirt_mount_fs(type, source, dest_fd, ctx->rootfs_fd, j->dest, &flags, data, &mnt_fd, &detail);
	if (r == -EPERM && streq(type, "sysfs") && ctx->userns) {
		/* A user namespace without its own network namespace may not mount sysfs: show
		 * the host's instead, as runc does; the flags (ro...) on every mount of it. */
		r = ocirt_mount_bind(-1, "/sys", dest_fd, ctx->rootfs_fd, j->dest, true, &flags, &flags, &mnt_fd);
		if (r == -ENOSYS) /* mount_setattr: Linux 5.12 */
			r = ocirt_mount_bind(-1, "/sys", dest_fd, ctx->rootfs_fd, j->dest, true, &flags, NULL, &mnt_fd);
	}
	if (r == -ENOTDIR)
		return not_a_directory(j, err);
	if (r == -ENODEV && !detail)
		detail = xasprintf("unknown filesystem type \"%s\"", type);
	if (r < 0)
		return ocirt_mount_job_err(j, err, r, detail);
	if (label_after) {
		r = ocirt_lsm_set_fd_label(mnt_fd, j->m->destination, ctx->mount_label, err);
		if (r < 0)
			return r;
		if (j->opts.flags.set & MS_RDONLY) {
			struct ocirt_mount_flags ro = { .set = MS_RDONLY };
			r = ocirt_mount_setflags(mnt_fd, &ro, false);
			if (r < 0)
				return ocirt_mount_job_err(j, err, r, "make it read-only after labelling");
		}
	}
	if (copy_src >= 0) {
		_cleanup_close_ int top = openat(mnt_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (top < 0)
			return ocirt_mount_job_err(j, err, -errno, "tmpcopyup: open the new tmpfs");
		r = copy_tree(copy_src, top, 0);
		if (r < 0)
			return ocirt_mount_job_err(j, err, r, "tmpcopyup: copy the directory's content");
	}
	return ocirt_mount_job_apply_after(j, mnt_fd, false, err);
}

int ocirt_mount_one(const struct ocirt_mount_ctx *ctx, const struct oci_mount *m, struct ocirt_error **err)
{
	struct job j = { .ctx = ctx, .m = m };
	const char *type = m->type && *m->type ? m->type : NULL;
	int r;

	if (!m->destination || !*m->destination)
		return ocirt_error_setx(err, EINVAL, "mount \"%s\": no destination", m->source ? m->source : "");
	j.src = m->source && *m->source ? m->source : (type ? type : "none");
	j.dest = clean_dest(m->destination);
	r = ocirt_mount_options_parse(m->options, &j.opts, err);
	if (r < 0) {
		ocirt_error_prefix(err, "mount \"%s\" to \"%s\"", j.src, m->destination);
		goto out;
	}
	if (j.opts.idmap || m->uid_mappings_len || m->gid_mappings_len)
		r = do_idmapped(&j, err);
	else if (j.opts.bind || (type && streq(type, "bind")))
		r = do_bind(&j, m->source, err);
	else if (!type)
		r = ocirt_error_setx(err, EINVAL, "mount \"%s\" to \"%s\": no type", j.src, m->destination);
	else if (streq(type, "cgroup"))
		r = ocirt_mount_cgroup(&j, err);
	else
		r = do_fs(&j, type, err);
out:
	ocirt_mount_options_done(&j.opts);
	free(j.dest);
	return r;
}

int ocirt_mount_finish_readonly(int root_fd, const struct oci_mount *m, struct ocirt_error **err)
{
	struct ocirt_mount_options opts;
	_cleanup_free_ char *dest = NULL;
	_cleanup_close_ int fd = -1;
	struct ocirt_mount_flags ro = { .set = MS_RDONLY };
	bool bind;
	int r;

	if (!m->destination || ocirt_mount_options_parse(m->options, &opts, NULL) < 0)
		return 0;
	bind = opts.bind || (m->type && streq(m->type, "bind"));
	ocirt_mount_options_done(&opts);
	if (!(opts.flags.set & MS_RDONLY) || bind)
		return 0;
	dest = clean_dest(m->destination);
	if (!(m->type && streq(m->type, "tmpfs")) && !is_dev_dest(dest))
		return 0;
	fd = ocirt_path_open_in_root(root_fd, dest, O_PATH, 0);
	if (fd < 0)
		return ocirt_error_set(err, -fd, "remount \"%s\" read-only", m->destination);
	r = ocirt_mount_setflags(fd, &ro, false);
	if (r < 0)
		return ocirt_error_set(err, -r, "remount \"%s\" read-only", m->destination);
	return 0;
}
