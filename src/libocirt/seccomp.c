/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp -> BPF (parent), seccomp(2) load and listener hand-off (child).
 * See seccomp.h for where each function runs. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/seccomp.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_LOG
#define SECCOMP_FILTER_FLAG_LOG (1UL << 1)
#endif
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct {
	const char *name;
	unsigned int flag;
} flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

/* seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL) fails with EFAULT when the kernel knows the
 * flag (it got as far as reading the program) and EINVAL when it doesn't. */
static bool kernel_has_flag(unsigned int flag)
{
	/* WAIT_KILLABLE_RECV (5.19) is refused on its own: it only goes with a listener. */
	if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL);
	return r < 0 && errno == EFAULT;
}

char **ocirt_seccomp_supported_flags(void)
{
	char **v = xnew0(char *, 1);

	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (kernel_has_flag(flag_names[i].flag))
			strv_append(&v, flag_names[i].name);
	return v;
}

/* "SCMP_ACT_ERRNO" + errno -> libseccomp action. errno_ret < 0: none given. */
static int parse_action(const char *name, int64_t errno_ret, uint32_t *ret, bool *ret_notify)
{
	*ret_notify = false;
	if (streq(name, "SCMP_ACT_ERRNO")) {
		*ret = SCMP_ACT_ERRNO(errno_ret >= 0 ? (uint32_t)errno_ret : EPERM);
		return 0;
	}
	if (streq(name, "SCMP_ACT_TRACE")) {
		*ret = SCMP_ACT_TRACE(errno_ret >= 0 ? (uint32_t)errno_ret : EPERM);
		return 0;
	}
	if (errno_ret >= 0)
		return -EPROTO; /* errnoRet given to an action that takes none */
	if (streq(name, "SCMP_ACT_KILL") || streq(name, "SCMP_ACT_KILL_THREAD"))
		*ret = SCMP_ACT_KILL_THREAD;
	else if (streq(name, "SCMP_ACT_KILL_PROCESS"))
		*ret = SCMP_ACT_KILL_PROCESS;
	else if (streq(name, "SCMP_ACT_TRAP"))
		*ret = SCMP_ACT_TRAP;
	else if (streq(name, "SCMP_ACT_ALLOW"))
		*ret = SCMP_ACT_ALLOW;
	else if (streq(name, "SCMP_ACT_LOG"))
		*ret = SCMP_ACT_LOG;
	else if (streq(name, "SCMP_ACT_NOTIFY")) {
		*ret = SCMP_ACT_NOTIFY;
		*ret_notify = true;
	} else
		return -EINVAL;
	return 0;
}

static int action_error(struct ocirt_error **err, int r, const char *path, const char *name)
{
	if (r == -EPROTO)
		return ocirt_error_setx(err, EINVAL,
		                        "%s: errnoRet is only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not %s",
		                        path, name);
	return ocirt_error_setx(err, EINVAL, "%s: unknown seccomp action \"%s\"", path, name);
}

static int parse_op(const char *op, enum scmp_compare *ret)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
	    {"SCMP_CMP_NE", SCMP_CMP_NE},
	    {"SCMP_CMP_LT", SCMP_CMP_LT},
	    {"SCMP_CMP_LE", SCMP_CMP_LE},
	    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
	    {"SCMP_CMP_GE", SCMP_CMP_GE},
	    {"SCMP_CMP_GT", SCMP_CMP_GT},
	    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (op && streq(op, ops[i].name)) {
			*ret = ops[i].op;
			return 0;
		}
	return -EINVAL;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token for "x86_64". */
