/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Integration test of the resources engine against the real kernel: scratch cgroups named
 * ocirt-test-<pid>-... are created, a resources object is applied, the files are read back
 * and a child process checks the behaviour (device access, BPF filter). Everything is
 * removed at the end. Needs root; runs on legacy/hybrid (v1 writers, plus the BPF filter
 * and hugetlb on the hybrid cgroup2 mount) and on pure cgroup v2. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>
#include "common/xalloc.h"
#include "libocirt/cgroup-bpf.h"
#include "libocirt/cgroup-convert.h"
#include "libocirt/cgroup-res.h"
#include "tests/unit/tap.h"

#define ROOT "/sys/fs/cgroup"

static char name[64];
/* The hybrid test enables hugetlb on the unified root; undo it at the end. */
static bool restore_hugetlb;
static char *made[64];
static size_t n_made;

static char *mk(const char *base, const char *sub)
{
	char *p = xasprintf("%s/%s%s%s", base, name, sub ? "/" : "", sub ? sub : "");
	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		tap_diag("mkdir %s: %s", p, strerror(errno));
		free(p);
		return NULL;
	}
	made[n_made++] = p; /* owned by made[]: freed by cleanup() */
	return p;
}

static void cleanup(void)
{
	while (n_made > 0) {
		char *p = made[--n_made];
		if (rmdir(p) < 0 && errno != ENOENT)
			tap_diag("rmdir %s: %s", p, strerror(errno));
		free(p);
	}
	if (restore_hugetlb && ocirt_cg_write(ROOT "/unified", "cgroup.subtree_control", "-hugetlb", NULL) < 0)
		tap_diag("could not disable hugetlb again in " ROOT "/unified/cgroup.subtree_control");
}

static char *rd(const char *dir, const char *file)
{
	char *s = NULL;
	if (ocirt_cg_read(dir, file, &s, NULL) < 0)
		return xstrdup("(unreadable)");
	return s;
}

#define is_file(dir, file, want, desc)                       \
	do {                                                  \
		char *got_ = rd(dir, file);                   \
		is_str(got_, want, "%s: %s", desc, file);     \
		free(got_);                                   \
	} while (0)

/* Fork a child that joins `dir` (cgroup.procs) and tries to open each path; the exit
 * code has bit i set when path i was refused with EPERM. -1 on other failures. */
static int probe_open(const char *dir, const char *const *paths, size_t n)
{
	int pipefd[2];
	pid_t pid;
	int st;
	char c = 0;

	if (pipe(pipefd) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int code = 0;
		size_t i;
		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) != 1)
			_exit(255);
		for (i = 0; i < n; i++) {
			int fd = open(paths[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
			if (fd >= 0)
				close(fd);
			else if (errno == EPERM)
				code |= 1 << i;
			else
				_exit(254);
		}
		_exit(code);
	}
	close(pipefd[0]);
	{
		char pidbuf[32];
		snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
		if (ocirt_cg_write(dir, "cgroup.procs", pidbuf, NULL) < 0) {
			kill(pid, SIGKILL);
			close(pipefd[1]);
			waitpid(pid, &st, 0);
			return -1;
		}
	}
	if (write(pipefd[1], &c, 1) != 1) {
		close(pipefd[1]);
		kill(pid, SIGKILL);
	}
	close(pipefd[1]);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) >= 254)
		return -1;
	return WEXITSTATUS(st);
}

static bool has_memsw(const char *dir)
{
	return ocirt_cg_exists(dir, "memory.memsw.limit_in_bytes");
}

static const char *const probe_paths[] = {"/dev/null", "/dev/zero", "/dev/kmsg"};

