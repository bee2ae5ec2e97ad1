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
 *    real server lowers its path MTU;
 *  - FULLNAT, both ways: an error sent to a local address (at LOCAL_IN, or
 *    at FORWARD when the local address is only routed here) about a
 *    request quotes laddr:lport -> rs:rport; it goes on to the client as
 *    VIP -> client quoting client:cport -> VIP:vport.  An error sent to
 *    the virtual address about a reply quotes VIP:vport -> client:cport;
 *    it goes on to the real server as laddr -> rs quoting rs:rport ->
 *    laddr:lport.  Sequence numbers that PROXY v2 shifted are shifted back
 *    as the receiver numbers them.  The MTU of a "fragmentation needed" /
 *    "packet too big" for a request is lowered by what halb may still add
 *    to the client's packets (TOA, the PROXY v2 header: the MTU the
 *    director holds the client to, halb_fnat_tcp_mtu()), and the director
 *    learns the path MTU towards the real server itself, so that its own
 *    errors agree and it stops adding what no longer fits.
 *
 * The quoted TCP/UDP checksum, when the quote holds it, is updated for
 * every change (a checksum of a truncated packet, but the receiver may
 * look); the quoted IP header's, the outer IP header's and the ICMP
 * checksums are recomputed.
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
#include <net/route.h>
#include <net/ip6_checksum.h>
#include <net/checksum.h>
#include <net/sock.h>
#include "compat.h"
#include "netns.h"
#include "conn.h"
#include "packet.h"
#include "xmit.h"
#include "hooks.h"
#include "fnat.h"
#include "icmp.h"
#include "algo/caddr.h"

/* Where the parts of an ICMP error are, and the flow it quotes. */
struct icmp_err {
	unsigned int icmp_off;		/* ICMP header */
	unsigned int inner_off;		/* quoted IP header */
	u8 type, code;
	struct halb_pkt inner;		/* quoted flow; thoff is absolute */
};

/*
 * What an error becomes: its outer addresses and the quoted flow, all of
 * them (unchanged ones included); how quoted TCP sequence numbers move
 * (PROXY v2); how much lower a reported MTU is.
 */
struct icmp_xlate {
	union nf_inet_addr osaddr, odaddr;
	union nf_inet_addr isaddr, idaddr;
	__be16 isport, idport;
	u32 (*seq_fn)(u32 seq, u32 isn, u32 delta);	/* quoted seq, or NULL */
	u32 (*ack_fn)(u32 seq, u32 isn, u32 delta);	/* quoted ack, or NULL */
	u32 isn, delta;
	unsigned int mtu;			/* a new reported MTU, or 0 */
};

static bool is_error(u16 af, u8 type)
{
	if (af == AF_INET)
		return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
		       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
	return type < 128;	/* ICMPv6 errors are the types below 128 */
}

/* "Fragmentation needed" / "packet too big": an error carrying an MTU. */
static bool is_too_big(const struct icmp_err *e)
{
	if (e->inner.af == AF_INET)
		return e->type == ICMP_DEST_UNREACH && e->code == ICMP_FRAG_NEEDED;
	return e->type == ICMPV6_PKT_TOOBIG;
}

/* Read the quoted flow of an ICMP error; 0 if it is TCP or UDP. */
static int parse_error(struct sk_buff *skb, const struct halb_pkt *p,
		       struct icmp_err *e)
{
	struct halb_pkt *q = &e->inner;
	__be16 _ports[2];
	const __be16 *ports;
	u8 _hdr[2];
	const u8 *hdr;

