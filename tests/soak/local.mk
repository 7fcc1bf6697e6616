# Soak (tests/soak/soak.sh, root only): create/start/delete cycles, sequential and parallel,
# execs into one container, then a leak check (mounts, cgroups, state, fds, zombies).
#   make check-soak         1000 sequential + 100 parallel cycles, 1000 execs (~20 min)
#   make check-soak-quick   50 + 10 cycles, 50 execs (CI, ~1 min)
# SOAK_ARGS passes options to soak.sh (e.g. SOAK_ARGS="-n 200 -p 50").
EXTRA_DIST += tests/soak/soak.sh tests/soak/RESULTS.md
check-soak: ocirt
	OCIRT='$(abs_top_builddir)/ocirt' $(top_srcdir)/tests/soak/soak.sh $(SOAK_ARGS)
check-soak-quick: ocirt
	OCIRT='$(abs_top_builddir)/ocirt' $(top_srcdir)/tests/soak/soak.sh --quick $(SOAK_ARGS)
.PHONY: check-soak check-soak-quick
