/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libocispec config.json: lossless round trips of real configs and of a config using every
 * field, model values, absent vs empty, and document-level errors. */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocispec/oci-config.h"
#include "json-canon.h"
#include "tap.h"

static char *fixture(const char *name, size_t *len)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", FIXTURES_DIR, name);
	return read_file_or_die(path, len);
}

static struct oci_config *parse_ok(const char *data, size_t len, const char *what)
{
	_cleanup_error_ struct ocirt_error *err = NULL;
	struct oci_config *c = NULL;
	int r = oci_config_parse(data, len, "config.json", &c, NULL, &err);
	if (!ok(r == 0 && c, "%s: parses", what))
		tap_diag("%s", err ? err->msg : "?");
	return c;
}

static char *gen(const struct oci_config *c, bool pretty)
{
	_cleanup_error_ struct ocirt_error *err = NULL;
	char *out = NULL;
	size_t len = 0;
	if (oci_config_generate(c, pretty, &out, &len, &err) < 0) {
		tap_diag("generate: %s", err->msg);
		return xstrdup("");
	}
	if (strlen(out) != len)
		tap_diag("generate: length mismatch");
	return out;
}

/* parse -> generate is equal to the input modulo formatting and key order, and
 * generate -> parse -> generate is a fixed point, in both formats. */
static void round_trip(const char *name)
{
	_cleanup_free_ char *data = NULL, *out = NULL, *out2 = NULL, *compact = NULL, *compact2 = NULL;
	_cleanup_free_ char *c_in = NULL, *c_out = NULL, *c_compact = NULL;
	_cleanup_config_ struct oci_config *c = NULL;
	_cleanup_config_ struct oci_config *c2 = NULL;
	_cleanup_config_ struct oci_config *c3 = NULL;
	size_t len;

	data = fixture(name, &len);
	c = parse_ok(data, len, name);
	if (!c) {
		tap_skip("no config");
		tap_skip("no config");
		tap_skip("no config");
		return;
	}
	out = gen(c, true);
	c_in = json_canon(data, len);
	c_out = json_canon(out, strlen(out));
	if (!ok(c_in && c_out && streq(c_in, c_out), "%s: generate(parse(x)) == x (canonical)", name))
		tap_diag("in:  %s\nout: %s", c_in, c_out);
	c2 = parse_ok(out, strlen(out), "regenerated");
	out2 = c2 ? gen(c2, true) : xstrdup("");
	is_str(out2, out, "%s: pretty output is a fixed point", name);
	compact = gen(c, false);
	ok(!strchr(compact, '\n'), "%s: compact output has no newline", name);
	c3 = parse_ok(compact, strlen(compact), "compact");
	compact2 = c3 ? gen(c3, false) : xstrdup("");
	c_compact = json_canon(compact, strlen(compact));
	ok(streq(compact, compact2) && c_compact && streq(c_compact, c_in), "%s: compact round trip", name);
}