	e->icmp_off = p->thoff;
	hdr = skb_header_pointer(skb, e->icmp_off, sizeof(_hdr), &_hdr);
	if (!hdr || !is_error(p->af, hdr[0]))
		return -EINVAL;
	e->type = hdr[0];
	e->code = hdr[1];
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

/* An xlate that changes nothing of error @p quoting @e. */
static void xlate_init(struct icmp_xlate *x, const struct halb_pkt *p,
		       const struct icmp_err *e)
{
	memset(x, 0, sizeof(*x));
	x->osaddr = p->saddr;
	x->odaddr = p->daddr;
	x->isaddr = e->inner.saddr;
	x->idaddr = e->inner.daddr;
	x->isport = e->inner.sport;
	x->idport = e->inner.dport;
}

/* A quoted checksum @check (or NULL) follows a 4-byte change. */
static void check_replace4(__sum16 *check, __be32 from, __be32 to)
{
	if (check)
		csum_replace4(check, from, to);
}

/* Change a quoted address (and the quoted checksum's pseudo-header). */
static void put_addr(u16 af, __be32 *field, const union nf_inet_addr *a,
		     __sum16 *check)
{
	unsigned int i, n = af == AF_INET ? 1 : 4;

	for (i = 0; i < n; i++) {
		check_replace4(check, field[i], a->ip6[i]);
		field[i] = a->ip6[i];
	}
}

static void put_port(__be16 *field, __be16 port, __sum16 *check)
{
	if (check)
		csum_replace2(check, *field, port);
	*field = port;
}

/* Map a quoted TCP sequence number at @off of the TCP header, if quoted. */
static void put_seq(struct sk_buff *skb, unsigned int thoff, unsigned int off,
		    const struct icmp_xlate *x,
		    u32 (*fn)(u32 seq, u32 isn, u32 delta), __sum16 *check)
{
	__be32 *field, val;

	if (!fn || thoff + off + 4 > skb->len)
		return;
	field = (__be32 *)(skb->data + thoff + off);
	val = htonl(fn(ntohl(get_unaligned(field)), x->isn, x->delta));
	check_replace4(check, get_unaligned(field), val);
	put_unaligned(val, field);
}

/* The quoted TCP/UDP checksum, if the quote holds it and it is in use. */
static __sum16 *quoted_check(struct sk_buff *skb, const struct halb_pkt *q)
{
	if (q->protocol == IPPROTO_TCP) {
		if (q->thoff + sizeof(struct tcphdr) > skb->len)
			return NULL;
		return &((struct tcphdr *)(skb->data + q->thoff))->check;
	}
	if (q->thoff + sizeof(struct udphdr) > skb->len)
		return NULL;
	/* an IPv4 datagram may go without one */
	if (q->af == AF_INET && !((struct udphdr *)(skb->data + q->thoff))->check)
		return NULL;
	return &((struct udphdr *)(skb->data + q->thoff))->check;
}

/* The MTU a "too big" error reports, or 0. */
static unsigned int reported_mtu(struct sk_buff *skb, const struct icmp_err *e)
{
	__be32 _mtu;
	const __be32 *mtu;

	if (!is_too_big(e))
		return 0;
	/* the same 4 bytes: IPv4 unused + next-hop MTU, ICMPv6 MTU */
	mtu = skb_header_pointer(skb, e->icmp_off + 4, sizeof(_mtu), &_mtu);
	if (!mtu)
		return 0;
	return e->inner.af == AF_INET ? ntohl(*mtu) & 0xffff : ntohl(*mtu);
}

static void put_mtu(struct sk_buff *skb, const struct icmp_err *e, unsigned int mtu)
{
	if (!mtu || !is_too_big(e))
		return;
	if (e->inner.af == AF_INET)
		((struct icmphdr *)(skb->data + e->icmp_off))->un.frag.mtu = htons(mtu);
	else
		((struct icmp6hdr *)(skb->data + e->icmp_off))->icmp6_mtu = htonl(mtu);
}

/*
 * Rewrite an ICMP error as @x says.  Checksums of both IP headers and of
 * the ICMP message are recomputed, the quoted TCP/UDP one updated.
 */
static int rewrite(struct sk_buff *skb, const struct icmp_err *e,
		   const struct icmp_xlate *x)
{
	const struct halb_pkt *q = &e->inner;
	unsigned int len;
	__sum16 *check;
	__be16 *ports;

	if (q->thoff + 4 > skb->len || skb_ensure_writable(skb, skb->len))
		return -ENOMEM;
	ports = (__be16 *)(skb->data + q->thoff);
	check = quoted_check(skb, q);
	len = skb->len - e->icmp_off;
	if (q->af == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);
		struct iphdr *ciph = (struct iphdr *)(skb->data + e->inner_off);

		put_addr(AF_INET, &ciph->saddr, &x->isaddr, check);
		put_addr(AF_INET, &ciph->daddr, &x->idaddr, check);
		ip_send_check(ciph);
		iph->saddr = x->osaddr.ip;
		iph->daddr = x->odaddr.ip;
		ip_send_check(iph);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		struct ipv6hdr *cip6h = (struct ipv6hdr *)(skb->data + e->inner_off);

		put_addr(AF_INET6, cip6h->saddr.s6_addr32, &x->isaddr, check);
		put_addr(AF_INET6, cip6h->daddr.s6_addr32, &x->idaddr, check);
		ip6h->saddr = x->osaddr.in6;
		ip6h->daddr = x->odaddr.in6;
	}
	put_port(&ports[0], x->isport, check);
	put_port(&ports[1], x->idport, check);
	if (q->protocol == IPPROTO_TCP) {
		put_seq(skb, q->thoff, offsetof(struct tcphdr, seq), x, x->seq_fn, check);
		put_seq(skb, q->thoff, offsetof(struct tcphdr, ack_seq), x, x->ack_fn, check);
	} else if (check && !*check) {
		*check = CSUM_MANGLED_0;
	}
	put_mtu(skb, e, x->mtu);

