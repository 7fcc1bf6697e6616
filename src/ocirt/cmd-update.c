/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt update [--resources|-r FILE|-] [individual limits] <id> */
#include "config.h"

#include "ocirt/cli.h"

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
	return cli_not_implemented(v, err);
}
