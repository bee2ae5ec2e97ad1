// SPDX-License-Identifier: GPL-2.0
/*
 * Direct routing: the packet keeps its addresses (destination: the virtual
 * address) and is handed to the real server's link-layer address on the
 * real server's link; the real server answers the client directly.  When
 * the real server is this host, the packet simply goes on to the local stack.
 *
 * The packet goes straight to the neighbour, past the IP output path, as
 * it need not be fragmented: it fits, or is GSO.  A datagram reassembled
 * from fragments that does not fit is the exception (send_fragments()).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/neighbour.h>
#include "netns.h"
#include "conn.h"
#include "packet.h"
#include "xmit.h"

/*
 * Send a reassembled datagram larger than the route's MTU through the IP
 * output path, which fragments it again.  That path takes the next hop
 * from the packet's destination, the virtual address; a route looked up
 * with FLOWI_FLAG_KNOWN_NH has the real server as its gateway instead
 * (uncached, hence only for these), as IPVS's DR does.
 */
static unsigned int send_fragments(struct sk_buff *skb, struct halb_conn *cp)
{
	struct net *net = cp->hn->net;
	struct dst_entry *dst;

	if (cp->af == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = cp->daddr.ip, .flowi4_flags = FLOWI_FLAG_KNOWN_NH,
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		if (IS_ERR(rt))
			return NF_DROP;
		dst = &rt->dst;
	} else {
		struct flowi6 fl6 = {
			.daddr = cp->daddr.in6, .flowi6_flags = FLOWI_FLAG_KNOWN_NH,
		};

		dst = ip6_route_output(net, NULL, &fl6);
		if (dst->error) {
			dst_release(dst);
			return NF_DROP;
		}
	}
	return halb_send(net, cp->af, skb, dst);
}

/**
 * halb_xmit_dr - send a client's packet to its real server's MAC (DR)
 * @skb: the packet, at LOCAL_IN
 * @cp: its connection
 * @p: its flow
 *
 * Return: NF_STOLEN (sent), NF_ACCEPT (real server is local) or NF_DROP.
 */
unsigned int halb_xmit_dr(struct sk_buff *skb, struct halb_conn *cp,
			  const struct halb_pkt *p)
{
	struct dst_entry *dst;
	struct net_device *dev;
	struct neighbour *neigh;
	bool local;

	dst = halb_route_dest(cp, &local, NULL);
	if (!dst)
		return NF_DROP;
	if (local) {
		dst_release(dst);
		return NF_ACCEPT;
	}
	dev = dst->dev;
	if (halb_too_big(skb, cp->af, dst) ||
	    skb_cow_head(skb, LL_RESERVED_SPACE(dev))) {
		dst_release(dst);
		return NF_DROP;
	}
	if (!skb_is_gso(skb) && skb->len > dst_mtu(dst)) {
		dst_release(dst);
		return send_fragments(skb, cp);
	}

	halb_xmit_reroute(skb, dst);
	skb->dev = dev;

	rcu_read_lock_bh();
	if (cp->af == AF_INET) {
		struct rtable *rt = container_of(dst, struct rtable, dst);

		skb->protocol = htons(ETH_P_IP);
		neigh = ip_neigh_gw4(dev, rt_nexthop(rt, cp->daddr.ip));
	} else {
		struct rt6_info *rt = container_of(dst, struct rt6_info, dst);

		skb->protocol = htons(ETH_P_IPV6);
		neigh = ip_neigh_gw6(dev, rt6_nexthop(rt, &cp->daddr.in6));
	}
	if (IS_ERR_OR_NULL(neigh)) {
		rcu_read_unlock_bh();
		kfree_skb(skb);
		return NF_STOLEN;
	}
	/* queues the packet while the neighbour is being resolved */
	neigh_output(neigh, skb, false);
	rcu_read_unlock_bh();
	return NF_STOLEN;
}
