/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared oracle for the libocispec fuzz targets: whatever parses must generate, and the
 * generated text must parse again and regenerate byte for byte (pretty and compact). */
#ifndef OCIRT_FUZZ_COMMON_H
#define OCIRT_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "common/strv.h"

#define FUZZ_CHECK(cond)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* Round-trip one model type T with parse(data, len, &obj, &err) and gen(obj, pretty, &out). */
#define FUZZ_ROUND_TRIP(T, PARSE, GEN, FREE, data, size)                                       \
	do {                                                                                    \
		struct ocirt_error *err_ = NULL;                                                \
		T *obj_ = NULL, *again_ = NULL;                                                 \
		char *out_ = NULL, *out2_ = NULL;                                               \
		for (int pretty_ = 0; pretty_ < 2; pretty_++) {                                 \
			if (PARSE((const char *)(data), (size), &obj_, &err_) < 0) {            \
				FUZZ_CHECK(err_ && err_->msg && !obj_);                         \
				ocirt_error_free(err_);                                         \
				return 0;                                                       \
			}                                                                       \
			FUZZ_CHECK(GEN(obj_, pretty_, &out_, &err_) == 0);                      \
			if (PARSE(out_, strlen(out_), &again_, &err_) < 0) {                    \
				fprintf(stderr, "regenerated text does not parse: %s\n%s\n",    \
					err_->msg, out_);                                       \
				abort();                                                        \
			}                                                                       \
			FUZZ_CHECK(GEN(again_, pretty_, &out2_, &err_) == 0);                   \
			if (strcmp(out_, out2_) != 0) {                                         \
				fprintf(stderr, "not a fixed point:\n%s\n---\n%s\n", out_, out2_); \
				abort();                                                        \
			}                                                                       \
			FREE(obj_);                                                             \
			FREE(again_);                                                           \
			free(out_);                                                             \
			free(out2_);                                                            \
			obj_ = again_ = NULL;                                                   \
			out_ = out2_ = NULL;                                                    \
		}                                                                               \
		ocirt_error_free(err_);                                                         \
	} while (0)

#endif
