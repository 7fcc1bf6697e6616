/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocishim: a conmon-compatible container monitor. One struct shim holds all state; each
 * file owns one concern (see ARCHITECTURE.md). Single-threaded: one epoll loop. */
#ifndef OCISHIM_SHIM_H
#define OCISHIM_SHIM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#define SHIM_BUF_SIZE       8192    /* one read of container output (conmon's STDIO_BUF_SIZE) */
#define SHIM_IN_BUF_SIZE    65536   /* one read of attach-client input */
#define SHIM_CONMON_VERSION "2.1.6" /* the conmon version whose contract we keep */

enum { STREAM_STDIN = 1, STREAM_STDOUT = 2, STREAM_STDERR = 3 };
enum { SHIM_LOG_ERROR, SHIM_LOG_WARN, SHIM_LOG_INFO, SHIM_LOG_DEBUG, SHIM_LOG_TRACE };

struct shim;
struct watch;
typedef void (*watch_fn)(struct shim *s, struct watch *w, uint32_t events);

/* One fd in the epoll set. */
struct watch {
	int fd;
	uint32_t events;
	bool added;
	watch_fn fn;
	void *data;
};

struct shim_opts {
	char *cid, *cuuid, *runtime, *bundle, *pidfile, *conmon_pidfile, *name;
	char *exit_dir, *persist_dir, *log_level, *log_tag, *socket_dir_path;
	char *exec_process_spec, *exit_command, *restore, *sdnotify_socket;
	char **log_paths, **runtime_args, **runtime_opts, **exit_command_args;
	int64_t log_size_max, log_global_size_max;
	int exit_delay, timeout, api_version;
	bool syslog, terminal, stdin_, leave_stdin_open, exec, exec_attach, full_attach;
	bool no_new_keyring, no_pivot, systemd_cgroup, sync, no_sync_log, replace_listen_pid;
	bool version;
};

/* A queued output packet for a slow attach client. */
struct outq {
	struct outq *next;
	size_t len, off;
	char data[];
};

struct attach_client {
	struct attach_client *next;
	struct watch w;
	bool rd_closed, wr_closed;
	struct outq *q, *q_tail;
	size_t q_bytes;
};

struct shim {
	struct shim_opts o;
	int epfd;

	/* inherited fds */
	int sync_fd, start_fd, attach_pipe_fd, devnull;
	int preserve_fds;
	int *inherited;
	size_t n_inherited;

	/* log drivers */
	bool log_k8s, log_journald, log_passthrough;
	char *k8s_path;
	int k8s_fd;
	int64_t k8s_written, k8s_total;
	char jpartial[2][SHIM_BUF_SIZE];
	size_t jpartial_len[2];
	int journal_fd;

	/* container stdio: our ends */
	int stdin_fd;  /* write end: pipe or pty master; -1 when closed */
	int out_fd[2]; /* read ends: [0] stdout (or pty master dup), [1] stderr */
	struct watch out_w[2], stdin_w;
	int worker_stdin, worker_stdout, worker_stderr;
	char *stdin_buf;
	size_t stdin_len;
	bool stdin_close_pending, stdin_paused;
	char *inbuf; /* attach-client read buffer */

	/* terminal */
	char *console_path;
	int console_listen, master;
	struct watch console_w;
	struct winsize ws;
	bool have_ws;
	struct watch master_retry_w; /* timerfd: re-arm the master after a hangup */

	/* attach socket, ctl and winsz FIFOs */
	int bundle_dirfd, attach_dirfd, attach_listen;
	struct watch attach_w;
	struct attach_client *clients;
	int ctl_fd, ctl_dummy, winsz_fd, winsz_dummy;
	struct watch ctl_w, winsz_w;
	char ctl_line[200], winsz_line[200];
	size_t ctl_line_len, winsz_line_len;

	/* sd-notify relay */
	int notify_fd, notify_host_fd;
	struct watch notify_w;

