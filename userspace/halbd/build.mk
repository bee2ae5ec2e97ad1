# SPDX-License-Identifier: GPL-2.0
# halbd: VRRP, health checks and the LVS table.  Paths are relative to userspace/.
HALBD_OBJS := $(patsubst %.c,%.o,$(wildcard halbd/*.c))
SSL_LIBS := $(shell $(PKG_CONFIG) --libs openssl 2>/dev/null || echo -lssl -lcrypto)

BINS += halbd/halbd
MANS += halbd/halbd.8 halbd/halb.conf.5
CLEAN += $(HALBD_OBJS)

$(HALBD_OBJS): $(wildcard halbd/*.h) $(wildcard common/*.h) lib/libhalb.h \
	../include/uapi/linux/halb.h

halbd/halbd: $(HALBD_OBJS) $(COMMON_OBJS) $(LIBHALB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(HALBD_OBJS) $(COMMON_OBJS) $(LIBHALB) $(LDLIBS) $(SSL_LIBS)