static void test_bpf(const char *v2root)
{
	char *dir = mk(v2root, "bpf");
	struct ocirt_cg_dev_rule deny_null[] = {
		{false, 'a', -1, -1, OCIRT_CG_ACC_ALL},
		{true, 'c', 1, -1, OCIRT_CG_ACC_ALL},
		{false, 'c', 1, 3, OCIRT_CG_ACC_READ}, /* last match wins: /dev/null read denied */
	};
	struct ocirt_cg_dev_rule allow_null[] = {
		{false, 'a', -1, -1, OCIRT_CG_ACC_ALL},
		{true, 'c', 1, 3, OCIRT_CG_ACC_ALL},
	};
	struct ocirt_error *err = NULL;
	uint32_t *ids = NULL;
	size_t nids = 0;
	int fd, r;

	if (!dir)
		return;
	r = ocirt_cgroup_bpf_devices_apply(dir, deny_null, 3, &err);
	if (r == -EPERM || r == -ENOSYS || r == -EINVAL) {
		tap_diag("%s", err ? err->msg : "");
		tap_skip("cannot attach cgroup device programs here");
		ocirt_error_freep(&err);
		return;
	}
	ok(r == 0, "attach the device program to %s%s%s", dir, err ? ": " : "", err ? err->msg : "");
	ocirt_error_freep(&err);
	is_int(probe_open(dir, probe_paths, 3), 1 << 0 | 0 << 1 | 0 << 2,
	       "BPF: /dev/null denied, /dev/zero and /dev/kmsg (c 1:*) allowed");

	r = ocirt_cgroup_bpf_devices_apply(dir, allow_null, 2, &err);
	ok(r == 0, "replace the device program%s%s", err ? ": " : "", err ? err->msg : "");
	ocirt_error_freep(&err);
	is_int(probe_open(dir, probe_paths, 3), 0 << 0 | 1 << 1 | 1 << 2,
	       "BPF after replace: /dev/null allowed, /dev/zero and /dev/kmsg denied");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ok(fd >= 0 && ocirt_bpf_devices_query(fd, &ids, &nids, NULL) == 0 && nids == 1,
	   "exactly one device program attached after the replace");
	free(ids);
	if (fd >= 0)
		close(fd);
}

