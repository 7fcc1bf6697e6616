/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp.c / seccomp-cache.c against the real kernel: each filter is compiled here (the
 * "parent") and loaded in a forked child, which then makes the syscall under test. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocispec/oci-config.h"
#include "libocispec/oci-state.h"
#include "libocirt/seccomp.h"
#include "tests/unit/tap.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/unit/fixtures"
#endif

static char tmpdir[] = "/tmp/ocirt-test-seccomp-XXXXXX";
static char logpath[512];

/* A config around a seccomp section; returns the parsed config (owner of the section). */
static struct oci_config *config_with(const char *seccomp_json)
{
	_cleanup_free_ char *json =
	    xasprintf("{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"/bin/true\"],"
	              "\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"},\"linux\":{\"seccomp\":%s}}",
	              seccomp_json);
	struct oci_config *c = NULL;
	_cleanup_error_ struct ocirt_error *err = NULL;

	if (oci_config_parse(json, strlen(json), "config.json", &c, NULL, &err) < 0) {
		tap_diag("parse failed: %s", err ? err->msg : "?");
		return NULL;
	}
	return c;
}

static struct ocirt_seccomp *compile(const char *seccomp_json, const char *cache_dir, char **ret_msg)
{
	_cleanup_config_ struct oci_config *c = config_with(seccomp_json);
	_cleanup_error_ struct ocirt_error *err = NULL;
	struct ocirt_seccomp *s = NULL;

	if (ret_msg)
		*ret_msg = NULL;
	if (!c)
		return NULL;
	if (ocirt_seccomp_compile(c->linux_->seccomp, cache_dir, &s, &err) < 0) {
		if (ret_msg)
			*ret_msg = xstrdup(err && err->msg ? err->msg : "");
		else
			tap_diag("compile failed: %s", err ? err->msg : "?");
		return NULL;
	}
	return s;
}

/* Fork, load s, run fn; returns the raw wait status. */
static int run_filtered(const struct ocirt_seccomp *s, int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		_cleanup_error_ struct ocirt_error *err = NULL;
		if (ocirt_seccomp_load(s, NULL, &err) < 0) {
			fprintf(stderr, "load: %s\n", err->msg);
			_exit(250);
		}
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return status;
}

static bool exited_with(int status, int code)
{
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == code))
		tap_diag("  wait status 0x%x (exit %d, signal %d), expected exit %d", status,
		         WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : -1,
		         code);
	return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static bool killed_by(int status, int sig)
{
	if (!(WIFSIGNALED(status) && WTERMSIG(status) == sig))
		tap_diag("  wait status 0x%x, expected signal %d", status, sig);
	return WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* ---- syscalls under test; each returns 0 for success or the errno (< 256) ---- */

static int do_mkdir(void *arg)
{
	(void)arg;
	char p[600];
	snprintf(p, sizeof(p), "%s/d-%d", tmpdir, (int)getpid());
	if (mkdir(p, 0700) < 0)
		return errno;
	rmdir(p);
	return 0;
}

static int do_umask(void *arg)
{
	long r = syscall(SYS_umask, (long)(intptr_t)arg);
	return r < 0 ? errno : 0;
}

struct prio {
	int which, who;
};
static int do_getpriority(void *arg)
{
	struct prio *p = arg;
	errno = 0;
	long r = syscall(SYS_getpriority, p->which, p->who);
	return r < 0 ? errno : 0;
}

static int do_getppid(void *arg)
{
	(void)arg;
	return syscall(SYS_getppid) < 0 ? errno : 0;
}

static int do_unshare_fs(void *arg)
{
	(void)arg;
	return syscall(SYS_unshare, CLONE_FS) < 0 ? errno : 0;
}

static int do_userfaultfd(void *arg)
{
	(void)arg;
	return syscall(SYS_userfaultfd, 0) < 0 ? errno : 0;
}

static int do_io_uring_setup(void *arg)
{
	(void)arg;
	return syscall(SYS_io_uring_setup, 0, NULL) < 0 ? errno : 0;
}

static int do_sethostname(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWUTS) < 0)
		return 200;
	return sethostname("x", 1) < 0 ? errno : 0;
}

