/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_FNAT_H
#define _HALB_FNAT_H

#include <linux/skbuff.h>

struct halb_conn;
struct halb_pkt;

/*
 * PROXY protocol v2 on a connection (halb_conn.ppv2): whether the header
 * went before the client's first byte, so that the sequence numbers after
 * it are shifted, or cannot any more (the client closed without data).
 */
enum halb_ppv2_state {
	HALB_PPV2_UNDECIDED,
	HALB_PPV2_IN,
	HALB_PPV2_NONE,
};

/*
 * FULLNAT transmit (xmit_fnat.c): a client's packet to its real server,
 * and a real server's reply to the client, taken at LOCAL_IN (the local
 * address is the director's) or at FORWARD.  Both return NF_STOLEN (sent)
 * or NF_DROP.
 */
unsigned int halb_xmit_fnat_in(struct sk_buff *skb, struct halb_conn *cp,
			       const struct halb_pkt *p);
unsigned int halb_xmit_fnat_out(struct sk_buff *skb, struct halb_conn *cp,
				const struct halb_pkt *p);

/*
 * The TCP part (fnat_tcp.c): the client-address carriers (TOA, PROXY v2),
 * the MSS they need, and the sequence shift.  Called before the addresses
 * are rewritten.  *@full is set when the TCP checksum of a packet without
 * CHECKSUM_PARTIAL must be computed afresh once the addresses are final.
 * Return 0, or -errno: drop the packet.
 */
int halb_fnat_tcp_in(struct sk_buff *skb, struct halb_conn *cp,
		     const struct halb_pkt *p, unsigned int mtu, bool *full);
int halb_fnat_tcp_out(struct sk_buff *skb, struct halb_conn *cp,
		      const struct halb_pkt *p, bool *full);
unsigned int halb_fnat_tcp_mtu(const struct halb_conn *cp, unsigned int mtu);

#endif /* _HALB_FNAT_H */
