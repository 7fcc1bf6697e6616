/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt pause <id> */
#include "config.h"

#include "libocirt/container-cgroup.h"
#include "ocirt/cli.h"

VERB(pause)
{
	return cli_id_verb(cli, v, argc, argv, ocirt_container_pause, err);
}