static uint32_t parse_arch(const char *name)
{
	char buf[64];
	size_t n = 0;

	if (strncmp(name, "SCMP_ARCH_", 10) != 0)
		return 0;
	for (const char *p = name + 10; *p && n < sizeof(buf) - 1; p++)
		buf[n++] = (char)tolower((unsigned char)*p);
	buf[n] = '\0';
	if (n == 0 || streq(buf, "native"))
		return n ? seccomp_arch_native() : 0;
	return seccomp_arch_resolve_name(buf);
}

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* One syscall entry: every name, with the args as one AND-ed rule, or, when two args test the
 * same index (which libseccomp refuses in one rule), one rule per arg (runc's fallback). */
static int add_syscall_rules(scmp_filter_ctx ctx, const struct oci_seccomp_syscall *sc, size_t idx,
                             uint32_t default_action, bool *has_notify, struct ocirt_error **err)
{
	struct scmp_arg_cmp conds[6 * 8];
	unsigned int per_index[6] = {0};
	bool same_index = false;
	uint32_t action;
	bool notify;
	int r;

	r = parse_action(sc->action ? sc->action : "", sc->has_errno_ret ? (int64_t)sc->errno_ret : -1, &action,
	                 &notify);
	if (r < 0) {
		_cleanup_free_ char *path = xasprintf(".linux.seccomp.syscalls[%zu].action", idx);
		return action_error(err, r, path, sc->action ? sc->action : "");
	}
	if (sc->args_len > ARRAY_SIZE(conds))
		return ocirt_error_setx(err, EINVAL, ".linux.seccomp.syscalls[%zu].args: too many conditions (%zu)",
		                        idx, sc->args_len);
	for (size_t a = 0; a < sc->args_len; a++) {
		const struct oci_seccomp_arg *arg = &sc->args[a];
		enum scmp_compare op;

		if (arg->index >= 6)
			return ocirt_error_setx(
			    err, EINVAL, ".linux.seccomp.syscalls[%zu].args[%zu].index: %u is out of range (0-5)", idx,
			    a, arg->index);
		if (parse_op(arg->op, &op) < 0)
			return ocirt_error_setx(err, EINVAL,
			                        ".linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator \"%s\"",
			                        idx, a, arg->op ? arg->op : "");
		conds[a] = (struct scmp_arg_cmp){
		    .arg = arg->index,
		    .op = op,
		    .datum_a = arg->value,
		    .datum_b = arg->has_value_two ? arg->value_two : 0,
		};
		if (++per_index[arg->index] > 1)
			same_index = true;
	}
	if (action == default_action)
		return 0; /* changes nothing; libseccomp would refuse it */
	if (notify)
		*has_notify = true;

	for (size_t n = 0; sc->names && sc->names[n]; n++) {
		const char *name = sc->names[n];
		int nr = seccomp_syscall_resolve_name(name);

		if (nr == __NR_SCMP_ERROR) {
			log_debug("seccomp: skipping syscall \"%s\", unknown to libseccomp", name);
			continue;
		}
		if (sc->args_len == 0)
			r = seccomp_rule_add(ctx, action, nr, 0);
		else if (!same_index)
			r = seccomp_rule_add_array(ctx, action, nr, (unsigned int)sc->args_len, conds);
		else {
			r = 0;
			for (size_t a = 0; a < sc->args_len && r == 0; a++)
				r = seccomp_rule_add_array(ctx, action, nr, 1, &conds[a]);
		}
		if (r < 0)
			return ocirt_error_set(err, -r, ".linux.seccomp.syscalls[%zu]: add rule for \"%s\" (%s)", idx,
			                       name, sc->action);
	}
	return 0;
}

/* Export the program: libseccomp 2.5 only writes BPF to an fd, so use a memfd. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **ret_insns, size_t *ret_len, struct ocirt_error **err)
{
	_cleanup_close_ int fd = memfd_create("ocirt-seccomp", MFD_CLOEXEC);
	_cleanup_free_ struct sock_filter *insns = NULL;
	struct stat st;
	int r;

	if (fd < 0)
		return ocirt_error_set(err, errno, "seccomp: memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return ocirt_error_set(err, -r, "seccomp: export BPF");
	if (fstat(fd, &st) < 0)
		return ocirt_error_set(err, errno, "seccomp: fstat BPF");
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0)
		return ocirt_error_setx(err, EINVAL, "seccomp: exported BPF has an odd size (%lld bytes)",
		                        (long long)st.st_size);
	if ((size_t)st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return ocirt_error_setx(err, E2BIG,
		                        "seccomp: the filter has %zu instructions, the kernel takes at most %d",
		                        (size_t)st.st_size / sizeof(struct sock_filter), BPF_MAXINSNS);
	insns = xmalloc((size_t)st.st_size);
	for (size_t off = 0; off < (size_t)st.st_size;) {
		ssize_t n = pread(fd, (char *)insns + off, (size_t)st.st_size - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ocirt_error_set(err, n < 0 ? errno : EIO, "seccomp: read BPF back");
		off += (size_t)n;
	}
	*ret_len = (size_t)st.st_size / sizeof(struct sock_filter);
	*ret_insns = TAKE_PTR(insns);
	return 0;
}

/* runc's -ENOSYS stub. A profile written before a syscall existed sends it to the default
 * action; with an errno default (Docker's EPERM) libc can't tell "denied" from "not
 * implemented" and never takes its fallback path (glibc's fchmodat on fchmodat2, clone3,
 * ...). So syscall numbers above the highest one the profile mentions get ENOSYS instead.
 * Only for the native ABI (and x32 beside x86_64): their tables are plain numbers, while
 * compat ABIs like i386 multiplex socket/ipc calls whose direct numbers the profile's
 * names don't reveal. Not applied when the default already allows, logs or returns
 * ENOSYS. */
#define X32_SYSCALL_BIT 0x40000000U

static int profile_max_nr(const struct oci_seccomp *s, uint32_t arch, int64_t *ret)
{
	int64_t max = -1;

	for (size_t i = 0; i < s->syscalls_len; i++)
		for (size_t n = 0; s->syscalls[i].names && s->syscalls[i].names[n]; n++) {
			int nr = seccomp_syscall_resolve_name_arch(arch, s->syscalls[i].names[n]);
			if (nr >= 0 && nr > max)
				max = nr;
		}
	*ret = max;
	return max >= 0;
}

static bool profile_has_arch(const struct oci_seccomp *s, uint32_t arch)
{
	for (size_t i = 0; s->architectures && s->architectures[i]; i++)
		if (parse_arch(s->architectures[i]) == arch)
			return true;
	return false;
}

#define STMT(c, kk)       ((struct sock_filter){.code = (c), .jt = 0, .jf = 0, .k = (kk)})
#define JUMP(c, kk, t, f) ((struct sock_filter){.code = (c), .jt = (t), .jf = (f), .k = (kk)})

static size_t enosys_stub(const struct oci_seccomp *s, uint32_t default_action, struct sock_filter out[8])
{
	uint32_t native = seccomp_arch_native();
	int64_t max_native, max_x32 = -1;
	bool x32;
	size_t n = 0;

	if (default_action == SCMP_ACT_ALLOW || default_action == SCMP_ACT_LOG ||
	    default_action == SCMP_ACT_ERRNO(ENOSYS))
		return 0;
	if (!profile_max_nr(s, native, &max_native))
		return 0;
	x32 = native == SCMP_ARCH_X86_64 && profile_has_arch(s, SCMP_ARCH_X32) &&
	      profile_max_nr(s, SCMP_ARCH_X32, &max_x32);

	/* 0 */ out[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, 4); /* seccomp_data.arch */
	if (native == SCMP_ARCH_X86_64) {
		/* 1 */ out[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, native, 0, x32 ? 5 : 4);
		/* 2 */ out[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, 0); /* seccomp_data.nr */
		if (x32) {
			/* 3 */ out[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 1, 0);
			/* 4 */ out[n++] = JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max_native, 1, 2);
			/* 5 */ out[n++] = JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max_x32, 0, 1);
		} else {
			/* 3: x32 calls go to libseccomp's own handling */
			/* 3 */ out[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 2, 0);
			/* 4 */ out[n++] = JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max_native, 0, 1);
		}
	} else {
		/* 1 */ out[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, native, 0, 3);
		/* 2 */ out[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, 0);
		/* 3 */ out[n++] = JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max_native, 0, 1);
	}
	out[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	/* falls through to libseccomp's program */
	return n;
}