#if defined(__x86_64__)
/* A 32-bit (i386 ABI) syscall from this 64-bit process. */
static long syscall32(long nr, long a, long b)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory", "r8", "r9", "r10", "r11");
	return ret;
}
static char *low_path; /* below 4 GiB, reachable by a 32-bit pointer */
static int do_mkdir32(void *arg)
{
	(void)arg;
	long r = syscall32(39 /* i386 mkdir */, (long)(uintptr_t)low_path, 0700);
	if (r == 0)
		rmdir(low_path);
	return r < 0 ? (int)-r : 0;
}
static int do_getpid32(void *arg)
{
	(void)arg;
	long r = syscall32(20 /* i386 getpid */, 0, 0);
	return r > 0 ? 0 : 1;
}
#endif

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 > cap) {
			cap = cap ? 2 * cap : 65536;
			buf = xrealloc(buf, cap);
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* CPU time of this process: what the work costs, whatever else the machine runs */
static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* ------------------------------------------------------------------------------------ */

static void test_sha256(void)
{
	static const struct {
		const char *in;
		const char *hex;
	} v[] = {
	    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		struct ocirt_sha256 c;
		uint8_t d[32];
		char h[65];
		ocirt_sha256_init(&c);
		/* feed byte by byte for odd split points */
		for (const char *p = v[i].in; *p; p++)
			ocirt_sha256_update(&c, p, 1);
		ocirt_sha256_final(&c, d);
		for (int k = 0; k < 32; k++)
			snprintf(h + 2 * k, 3, "%02x", d[k]);
		is_str(h, v[i].hex, "sha256 vector %zu", i);
	}
	/* one million 'a' in 1000-byte chunks */
	{
		struct ocirt_sha256 c;
		uint8_t d[32];
		char h[65], chunk[1000];
		memset(chunk, 'a', sizeof(chunk));
		ocirt_sha256_init(&c);
		for (int i = 0; i < 1000; i++)
			ocirt_sha256_update(&c, chunk, sizeof(chunk));
		ocirt_sha256_final(&c, d);
		for (int k = 0; k < 32; k++)
			snprintf(h + 2 * k, 3, "%02x", d[k]);
		is_str(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "sha256 of 1M 'a'");
	}
}

static void test_errno_and_kill(void)
{
	struct ocirt_seccomp *s;
	char *msg;

	s = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
	            "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":99}]}",
	            NULL, NULL);
	ok(s && s->len > 0 && !s->from_cache, "compile ERRNO(99) for mkdir");
	if (s) {
		ok(exited_with(run_filtered(s, do_mkdir, NULL), 99), "mkdir fails with errnoRet 99");
		ok(exited_with(run_filtered(s, do_getppid, NULL), 0), "other syscalls are allowed");
	}
	ocirt_seccomp_free(s);

	s = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
	            "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	            NULL, NULL);
	ok(s && exited_with(run_filtered(s, do_mkdir, NULL), EPERM), "ERRNO without errnoRet is EPERM");
	ocirt_seccomp_free(s);

	/* generous enough for the sanitizers' runtime in the child */
	s = compile("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":["
	            "\"exit_group\",\"exit\",\"getppid\",\"brk\",\"mmap\",\"munmap\",\"mprotect\",\"madvise\","
	            "\"mremap\",\"write\",\"writev\",\"read\",\"rt_sigreturn\",\"rt_sigaction\",\"rt_sigprocmask\","
	            "\"sigaltstack\",\"getpid\",\"gettid\",\"tgkill\",\"kill\",\"prctl\",\"openat\",\"open\","
	            "\"close\",\"readlink\",\"readlinkat\",\"fstat\",\"newfstatat\",\"stat\",\"getrlimit\","
	            "\"prlimit64\",\"setrlimit\",\"sched_yield\",\"futex\",\"clock_gettime\",\"arch_prctl\","
	            "\"set_tid_address\",\"set_robust_list\",\"rseq\",\"uname\",\"lseek\",\"pread64\","
	            "\"getrandom\",\"dup\",\"dup2\",\"dup3\",\"pipe2\",\"ioctl\",\"fcntl\",\"nanosleep\","
	            "\"clock_nanosleep\",\"getcwd\",\"sched_getaffinity\",\"getuid\",\"geteuid\",\"access\","
	            "\"faccessat\",\"faccessat2\",\"statx\",\"wait4\",\"clone\",\"clone3\",\"execve\"],"
	            "\"action\":\"SCMP_ACT_ALLOW\"}]}",
	            NULL, NULL);
	if (s) {
		ok(exited_with(run_filtered(s, do_mkdir, NULL), ENOSYS),
		   "defaultErrnoRet 38 applies to unlisted syscalls");
		ok(exited_with(run_filtered(s, do_getppid, NULL), 0), "listed syscall allowed under a deny default");
	} else {
		ok(0, "compile default ERRNO(38)");
		ok(0, "compile default ERRNO(38)");
	}
	ocirt_seccomp_free(s);

	static const struct {
		const char *action;
		int sig;
	} kills[] = {
	    {"SCMP_ACT_KILL_PROCESS", SIGSYS},
	    {"SCMP_ACT_KILL_THREAD", SIGSYS},
	    {"SCMP_ACT_KILL", SIGSYS},
	    {"SCMP_ACT_TRAP", SIGSYS},
	};
	for (size_t i = 0; i < ARRAY_SIZE(kills); i++) {
		_cleanup_free_ char *j = xasprintf("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":["
		                                   "\"mkdir\",\"mkdirat\"],\"action\":\"%s\"}]}",
		                                   kills[i].action);
		s = compile(j, NULL, NULL);
		ok(s && killed_by(run_filtered(s, do_mkdir, NULL), kills[i].sig), "%s: SIGSYS", kills[i].action);
		ocirt_seccomp_free(s);
	}

	s = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
	            "\"action\":\"SCMP_ACT_LOG\"}]}",
	            NULL, NULL);
	ok(s && exited_with(run_filtered(s, do_mkdir, NULL), 0), "SCMP_ACT_LOG lets the syscall through");
	ocirt_seccomp_free(s);

	/* TRACE without a tracer: the kernel returns ENOSYS */
	s = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
	            "\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":5}]}",
	            NULL, NULL);
	ok(s && exited_with(run_filtered(s, do_mkdir, NULL), ENOSYS), "SCMP_ACT_TRACE without a tracer: ENOSYS");
	ocirt_seccomp_free(s);

	/* unknown syscall names are skipped, the rest of the rule still applies */
	s = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"no_such_syscall_x\",\"mkdir\","
	            "\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":77}]}",
	            NULL, &msg);
	ok(s && exited_with(run_filtered(s, do_mkdir, NULL), 77), "unknown syscall name skipped, others applied%s%s",
	   msg ? ": " : "", msg ? msg : "");
	free(msg);
	ocirt_seccomp_free(s);

	/* a rule with the default action is dropped (libseccomp would refuse it) */
	s = compile(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],\"action\":"
	    "\"SCMP_ACT_ALLOW\"},{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":12}]}",
	    NULL, &msg);
	ok(s && exited_with(run_filtered(s, do_mkdir, NULL), 12), "rules equal to the default action are ignored%s%s",
	   msg ? ": " : "", msg ? msg : "");
	free(msg);
	ocirt_seccomp_free(s);
}

