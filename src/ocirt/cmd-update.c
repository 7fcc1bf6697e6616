/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt update [--resources|-r FILE|-] [individual limits] <id> */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "libocirt/container-cgroup.h"
#include "ocirt/cli.h"

/* go-units RAMInBytes as runc uses it: "512m", "1g", "100KiB", "1024b", "1.5g" (binary
 * multiples, case-insensitive); "-1" is passed through for "unlimited". */
static int parse_bytes(const char *flag, const char *s, int64_t *ret, struct ocirt_error **err)
{
	char *end;
	double v;
	const char *u;
	double mult = 1;

	if (streq(s, "-1")) {
		*ret = -1;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0 || isnan(v))
		goto bad;
	u = end;
	if (*u == ' ')
		u++;
	switch (*u) {
	case 'k': case 'K': mult = 1024.0; u++; break;
	case 'm': case 'M': mult = 1024.0 * 1024; u++; break;
	case 'g': case 'G': mult = 1024.0 * 1024 * 1024; u++; break;
	case 't': case 'T': mult = 1024.0 * 1024 * 1024 * 1024; u++; break;
	case 'p': case 'P': mult = 1024.0 * 1024 * 1024 * 1024 * 1024; u++; break;
	default: break;
	}
	if (mult > 1 && (*u == 'i' || *u == 'I'))
		u++;
	if (*u == 'b' || *u == 'B')
		u++;
	if (*u || v * mult > 9.2e18)
		goto bad;
	*ret = (int64_t)(v * mult);
	return 0;
bad:
	return ocirt_error_setx(err, EINVAL, "invalid value for %s: invalid size: '%s'", flag, s);
}

static int parse_int(const char *flag, const char *s, int64_t min, int64_t *ret, struct ocirt_error **err)
{
	char *end;
	long long v;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end || errno || v < min)
		return ocirt_error_setx(err, EINVAL, "invalid value for %s: %s", flag, s);
	*ret = v;
	return 0;
}

