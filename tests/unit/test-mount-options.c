/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mount option table: every option maps to the right flag change, unknown options
 * become filesystem data in order, the last of two contradicting options wins. */
#include "config.h"
#include <sys/mount.h>
#include "tests/unit/tap.h"
#include "common/strv.h"
#include "libocirt/mount.h"

static struct ocirt_mount_options parse(const char *const *opts)
{
	struct ocirt_mount_options o;
	struct ocirt_error *err = NULL;
	int r = ocirt_mount_options_parse((char *const *)opts, &o, &err);
	ok(r == 0, "parse returns 0");
	ocirt_error_free(err);
	return o;
}

struct flag_case {
	const char *name;
	bool rec;
	unsigned long set, clear;
	enum ocirt_atime atime;
};

static const struct flag_case flag_cases[] = {
	{ "ro", false, MS_RDONLY, 0, 0 },
	{ "rw", false, 0, MS_RDONLY, 0 },
	{ "nosuid", false, MS_NOSUID, 0, 0 },
	{ "suid", false, 0, MS_NOSUID, 0 },
	{ "nodev", false, MS_NODEV, 0, 0 },
	{ "dev", false, 0, MS_NODEV, 0 },
	{ "noexec", false, MS_NOEXEC, 0, 0 },
	{ "exec", false, 0, MS_NOEXEC, 0 },
	{ "sync", false, MS_SYNCHRONOUS, 0, 0 },
	{ "async", false, 0, MS_SYNCHRONOUS, 0 },
	{ "dirsync", false, MS_DIRSYNC, 0, 0 },
	{ "mand", false, MS_MANDLOCK, 0, 0 },
	{ "nomand", false, 0, MS_MANDLOCK, 0 },
	{ "nodiratime", false, MS_NODIRATIME, 0, 0 },
	{ "diratime", false, 0, MS_NODIRATIME, 0 },
	{ "nosymfollow", false, MS_NOSYMFOLLOW, 0, 0 },
	{ "symfollow", false, 0, MS_NOSYMFOLLOW, 0 },
	{ "noatime", false, 0, 0, OCIRT_ATIME_NOATIME },
	{ "atime", false, 0, 0, OCIRT_ATIME_RELATIME },
	{ "relatime", false, 0, 0, OCIRT_ATIME_RELATIME },
	{ "norelatime", false, 0, 0, OCIRT_ATIME_STRICTATIME },
	{ "strictatime", false, 0, 0, OCIRT_ATIME_STRICTATIME },
	{ "nostrictatime", false, 0, 0, OCIRT_ATIME_RELATIME },
	{ "rro", true, MS_RDONLY, 0, 0 },
	{ "rrw", true, 0, MS_RDONLY, 0 },
	{ "rnosuid", true, MS_NOSUID, 0, 0 },
	{ "rsuid", true, 0, MS_NOSUID, 0 },
	{ "rnodev", true, MS_NODEV, 0, 0 },
	{ "rdev", true, 0, MS_NODEV, 0 },
	{ "rnoexec", true, MS_NOEXEC, 0, 0 },
	{ "rexec", true, 0, MS_NOEXEC, 0 },
	{ "rnodiratime", true, MS_NODIRATIME, 0, 0 },
	{ "rdiratime", true, 0, MS_NODIRATIME, 0 },
	{ "rnosymfollow", true, MS_NOSYMFOLLOW, 0, 0 },
	{ "rsymfollow", true, 0, MS_NOSYMFOLLOW, 0 },
	{ "rnoatime", true, 0, 0, OCIRT_ATIME_NOATIME },
	{ "ratime", true, 0, 0, OCIRT_ATIME_RELATIME },
	{ "rrelatime", true, 0, 0, OCIRT_ATIME_RELATIME },
	{ "rnorelatime", true, 0, 0, OCIRT_ATIME_STRICTATIME },
	{ "rstrictatime", true, 0, 0, OCIRT_ATIME_STRICTATIME },
	{ "rnostrictatime", true, 0, 0, OCIRT_ATIME_RELATIME },
};

static void test_flags(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flag_cases); i++) {
		const struct flag_case *c = &flag_cases[i];
		const char *opts[] = { c->name, NULL };
		struct ocirt_mount_options o = parse(opts);
		const struct ocirt_mount_flags *f = c->rec ? &o.rec : &o.flags;
		const struct ocirt_mount_flags *other = c->rec ? &o.flags : &o.rec;
		ok(f->set == c->set && f->clear == c->clear && f->atime == c->atime, "%s: flag change", c->name);
		ok(other->set == 0 && other->clear == 0 && other->atime == 0, "%s: nothing on the %s side", c->name,
		   c->rec ? "per-mount" : "recursive");
		ok(o.data == NULL && !o.bind && o.n_propagation == 0, "%s: no data, no bind, no propagation", c->name);
		ocirt_mount_options_done(&o);
	}
}

static void test_propagation(void)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} cases[] = {
		{ "private", MS_PRIVATE },	     { "rprivate", MS_PRIVATE | MS_REC },
		{ "shared", MS_SHARED },	     { "rshared", MS_SHARED | MS_REC },
		{ "slave", MS_SLAVE },		     { "rslave", MS_SLAVE | MS_REC },
		{ "unbindable", MS_UNBINDABLE },     { "runbindable", MS_UNBINDABLE | MS_REC },
	};
	const char *opts[] = { "rshared", "ro", "private", NULL };
	struct ocirt_mount_options o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ok(ocirt_mount_propagation_flags(cases[i].name) == cases[i].flags, "propagation %s", cases[i].name);
	ok(ocirt_mount_propagation_flags("ro") == 0, "ro is not a propagation");
	ok(ocirt_mount_propagation_flags("bogus") == 0, "unknown propagation is 0");
	ok(ocirt_mount_propagation_flags(NULL) == 0, "NULL propagation is 0");
	o = parse(opts);
	ok(o.n_propagation == 2 && o.propagation[0] == (MS_SHARED | MS_REC) && o.propagation[1] == MS_PRIVATE,
	   "propagation options kept in order");
	ok(o.flags.set == MS_RDONLY, "ro next to propagation options");
	ocirt_mount_options_done(&o);
}

