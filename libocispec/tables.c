/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The enumerated values of the runtime-spec that the parser accepts. */
#include "config.h"
#include "libocispec/oci-config.h"

const char *const oci_namespace_types[] = { "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL };

const char *const oci_rlimit_types[] = {
	"RLIMIT_AS",	  "RLIMIT_CORE",   "RLIMIT_CPU",    "RLIMIT_DATA",	 "RLIMIT_FSIZE", "RLIMIT_LOCKS",
	"RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_RSS",
	"RLIMIT_RTPRIO",  "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK", NULL,
};

const char *const oci_seccomp_actions[] = {
	"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",   "SCMP_ACT_ERRNO",
	"SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",	   "SCMP_ACT_LOG",	   "SCMP_ACT_NOTIFY", NULL,
};

const char *const oci_seccomp_operators[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

/* The spec's list plus the architectures later libseccomp releases added (a profile written
 * for a newer host must still load). */
const char *const oci_seccomp_archs[] = {
	"SCMP_ARCH_X86",      "SCMP_ARCH_X86_64",	"SCMP_ARCH_X32",	"SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64",  "SCMP_ARCH_MIPS",		"SCMP_ARCH_MIPS64",	"SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL",   "SCMP_ARCH_MIPSEL64",	"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",	"SCMP_ARCH_S390",	"SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC",   "SCMP_ARCH_PARISC64",	"SCMP_ARCH_RISCV64",	"SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_M68K",     "SCMP_ARCH_SH",		"SCMP_ARCH_SHEB",	NULL,
};

const char *const oci_seccomp_flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	NULL,
};

const char *const oci_rootfs_propagations[] = {
	"shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable", NULL,
};

const char *const oci_scheduler_policies[] = {
	"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};

const char *const oci_scheduler_flags[] = {
	"SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",	   "SCHED_FLAG_DL_OVERRUN",    "SCHED_FLAG_KEEP_POLICY",
	"SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

const char *const oci_ioprio_classes[] = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL };

const char *const oci_memory_policy_modes[] = {
	"MPOL_DEFAULT",	 "MPOL_BIND",		"MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
	"MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",	    NULL,
};

const char *const oci_memory_policy_flags[] = {
	"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};

const char *const oci_personality_domains[] = { "LINUX", "LINUX32", NULL };

const char *const oci_time_offset_clocks[] = { "monotonic", "boottime", NULL };

const char *const oci_state_statuses[] = { "creating", "created", "running", "paused", "stopped", NULL };
