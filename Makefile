# SPDX-License-Identifier: GPL-2.0
#
# halb top-level build.
#   make              module (for KVER) and userspace tools
#   make check        host unit tests, halbd tests, guest selftests on 6.1 and 6.12
#   make fuzz         the userspace fuzz targets (HALB_USERFUZZ_SECONDS each,
#                     default 300), then the netlink fuzzer in a guest
#                     (HALB_FUZZ_SECONDS per kernel, default 600;
#                     HALB_FUZZ_SEED to replay a run)
#   make check-debug  KUnit + guest selftests + kmemleak on the debug kernel
#                     (KASAN, lockdep...; built once from linux-source-6.12)
#   make demo         the seed's cluster, live, narrated (in a guest)
#   make bench        benchmarks, halb beside IPVS/keepalived; figures only, never
#                     fails on a goal: bench/results/REPORT.md (selftests/bench/run)
#   make deps         install every Debian package needed (as root)
#   make install      module, tools, man pages, config example, systemd unit

# Newest installed Debian kernel headers unless told otherwise.
KVER ?= $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sed 's,.*/linux-headers-,,' | sort -V | tail -n1)
KDIR ?= /usr/src/linux-headers-$(KVER)
# The kernels the test suite boots (see selftests/vm/run).
TEST_KERNELS ?= 6.1 6.12
KCACHE ?= /var/cache/halb/kernels
JOBS ?= $(shell nproc)

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

.PHONY: all kmod userspace kmod-all check check-unit check-guest demo deps bench-sched \
	bench install clean spec-check fuzz debug-kernel kmod-debug check-debug

all: kmod userspace

kmod:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# One build tree per test kernel: a tree of symlinks to the sources only
# (never to objects of an in-tree build), so two kernels' objects never mix.
kmod-all:
	@set -e; for k in $(TEST_KERNELS); do \
		v=$$(readlink $(KCACHE)/$$k); \
		[ -n "$$v" ] || { echo "no kernel $$k in $(KCACHE): run make deps" >&2; exit 1; }; \
		b=$(CURDIR)/.build/$$v; rm -rf $$b; mkdir -p $$b; \
		for f in Kbuild $$(find kmod include -type f \( -name '*.[ch]' -o -name Kbuild \)); do \
			mkdir -p $$b/$$(dirname $$f); ln -s $(CURDIR)/$$f $$b/$$f; done; \
		$(MAKE) -C /usr/src/linux-headers-$$v M=$$b modules W=1 >$$b.log 2>&1 || \
			{ cat $$b.log; exit 1; }; \
		if grep -E 'warning:' $$b.log; then echo "module build for $$v has warnings" >&2; exit 1; fi; \
		echo "  KMOD    $$v: $$(cd $$b && find . -name '*.ko' | tr '\n' ' ')"; \
	done

# The debug kernel (selftests/vm/build-debug-kernel: cached, built once per
# config) and, against its tree, halb.ko in .build/RELEASE (where the guest
# tests look, .build/debug links to it) and the KUnit module halb_kunit.ko
# in .build/kunit-RELEASE: kmod/tests plus the module's own kmod/algo
# sources and the uapi header, as symlinks.
debug-kernel:
	selftests/vm/build-debug-kernel

kmod-debug: debug-kernel
	@set -e; v=$$(readlink $(KCACHE)/debug); kd=$(KCACHE)/debug/linux; \
		b=$(CURDIR)/.build/$$v; rm -rf $$b; mkdir -p $$b; \
		for f in Kbuild $$(find kmod include -type f \( -name '*.[ch]' -o -name Kbuild \) \
				-not -path 'kmod/tests/*'); do \
			mkdir -p $$b/$$(dirname $$f); ln -s $(CURDIR)/$$f $$b/$$f; done; \
		$(MAKE) -C $$kd M=$$b modules W=1 >$$b.log 2>&1 || { cat $$b.log; exit 1; }; \
		if grep -E 'warning:' $$b.log; then echo "module build for $$v has warnings" >&2; exit 1; fi; \
		echo "  KMOD    $$v: $$(cd $$b && find . -name '*.ko' | tr '\n' ' ')"; \
		ln -sfn $$v $(CURDIR)/.build/debug; \
		t=$(CURDIR)/.build/kunit-$$v; rm -rf $$t; mkdir -p $$t/algo $$t/include/uapi/linux; \
		for f in kmod/tests/Kbuild kmod/tests/*.[ch]; do ln -s $(CURDIR)/$$f $$t/; done; \
		for f in kmod/algo/*.[ch]; do ln -s $(CURDIR)/$$f $$t/algo/; done; \
		ln -s $(CURDIR)/include/uapi/linux/halb.h $$t/include/uapi/linux/; \
		$(MAKE) -C $$kd M=$$t modules W=1 >$$t.log 2>&1 || { cat $$t.log; exit 1; }; \
		if grep -E 'warning:' $$t.log; then echo "KUnit module build for $$v has warnings" >&2; exit 1; fi; \
		echo "  KUNIT   $$v: $$(cd $$t && find . -name '*.ko' | tr '\n' ' ')"

# Not part of "make check": hours of emulated debug kernel are not CI's.
check-debug: userspace kmod-debug
	HALB_STAGES=guest-debug selftests/run-all

userspace:
	$(MAKE) -C userspace

spec-check:
	python3 selftests/unit/spec_check.py include/uapi/linux/halb.h include/uapi/linux/halb.yaml

# The guests load the per-kernel modules of kmod-all, not the in-tree one.
# Built with one job per CPU however make was called (CI calls "make check").
check:
	$(MAKE) -j$(JOBS) userspace kmod-all
	selftests/run-all

# Benchmarks: every stage of selftests/bench/run (BENCH_* knobs there),
# then bench/results/REPORT.md and its plots.
bench: kmod-all userspace
	selftests/bench/run

# The benchmarks boot 6.12 only: build the module for that kernel alone.
bench bench-sched: TEST_KERNELS = $(or $(BENCH_KERNEL),6.12)

# Scheduling cost per new connection alone, halb beside IPVS, 10/100/1000 servers.
bench-sched: kmod-all userspace
	selftests/bench/run sched

# test_fuzz.sh alone, one kernel after the other: a root phase of
# HALB_FUZZ_SECONDS, a user-namespace phase of a third of it, two refused
# phases of a twelfth each (make check runs it with the default of 60 s).
# Before it, the libFuzzer targets (config, advert, HTTP response, halbctl
# arguments) for HALB_USERFUZZ_SECONDS each (make check: 20 s each).
HALB_FUZZ_SECONDS ?= 600
HALB_USERFUZZ_SECONDS ?= 300
fuzz: all kmod-all
	FUZZ_SECONDS=$(HALB_USERFUZZ_SECONDS) selftests/unit/halbd/run
	@set -e; for k in $(TEST_KERNELS); do \
		HALB_TESTS=test_fuzz.sh HALB_FUZZ_SECONDS=$(HALB_FUZZ_SECONDS) \
		selftests/vm/run --kernel $$k --timeout $$(($(HALB_FUZZ_SECONDS) * 2 + 900)) \
			-- selftests/kmod/run; \
	done

demo: all kmod-all
	selftests/demo/run

deps:
	selftests/vm/install-deps

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVER) || true
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) SBINDIR=$(SBINDIR) MANDIR=$(MANDIR)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean || true
	$(MAKE) -C userspace clean
	rm -rf .build .build.log
