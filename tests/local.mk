# tests build rules
include tests/unit/local.mk
include tests/fuzz/local.mk
include tests/tools/local-sec.mk