static void test_args(void)
{
	struct ocirt_seccomp *s;
	struct prio p;

	/* MASKED_EQ: (mode & 0700) == 0700 denied */
	s = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],\"action\":"
	            "\"SCMP_ACT_ERRNO\",\"errnoRet\":33,\"args\":[{\"index\":0,\"value\":448,\"valueTwo\":448,\"op\":"
	            "\"SCMP_CMP_MASKED_EQ\"}]}]}",
	            NULL, NULL);
	ok(s && exited_with(run_filtered(s, do_umask, (void *)(intptr_t)0777), 33), "MASKED_EQ matches 0777");
	ok(s && exited_with(run_filtered(s, do_umask, (void *)(intptr_t)0022), 0), "MASKED_EQ doesn't match 0022");
	ocirt_seccomp_free(s);

	/* several args on different indexes: AND */
	s = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpriority\"],\"action\":"
	            "\"SCMP_ACT_ERRNO\",\"errnoRet\":55,\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
	            "{\"index\":1,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	            NULL, NULL);
	p = (struct prio){1, 0};
	ok(s && exited_with(run_filtered(s, do_getpriority, &p), 55), "args AND: both match -> denied");
	p = (struct prio){0, 0};
	ok(s && exited_with(run_filtered(s, do_getpriority, &p), 0), "args AND: first differs -> allowed");
	p = (struct prio){1, (int)getpgrp()};
	ok(s && exited_with(run_filtered(s, do_getpriority, &p), 0), "args AND: second differs -> allowed");
	ocirt_seccomp_free(s);

	/* the same index twice: one rule per arg (OR), as runc */
	s = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],\"action\":"
	            "\"SCMP_ACT_ERRNO\",\"errnoRet\":44,\"args\":[{\"index\":0,\"value\":63,\"op\":\"SCMP_CMP_EQ\"},"
	            "{\"index\":0,\"value\":7,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	            NULL, NULL);
	ok(s && exited_with(run_filtered(s, do_umask, (void *)(intptr_t)077), 44), "same index: first value denied");
	ok(s && exited_with(run_filtered(s, do_umask, (void *)(intptr_t)007), 44), "same index: second value denied");
	ok(s && exited_with(run_filtered(s, do_umask, (void *)(intptr_t)022), 0), "same index: other value allowed");
	ocirt_seccomp_free(s);

	/* the other operators */
	static const struct {
		const char *op;
		long value, probe;
		int want;
	} ops[] = {
	    {"SCMP_CMP_NE", 022, 077, 66}, {"SCMP_CMP_NE", 022, 022, 0},  {"SCMP_CMP_LT", 020, 010, 66},
	    {"SCMP_CMP_LT", 020, 020, 0},  {"SCMP_CMP_LE", 020, 020, 66}, {"SCMP_CMP_LE", 020, 021, 0},
	    {"SCMP_CMP_GE", 020, 020, 66}, {"SCMP_CMP_GE", 020, 017, 0},  {"SCMP_CMP_GT", 020, 021, 66},
	    {"SCMP_CMP_GT", 020, 020, 0},  {"SCMP_CMP_EQ", 020, 020, 66}, {"SCMP_CMP_EQ", 020, 021, 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		_cleanup_free_ char *j = xasprintf(
		    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],\"action\":"
		    "\"SCMP_ACT_ERRNO\",\"errnoRet\":66,\"args\":[{\"index\":0,\"value\":%ld,\"op\":\"%s\"}]}]}",
		    ops[i].value, ops[i].op);
		s = compile(j, NULL, NULL);
		ok(s && exited_with(run_filtered(s, do_umask, (void *)(intptr_t)ops[i].probe), ops[i].want),
		   "%s %#lo vs %#lo -> %s", ops[i].op, ops[i].probe, ops[i].value, ops[i].want ? "denied" : "allowed");
		ocirt_seccomp_free(s);
	}
}