static void test_full_values(void)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_config_ struct oci_config *c = NULL;
	const struct oci_linux *l;
	const struct oci_resources *r;
	size_t len;

	data = fixture("full-config.json", &len);
	c = parse_ok(data, len, "full-config values");
	if (!c || !c->process || !c->linux_ || !c->linux_->resources) {
		ok(0, "full config has process and linux.resources");
		return;
	}
	l = c->linux_;
	r = l->resources;
	is_str(c->oci_version, "1.3.0", "ociVersion");
	ok(c->process->has_terminal && c->process->terminal, "terminal");
	ok(c->process->console_size && c->process->console_size->height == 25 && c->process->console_size->width == 80,
	   "consoleSize");
	ok(c->process->user.uid == 1000 && c->process->user.has_umask && c->process->user.umask == 18, "user");
	ok(c->process->user.additional_gids_len == 3 && c->process->user.additional_gids[2] == UINT32_MAX,
	   "additionalGids up to UINT32_MAX");
	is_str(c->process->args[2], "echo \"hi\" \\ there\n\t\xc3\xa9\xe2\x98\x83", "string escapes and UTF-8 decoded");
	ok(c->process->capabilities->inheritable && !c->process->capabilities->inheritable[0],
	   "empty capability set is present and empty");
	ok(c->process->rlimits_len == 2 && c->process->rlimits[1].hard == UINT64_MAX, "rlimit hard = UINT64_MAX");
	ok(c->process->has_no_new_privileges && !c->process->no_new_privileges, "noNewPrivileges false but present");
	ok(c->process->has_oom_score_adj && c->process->oom_score_adj == -1000, "oomScoreAdj -1000");
	ok(c->process->scheduler && c->process->scheduler->nice == -20 && c->process->scheduler->has_priority &&
		   c->process->scheduler->period == 30000000,
	   "scheduler");
	is_str(c->process->io_priority->class_, "IOPRIO_CLASS_BE", "ioPriority class");
	is_str(c->process->exec_cpu_affinity->final, "2,3", "execCPUAffinity");
	ok(c->root && c->root->has_readonly && c->root->readonly, "root.readonly");
	ok(c->mounts_len == 3 && c->mounts[1].uid_mappings_len == 1 && c->mounts[1].uid_mappings[0].host_id == 100000,
	   "mount idmap");
	ok(c->mounts[2].options && !c->mounts[2].options[0] && !c->mounts[2].type, "mount: empty options, absent type");
	ok(c->hooks && c->hooks->prestart_len == 1 && c->hooks->prestart[0].timeout == 5 && c->hooks->poststart &&
		   c->hooks->poststart_len == 0,
	   "hooks");
	is_str(oci_config_annotation(c, "with \"quote\""), "v\\al", "annotation with quotes");
	is_str(oci_config_annotation(c, "empty"), "", "empty annotation value");
	ok(oci_config_annotation(c, "nope") == NULL, "missing annotation");
	ok(l->time_offsets_len == 2 && l->time_offsets[0].secs == -86400 && l->time_offsets[0].nanosecs == 999999999 &&
		   l->time_offsets[1].has_secs && !l->time_offsets[1].has_nanosecs,
	   "timeOffsets");
	is_str(oci_map_get(l->sysctl, "kernel.msgmax"), "65536", "sysctl");
	ok(r->devices_len == 4 && !r->devices[0].allow && r->devices[2].major == -1 && !r->devices[3].access,
	   "device cgroup rules");
	ok(r->memory && r->memory->swap == -1 && r->memory->swappiness == 60 && r->memory->has_check_before_update,
	   "memory");
	ok(r->cpu && r->cpu->quota == -1 && r->cpu->idle == 1, "cpu");
	ok(r->pids && r->pids->has_limit && r->pids->limit == INT64_MIN, "pids limit INT64_MIN");
	ok(r->block_io && r->block_io->weight == 500 && r->block_io->weight_device_len == 2 &&
		   !r->block_io->weight_device[1].has_weight && r->block_io->throttle_write_bps_device &&
		   r->block_io->throttle_write_bps_device_len == 0 &&
		   r->block_io->throttle_read_iops_device[0].rate == UINT64_MAX &&
		   r->block_io->throttle_write_iops_device[0].major == INT64_MAX,
	   "blockIO");
	ok(r->hugepage_limits_len == 2 && r->network && r->network->class_id == 1048577, "hugepages, network");
	ok(r->rdma_len == 2 && streq(r->rdma[0].device, "mlx5_1") && !r->rdma[1].has_hca_handles, "rdma");
	is_str(oci_map_get(r->unified, "memory.high"), "max", "unified");
	ok(oci_config_find_namespace(c, "time") != NULL, "find_namespace time");
	is_str(oci_config_find_namespace(c, "network")->path, "/var/run/netns/x", "find_namespace network path");
	ok(oci_config_find_namespace(c, "nope") == NULL && oci_config_find_namespace(NULL, "pid") == NULL,
	   "find_namespace missing");
	ok(l->devices_len == 4 && !l->devices[1].has_major && l->devices[0].file_mode == 438, "devices");
	ok(l->net_devices_len == 2 && streq(l->net_devices[0].host_name, "eth1") && !l->net_devices[1].name,
	   "netDevices");
	ok(l->seccomp && l->seccomp->has_default_errno_ret && l->seccomp->default_errno_ret == 38 &&
		   l->seccomp->syscalls_len == 10 && l->seccomp->syscalls[1].args[1].value == UINT64_MAX &&
		   l->seccomp->syscalls[1].args[1].has_value_two && l->seccomp->syscalls[3].has_errno_ret,
	   "seccomp");
	ok(l->readonly_paths && !l->readonly_paths[0], "empty readonlyPaths present");
	ok(l->intel_rdt && l->intel_rdt->has_enable_cmt && !l->intel_rdt->enable_cmt &&
		   strv_length(l->intel_rdt->schemata) == 2,
	   "intelRdt");
	ok(l->memory_policy && streq(l->memory_policy->mode, "MPOL_INTERLEAVE"), "memoryPolicy");
	ok(l->personality && streq(l->personality->domain, "LINUX32"), "personality");
}

