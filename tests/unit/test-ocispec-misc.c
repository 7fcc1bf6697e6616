/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libocispec: process.json, linux.resources alone, state.json, the container process state,
 * features.json, number edge cases and the map/lookup helpers. */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocispec/oci-config.h"
#include "libocispec/oci-features.h"
#include "libocispec/oci-state.h"
#include "json-canon.h"
#include "tap.h"

#define S(lit) lit, strlen(lit)

static void same_json(const char *got, const char *want, const char *what)
{
	_cleanup_free_ char *g = got ? json_canon(got, strlen(got)) : NULL;
	_cleanup_free_ char *w = json_canon(want, strlen(want));
	is_str(g, w, "%s", what);
}

static void test_process(void)
{
	static const char in[] = "{\"terminal\":true,\"user\":{\"uid\":1,\"gid\":2,\"additionalGids\":[]},"
				 "\"args\":[\"sh\"],\"env\":[],\"cwd\":\"/root\",\"noNewPrivileges\":true,"
				 "\"rlimits\":[],\"apparmorProfile\":\"p\",\"capabilities\":{}}";
	_cleanup_error_ struct ocirt_error *err = NULL;
	_cleanup_strv_ char **problems = NULL;
	_cleanup_process_ struct oci_process *p = NULL;
	_cleanup_free_ char *out = NULL;
	struct oci_process *bad = NULL;

	ok(oci_process_parse(in, strlen(in), NULL, &p, NULL, &err) == 0 && p, "process.json parses");
	if (!p)
		return;
	ok(p->user.uid == 1 && p->user.gid == 2 && p->user.additional_gids && p->user.additional_gids_len == 0,
	   "process user");
	ok(oci_process_generate(p, false, &out, NULL, &err) == 0, "process.json generates");
	same_json(out, in, "process.json round trip");

	/* (no "user": runc runs such a process as 0:0) */
	ok(oci_process_parse(S("{\"args\":[\"sh\"],\"cwd\":\"x\",\"user\":{\"uid\":-1,\"gid\":0}}"), NULL, &bad,
			     &problems, &err) == -EINVAL && !bad,
	   "bad process.json fails");
	ok(strv_contains(problems, "process.json: .user.uid: expected an unsigned 32-bit integer, got -1") &&
		   strv_contains(problems, "process.json: .cwd: must be an absolute path, got \"x\""),
	   "process.json problems use the source name and paths from the process object");
}

static void test_resources(void)
{
	static const char in[] = "{\"memory\":{\"limit\":1048576,\"swap\":-1},\"cpu\":{\"quota\":50000,\"period\":100000,"
				 "\"cpus\":\"0\"},\"pids\":{\"limit\":-1},\"blockIO\":{\"weight\":100},"
				 "\"unified\":{\"pids.max\":\"10\"}}";
	_cleanup_error_ struct ocirt_error *err = NULL;
	_cleanup_strv_ char **problems = NULL;
	struct oci_resources *r = NULL, *bad = NULL;
	_cleanup_free_ char *out = NULL;

	ok(oci_resources_parse(in, strlen(in), NULL, &r, NULL, &err) == 0 && r, "resources parse");
	if (!r)
		return;
	ok(r->memory->limit == 1048576 && r->pids->limit == -1 && r->cpu->quota == 50000, "resources values");
	ok(oci_resources_generate(r, true, &out, NULL, &err) == 0, "resources generate");
	same_json(out, in, "resources round trip");
	oci_resources_free(r);
	ok(oci_resources_parse(S("{\"memory\":{\"limit\":\"x\"}}"), "resources.json", &bad, &problems, &err) < 0,
	   "bad resources fail");
	is_str(problems ? problems[0] : NULL, "resources.json: .memory.limit: expected a 64-bit integer, got \"x\"",
	       "resources message path is relative to the resources object");
}

