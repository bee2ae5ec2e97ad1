// SPDX-License-Identifier: GPL-2.0
#ifndef HALBD_LVS_NL_H
#define HALBD_LVS_NL_H

#include "halbd/lvs.h"

/* The kernel through libhalb; the context is a struct halb_handle *. */
extern const struct lvs_ops lvs_nl_ops;

#endif
