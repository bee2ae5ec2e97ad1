// SPDX-License-Identifier: GPL-2.0
/*
 * DR real-server set-up, shared by halbd (standby directors) and
 * "halbctl realserver": the virtual address on lo (/32 or /128, IPv6
 * without duplicate address detection) so the local stack accepts packets
 * a director forwarded by MAC, and arp_ignore=1 / arp_announce=2 so this
 * node never answers ARP for it on its real interfaces.  This replaces the
 * /etc/init.d/realserver script LVS guides ask for.
 */
#ifndef HALB_COMMON_REALSERVER_H
#define HALB_COMMON_REALSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

struct nl_sock;

struct rs_vip {
	int family;			/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/* An address without prefix; 0 or -1. */
int rs_vip_parse(const char *s, struct rs_vip *v);
const char *rs_vip_str(const struct rs_vip *v, char *buf, size_t len);

/* A route netlink socket (blocking), NULL on failure. */
struct nl_sock *rs_open(void);
void rs_close(struct nl_sock *sk);

/*
 * rs_vip_set() - add (@up) or remove the VIP on lo.  Already present on add,
 * or already absent on remove, is success.
 * Return: 0, or -1 with a message in @err.
 */
int rs_vip_set(struct nl_sock *sk, const struct rs_vip *v, bool up, char *err, size_t len);
/* Whether lo holds @v. */
bool rs_vip_present(struct nl_sock *sk, const struct rs_vip *v);

/*
 * rs_arp_set() - net.ipv4.conf.{all,lo}.arp_ignore=1 and arp_announce=2
 * (@on), or both back to 0, in the caller's network namespace.
 * Return: 0, or -1 with a message in @err.
 */
int rs_arp_set(bool on, char *err, size_t len);

#endif