static void test_state(void)
{
	static const char in[] = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"pid\":42,\"status\":\"running\","
				 "\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\",\"created\":\"2024-01-01T00:00:00Z\","
				 "\"annotations\":{\"a\":\"b\"},\"owner\":\"\"}";
	_cleanup_error_ struct ocirt_error *err = NULL;
	_cleanup_error_ struct ocirt_error *err2 = NULL;
	_cleanup_error_ struct ocirt_error *err3 = NULL;
	_cleanup_free_ char *out = NULL, *out2 = NULL;
	struct oci_state *s = NULL, *bad = NULL;
	struct oci_state st = { 0 };

	ok(oci_state_parse(in, strlen(in), NULL, &s, &err) == 0 && s, "state parses");
	if (!s)
		return;
	ok(s->has_pid && s->pid == 42 && streq(s->status, "running") && streq(s->owner, ""), "state values");
	ok(oci_state_generate(s, false, &out, NULL, &err) == 0, "state generates");
	is_str(out, in, "state: compact output in runc's key order");
	oci_state_free(s);

	st.oci_version = (char *)"1.2.0";
	st.id = (char *)"x";
	st.status = (char *)"stopped";
	st.bundle = (char *)"/b";
	ok(oci_state_generate(&st, false, &out2, NULL, &err) == 0, "minimal state generates");
	is_str(out2, "{\"ociVersion\":\"1.2.0\",\"id\":\"x\",\"status\":\"stopped\",\"bundle\":\"/b\"}",
	       "state: pid omitted without has_pid");

	ok(oci_state_parse(S("{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"running\",\"bundle\":\"/b\"}"),
			   NULL, &bad, &err2) < 0,
	   "running state without pid fails");
	like_str(err2 ? err2->msg : NULL, "state.json: .pid: required field missing", "state pid message");
	ok(oci_state_parse(S("{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"zombie\",\"bundle\":\"/b\"}"), NULL,
			   &bad, &err3) < 0,
	   "unknown status fails");
	like_str(err3 ? err3->msg : NULL, ".status: unknown status \"zombie\"", "status message");
}

static void test_container_process_state(void)
{
	_cleanup_error_ struct ocirt_error *err = NULL;
	_cleanup_free_ char *out = NULL;
	struct oci_container_process_state cps = { 0 }, *back = NULL;
	char *fds[] = { (char *)"seccompFd", NULL };
	static const char want[] = "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":4422,\"metadata\":\"m\","
				   "\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"c\",\"pid\":4422,\"status\":"
				   "\"creating\",\"bundle\":\"/b\"}}";

	cps.oci_version = (char *)"1.2.0";
	cps.fds = fds;
	cps.pid = 4422;
	cps.metadata = (char *)"m";
	cps.state.oci_version = (char *)"1.2.0";
	cps.state.id = (char *)"c";
	cps.state.status = (char *)"creating";
	cps.state.has_pid = true;
	cps.state.pid = 4422;
	cps.state.bundle = (char *)"/b";
	ok(oci_container_process_state_generate(&cps, &out, NULL, &err) == 0, "container process state generates");
	is_str(out, want, "container process state JSON");
	ok(oci_container_process_state_parse(out, strlen(out), &back, &err) == 0 && back && back->pid == 4422 &&
		   streq(back->state.id, "c") && strv_length(back->fds) == 1,
	   "container process state parses back");
	oci_container_process_state_free(back);
}

static void test_features(void)
{
	static const char in[] =
		"{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.2.1\",\"hooks\":[\"prestart\"],"
		"\"mountOptions\":[\"ro\",\"rbind\"],\"linux\":{\"namespaces\":[\"pid\"],\"capabilities\":[\"CAP_KILL\"],"
		"\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":true,\"systemdUser\":false,\"rdma\":false},"
		"\"seccomp\":{\"enabled\":true,\"actions\":[\"SCMP_ACT_ALLOW\"],\"operators\":[\"SCMP_CMP_EQ\"],"
		"\"archs\":[\"SCMP_ARCH_X86_64\"],\"knownFlags\":[],\"supportedFlags\":[]},\"apparmor\":{\"enabled\":true},"
		"\"selinux\":{\"enabled\":false},\"intelRdt\":{\"enabled\":true},"
		"\"mountExtensions\":{\"idmap\":{\"enabled\":true}},\"netDevices\":{\"enabled\":false}},"
		"\"annotations\":{\"org.opencontainers.runc.version\":\"x\"},"
		"\"potentiallyUnsafeConfigAnnotations\":[\"bundle\"]}";
	_cleanup_error_ struct ocirt_error *err = NULL;
	_cleanup_error_ struct ocirt_error *err2 = NULL;
	_cleanup_free_ char *out = NULL;
	struct oci_features *f = NULL, *bad = NULL;

	ok(oci_features_parse(in, strlen(in), NULL, &f, &err) == 0 && f, "features parse");
	if (!f)
		return;
	ok(f->linux_ && f->linux_->has_idmap && f->linux_->idmap_enabled && f->linux_->has_selinux &&
		   !f->linux_->selinux_enabled,
	   "features values");
	ok(oci_features_generate(f, true, &out, NULL, &err) == 0, "features generate");
	same_json(out, in, "features round trip");
	oci_features_free(f);
	{
		_cleanup_free_ char *path = xasprintf("%s/runc-features.json", FIXTURES_DIR);
		_cleanup_free_ char *data = NULL;
		_cleanup_error_ struct ocirt_error *e = NULL;
		size_t len;
		struct oci_features *rf = NULL;
		data = read_file_or_die(path, &len);
		ok(oci_features_parse(data, len, NULL, &rf, &e) == 0 && rf && rf->linux_ && rf->linux_->seccomp &&
			   strv_contains(rf->linux_->seccomp->actions, "SCMP_ACT_NOTIFY"),
		   "runc features output parses");
		oci_features_free(rf);
	}
	ok(oci_features_parse(S("{\"ociVersionMin\":\"1.0.0\"}"), NULL, &bad, &err2) < 0, "features: max required");
	like_str(err2 ? err2->msg : NULL, "features.json: .ociVersionMax: required field missing", "features message");
}