static void test_errors(void)
{
	static const struct {
		const char *json;
		const char *want;
	} bad[] = {
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ALLOW\","
	     "\"errnoRet\":3}]}",
	     "errnoRet"},
	    {"{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}", "defaultAction"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_"
	     "NOTIFY\"}]}",
	     "listenerPath"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\","
	     "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	     "index"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]}", ""},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_NOPE\"]}", ""},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":3}", "defaultErrnoRet"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *msg = NULL;
		_cleanup_config_ struct oci_config *c = config_with(bad[i].json);
		_cleanup_error_ struct ocirt_error *err = NULL;
		struct ocirt_seccomp *s = NULL;
		int r;

		if (!c) { /* libocispec may already refuse it: that's an error too */
			ok(1, "bad profile %zu refused by the parser", i);
			continue;
		}
		r = ocirt_seccomp_compile(c->linux_->seccomp, NULL, &s, &err);
		msg = err ? err->msg : NULL;
		ok(r < 0 && s == NULL && msg && strstr(msg, bad[i].want) && strstr(msg, ".linux.seccomp"),
		   "bad profile %zu: %s", i, msg ? msg : "(accepted)");
		ocirt_seccomp_free(s);
	}
}

static void test_flags(void)
{
	_cleanup_strv_ char **sup = ocirt_seccomp_supported_flags();
	struct ocirt_seccomp *s;

	ok(strv_contains(sup, "SECCOMP_FILTER_FLAG_LOG") && strv_contains(sup, "SECCOMP_FILTER_FLAG_TSYNC"),
	   "supported flags include TSYNC and LOG");
	s = compile(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\","
	    "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_TSYNC\"],\"syscalls\":[{\"names\":[\"mkdir\","
	    "\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":21}]}",
	    NULL, NULL);
	ok(s && s->flags == (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC),
	   "flags mapped");
	ok(s && exited_with(run_filtered(s, do_mkdir, NULL), 21), "filter with LOG|SPEC_ALLOW|TSYNC loads");
	ocirt_seccomp_free(s);
}

static void test_arch(void)
{
#if defined(__x86_64__)
	struct ocirt_seccomp *s;
	int st;

	low_path = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low_path == MAP_FAILED) {
		tap_skip("no MAP_32BIT");
		tap_skip("no MAP_32BIT");
		tap_skip("no MAP_32BIT");
		return;
	}
	snprintf(low_path, 4096, "%s/d32", tmpdir);
	st = run_filtered(NULL, do_getpid32, NULL);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		tap_skip("no IA32 emulation in this kernel");
		tap_skip("no IA32 emulation in this kernel");
		tap_skip("no IA32 emulation in this kernel");
		return;
	}
	s = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
	            "\"SCMP_ARCH_X32\"],\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\","
	            "\"errnoRet\":98}]}",
	            NULL, NULL);
	ok(s && exited_with(run_filtered(s, do_mkdir32, NULL), 98), "i386 mkdir is filtered with SCMP_ARCH_X86");
	ok(s && exited_with(run_filtered(s, do_mkdir, NULL), 98), "x86_64 mkdir is filtered too");
	ocirt_seccomp_free(s);
	s = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
	            "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
	            NULL, NULL);
	ok(s && killed_by(run_filtered(s, do_getpid32, NULL), SIGSYS), "i386 syscall without SCMP_ARCH_X86 is killed");
	ocirt_seccomp_free(s);
#else
	tap_skip("x86_64 only");
	tap_skip("x86_64 only");
	tap_skip("x86_64 only");
#endif
}

static struct oci_seccomp *podman_seccomp(struct oci_config **ret_config)
{
	_cleanup_free_ char *json = NULL;
	_cleanup_error_ struct ocirt_error *err = NULL;
	size_t len;

	*ret_config = NULL;
	json = read_file(FIXTURES_DIR "/podman-config.json", &len);
	if (!json || oci_config_parse(json, len, "podman-config.json", ret_config, NULL, &err) < 0) {
		tap_diag("podman-config.json: %s", err ? err->msg : "cannot read");
		return NULL;
	}
	return (*ret_config)->linux_ ? (*ret_config)->linux_->seccomp : NULL;
}

