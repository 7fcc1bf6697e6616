/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "common/log.h"
#include "common/xalloc.h"
#include "libocirt/cgroup-bpf.h"

/* The context of BPF_PROG_TYPE_CGROUP_DEVICE (struct bpf_cgroup_dev_ctx). */
#define CTX_ACCESS_TYPE 0 /* (access << 16) | type */
#define CTX_MAJOR 4
#define CTX_MINOR 8

/* Registers, after the prologue. */
enum {
	R0 = 0,
	R1 = 1, /* ctx */
	R_TYPE = 2,
	R_ACCESS = 3,
	R_MAJOR = 4,
	R_MINOR = 5,
	R_TMP = 6,
};

struct emitter {
	struct bpf_insn *v;
	size_t len, cap;
};

static size_t emit(struct emitter *e, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (e->len == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->v = xreallocarray(e->v, e->cap, sizeof(*e->v));
	}
	e->v[e->len] = (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
	return e->len++;
}

static void ldx_w(struct emitter *e, uint8_t dst, uint8_t src, int16_t off)
{
	emit(e, BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0);
}

static void alu64_imm(struct emitter *e, uint8_t op, uint8_t dst, int32_t imm)
{
	emit(e, BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
}

static void mov64_reg(struct emitter *e, uint8_t dst, uint8_t src)
{
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}

/* 32-bit compare, so device numbers >= 2^31 compare right (imm is sign-extended in the
 * 64-bit form). BPF_JMP32 exists since Linux 5.1. Offset patched later. */
static size_t jne32_imm(struct emitter *e, uint8_t dst, uint32_t imm)
{
	return emit(e, BPF_JMP32 | BPF_JNE | BPF_K, dst, 0, 0, (int32_t)imm);
}

static void ret_imm(struct emitter *e, int32_t v)
{
	alu64_imm(e, BPF_MOV, R0, v);
	emit(e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static bool matches_all(const struct ocirt_cg_dev_rule *r)
{
	return r->type == 'a' && r->major < 0 && r->minor < 0 && r->access == OCIRT_CG_ACC_ALL;
}

int ocirt_bpf_devices_build(const struct ocirt_cg_dev_rule *rules, size_t n, struct bpf_insn **ret,
			    size_t *ret_len)
{
	struct emitter e = {0};
	size_t i;
	bool terminated = false;

	/* Prologue: split the context into registers once. */
	ldx_w(&e, R_TYPE, R1, CTX_ACCESS_TYPE);
	alu64_imm(&e, BPF_AND, R_TYPE, 0xffff);
	ldx_w(&e, R_ACCESS, R1, CTX_ACCESS_TYPE);
	alu64_imm(&e, BPF_RSH, R_ACCESS, 16);
	ldx_w(&e, R_MAJOR, R1, CTX_MAJOR);
	ldx_w(&e, R_MINOR, R1, CTX_MINOR);

	/* Last rule first: the first block that matches returns its verdict. */
	for (i = n; i-- > 0;) {
		const struct ocirt_cg_dev_rule *r = &rules[i];
		size_t jumps[4], nj = 0, k;

		if (matches_all(r)) {
			/* Everything below is unreachable. */
			ret_imm(&e, r->allow ? 1 : 0);
			terminated = true;
			break;
		}
		if (r->type == 'c' || r->type == 'b')
			jumps[nj++] = jne32_imm(&e, R_TYPE, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
		if (r->access != OCIRT_CG_ACC_ALL) {
			/* the request must ask for nothing outside the rule's access */
			mov64_reg(&e, R_TMP, R_ACCESS);
			alu64_imm(&e, BPF_AND, R_TMP, (int32_t)(~r->access & OCIRT_CG_ACC_ALL));
			jumps[nj++] = jne32_imm(&e, R_TMP, 0);
		}
		if (r->major >= 0)
			jumps[nj++] = jne32_imm(&e, R_MAJOR, (uint32_t)r->major);
		if (r->minor >= 0)
			jumps[nj++] = jne32_imm(&e, R_MINOR, (uint32_t)r->minor);
		ret_imm(&e, r->allow ? 1 : 0);
		for (k = 0; k < nj; k++)
			e.v[jumps[k]].off = (int16_t)(e.len - jumps[k] - 1);
	}
	if (!terminated)
		ret_imm(&e, 0); /* no rule matched: deny */
	*ret = e.v;
	*ret_len = e.len;
	return 0;
}

int ocirt_cg_dev_rules_eval(const struct ocirt_cg_dev_rule *rules, size_t n, char type, uint32_t major,
			    uint32_t minor, unsigned access)
{
	size_t i;

	for (i = n; i-- > 0;) {
		const struct ocirt_cg_dev_rule *r = &rules[i];
		if (r->type != 'a' && r->type != type)
			continue;
		if (access & ~r->access)
			continue;
		if (r->major >= 0 && (uint32_t)r->major != major)
			continue;
		if (r->minor >= 0 && (uint32_t)r->minor != minor)
			continue;
		return r->allow ? 1 : 0;
	}
	return 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int ocirt_bpf_devices_load(const struct bpf_insn *insns, size_t n, int *ret_fd, struct ocirt_error **err)
{
	union bpf_attr attr;
	static const char license[] = "GPL";
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t)license;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		int saved = errno;
		/* Load again with the verifier log to say why. */
		size_t log_size = 64 * 1024;
		_cleanup_free_ char *log = xzalloc(log_size);
		attr.log_level = 1;
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = (uint32_t)log_size;
		fd = sys_bpf(BPF_PROG_LOAD, &attr);
		if (fd < 0) {
			size_t l = strlen(log);
			while (l > 0 && log[l - 1] == '\n')
				log[--l] = 0;
			if (l)
				return ocirt_error_set(err, saved, "load the cgroup device BPF program (%s)", log);
			return ocirt_error_set(err, saved, "load the cgroup device BPF program");
		}
	}
	/* bpf(2) fds are close-on-exec since Linux 4.14 (BPF_F_... none needed). */
	*ret_fd = fd;
	return 0;
}

int ocirt_bpf_devices_query(int cgroup_fd, uint32_t **ret, size_t *ret_len, struct ocirt_error **err)
{
	union bpf_attr attr;
	uint32_t cnt = 64;
	_cleanup_free_ uint32_t *ids = NULL;

	for (;;) {
		ids = xreallocarray(ids, cnt, sizeof(uint32_t));
		memset(&attr, 0, sizeof(attr));
		attr.query.target_fd = (uint32_t)cgroup_fd;
		attr.query.attach_type = BPF_CGROUP_DEVICE;
		attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
		attr.query.prog_cnt = cnt;
		if (sys_bpf(BPF_PROG_QUERY, &attr) == 0)
			break;
		if (errno == ENOSPC && attr.query.prog_cnt > cnt) {
			cnt = attr.query.prog_cnt;
			continue;
		}
		return ocirt_error_set(err, errno, "query the cgroup device BPF programs");
	}
	*ret_len = attr.query.prog_cnt;
	*ret = TAKE_PTR(ids);
	return 0;
}

static int prog_fd_by_id(uint32_t id)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	return sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
}

static int attach(int cgroup_fd, int prog_fd, int replace_fd)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (replace_fd >= 0) {
		attr.attach_flags |= BPF_F_REPLACE;
		attr.replace_bpf_fd = (uint32_t)replace_fd;
	}
	return sys_bpf(BPF_PROG_ATTACH, &attr);
}

static int detach(int cgroup_fd, int prog_fd)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	return sys_bpf(BPF_PROG_DETACH, &attr);
}

int ocirt_bpf_devices_attach(int cgroup_fd, int prog_fd, struct ocirt_error **err)
{
	_cleanup_free_ uint32_t *old = NULL;
	size_t n_old = 0, i;
	int r;

	r = ocirt_bpf_devices_query(cgroup_fd, &old, &n_old, err);
	if (r < 0)
		return r;
	if (n_old == 1) {
		_cleanup_close_ int old_fd = prog_fd_by_id(old[0]);
		if (old_fd >= 0 && attach(cgroup_fd, prog_fd, old_fd) == 0)
			return 0;
		/* EINVAL before Linux 5.6: fall through to attach + detach */
		log_debug("cgroup bpf: BPF_F_REPLACE failed (%s), attaching then detaching", strerror(errno));
	}
	if (attach(cgroup_fd, prog_fd, -1) < 0)
		return ocirt_error_set(err, errno, "attach the cgroup device BPF program");
	for (i = 0; i < n_old; i++) {
		_cleanup_close_ int fd = prog_fd_by_id(old[i]);
		if (fd < 0 || detach(cgroup_fd, fd) < 0)
			return ocirt_error_set(err, errno, "detach the old cgroup device BPF program %u", old[i]);
	}
	return 0;
}

int ocirt_cgroup_bpf_devices_apply(const char *dir, const struct ocirt_cg_dev_rule *rules, size_t n,
				   struct ocirt_error **err)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	_cleanup_close_ int prog_fd = -1, dir_fd = -1;
	size_t len;
	int r;

	r = ocirt_bpf_devices_build(rules, n, &insns, &len);
	if (r < 0)
		return ocirt_error_set(err, -r, "build the cgroup device BPF program");
	r = ocirt_bpf_devices_load(insns, len, &prog_fd, err);
	if (r < 0)
		return r;
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return ocirt_error_set(err, errno, "open %s", dir);
	r = ocirt_bpf_devices_attach(dir_fd, prog_fd, err);
	if (r < 0)
		return ocirt_error_prefix(err, "%s", dir);
	return 0;
}
