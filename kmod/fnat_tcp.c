// SPDX-License-Identifier: GPL-2.0
/*
 * FULLNAT and TCP: telling the real server who the client is.
 *
 * TOA: a TCP option with the client's address and port, added to the
 * client's packets from the one completing the handshake (whose arrival
 * creates the server's socket, where halb_toa.ko reads it) until the server
 * acknowledges data, which proves its socket exists.  Options take no
 * sequence space, so nothing else changes.
 *
 * PROXY protocol v2: a header put before the client's first byte, on the
 * segment that carries that byte (and again on each retransmission of
 * it).  From then on the client's sequence numbers are one header longer
 * as the server sees them, and the server's acknowledgements and SACK
 * blocks one header shorter as the client sees them (algo/caddr.h).
 *
 * Either way the MSS the server announces in its SYN-ACK is lowered by the
 * bytes added, so a full-sized segment still fits the path with them; and
 * until the server has the address, a client's packet is held to the path
 * MTU less those bytes (halb_fnat_tcp_mtu()).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/moduleparam.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/icmp.h>
#include <linux/icmpv6.h>
#include <net/checksum.h>
#include <net/tcp.h>
#include "compat.h"
#include "conn.h"
#include "packet.h"
#include "fnat.h"
#include "algo/caddr.h"

static unsigned char toa_kind = HALB_TOA_KIND_DEFAULT;
module_param(toa_kind, byte, 0644);
MODULE_PARM_DESC(toa_kind, "TCP option kind of TOA (default 254, as DPVS)");

/* Smallest MSS the clamp leaves (IPv4's minimum MTU less headers). */
#define HALB_MSS_FLOOR		88

static struct tcphdr *tcp_writable(struct sk_buff *skb, const struct halb_pkt *p)
{
	struct tcphdr *th;
	unsigned int hl;

	if (skb_ensure_writable(skb, p->thoff + sizeof(*th)))
		return NULL;
	th = (struct tcphdr *)(skb->data + p->thoff);
	hl = th->doff * 4;
	if (hl < sizeof(*th) || p->thoff + hl > skb->len)
		return NULL;
	if (skb_ensure_writable(skb, p->thoff + hl))
		return NULL;
	return (struct tcphdr *)(skb->data + p->thoff);
}

/*
 * Replace 2 or 4 bytes of the TCP header.  CHECKSUM_PARTIAL: the checksum
 * field holds only the pseudo-header sum, nothing to do.  Otherwise an
 * incremental update at an even offset, or a recompute at the end.
 */
static void tcp_put(struct sk_buff *skb, struct tcphdr *th, void *field,
		    u32 val, unsigned int size, bool *full)
{
	unsigned int off = (u8 *)field - (u8 *)th;

	if (size == 2) {
		__be16 old = get_unaligned((__be16 *)field), new = htons(val);

		if (old == new)
			return;
		if (skb->ip_summed != CHECKSUM_PARTIAL && !*full) {
			if (off & 1)
				*full = true;
			else
				inet_proto_csum_replace2(&th->check, skb, old, new, false);
		}
		put_unaligned(new, (__be16 *)field);
	} else {
		__be32 old = get_unaligned((__be32 *)field), new = htonl(val);

		if (old == new)
			return;
		if (skb->ip_summed != CHECKSUM_PARTIAL && !*full) {
			if (off & 1)
				*full = true;
			else
				inet_proto_csum_replace4(&th->check, skb, old, new, false);
		}
		put_unaligned(new, (__be32 *)field);
	}
}

/*
 * Open @len bytes at @off (from skb->data, within the linear, writable
 * headers): what comes before moves towards the head, so the IP and TCP
 * headers stay contiguous and the payload stays where it is.  Lengths and
 * the pseudo-header sum are updated; the caller fills the gap.
 */
