// SPDX-License-Identifier: GPL-2.0
/*
 * VRRP sockets: raw IP protocol 112 over IPv4 or IPv6, multicast or
 * unicast, plus the interface facts the instance needs (index, MAC, link
 * state, primary address).  Everything non-blocking.
 */
#ifndef HALBD_VRRP_NET_H
#define HALBD_VRRP_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "halbd/cfg_model.h"

/*
 * @group: multicast group to join, or NULL for a unicast-only socket.
 * @proto: VRRP_PROTO, or VRRP_AH_PROTO (IPv4 only) for a socket that
 * receives AH and sends whole IP datagrams built by vrrp_ah_encode().
 */
int vrrp_net_open(int family, int ifindex, const char *ifname, const struct cfg_addr *group,
		  int proto);
/* @buf: the VRRP message, or for an AH socket the whole IPv4 datagram. */
int vrrp_net_send(int fd, int ifindex, const struct cfg_addr *src, const struct cfg_addr *dst,
		  const uint8_t *buf, size_t len);

struct vrrp_rx_meta {
	struct cfg_addr src, dst;
	int ttl;			/* -1 unknown */
	const uint8_t *payload;		/* after the IPv4 header */
	size_t len;
	const uint8_t *ip;		/* IPv4: the whole datagram (AH covers the header) */
	size_t iplen;
};

/* Returns 1 with @m filled, 0 when nothing (more) to read, -1 on error. */
int vrrp_net_recv(int fd, int family, uint8_t *buf, size_t len, struct vrrp_rx_meta *m);

int net_if_info(const char *ifname, int *ifindex, unsigned char mac[6], bool *up);
/*
 * First address of @family on @ifname that is not one of @skip (our VIPs);
 * for IPv6 the link-local address, as RFC 5798 requires.
 */
int net_primary_addr(const char *ifname, int family, const struct cfg_vip *skip, int nskip,
		     struct cfg_addr *out);

#endif