static int read_resources(const char *path, struct oci_resources **ret, struct ocirt_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	if (streq(path, "-")) {
		size_t cap = 0;
		for (;;) {
			ssize_t n;
			if (cap - len < 4096)
				data = xrealloc(data, cap = cap ? cap * 2 : 16384);
			n = read(0, data + len, cap - len - 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return ocirt_error_set(err, errno, "read the resources from stdin");
			if (n == 0)
				break;
			len += (size_t)n;
		}
		data[len] = 0;
	} else {
		_cleanup_free_ char *abs = cli_abspath(path);
		r = read_file_at(AT_FDCWD, abs, 16 << 20, &data, &len);
		if (r < 0)
			return ocirt_error_set(err, -r, "open %s", path);
	}
	return oci_resources_parse(data, len, streq(path, "-") ? "stdin" : path, ret, NULL, err);
}

/* The individual flags of runc 1.1.5 (and --cpu-burst/--cpu-idle of later runc) mapped
 * onto a partial resources object: anything not given stays absent (= unchanged). */
static int flags_to_resources(const char *const *f, struct oci_resources *r, struct oci_cpu *cpu,
			      struct oci_memory *mem, struct oci_block_io *bio, struct oci_pids *pids,
			      struct ocirt_error **err)
{
	int64_t v;
	int ret;

	/* order: blkio_weight cpu_period cpu_quota cpu_share rt_period rt_runtime cpus mems
	 * memory reservation swap pids kmem kmem_tcp burst idle */
	if (f[0]) {
		if ((ret = parse_int("--blkio-weight", f[0], 0, &v, err)) < 0)
			return ret;
		if (v > 65535)
			return ocirt_error_setx(err, EINVAL, "invalid value for --blkio-weight: %s", f[0]);
		bio->has_weight = true;
		bio->weight = (uint16_t)v;
		r->block_io = bio;
	}
	if (f[1]) {
		if ((ret = parse_int("--cpu-period", f[1], 0, &v, err)) < 0)
			return ret;
		cpu->has_period = true, cpu->period = (uint64_t)v, r->cpu = cpu;
	}
	if (f[2]) {
		if ((ret = parse_int("--cpu-quota", f[2], INT64_MIN, &v, err)) < 0)
			return ret;
		cpu->has_quota = true, cpu->quota = v, r->cpu = cpu;
	}
	if (f[3]) {
		if ((ret = parse_int("--cpu-share", f[3], 0, &v, err)) < 0)
			return ret;
		cpu->has_shares = true, cpu->shares = (uint64_t)v, r->cpu = cpu;
	}
	if (f[4]) {
		if ((ret = parse_int("--cpu-rt-period", f[4], 0, &v, err)) < 0)
			return ret;
		cpu->has_realtime_period = true, cpu->realtime_period = (uint64_t)v, r->cpu = cpu;
	}
	if (f[5]) {
		if ((ret = parse_int("--cpu-rt-runtime", f[5], INT64_MIN, &v, err)) < 0)
			return ret;
		cpu->has_realtime_runtime = true, cpu->realtime_runtime = v, r->cpu = cpu;
	}
	if (f[6])
		cpu->cpus = (char *)f[6], r->cpu = cpu;
	if (f[7])
		cpu->mems = (char *)f[7], r->cpu = cpu;
	if (f[8]) {
		if ((ret = parse_bytes("--memory", f[8], &v, err)) < 0)
			return ret;
		mem->has_limit = true, mem->limit = v, r->memory = mem;
	}
	if (f[9]) {
		if ((ret = parse_bytes("--memory-reservation", f[9], &v, err)) < 0)
			return ret;
		mem->has_reservation = true, mem->reservation = v, r->memory = mem;
	}
	if (f[10]) {
		if ((ret = parse_bytes("--memory-swap", f[10], &v, err)) < 0)
			return ret;
		mem->has_swap = true, mem->swap = v, r->memory = mem;
	}
	if (f[11]) {
		if ((ret = parse_int("--pids-limit", f[11], INT64_MIN, &v, err)) < 0)
			return ret;
		pids->has_limit = true, pids->limit = v, r->pids = pids;
	}
	if (f[12] || f[13])
		log_warning("kernel memory limits are not supported and are ignored");
	if (f[14]) {
		if ((ret = parse_int("--cpu-burst", f[14], 0, &v, err)) < 0)
			return ret;
		cpu->has_burst = true, cpu->burst = (uint64_t)v, r->cpu = cpu;
	}
	if (f[15]) {
		if ((ret = parse_int("--cpu-idle", f[15], INT64_MIN, &v, err)) < 0)
			return ret;
		cpu->has_idle = true, cpu->idle = v, r->cpu = cpu;
	}
	return 0;
}

VERB(update)
{
	const char *resources = NULL, *blkio_weight = NULL, *cpu_period = NULL, *cpu_quota = NULL,
		   *cpu_share = NULL, *cpu_rt_period = NULL, *cpu_rt_runtime = NULL, *cpuset_cpus = NULL,
		   *cpuset_mems = NULL, *memory = NULL, *memory_reservation = NULL, *memory_swap = NULL,
		   *pids_limit = NULL, *l3 = NULL, *mem_bw = NULL, *kmem = NULL, *kmem_tcp = NULL,
		   *cpu_burst = NULL, *cpu_idle = NULL;
	_cleanup_free_ char **args = NULL;
	int r;
	const struct opt opts[] = {
		{ "resources|r", OPT_STRING, &resources, "FILE", "path to a file containing the resources to update "
		  "or '-' to read from the standard input" },
		{ "blkio-weight", OPT_STRING, &blkio_weight, "N", "specifies per cgroup weight, range is from 10 to 1000" },
		{ "cpu-period", OPT_STRING, &cpu_period, "N", "CPU CFS period to be used for hardcapping (in usecs)" },
		{ "cpu-quota", OPT_STRING, &cpu_quota, "N", "CPU CFS hardcap limit (in usecs); allowed cpu time in a "
		  "given period" },
		{ "cpu-share", OPT_STRING, &cpu_share, "N", "CPU shares (relative weight vs. other containers)" },
		{ "cpu-rt-period", OPT_STRING, &cpu_rt_period, "N", "CPU realtime period to be used for hardcapping "
		  "(in usecs)" },
		{ "cpu-rt-runtime", OPT_STRING, &cpu_rt_runtime, "N", "CPU realtime hardcap limit (in usecs)" },
		{ "cpu-burst", OPT_STRING, &cpu_burst, "N", "CPU CFS burst limit (in usecs)" },
		{ "cpu-idle", OPT_STRING, &cpu_idle, "N", "set cgroup SCHED_IDLE or not" },
		{ "cpuset-cpus", OPT_STRING, &cpuset_cpus, "LIST", "CPU(s) to use" },
		{ "cpuset-mems", OPT_STRING, &cpuset_mems, "LIST", "memory node(s) to use" },
		{ "memory", OPT_STRING, &memory, "BYTES", "memory limit (in bytes, suffixes k m g allowed)" },
		{ "memory-reservation", OPT_STRING, &memory_reservation, "BYTES", "memory reservation or soft_limit" },
		{ "memory-swap", OPT_STRING, &memory_swap, "BYTES", "total memory usage (memory + swap); set '-1' to "
		  "enable unlimited swap" },
		{ "pids-limit", OPT_STRING, &pids_limit, "N", "maximum number of pids allowed in the container" },
		{ "l3-cache-schema", OPT_STRING, &l3, "SCHEMA", "the string of Intel RDT/CAT L3 cache schema" },
		{ "mem-bw-schema", OPT_STRING, &mem_bw, "SCHEMA", "the string of Intel RDT/MBA memory bandwidth schema" },
		{ "kernel-memory", OPT_STRING, &kmem, "BYTES", NULL },
		{ "kernel-memory-tcp", OPT_STRING, &kmem_tcp, "BYTES", NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	if (resources) {
		struct oci_resources *res = NULL;
		r = read_resources(resources, &res, err);
		if (r < 0)
			return r;
		r = ocirt_container_update(&cli->ctx, args[0], res, err);
		oci_resources_free(res);
		return r;
	}
	if (l3 || mem_bw)
		return ocirt_error_setx(err, ENOTSUP, "Intel RDT is not supported by ocirt");
	{
		const char *const f[] = { blkio_weight, cpu_period, cpu_quota, cpu_share, cpu_rt_period,
					  cpu_rt_runtime, cpuset_cpus, cpuset_mems, memory, memory_reservation,
					  memory_swap, pids_limit, kmem, kmem_tcp, cpu_burst, cpu_idle };
		struct oci_resources res = { 0 };
		struct oci_cpu cpu = { 0 };
		struct oci_memory mem = { 0 };
		struct oci_block_io bio = { 0 };
		struct oci_pids pids = { 0 };
		r = flags_to_resources(f, &res, &cpu, &mem, &bio, &pids, err);
		if (r < 0)
			return r;
		return ocirt_container_update(&cli->ctx, args[0], &res, err);
	}
}
