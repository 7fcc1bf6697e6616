/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsm.c on the host it runs on: with SELinux/AppArmor off (the usual dev host) labels are
 * refused or ignored as runc does; with them on, the validation paths. */
#include "config.h"

#include <string.h>

#include "common/xalloc.h"
#include "libocirt/lsm.h"
#include "tests/unit/tap.h"

int main(void)
{
	struct oci_process p = {0};
	struct oci_linux l = {0};
	struct oci_config c = {.process = &p, .linux_ = &l};
	bool se = ocirt_selinux_enabled(), aa = ocirt_apparmor_enabled();

	tap_no_plan();
	tap_diag("selinux %s, apparmor %s", se ? "on" : "off", aa ? "on" : "off");

	ok(ocirt_lsm_validate(&c, NULL) == 0, "no labels: valid");
	ok(ocirt_lsm_apply_exec_labels(&p, NULL) == 0, "no labels: nothing applied");

	l.mount_label = (char *)"system_u:object_r:container_file_t:s0";
	if (!se)
		ok(ocirt_lsm_validate(&c, NULL) == 0, "SELinux off: a mountLabel is accepted (ignored)");
	l.mount_label = NULL;

	{
		struct ocirt_error *err = NULL;
		p.selinux_label = (char *)(se ? "bogus_u:bogus_r:bogus_t:s0" : "system_u:system_r:container_t:s0");
		ok(ocirt_lsm_validate(&c, &err) < 0 && err, "process label refused: %s", err ? err->msg : "");
		if (!se)
			like_str(err ? err->msg : NULL, "selinux label is specified in config, but selinux is disabled",
			         "runc's wording");
		else
			like_str(err ? err->msg : NULL, "bogus_u:bogus_r:bogus_t:s0", "the label is named");
		ocirt_error_free(err);
		err = NULL;
		if (!se) {
			ok(ocirt_lsm_apply_exec_labels(&p, &err) < 0, "and refused at exec time too");
			ocirt_error_free(err);
			err = NULL;
		}
		p.selinux_label = NULL;
	}
	if (!aa) {
		struct ocirt_error *err = NULL;
		p.apparmor_profile = (char *)"docker-default";
		ok(ocirt_lsm_validate(&c, &err) < 0 && err && strstr(err->msg, "apparmor"),
		   "AppArmor off: a profile is refused: %s", err ? err->msg : "");
		ocirt_error_free(err);
		p.apparmor_profile = NULL;
	}
	ok(ocirt_lsm_set_file_label("/nonexistent", NULL, NULL) == 0, "no label: no lsetfilecon");
	ok(ocirt_lsm_set_keyring_label(NULL, NULL) == 0, "no label: no setkeycreatecon");
	return tap_exit();
}
