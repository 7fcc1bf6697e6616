/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The process's diagnostics sink (see log.h).
 *
 * Records are built in memory and written with a single write(2) so that a line is never
 * torn, even when the container child (which inherits the fd across clone) logs at the same
 * time as the parent: containerd decodes the whole --log file as a JSON stream, and one
 * broken line loses every error in it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"

static struct {
	int fd; /* log file, or -1 for stderr */
	enum ocirt_log_format format;
	enum ocirt_log_level max_level;
} sink = { -1, OCIRT_LOG_TEXT, OCIRT_LOG_ERROR };

static const char *const level_names[] = {
	[OCIRT_LOG_ERROR] = "error",
	[OCIRT_LOG_WARNING] = "warning",
	[OCIRT_LOG_INFO] = "info",
	[OCIRT_LOG_DEBUG] = "debug",
};

int ocirt_log_init(const char *path, enum ocirt_log_format format, enum ocirt_log_level max_level)
{
	int fd = -1;

	if (path && *path) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd < 0)
			return -errno;
	}
	if (sink.fd >= 0)
		close(sink.fd);
	sink.fd = fd;
	sink.format = format;
	sink.max_level = max_level;
	return 0;
}

bool ocirt_log_enabled(enum ocirt_log_level level)
{
	return level <= sink.max_level;
}

int ocirt_log_fd(void)
{
	return sink.fd;
}

/* Quote msg for a JSON string (json = true) or a logfmt value (Go-style %q escapes).
 * Bytes >= 0x80 pass through unchanged (UTF-8). */
static void buf_put_quoted(struct buf *b, const char *msg, bool json)
{
	char esc[8];
	buf_putn(b, "\"", 1);
	for (const unsigned char *s = (const unsigned char *)msg; *s; s++) {
		switch (*s) {
		case '"':
			buf_putn(b, "\\\"", 2);
			break;
		case '\\':
			buf_putn(b, "\\\\", 2);
			break;
		case '\n':
			buf_putn(b, "\\n", 2);
			break;
		case '\r':
			buf_putn(b, "\\r", 2);
			break;
		case '\t':
			buf_putn(b, "\\t", 2);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				snprintf(esc, sizeof(esc), json ? "\\u%04x" : "\\x%02x", *s);
				buf_puts(b, esc);
			} else
				buf_putn(b, (const char *)s, 1);
		}
	}
	buf_putn(b, "\"", 1);
}

static void format_time(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_record(int fd, enum ocirt_log_level level, const char *msg)
{
	struct buf b = { 0 };
	char when[64];
	int saved = errno;

	format_time(when, sizeof(when));
	if (sink.format == OCIRT_LOG_JSON) {
		/* runc's key order (sorted): level, msg, time */
		buf_puts(&b, "{\"level\":\"");
		buf_puts(&b, level_names[level]);
		buf_puts(&b, "\",\"msg\":");
		buf_put_quoted(&b, msg, true);
		buf_puts(&b, ",\"time\":\"");
		buf_puts(&b, when);
		buf_puts(&b, "\"}\n");
	} else {
		buf_puts(&b, "time=\"");
		buf_puts(&b, when);
		buf_puts(&b, "\" level=");
		buf_puts(&b, level_names[level]);
		buf_puts(&b, " msg=");
		buf_put_quoted(&b, msg, false);
		buf_puts(&b, "\n");
	}
	/* one write: O_APPEND makes it atomic with respect to other writers of the file */
	(void)write_all(fd, b.p, b.len);
	free(b.p);
	errno = saved;
}

void ocirt_log(enum ocirt_log_level level, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (level > OCIRT_LOG_DEBUG || !ocirt_log_enabled(level))
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	write_record(sink.fd >= 0 ? sink.fd : STDERR_FILENO, level, msg);
	free(msg);
}

void ocirt_log_error(const char *msg)
{
	if (!msg || !*msg)
		msg = "unknown error";
	write_record(sink.fd >= 0 ? sink.fd : STDERR_FILENO, OCIRT_LOG_ERROR, msg);
	if (sink.fd >= 0) {
		/* the bare message for whoever reads our stderr (conmon, go-runc's combined output) */
		struct buf b = { 0 };
		int saved = errno;
		buf_puts(&b, msg);
		buf_puts(&b, "\n");
		(void)write_all(STDERR_FILENO, b.p, b.len);
		free(b.p);
		errno = saved;
	}
}
