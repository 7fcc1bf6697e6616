/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the lifecycle's building blocks: signal names, sync frames, the state
 * directory and status file, /proc/<pid>/stat parsing, fd closing, executable lookup. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/proc-util.h"
#include "common/xalloc.h"
#include "libocirt/container.h"
#include "libocirt/process.h"
#include "libocirt/state.h"
#include "libocirt/sync.h"
#include "tests/unit/tap.h"

static void test_signals(void)
{
	static const struct {
		const char *in;
		int want;
	} good[] = {
		{ "9", SIGKILL },   { "KILL", SIGKILL },  { "SIGKILL", SIGKILL }, { "kill", SIGKILL },
		{ "sigterm", SIGTERM }, { "TERM", SIGTERM }, { "USR1", SIGUSR1 }, { "SIGUSR2", SIGUSR2 },
		{ "15", SIGTERM },  { "hup", SIGHUP },    { "WINCH", SIGWINCH }, { "RTMIN", 0 },
		{ "RTMIN+2", 0 },   { "", SIGTERM },
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		int sig = -1;
		int r = ocirt_parse_signal(good[i].in, &sig, NULL);
		int want = good[i].want;
		if (streq(good[i].in, "RTMIN"))
			want = SIGRTMIN;
		if (streq(good[i].in, "RTMIN+2"))
			want = SIGRTMIN + 2;
		ok(r == 0 && sig == want, "signal \"%s\" -> %d (got %d)", good[i].in, want, sig);
	}
	static const char *bad[] = { "FOO", "SIGFOO", "0", "-1", "99999", "9x", "RTMIN+999" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct ocirt_error *e = NULL;
		int sig = -1;
		int r = ocirt_parse_signal(bad[i], &sig, &e);
		char want[64];
		snprintf(want, sizeof(want), "unknown signal \"%s\"", bad[i]);
		ok(r < 0 && e && streq(e->msg, want), "bad signal \"%s\": %s", bad[i], e ? e->msg : "(none)");
		ocirt_error_free(e);
	}
}

static void test_sync(void)
{
	int sv[2];
	ok(ocirt_sync_pair(sv, NULL) == 0, "socketpair");
	int p[2];
	ok(pipe(p) == 0, "pipe");
	ok(ocirt_sync_send(sv[1], SYNC_PTY_MASTER, 0, "pty", 3, p[0]) == 0, "send with an fd");
	struct ocirt_sync_msg m;
	ok(ocirt_sync_recv(sv[0], &m) == 0 && m.type == SYNC_PTY_MASTER && m.len == 3 && streq(m.payload, "pty") &&
		   m.fd >= 0,
	   "received the frame and one fd");
	/* the fd works */
	write(p[1], "x", 1);
	char c = 0;
	ok(m.fd >= 0 && read(m.fd, &c, 1) == 1 && c == 'x', "the fd is the pipe");
	close(m.fd);

	struct ocirt_error *e = NULL;
	ocirt_error_setx(&e, ENOENT, "mounts: mount `x`: No such file or directory");
	ocirt_sync_send_error(sv[1], e);
	ocirt_error_free(e);
	e = NULL;
	ok(ocirt_sync_expect(sv[0], SYNC_READY, &m, &e) == -ENOENT && e &&
		   streq(e->msg, "mounts: mount `x`: No such file or directory"),
	   "an ERROR frame becomes the error, errno kept");
	ocirt_error_free(e);
	e = NULL;
	close(sv[1]);
	ok(ocirt_sync_expect(sv[0], SYNC_READY, &m, &e) == -EPIPE && e && strstr(e->msg, "exited unexpectedly"),
	   "EOF: the init is gone");
	ocirt_error_free(e);
	close(sv[0]);
	close(p[0]);
	close(p[1]);
}

