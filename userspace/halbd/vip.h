// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual addresses through rtnetlink (libnl-route-3), exactly as
 * configured: device, prefix, label, scope, broadcast.
 */
#ifndef HALBD_VIP_H
#define HALBD_VIP_H

#include "halbd/cfg_model.h"

struct nl_sock;

struct nl_sock *vip_open(void);
void vip_close(struct nl_sock *sk);
/* Returns 0 on success (already present counts), -1 after logging. */
int vip_add(struct nl_sock *sk, int ifindex, const struct cfg_vip *v);
int vip_del(struct nl_sock *sk, int ifindex, const struct cfg_vip *v);

#endif
