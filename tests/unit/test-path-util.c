/* SPDX-License-Identifier: GPL-2.0-or-later */
/* In-root resolution: symlinks (absolute, relative, "..", chains, dangling) resolve inside
 * the root, with openat2 and with the fallback walker; creation helpers never write
 * outside. Runs in a temp dir; no privileges needed. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tests/unit/tap.h"
#include "common/path-util.h"
#include "common/xalloc.h"

static char base[256];
static int root_fd = -1;

static char *in_base(const char *rel)
{
	return xasprintf("%s/%s", base, rel);
}

static void mk(const char *rel, const char *link_target)
{
	_cleanup_free_ char *p = in_base(rel);
	if (link_target) {
		if (symlink(link_target, p) < 0)
			tap_diag("symlink %s: %s", p, strerror(errno));
	} else if (mkdir(p, 0755) < 0) {
		tap_diag("mkdir %s: %s", p, strerror(errno));
	}
}

static bool exists(const char *rel)
{
	_cleanup_free_ char *p = in_base(rel);
	struct stat st;
	return lstat(p, &st) == 0;
}

/* The path (relative to base) an fd refers to, "" for the root itself. */
static char *where(int fd)
{
	_cleanup_free_ char *p = ocirt_path_of_fd(fd);
	size_t n = strlen(base);

	if (!p)
		return xstrdup("?");
	if (strncmp(p, base, n) != 0)
		return xasprintf("OUTSIDE:%s", p);
	return xstrdup(p[n] == '/' ? p + n + 1 : p + n);
}

static void check_open(const char *path, int flags, const char *want, const char *mode)
{
	int fd = ocirt_path_open_in_root(root_fd, path, flags, 0);
	if (fd < 0) {
		ok(want == NULL, "%s: open %s fails (%s)", mode, path, strerror(-fd));
		return;
	}
	{
		_cleanup_free_ char *w = where(fd);
		if (want)
			is_str(w, want, "%s: open %s", mode, path);
		else
			ok(0, "%s: open %s should fail, got %s", mode, path, w);
	}
	close(fd);
}

static void run_resolution(const char *mode)
{
	check_open("/", O_PATH, "root", mode);
	check_open("/etc", O_PATH, "root/etc", mode);
	check_open("/abs", O_PATH, "root/etc", mode);           /* abs -> /etc */
	check_open("/escape", O_PATH, "root", mode);           /* escape -> /../../.. */
	check_open("/escape/etc", O_PATH, "root/etc", mode);
	check_open("/etc/up", O_PATH, "root", mode);           /* etc/up -> ../../../.. */
	check_open("/etc/rel/x", O_PATH, "root/etc/sub/x", mode); /* etc/rel -> sub */
	check_open("/chain/x", O_PATH, "root/etc/sub/x", mode);   /* chain -> /etc/rel */
	check_open("/../../etc", O_PATH, "root/etc", mode);
	check_open("/hostpath", O_PATH, NULL, mode); /* hostpath -> <base>/outside: dangling in root */
	check_open("/loop", O_PATH, NULL, mode);
	check_open("/abs", O_PATH | O_NOFOLLOW, "root/abs", mode);
}

