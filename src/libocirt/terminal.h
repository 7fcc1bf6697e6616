/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.terminal: the pty is opened inside the container (its /dev/ptmx, after pivot_root),
 * the slave becomes the controlling terminal, stdio and /dev/console, and the master goes
 * to the caller: over --console-socket (one sendmsg, non-empty payload, exactly one
 * SCM_RIGHTS fd, no reply awaited), or to the runtime itself for a foreground `run`. */
#ifndef OCIRT_TERMINAL_H
#define OCIRT_TERMINAL_H

#include <stdbool.h>
#include <termios.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

/* Child side. *ret_master is the master (O_CLOEXEC) for the caller to send. bind_console:
 * the slave is also bind-mounted on /dev/console (the init's, not an exec'd process's). */
int ocirt_terminal_setup(const struct oci_process *p, bool bind_console, int *ret_master,
			 struct ocirt_error **err);
/* Send the master over a connected console socket. */
int ocirt_terminal_send(int console_sock, int master, struct ocirt_error **err);

/* Host side (foreground run). */
int ocirt_terminal_make_raw(int fd, struct termios *saved);
void ocirt_terminal_restore(int fd, const struct termios *saved);
/* Copy the window size of `from` (a tty) to `to`; nothing when from is not a tty. */
void ocirt_terminal_copy_winsize(int from, int to);

/* Connect to the console socket path (before clone: the path is a host path). */
/* runc's rules for process.terminal, --console-socket and detaching (create/run/exec),
 * checked before anything exists; runc's words. */
int ocirt_terminal_check(bool terminal, bool detach, const char *console_socket, struct ocirt_error **err);
int ocirt_terminal_connect(const char *path, int *ret_fd, struct ocirt_error **err);

#endif