static void test_absent_vs_empty(void)
{
	static const char in[] = "{\"ociVersion\":\"1.0.0\",\"mounts\":[],\"annotations\":{},"
				 "\"linux\":{\"namespaces\":[],\"resources\":{}}}";
	_cleanup_config_ struct oci_config *c = NULL;
	_cleanup_free_ char *out = NULL, *cin = NULL, *cout = NULL;

	c = parse_ok(in, strlen(in), "absent vs empty");
	if (!c)
		return;
	ok(c->mounts && c->mounts_len == 0, "empty mounts present");
	ok(c->annotations && c->annotations->len == 0, "empty annotations present");
	ok(!c->process && !c->root && !c->hooks && !c->hostname, "absent stays absent");
	ok(c->linux_ && c->linux_->namespaces && !c->linux_->devices && c->linux_->resources &&
		   !c->linux_->resources->memory,
	   "linux: empty namespaces, absent devices, empty resources");
	out = gen(c, false);
	cin = json_canon(in, strlen(in));
	cout = json_canon(out, strlen(out));
	is_str(cout, cin, "generate keeps empty containers and omits absent fields");
}

static void test_null_and_unknown(void)
{
	static const char in[] = "{\"ociVersion\":\"1.0.0\",\"x-unknown\":{\"deep\":[1,2,{\"a\":null}]},"
				 "\"hostname\":null,\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"future\":1},"
				 "\"args\":[\"a\"],\"cwd\":\"/\",\"env\":null},\"windows\":{\"layerFolders\":[]}}";
	_cleanup_config_ struct oci_config *c = NULL;

	c = parse_ok(in, strlen(in), "unknown keys and nulls");
	ok(c && !c->hostname && c->process && !c->process->env, "null optional fields are absent");
}

static void test_duplicate_keys(void)
{
	static const char in[] = "{\"ociVersion\":\"0.1\",\"hostname\":\"a\",\"ociVersion\":\"1.0.0\","
				 "\"annotations\":{\"k\":\"1\",\"j\":\"x\",\"k\":\"2\"}}";
	_cleanup_config_ struct oci_config *c = NULL;

	c = parse_ok(in, strlen(in), "duplicate keys");
	if (!c)
		return;
	is_str(c->oci_version, "1.0.0", "duplicate key: the last value wins (as in Go)");
	ok(c->annotations->len == 2 && streq(oci_map_get(c->annotations, "k"), "2"), "duplicate map key kept once");
}

struct doc_case {
	const char *json;
	const char *want; /* substring of the first problem */
};

