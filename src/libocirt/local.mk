# src/libocirt build rules. One file per line: other areas append their own lines.
noinst_LIBRARIES += libocirt.a
libocirt_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(LIBCAP_CFLAGS) $(SECCOMP_CFLAGS) $(SELINUX_CFLAGS)
libocirt_a_SOURCES =
libocirt_a_SOURCES += src/libocirt/container.h
libocirt_a_SOURCES += src/libocirt/rootfs.h
libocirt_a_SOURCES += src/libocirt/signal.c
libocirt_a_SOURCES += src/libocirt/sync.c src/libocirt/sync.h
libocirt_a_SOURCES += src/libocirt/state.c src/libocirt/state.h
libocirt_a_SOURCES += src/libocirt/cgroup.c src/libocirt/cgroup.h
libocirt_a_SOURCES += src/libocirt/cgroup-v1.c
libocirt_a_SOURCES += src/libocirt/cgroup-v2.c
libocirt_a_SOURCES += src/libocirt/cgroup-none.c
libocirt_a_SOURCES += src/libocirt/cgroup-systemd.c
libocirt_a_CFLAGS += $(SYSTEMD_CFLAGS)
libocirt_a_SOURCES += src/libocirt/namespace.c src/libocirt/namespace.h
libocirt_a_SOURCES += src/libocirt/hooks.c src/libocirt/hooks.h
libocirt_a_SOURCES += src/libocirt/process.c src/libocirt/process.h
libocirt_a_SOURCES += src/libocirt/terminal.c src/libocirt/terminal.h
libocirt_a_SOURCES += src/libocirt/caps.c src/libocirt/caps.h
libocirt_a_SOURCES += src/libocirt/seccomp.c src/libocirt/seccomp.h
libocirt_a_SOURCES += src/libocirt/seccomp-cache.c
libocirt_a_SOURCES += src/libocirt/cgroup-convert.c src/libocirt/cgroup-convert.h
libocirt_a_SOURCES += src/libocirt/cgroup-res.c src/libocirt/cgroup-res.h
libocirt_a_SOURCES += src/libocirt/cgroup-res-v1.c
libocirt_a_SOURCES += src/libocirt/cgroup-res-v2.c
libocirt_a_SOURCES += src/libocirt/cgroup-bpf.c src/libocirt/cgroup-bpf.h
libocirt_a_SOURCES += src/libocirt/rootfs.c src/libocirt/mount.c src/libocirt/mount-cgroup.c src/libocirt/mount-job.h src/libocirt/mount.h src/libocirt/mount-syscall.h src/libocirt/dev.c src/libocirt/dev.h src/libocirt/sysctl.c
libocirt_a_SOURCES += src/libocirt/spec.c src/libocirt/paths.c
libocirt_a_SOURCES += src/libocirt/features.c src/libocirt/features.h
libocirt_a_SOURCES += src/libocirt/validate.c src/libocirt/validate.h
libocirt_a_SOURCES += src/libocirt/lsm.c src/libocirt/lsm.h
libocirt_a_SOURCES += src/libocirt/container-cgroup.c src/libocirt/container-cgroup.h
libocirt_a_SOURCES += src/libocirt/cgroup-stats.c
libocirt_a_SOURCES += src/libocirt/init.c src/libocirt/init.h
libocirt_a_SOURCES += src/libocirt/exe-protect.c src/libocirt/exe-protect.h
libocirt_a_SOURCES += src/libocirt/spawn.c src/libocirt/spawn.h
libocirt_a_SOURCES += src/libocirt/userns.c src/libocirt/userns.h
libocirt_a_SOURCES += src/libocirt/container.c
libocirt_a_SOURCES += src/libocirt/exec.c src/libocirt/exec.h
libocirt_a_SOURCES += src/libocirt/systemd-dlopen.c
if ENABLE_FUZZING
# coverage for libFuzzer (tests/fuzz: the translators)
libocirt_a_CFLAGS += -fsanitize=fuzzer-no-link
endif
