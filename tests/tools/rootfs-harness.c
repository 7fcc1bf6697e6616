/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drives the rootfs steps alone, without the lifecycle: unshares a mount namespace (and
 * pid, ipc, uts, and net/cgroup when the config asks), runs prepare, mounts, devices,
 * pivot, finalize, sysctl and protect_paths on a bundle, then execs a command inside.
 *
 *   rootfs-harness [--no-pivot] [--terminal] [--userns] [--legacy] BUNDLE [CMD ARGS...]
 *
 * --userns: a new user namespace first, mapping only root to root (what a process may map
 * for itself), so the kernel refuses mknod and sysfs like in any user namespace.
 * --legacy: the mount(2) and component-walk fallbacks of kernels older than 5.2.
 * Without CMD, process.args of the config. Errors go to stderr as "step: message", exit 1. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common/error.h"
#include "common/xalloc.h"
#include "common/path-util.h"
#include "libocirt/mount.h"
#include "libocirt/rootfs.h"

static bool config_has_ns(const struct oci_config *c, const char *type)
{
	size_t i;
	for (i = 0; c->linux_ && i < c->linux_->namespaces_len; i++)
		if (streq(c->linux_->namespaces[i].type, type))
			return true;
	return false;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static _noreturn_ void fail(const char *step, struct ocirt_error *e)
{
	fprintf(stderr, "%s: %s\n", step, e && e->msg ? e->msg : "failed");
	_exit(1);
}

int main(int argc, char **argv)
{
	struct ocirt_rootfs_opts o = { 0 };
	struct oci_config *config = NULL;
	_cleanup_error_ struct ocirt_error *err = NULL;
	char bundle[PATH_MAX], *config_path, *rootfs;
	char **args;
	int i = 1, flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS, rootfs_fd = -1;
	pid_t pid;
	int status;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (streq(argv[i], "--no-pivot"))
			o.no_pivot = true;
		else if (streq(argv[i], "--terminal"))
			o.terminal = true;
		else if (streq(argv[i], "--userns"))
			o.userns = true;
		else if (streq(argv[i], "--legacy")) {
			/* as on a kernel older than 5.2: no openat2, no new mount API */
			ocirt_mount_set_legacy_api(true);
			ocirt_path_set_force_fallback(true);
		}
		else {
			fprintf(stderr, "unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--no-pivot] [--terminal] [--userns] [--legacy] BUNDLE [CMD...]\n", argv[0]);
		return 2;
	}
	if (!realpath(argv[i], bundle)) {
		perror(argv[i]);
		return 1;
	}
	i++;
	config_path = xasprintf("%s/config.json", bundle);
	if (oci_config_parse_file(config_path, &config, NULL, &err) < 0)
		fail("config", err);
	if (!config->root || !config->root->path)
		fail("config", NULL);
	rootfs = config->root->path[0] == '/' ? xstrdup(config->root->path)
					      : xasprintf("%s/%s", bundle, config->root->path);
	args = i < argc ? &argv[i] : (config->process ? config->process->args : NULL);
	if (!args || !args[0]) {
		fprintf(stderr, "no command\n");
		return 2;
	}
	o.config = config;
	o.bundle = bundle;
	o.rootfs = rootfs;
	if (!o.terminal && config->process && config->process->terminal)
		o.terminal = true;
	if (config_has_ns(config, "network"))
		flags |= CLONE_NEWNET;
	if (o.userns) {
		if (unshare(CLONE_NEWUSER) < 0 || write_file("/proc/self/setgroups", "deny") < 0 ||
		    write_file("/proc/self/uid_map", "0 0 1") < 0 || write_file("/proc/self/gid_map", "0 0 1") < 0) {
			perror("user namespace");
			return 1;
		}
	}
	if (unshare(flags) < 0) {
		perror("unshare");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		/* _exit: the pid namespace died with its init, so nothing may fork any more
		 * (LeakSanitizer's exit-time tracer would fail) */
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	/* pid 1 of the new pid namespace */
	if (config_has_ns(config, "cgroup") && unshare(CLONE_NEWCGROUP) < 0) {
		perror("unshare cgroup");
		_exit(1);
	}
	if (config->hostname)
		(void)sethostname(config->hostname, strlen(config->hostname));
	if (ocirt_rootfs_prepare(&o, &rootfs_fd, &err) < 0)
		fail("prepare", err);
	if (ocirt_rootfs_mounts(&o, rootfs_fd, &err) < 0)
		fail("mounts", err);
	if (ocirt_rootfs_devices(&o, rootfs_fd, &err) < 0)
		fail("devices", err);
	if (ocirt_rootfs_pivot(&o, rootfs_fd, &err) < 0)
		fail("pivot", err);
	close(rootfs_fd);
	if (ocirt_rootfs_finalize(&o, &err) < 0)
		fail("finalize", err);
	if (ocirt_sysctl_apply(config, &err) < 0)
		fail("sysctl", err);
	if (ocirt_rootfs_protect_paths(&o, &err) < 0)
		fail("protect_paths", err);
	if (config->process && config->process->cwd && chdir(config->process->cwd) < 0) {
		perror("chdir");
		_exit(1);
	}
	if (config->process && config->process->env)
		execve(args[0], args, config->process->env);
	else
		execv(args[0], args);
	fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
	_exit(127);
}