static int prepend_stub(const struct sock_filter *stub, size_t n, struct sock_filter **insns, size_t *len,
                        struct ocirt_error **err)
{
	if (n == 0)
		return 0;
	if (*len + n > BPF_MAXINSNS)
		return ocirt_error_setx(err, E2BIG,
		                        "seccomp: the filter has %zu instructions, the kernel takes at most %d",
		                        *len + n, BPF_MAXINSNS);
	struct sock_filter *v = xreallocarray(NULL, *len + n, sizeof(*v));
	memcpy(v, stub, n * sizeof(*v));
	memcpy(v + n, *insns, *len * sizeof(*v));
	free(*insns);
	*insns = v;
	*len += n;
	return 0;
}

static int build_bpf(const struct oci_seccomp *s, struct sock_filter **ret_insns, size_t *ret_len,
                     struct ocirt_error **err)
{
	_cleanup_(ctx_releasep) scmp_filter_ctx ctx = NULL;
	uint32_t default_action;
	bool notify, has_notify = false;
	int r;

	r = parse_action(s->default_action ? s->default_action : "",
	                 s->has_default_errno_ret ? (int64_t)s->default_errno_ret : -1, &default_action, &notify);
	if (r == -EPROTO)
		return ocirt_error_setx(
		    err, EINVAL,
		    ".linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not %s",
		    s->default_action);
	if (r < 0)
		return action_error(err, r, ".linux.seccomp.defaultAction", s->default_action ? s->default_action : "");
	if (notify)
		/* It would apply to the runtime's own syscalls that hand the listener over. */
		return ocirt_error_setx(err, EINVAL,
		                        ".linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");

