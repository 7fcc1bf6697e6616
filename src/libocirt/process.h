/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container process's own settings, applied by the init's step table (init.c):
 * rlimits, oom_score_adj, user/groups/umask, cwd, env, and the executable lookup. */
#ifndef OCIRT_PROCESS_H
#define OCIRT_PROCESS_H

#include <sched.h>
#include <stdbool.h>

#include "common/error.h"
#include "libocispec/oci-config.h"

struct ocirt_caps;
struct ocirt_context;
struct ocirt_seccomp;
/* Before any fork, in the parent: the process's capability sets (*caps), its SELinux/AppArmor
 * labels checked against the host (a label the host cannot apply fails before any namespace)
 * and its seccomp filter compiled (*seccomp, NULL without linux.seccomp; through the BPF cache
 * of the state root). */
int ocirt_process_prepare_privileges(struct ocirt_context *ctx, const struct oci_config *c, struct ocirt_caps **caps,
				     struct ocirt_seccomp **seccomp, struct ocirt_error **err);

/* process.rlimits. An EPERM names the limit and the hard limit in force:
 * "setrlimit RLIMIT_NOFILE (soft 30000, hard 30000): the hard limit is 20000 and raising it
 *  needs CAP_SYS_RESOURCE: Operation not permitted". */
int ocirt_process_rlimits(const struct oci_process *p, struct ocirt_error **err);
/* process.oomScoreAdj (left alone when absent, as the spec requires). */
int ocirt_process_oom_score_adj(const struct oci_process *p, struct ocirt_error **err);
/* process.scheduler through sched_setattr(2) (runc 1.2). `cpuset_cpus` (linux.resources.cpu.cpus)
 * only words an EPERM the way runc does: the kernel refuses a deadline policy on a restricted
 * affinity mask. */
int ocirt_process_scheduler(const struct oci_process *p, const char *cpuset_cpus, struct ocirt_error **err);
/* process.ioPriority through ioprio_set(2) for the process itself (runc 1.2). */
int ocirt_process_io_priority(const struct oci_process *p, struct ocirt_error **err);
/* The list syntax of execCPUAffinity, cpuset.cpus and NUMA nodes ("0-3,8") into a bitmask
 * (cpu_set_t: words of unsigned long, as the kernel's bitmaps): 0, or -EINVAL. */
int ocirt_process_parse_cpus(const char *list, cpu_set_t **ret, size_t *ret_size);
/* The CPU affinity the process runs with, as runc 1.2+: execCPUAffinity.final for an exec
 * process when given, else every CPU (the kernel narrows it to the cgroup's cpuset), so that
 * the affinity of whoever ran the runtime (taskset, systemd's CPUAffinity) does not leak in. */
int ocirt_process_cpu_affinity(const struct oci_process *p, bool exec, struct ocirt_error **err);
/* linux.memoryPolicy through set_mempolicy(2) (runc 1.4); an empty object sets nothing. */
int ocirt_process_memory_policy(const struct oci_memory_policy *mp, struct ocirt_error **err);
/* linux.personality: the execution domain (flags are ignored, as runc does). */
int ocirt_process_personality(const struct oci_personality *pers, struct ocirt_error **err);
/* setgroups(additionalGids, or none), setresgid, setresuid; setgroups EPERM in a user
 * namespace with setgroups denied is ignored. */
int ocirt_process_user(const struct oci_process *p, struct ocirt_error **err);
/* umask (default 0022). */
void ocirt_process_umask(const struct oci_process *p);
/* mkdir -p cwd (as root, before the user switch: runc creates a missing cwd too). */
int ocirt_process_cwd_create(const struct oci_process *p, struct ocirt_error **err);
int ocirt_process_chdir(const struct oci_process *p, struct ocirt_error **err);
/* runc's words for an env entry it refuses ("invalid environment variable", "environment
 * variable name can't be empty"); NULL for a good one. */
const char *ocirt_process_env_problem(const char *entry);
/* process.env (a name given twice: its first place, its last value) plus HOME (from
 * /etc/passwd when missing or empty) and the socket-activation pair, as runc. */
char **ocirt_process_env(const struct oci_process *p, int listen_fds);
/* Look args[0] up like Go's exec.LookPath in runc, in PATH of env, with runc's messages:
 *   "foo": executable file not found in $PATH
 *   "/bin": permission denied
 *   "/nope": stat /nope: no such file or directory
 * (the caller's step name "exec" completes them as `exec: "foo": ...`). */
int ocirt_process_find_exec(const char *arg0, char *const *env, char **ret, struct ocirt_error **err);
/* Parent side, before anything exists: fds first..first+n-1 (--preserve-fds after stdio
 * and $LISTEN_FDS) must be open. */
int ocirt_process_check_preserved_fds(int first, int n, struct ocirt_error **err);

#endif
