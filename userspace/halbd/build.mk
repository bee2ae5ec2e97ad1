# SPDX-License-Identifier: GPL-2.0
# halbd: the VRRP daemon.  Paths are relative to userspace/.
HALBD_OBJS := $(patsubst %.c,%.o,$(wildcard halbd/*.c))

BINS += halbd/halbd
MANS += halbd/halbd.8 halbd/halb.conf.5
CLEAN += $(HALBD_OBJS)

$(HALBD_OBJS): $(wildcard halbd/*.h) $(wildcard common/*.h)

halbd/halbd: $(HALBD_OBJS) $(COMMON_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
