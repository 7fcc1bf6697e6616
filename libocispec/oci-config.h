/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runtime-spec (1.2, Linux) config.json and process.json model. See oci-types.h for the
 * conventions (absent vs empty, has_ flags). Field names follow the JSON keys. */
#ifndef OCI_CONFIG_H
#define OCI_CONFIG_H

#include "libocispec/oci-types.h"
#include "common/error.h"

struct oci_box {
	uint32_t height;
	uint32_t width;
};

struct oci_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids; /* "additionalGids" */
	size_t additional_gids_len;
	char *username; /* Windows only, kept for round trips */
};

struct oci_capabilities {
	char **bounding;
	char **effective;
	char **inheritable;
	char **permitted;
	char **ambient;
};

struct oci_rlimit {
	char *type; /* "RLIMIT_NOFILE", validated against the known names */
	uint64_t hard;
	uint64_t soft;
};

struct oci_scheduler {
	char *policy; /* SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE */
	bool has_nice;
	int32_t nice;
	bool has_priority;
	int32_t priority;
	char **flags; /* SCHED_FLAG_* */
	bool has_runtime;
	uint64_t runtime;
	bool has_deadline;
	uint64_t deadline;
	bool has_period;
	uint64_t period;
};

struct oci_io_priority {
	char *class_; /* "class": IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE */
	int32_t priority;
};

struct oci_cpu_affinity {
	char *initial;
	char *final;
};

struct oci_process {
	bool has_terminal;
	bool terminal;
	struct oci_box *console_size; /* "consoleSize" */
	struct oci_user user;         /* required on Linux (uid and gid) */
	char **args;
	char *command_line; /* "commandLine", Windows only */
	char **env;
	char *cwd; /* required, absolute */
	struct oci_capabilities *capabilities;
	struct oci_rlimit *rlimits;
	size_t rlimits_len;
	bool has_no_new_privileges;
	bool no_new_privileges; /* "noNewPrivileges" */
	char *apparmor_profile; /* "apparmorProfile" */
	bool has_oom_score_adj;
	int32_t oom_score_adj; /* "oomScoreAdj", -1000..1000 */
	char *selinux_label;   /* "selinuxLabel" */
	struct oci_scheduler *scheduler;
	struct oci_io_priority *io_priority; /* "ioPriority" */
	struct oci_cpu_affinity *exec_cpu_affinity; /* "execCPUAffinity" */
};

struct oci_root {
	char *path; /* required */
	bool has_readonly;
	bool readonly;
};

struct oci_id_mapping {
	uint32_t container_id; /* "containerID" */
	uint32_t host_id;      /* "hostID" */
	uint32_t size;
};

struct oci_mount {
	char *destination; /* required */
	char *type;
	char *source;
	char **options;
	struct oci_id_mapping *uid_mappings; /* "uidMappings" */
	size_t uid_mappings_len;
	struct oci_id_mapping *gid_mappings; /* "gidMappings" */
	size_t gid_mappings_len;
};

struct oci_hook {
	char *path; /* required, absolute */
	char **args;
	char **env;
	bool has_timeout;
	int32_t timeout; /* seconds, > 0 */
};

struct oci_hooks {
	struct oci_hook *prestart;
	size_t prestart_len;
	struct oci_hook *create_runtime; /* "createRuntime" */
	size_t create_runtime_len;
	struct oci_hook *create_container; /* "createContainer" */
	size_t create_container_len;
	struct oci_hook *start_container; /* "startContainer" */
	size_t start_container_len;
	struct oci_hook *poststart;
	size_t poststart_len;
	struct oci_hook *poststop;
	size_t poststop_len;
};

struct oci_namespace {
	char *type; /* pid network mount ipc uts user cgroup time */
	char *path;
};

struct oci_time_offset {
	char *clock; /* the key: "monotonic" or "boottime" */
	bool has_secs;
	int64_t secs;
	bool has_nanosecs;
	uint32_t nanosecs;
};

struct oci_device {
	char *type; /* c b u p */
	char *path; /* required, absolute */
	bool has_major;
	int64_t major;
	bool has_minor;
	int64_t minor;
	bool has_file_mode;
	uint32_t file_mode; /* "fileMode" */
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
};

struct oci_device_cgroup {
	bool allow; /* required */
	char *type; /* a c b, absent = all */
	bool has_major;
	int64_t major;
	bool has_minor;
	int64_t minor;
	char *access; /* subset of "rwm" */
};