	ctx = seccomp_init(default_action);
	if (!ctx)
		return ocirt_error_setx(err, ENOMEM, "seccomp: seccomp_init failed");
	/* A binary tree of syscall numbers: big profiles (Podman's ~400 syscalls) cost a few
	 * comparisons per syscall instead of hundreds. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

	for (size_t i = 0; s->architectures && s->architectures[i]; i++) {
		uint32_t arch = parse_arch(s->architectures[i]);
		if (arch == 0)
			return ocirt_error_setx(err, EINVAL,
			                        ".linux.seccomp.architectures[%zu]: unknown architecture \"%s\"", i,
			                        s->architectures[i]);
		r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return ocirt_error_set(err, -r, ".linux.seccomp.architectures[%zu]: add \"%s\"", i,
			                       s->architectures[i]);
	}

	for (size_t i = 0; i < s->syscalls_len; i++) {
		r = add_syscall_rules(ctx, &s->syscalls[i], i, default_action, &has_notify, err);
		if (r < 0)
			return r;
	}
	r = export_bpf(ctx, ret_insns, ret_len, err);
	if (r < 0)
		return r;
	{
		struct sock_filter stub[8];
		size_t n = enosys_stub(s, default_action, stub);
		r = prepend_stub(stub, n, ret_insns, ret_len, err);
		if (r < 0) {
			free(*ret_insns);
			*ret_insns = NULL;
			return r;
		}
	}
	return 0;
}

static bool uses_notify(const struct oci_seccomp *s)
{
	for (size_t i = 0; i < s->syscalls_len; i++)
		if (s->syscalls[i].action && streq(s->syscalls[i].action, "SCMP_ACT_NOTIFY"))
			return true;
	return false;
}

static int compile_flags(const struct oci_seccomp *s, bool notify, unsigned int *ret, struct ocirt_error **err)
{
	unsigned int flags = 0;

	for (size_t i = 0; s->flags && s->flags[i]; i++) {
		unsigned int f = 0;
		for (size_t k = 0; k < ARRAY_SIZE(flag_names); k++)
			if (streq(s->flags[i], flag_names[k].name))
				f = flag_names[k].flag;
		if (!f)
			return ocirt_error_setx(err, EINVAL, ".linux.seccomp.flags[%zu]: unknown flag \"%s\"", i,
			                        s->flags[i]);
		if (!kernel_has_flag(f))
			return ocirt_error_setx(err, EOPNOTSUPP,
			                        ".linux.seccomp.flags[%zu]: %s is not supported by this kernel", i,
			                        s->flags[i]);
		flags |= f;
	}
	if (notify) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* The kernel refuses TSYNC with a listener (unless TSYNC_ESRCH); the container
		 * process has one thread, so TSYNC has nothing to do anyway. */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC) {
			log_debug("seccomp: ignoring SECCOMP_FILTER_FLAG_TSYNC with a listener (single-threaded)");
			flags &= ~SECCOMP_FILTER_FLAG_TSYNC;
		}
	} else if (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
		/* Only meaningful (and only accepted by the kernel) with a listener. */
		log_debug("seccomp: ignoring SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without SCMP_ACT_NOTIFY rules");
		flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	*ret = flags;
	return 0;
}