static void test_podman_and_cache(void)
{
	_cleanup_config_ struct oci_config *cfg = NULL;
	struct oci_seccomp *sc = podman_seccomp(&cfg);
	_cleanup_error_ struct ocirt_error *err = NULL;
	_cleanup_free_ char *cache = xasprintf("%s/state/.seccomp-cache", tmpdir);
	struct ocirt_seccomp *s = NULL, *s2 = NULL;
	uint8_t key[OCIRT_SHA256_LEN];
	_cleanup_free_ char *entry = NULL;
	struct stat st1, st2;
	const int N = 50;
	double t0, t_compile, t_cached;
	int r;

	if (!sc) {
		ok(0, "podman profile parsed");
		return;
	}
	r = ocirt_seccomp_compile(sc, NULL, &s, &err);
	ok(r == 0 && s, "podman profile compiles (%zu instructions)", s ? s->len : 0);
	if (!s)
		return;
	ok(exited_with(run_filtered(s, do_getppid, NULL), 0), "podman profile: getppid allowed");
	ok(exited_with(run_filtered(s, do_unshare_fs, NULL), 0), "podman profile: unshare allowed (listed)");
	ok(exited_with(run_filtered(s, do_userfaultfd, NULL), EPERM), "podman profile: userfaultfd -> EPERM");
	ok(exited_with(run_filtered(s, do_io_uring_setup, NULL), ENOSYS), "podman profile: io_uring_setup -> ENOSYS");
	ok(exited_with(run_filtered(s, do_sethostname, NULL), EPERM), "podman profile: sethostname -> EPERM");
	ok(exited_with(run_filtered(NULL, do_sethostname, NULL), 0), "  (and sethostname works without it)");

	/* cache: first compile stores, second loads */
	ocirt_seccomp_cache_key(sc, key);
	entry = ocirt_seccomp_cache_entry_path(cache, key);
	ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && !s2->from_cache,
	   "first compile with a cache builds");
	ok(stat(entry, &st1) == 0 && S_ISREG(st1.st_mode) && (st1.st_mode & 0777) == 0600, "cache entry written 0600");
	{
		struct stat d;
		ok(stat(cache, &d) == 0 && (d.st_mode & 07777) == 0700 && d.st_uid == geteuid(),
		   "cache dir is 0700, ours");
	}
	ocirt_seccomp_free(s2);
	s2 = NULL;
	ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && s2->from_cache, "second compile hits the cache");
	ok(s2 && s2->len == s->len && memcmp(s2->insns, s->insns, s->len * sizeof(*s->insns)) == 0,
	   "cached BPF identical to a fresh compile");
	ok(stat(entry, &st2) == 0 && st2.st_ino == st1.st_ino && st2.st_mtim.tv_sec == st1.st_mtim.tv_sec &&
	       st2.st_mtim.tv_nsec == st1.st_mtim.tv_nsec,
	   "cache hit leaves the entry untouched (inode, mtime)");
	ok(s2 && exited_with(run_filtered(s2, do_userfaultfd, NULL), EPERM), "cached podman filter works");
	ocirt_seccomp_free(s2);
	s2 = NULL;

	/* timing: what the cache saves */
	t0 = now_us();
	for (int i = 0; i < N; i++) {
		struct ocirt_seccomp *x = NULL;
		(void)ocirt_seccomp_compile(sc, NULL, &x, NULL);
		ocirt_seccomp_free(x);
	}
	t_compile = (now_us() - t0) / N;
	t0 = now_us();
	for (int i = 0; i < N; i++) {
		struct ocirt_seccomp *x = NULL;
		(void)ocirt_seccomp_compile(sc, cache, &x, NULL);
		ocirt_seccomp_free(x);
	}
	t_cached = (now_us() - t0) / N;
	tap_diag("podman profile (%zu syscall names, %zu BPF instructions), CPU time: compile %.0f us, cache hit %.0f "
	         "us (x%.1f)",
	         (size_t)434, s->len, t_compile, t_cached, t_compile / (t_cached > 0 ? t_cached : 1));
	ok(t_cached < t_compile, "cache hit is faster than compiling");

	/* corruption: flip a byte in the body -> rebuilt, still correct */
	{
		int fd = open(entry, O_RDWR);
		unsigned char b;
		off_t off = (off_t)st1.st_size - 3;
		ok(fd >= 0 && pread(fd, &b, 1, off) == 1, "open entry");
		b ^= 0xff;
		ok(pwrite(fd, &b, 1, off) == 1, "corrupt one byte");
		close(fd);
	}
	ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && !s2->from_cache, "corrupt entry is not used");
	ok(s2 && s2->len == s->len && memcmp(s2->insns, s->insns, s->len * sizeof(*s->insns)) == 0,
	   "rebuilt BPF is the right one");
	ocirt_seccomp_free(s2);
	s2 = NULL;
	ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && s2->from_cache, "rebuilt entry is cached again");
	ocirt_seccomp_free(s2);
	s2 = NULL;

	/* truncated entry */
	ok(truncate(entry, 50) == 0, "truncate entry");
	ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && !s2->from_cache, "truncated entry is rebuilt");
	ocirt_seccomp_free(s2);
	s2 = NULL;

	/* a foreign entry (another profile's file under this key's name) */
	{
		_cleanup_config_ struct oci_config *c2 =
		    config_with("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":"
		                "\"SCMP_ACT_ERRNO\"}]}");
		struct ocirt_seccomp *o = NULL;
		uint8_t k2[OCIRT_SHA256_LEN];
		_cleanup_free_ char *e2 = NULL;
		ocirt_seccomp_cache_key(c2->linux_->seccomp, k2);
		ok(memcmp(k2, key, sizeof(key)) != 0, "different profiles, different keys");
		(void)ocirt_seccomp_compile(c2->linux_->seccomp, cache, &o, NULL);
		ocirt_seccomp_free(o);
		e2 = ocirt_seccomp_cache_entry_path(cache, k2);
		ok(rename(e2, entry) == 0, "put a foreign entry under the podman key");
		ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && !s2->from_cache && s2->len == s->len &&
		       memcmp(s2->insns, s->insns, s->len * sizeof(*s->insns)) == 0,
		   "foreign entry is ignored and rebuilt");
		ocirt_seccomp_free(s2);
		s2 = NULL;
	}

	/* unsafe modes: a group-writable entry is not trusted */
	ok(chmod(entry, 0660) == 0, "make the entry group-writable");
	ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && !s2->from_cache, "group-writable entry not used");
	ocirt_seccomp_free(s2);
	s2 = NULL;

	/* a directory owned by someone else is not used at all */
	if (geteuid() == 0) {
		ok(chown(cache, 12345, 12345) == 0, "give the cache dir to another uid");
		ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && !s2->from_cache, "foreign dir: compiled");
		ocirt_seccomp_free(s2);
		s2 = NULL;
		ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && !s2->from_cache,
		   "foreign dir: never a hit");
		ocirt_seccomp_free(s2);
		s2 = NULL;
		(void)chown(cache, 0, 0);
	} else {
		tap_skip("needs root");
		tap_skip("needs root");
		tap_skip("needs root");
	}

	/* symlinks: an entry that is a link is never followed, and is replaced by a real file */
	{
		_cleanup_free_ char *target = xasprintf("%s/elsewhere", tmpdir);
		struct stat lst;
		int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		unlink(entry);
		ok(symlink(target, entry) == 0, "entry replaced by a symlink");
		ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && !s2->from_cache,
		   "symlinked entry not followed");
		ocirt_seccomp_free(s2);
		s2 = NULL;
		ok(lstat(entry, &lst) == 0 && S_ISREG(lst.st_mode), "the link was replaced by a regular entry");
		ok(stat(target, &lst) == 0 && lst.st_size == 0, "the link's target was not written");
	}
	/* a cache directory that is a symlink is not used */
	{
		_cleanup_free_ char *real = xasprintf("%s/real-cache", tmpdir);
		_cleanup_free_ char *link = xasprintf("%s/link-cache", tmpdir);
		ok(mkdir(real, 0700) == 0 && symlink(real, link) == 0, "symlinked cache dir");
		ok(ocirt_seccomp_compile(sc, link, &s2, &err) == 0 && s2 && !s2->from_cache, "compiles");
		ocirt_seccomp_free(s2);
		s2 = NULL;
		DIR *d = opendir(real);
		int n = 0;
		struct dirent *de;
		while (d && (de = readdir(d)))
			n += de->d_name[0] != '.';
		if (d)
			closedir(d);
		is_int(n, 0, "nothing written through the symlink");
	}

	/* the directory stays bounded: the oldest entries go past 128 */
	{
		struct timespec old[2] = {{1000, 0}, {1000, 0}};
		int made = 0, left = 0;
		DIR *d;
		struct dirent *de;
		for (int i = 0; i < 140; i++) {
			_cleanup_free_ char *p = xasprintf("%s/%064d.bpf", cache, i);
			int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
			if (fd >= 0) {
				futimens(fd, old);
				close(fd);
				made++;
			}
		}
		unlink(entry);
		ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && !s2->from_cache,
		   "compile with a full cache");
		ocirt_seccomp_free(s2);
		s2 = NULL;
		d = opendir(cache);
		while (d && (de = readdir(d)))
			if (strstr(de->d_name, ".bpf"))
				left++;
		if (d)
			closedir(d);
		ok(made == 140 && left == 128 && access(entry, F_OK) == 0,
		   "pruned to 128 entries, the new one kept (%d)", left);
	}

	/* OCIRT_SECCOMP_CACHE=0 disables it */
	setenv("OCIRT_SECCOMP_CACHE", "0", 1);
	ok(ocirt_seccomp_compile(sc, cache, &s2, &err) == 0 && s2 && !s2->from_cache, "OCIRT_SECCOMP_CACHE=0 bypasses");
	unsetenv("OCIRT_SECCOMP_CACHE");
	ocirt_seccomp_free(s2);
	ocirt_seccomp_free(s);
}

