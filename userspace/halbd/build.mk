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

# "halbctl realserver" shares halbd's DR real-server set-up (common/realserver.c).
# Added from here so that halbctl/build.mk stays as it is; the halbctl link
# recipe expands $(HALBCTL_OBJS) late, so these objects are linked too.
HALBCTL_OBJS += halbctl/cmd_realserver.o common/realserver.o
halbctl/halbctl: halbctl/cmd_realserver.o common/realserver.o
halbctl/cmd_realserver.o halbctl/main.o: halbctl/cmd_realserver.h common/realserver.h
CLEAN += halbctl/cmd_realserver.o
