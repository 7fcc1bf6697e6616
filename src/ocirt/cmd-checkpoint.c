/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt checkpoint: not implemented. It fails for every argument list, --help included:
 * podman takes `<runtime> checkpoint --help` exiting 0 as "checkpoint is supported". */
#include "config.h"

#include <errno.h>

#include "ocirt/cli.h"

VERB(checkpoint)
{
	return ocirt_error_setx(err, ENOSYS, "`checkpoint`: not implemented yet (ocirt has no CRIU support)");
}