static void test_v1(bool hybrid)
{
	char *cpu = mk(ROOT "/cpu", NULL), *cpuset = mk(ROOT "/cpuset", NULL), *mem = mk(ROOT "/memory", NULL);
	char *pids = mk(ROOT "/pids", NULL), *blkio = mk(ROOT "/blkio", NULL), *devices = mk(ROOT "/devices", NULL);
	char *nested = cpuset ? mk(ROOT "/cpuset", "a") : NULL;
	char *nested2 = nested ? mk(ROOT "/cpuset", "a/b") : NULL;
	char *uni = hybrid ? mk(ROOT "/unified", NULL) : NULL;
	struct ocirt_cgroup_dirs dirs = {0};
	struct oci_memory m = {.has_limit = true, .limit = 64 << 20, .has_reservation = true,
			       .reservation = 32 << 20, .has_swappiness = true, .swappiness = 10};
	struct oci_cpu c = {.has_shares = true, .shares = 512, .has_quota = true, .quota = 50000,
			    .has_period = true, .period = 100000, .cpus = (char *)"0", .mems = (char *)"0"};
	struct oci_pids p = {.has_limit = true, .limit = 42};
	struct oci_throttle_device thr = {.major = 7, .minor = 0, .rate = 1048576};
	struct oci_block_io b = {.has_weight = true, .weight = 300, .throttle_read_bps_device = &thr,
				 .throttle_read_bps_device_len = 1};
	struct oci_hugepage_limit hp = {.page_size = (char *)"2MB", .limit = 4 << 20};
	struct oci_device_cgroup devrules[] = {{.allow = false, .access = (char *)"rwm"}};
	struct oci_resources res = {.memory = &m, .cpu = &c, .pids = &p, .block_io = &b,
				    .devices = devrules, .devices_len = 1};
	struct ocirt_error *err = NULL;
	int r;

	if (!cpu || !cpuset || !mem || !pids || !blkio || !devices || !nested2 || (hybrid && !uni)) {
		ok(0, "create scratch cgroups");
		return;
	}
	if (has_memsw(mem)) {
		m.has_swap = true;
		m.swap = 128 << 20;
	}
	dirs.v1[OCIRT_CG_CPU] = cpu;
	dirs.v1[OCIRT_CG_CPUSET] = cpuset;
	dirs.v1[OCIRT_CG_MEMORY] = mem;
	dirs.v1[OCIRT_CG_PIDS] = pids;
	dirs.v1[OCIRT_CG_BLKIO] = blkio;
	dirs.v1[OCIRT_CG_DEVICES] = devices;
	dirs.unified = uni;
	if (hybrid && access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0) {
		char *sc = rd(ROOT "/unified", "cgroup.subtree_control");
		restore_hugetlb = !strstr(sc, "hugetlb");
		free(sc);
	}
	if (hybrid && ocirt_cg_exists(ROOT "/unified", "hugetlb.2MB.max") == false &&
	    access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0) {
		/* hugetlb only on the unified hierarchy: exercises the hybrid routing */
		unsigned avail = 0;
		if (ocirt_cgroup_v2_available(ROOT "/unified", &avail, NULL) == 0 && (avail & (1u << OCIRT_CG_HUGETLB))) {
			res.hugepage_limits = &hp;
			res.hugepage_limits_len = 1;
		}
	}

	r = ocirt_cgroup_res_apply(&dirs, &res, NULL, &err);
	ok(r == 0, "apply v1 resources%s%s", err ? ": " : "", err ? err->msg : "");
	ocirt_error_freep(&err);

	is_file(mem, "memory.limit_in_bytes", "67108864", "memory limit");
	is_file(mem, "memory.soft_limit_in_bytes", "33554432", "memory reservation");
	is_file(mem, "memory.swappiness", "10", "swappiness");
	if (m.has_swap)
		is_file(mem, "memory.memsw.limit_in_bytes", "134217728", "memory+swap");
	is_file(cpu, "cpu.shares", "512", "cpu shares");
	is_file(cpu, "cpu.cfs_quota_us", "50000", "cpu quota");
	is_file(cpu, "cpu.cfs_period_us", "100000", "cpu period");
	is_file(cpuset, "cpuset.cpus", "0", "cpuset cpus");
	is_file(cpuset, "cpuset.mems", "0", "cpuset mems");
	is_file(pids, "pids.max", "42", "pids");
	if (ocirt_cg_exists(blkio, "blkio.bfq.weight")) {
		char *w = rd(blkio, "blkio.bfq.weight");
		like_str(w, "300", "blkio.bfq.weight holds the weight");
		free(w);
	}
	is_file(blkio, "blkio.throttle.read_bps_device", "7:0 1048576", "blkio throttle");
	{
		char *l = rd(devices, "devices.list");
		like_str(l, "c 1:3 rwm", "devices.list allows /dev/null");
		like_str(l, "c 136:* rwm", "devices.list allows /dev/pts");
		ok(!strstr(l, "a *:* rwm"), "devices.list is not allow-all");
		free(l);
	}
	is_int(probe_open(devices, probe_paths, 3), 1 << 2, "v1 devices: /dev/null and /dev/zero open, /dev/kmsg denied");
	if (res.hugepage_limits_len) {
		is_file(uni, "hugetlb.2MB.max", "4194304", "hybrid: hugetlb through the unified hierarchy");
		if (ocirt_cg_exists(uni, "hugetlb.2MB.rsvd.max"))
			is_file(uni, "hugetlb.2MB.rsvd.max", "4194304", "hybrid: hugetlb rsvd");
	} else {
		tap_skip("no hugetlb on the unified hierarchy");
	}

	/* nested cpuset dirs are filled from the ancestors */
	r = ocirt_cgroup_v1_cpuset_fill(nested2, &err);
	ok(r == 0, "cpuset fill%s%s", err ? ": " : "", err ? err->msg : "");
	ocirt_error_freep(&err);
	is_file(nested2, "cpuset.cpus", "0", "nested cpuset inherits cpus");

	/* update: quota only keeps the period; zero = unchanged */
	{
		struct oci_cpu c2 = {.has_quota = true, .quota = 20000, .has_shares = true, .shares = 0};
		struct oci_memory m2 = {.has_limit = true, .limit = 0, .has_reservation = true, .reservation = 16 << 20};
		struct oci_resources upd = {.cpu = &c2, .memory = &m2};
		struct ocirt_cgroup_res_opts o = {.update = true};
		r = ocirt_cgroup_res_apply(&dirs, &upd, &o, &err);
		ok(r == 0, "update%s%s", err ? ": " : "", err ? err->msg : "");
		ocirt_error_freep(&err);
		is_file(cpu, "cpu.cfs_quota_us", "20000", "update: quota");
		is_file(cpu, "cpu.cfs_period_us", "100000", "update: period unchanged");
		is_file(cpu, "cpu.shares", "512", "update: shares 0 = unchanged");
		is_file(mem, "memory.limit_in_bytes", "67108864", "update: limit 0 = unchanged");
		is_file(mem, "memory.soft_limit_in_bytes", "16777216", "update: reservation");
	}
	/* kernel rejections name the file and the value */
	{
		struct oci_cpu c3 = {.has_realtime_runtime = true, .realtime_runtime = 5000000};
		struct oci_resources bad = {.cpu = &c3};
		r = ocirt_cgroup_res_apply(&dirs, &bad, NULL, &err);
		ok(r < 0, "rt runtime above the period is refused");
		like_str(err ? err->msg : NULL, "/cpu.rt_runtime_us \"5000000\": Invalid argument",
			 "error names file, value and errno");
		ocirt_error_freep(&err);
	}
	{
		struct oci_memory m4 = {.has_swappiness = true, .swappiness = 101};
		struct oci_resources bad = {.memory = &m4};
		r = ocirt_cgroup_res_apply(&dirs, &bad, NULL, &err);
		ok(r < 0 && err && strstr(err->msg, "swappiness"), "swappiness 101 refused");
		ocirt_error_freep(&err);
	}
	{
		struct oci_kv kv = {(char *)"memory.high", (char *)"1000000"};
		struct oci_map map = {&kv, 1};
		struct oci_resources bad = {.unified = &map};
		r = ocirt_cgroup_res_apply(&dirs, &bad, NULL, &err);
		like_str(err ? err->msg : NULL, "cannot use unified on cgroup v1", "unified refused on v1");
		ocirt_error_freep(&err);
	}
	{
		struct oci_network net = {.has_class_id = true, .class_id = 0x100001};
		struct oci_resources bad = {.network = &net};
		r = ocirt_cgroup_res_apply(&dirs, &bad, NULL, &err);
		ok(r < 0 && err && strstr(err->msg, "cannot set net_cls limit"),
		   "net_cls without a net_cls hierarchy is an error");
		ocirt_error_freep(&err);
	}
	if (hybrid)
		test_bpf(ROOT "/unified");
}