/* ---- notify: this process plays the agent ---- */

static int notify_child(const struct ocirt_seccomp *s, int sock)
{
	_cleanup_error_ struct ocirt_error *err = NULL;
	struct oci_state st = {0};
	int lfd = -1;
	char p[600];

	if (ocirt_seccomp_load(s, &lfd, &err) < 0 || lfd < 0) {
		fprintf(stderr, "load: %s\n", err ? err->msg : "no listener");
		return 101;
	}
	st.oci_version = (char *)"1.2.1";
	st.id = (char *)"notify-test";
	st.status = (char *)"creating";
	st.has_pid = true;
	st.pid = getpid();
	st.bundle = (char *)"/bundle";
	if (ocirt_seccomp_notify_send(s, sock, lfd, &st, &err) < 0) {
		fprintf(stderr, "send: %s\n", err ? err->msg : "?");
		return 102;
	}
	if (fcntl(lfd, F_GETFD) != -1 || fcntl(sock, F_GETFD) != -1)
		return 103; /* both must be closed after sending */
	/* 1st: the agent fakes success for a mkdir that would fail with ENOENT */
	snprintf(p, sizeof(p), "%s/no/such/dir", tmpdir);
	if (mkdir(p, 0700) != 0)
		return 104;
	/* 2nd: the agent answers EXDEV */
	if (mkdir(p, 0700) != -1 || errno != EXDEV)
		return 105;
	return 0;
}

