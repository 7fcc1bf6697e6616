/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The features.json of `ocirt features`: what this binary implements (fixed at build time,
 * per the spec), never what the host happens to support. Only list what works. */
#ifndef OCIRT_FEATURES_H
#define OCIRT_FEATURES_H

#include "libocispec/oci-features.h"

/* A freshly allocated document (oci_features_free it). */
struct oci_features *ocirt_features_get(void);

#endif
