# SPDX-License-Identifier: GPL-2.0
# halbctl: the admin tool (ipvsadm's command line + subcommands).
# cmd_vrrp.c belongs to another owner and is built only once it exists.
HALBCTL_VRRP_SRC := $(wildcard halbctl/cmd_vrrp.c)
HALBCTL_OBJS := halbctl/main.o halbctl/args.o halbctl/exec.o \
	halbctl/restore.o halbctl/format.o halbctl/json.o \
	halbctl/cmd_realserver.o common/realserver.o \
	$(HALBCTL_VRRP_SRC:.c=.o)

ifneq ($(HALBCTL_VRRP_SRC),)
halbctl/main.o: CFLAGS += -DHALBCTL_HAVE_VRRP
endif

$(HALBCTL_OBJS): $(wildcard halbctl/*.h) common/realserver.h lib/libhalb.h \
	../include/uapi/linux/halb.h

halbctl/halbctl: $(HALBCTL_OBJS) $(LIBHALB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(HALBCTL_OBJS) $(LIBHALB) $(LDLIBS)

BINS += halbctl/halbctl
MANS += halbctl/halbctl.8
CLEAN += halbctl/halbctl $(HALBCTL_OBJS)
