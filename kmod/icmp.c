// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about connections, as IPVS handles them.  An error quotes the
 * start of the packet that caused it; halb finds the connection from the
 * quoted flow and makes the error reach the host that sent that packet,
 * with the addresses that host knows:
 *
 *  - at FORWARD, an error on its way to a client about a NAT request (a
 *    real server's "port unreachable", a router's "fragmentation needed"
 *    between director and real server) quotes client -> real server: the
 *    quoted destination and the error's source become the virtual service;
 *  - at LOCAL_IN, an error sent to a virtual address about a reply (a
 *    router's "fragmentation needed" between director and client) quotes
 *    virtual -> client: it is passed to the real server that sent the
 *    reply, translated back for NAT, as it is for DR and TUN, so that the
 *    real server lowers its path MTU.
 *
 * The quoted TCP/UDP checksum is left alone (it is of a truncated packet
 * anyway); the quoted IP header's and the ICMP checksums are recomputed.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip6_checksum.h>
#include <net/checksum.h>
#include "netns.h"
#include "conn.h"
#include "packet.h"
#include "xmit.h"
#include "hooks.h"
#include "icmp.h"

/* Where the parts of an ICMP error are, and the flow it quotes. */
struct icmp_err {
	unsigned int icmp_off;		/* ICMP header */
	unsigned int inner_off;		/* quoted IP header */
	struct halb_pkt inner;		/* quoted flow; thoff is absolute */
};

static bool is_error(u16 af, u8 type)
{
	if (af == AF_INET)
		return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
		       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
	return type < 128;	/* ICMPv6 errors are the types below 128 */
}

/* Read the quoted flow of an ICMP error; 0 if it is TCP or UDP. */
static int parse_error(struct sk_buff *skb, const struct halb_pkt *p,
		       struct icmp_err *e)
{
	struct halb_pkt *q = &e->inner;
	__be16 _ports[2];
	const __be16 *ports;
	u8 _type;
	const u8 *type;

	e->icmp_off = p->thoff;
	type = skb_header_pointer(skb, e->icmp_off, 1, &_type);
	if (!type || !is_error(p->af, *type))
		return -EINVAL;
	e->inner_off = e->icmp_off + 8;	/* both ICMP headers are 8 bytes */
	memset(q, 0, sizeof(*q));
	q->af = p->af;
	if (p->af == AF_INET) {
		struct iphdr _iph;
		const struct iphdr *iph;

		iph = skb_header_pointer(skb, e->inner_off, sizeof(_iph), &_iph);
		if (!iph || iph->version != 4 || iph->ihl < 5 ||
		    (iph->frag_off & htons(IP_OFFSET)))
			return -EINVAL;
		q->saddr.ip = iph->saddr;
		q->daddr.ip = iph->daddr;
		q->protocol = iph->protocol;
		q->thoff = e->inner_off + iph->ihl * 4;
	} else {
		struct ipv6hdr _ip6h;
		const struct ipv6hdr *ip6h;

		ip6h = skb_header_pointer(skb, e->inner_off, sizeof(_ip6h), &_ip6h);
		if (!ip6h || ip6h->version != 6)
			return -EINVAL;
		q->saddr.in6 = ip6h->saddr;
		q->daddr.in6 = ip6h->daddr;
		q->protocol = ip6h->nexthdr;	/* extension headers: not ours */
		q->thoff = e->inner_off + sizeof(*ip6h);
	}
	if (q->protocol != IPPROTO_TCP && q->protocol != IPPROTO_UDP)
		return -EPROTONOSUPPORT;
	ports = skb_header_pointer(skb, q->thoff, sizeof(_ports), &_ports);
	if (!ports)
		return -EINVAL;
	q->sport = ports[0];
	q->dport = ports[1];
	return 0;
}

/* The flow of a packet going the other way. */
static void reverse(const struct halb_pkt *q, struct halb_pkt *r)
{
	*r = *q;
	r->saddr = q->daddr;
	r->daddr = q->saddr;
	r->sport = q->dport;
	r->dport = q->sport;
}

/*
 * Rewrite an ICMP error: with @to_client, its source and the quoted
 * destination become @a:@port; otherwise its destination and the quoted
 * source do.  Checksums of both IP headers and of the ICMP message are
 * recomputed.
 */
static int rewrite(struct sk_buff *skb, const struct icmp_err *e, bool to_client,
		   const union nf_inet_addr *a, __be16 port)
{
	unsigned int len;
	__be16 *ports;

	if (e->inner.thoff + 4 > skb->len || skb_ensure_writable(skb, skb->len))
		return -ENOMEM;
	ports = (__be16 *)(skb->data + e->inner.thoff);
	ports[to_client ? 1 : 0] = port;
	len = skb->len - e->icmp_off;
	if (e->inner.af == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);
		struct iphdr *ciph = (struct iphdr *)(skb->data + e->inner_off);
		struct icmphdr *ich = (struct icmphdr *)(skb->data + e->icmp_off);

		if (to_client)
			iph->saddr = ciph->daddr = a->ip;
		else
			iph->daddr = ciph->saddr = a->ip;
		ip_send_check(ciph);
		ip_send_check(iph);
		ich->checksum = 0;
		ich->checksum = ip_compute_csum(ich, len);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		struct ipv6hdr *cip6h = (struct ipv6hdr *)(skb->data + e->inner_off);
		struct icmp6hdr *ich = (struct icmp6hdr *)(skb->data + e->icmp_off);

		if (to_client)
			ip6h->saddr = cip6h->daddr = a->in6;
		else
			ip6h->daddr = cip6h->saddr = a->in6;
		ich->icmp6_cksum = 0;
		ich->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
						   IPPROTO_ICMPV6,
						   csum_partial(ich, len, 0));
	}
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}