struct oci_memory {
	bool has_limit;
	int64_t limit;
	bool has_reservation;
	int64_t reservation;
	bool has_swap;
	int64_t swap;
	bool has_kernel;
	int64_t kernel;
	bool has_kernel_tcp;
	int64_t kernel_tcp; /* "kernelTCP" */
	bool has_swappiness;
	uint64_t swappiness;
	bool has_disable_oom_killer;
	bool disable_oom_killer; /* "disableOOMKiller" */
	bool has_use_hierarchy;
	bool use_hierarchy;
	bool has_check_before_update;
	bool check_before_update;
};

struct oci_cpu {
	bool has_shares;
	uint64_t shares;
	bool has_quota;
	int64_t quota;
	bool has_burst;
	uint64_t burst;
	bool has_period;
	uint64_t period;
	bool has_realtime_runtime;
	int64_t realtime_runtime;
	bool has_realtime_period;
	uint64_t realtime_period;
	char *cpus;
	char *mems;
	bool has_idle;
	int64_t idle;
};

struct oci_pids {
	bool has_limit;
	int64_t limit;
};

struct oci_weight_device {
	int64_t major;
	int64_t minor;
	bool has_weight;
	uint16_t weight;
	bool has_leaf_weight;
	uint16_t leaf_weight;
};

struct oci_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct oci_block_io {
	bool has_weight;
	uint16_t weight;
	bool has_leaf_weight;
	uint16_t leaf_weight;
	struct oci_weight_device *weight_device;
	size_t weight_device_len;
	struct oci_throttle_device *throttle_read_bps_device;
	size_t throttle_read_bps_device_len;
	struct oci_throttle_device *throttle_write_bps_device;
	size_t throttle_write_bps_device_len;
	struct oci_throttle_device *throttle_read_iops_device; /* "throttleReadIOPSDevice" */
	size_t throttle_read_iops_device_len;
	struct oci_throttle_device *throttle_write_iops_device;
	size_t throttle_write_iops_device_len;
};

struct oci_hugepage_limit {
	char *page_size; /* "pageSize", e.g. "2MB" */
	uint64_t limit;
};

struct oci_net_priority {
	char *name;
	uint32_t priority;
};

struct oci_network {
	bool has_class_id;
	uint32_t class_id; /* "classID" */
	struct oci_net_priority *priorities;
	size_t priorities_len;
};

struct oci_rdma {
	char *device; /* the key */
	bool has_hca_handles;
	uint32_t hca_handles;
	bool has_hca_objects;
	uint32_t hca_objects;
};

struct oci_resources {
	struct oci_device_cgroup *devices;
	size_t devices_len;
	struct oci_memory *memory;
	struct oci_cpu *cpu;
	struct oci_pids *pids;
	struct oci_block_io *block_io; /* "blockIO" */
	struct oci_hugepage_limit *hugepage_limits;
	size_t hugepage_limits_len;
	struct oci_network *network;
	struct oci_rdma *rdma;
	size_t rdma_len;
	struct oci_map *unified;
};

struct oci_intel_rdt {
	char *clos_id; /* "closID" */
	char *l3_cache_schema;
	char *mem_bw_schema;
	char **schemata;
	bool has_enable_monitoring;
	bool enable_monitoring;
	bool has_enable_cmt;
	bool enable_cmt; /* "enableCMT" */
	bool has_enable_mbm;
	bool enable_mbm; /* "enableMBM" */
};

struct oci_seccomp_arg {
	uint32_t index;
	uint64_t value;
	bool has_value_two;
	uint64_t value_two; /* "valueTwo" */
	char *op; /* SCMP_CMP_NE LT LE EQ GE GT MASKED_EQ */
};

struct oci_seccomp_syscall {
	char **names; /* required, non-empty */
	char *action; /* required */
	bool has_errno_ret;
	uint32_t errno_ret; /* "errnoRet" */
	struct oci_seccomp_arg *args;
	size_t args_len;
};

struct oci_seccomp {
	char *default_action; /* required */
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	char **architectures; /* SCMP_ARCH_* */
	char **flags;         /* SECCOMP_FILTER_FLAG_* */
	char *listener_path;
	char *listener_metadata;
	struct oci_seccomp_syscall *syscalls;
	size_t syscalls_len;
};

struct oci_personality {
	char *domain; /* LINUX LINUX32 */
	char **flags;
};

struct oci_net_device {
	char *host_name; /* the key */
	char *name;
};

struct oci_memory_policy {
	char *mode; /* MPOL_* */
	char *nodes;
	char **flags;
};

