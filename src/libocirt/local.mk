# src/libocirt build rules. One file per line: other areas append their own lines.
noinst_LIBRARIES += libocirt.a
libocirt_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(LIBCAP_CFLAGS) $(SECCOMP_CFLAGS) $(SELINUX_CFLAGS)
libocirt_a_SOURCES =
libocirt_a_SOURCES += src/libocirt/container.h
libocirt_a_SOURCES += src/libocirt/rootfs.h
libocirt_a_SOURCES += src/libocirt/signal.c
libocirt_a_SOURCES += src/libocirt/caps.c src/libocirt/caps.h
libocirt_a_SOURCES += src/libocirt/seccomp.c src/libocirt/seccomp.h
libocirt_a_SOURCES += src/libocirt/seccomp-cache.c
libocirt_a_SOURCES += src/libocirt/cgroup-convert.c src/libocirt/cgroup-convert.h
libocirt_a_SOURCES += src/libocirt/cgroup-res.c src/libocirt/cgroup-res.h
libocirt_a_SOURCES += src/libocirt/cgroup-res-v1.c
libocirt_a_SOURCES += src/libocirt/cgroup-res-v2.c
libocirt_a_SOURCES += src/libocirt/cgroup-bpf.c src/libocirt/cgroup-bpf.h