static void test_notify(void)
{
	_cleanup_free_ char *sockpath = xasprintf("%s/agent.sock", tmpdir);
	_cleanup_free_ char *json =
	    xasprintf("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\",\"listenerMetadata\":\"meta-42\","
	              "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
	              "\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	              sockpath);
	_cleanup_error_ struct ocirt_error *err = NULL;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct ocirt_seccomp *s;
	int lsock, conn = -1, sock = -1, status;
	pid_t pid;

	s = compile(json, NULL, NULL);
	ok(s && s->notify && (s->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) && !(s->flags & SECCOMP_FILTER_FLAG_TSYNC) &&
	       (s->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV),
	   "NOTIFY: NEW_LISTENER and WAIT_KILLABLE_RECV set, TSYNC dropped");
	if (!s)
		return;
	{
		int r = ocirt_seccomp_notify_connect(s, &sock, &err);
		ok(r < 0 && sock < 0, "connect fails without an agent: %s", err ? err->msg : "");
	}
	ocirt_error_free(err);
	err = NULL;

	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(addr.sun_path, sockpath);
	ok(bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(lsock, 1) == 0, "agent listens");
	ok(ocirt_seccomp_notify_connect(s, &sock, &err) == 0 && sock >= 0, "parent connects to the listener");

	pid = fork();
	if (pid == 0)
		_exit(notify_child(s, sock));
	close(sock);

	conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	ok(conn >= 0, "agent accepts");
	{
		char buf[8192];
		union {
			char c[CMSG_SPACE(sizeof(int))];
			struct cmsghdr a;
		} u;
		struct iovec iov = {buf, sizeof(buf) - 1};
		struct msghdr msg = {
		    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.c, .msg_controllen = sizeof(u.c)};
		ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
		struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
		int nfd = -1;
		struct oci_container_process_state *ps = NULL;

		if (cm && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&nfd, CMSG_DATA(cm), sizeof(int));
		ok(n > 0 && nfd >= 0, "agent receives the state and an fd");
		if (n > 0) {
			size_t total = (size_t)n;
			ssize_t m;
			while (total < sizeof(buf) - 1 && (m = read(conn, buf + total, sizeof(buf) - 1 - total)) > 0)
				total += (size_t)m;
			buf[total] = '\0';
			ok(oci_container_process_state_parse(buf, total, &ps, &err) == 0 && ps, "state JSON parses: %s",
			   buf);
			ok(ps && ps->fds && ps->fds[0] && streq(ps->fds[0], "seccompFd") && !ps->fds[1],
			   "fds = [seccompFd]");
			ok(ps && ps->metadata && streq(ps->metadata, "meta-42"), "metadata = listenerMetadata");
			ok(ps && ps->pid == pid && ps->state.pid == pid, "pid is the container process");
			ok(ps && ps->state.id && streq(ps->state.id, "notify-test") && ps->state.status &&
			       streq(ps->state.status, "creating"),
			   "state carried");
			oci_container_process_state_free(ps);
		}
		for (int round = 0; nfd >= 0 && round < 2; round++) {
			struct seccomp_notif req;
			struct seccomp_notif_resp resp;
			memset(&req, 0, sizeof(req));
			if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
				ok(0, "NOTIF_RECV: %s", strerror(errno));
				break;
			}
			ok(req.pid == (uint32_t)pid, "notification %d from the container process (nr %d)", round,
			   req.data.nr);
			memset(&resp, 0, sizeof(resp));
			resp.id = req.id;
			resp.val = 0;
			resp.error = round == 0 ? 0 : -EXDEV;
			ok(ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0, "agent answers %d", round);
		}
		if (nfd >= 0)
			close(nfd);
	}
	ok(waitpid(pid, &status, 0) == pid && exited_with(status, 0),
	   "the agent's answers reach the container process");
	if (conn >= 0)
		close(conn);
	close(lsock);
	ocirt_seccomp_free(s);
}