struct oci_linux {
	struct oci_id_mapping *uid_mappings;
	size_t uid_mappings_len;
	struct oci_id_mapping *gid_mappings;
	size_t gid_mappings_len;
	struct oci_time_offset *time_offsets; /* "timeOffsets" */
	size_t time_offsets_len;
	struct oci_map *sysctl;
	struct oci_resources *resources;
	char *cgroups_path; /* "cgroupsPath" */
	struct oci_namespace *namespaces;
	size_t namespaces_len;
	struct oci_device *devices;
	size_t devices_len;
	struct oci_seccomp *seccomp;
	char *rootfs_propagation; /* shared slave private unbindable (and r* forms) */
	char **masked_paths;
	char **readonly_paths;
	char *mount_label;
	struct oci_intel_rdt *intel_rdt;
	struct oci_personality *personality;
	struct oci_net_device *net_devices;
	size_t net_devices_len;
	struct oci_memory_policy *memory_policy;
};

struct oci_config {
	char *oci_version; /* required */
	struct oci_process *process;
	struct oci_root *root;
	char *hostname;
	char *domainname;
	struct oci_mount *mounts;
	size_t mounts_len;
	struct oci_hooks *hooks;
	struct oci_map *annotations;
	struct oci_linux *linux_; /* "linux" */
};

/* Parsing. `source` names the input in messages ("config.json", "process.json"); every
 * message is "<source>: <json path>: <problem>", e.g.
 *   config.json: .linux.namespaces[2].type: unknown namespace type "netx"
 * On failure returns a negative errno (-EINVAL for invalid content), sets *err to the first
 * problem and, when problems != NULL, appends every problem found (the parser goes on past
 * a bad field so `ocirt check` can report them all). *ret is untouched on failure. */
int oci_config_parse(const char *data, size_t len, const char *source, struct oci_config **ret,
		     char ***problems, struct ocirt_error **err);
/* Reads the file (refusing non-regular files and files over 64 MiB) and parses it, with the
 * file's base name as source. */
int oci_config_parse_file(const char *path, struct oci_config **ret, char ***problems,
			  struct ocirt_error **err);
/* Generate JSON; pretty = indented. Returns a NUL-terminated malloc'd buffer. */
int oci_config_generate(const struct oci_config *c, bool pretty, char **ret_json, size_t *ret_len,
			struct ocirt_error **err);
void oci_config_free(struct oci_config *c);

/* process.json (exec --process): the same validation as .process in config.json. */
int oci_process_parse(const char *data, size_t len, const char *source, struct oci_process **ret,
		      char ***problems, struct ocirt_error **err);
int oci_process_generate(const struct oci_process *p, bool pretty, char **ret_json, size_t *ret_len,
			 struct ocirt_error **err);
void oci_process_free(struct oci_process *p);

/* linux.resources on its own (update --resources). */
int oci_resources_parse(const char *data, size_t len, const char *source, struct oci_resources **ret,
			char ***problems, struct ocirt_error **err);
int oci_resources_generate(const struct oci_resources *r, bool pretty, char **ret_json, size_t *ret_len,
			   struct ocirt_error **err);
void oci_resources_free(struct oci_resources *r);

static inline void oci_config_freep(struct oci_config **c)
{
	oci_config_free(*c);
	*c = NULL;
}
static inline void oci_process_freep(struct oci_process **p)
{
	oci_process_free(*p);
	*p = NULL;
}
#define _cleanup_config_ __attribute__((cleanup(oci_config_freep)))
#define _cleanup_process_ __attribute__((cleanup(oci_process_freep)))

/* Lookups. */
const struct oci_namespace *oci_config_find_namespace(const struct oci_config *c, const char *type);
const char *oci_config_annotation(const struct oci_config *c, const char *key);

/* The values the parser accepts (NULL-terminated), e.g. for features.json. */
extern const char *const oci_namespace_types[];
extern const char *const oci_rlimit_types[];
extern const char *const oci_seccomp_actions[];
extern const char *const oci_seccomp_operators[];
extern const char *const oci_seccomp_archs[];
extern const char *const oci_seccomp_flags[];
extern const char *const oci_rootfs_propagations[];
extern const char *const oci_scheduler_policies[];
extern const char *const oci_scheduler_flags[];
extern const char *const oci_ioprio_classes[];
extern const char *const oci_memory_policy_modes[];
extern const char *const oci_memory_policy_flags[];
extern const char *const oci_personality_domains[];
extern const char *const oci_time_offset_clocks[];
extern const char *const oci_state_statuses[];

#endif
