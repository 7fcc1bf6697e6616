# VM test harness: runs bats files inside qemu on pure cgroup v2, under systemd,
# SELinux and AppArmor (see tests/vm/README.md). Not part of `make check`.
#
#   make check-vm                       every mode (cgroup2 systemd selinux apparmor)
#   make check-vm MODE=cgroup2          one mode
#   make check-vm MODE=cgroup2 VM_TESTS='tests/vm/sanity.bats tests/runtime/run.bats'
#   make clean-vm                       drop the cached kernel, initramfs and Debian image

EXTRA_DIST += \
	tests/vm/README.md \
	tests/vm/run-vm.sh \
	tests/vm/mkrootfs-setup \
	tests/vm/sanity.bats \
	tests/vm/guest/init \
	tests/vm/guest/run-tests \
	tests/vm/guest/ocirt-vm-test.service

check-vm: all $(check_PROGRAMS)
	@mode='$(MODE)'; test -n "$$mode" || mode=all; \
	OCIRT_VM_CACHE="$${OCIRT_VM_CACHE:-$(abs_top_builddir)/tests/vm/cache}"; export OCIRT_VM_CACHE; \
	OCIRT="$${OCIRT:-$(abs_top_builddir)/ocirt}"; export OCIRT; \
	OCISHIM="$${OCISHIM:-$(abs_top_builddir)/ocishim}"; export OCISHIM; \
	OCIRT_TESTS_BUILDDIR='$(abs_top_builddir)/tests'; export OCIRT_TESTS_BUILDDIR; \
	bash '$(top_srcdir)/tests/vm/run-vm.sh' "$$mode" $(VM_TESTS)

clean-vm:
	rm -rf '$(abs_top_builddir)/tests/vm/cache'

.PHONY: check-vm clean-vm