	if (q->af == AF_INET) {
		struct icmphdr *ich = (struct icmphdr *)(skb->data + e->icmp_off);

		ich->checksum = 0;
		ich->checksum = ip_compute_csum(ich, len);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		struct icmp6hdr *ich = (struct icmp6hdr *)(skb->data + e->icmp_off);

		ich->icmp6_cksum = 0;
		ich->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
						   IPPROTO_ICMPV6,
						   csum_partial(ich, len, 0));
	}
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}

/* Route to @daddr, rewrite, send from here. */
static unsigned int xlate_send(struct halb_net *hn, struct sk_buff *skb,
			       const struct icmp_err *e, const struct icmp_xlate *x)
{
	struct dst_entry *dst;
	bool local;

	dst = halb_route(hn->net, e->inner.af, &x->odaddr, &local, NULL);
	if (!dst)
		return NF_DROP;
	if (rewrite(skb, e, x)) {
		dst_release(dst);
		return NF_DROP;
	}
	return halb_send(hn->net, e->inner.af, skb, dst);
}

/* PROXY v2 moved the sequence numbers of @cp: by how much (0: not). */
static u32 ppv2_delta(const struct halb_conn *cp)
{
	if (cp->protocol != IPPROTO_TCP ||
	    READ_ONCE(cp->caddr_mode) != HALB_CLIENT_ADDR_PPV2 ||
	    READ_ONCE(cp->ppv2) != HALB_PPV2_IN)
		return 0;
	return cp->af == AF_INET ? HALB_PPV2_LEN4 : HALB_PPV2_LEN6;
}

/*
 * The director learns a path MTU towards a real server from an error
 * about its own FULLNAT packet, as it would for a socket of its own: the
 * route code reads the quoted header at skb->data.
 */
static void learn_pmtu(struct net *net, struct sk_buff *skb, const struct icmp_err *e)
{
	unsigned int mtu = reported_mtu(skb, e);

	if (!mtu || skb_ensure_writable(skb, skb->len))
		return;
	__skb_pull(skb, e->inner_off);
	if (e->inner.af == AF_INET)
		ipv4_update_pmtu(skb, net, mtu, 0, 0);
	else
		ip6_update_pmtu(skb, net, htonl(mtu), 0, 0, sock_net_uid(net, NULL));
	__skb_push(skb, e->inner_off);
}

/*
 * FULLNAT: an error about a request (laddr:lport -> rs:rport), from the
 * real server or the path to it, goes to the client.
 */
static unsigned int fnat_to_client(struct halb_net *hn, struct sk_buff *skb,
				   const struct halb_pkt *p, const struct icmp_err *e,
				   struct halb_conn *cp)
{
	struct icmp_xlate x;
	unsigned int mtu;

	xlate_init(&x, p, e);
	x.osaddr = cp->vaddr;
	x.odaddr = cp->caddr;
	x.isaddr = cp->caddr;
	x.isport = cp->cport;
	x.idaddr = cp->vaddr;
	x.idport = cp->vport;
	x.delta = ppv2_delta(cp);
	if (x.delta) {
		x.isn = READ_ONCE(cp->isn);
		x.seq_fn = halb_seq_to_client;
	}
	mtu = reported_mtu(skb, e);
	/* an old router may report none: the client works one out */
	if (mtu)
		x.mtu = halb_fnat_tcp_mtu(cp, mtu);
	learn_pmtu(hn->net, skb, e);
	halb_count_out(hn, cp, skb->len);
	return xlate_send(hn, skb, e, &x);
}

/*
 * FULLNAT: an error about a reply (VIP:vport -> client:cport), from the
 * client or the path to it, goes to the real server that sent the reply.
 */
