/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt events [--interval 5s] [--stats] <id> */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libocirt/container-cgroup.h"
#include "ocirt/cli.h"

/* Go's time.ParseDuration for what people type: "5s", "100ms", "1m30s", "1.5s", "2h". */
static int parse_duration_ms(const char *s, long long *ret)
{
	double total = 0;
	const char *p = s;
	bool neg = false;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (streq(p, "0")) {
		*ret = 0;
		return 0;
	}
	if (!*p)
		return -EINVAL;
	while (*p) {
		char *end;
		double v = strtod(p, &end), mult;
		if (end == p)
			return -EINVAL;
		p = end;
		if (strncmp(p, "ns", 2) == 0)
			mult = 1e-6, p += 2;
		else if (strncmp(p, "us", 2) == 0 || strncmp(p, "\xc2\xb5s", 3) == 0)
			mult = 1e-3, p += p[0] == 'u' ? 2 : 3;
		else if (strncmp(p, "ms", 2) == 0)
			mult = 1, p += 2;
		else if (*p == 's')
			mult = 1000, p++;
		else if (*p == 'm')
			mult = 60000, p++;
		else if (*p == 'h')
			mult = 3600000, p++;
		else
			return -EINVAL;
		total += v * mult;
	}
	*ret = (long long)(neg ? -total : total);
	return 0;
}

static int print_event(const char *line, void *userdata)
{
	if (printf("%s\n", line) < 0 || fflush(stdout) != 0)
		return -EPIPE;
	return 0;
}

VERB(events)
{
	const char *interval = NULL;
	bool stats = false;
	_cleanup_free_ char **args = NULL;
	int r;
	const struct opt opts[] = {
		{ "interval", OPT_STRING, &interval, "DURATION", "set the stats collection interval (default: 5s)" },
		{ "stats", OPT_BOOL, &stats, NULL, "display the container's stats then exit" },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	long long ms = 5000;
	if (interval && parse_duration_ms(interval, &ms) < 0)
		return ocirt_error_setx(err, EINVAL, "time: invalid duration \"%s\"", interval);
	if (ms <= 0)
		return ocirt_error_setx(err, EINVAL, "duration interval must be greater than 0");
	if (ms > 24LL * 3600 * 1000)
		ms = 24LL * 3600 * 1000;
	return ocirt_container_events(&cli->ctx, args[0], (unsigned)ms, stats, print_event, NULL, err);
}
