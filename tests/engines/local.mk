# Engine integration suites (containerd, its CRI plugin, docker): not part of `make check`.
# They start private daemons and skip cleanly when an engine is not installed.
#
#   make check-engines                                      every engine suite
#   make check-engines ENGINE_TESTS=tests/engines/containerd.bats
#   make check-engines ENGINE_RUNTIME=/usr/sbin/runc ...   the same suites with another runtime
#   make check-engines ENGINE_TESTS=tests/engines/podman.bats OCIRT_PODMAN_PAIR=runc+conmon
#     (podman*.bats: OCIRT_PODMAN_PAIR=RUNTIME+SHIM, default ocirt+conmon; OCIRT_PODMAN_QUICK=1
#     skips the slow tests; see tests/engines/helpers-podman.bash)
ENGINE_SUITES = \
	tests/engines/containerd.bats \
	tests/engines/cri.bats \
	tests/engines/docker.bats \
	tests/engines/podman.bats \
	tests/engines/podman-rootless.bats
EXTRA_DIST += \
	$(ENGINE_SUITES) \
	tests/engines/helpers-engines.bash \
	tests/engines/mkimage.sh \
	tests/engines/containerd-config.toml.in \
	tests/engines/docker-daemon.json \
	tests/engines/helpers-podman.bash \
	tests/engines/containers.conf.in \
	tests/engines/storage.conf.in \
	tests/engines/FINDINGS.md \
	tests/engines/cri/cri.proto \
	tests/engines/cri/cri-client.py \
	tests/engines/cri/fake-eth0 \
	tests/engines/cri/containerd-cri.toml.in

check-engines: all
	@test -n '$(BATS)' || { echo 'check-engines: bats not found' >&2; exit 1; }
	@suites='$(ENGINE_TESTS)'; test -n "$$suites" || suites='$(ENGINE_SUITES)'; \
	list=; for s in $$suites; do list="$$list $(abs_top_srcdir)/$$s"; done; \
	$(AM_TESTS_ENVIRONMENT) \
	if test -n '$(ENGINE_RUNTIME)'; then OCIRT='$(ENGINE_RUNTIME)'; export OCIRT; fi; \
	$(BATS) $$list

.PHONY: check-engines
