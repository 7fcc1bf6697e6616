/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt restore: runc's options are parsed (podman probes `restore --lsm-mount-context`
 * without a value and looks for "flag needs an argument"), then it fails: no CRIU. */
#include "config.h"

#include <errno.h>

#include "common/strv.h"
#include "ocirt/cli.h"

VERB(restore)
{
	const char *console_socket = NULL, *image_path = NULL, *work_path = NULL, *manage_cgroups_mode = NULL,
		   *bundle = NULL, *pid_file = NULL, *lsm_profile = NULL, *lsm_mount_context = NULL,
		   *parent_path = NULL;
	_cleanup_strv_ char **empty_ns = NULL;
	bool tcp_established = false, ext_unix_sk = false, shell_job = false, file_locks = false, detach = false,
	     no_subreaper = false, no_pivot = false, auto_dedup = false, lazy_pages = false, no_new_keyring = false,
	     tcp_close = false, network_lock = false;
	_cleanup_free_ char **args = NULL;
	int r;
	const struct opt opts[] = {
		{ "console-socket", OPT_STRING, &console_socket, "PATH", "path to an AF_UNIX socket for the console" },
		{ "image-path", OPT_STRING, &image_path, "DIR", "path to criu image files for restoring" },
		{ "work-path", OPT_STRING, &work_path, "DIR", "path for saving work files and logs" },
		{ "parent-path", OPT_STRING, &parent_path, "DIR", NULL },
		{ "tcp-established", OPT_BOOL, &tcp_established, NULL, "allow open tcp connections" },
		{ "tcp-close", OPT_BOOL, &tcp_close, NULL, NULL },
		{ "network-lock", OPT_BOOL, &network_lock, NULL, NULL },
		{ "ext-unix-sk", OPT_BOOL, &ext_unix_sk, NULL, "allow external unix sockets" },
		{ "shell-job", OPT_BOOL, &shell_job, NULL, "allow shell jobs" },
		{ "file-locks", OPT_BOOL, &file_locks, NULL, "handle file locks, for safety" },
		{ "manage-cgroups-mode", OPT_STRING, &manage_cgroups_mode, "MODE", "cgroups mode: soft|full|strict|"
		  "ignore" },
		{ "bundle|b", OPT_STRING, &bundle, "DIR", "path to the root of the bundle directory" },
		{ "detach|d", OPT_BOOL, &detach, NULL, "detach from the container's process" },
		{ "pid-file", OPT_STRING, &pid_file, "FILE", "specify the file to write the process id to" },
		{ "no-subreaper", OPT_BOOL, &no_subreaper, NULL, "disable the use of the subreaper" },
		{ "no-pivot", OPT_BOOL, &no_pivot, NULL, "do not use pivot root to jail process inside rootfs" },
		{ "no-new-keyring", OPT_BOOL, &no_new_keyring, NULL, NULL },
		{ "empty-ns", OPT_STRINGS, &empty_ns, "NS", "create a namespace, but don't restore its properties" },
		{ "auto-dedup", OPT_BOOL, &auto_dedup, NULL, "enable auto deduplication of memory images" },
		{ "lazy-pages", OPT_BOOL, &lazy_pages, NULL, "use userfaultfd to lazily restore memory pages" },
		{ "lsm-profile", OPT_STRING, &lsm_profile, "TYPE:NAME", "specify an LSM profile to be used during "
		  "restore" },
		{ "lsm-mount-context", OPT_STRING, &lsm_mount_context, "CONTEXT", "specify an LSM mount context to be "
		  "used during restore" },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 1, &args, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	return ocirt_error_setx(err, ENOSYS, "`restore`: not implemented yet (ocirt has no CRIU support)");
}
