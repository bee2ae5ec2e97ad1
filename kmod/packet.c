// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the addresses, ports and TCP flags of a packet at the IP hooks.
 * Only first fragments (or whole packets) of TCP and UDP are of interest;
 * fragments are reassembled at PRE_ROUTING (nf_defrag, enabled with the
 * hooks, netns.c), so a fragment seen here is one that could not be.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "packet.h"

static int parse_l4(struct sk_buff *skb, struct halb_pkt *p)
{
	if (p->protocol == IPPROTO_TCP) {
		struct tcphdr _th;
		const struct tcphdr *th;

		th = skb_header_pointer(skb, p->thoff, sizeof(_th), &_th);
		if (!th)
			return -EINVAL;
		p->sport = th->source;
		p->dport = th->dest;
		p->tcp_flags = (th->syn ? HALB_TCP_SYN : 0) |
			       (th->ack ? HALB_TCP_ACK : 0) |
			       (th->fin ? HALB_TCP_FIN : 0) |
			       (th->rst ? HALB_TCP_RST : 0);
		return 0;
	}
	if (p->protocol == IPPROTO_UDP) {
		struct udphdr _uh;
		const struct udphdr *uh;

		uh = skb_header_pointer(skb, p->thoff, sizeof(_uh), &_uh);
		if (!uh)
			return -EINVAL;
		p->sport = uh->source;
		p->dport = uh->dest;
		p->tcp_flags = 0;
		return 0;
	}
	return -EPROTONOSUPPORT;
}

/**
 * halb_pkt_parse4 - read an IPv4 packet's flow
 * @skb: packet, skb->data at the IP header
 * @p: filled in
 *
 * Return: 0 for a TCP or UDP packet that is not a later fragment.
 */
int halb_pkt_parse4(struct sk_buff *skb, struct halb_pkt *p)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (ip_is_fragment(iph) && (iph->frag_off & htons(IP_OFFSET)))
		return -EINVAL;
	memset(&p->saddr, 0, sizeof(p->saddr));
	memset(&p->daddr, 0, sizeof(p->daddr));
	p->saddr.ip = iph->saddr;
	p->daddr.ip = iph->daddr;
	p->af = AF_INET;
	p->protocol = iph->protocol;
	p->thoff = skb_network_offset(skb) + iph->ihl * 4;
	return parse_l4(skb, p);
}

/**
 * halb_pkt_parse6 - read an IPv6 packet's flow, past extension headers
 * @skb: packet, skb->data at the IPv6 header
 * @p: filled in
 *
 * Return: 0 for a TCP or UDP packet that is not a later fragment.
 */
int halb_pkt_parse6(struct sk_buff *skb, struct halb_pkt *p)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int off = 0;
	unsigned short frag_off = 0;
	int proto;

	proto = ipv6_find_hdr(skb, &off, -1, &frag_off, NULL);
	if (proto < 0 || frag_off)
		return -EINVAL;
	p->saddr.in6 = ip6h->saddr;
	p->daddr.in6 = ip6h->daddr;
	p->af = AF_INET6;
	p->protocol = proto;
	p->thoff = off;
	return parse_l4(skb, p);
}
