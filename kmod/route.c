// SPDX-License-Identifier: GPL-2.0
/*
 * Output routes for the forwarding methods.
 *
 * A packet to a real server is routed towards the real server's address,
 * and only that: the lookup key is the destination alone.  So the route is
 * the same for every packet to that real server, and each real server
 * keeps the last one in a per-CPU dst_cache, as tunnels do for their
 * remote end (IPVS keeps one per real server too, its dest_dst).  A cached
 * route is checked on every use, as the socket layer checks its own:
 * IPv4's generation count moves on any route, address or device change
 * and on a new path MTU exception; IPv6's cookie (the fib node's serial
 * number) on any change under that node.  A route the check refuses is
 * looked up again.  Routes towards anything else (a client, for FULLNAT's
 * replies and ICMP) are looked up each time.
 */
#include <linux/ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip6_route.h>
#include <net/addrconf.h>
#include <net/route.h>
#include <net/dst_cache.h>
#include "netns.h"
#include "conn.h"
#include "dest.h"
#include "xmit.h"

static bool dst_is_local(const struct dst_entry *dst, u16 af)
{
	if (af == AF_INET)
		return container_of(dst, struct rtable, dst)->rt_flags & RTCF_LOCAL;
	return container_of(dst, struct rt6_info, dst)->rt6i_flags & RTF_LOCAL;
}

/**
 * halb_route - output route towards an address
 * @net: namespace
 * @af: AF_INET or AF_INET6
 * @daddr: where to
 * @local: set when the address is one of this host's
 * @saddr: if not NULL, set to the source address the route would use
 *
 * Return: a referenced dst, or NULL when there is no route (or, with
 * @saddr, no source address for it).
 */
struct dst_entry *halb_route(struct net *net, u16 af,
			     const union nf_inet_addr *daddr, bool *local,
			     union nf_inet_addr *saddr)
{
	struct flowi6 fl6 = {};
	struct dst_entry *dst;

	if (af == AF_INET) {
		struct flowi4 fl4 = { .daddr = daddr->ip };
		struct rtable *rt = ip_route_output_key(net, &fl4);

		if (IS_ERR(rt))
			return NULL;
		*local = dst_is_local(&rt->dst, af);
		if (saddr)
			saddr->ip = fl4.saddr;
		return &rt->dst;
	}
	fl6.daddr = daddr->in6;
	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error || (saddr &&
			   ipv6_dev_get_saddr(net, dst->dev, &daddr->in6, 0, &saddr->in6))) {
		dst_release(dst);
		return NULL;
	}
	*local = dst_is_local(dst, af);
	return dst;
}

/* A route for @d's cache: looked up, and remembered with its source. */
static struct dst_entry *dest_route_fill(struct net *net, struct halb_dest *d,
					 union nf_inet_addr *saddr)
{
	struct dst_entry *dst;
	bool local;

	/* IPv4's lookup names the source; IPv6's is looked up apart, below */
	dst = halb_route(net, d->af, &d->addr, &local, d->af == AF_INET ? saddr : NULL);
	if (!dst)
		return NULL;
	if (d->af == AF_INET) {
		dst_cache_set_ip4(&d->dst_cache, dst, saddr->ip);
		return dst;
	}
	/* no source address: cached as "::", which only TUN refuses */
	if (ipv6_dev_get_saddr(net, dst->dev, &d->addr.in6, 0, &saddr->in6))
		saddr->in6 = in6addr_any;
	dst_cache_set_ip6(&d->dst_cache, dst, &saddr->in6);
	return dst;
}

/**
 * halb_route_dest - output route towards a connection's real server
 * @cp: the connection (its destination address is its real server's)
 * @local: set when the real server is this host
 * @saddr: if not NULL, set to the source address the route would use
 *
 * As halb_route() towards cp->daddr, from the real server's route cache.
 * Softirq context (the per-CPU cache is used with bottom halves off).
 *
 * Return: a referenced dst, or NULL.
 */
struct dst_entry *halb_route_dest(struct halb_conn *cp, bool *local,
				  union nf_inet_addr *saddr)
{
	struct halb_dest *d = cp->dest;
	union nf_inet_addr src = {};
	struct dst_entry *dst;

	if (!d || d->af != cp->af || !nf_inet_addr_cmp(&d->addr, &cp->daddr))
		return halb_route(cp->hn->net, cp->af, &cp->daddr, local, saddr);
	if (cp->af == AF_INET) {
		struct rtable *rt = dst_cache_get_ip4(&d->dst_cache, &src.ip);

		dst = rt ? &rt->dst : NULL;
	} else {
		dst = dst_cache_get_ip6(&d->dst_cache, &src.in6);
	}
	if (!dst)
		dst = dest_route_fill(cp->hn->net, d, &src);
	if (!dst)
		return NULL;
	if (saddr) {
		if (cp->af == AF_INET6 && ipv6_addr_any(&src.in6)) {
			dst_release(dst);
			return NULL;
		}
		*saddr = src;
	}
	*local = dst_is_local(dst, cp->af);
	return dst;
}
