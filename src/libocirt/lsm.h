/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SELinux and AppArmor: process.selinuxLabel, linux.mountLabel, process.apparmorProfile.
 *
 * Where each function is called:
 *   parent, validation   ocirt_lsm_validate()            every problem before any namespace
 *                                                         exists (runc refuses a process label
 *                                                         when SELinux is off; an AppArmor
 *                                                         profile with AppArmor off fails in
 *                                                         runc too, at exec time)
 *   child, keyring step  ocirt_lsm_set_keyring_label()   right before creating the session
 *                                                         keyring (runc labels it with the
 *                                                         process label)
 *   mount.c              (appends `context="<mountLabel>"` to tmpfs and devpts data itself,
 *                                                         unless given; rootfs.c hands it the
 *                                                         label only when SELinux is on)
 *                        ocirt_lsm_set_fd_label()        the root of a mount that takes no
 *                                                         context= option (mqueue), right
 *                                                         after mounting it (runc)
 *                        ocirt_lsm_set_file_label()      runtime-created files
 *   child, "lsm" row     ocirt_lsm_apply_exec_labels()   after /proc is mounted in the
 *                                                         container: both are exec
 *                                                         transitions, applied by the execve
 *
 * With SELinux disabled mountLabel is ignored silently (runc); a process label is refused
 * by validate(). With SELinux enabled an invalid label is an error naming it. */
#ifndef OCIRT_LSM_H
#define OCIRT_LSM_H

#include <stdbool.h>
#include "common/error.h"
#include "libocispec/oci-config.h"

bool ocirt_selinux_enabled(void);
bool ocirt_apparmor_enabled(void);

int ocirt_lsm_validate(const struct oci_config *c, struct ocirt_error **err);


/* lsetfilecon(path, label); nothing when label is empty or SELinux is off; a filesystem
 * without label support (ENOTSUP) is not an error. */
int ocirt_lsm_set_file_label(const char *path, const char *label, struct ocirt_error **err);
/* The same on the file fd refers to (an O_PATH fd too: setfilecon through /proc/self/fd/N),
 * e.g. the root of a mount just made; what names it in the error. */
int ocirt_lsm_set_fd_label(int fd, const char *what, const char *label, struct ocirt_error **err);
/* setkeycreatecon(label); nothing when label is empty or SELinux is off. */
int ocirt_lsm_set_keyring_label(const char *label, struct ocirt_error **err);

/* setexeccon(process.selinuxLabel) and "exec <apparmorProfile>" to
 * /proc/self/attr/apparmor/exec (attr/exec before 5.8). */
int ocirt_lsm_apply_exec_labels(const struct oci_process *p, struct ocirt_error **err);

#endif