char *ocirt_seccomp_cache_dir(const char *state_root)
{
	return xasprintf("%s/.seccomp~cache", state_root);
}

int ocirt_seccomp_compile(const struct oci_seccomp *s, const char *cache_dir, struct ocirt_seccomp **ret,
                          struct ocirt_error **err)
{
	struct ocirt_seccomp *out;
	uint8_t key[OCIRT_SHA256_LEN];
	const char *env;
	int r;

	if (!s) {
		*ret = NULL;
		return 0;
	}
	env = getenv("OCIRT_SECCOMP_CACHE");
	if (env && streq(env, "0"))
		cache_dir = NULL;

	out = xnew0(struct ocirt_seccomp, 1);
	out->notify = uses_notify(s);
	if (out->notify && (!s->listener_path || !*s->listener_path)) {
		ocirt_seccomp_free(out);
		return ocirt_error_setx(err, EINVAL,
		                        ".linux.seccomp.listenerPath: required when a syscall uses SCMP_ACT_NOTIFY");
	}
	r = compile_flags(s, out->notify, &out->flags, err);
	if (r < 0) {
		ocirt_seccomp_free(out);
		return r;
	}
	if (out->notify) {
		out->listener_path = xstrdup(s->listener_path);
		out->listener_metadata = s->listener_metadata ? xstrdup(s->listener_metadata) : NULL;
	}

	if (cache_dir) {
		ocirt_seccomp_cache_key(s, key);
		if (ocirt_seccomp_cache_get(cache_dir, key, &out->insns, &out->len) > 0) {
			log_debug("seccomp: %zu BPF instructions from the cache in `%s`", out->len, cache_dir);
			out->from_cache = true;
			*ret = out;
			return 0;
		}
	}
	r = build_bpf(s, &out->insns, &out->len, err);
	if (r < 0) {
		ocirt_seccomp_free(out);
		return r;
	}
	log_debug("seccomp: compiled %zu BPF instructions", out->len);
	if (cache_dir)
		ocirt_seccomp_cache_put(cache_dir, key, out->insns, out->len);
	*ret = out;
	return 0;
}

void ocirt_seccomp_free(struct ocirt_seccomp *s)
{
	if (!s)
		return;
	free(s->insns);
	free(s->listener_path);
	free(s->listener_metadata);
	free(s);
}

