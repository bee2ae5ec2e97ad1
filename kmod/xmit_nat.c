// SPDX-License-Identifier: GPL-2.0
/*
 * NAT (masquerading): requests have their destination rewritten to the real
 * server and are routed out again; replies, which the real servers send
 * back through the director, have their source rewritten to the virtual
 * service on their way through FORWARD.  Checksums are updated
 * incrementally, which is also right for CHECKSUM_PARTIAL packets.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip6_route.h>
#include <net/addrconf.h>
#include <net/route.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include "compat.h"
#include "netns.h"
#include "conn.h"
#include "packet.h"
#include "xmit.h"

/*
 * Would the packet, sent on a path of @mtu, have to be cut up?  A datagram
 * that defragmentation put together (frag_max_size) is cut up again, no
 * larger than its largest fragment: it exceeds only when that did.  A GSO
 * packet exceeds when its segments do.
 */
static bool exceeds_mtu(const struct sk_buff *skb, u16 af, unsigned int mtu)
{
	u16 frag_max = af == AF_INET ? IPCB(skb)->frag_max_size :
				       IP6CB(skb)->frag_max_size;

	if (frag_max)
		return frag_max > mtu;
	if (skb->len <= mtu)
		return false;
	if (skb_is_gso(skb))
		return !skb_gso_validate_network_len(skb, mtu);
	return true;
}

/**
 * halb_too_big_mtu - check a packet against a path MTU
 * @skb: packet at an IP hook, still as its sender sent it
 * @af: its family
 * @mtu: what the path takes (for tunnels, less the outer header)
 *
 * Sends "fragmentation needed" / "packet too big" with @mtu to the sender
 * when the packet does not fit and may not be fragmented (IPv4 with DF,
 * all IPv6).  A packet that may go is also allowed to be fragmented on the
 * way out (ignore_df): an IPv4 datagram reassembled from DF fragments, or
 * any reassembled IPv6 one, fits fragment by fragment.
 *
 * Return: true if the packet must be dropped.
 */
bool halb_too_big_mtu(struct sk_buff *skb, u16 af, unsigned int mtu)
{
	if (exceeds_mtu(skb, af, mtu)) {
		if (af == AF_INET) {
			if (!(ip_hdr(skb)->frag_off & htons(IP_DF)))
				goto fits;
			icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		} else {
			icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, max(mtu, IPV6_MIN_MTU));
		}
		return true;
	}
fits:
	skb->ignore_df = 1;
	return false;
}

/**
 * halb_too_big - check a packet against the route's MTU
 * @skb: packet at an IP hook
 * @af: its family
 * @dst: route it is about to take
 *
 * As halb_too_big_mtu() with the route's MTU.
 *
 * Return: true if the packet must be dropped.
 */
bool halb_too_big(struct sk_buff *skb, u16 af, struct dst_entry *dst)
{
	return halb_too_big_mtu(skb, af, dst_mtu(dst));
}

/* Rewrite the destination (@dst) or source of a TCP/UDP packet. */
static int nat_mangle(struct sk_buff *skb, const struct halb_pkt *p, bool dst,
		      const union nf_inet_addr *naddr, __be16 nport)
{
	unsigned int hl = p->protocol == IPPROTO_TCP ? sizeof(struct tcphdr) :
						       sizeof(struct udphdr);
	__sum16 *check;
	__be16 *port;
	bool udp_nocsum = false;

	if (skb_ensure_writable(skb, p->thoff + hl))
		return -ENOMEM;
	if (p->protocol == IPPROTO_TCP) {
		struct tcphdr *th = (struct tcphdr *)(skb->data + p->thoff);

		check = &th->check;
		port = dst ? &th->dest : &th->source;
	} else {
		struct udphdr *uh = (struct udphdr *)(skb->data + p->thoff);

		check = &uh->check;
		port = dst ? &uh->dest : &uh->source;
		/* IPv4 UDP may go without a checksum; keep it so */
		udp_nocsum = p->af == AF_INET && !uh->check &&
			     skb->ip_summed != CHECKSUM_PARTIAL;
	}

	if (p->af == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);
		__be32 *a = dst ? &iph->daddr : &iph->saddr;

		if (!udp_nocsum)
			inet_proto_csum_replace4(check, skb, *a, naddr->ip, true);
		csum_replace4(&iph->check, *a, naddr->ip);
		*a = naddr->ip;
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		struct in6_addr *a = dst ? &ip6h->daddr : &ip6h->saddr;

		inet_proto_csum_replace16(check, skb, a->s6_addr32,
					  naddr->in6.s6_addr32, true);
		*a = naddr->in6;
	}
	if (!udp_nocsum) {
		inet_proto_csum_replace2(check, skb, *port, nport, false);
		if (p->protocol == IPPROTO_UDP && !*check)
			*check = CSUM_MANGLED_0;
	}
	*port = nport;
	return 0;
}

/**
 * halb_xmit_nat_in - forward a client's packet to its real server (NAT)
 * @skb: the packet, at LOCAL_IN
 * @cp: its connection
 * @p: its flow
 *
 * Return: NF_STOLEN (sent) or NF_DROP.
 */
unsigned int halb_xmit_nat_in(struct sk_buff *skb, struct halb_conn *cp,
			      const struct halb_pkt *p)
{
	struct net *net = cp->hn->net;
	struct dst_entry *dst;
	bool local;

	dst = halb_route_dest(cp, &local, NULL);
	if (!dst)
		return NF_DROP;
	if (halb_too_big(skb, cp->af, dst))
		goto drop;
	if (nat_mangle(skb, p, true, &cp->daddr, cp->dport))
		goto drop;

	return halb_send(net, cp->af, skb, dst);
drop:
	dst_release(dst);
	return NF_DROP;
}

/**
 * halb_xmit_nat_out - give a real server's reply the virtual source (NAT)
 * @skb: the reply, at FORWARD
 * @cp: its connection
 * @p: its flow
 *
 * Return: NF_ACCEPT (forwarding goes on) or NF_DROP.
 */
unsigned int halb_xmit_nat_out(struct sk_buff *skb, struct halb_conn *cp,
			       const struct halb_pkt *p)
{
	if (nat_mangle(skb, p, false, &cp->vaddr, cp->vport))
		return NF_DROP;
	halb_untrack(skb);
	return NF_ACCEPT;
}