static void test_document_errors(void)
{
	static const struct doc_case cases[] = {
		{ "", "config.json: invalid JSON" },
		{ "   \n ", "config.json: invalid JSON" },
		{ "[]", "config.json: expected a JSON object, got an array" },
		{ "\"str\"", "config.json: expected a JSON object, got \"str\"" },
		{ "null", "config.json: expected a JSON object, got null" },
		{ "{\"ociVersion\":\"1.0.0\"} x", "config.json: invalid JSON at line 1, column 24: parse error: trailing garbage" },
		{ "{\"ociVersion\":\"1.0.0\"}{}", "trailing garbage" },
		{ "{\"ociVersion\":\"1.0.0\",\n\"process\": {\n  \"args\": [1,]\n}}", "invalid JSON at line 3, column 14: " },
		{ "{\"ociVersion\": \"1.0.0\" // comment\n}", "invalid JSON at line 1" },
		{ "{\"ociVersion\": \"a\\u0000b\"}", "strings must not contain NUL characters" },
		{ "{\"ociVersion\": \"\xff\xfe\"}", "invalid JSON" },
		{ "{\"ociVersion\": 'x'}", "invalid JSON" },
		{ "{\"ociVersion\":\"1.0.0\"", "invalid JSON" },
		{ "{}", "config.json: .ociVersion: required field missing" },
		{ "{\"ociVersion\":\"\"}", ".ociVersion: must not be empty" },
		{ "{\"ociVersion\":null}", ".ociVersion: must not be null" },
		{ "{\"ociVersion\":1.0}", ".ociVersion: expected a string, got 1.0" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_error_ struct ocirt_error *err = NULL;
		_cleanup_strv_ char **problems = NULL;
		struct oci_config *c = NULL;
		int r = oci_config_parse(cases[i].json, strlen(cases[i].json), "config.json", &c, &problems, &err);
		ok(r == -EINVAL && !c && err && problems && streq(problems[0], err->msg), "document error %zu fails", i);
		like_str(err ? err->msg : NULL, cases[i].want, "document error %zu message", i);
	}
}

static void test_deep_nesting(void)
{
	size_t depth = 100000, i;
	_cleanup_free_ char *doc = xmalloc(depth * 2 + 64);
	_cleanup_error_ struct ocirt_error *err = NULL;
	struct oci_config *c = NULL;
	char *p = doc;

	p += sprintf(p, "{\"ociVersion\":\"1.0.0\",\"x\":");
	for (i = 0; i < depth; i++)
		*p++ = '[';
	for (i = 0; i < depth; i++)
		*p++ = ']';
	*p++ = '}';
	ok(oci_config_parse(doc, (size_t)(p - doc), NULL, &c, NULL, &err) == -EINVAL, "deep nesting is refused");
	like_str(err ? err->msg : NULL, "nesting deeper than", "deep nesting message");
}

static void test_problems_collected(void)
{
	static const char in[] = "{\"ociVersion\":1,\"process\":{\"user\":{\"uid\":\"abc\",\"gid\":-1},"
				 "\"args\":[],\"cwd\":\"rel\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},"
				 "{\"type\":\"pid\"},{\"type\":\"netx\"}]}}";
	static const char *const want[] = {
		"config.json: .ociVersion: expected a string, got 1",
		"config.json: .process.user.uid: expected an unsigned 32-bit integer, got \"abc\"",
		"config.json: .process.user.gid: expected an unsigned 32-bit integer, got -1",
		"config.json: .process.args: must contain at least one entry",
		"config.json: .process.cwd: must be an absolute path, got \"rel\"",
		"config.json: .linux.namespaces[1].type: duplicated namespace \"pid\"",
		"config.json: .linux.namespaces[2].type: unknown namespace type \"netx\"",
		NULL,
	};
	_cleanup_error_ struct ocirt_error *err = NULL;
	_cleanup_strv_ char **problems = NULL;
	struct oci_config *c = NULL;
	size_t i, n = 0;

	ok(oci_config_parse(in, strlen(in), "config.json", &c, &problems, &err) == -EINVAL, "many problems: fails");
	is_str(err ? err->msg : NULL, want[0], "many problems: *err is the first");
	for (i = 0; want[i]; i++)
		if (strv_contains(problems, want[i]))
			n++;
		else
			tap_diag("missing problem: %s", want[i]);
	ok(n == strv_length((char **)want) && strv_length(problems) == n, "many problems: all %zu reported", n);
	if (strv_length(problems) != n)
		for (i = 0; problems && problems[i]; i++)
			tap_diag("problem: %s", problems[i]);

	/* err and problems are optional */
	ok(oci_config_parse(in, strlen(in), "config.json", &c, NULL, NULL) == -EINVAL && !c,
	   "no err, no problems: still fails cleanly");
}

static void test_path_rendering(void)
{
	static const char in[] = "{\"ociVersion\":\"1\",\"annotations\":{\"io.x/y\":1,\"a\\\"b\":[]},"
				 "\"linux\":{\"rdma\":{\"mlx\":{}}, \"sysctl\":{\"\":\"1\"}}}";
	_cleanup_error_ struct ocirt_error *err = NULL;
	_cleanup_strv_ char **problems = NULL;
	struct oci_config *c = NULL;

	oci_config_parse(in, strlen(in), "config.json", &c, &problems, &err);
	ok(strv_contains(problems, "config.json: .annotations[\"io.x/y\"]: expected a string, got 1"),
	   "non-identifier keys use [\"...\"]");
	ok(strv_contains(problems, "config.json: .annotations[\"a\\\"b\"]: expected a string, got an array"),
	   "quotes in keys are escaped");
	ok(strv_contains(problems, "config.json: .linux.sysctl[\"\"]: keys must not be empty"), "empty key");
	if (!ok(strv_contains(problems, "config.json: .linux.resources.rdma.mlx: needs hcaHandles or hcaObjects") ||
		strv_length(problems) == 3,
		"rdma outside resources is ignored as an unknown key"))
		for (size_t i = 0; problems && problems[i]; i++)
			tap_diag("%s", problems[i]);
}

static void test_parse_file(void)
{
	_cleanup_error_ struct ocirt_error *err = NULL;
	_cleanup_error_ struct ocirt_error *err2 = NULL;
	_cleanup_error_ struct ocirt_error *err3 = NULL;
	_cleanup_strv_ char **problems = NULL;
	_cleanup_free_ char *path = xasprintf("%s/base-config.json", FIXTURES_DIR);
	_cleanup_config_ struct oci_config *c = NULL;
	struct oci_config *c2 = NULL;
	char tmpl[] = "/tmp/ocispec-test-XXXXXX";
	int fd;

	ok(oci_config_parse_file(path, &c, NULL, &err) == 0 && c, "parse_file base-config.json");
	ok(oci_config_parse_file("/nonexistent/config.json", &c2, &problems, &err2) == -ENOENT && !c2,
	   "parse_file: missing file is -ENOENT");
	ok(problems && problems[0] && err2 && streq(problems[0], err2->msg), "parse_file: open error in problems");
	ok(oci_config_parse_file("/", &c2, NULL, NULL) == -EINVAL, "parse_file: directory refused");
	fd = mkstemp(tmpl);
	if (fd >= 0) {
		(void)!write(fd, "{\"ociVersion\":2}", 16);
		close(fd);
		oci_config_parse_file(tmpl, &c2, NULL, &err3);
		like_str(err3 ? err3->msg : NULL, "ocispec-test-", "parse_file: source is the base name");
		ok(err3 && !strstr(err3->msg, "/tmp/"), "parse_file: no directory in the source");
		unlink(tmpl);
	} else {
		tap_skip("mkstemp");
		tap_skip("mkstemp");
	}
}

int main(void)
{
	static const char *const fixtures[] = { "runc-spec.json", "crun-spec.json", "podman-config.json",
						"base-config.json", "full-config.json" };
	size_t i;

	tap_no_plan();
	for (i = 0; i < ARRAY_SIZE(fixtures); i++)
		round_trip(fixtures[i]);
	test_full_values();
	test_absent_vs_empty();
	test_null_and_unknown();
	test_duplicate_keys();
	test_document_errors();
	test_deep_nesting();
	test_problems_collected();
	test_path_rendering();
	test_parse_file();
	return tap_exit();
}
