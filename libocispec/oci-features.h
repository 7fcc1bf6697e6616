/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runtime-spec features.json document (features.md, features-linux.md). */
#ifndef OCI_FEATURES_H
#define OCI_FEATURES_H

#include "libocispec/oci-types.h"
#include "common/error.h"

struct oci_features_cgroup {
	bool v1, v2, systemd, systemd_user, rdma;
};

struct oci_features_seccomp {
	bool enabled;
	char **actions;
	char **operators;
	char **archs;
	char **known_flags;     /* "knownFlags" */
	char **supported_flags; /* "supportedFlags" */
};

struct oci_features_linux {
	char **namespaces;
	char **capabilities;
	struct oci_features_cgroup *cgroup;
	struct oci_features_seccomp *seccomp;
	bool has_apparmor;
	bool apparmor_enabled; /* "apparmor": {"enabled": ...} */
	bool has_selinux;
	bool selinux_enabled;
	bool has_intel_rdt;
	bool intel_rdt_enabled;
	bool has_idmap;
	bool idmap_enabled; /* "mountExtensions": {"idmap": {"enabled": ...}} */
	bool has_net_devices;
	bool net_devices_enabled;
};

struct oci_features {
	char *oci_version_min; /* required */
	char *oci_version_max; /* required */
	char **hooks;
	char **mount_options;
	struct oci_features_linux *linux_;
	struct oci_map *annotations;
	char **potentially_unsafe_config_annotations;
};

int oci_features_parse(const char *data, size_t len, const char *source, struct oci_features **ret,
		       struct ocirt_error **err);
int oci_features_generate(const struct oci_features *f, bool pretty, char **ret_json, size_t *ret_len,
			  struct ocirt_error **err);
void oci_features_free(struct oci_features *f);

#endif