bool ocirt_seccomp_load_early(const struct ocirt_seccomp *s, bool no_new_privs, const struct ocirt_caps *caps,
                              uid_t uid)
{
	if (!s || no_new_privs)
		return false;
	if (!caps) /* capabilities untouched: kept by root, lost by setuid() to anyone else */
		return uid != 0;
	return !ocirt_caps_final_effective_has(caps, CAP_SYS_ADMIN);
}

int ocirt_seccomp_load(const struct ocirt_seccomp *s, int *ret_listener_fd, struct ocirt_error **err)
{
	struct sock_fprog prog;
	long r;

	if (ret_listener_fd)
		*ret_listener_fd = -1;
	if (!s)
		return 0;
	prog.len = (unsigned short)s->len;
	prog.filter = s->insns;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->flags, &prog);
	if (r < 0) {
		if (errno == EACCES)
			return ocirt_error_set(
			    err, errno, "load seccomp filter (noNewPrivileges is false and CAP_SYS_ADMIN is not held)");
		return ocirt_error_set(err, errno, "load seccomp filter");
	}
	if (s->notify) {
		if (ret_listener_fd)
			*ret_listener_fd = (int)r;
		else
			close((int)r);
	}
	return 0;
}

int ocirt_seccomp_notify_connect(const struct ocirt_seccomp *s, int *ret_fd, struct ocirt_error **err)
{
	_cleanup_close_ int fd = -1;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	*ret_fd = -1;
	if (!s || !s->notify)
		return 0;
	if (strlen(s->listener_path) >= sizeof(addr.sun_path))
		return ocirt_error_setx(err, ENAMETOOLONG, "seccomp listener path `%s` is too long", s->listener_path);
	strcpy(addr.sun_path, s->listener_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ocirt_error_set(err, errno, "seccomp listener: socket");
	if (TEMP_FAILURE_RETRY_INT(connect(fd, (struct sockaddr *)&addr, sizeof(addr))) < 0)
		return ocirt_error_set(err, errno, "connect to seccomp listener `%s`", s->listener_path);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int ocirt_seccomp_notify_send(const struct ocirt_seccomp *s, int sock_fd, int listener_fd,
                              const struct oci_state *state, struct ocirt_error **err)
{
	_cleanup_close_ int sock = sock_fd;
	_cleanup_close_ int lfd = listener_fd;
	_cleanup_free_ char *json = NULL;
	char *fds[] = {(char *)"seccompFd", NULL};
	struct oci_container_process_state ps;
	size_t len = 0, off;
	int r;

	if (!s || !s->notify)
		return 0;
	if (sock < 0 || lfd < 0)
		return ocirt_error_setx(err, EBADF, "seccomp listener: no connection or no listener fd");

	memset(&ps, 0, sizeof(ps));
	ps.oci_version = (char *)OCIRT_SPEC_VERSION;
	ps.fds = fds;
	ps.pid = state->has_pid ? state->pid : 0;
	ps.metadata = s->listener_metadata;
	ps.state = *state; /* shallow: generate only reads it */
	r = oci_container_process_state_generate(&ps, &json, &len, err);
	if (r < 0)
		return ocirt_error_prefix(err, "seccomp listener");

	/* The fd rides on the first message, as runc and crun send it. */
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = json, .iov_len = len};
	struct msghdr msg = {
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = u.buf,
	    .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;

	memset(&u, 0, sizeof(u));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &lfd, sizeof(int));

	ssize_t n = TEMP_FAILURE_RETRY_INT(sendmsg(sock, &msg, MSG_NOSIGNAL));
	if (n < 0)
		return ocirt_error_set(err, errno, "send seccomp listener fd to `%s`", s->listener_path);
	for (off = (size_t)n; off < len;) {
		n = TEMP_FAILURE_RETRY_INT(send(sock, json + off, len - off, MSG_NOSIGNAL));
		if (n <= 0)
			return ocirt_error_set(err, n < 0 ? errno : EPIPE, "send container state to `%s`",
			                       s->listener_path);
		off += (size_t)n;
	}
	return 0;
}
