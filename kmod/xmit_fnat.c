// SPDX-License-Identifier: GPL-2.0
/*
 * FULLNAT: both addresses and both ports of every packet are rewritten.
 * A client's packet (client:cport -> VIP:vport), taken at LOCAL_IN, leaves
 * as laddr:lport -> rs:rport; the real server's reply (rs:rport ->
 * laddr:lport), taken at LOCAL_IN when laddr is the director's or at
 * FORWARD when it is only routed here, leaves as VIP:vport -> client:cport.
 * Both are routed afresh and sent from here, so the director needs no
 * route but its own to either side, and the real servers need a route to
 * laddr only.  Checksums are updated incrementally (which is also right
 * for CHECKSUM_PARTIAL and GSO packets), except for the few packets of
 * which fnat_tcp.c changed the length without CHECKSUM_PARTIAL.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip6_checksum.h>
#include <net/checksum.h>
#include "netns.h"
#include "conn.h"
#include "packet.h"
#include "xmit.h"
#include "fnat.h"

/* Rewrite source and destination of a TCP/UDP packet. */
static int fnat_mangle(struct sk_buff *skb, const struct halb_pkt *p,
		       const union nf_inet_addr *ns, __be16 nsport,
		       const union nf_inet_addr *nd, __be16 ndport, bool full)
{
	unsigned int hl = p->protocol == IPPROTO_TCP ? sizeof(struct tcphdr) :
						       sizeof(struct udphdr);
	__be16 *sport, *dport;
	__sum16 *check;
	bool l4 = !full;

	if (skb_ensure_writable(skb, p->thoff + hl))
		return -ENOMEM;
	if (p->protocol == IPPROTO_TCP) {
		struct tcphdr *th = (struct tcphdr *)(skb->data + p->thoff);

		check = &th->check;
		sport = &th->source;
		dport = &th->dest;
	} else {
		struct udphdr *uh = (struct udphdr *)(skb->data + p->thoff);

		check = &uh->check;
		sport = &uh->source;
		dport = &uh->dest;
		/* IPv4 UDP may go without a checksum; keep it so */
		if (p->af == AF_INET && !uh->check && skb->ip_summed != CHECKSUM_PARTIAL)
			l4 = false;
	}

	if (p->af == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);

		if (l4) {
			inet_proto_csum_replace4(check, skb, iph->saddr, ns->ip, true);
			inet_proto_csum_replace4(check, skb, iph->daddr, nd->ip, true);
		}
		csum_replace4(&iph->check, iph->saddr, ns->ip);
		csum_replace4(&iph->check, iph->daddr, nd->ip);
		iph->saddr = ns->ip;
		iph->daddr = nd->ip;
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		if (l4) {
			inet_proto_csum_replace16(check, skb, ip6h->saddr.s6_addr32,
						  ns->in6.s6_addr32, true);
			inet_proto_csum_replace16(check, skb, ip6h->daddr.s6_addr32,
						  nd->in6.s6_addr32, true);
		}
		ip6h->saddr = ns->in6;
		ip6h->daddr = nd->in6;
	}
	if (l4) {
		inet_proto_csum_replace2(check, skb, *sport, nsport, false);
		inet_proto_csum_replace2(check, skb, *dport, ndport, false);
		if (p->protocol == IPPROTO_UDP && !*check)
			*check = CSUM_MANGLED_0;
	}
	*sport = nsport;
	*dport = ndport;
	return 0;
}

/* The TCP checksum from scratch (only packets without CHECKSUM_PARTIAL). */
static void tcp_csum_full(struct sk_buff *skb, const struct halb_pkt *p)
{
	struct tcphdr *th = (struct tcphdr *)(skb->data + p->thoff);
	unsigned int len = skb->len - p->thoff;
	__wsum csum;

	th->check = 0;
	csum = skb_checksum(skb, p->thoff, len, 0);
	if (p->af == AF_INET)
		th->check = csum_tcpudp_magic(ip_hdr(skb)->saddr, ip_hdr(skb)->daddr,
					      len, IPPROTO_TCP, csum);
	else
		th->check = csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
					    len, IPPROTO_TCP, csum);
	skb->ip_summed = CHECKSUM_NONE;
}

/* Route, rewrite, send: the common part of both directions. */
static unsigned int fnat_xmit(struct sk_buff *skb, struct halb_conn *cp,
			      const struct halb_pkt *p, bool in,
			      const union nf_inet_addr *ns, __be16 nsport,
			      const union nf_inet_addr *nd, __be16 ndport)
{
	struct net *net = cp->hn->net;
	struct dst_entry *dst;
	bool local, full = false;
	unsigned int mtu;
	int err = 0;

	dst = in ? halb_route_dest(cp, &local, NULL) :
		   halb_route(net, cp->af, nd, &local, NULL);
	if (!dst)
		return NF_DROP;
	/* as the client sent it: the room TOA needs is the client's to leave */
	mtu = dst_mtu(dst);
	if (halb_too_big_mtu(skb, cp->af, in ? halb_fnat_tcp_mtu(cp, mtu) : mtu))
		goto drop;
	if (p->protocol == IPPROTO_TCP && READ_ONCE(cp->caddr_mode) != HALB_CLIENT_ADDR_NONE)
		err = in ? halb_fnat_tcp_in(skb, cp, p, mtu, &full) :
			   halb_fnat_tcp_out(skb, cp, p, &full);
	if (err)
		goto drop;
	if (fnat_mangle(skb, p, ns, nsport, nd, ndport, full))
		goto drop;
	if (full)
		tcp_csum_full(skb, p);

	return halb_send(net, cp->af, skb, dst);
drop:
	dst_release(dst);
	return NF_DROP;
}

/**
 * halb_xmit_fnat_in - forward a client's packet to its real server
 * @skb: the packet, at LOCAL_IN
 * @cp: its connection
 * @p: its flow
 *
 * Return: NF_STOLEN (sent) or NF_DROP.
 */
unsigned int halb_xmit_fnat_in(struct sk_buff *skb, struct halb_conn *cp,
			       const struct halb_pkt *p)
{
	return fnat_xmit(skb, cp, p, true, &cp->laddr, cp->lport, &cp->daddr, cp->dport);
}

/**
 * halb_xmit_fnat_out - return a real server's reply to the client
 * @skb: the reply, at LOCAL_IN or FORWARD
 * @cp: its connection
 * @p: its flow
 *
 * Return: NF_STOLEN (sent) or NF_DROP.
 */
unsigned int halb_xmit_fnat_out(struct sk_buff *skb, struct halb_conn *cp,
				const struct halb_pkt *p)
{
	return fnat_xmit(skb, cp, p, false, &cp->vaddr, cp->vport, &cp->caddr, cp->cport);
}
