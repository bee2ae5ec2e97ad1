# SPDX-License-Identifier: GPL-2.0
# common: small helpers shared by the userspace programs.
COMMON_OBJS := $(patsubst %.c,%.o,$(wildcard common/*.c))
$(COMMON_OBJS): $(wildcard common/*.h)
CLEAN += $(COMMON_OBJS)
