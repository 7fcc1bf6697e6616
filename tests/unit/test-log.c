/* SPDX-License-Identifier: GPL-2.0-or-later */
/* src/common/log.c: record formats, escaping, levels, and the file + bare-stderr rule. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "tests/unit/tap.h"

static char *slurp(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Run f with stderr redirected to a file; returns what it wrote. */
static char *capture_stderr(void (*f)(void))
{
	static char out[8192];
	char path[] = "/tmp/test-log-stderr.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	fflush(stderr);
	dup2(fd, 2);
	f();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	snprintf(out, sizeof(out), "%s", slurp(path));
	unlink(path);
	return out;
}

static void log_plain_error(void)
{
	ocirt_log_error("container does not exist");
}

static void log_warning_line(void)
{
	log_warning("a warning %d", 42);
}

static void log_escaped(void)
{
	ocirt_log_error("quote \" back \\ nl \n tab \t ctl \x01 utf8 \xc3\xa9");
}

int main(void)
{
	char dir[] = "/tmp/test-log.XXXXXX";
	char path[256];
	char *s;

	tap_no_plan();
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/log.json", dir);

	/* text on stderr, no file */
	ocirt_log_init(NULL, OCIRT_LOG_TEXT, OCIRT_LOG_ERROR);
	s = capture_stderr(log_plain_error);
	ok(strncmp(s, "time=\"", 6) == 0, "text: starts with time=\"");
	like_str(s, "Z\" level=error msg=\"container does not exist\"\n", "text: level and quoted msg");
	ok(ocirt_log_fd() < 0, "no file: ocirt_log_fd() is -1");

	/* warnings are dropped below their level */
	s = capture_stderr(log_warning_line);
	is_str(s, "", "warning not written at level error");
	ocirt_log_init(NULL, OCIRT_LOG_TEXT, OCIRT_LOG_DEBUG);
	s = capture_stderr(log_warning_line);
	like_str(s, "level=warning msg=\"a warning 42\"", "warning written at level debug");
	ok(ocirt_log_enabled(OCIRT_LOG_DEBUG), "debug enabled at debug");

	/* JSON on stderr, no file */
	ocirt_log_init(NULL, OCIRT_LOG_JSON, OCIRT_LOG_ERROR);
	s = capture_stderr(log_plain_error);
	like_str(s, "{\"level\":\"error\",\"msg\":\"container does not exist\",\"time\":\"", "json: runc's key order");
	ok(strlen(s) > 4 && strcmp(s + strlen(s) - 4, "Z\"}\n") == 0 && !strchr(s, '\n')[1],
	   "json: one line ending in Z\"}");

	/* escaping */
	s = capture_stderr(log_escaped);
	like_str(s, "\"msg\":\"quote \\\" back \\\\ nl \\n tab \\t ctl \\u0001 utf8 \xc3\xa9\"", "json escaping");
	ocirt_log_init(NULL, OCIRT_LOG_TEXT, OCIRT_LOG_ERROR);
	s = capture_stderr(log_escaped);
	like_str(s, "msg=\"quote \\\" back \\\\ nl \\n tab \\t ctl \\x01 utf8 \xc3\xa9\"", "text escaping (Go-style quoting)");

	/* file: the record goes to the file, the bare message to stderr; appended */
	ok(ocirt_log_init(path, OCIRT_LOG_JSON, OCIRT_LOG_ERROR) == 0, "open log file");
	ok(ocirt_log_fd() >= 0, "ocirt_log_fd() is the file");
	ok((fcntl(ocirt_log_fd(), F_GETFD) & FD_CLOEXEC) != 0, "log fd is O_CLOEXEC");
	s = capture_stderr(log_plain_error);
	is_str(s, "container does not exist\n", "bare message on stderr");
	s = capture_stderr(log_warning_line);
	is_str(s, "", "warning: nothing on stderr");
	s = capture_stderr(log_plain_error);
	s = slurp(path);
	ok(strncmp(s, "{\"level\":\"error\",\"msg\":\"container does not exist\",\"time\":\"", 56) == 0,
	   "file holds the JSON record");
	{
		int lines = 0;
		for (char *p = s; *p; p++)
			lines += *p == '\n';
		is_int(lines, 2, "two records appended, no warning");
	}
	ok(ocirt_log_init(path, OCIRT_LOG_JSON, OCIRT_LOG_ERROR) == 0, "reopen appends");
	capture_stderr(log_plain_error);
	{
		int lines = 0;
		for (char *p = slurp(path); *p; p++)
			lines += *p == '\n';
		is_int(lines, 3, "third record appended after reopening");
	}
	ok(ocirt_log_init("/nonexistent/dir/log", OCIRT_LOG_JSON, OCIRT_LOG_ERROR) < 0, "unopenable file: error");

	unlink(path);
	rmdir(dir);
	return tap_exit();
}
