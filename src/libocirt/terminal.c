/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "libocirt/mount.h"
#include "libocirt/terminal.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int ocirt_terminal_setup(const struct oci_process *p, bool bind_console, int *ret_master,
			 struct ocirt_error **err)
{
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return ocirt_error_set(err, errno, "open /dev/ptmx");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return ocirt_error_set(err, errno, "unlock the pty");
	unsigned int ptn;
	if (ioctl(master, TIOCGPTN, &ptn) < 0)
		return ocirt_error_set(err, errno, "get the pty number");
	char slave_path[64];
	snprintf(slave_path, sizeof(slave_path), "/dev/pts/%u", ptn);
	/* TIOCGPTPEER (4.13) opens the peer of this very master, whatever /dev/pts is. */
	_cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		slave = open(slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (slave < 0)
			return ocirt_error_set(err, errno, "open the pty slave `%s`", slave_path);
	}
	if (p->console_size) {
		struct winsize ws = { .ws_row = (unsigned short)p->console_size->height,
				      .ws_col = (unsigned short)p->console_size->width };
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return ocirt_error_set(err, errno, "set the console size");
	}
	/* /dev/console: a bind mount of the slave (the mount point may be missing without a
	 * rootfs that made it: create it when /dev allows). */
	struct stat st;
	if (bind_console && stat("/dev/console", &st) < 0 && errno == ENOENT) {
		int fd = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0)
			close(fd);
	}
	if (bind_console && lstat("/dev/console", &st) == 0) {
		/* SECURITY: the pty we hold (not whatever /dev/pts/N names) goes on /dev/console
		 * itself, never on what a link there points at */
		_cleanup_close_ int console = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (console < 0 || fstat(console, &st) < 0)
			return ocirt_error_set(err, errno, "open /dev/console");
		if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode))
			return ocirt_error_setx(err, EINVAL, "/dev/console is a %s: refusing to bind the console there",
						S_ISLNK(st.st_mode) ? "symlink" : "directory");
		int r = ocirt_mount_bind(slave, NULL, console, -1, "/dev/console", false, NULL, NULL, NULL);
		if (r < 0)
			return ocirt_error_set(err, -r, "bind `%s` on /dev/console", slave_path);
	}
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return ocirt_error_set(err, errno, "make the pty the controlling terminal");
	for (int i = 0; i < 3; i++)
		if (dup2(slave, i) < 0)
			return ocirt_error_set(err, errno, "dup2 the pty onto fd %d", i);
	*ret_master = TAKE_FD(master);
	return 0;
}

int ocirt_terminal_send(int console_sock, int master, struct ocirt_error **err)
{
	/* runc sends the master's name as the payload; any non-empty payload does. */
	static const char name[] = "/dev/ptmx";
	int r = send_with_fd(console_sock, name, sizeof(name) - 1, master);
	if (r < 0)
		return ocirt_error_set(err, -r, "send the pty master to the console socket");
	return 0;
}

int ocirt_terminal_connect(const char *path, int *ret_fd, struct ocirt_error **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path))
		return ocirt_error_setx(err, ENAMETOOLONG, "console socket path `%s` is too long", path);
	strcpy(addr.sun_path, path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ocirt_error_set(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return ocirt_error_set(err, errno, "connect to the console socket `%s`", path);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int ocirt_terminal_make_raw(int fd, struct termios *saved)
{
	if (tcgetattr(fd, saved) < 0)
		return -errno;
	struct termios raw = *saved;
	cfmakeraw(&raw);
	if (tcsetattr(fd, TCSANOW, &raw) < 0)
		return -errno;
	return 0;
}

void ocirt_terminal_restore(int fd, const struct termios *saved)
{
	tcsetattr(fd, TCSANOW, saved);
}

void ocirt_terminal_copy_winsize(int from, int to)
{
	struct winsize ws;
	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

int ocirt_terminal_check(bool terminal, bool detach, const char *console_socket, struct ocirt_error **err)
{
	if (terminal && detach && !console_socket)
		return ocirt_error_setx(err, EINVAL,
					"cannot allocate tty if runc will detach without setting console socket");
	if (console_socket && (!detach || !terminal))
		return ocirt_error_setx(err, EINVAL, "cannot use console socket if runc will not detach or allocate tty");
	return 0;
}
