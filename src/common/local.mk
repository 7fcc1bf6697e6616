noinst_LIBRARIES += libocirt-common.a
libocirt_common_a_SOURCES = \
	src/common/macros.h \
	src/common/xalloc.c src/common/xalloc.h \
	src/common/error.c src/common/error.h \
	src/common/strv.c src/common/strv.h
libocirt_common_a_SOURCES += src/common/fd-util.c src/common/fd-util.h
libocirt_common_a_SOURCES += src/common/proc-util.c src/common/proc-util.h
libocirt_common_a_SOURCES += src/common/timing.c src/common/timing.h
libocirt_common_a_SOURCES += src/common/buf.c src/common/buf.h
libocirt_common_a_SOURCES += src/common/log.c src/common/log.h
libocirt_common_a_SOURCES += src/common/path-util.c src/common/path-util.h
noinst_HEADERS += src/common/fault.h
