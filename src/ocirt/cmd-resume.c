/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirt resume <id> */
#include "config.h"

#include "libocirt/container-cgroup.h"
#include "ocirt/cli.h"

VERB(resume)
{
	return cli_id_verb(cli, v, argc, argv, ocirt_container_resume, err);
}