struct num_case {
	const char *json; /* value of .process.user.uid, .linux.resources.pids.limit or rlimit hard */
	const char *field;
	bool good;
};

static void test_numbers(void)
{
	static const struct num_case cases[] = {
		{ "0", "uid", true },
		{ "-0", "uid", true },
		{ "4294967295", "uid", true },
		{ "4294967296", "uid", false },
		{ "1e3", "uid", false },
		{ "1.0", "uid", false },
		{ "-1", "uid", false },
		{ "99999999999999999999999", "uid", false },
		{ "9223372036854775807", "pids", true },
		{ "-9223372036854775808", "pids", true },
		{ "9223372036854775808", "pids", false },
		{ "-9223372036854775809", "pids", false },
		{ "18446744073709551615", "hard", true },
		{ "18446744073709551616", "hard", false },
		{ "true", "hard", false },
		{ "\"1\"", "hard", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *doc = NULL;
		_cleanup_error_ struct ocirt_error *err = NULL;
		struct oci_config *c = NULL;
		int r;

		if (streq(cases[i].field, "uid"))
			doc = xasprintf("{\"ociVersion\":\"1\",\"process\":{\"user\":{\"uid\":%s,\"gid\":0},\"args\":[\"a\"],"
					"\"cwd\":\"/\"}}",
					cases[i].json);
		else if (streq(cases[i].field, "pids"))
			doc = xasprintf("{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"pids\":{\"limit\":%s}}}}",
					cases[i].json);
		else
			doc = xasprintf("{\"ociVersion\":\"1\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],"
					"\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":%s}]}}",
					cases[i].json);
		r = oci_config_parse(doc, strlen(doc), NULL, &c, NULL, &err);
		if (!ok((r == 0) == cases[i].good, "number %s as %s: %s", cases[i].json, cases[i].field,
			cases[i].good ? "accepted" : "refused"))
			tap_diag("%s", err ? err->msg : "accepted");
		if (c && streq(cases[i].field, "hard")) {
			char buf[32];
			snprintf(buf, sizeof(buf), "%" PRIu64, c->process->rlimits[0].hard);
			is_str(buf, cases[i].json, "uint64 value kept exactly");
		}
		oci_config_free(c);
	}
}

static void test_map_helpers(void)
{
	struct oci_map *m = NULL;

	ok(oci_map_get(NULL, "a") == NULL, "map_get on NULL");
	oci_map_set(&m, "a", "1");
	oci_map_set(&m, "b", "2");
	oci_map_set(&m, "a", "3");
	ok(m && m->len == 2, "map_set replaces existing keys");
	is_str(oci_map_get(m, "a"), "3", "map_get after replace");
	is_str(oci_map_get(m, "b"), "2", "map_get b");
	ok(oci_map_get(m, "c") == NULL, "map_get missing");
	oci_map_free(m);
	oci_map_free(NULL);
	oci_config_free(NULL);
	oci_process_free(NULL);
	oci_resources_free(NULL);
	oci_state_free(NULL);
	oci_features_free(NULL);
	oci_container_process_state_free(NULL);
	ok(1, "destructors accept NULL");
	ok(strv_contains((char **)oci_namespace_types, "time") && strv_contains((char **)oci_seccomp_actions, "SCMP_ACT_NOTIFY"),
	   "exported tables");
}

int main(void)
{
	tap_no_plan();
	test_process();
	test_resources();
	test_state();
	test_container_process_state();
	test_features();
	test_numbers();
	test_map_helpers();
	return tap_exit();
}