static int do_cachestat(void *arg)
{
	(void)arg;
	return syscall(451 /* cachestat on every ABI with the unified table */, -1, NULL, NULL, 0) < 0 ? errno : 0;
}

/* A Docker-style deny default (EPERM) over Podman's allow list: syscalls newer than the
 * profile get ENOSYS (runc's stub) so libc falls back; older unlisted ones stay EPERM. */
static void test_enosys_stub(void)
{
	_cleanup_config_ struct oci_config *cfg = NULL;
	struct oci_seccomp *sc = podman_seccomp(&cfg);
	_cleanup_error_ struct ocirt_error *err = NULL;
	struct ocirt_seccomp *s = NULL;

#if !defined(__x86_64__) && !defined(__aarch64__)
	tap_skip("syscall numbers checked on x86_64/aarch64 only");
	return;
#endif
	if (!sc) {
		ok(0, "podman profile parsed");
		return;
	}
	/* keep only the allow rule (index 1) and make the default EPERM */
	struct oci_seccomp_syscall keep = sc->syscalls[1];
	struct oci_seccomp copy = *sc;
	copy.syscalls = &keep;
	copy.syscalls_len = 1;
	copy.default_errno_ret = EPERM;
	ok(ocirt_seccomp_compile(&copy, NULL, &s, &err) == 0 && s, "EPERM-default profile compiles");
	if (!s)
		return;
	ok(exited_with(run_filtered(s, do_getppid, NULL), 0), "stub: allowed syscalls still allowed");
	ok(exited_with(run_filtered(s, do_io_uring_setup, NULL), EPERM),
	   "stub: older unlisted syscall gets the default (EPERM)");
	ok(exited_with(run_filtered(s, do_cachestat, NULL), ENOSYS),
	   "stub: syscall newer than the profile gets ENOSYS");
	ocirt_seccomp_free(s);
	s = NULL;

	copy.default_action = (char *)"SCMP_ACT_KILL_PROCESS";
	copy.has_default_errno_ret = false;
	ok(ocirt_seccomp_compile(&copy, NULL, &s, &err) == 0 && s, "KILL-default profile compiles");
	ok(s && killed_by(run_filtered(s, do_io_uring_setup, NULL), SIGSYS), "stub: older unlisted syscall killed");
	ok(s && exited_with(run_filtered(s, do_cachestat, NULL), ENOSYS), "stub: newer syscall ENOSYS, not killed");
	ocirt_seccomp_free(s);
}

static void test_load_early(void)
{
	struct ocirt_caps caps = {0};
	struct ocirt_seccomp s = {0};

	ok(!ocirt_seccomp_load_early(NULL, false, NULL, 1000), "no filter: nothing early");
	ok(!ocirt_seccomp_load_early(&s, true, &caps, 1000), "no_new_privs: late");
	ok(ocirt_seccomp_load_early(&s, false, &caps, 0), "no nnp, no CAP_SYS_ADMIN: early");
	caps.effective = caps.permitted = UINT64_C(1) << 21;
	ok(!ocirt_seccomp_load_early(&s, false, &caps, 1000), "no nnp, CAP_SYS_ADMIN kept: late");
	ok(!ocirt_seccomp_load_early(&s, false, NULL, 0), "caps untouched, root: late");
	ok(ocirt_seccomp_load_early(&s, false, NULL, 1000), "caps untouched, non-root: early");
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
	ocirt_log_init(logpath, OCIRT_LOG_TEXT, OCIRT_LOG_DEBUG);
	tap_no_plan();
	test_sha256();
	test_errno_and_kill();
	test_args();
	test_errors();
	test_flags();
	test_arch();
	test_load_early();
	test_podman_and_cache();
	test_enosys_stub();
	test_notify();
	{
		_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			tap_diag("cleanup of %s failed", tmpdir);
	}
	return tap_exit();
}