/**
 * halb_icmp_out - an ICMP error on its way to a client, at FORWARD
 * @hn: the namespace
 * @skb: the packet
 * @p: its outer flow (protocol ICMP/ICMPv6, thoff at the ICMP header)
 *
 * Return: a netfilter verdict.
 */
unsigned int halb_icmp_out(struct halb_net *hn, struct sk_buff *skb,
			   const struct halb_pkt *p)
{
	struct halb_conn *cp;
	struct halb_pkt r;
	struct icmp_err e;

	if (parse_error(skb, p, &e))
		return NF_ACCEPT;
	/* it quotes client -> real server; the reply key is the reverse */
	reverse(&e.inner, &r);
	cp = halb_conn_out_get(hn, &r);
	/* FULLNAT errors quote a local address: not translated here yet */
	if (!cp || cp->fwd != HALB_FWD_NAT)
		return NF_ACCEPT;
	if (rewrite(skb, &e, true, &cp->vaddr, cp->vport))
		return NF_DROP;
	halb_count_out(hn, cp, skb->len);
	halb_untrack(skb);
	return NF_ACCEPT;
}

/**
 * halb_icmp_in - an ICMP error sent to a virtual address, at LOCAL_IN
 * @hn: the namespace
 * @skb: the packet
 * @p: its outer flow
 *
 * Return: a netfilter verdict.
 */
unsigned int halb_icmp_in(struct halb_net *hn, struct sk_buff *skb,
			  const struct halb_pkt *p)
{
	struct dst_entry *dst;
	struct halb_conn *cp;
	struct halb_pkt r;
	struct icmp_err e;
	bool local;

	if (parse_error(skb, p, &e))
		return NF_ACCEPT;
	/* it quotes virtual -> client; the connection is client -> virtual */
	reverse(&e.inner, &r);
	cp = halb_conn_in_get(hn, &r);
	if (!cp)
		return NF_ACCEPT;
	halb_count_in(hn, cp, skb->len);
	switch (cp->fwd) {
	case HALB_FWD_DR:
		return halb_xmit_dr(skb, cp, p);
	case HALB_FWD_TUN:
		return halb_xmit_tun(skb, cp, p);
	case HALB_FWD_NAT:
		break;
	default:
		return NF_ACCEPT;
	}
	dst = halb_route(hn->net, cp->af, &cp->daddr, &local, NULL);
	if (!dst)
		return NF_DROP;
	if (rewrite(skb, &e, false, &cp->daddr, cp->dport)) {
		dst_release(dst);
		return NF_DROP;
	}
	return halb_send(hn->net, cp->af, skb, dst);
}
