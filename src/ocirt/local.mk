# src/ocirt: the CLI. The binary is built at the top of the build tree (make check's
# OCIRT points there).
bin_PROGRAMS += ocirt
ocirt_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(LIBCAP_CFLAGS) $(SECCOMP_CFLAGS) $(SELINUX_CFLAGS)
ocirt_SOURCES = \
	src/ocirt/cli.h \
	src/ocirt/main.c \
	src/ocirt/options.c src/ocirt/options.h \
	src/ocirt/output.c src/ocirt/output.h \
	src/ocirt/cmd-check.c \
	src/ocirt/cmd-checkpoint.c \
	src/ocirt/cmd-create.c \
	src/ocirt/cmd-delete.c \
	src/ocirt/cmd-events.c \
	src/ocirt/cmd-exec.c \
	src/ocirt/cmd-features.c \
	src/ocirt/cmd-kill.c \
	src/ocirt/cmd-list.c \
	src/ocirt/cmd-pause.c \
	src/ocirt/cmd-ps.c \
	src/ocirt/cmd-restore.c \
	src/ocirt/cmd-resume.c \
	src/ocirt/cmd-spec.c \
	src/ocirt/cmd-start.c \
	src/ocirt/cmd-state.c \
	src/ocirt/cmd-update.c
ocirt_LDADD = libocirt.a libocispec.a libocirt-common.a \
	$(YAJL_LIBS) $(LIBCAP_LIBS) $(SECCOMP_LIBS) $(SELINUX_LIBS) $(SYSTEMD_LAZY_LIBS)
# libocirt refers to the systemd cgroup driver weakly (see cgroup.h): pull it in here
ocirt_LDFLAGS = $(AM_LDFLAGS) -Wl,--undefined=ocirt_cgroup_systemd_driver