static int open_gap(struct sk_buff *skb, const struct halb_pkt *p,
		    unsigned int off, unsigned int len, bool *full)
{
	unsigned int l4 = skb->len - p->thoff;
	struct tcphdr *th;

	/* lengths must stay representable (no BIG TCP jumbograms here) */
	if (skb->len - (p->af == AF_INET6 ? sizeof(struct ipv6hdr) : 0) + len > 0xffff)
		return -E2BIG;
	if (skb_cow_head(skb, len))
		return -ENOMEM;
	skb_push(skb, len);
	memmove(skb->data, skb->data + len, off);
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	skb_set_transport_header(skb, p->thoff);
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		skb->csum_start -= len;
	else
		*full = true;
	if (p->af == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);
		__be16 old = iph->tot_len;

		iph->tot_len = htons(ntohs(old) + len);
		csum_replace2(&iph->check, old, iph->tot_len);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->payload_len = htons(ntohs(ip6h->payload_len) + len);
	}
	th = (struct tcphdr *)(skb->data + p->thoff);
	inet_proto_csum_replace4(&th->check, skb, htonl(l4), htonl(l4 + len), true);
	return 0;
}

/* The 16-bit word of the header holding doff and the flags. */
static void *doff_word(struct tcphdr *th)
{
	return (u8 *)th + 12;
}

/* Put the TOA option after the existing ones, if there is room. */
static int toa_add(struct sk_buff *skb, struct halb_conn *cp,
		   const struct halb_pkt *p, unsigned int mtu, bool *full)
{
	struct tcphdr *th = (struct tcphdr *)(skb->data + p->thoff);
	unsigned int hl = th->doff * 4, len;
	u8 opt[HALB_TOA_LEN6];
	u16 word;
	int err;

	len = halb_toa_build(opt, READ_ONCE(toa_kind), cp->af == AF_INET6,
			     &cp->caddr, (__force u16)cp->cport);
	/*
	 * No room in the header, or in the path (for a GSO packet: in its
	 * segments, each of which gets the option): this one goes without.
	 */
	if (hl + len > 60 || mtu < len ||
	    (skb_is_gso(skb) ? !skb_gso_validate_network_len(skb, mtu - len) :
			       skb->len + len > mtu))
		return 0;
	err = open_gap(skb, p, p->thoff + hl, len, full);
	if (err)
		return err == -E2BIG ? 0 : err;
	th = (struct tcphdr *)(skb->data + p->thoff);
	memcpy((u8 *)th + hl, opt, len);
	word = get_unaligned_be16(doff_word(th));
	tcp_put(skb, th, doff_word(th), (word & 0x0fff) | ((hl + len) / 4) << 12, 2, full);
	return 0;
}

/* Tell the client a smaller MTU when the header would not fit. */
static int ppv2_too_big(struct sk_buff *skb, const struct halb_pkt *p,
			unsigned int mtu, unsigned int len)
{
	if (p->af == AF_INET) {
		if (ip_hdr(skb)->frag_off & htons(IP_DF))
			icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu - len));
	} else {
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, max(mtu - len, IPV6_MIN_MTU));
	}
	return -EMSGSIZE;
}

