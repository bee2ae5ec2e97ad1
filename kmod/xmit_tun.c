// SPDX-License-Identifier: GPL-2.0
/*
 * IP-in-IP tunnelling (ipvsadm -i): the client's packet, unchanged, is
 * carried inside a new IP header from the director to the real server
 * (IPv4 in IPv4, protocol 4; IPv6 in IPv6, protocol 41), which decapsulates
 * it on its tunl0 / ip6tnl0 device, finds the virtual address on a local
 * interface and answers the client directly.
 *
 * Path MTU: the tunnel costs the outer header, so a packet that no longer
 * fits the route to the real server is refused with "fragmentation needed"
 * / "packet too big" carrying the inner MTU, and the client sends smaller
 * ones; a GSO packet is refused when its segments would not fit.  GSO
 * packets are segmented after encapsulation (SKB_GSO_IPXIP4/6).  A
 * datagram that arrived in fragments is sent whole inside the tunnel,
 * whose packet is then fragmented (the real server reassembles it before
 * decapsulating).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include "compat.h"
#include "netns.h"
#include "conn.h"
#include "packet.h"
#include "xmit.h"

static void push_outer4(struct net *net, struct sk_buff *skb,
			const struct iphdr *inner, __be32 saddr, __be32 daddr)
{
	struct iphdr *iph;

	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = inner->tos;
	iph->frag_off = inner->frag_off & htons(IP_DF);
	iph->protocol = IPPROTO_IPIP;
	iph->ttl = inner->ttl;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->tot_len = htons(skb->len);
	ip_select_ident(net, skb, NULL);
	ip_send_check(iph);
}

static void push_outer6(struct sk_buff *skb, const struct ipv6hdr *inner,
			const struct in6_addr *saddr, const struct in6_addr *daddr)
{
	struct ipv6hdr *ip6h;

	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, ipv6_get_dsfield(inner), ip6_flowlabel(inner));
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_IPV6;
	ip6h->hop_limit = inner->hop_limit;
	ip6h->saddr = *saddr;
	ip6h->daddr = *daddr;
}

/**
 * halb_xmit_tun - send a client's packet to its real server in IP-in-IP
 * @skb: the packet, at LOCAL_IN
 * @cp: its connection
 * @p: its flow
 *
 * Return: NF_STOLEN (sent) or NF_DROP.
 */
unsigned int halb_xmit_tun(struct sk_buff *skb, struct halb_conn *cp,
			   const struct halb_pkt *p)
{
	struct net *net = cp->hn->net;
	unsigned int outer = cp->af == AF_INET ? sizeof(struct iphdr) :
						 sizeof(struct ipv6hdr);
	union nf_inet_addr saddr = {};
	struct dst_entry *dst;
	unsigned int mtu;
	bool local;

	/* the outer header's source is the one the route would use */
	dst = halb_route_dest(cp, &local, &saddr);
	if (!dst)
		return NF_DROP;
	/* an IPv4 real server on this host is not tunnelled to */
	if (local && cp->af == AF_INET)
		goto drop;
	mtu = dst_mtu(dst) - outer;
	if (halb_too_big_mtu(skb, cp->af, mtu) ||
	    skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + outer))
		goto drop;
	if (iptunnel_handle_offloads(skb, cp->af == AF_INET ? SKB_GSO_IPXIP4 :
							       SKB_GSO_IPXIP6))
		goto drop;

	halb_xmit_reroute(skb, dst);
	skb->transport_header = skb->network_header;
	if (cp->af == AF_INET) {
		skb_set_inner_ipproto(skb, IPPROTO_IPIP);
		push_outer4(net, skb, ip_hdr(skb), saddr.ip, cp->daddr.ip);
		skb->protocol = htons(ETH_P_IP);
		ip_local_out(net, NULL, skb);
	} else {
		skb_set_inner_ipproto(skb, IPPROTO_IPV6);
		push_outer6(skb, ipv6_hdr(skb), &saddr.in6, &cp->daddr.in6);
		skb->protocol = htons(ETH_P_IPV6);
		ip6_local_out(net, NULL, skb);
	}
	return NF_STOLEN;
drop:
	dst_release(dst);
	return NF_DROP;
}
