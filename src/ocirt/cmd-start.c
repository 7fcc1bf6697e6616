/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt start <id> */
#include "config.h"

#include "ocirt/cli.h"

VERB(start)
{
	return cli_id_verb(cli, v, argc, argv, ocirt_container_start, err);
}