static void test_v2(void)
{
	char *parent = mk(ROOT, NULL), *dir;
	unsigned avail = 0;
	struct ocirt_error *err = NULL;
	struct oci_memory m = {.has_limit = true, .limit = 64 << 20, .has_swap = true, .swap = 96 << 20,
			       .has_reservation = true, .reservation = 32 << 20};
	struct oci_cpu c = {.has_shares = true, .shares = 1024, .has_quota = true, .quota = 50000,
			    .has_period = true, .period = 100000};
	struct oci_pids p = {.has_limit = true, .limit = 42};
	struct oci_kv kv = {(char *)"memory.high", (char *)"52428800"};
	struct oci_map map = {&kv, 1};
	struct oci_device_cgroup devrules[] = {{.allow = false, .access = (char *)"rwm"}};
	struct oci_resources res = {.memory = &m, .cpu = &c, .pids = &p, .unified = &map, .devices = devrules,
				    .devices_len = 1};
	struct ocirt_cgroup_dirs dirs = {.unified_only = true};
	int r;

	if (!parent)
		return;
	dir = mk(ROOT, "ctr");
	r = ocirt_cgroup_v2_enable(dir, (1u << OCIRT_CG_MEMORY) | (1u << OCIRT_CG_CPU) | (1u << OCIRT_CG_PIDS), &err);
	ok(r == 0, "enable memory cpu pids%s%s", err ? ": " : "", err ? err->msg : "");
	ocirt_error_freep(&err);
	ocirt_cgroup_v2_available(dir, &avail, NULL);
	dirs.unified = dir;
	r = ocirt_cgroup_res_apply(&dirs, &res, NULL, &err);
	ok(r == 0, "apply v2 resources%s%s", err ? ": " : "", err ? err->msg : "");
	ocirt_error_freep(&err);
	is_file(dir, "memory.max", "67108864", "v2 memory.max");
	if (ocirt_cg_exists(dir, "memory.swap.max"))
		is_file(dir, "memory.swap.max", "33554432", "v2 swap.max = swap - limit");
	is_file(dir, "memory.low", "33554432", "v2 memory.low");
	is_file(dir, "memory.high", "52428800", "v2 unified key");
	is_file(dir, "cpu.weight", "39", "v2 cpu.weight from shares 1024");
	is_file(dir, "cpu.max", "50000 100000", "v2 cpu.max");
	is_file(dir, "pids.max", "42", "v2 pids.max");
	is_int(probe_open(dir, probe_paths, 3), 1 << 2, "v2 BPF: /dev/null and /dev/zero open, /dev/kmsg denied");
	{
		struct oci_cpu c2 = {.has_period = true, .period = 200000};
		struct oci_resources upd = {.cpu = &c2};
		struct ocirt_cgroup_res_opts o = {.update = true};
		r = ocirt_cgroup_res_apply(&dirs, &upd, &o, &err);
		ok(r == 0, "v2 update%s%s", err ? ": " : "", err ? err->msg : "");
		ocirt_error_freep(&err);
		is_file(dir, "cpu.max", "50000 200000", "v2 update: period only keeps the quota");
	}
	{
		struct oci_kv kv2 = {(char *)"../memory.high", (char *)"1"};
		struct oci_map map2 = {&kv2, 1};
		struct oci_resources bad = {.unified = &map2};
		r = ocirt_cgroup_res_apply(&dirs, &bad, NULL, &err);
		ok(r < 0 && err && strstr(err->msg, "no slashes"), "unified key with a slash refused");
		ocirt_error_freep(&err);
	}
	{
		struct oci_kv kv3 = {(char *)"nosuchctl.max", (char *)"1"};
		struct oci_map map3 = {&kv3, 1};
		struct oci_resources bad = {.unified = &map3};
		r = ocirt_cgroup_res_apply(&dirs, &bad, NULL, &err);
		like_str(err ? err->msg : NULL, "controller \"nosuchctl\" not available", "unknown controller refused");
		ocirt_error_freep(&err);
	}
	test_bpf(ROOT);
}

int main(void)
{
	struct statfs st;

	tap_no_plan();
	if (geteuid() != 0) {
		tap_skip("needs root");
		tap_done();
		return 0;
	}
	snprintf(name, sizeof(name), "ocirt-test-res-%d", (int)getpid());
	if (statfs(ROOT, &st) < 0) {
		tap_skip("no /sys/fs/cgroup");
	} else if (st.f_type == CGROUP2_SUPER_MAGIC) {
		test_v2();
	} else {
		bool hybrid = statfs(ROOT "/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
		test_v1(hybrid);
	}
	cleanup();
	tap_done();
	return tap_exit();
}
