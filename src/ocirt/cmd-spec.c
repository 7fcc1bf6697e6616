/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt spec [--bundle|-b DIR] [--rootless]: write a starter config.json, never over an
 * existing one. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fd-util.h"
#include "common/xalloc.h"
#include "ocirt/cli.h"

VERB(spec)
{
	const char *bundle = NULL;
	bool rootless = false;
	_cleanup_free_ char *dir = NULL, *path = NULL, *json = NULL;
	_cleanup_close_ int fd = -1;
	struct oci_config *c;
	struct stat st;
	size_t len;
	int r;
	const struct opt opts[] = {
		{ "bundle|b", OPT_STRING, &bundle, "DIR", "path to the root of the bundle directory" },
		{ "rootless", OPT_BOOL, &rootless, NULL, "generate a configuration for a rootless container" },
		{ NULL, 0, NULL, NULL, NULL },
	};

	r = cli_parse(v, opts, argc, argv, 0, ARGS_EXACT, 0, NULL, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	dir = cli_abspath(bundle ? bundle : ".");
	if (stat(dir, &st) < 0)
		return ocirt_error_set(err, errno, "bundle `%s`", dir);
	if (!S_ISDIR(st.st_mode))
		return ocirt_error_set(err, ENOTDIR, "bundle `%s`", dir);
	path = xasprintf("%s/config.json", dir);

	c = ocirt_spec_default(rootless);
	r = oci_config_generate(c, true, &json, &len, err);
	oci_config_free(c);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0) {
		if (errno == EEXIST)
			return ocirt_error_setx(err, EEXIST, "File config.json exists. Remove it first");
		return ocirt_error_set(err, errno, "create `%s`", path);
	}
	r = write_all(fd, json, len);
	if (r < 0) {
		unlink(path);
		return ocirt_error_set(err, -r, "write `%s`", path);
	}
	return 0;
}
