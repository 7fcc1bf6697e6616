/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signal names for `kill`: numbers, names with or without the SIG prefix, any case. */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libocirt/container.h"

static const struct {
	const char *name;
	int num;
} signal_names[] = {
	{ "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },     { "ILL", SIGILL },
	{ "TRAP", SIGTRAP },   { "ABRT", SIGABRT },     { "IOT", SIGIOT },       { "BUS", SIGBUS },
	{ "FPE", SIGFPE },     { "KILL", SIGKILL },     { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },     { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },   { "CLD", SIGCHLD },      { "CONT", SIGCONT },
	{ "STOP", SIGSTOP },   { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },
	{ "URG", SIGURG },     { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM },
	{ "PROF", SIGPROF },   { "WINCH", SIGWINCH },   { "IO", SIGIO },         { "POLL", SIGPOLL },
	{ "PWR", SIGPWR },     { "SYS", SIGSYS },
};

/* "RTMIN", "RTMIN+3", "RTMAX-2" */
static int parse_rt(const char *s, int *ret)
{
	int base;
	const char *rest;

	if (strncasecmp(s, "RTMIN", 5) == 0) {
		base = SIGRTMIN;
		rest = s + 5;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		base = SIGRTMAX;
		rest = s + 5;
	} else
		return -1;
	if (*rest == '\0') {
		*ret = base;
		return 0;
	}
	if ((*rest != '+' && *rest != '-') || !isdigit((unsigned char)rest[1]))
		return -1;
	char *end;
	errno = 0;
	long off = strtol(rest + 1, &end, 10);
	if (*end != '\0' || errno != 0 || off > SIGRTMAX) /* base +/- off must not overflow (fuzz-signal) */
		return -1;
	long v = *rest == '+' ? base + off : base - off;
	if (v < SIGRTMIN || v > SIGRTMAX)
		return -1;
	*ret = (int)v;
	return 0;
}

int ocirt_parse_signal(const char *s, int *ret, struct ocirt_error **err)
{
	if (s == NULL || *s == '\0') {
		*ret = SIGTERM;
		return 0;
	}
	if (isdigit((unsigned char)s[0])) {
		char *end;
		errno = 0;
		long v = strtol(s, &end, 10);
		if (errno != 0 || *end != '\0' || v <= 0 || v > SIGRTMAX)
			return ocirt_error_setx(err, EINVAL, "unknown signal \"%s\"", s);
		*ret = (int)v;
		return 0;
	}
	const char *name = s;
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++) {
		if (strcasecmp(name, signal_names[i].name) == 0) {
			*ret = signal_names[i].num;
			return 0;
		}
	}
	if (parse_rt(name, ret) == 0)
		return 0;
	return ocirt_error_setx(err, EINVAL, "unknown signal \"%s\"", s);
}
