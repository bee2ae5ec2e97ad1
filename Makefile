# SPDX-License-Identifier: GPL-2.0
#
# halb top-level build.
#   make              module (for KVER) and userspace tools
#   make check        host unit tests, halbd tests, guest selftests on 6.1 and 6.12
#   make demo         the seed's cluster, live, narrated (in a guest)
#   make deps         install every Debian package needed (as root)
#   make install      module, tools, man pages, config example, systemd unit

# Newest installed Debian kernel headers unless told otherwise.
KVER ?= $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sed 's,.*/linux-headers-,,' | sort -V | tail -n1)
KDIR ?= /usr/src/linux-headers-$(KVER)
# The kernels the test suite boots (see selftests/vm/run).
TEST_KERNELS ?= 6.1 6.12
KCACHE ?= /var/cache/halb/kernels

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

.PHONY: all kmod userspace kmod-all check check-unit check-guest demo deps bench-sched \
	install clean spec-check

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

userspace:
	$(MAKE) -C userspace

spec-check:
	python3 selftests/unit/spec_check.py include/uapi/linux/halb.h include/uapi/linux/halb.yaml

check: all kmod-all
	selftests/run-all

# Scheduling cost per new connection, halb beside IPVS, 10/100/1000 servers.
bench-sched: kmod-all userspace
	selftests/vm/run --kernel 6.12 --icount --timeout 3600 -- selftests/kmod/bench_sched.sh

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