static int ppv2_in(struct sk_buff *skb, struct halb_conn *cp,
		   const struct halb_pkt *p, unsigned int mtu, bool *full)
{
	struct tcphdr *th = (struct tcphdr *)(skb->data + p->thoff);
	unsigned int hl = th->doff * 4, data = skb->len - p->thoff - hl, len;
	u32 isn = READ_ONCE(cp->isn), seq = ntohl(th->seq);
	u8 st = READ_ONCE(cp->ppv2), hdr[HALB_PPV2_MAX];
	int err;

	if (seq == isn + 1 && data) {
		/* the client's first byte: the header goes before it */
		len = halb_ppv2_build(hdr, cp->af == AF_INET6, &cp->caddr,
				      (__force u16)cp->cport, &cp->vaddr,
				      (__force u16)cp->vport);
		if (!skb_is_gso(skb) && skb->len + len > mtu)
			return ppv2_too_big(skb, p, mtu, len);
		err = open_gap(skb, p, p->thoff + hl, len, full);
		if (err)
			return err;
		memcpy(skb->data + p->thoff + hl, hdr, len);
		if (skb_is_gso(skb))
			skb_shinfo(skb)->gso_segs =
				DIV_ROUND_UP(data + len, skb_shinfo(skb)->gso_size);
		if (st != HALB_PPV2_IN)
			WRITE_ONCE(cp->ppv2, HALB_PPV2_IN);
		return 0;
	}
	if (st == HALB_PPV2_UNDECIDED) {
		/* a FIN first: no data, no header; data further on: header */
		if (seq == isn + 1 && th->fin)
			st = HALB_PPV2_NONE;
		else if ((s32)(seq - (isn + 1)) > 0 && data)
			st = HALB_PPV2_IN;
		if (st != HALB_PPV2_UNDECIDED)
			WRITE_ONCE(cp->ppv2, st);
	}
	if (st == HALB_PPV2_IN)
		tcp_put(skb, th, &th->seq,
			halb_seq_to_server(seq, isn, cp->af == AF_INET ?
					   HALB_PPV2_LEN4 : HALB_PPV2_LEN6), 4, full);
	return 0;
}

/**
 * halb_fnat_tcp_in - client-address work on a client's packet
 * @skb: the packet
 * @cp: its connection (caddr_mode not NONE)
 * @p: its flow
 * @mtu: of the route to the real server
 * @full: set when the checksum must be recomputed
 *
 * Return: 0 or -errno (drop).
 */
int halb_fnat_tcp_in(struct sk_buff *skb, struct halb_conn *cp,
		     const struct halb_pkt *p, unsigned int mtu, bool *full)
{
	struct tcphdr *th = tcp_writable(skb, p);

	if (!th)
		return -ENOMEM;
	if (th->syn) {
		if (!th->ack)
			WRITE_ONCE(cp->isn, ntohl(th->seq));
		return 0;
	}
	if (th->rst)
		return 0;
	if (cp->caddr_mode == HALB_CLIENT_ADDR_TOA)
		return READ_ONCE(cp->caddr_done) ? 0 : toa_add(skb, cp, p, mtu, full);
	if (cp->caddr_mode == HALB_CLIENT_ADDR_PPV2)
		return ppv2_in(skb, cp, p, mtu, full);
	return 0;
}

/**
 * halb_fnat_tcp_mtu - the MTU a client's packets must keep to
 * @cp: the connection
 * @mtu: of the path to the real server
 *
 * Until the server has the client's address (caddr_done: it acknowledged
 * data after TOA, or the PROXY v2 header), halb may add that many bytes to
 * a client's packet: TOA to every one with room for it, the header to the
 * one with the first byte.  The client is held to the path MTU less those
 * bytes, and told so (IPv6: not below its minimum MTU), so that they fit
 * whichever packet it is.
 *
 * Return: the MTU to hold the client's packets to, and to tell the client.
 */
unsigned int halb_fnat_tcp_mtu(const struct halb_conn *cp, unsigned int mtu)
{
	unsigned int floor = cp->af == AF_INET6 ? IPV6_MIN_MTU : 68, len;
	bool v6 = cp->af == AF_INET6;

	if (cp->protocol != IPPROTO_TCP || READ_ONCE(cp->caddr_done))
		return mtu;
	switch (READ_ONCE(cp->caddr_mode)) {
	case HALB_CLIENT_ADDR_TOA:
		len = v6 ? HALB_TOA_LEN6 : HALB_TOA_LEN4;
		break;
	case HALB_CLIENT_ADDR_PPV2:
		if (READ_ONCE(cp->ppv2) == HALB_PPV2_NONE)
			return mtu;
		len = v6 ? HALB_PPV2_LEN6 : HALB_PPV2_LEN4;
		break;
	default:
		return mtu;
	}
	return mtu >= floor + len ? mtu - len : min(mtu, floor);
}