static void test_state_dir(const char root[static 1])
{
	struct ocirt_state_dir *d = NULL, *d2 = NULL;
	struct ocirt_error *e = NULL;
	ok(ocirt_state_dir_create(root, "c1", &d, &e) == 0 && d && d->lockfd >= 0, "create c1 (locked)");
	ok(ocirt_state_dir_create(root, "c1", &d2, &e) == -EEXIST && e &&
		   streq(e->msg, "container with given ID already exists"),
	   "a second create of c1 fails with runc's words");
	ocirt_error_free(e);
	e = NULL;
	ok(ocirt_state_dir_locked(d->dirfd), "locked while create holds it");

	struct ocirt_status s = {
		.id = (char *)"c1",
		.pid = getpid(),
		.bundle = (char *)"/b",
		.rootfs = (char *)"/b/rootfs",
		.created = (char *)"2026-01-01T00:00:00.000000001Z",
		.owner = 0,
		.oci_version = (char *)"1.0.2",
		.private_pidns = true,
		.has_poststop = true,
	};
	ok(proc_stat_read(getpid(), NULL, &s.start_time) == 0 && s.start_time > 0, "own start time");
	struct oci_kv kv[] = { { (char *)"k", (char *)"v" } };
	struct oci_map ann = { kv, 1 };
	s.annotations = &ann;
	struct ocirt_ns_record ns[] = { { (char *)"pid", NULL }, { (char *)"network", (char *)"/run/netns/x" } };
	s.namespaces = ns;
	s.namespaces_len = 2;
	ok(ocirt_status_write(d, &s, &e) == 0, "write the status");
	struct ocirt_status *r = NULL;
	ok(ocirt_status_read(d, &r, &e) == 0 && r, "read it back");
	if (r) {
		ok(streq(r->id, "c1") && r->pid == s.pid && r->start_time == s.start_time && streq(r->bundle, "/b") &&
			   streq(r->created, s.created) && r->private_pidns && r->has_poststop && !r->rootless,
		   "fields survive");
		ok(r->annotations && r->annotations->len == 1 && streq(r->annotations->items[0].value, "v"),
		   "annotations survive");
		ok(r->namespaces_len == 2 && r->namespaces[0].path == NULL &&
			   streq(r->namespaces[1].path, "/run/netns/x"),
		   "namespaces survive");
		ok(proc_is_alive(r->pid, r->start_time), "we are alive by our own record");
		ok(!proc_is_alive(r->pid, r->start_time + 1), "another start time is another process");
		ocirt_status_free(r);
	}
	ok(ocirt_exec_fifo_create(d, 0, &e) == 0 && ocirt_exec_fifo_exists(d->dirfd), "exec fifo");
	ok(ocirt_state_dir_remove(d, &e) == 0, "remove");
	char path[4200];
	snprintf(path, sizeof(path), "%s/c1", root);
	ok(access(path, F_OK) < 0 && errno == ENOENT, "gone");
	ocirt_state_dir_free(d);

	ok(ocirt_state_dir_open(root, "c1", false, &d, &e) == -ENOENT && e && streq(e->msg, "container does not exist"),
	   "open of a missing container: runc's words");
	ocirt_error_free(e);
	e = NULL;

	/* a foreign directory is not a container of ours */
	snprintf(path, sizeof(path), "%s/foreign", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/foreign/status", root);
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	write(fd, "{\"id\":\"x\"}", 10);
	close(fd);
	snprintf(path, sizeof(path), "%s/foreign", root);
	int dfd = open(path, O_PATH | O_DIRECTORY);
	ok(ocirt_status_read_at(dfd, &r, &e) < 0, "a foreign status file is refused");
	ocirt_error_free(e);
	e = NULL;
	close(dfd);
	ocirt_state_dir_remove_path(root, "foreign");
}

/* Two processes race for one ID many times: exactly one wins each round. */
static void test_create_race(const char *root)
{
	int wins_ok = 1;
	for (int round = 0; round < 20; round++) {
		char id[32];
		snprintf(id, sizeof(id), "race%d", round);
		pid_t kids[2];
		for (int k = 0; k < 2; k++) {
			kids[k] = fork();
			if (kids[k] == 0) {
				struct ocirt_state_dir *d = NULL;
				_exit(ocirt_state_dir_create(root, id, &d, NULL) == 0 ? 0 : 1);
			}
		}
		int wins = 0;
		for (int k = 0; k < 2; k++) {
			int st;
			waitpid(kids[k], &st, 0);
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				wins++;
		}
		if (wins != 1)
			wins_ok = 0;
		ocirt_state_dir_remove_path(root, id);
	}
	ok(wins_ok, "concurrent creates of one ID: exactly one wins (20 rounds)");
}

static void test_close_fds(void)
{
	int a = open("/dev/null", O_RDONLY);
	int b = open("/dev/null", O_RDONLY);
	int c = open("/dev/null", O_RDONLY);
	int keep[] = { b };
	ok(close_fds_from(a, keep, 1, false) == 0, "mark fds close-on-exec");
	ok((fcntl(a, F_GETFD) & FD_CLOEXEC) && !(fcntl(b, F_GETFD) & FD_CLOEXEC) && (fcntl(c, F_GETFD) & FD_CLOEXEC),
	   "all but the kept one got O_CLOEXEC");
	ok(close_fds_from(a, keep, 1, true) == 0 && fcntl(a, F_GETFD) < 0 && fcntl(b, F_GETFD) >= 0 &&
		   fcntl(c, F_GETFD) < 0,
	   "close all but the kept one");
	close(b);
}

static void test_find_exec(const char *dir)
{
	char bin[4096], path_env[4200];
	snprintf(bin, sizeof(bin), "%s/bin", dir);
	mkdir(bin, 0755);
	char prog[4200];
	snprintf(prog, sizeof(prog), "%s/prog", bin);
	int fd = open(prog, O_WRONLY | O_CREAT, 0755);
	close(fd);
	char noexec[4200];
	snprintf(noexec, sizeof(noexec), "%s/noexec", bin);
	fd = open(noexec, O_WRONLY | O_CREAT, 0644);
	close(fd);
	snprintf(path_env, sizeof(path_env), "PATH=/nonexistent:%s", bin);
	char *env[] = { path_env, NULL };
	char *ret = NULL;
	struct ocirt_error *e = NULL;
	ok(ocirt_process_find_exec("prog", env, &ret, &e) == 0 && ret && streq(ret, prog), "found in PATH");
	free(ret);
	ret = NULL;
	ok(ocirt_process_find_exec("nosuch", env, &ret, &e) < 0 && e &&
		   streq(e->msg, "\"nosuch\": executable file not found in $PATH"),
	   "not found: %s", e ? e->msg : "");
	ocirt_error_free(e);
	e = NULL;
	ok(ocirt_process_find_exec("noexec", env, &ret, &e) < 0 && e && strstr(e->msg, "not found in $PATH"),
	   "non-executable files are skipped in the PATH search");
	ocirt_error_free(e);
	e = NULL;
	ok(ocirt_process_find_exec(bin, env, &ret, &e) < 0 && e && strstr(e->msg, "permission denied"),
	   "a directory: permission denied");
	ocirt_error_free(e);
	e = NULL;
	ok(ocirt_process_find_exec("/nonexistent/x", env, &ret, &e) < 0 && e &&
		   strstr(e->msg, "stat /nonexistent/x: no such file or directory"),
	   "a missing path: Go's wording (%s)", e ? e->msg : "");
	ocirt_error_free(e);
}

int main(void)
{
	tap_no_plan();
	char tmpl[] = "/tmp/ocirt-test-lifecycle.XXXXXX";
	char *dir = mkdtemp(tmpl);
	if (!dir) {
		perror("mkdtemp");
		return 1;
	}
	char root[256];
	snprintf(root, sizeof(root), "%s/root", dir);

	test_signals();
	test_sync();
	test_state_dir(root);
	test_create_race(root);
	test_close_fds();
	test_find_exec(dir);

	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", dir);
	tap_done();
	return tap_exit();
}
