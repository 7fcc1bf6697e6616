/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every input a fuzz target (tests/fuzz/fuzz-*.c) found crashing, as a plain unit test run by
 * `make check` in every build (no clang needed). One function per finding, named after the
 * target, with the input that failed. */
#include "config.h"
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "libocirt/cgroup-convert.h"
#include "libocirt/container.h"
#include "libocirt/mount.h"
#include "tests/unit/tap.h"

/* fuzz-signal: "RTMIN+<LONG_MAX>" overflowed base + offset (signed overflow, UBSan). */
static void signal_rt_overflow(void)
{
	static const char *const bad[] = { "RTMIN+9223372036854775807", "RTMAX-9223372036854775807",
					   "SIGRTMIN+99999999999999999999", "rtmax-2147483648",
					   "RTMIN+65" };
	struct ocirt_error *err = NULL;
	int sig = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok(ocirt_parse_signal(bad[i], &sig, &err) < 0, "signal %s refused", bad[i]);
		like_str(err ? err->msg : NULL, "unknown signal", "signal %s: message", bad[i]);
		ocirt_error_freep(&err);
	}
	ok(ocirt_parse_signal("RTMIN+2", &sig, &err) == 0 && sig == SIGRTMIN + 2, "RTMIN+2 still parses");
	ok(ocirt_parse_signal("SIGRTMAX-1", &sig, &err) == 0 && sig == SIGRTMAX - 1, "SIGRTMAX-1 still parses");
}

/* fuzz-cgroup-convert: ocirt_cg_hugepage_name(1 << 50) gave "1PB", which
 * ocirt_cg_hugepage_parse refused (the two tables disagreed). */
static void hugepage_pb_round_trip(void)
{
	char buf[OCIRT_CG_VALUE_MAX];
	uint64_t back = 0;

	ocirt_cg_hugepage_name(1ULL << 50, buf);
	is_str(buf, "1PB", "2^50 bytes is 1PB");
	ok(ocirt_cg_hugepage_parse(buf, &back) == 0 && back == 1ULL << 50, "1PB parses back");
	ok(ocirt_cg_hugepage_parse("16384PB", &back) < 0, "16384PB overflows 64 bits: refused");
}

/* fuzz-cgroup-convert: a current cpu.max with a 60-character quota was copied into the
 * result, which snprintf then cut at 64 bytes: "AAA...A" without the period. */
static void cpu_max_long_current(void)
{
	char cur[128], buf[OCIRT_CG_VALUE_MAX];
	struct ocirt_error *err = NULL;
	bool set = false;

	memset(cur, 'A', 60);
	strcpy(cur + 60, " 100000");
	ok(ocirt_cg_cpu_max(false, 0, true, 50000, cur, buf, &set, &err) == 0 && set, "cpu.max with a junk current");
	is_str(buf, "max 50000", "junk current quota is ignored, not truncated");
	ok(ocirt_cg_cpu_max(false, 0, true, 50000, "12345678901234567890 7", buf, &set, &err) == 0, "long number");
	is_str(buf, "12345678901234567890 50000", "a 20-digit current quota is kept");
	ocirt_error_freep(&err);
}

/* fuzz-mount-options: an option holding a comma ("n,suid") ends up as two filesystem
 * options; that is runc's behaviour too, and must not confuse the table lookups. */
static void mount_option_with_comma(void)
{
	char *opts[] = { "rbind", "n,suid", "ro", NULL };
	struct ocirt_mount_options o;
	struct ocirt_error *err = NULL;

	memset(&o, 0, sizeof(o));
	ok(ocirt_mount_options_parse(opts, &o, &err) == 0, "options with a comma parse");
	is_str(o.data, "n,suid", "the comma option goes to the filesystem as is");
	ok(o.bind && o.recursive && (o.flags.set & MS_RDONLY), "the known options still apply");
	ocirt_mount_options_done(&o);
}

int main(void)
{
	tap_no_plan();
	signal_rt_overflow();
	hugepage_pb_round_trip();
	cpu_max_long_current();
	mount_option_with_comma();
	return tap_exit();
}