struct opt_arg {
	struct sk_buff *skb;
	struct halb_conn *cp;
	unsigned int delta;
	bool *full;
	void (*fn)(struct tcphdr *th, u8 *opt, struct opt_arg *a);
};

/*
 * Call a->fn on each option of @th; stops at the end of the list or at a
 * malformed length.
 */
static void walk_opts(struct tcphdr *th, struct opt_arg *a)
{
	unsigned int len = th->doff * 4 - sizeof(*th), i = 0;
	u8 *opt = (u8 *)(th + 1);

	while (i < len) {
		if (opt[i] == TCPOPT_EOL)
			return;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			return;
		a->fn(th, opt + i, a);
		i += opt[i + 1];
	}
}

static void mss_clamp(struct tcphdr *th, u8 *opt, struct opt_arg *a)
{
	u16 mss;

	if (opt[0] != TCPOPT_MSS || opt[1] != TCPOLEN_MSS)
		return;
	mss = get_unaligned_be16(opt + 2);
	if (mss > HALB_MSS_FLOOR + a->delta)
		tcp_put(a->skb, th, opt + 2, mss - a->delta, 2, a->full);
}

static void sack_to_client(struct tcphdr *th, u8 *opt, struct opt_arg *a)
{
	u32 isn = READ_ONCE(a->cp->isn);
	unsigned int i;

	if (opt[0] != TCPOPT_SACK || (opt[1] - 2) % 8)
		return;
	for (i = 2; i < opt[1]; i += 4)
		tcp_put(a->skb, th, opt + i,
			halb_seq_to_client(get_unaligned_be32(opt + i), isn, a->delta),
			4, a->full);
}

/**
 * halb_fnat_tcp_out - client-address work on a real server's reply
 * @skb: the reply
 * @cp: its connection (caddr_mode not NONE)
 * @p: its flow
 * @full: set when the checksum must be recomputed
 *
 * Return: 0 or -errno (drop).
 */
int halb_fnat_tcp_out(struct sk_buff *skb, struct halb_conn *cp,
		      const struct halb_pkt *p, bool *full)
{
	struct tcphdr *th = tcp_writable(skb, p);
	bool v6 = cp->af == AF_INET6;
	struct opt_arg a = { .skb = skb, .cp = cp, .full = full, .fn = mss_clamp };
	u32 isn = READ_ONCE(cp->isn);

	if (!th)
		return -ENOMEM;
	if (cp->caddr_mode == HALB_CLIENT_ADDR_TOA) {
		a.delta = v6 ? HALB_TOA_LEN6 : HALB_TOA_LEN4;
		if (th->syn && th->ack) {
			a.fn = mss_clamp;
			walk_opts(th, &a);
		} else if (th->ack && (s32)(ntohl(th->ack_seq) - (isn + 1)) > 0 &&
			 !READ_ONCE(cp->caddr_done))
			WRITE_ONCE(cp->caddr_done, 1);
		return 0;
	}
	if (cp->caddr_mode != HALB_CLIENT_ADDR_PPV2)
		return 0;
	a.delta = v6 ? HALB_PPV2_LEN6 : HALB_PPV2_LEN4;
	if (th->syn && th->ack) {
		a.fn = mss_clamp;
		walk_opts(th, &a);
		return 0;
	}
	if (READ_ONCE(cp->ppv2) != HALB_PPV2_IN)
		return 0;
	/* the whole header acknowledged: the server has the address */
	if (th->ack && !READ_ONCE(cp->caddr_done) &&
	    (s32)(ntohl(th->ack_seq) - (isn + 1 + a.delta)) >= 0)
		WRITE_ONCE(cp->caddr_done, 1);
	if (th->ack)
		tcp_put(skb, th, &th->ack_seq,
			halb_seq_to_client(ntohl(th->ack_seq), isn, a.delta), 4, full);
	a.fn = sack_to_client;
	walk_opts(th, &a);
	return 0;
}