int main(void)
{
	char tmpl[] = "/tmp/ocirt-path-util-XXXXXX";
	int fd;

	tap_no_plan();
	if (!mkdtemp(tmpl)) {
		ok(0, "mkdtemp");
		return tap_exit();
	}
	snprintf(base, sizeof(base), "%s", tmpl);
	mk("root", NULL);
	mk("outside", NULL);
	mk("root/etc", NULL);
	mk("root/etc/sub", NULL);
	mk("root/etc/sub/x", NULL);
	mk("root/abs", "/etc");
	mk("root/escape", "/../../..");
	mk("root/etc/up", "../../../..");
	mk("root/etc/rel", "sub");
	mk("root/chain", "/etc/rel");
	mk("root/loop", "loop");
	{
		_cleanup_free_ char *out = in_base("outside");
		mk("root/hostpath", out);
	}
	mk("root/dangling", "/made/by/mkdir");
	mk("root/fileparent", "/etc/afile");
	{
		_cleanup_free_ char *f = in_base("root/etc/afile");
		close(open(f, O_CREAT | O_WRONLY, 0644));
	}
	{
		_cleanup_free_ char *r = in_base("root");
		root_fd = open(r, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	ok(root_fd >= 0, "open root");

	run_resolution("openat2");
	ocirt_path_set_force_fallback(true);
	run_resolution("walker");

	/* mkdir -p through symlinks, dangling ones included, stays inside */
	fd = ocirt_path_mkdir_in_root(root_fd, "/escape/newdir/a/b", 0755);
	ok(fd >= 0 && exists("root/newdir/a/b") && !exists("newdir"), "mkdir -p through an escaping link stays inside");
	if (fd >= 0)
		close(fd);
	fd = ocirt_path_mkdir_in_root(root_fd, "/hostpath/x", 0755);
	ok(fd >= 0 && exists("root") && !exists("outside/x"), "mkdir -p through a link to a host path stays inside");
	if (fd >= 0)
		close(fd);
	fd = ocirt_path_mkdir_in_root(root_fd, "/dangling/d", 0755);
	ok(fd >= 0 && exists("root/made/by/mkdir/d"), "mkdir -p creates a dangling link's target inside");
	if (fd >= 0)
		close(fd);
	fd = ocirt_path_mkdir_in_root(root_fd, "/etc/afile/x", 0755);
	is_int(fd, -ENOTDIR, "mkdir -p under a file: ENOTDIR");
	fd = ocirt_path_mkdir_in_root(root_fd, "/etc/afile", 0755);
	is_int(fd, -ENOTDIR, "mkdir -p of a file: ENOTDIR");

	/* file mount points */
	fd = ocirt_path_create_file_in_root(root_fd, "/escape/newfile", 0644);
	ok(fd >= 0 && exists("root/newfile") && !exists("newfile"), "create file through an escaping link stays inside");
	if (fd >= 0)
		close(fd);
	fd = ocirt_path_create_file_in_root(root_fd, "/fileparent", 0644);
	{
		_cleanup_free_ char *w = fd >= 0 ? where(fd) : xstrdup("error");
		is_str(w, "root/etc/afile", "create file on a link to an existing file: the file");
	}
	if (fd >= 0)
		close(fd);
	{
		_cleanup_free_ char *out = in_base("outside/target");
		_cleanup_free_ char *link = in_base("root/tohost");
		if (symlink(out, link) < 0)
			tap_diag("symlink: %s", strerror(errno));
	}
	fd = ocirt_path_create_file_in_root(root_fd, "/tohost", 0644);
	{
		_cleanup_free_ char *inside = xasprintf("root%s/outside/target", base);
		ok(fd >= 0 && exists(inside), "create file on a link to a host path: created inside the root");
	}
	ok(!exists("outside/target"), "the host path was not created");
	if (fd >= 0)
		close(fd);
	fd = ocirt_path_create_file_in_root(root_fd, "/etc", 0644);
	is_int(fd, -EISDIR, "create file on a directory: EISDIR");

	/* parent + name */
	{
		char *name = NULL;
		fd = ocirt_path_parent_in_root(root_fd, "/escape/dev/null", true, 0755, &name);
		ok(fd >= 0 && name && streq(name, "null") && exists("root/dev"), "parent_in_root creates /dev inside");
		if (fd >= 0) {
			_cleanup_free_ char *w = where(fd);
			is_str(w, "root/dev", "parent of /escape/dev/null is root/dev");
			close(fd);
		}
		free(name);
		fd = ocirt_path_parent_in_root(root_fd, "/", false, 0755, &name);
		is_int(fd, -EINVAL, "parent of / is an error");
	}

	{
		_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", base);
		if (system(cmd) != 0)
			tap_diag("cleanup failed");
	}
	tap_done();
	return tap_exit();
}
