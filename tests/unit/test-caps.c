/* SPDX-License-Identifier: GPL-2.0-or-later */
/* caps.c: name resolution, and the child sequence (drop bounding, user switch, apply) in a
 * forked child, checked against /proc/self/status. Needs root for the kernel part. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "libocirt/caps.h"
#include "tests/unit/tap.h"

#define B(n) (UINT64_C(1) << (n))

static char tmpdir[] = "/tmp/ocirt-test-caps-XXXXXX";
static char logpath[600];

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = xzalloc(65536);
	if (f) {
		size_t n = fread(buf, 1, 65535, f);
		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

struct status {
	uint64_t bnd, eff, prm, inh, amb;
	int nnp;
	unsigned uid;
	int exit;
};

/* In the child: parse our own /proc/self/status. */
static void read_status(struct status *s)
{
	_cleanup_free_ char *t = slurp("/proc/self/status");
	char *p;
	unsigned long long v;

#define FIELD(name, dst)                                                                                               \
	p = strstr(t, name ":");                                                                                       \
	if (p && sscanf(p + strlen(name) + 1, "%llx", &v) == 1)                                                        \
		dst = v;
	FIELD("CapBnd", s->bnd);
	FIELD("CapEff", s->eff);
	FIELD("CapPrm", s->prm);
	FIELD("CapInh", s->inh);
	FIELD("CapAmb", s->amb);
	p = strstr(t, "NoNewPrivs:");
	if (p)
		s->nnp = atoi(p + 11);
	p = strstr(t, "Uid:");
	if (p)
		s->uid = (unsigned)strtoul(p + 4, NULL, 10);
#undef FIELD
}

/* Fork; the child runs the init sequence and sends back its status. */
static bool run_sequence(const struct ocirt_caps *c, uid_t uid, bool nnp, struct status *out)
{
	int pfd[2];
	pid_t pid;
	int st;

	memset(out, 0, sizeof(*out));
	if (pipe(pfd) < 0)
		return false;
	pid = fork();
	if (pid == 0) {
		_cleanup_error_ struct ocirt_error *err = NULL;
		struct status s = {0};
		close(pfd[0]);
		s.exit = 0;
		if (ocirt_caps_drop_bounding(c, &err) < 0) {
			fprintf(stderr, "drop_bounding: %s\n", err->msg);
			s.exit = 1;
		} else if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0) {
			s.exit = 2;
		} else if (ocirt_caps_apply(c, &err) < 0) {
			fprintf(stderr, "apply: %s\n", err->msg);
			s.exit = 3;
		} else if (ocirt_caps_set_no_new_privs(nnp, &err) < 0) {
			s.exit = 4;
		}
		read_status(&s);
		if (write(pfd[1], &s, sizeof(s)) != sizeof(s))
			_exit(9);
		_exit(0);
	}
	close(pfd[1]);
	bool got = read(pfd[0], out, sizeof(*out)) == sizeof(*out);
	close(pfd[0]);
	waitpid(pid, &st, 0);
	if (got && out->exit != 0)
		tap_diag("  child step failed: %d", out->exit);
	return got && out->exit == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static struct ocirt_caps *prepare(char **b, char **e, char **p, char **i, char **a)
{
	struct oci_capabilities oc = {.bounding = b, .effective = e, .permitted = p, .inheritable = i, .ambient = a};
	struct ocirt_caps *c = NULL;
	_cleanup_error_ struct ocirt_error *err = NULL;

	if (ocirt_caps_prepare(&oc, &c, &err) < 0)
		tap_diag("prepare: %s", err ? err->msg : "?");
	return c;
}

static void test_names(void)
{
	struct ocirt_caps *c = NULL;
	_cleanup_error_ struct ocirt_error *err = NULL;
	char *names[] = {"CAP_CHOWN",
	                 "CAP_FOOBAR",
	                 "CAP_CHOWNX",
	                 "12",
	                 "cap_kill",
	                 "CAP_",
	                 "CAP_SYS_ADMIN",
	                 "CAP_SYS_ADMIN",
	                 "CAP_CHECKPOINT_RESTORE",
	                 "CAP_CHOWN2",
	                 NULL};
	char *empty[] = {NULL};

	ok(ocirt_caps_prepare(NULL, &c, &err) == 0 && c == NULL, "absent capabilities: NULL (untouched)");

	truncate(logpath, 0);
	c = prepare(names, empty, NULL, NULL, NULL);
	ok(c != NULL, "prepare with unknown names succeeds");
	if (!c)
		return;
	uint64_t want = B(CAP_CHOWN) | B(CAP_KILL) | B(CAP_SYS_ADMIN);
	if (c->last_cap >= 40)
		want |= B(40); /* CAP_CHECKPOINT_RESTORE */
	is_int(c->bounding, want, "known names resolved, any case, duplicates merged");
	is_int(c->effective, 0, "empty list is the empty set");
	is_int(c->permitted | c->inheritable | c->ambient, 0, "absent lists are empty sets");
	{
		_cleanup_free_ char *log = slurp(logpath);
		like_str(log, "CAP_FOOBAR", "warning names CAP_FOOBAR");
		like_str(log, "CAP_CHOWNX", "warning names CAP_CHOWNX (no prefix matching)");
		like_str(log, "12", "warning names a bare number");
		like_str(log, "CAP_CHOWN2", "warning names CAP_CHOWN2");
		ok(log && !strstr(log, "CAP_SYS_ADMIN"), "no warning for valid names");
	}
	ocirt_caps_free(c);

	_cleanup_free_ char *n0 = ocirt_caps_name(0);
	_cleanup_free_ char *n21 = ocirt_caps_name(21);
	is_str(n0, "CAP_CHOWN", "cap 0 name");
	is_str(n21, "CAP_SYS_ADMIN", "cap 21 name");
	_cleanup_strv_ char **known = ocirt_caps_known_names();
	ok(strv_contains(known, "CAP_NET_RAW") && strv_length(known) >= 38, "known names (%zu)", strv_length(known));
}