	/* processes */
	int sigfd;
	struct watch sig_w;
	pid_t runtime_pid, container_pid;
	bool runtime_exited, container_exited, timed_out;
	int runtime_status, container_status; /* raw wait statuses */
	struct {
		pid_t pid;
		int status;
	} early[32]; /* statuses of children reaped before we knew who they were */
	unsigned n_early;
	struct watch timer_w;

	/* OOM */
	int oom_efd, oom_inotify;
	struct watch oom_w;
	char *oom_v1_dir, *oom_v2_events;
	uint64_t oom_base;
	bool oom_seen;
	bool exit_command_armed;
};

/* main.c: diagnostics, "[conmon:e]: ..." on stderr (and syslog with --syslog) */
void shim_log_setup(int level, bool use_syslog, const char *cid);
void shim_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define pr_err(...)   shim_log(SHIM_LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  shim_log(SHIM_LOG_WARN, __VA_ARGS__)
#define pr_info(...)  shim_log(SHIM_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) shim_log(SHIM_LOG_DEBUG, __VA_ARGS__)
void shim_die(struct shim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* options.c */
int shim_parse_options(struct shim_opts *o, int argc, char **argv);
int shim_log_level_parse(const char *s);
void shim_opts_free(struct shim_opts *o);

/* loop.c */
int loop_init(struct shim *s);
void loop_watch(struct shim *s, struct watch *w, int fd, uint32_t events, watch_fn fn, void *data);
void loop_modify(struct shim *s, struct watch *w, uint32_t events);
void loop_unwatch(struct shim *s, struct watch *w);
void loop_once(struct shim *s, int timeout_ms);
int loop_signals_setup(struct shim *s);
void loop_reap(struct shim *s);

/* runtime.c */
char **runtime_argv(struct shim *s);
pid_t runtime_spawn(struct shim *s, char **argv);
char *runtime_error_message(struct shim *s);

/* stdio.c */
int stdio_setup(struct shim *s);
void stdio_start_readers(struct shim *s);
void stdio_drain(struct shim *s);
void stdio_write_stdin(struct shim *s, const char *buf, size_t len);
void stdio_close_stdin(struct shim *s);
int console_setup(struct shim *s);
void console_try_accept(struct shim *s);
void terminal_resize(struct shim *s, int rows, int cols);

/* log.c: the log drivers behind one call */
int logs_setup(struct shim *s);
void logs_write(struct shim *s, int stream, const char *buf, size_t len);
void logs_flush(struct shim *s);
int logs_reopen(struct shim *s);
/* log-k8s.c */
int k8s_log_open(struct shim *s);
void k8s_log_write(struct shim *s, int stream, const char *buf, size_t len);
int k8s_log_reopen(struct shim *s);
void k8s_log_sync(struct shim *s);
/* log-journald.c */
int journald_log_setup(struct shim *s);
void journald_log_write(struct shim *s, int stream, const char *buf, size_t len);
void journald_log_flush(struct shim *s);

/* attach.c */
int attach_setup(struct shim *s);
void attach_broadcast(struct shim *s, int stream, const char *buf, size_t len);
void attach_close_all(struct shim *s);
void attach_unlink(struct shim *s);
void attach_resume_input(struct shim *s, bool on);
void attach_gc(struct shim *s);

/* ctl.c */
int ctl_setup(struct shim *s);
int notify_setup(struct shim *s);

/* exit.c */
int sync_send(struct shim *s, int fd, int64_t data, const char *message);
int write_status_file(const char *dir, const char *name, const char *content);
int status_to_exit_code(int wstatus);
void exit_command_run(struct shim *s);
void shim_finish(struct shim *s) __attribute__((noreturn));
void shim_exit(struct shim *s, int code) __attribute__((noreturn));

/* oom.c */
void oom_setup(struct shim *s);
void oom_check(struct shim *s);
void oom_record(struct shim *s);

#endif
