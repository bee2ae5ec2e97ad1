# SPDX-License-Identifier: GPL-2.0
# lib: libhalb, the static client library of the halb genl family.
LIBHALB := lib/libhalb.a
LIBHALB_OBJS := lib/nl.o lib/svc.o lib/query.o lib/util.o lib/batch.o

$(LIBHALB_OBJS): lib/libhalb.h lib/internal.h ../include/uapi/linux/halb.h

$(LIBHALB): $(LIBHALB_OBJS)
	$(AR) rcs $@ $^

CLEAN += $(LIBHALB) $(LIBHALB_OBJS)
