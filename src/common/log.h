/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Diagnostics sink. The process has one sink, configured by main() from --log,
 * --log-format and --debug; library code reports warnings and debug lines through it and
 * never writes to stdout/stderr directly. Errors are not logged here: they climb as
 * struct ocirt_error and main() reports them once (ocirt_log_error). */
#ifndef OCIRT_LOG_H
#define OCIRT_LOG_H

#include <stdbool.h>
#include "common/macros.h"

enum ocirt_log_level {
	OCIRT_LOG_ERROR = 0,
	OCIRT_LOG_WARNING = 1,
	OCIRT_LOG_INFO = 2,
	OCIRT_LOG_DEBUG = 3,
};

enum ocirt_log_format {
	OCIRT_LOG_TEXT = 0,
	OCIRT_LOG_JSON = 1,
};

/* path NULL = stderr. Opens the file O_APPEND|O_CREAT|O_CLOEXEC 0644. Returns -errno. */
int ocirt_log_init(const char *path, enum ocirt_log_format format, enum ocirt_log_level max_level);
void ocirt_log(enum ocirt_log_level level, const char *fmt, ...) _printf_(2, 3);
/* The final fatal error of a command: one error record in the log (file or stderr), and
 * when the log is a file, the bare message on stderr too (what runc and crun do). */
void ocirt_log_error(const char *msg);
bool ocirt_log_enabled(enum ocirt_log_level level);
/* fd of the log file or -1 (the child keeps it open across clone to report late errors). */
int ocirt_log_fd(void);

#define log_warning(...) ocirt_log(OCIRT_LOG_WARNING, __VA_ARGS__)
#define log_info(...) ocirt_log(OCIRT_LOG_INFO, __VA_ARGS__)
#define log_debug(...) ocirt_log(OCIRT_LOG_DEBUG, __VA_ARGS__)

#endif