static void test_kernel(void)
{
	struct status s;
	struct ocirt_caps *c;
	uint64_t all;

	if (geteuid() != 0) {
		tap_skip("needs root");
		return;
	}
	{
		struct oci_capabilities oc = {0};
		_cleanup_error_ struct ocirt_error *err = NULL;
		struct ocirt_caps *tmp = NULL;
		ocirt_caps_prepare(&oc, &tmp, &err);
		all = tmp->last_cap >= 63 ? UINT64_MAX : B(tmp->last_cap + 1) - 1;
		ocirt_caps_free(tmp);
	}

	/* root stays root: a Docker-like default set */
	{
		char *set[] = {"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER",  "CAP_KILL", "CAP_NET_BIND_SERVICE",
		               "CAP_SETUID", "CAP_SETGID",       "CAP_SETPCAP", NULL};
		uint64_t m = B(CAP_CHOWN) | B(CAP_DAC_OVERRIDE) | B(CAP_FOWNER) | B(CAP_KILL) |
		             B(CAP_NET_BIND_SERVICE) | B(CAP_SETUID) | B(CAP_SETGID) | B(CAP_SETPCAP);
		char *none[] = {NULL};
		c = prepare(set, set, set, none, none);
		ok(run_sequence(c, 0, false, &s), "root sequence runs");
		is_int(s.bnd, m, "root: CapBnd");
		is_int(s.eff, m, "root: CapEff");
		is_int(s.prm, m, "root: CapPrm");
		is_int(s.inh, 0, "root: CapInh");
		is_int(s.amb, 0, "root: CapAmb");
		is_int(s.nnp, 0, "NoNewPrivs off");
		ocirt_caps_free(c);
	}
	/* switch to uid 1000 keeping E/P, with ambient */
	{
		char *bnd[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", NULL};
		char *ep[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
		char *inh[] = {"CAP_NET_BIND_SERVICE", NULL};
		char *amb[] = {"CAP_NET_BIND_SERVICE", NULL};
		c = prepare(bnd, ep, ep, inh, amb);
		ok(run_sequence(c, 1000, true, &s), "uid 1000 sequence runs");
		is_int(s.uid, 1000, "uid switched");
		is_int(s.bnd, B(CAP_CHOWN) | B(CAP_KILL) | B(CAP_NET_BIND_SERVICE) | B(CAP_NET_RAW),
		       "uid 1000: CapBnd");
		is_int(s.eff, B(CAP_CHOWN) | B(CAP_KILL) | B(CAP_NET_BIND_SERVICE),
		       "uid 1000: CapEff kept across setuid");
		is_int(s.prm, B(CAP_CHOWN) | B(CAP_KILL) | B(CAP_NET_BIND_SERVICE),
		       "uid 1000: CapPrm kept across setuid");
		is_int(s.inh, B(CAP_NET_BIND_SERVICE), "uid 1000: CapInh");
		is_int(s.amb, B(CAP_NET_BIND_SERVICE), "uid 1000: CapAmb");
		is_int(s.nnp, 1, "NoNewPrivs on");
		ocirt_caps_free(c);
	}
	/* uid 1000 with nothing: everything empty (the bounding set too) */
	{
		char *none[] = {NULL};
		c = prepare(none, none, none, none, none);
		ok(run_sequence(c, 1000, false, &s), "empty sets run");
		is_int(s.bnd | s.eff | s.prm | s.inh | s.amb, 0, "empty capabilities: all five sets empty");
		ocirt_caps_free(c);
	}
	/* ungrantable: ambient not inheritable, effective not permitted, inheritable outside bounding */
	{
		char *bnd[] = {"CAP_CHOWN", NULL};
		char *eff[] = {"CAP_CHOWN", "CAP_KILL", NULL};
		char *prm[] = {"CAP_CHOWN", NULL};
		char *inh[] = {"CAP_SYS_TIME", NULL};
		char *amb[] = {"CAP_CHOWN", NULL};
		truncate(logpath, 0);
		c = prepare(bnd, eff, prm, inh, amb);
		ok(run_sequence(c, 1000, false, &s), "ungrantable caps don't fail the container");
		is_int(s.eff, B(CAP_CHOWN), "effective clipped to permitted");
		is_int(s.inh, 0, "inheritable outside the bounding set skipped");
		is_int(s.amb, 0, "ambient not inheritable skipped");
		_cleanup_free_ char *log = slurp(logpath);
		like_str(log, "CAP_KILL", "warning names CAP_KILL");
		like_str(log, "CAP_SYS_TIME", "warning names CAP_SYS_TIME");
		ocirt_caps_free(c);
	}
	/* NULL: untouched (compared with what this test process holds, maybe less than all) */
	{
		struct status mine = {0};
		read_status(&mine);
		ok(run_sequence(NULL, 0, false, &s), "untouched caps run");
		is_int(s.bnd, mine.bnd & all, "untouched: same bounding set");
		is_int(s.eff, mine.eff & all, "untouched: same effective set (root)");
	}
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
	ocirt_log_init(logpath, OCIRT_LOG_TEXT, OCIRT_LOG_DEBUG);
	tap_no_plan();
	test_names();
	test_kernel();
	unlink(logpath);
	rmdir(tmpdir);
	return tap_exit();
}
