// SPDX-License-Identifier: GPL-2.0
/*
 * Gratuitous ARP (IPv4) and unsolicited neighbour advertisements (IPv6):
 * how a new master tells the segment that the VIPs moved.
 */
#ifndef HALBD_GARP_H
#define HALBD_GARP_H

#include "halbd/cfg_model.h"

struct garp_socks {
	int arp_fd;			/* PF_PACKET, ETH_P_ARP */
	int na_fd;			/* raw ICMPv6 */
};

int garp_open(struct garp_socks *s);
void garp_close(struct garp_socks *s);
int garp_send(struct garp_socks *s, int ifindex, const unsigned char mac[6],
	      const struct cfg_addr *vip);

#endif