static void test_bind_and_extensions(void)
{
	const char *b[] = { "bind", NULL }, *rb[] = { "rbind", "ro", NULL }, *both[] = { "rbind", "bind", NULL };
	const char *ext[] = { "tmpcopyup", "remount", NULL }, *idm[] = { "idmap", NULL }, *ridm[] = { "ridmap", NULL };
	struct ocirt_mount_options o;

	o = parse(b);
	ok(o.bind && !o.recursive, "bind: not recursive");
	ocirt_mount_options_done(&o);
	o = parse(rb);
	ok(o.bind && o.recursive && o.flags.set == MS_RDONLY, "rbind,ro");
	ocirt_mount_options_done(&o);
	o = parse(both);
	ok(o.bind && o.recursive, "rbind then bind stays recursive");
	ocirt_mount_options_done(&o);
	o = parse(ext);
	ok(o.tmpcopyup && o.remount && !o.data, "tmpcopyup and remount are not data");
	ocirt_mount_options_done(&o);
	o = parse(idm);
	ok(o.idmap && !o.ridmap && !o.data, "idmap is recognised (and never passed to the kernel)");
	ocirt_mount_options_done(&o);
	o = parse(ridm);
	ok(o.idmap && o.ridmap && !o.data, "ridmap is recognised (recursive)");
	ocirt_mount_options_done(&o);
}

static void test_data_and_order(void)
{
	const char *d[] = { "nosuid", "mode=755", "", "size=65536k", "newinstance", "defaults", "ptmxmode=0666", NULL };
	const char *last[] = { "ro", "rw", "nosuid", "suid", "noexec", NULL };
	const char *last2[] = { "rw", "ro", "noatime", "strictatime", NULL };
	struct ocirt_mount_options o;

	o = parse(d);
	is_str(o.data, "mode=755,size=65536k,newinstance,ptmxmode=0666", "unknown options are data, in order");
	ok(o.flags.set == MS_NOSUID, "nosuid with data");
	ocirt_mount_options_done(&o);
	o = parse(last);
	ok(o.flags.set == MS_NOEXEC && o.flags.clear == (MS_RDONLY | MS_NOSUID), "ro,rw,nosuid,suid: last wins");
	ocirt_mount_options_done(&o);
	o = parse(last2);
	ok(o.flags.set == MS_RDONLY && o.flags.clear == 0 && o.flags.atime == OCIRT_ATIME_STRICTATIME,
	   "rw,ro,noatime,strictatime: ro and strictatime");
	ocirt_mount_options_done(&o);
	o = parse(NULL);
	ok(o.data == NULL && o.flags.set == 0 && !o.bind, "no options: nothing");
	ocirt_mount_options_done(&o);
}

static void test_apply(void)
{
	struct ocirt_mount_flags f = { .set = MS_RDONLY, .clear = MS_NOEXEC, .atime = OCIRT_ATIME_NOATIME };
	struct ocirt_mount_flags none = { 0 };
	unsigned long cur = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME;

	/* locked flags of the current mount (nosuid, nodev) survive a change that doesn't
	 * mention them */
	ok(ocirt_mount_flags_apply(&f, cur) == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOATIME),
	   "apply keeps unmentioned flags, sets, clears and switches atime");
	ok(ocirt_mount_flags_apply(&none, cur) == cur, "an empty change keeps everything");
	f = (struct ocirt_mount_flags){ .atime = OCIRT_ATIME_STRICTATIME };
	ok(ocirt_mount_flags_apply(&f, MS_NOATIME) == MS_STRICTATIME, "strictatime replaces noatime");
	f = (struct ocirt_mount_flags){ .atime = OCIRT_ATIME_RELATIME };
	ok(ocirt_mount_flags_apply(&f, MS_STRICTATIME) == MS_RELATIME, "relatime replaces strictatime");
}

static void test_table(void)
{
	const struct ocirt_mount_option *t = ocirt_mount_option_table(), *o;
	size_t n = 0;
	bool unique = true;

	for (o = t; o->name; o++, n++) {
		const struct ocirt_mount_option *p;
		for (p = t; p < o; p++)
			if (streq(p->name, o->name))
				unique = false;
		if (ocirt_mount_option_lookup(o->name) != o)
			unique = false;
	}
	ok(unique, "option names are unique and every entry is found by lookup");
	ok(n >= 58, "the table has every option (%zu)", n);
	ok(ocirt_mount_option_lookup("mode=755") == NULL, "filesystem data is not in the table");
	ok(ocirt_mount_option_lookup("rsync") == NULL, "superblock flags have no recursive form");
	/* features lists the table: idmapped mounts are supported (mount.c, userns.c) */
	ok(ocirt_mount_option_lookup("idmap") != NULL && ocirt_mount_option_lookup("ridmap") != NULL,
	   "idmap and ridmap are advertised");
}

int main(void)
{
	tap_no_plan();
	test_flags();
	test_propagation();
	test_bind_and_extensions();
	test_data_and_order();
	test_apply();
	test_table();
	tap_done();
	return tap_exit();
}
