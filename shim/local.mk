# ocishim: the conmon-compatible shim. Links src/common only (it knows the runtime by its CLI).
bin_PROGRAMS += ocishim
ocishim_SOURCES = \
	shim/shim.h \
	shim/main.c \
	shim/options.c \
	shim/loop.c \
	shim/runtime.c \
	shim/stdio.c \
	shim/log.c \
	shim/log-k8s.c \
	shim/log-journald.c \
	shim/attach.c \
	shim/ctl.c \
	shim/exit.c \
	shim/oom.c
ocishim_CFLAGS = $(AM_CFLAGS)
ocishim_LDADD = libocirt-common.a
EXTRA_DIST += shim/README.md
