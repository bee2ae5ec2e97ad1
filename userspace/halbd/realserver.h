// SPDX-License-Identifier: GPL-2.0
/*
 * Standby directors as DR real servers: while the VRRP instance holding a
 * DR virtual_server's address is not MASTER, the address is on lo (and
 * the ARP sysctls set) so that packets another director forwards to this
 * node by MAC are accepted by the local server.  On MASTER it leaves lo
 * again (VRRP puts it on the interface).  The set-up itself is
 * common/realserver.c, shared with "halbctl realserver".
 */
#ifndef HALBD_REALSERVER_H
#define HALBD_REALSERVER_H

#include <stdbool.h>

struct halbd;

/* Bring lo in line with the current standby states. */
void halbd_rs_sync(struct halbd *d);
/* At exit: with @remove, take halbd's VIPs off lo again. */
void halbd_rs_release(struct halbd *d, bool remove);

#endif
