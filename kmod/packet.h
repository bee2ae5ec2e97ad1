/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_PACKET_H
#define _HALB_PACKET_H

#include <linux/skbuff.h>
#include <linux/netfilter.h>

#define HALB_TCP_SYN	0x1
#define HALB_TCP_ACK	0x2
#define HALB_TCP_FIN	0x4
#define HALB_TCP_RST	0x8

/* The layer-3/4 facts of a packet that halb decides on. */
struct halb_pkt {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u16 af;
	u8 protocol;
	u8 tcp_flags;		/* HALB_TCP_* */
	unsigned int thoff;	/* transport header offset from skb->data */
};

int halb_pkt_parse4(struct sk_buff *skb, struct halb_pkt *p);
int halb_pkt_parse6(struct sk_buff *skb, struct halb_pkt *p);

#endif /* _HALB_PACKET_H */
