/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_XMIT_H
#define _HALB_XMIT_H

#include <linux/skbuff.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>

struct halb_conn;
struct halb_pkt;

/*
 * Transmit methods, chosen once per connection (cp->fwd).  Each returns a
 * netfilter verdict: NF_STOLEN when it sent the packet, NF_ACCEPT to let the
 * stack go on with it, NF_DROP to have the stack free it.
 */
unsigned int halb_xmit_nat_in(struct sk_buff *skb, struct halb_conn *cp,
			      const struct halb_pkt *p);
unsigned int halb_xmit_nat_out(struct sk_buff *skb, struct halb_conn *cp,
			       const struct halb_pkt *p);
unsigned int halb_xmit_dr(struct sk_buff *skb, struct halb_conn *cp,
			  const struct halb_pkt *p);
unsigned int halb_xmit_tun(struct sk_buff *skb, struct halb_conn *cp,
			   const struct halb_pkt *p);

/*
 * A packet halb has rewritten or redirected is none of conntrack's business
 * any more: drop the entry the input path attached and mark it untracked,
 * so the output hooks neither re-track nor "fix" it.
 */
static inline void halb_untrack(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	nf_reset_ct(skb);
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
#endif
}

/*
 * A packet taken at LOCAL_IN leaves on a new route @dst (reference moved
 * to the skb).  The receive path's checksum state and socket say nothing
 * about the way out.
 */
static inline void halb_xmit_reroute(struct sk_buff *skb, struct dst_entry *dst)
{
	skb_forward_csum(skb);
	if (skb->sk)
		skb_orphan(skb);
	halb_untrack(skb);
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
}

/* Send a packet taken at LOCAL_IN out on @dst (reference moved). */
static inline unsigned int halb_send(struct net *net, u16 af, struct sk_buff *skb,
				     struct dst_entry *dst)
{
	halb_xmit_reroute(skb, dst);
	if (af == AF_INET)
		ip_local_out(net, NULL, skb);
	else
		ip6_local_out(net, NULL, skb);
	return NF_STOLEN;
}

/*
 * Helpers shared by the methods: route to @daddr, or to a connection's real
 * server through its route cache (route.c); tell the sender when the packet
 * is too big for that route (xmit_nat.c).
 */
struct dst_entry *halb_route(struct net *net, u16 af,
			     const union nf_inet_addr *daddr, bool *local,
			     union nf_inet_addr *saddr);
struct dst_entry *halb_route_dest(struct halb_conn *cp, bool *local,
				  union nf_inet_addr *saddr);
bool halb_too_big(struct sk_buff *skb, u16 af, struct dst_entry *dst);
bool halb_too_big_mtu(struct sk_buff *skb, u16 af, unsigned int mtu);

#endif /* _HALB_XMIT_H */