static unsigned int fnat_to_server(struct halb_net *hn, struct sk_buff *skb,
				   const struct halb_pkt *p, const struct icmp_err *e,
				   struct halb_conn *cp)
{
	struct icmp_xlate x;

	xlate_init(&x, p, e);
	x.osaddr = cp->laddr;
	x.odaddr = cp->daddr;
	x.isaddr = cp->daddr;
	x.isport = cp->dport;
	x.idaddr = cp->laddr;
	x.idport = cp->lport;
	x.delta = ppv2_delta(cp);
	if (x.delta) {
		x.isn = READ_ONCE(cp->isn);
		x.ack_fn = halb_seq_to_server;
	}
	halb_count_in(hn, cp, skb->len);
	return xlate_send(hn, skb, e, &x);
}

/* The FULLNAT connection of an error quoting @q, a request it sent. */
static struct halb_conn *fnat_request_conn(struct halb_net *hn,
					   const struct halb_pkt *q)
{
	struct halb_conn *cp;
	struct halb_pkt r;

	if (!READ_ONCE(hn->num_laddrs))
		return NULL;
	reverse(q, &r);
	cp = halb_conn_out_get(hn, &r);
	return cp && cp->fwd == HALB_FWD_FULLNAT ? cp : NULL;
}

/**
 * halb_icmp_out - an ICMP error being forwarded, at FORWARD
 * @hn: the namespace
 * @skb: the packet
 * @p: its outer flow (protocol ICMP/ICMPv6, thoff at the ICMP header)
 *
 * A NAT error on its way to a client, or a FULLNAT one on its way to a
 * local address that is only routed here.
 *
 * Return: a netfilter verdict.
 */
unsigned int halb_icmp_out(struct halb_net *hn, struct sk_buff *skb,
			   const struct halb_pkt *p)
{
	struct icmp_xlate x;
	struct halb_conn *cp;
	struct halb_pkt r;
	struct icmp_err e;

	if (parse_error(skb, p, &e))
		return NF_ACCEPT;
	/* it quotes client -> real server; the reply key is the reverse */
	reverse(&e.inner, &r);
	cp = halb_conn_out_get(hn, &r);
	if (!cp)
		return NF_ACCEPT;
	if (cp->fwd == HALB_FWD_FULLNAT)
		return fnat_to_client(hn, skb, p, &e, cp);
	if (cp->fwd != HALB_FWD_NAT)
		return NF_ACCEPT;
	xlate_init(&x, p, &e);
	x.osaddr = cp->vaddr;
	x.idaddr = cp->vaddr;
	x.idport = cp->vport;
	if (rewrite(skb, &e, &x))
		return NF_DROP;
	halb_count_out(hn, cp, skb->len);
	halb_untrack(skb);
	return NF_ACCEPT;
}

/**
 * halb_icmp_in - an ICMP error for this host, at LOCAL_IN
 * @hn: the namespace
 * @skb: the packet
 * @p: its outer flow
 *
 * An error sent to a virtual address about a reply, or to a FULLNAT local
 * address about a request.
 *
 * Return: a netfilter verdict.
 */
unsigned int halb_icmp_in(struct halb_net *hn, struct sk_buff *skb,
			  const struct halb_pkt *p)
{
	struct icmp_xlate x;
	struct halb_conn *cp;
	struct halb_pkt r;
	struct icmp_err e;

	if (parse_error(skb, p, &e))
		return NF_ACCEPT;
	/* it quotes virtual -> client; the connection is client -> virtual */
	reverse(&e.inner, &r);
	cp = halb_conn_in_get(hn, &r);
	if (!cp) {
		cp = fnat_request_conn(hn, &e.inner);
		return cp ? fnat_to_client(hn, skb, p, &e, cp) : NF_ACCEPT;
	}
	switch (cp->fwd) {
	case HALB_FWD_DR:
		halb_count_in(hn, cp, skb->len);
		return halb_xmit_dr(skb, cp, p);
	case HALB_FWD_TUN:
		halb_count_in(hn, cp, skb->len);
		return halb_xmit_tun(skb, cp, p);
	case HALB_FWD_FULLNAT:
		return fnat_to_server(hn, skb, p, &e, cp);
	case HALB_FWD_NAT:
		break;
	default:
		return NF_ACCEPT;
	}
	halb_count_in(hn, cp, skb->len);
	xlate_init(&x, p, &e);
	x.odaddr = cp->daddr;
	x.isaddr = cp->daddr;
	x.isport = cp->dport;
	return xlate_send(hn, skb, &e, &x);
}
