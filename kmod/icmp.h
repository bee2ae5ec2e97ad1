/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_ICMP_H
#define _HALB_ICMP_H

#include <linux/skbuff.h>

struct halb_net;
struct halb_pkt;

unsigned int halb_icmp_in(struct halb_net *hn, struct sk_buff *skb,
			  const struct halb_pkt *p);
unsigned int halb_icmp_out(struct halb_net *hn, struct sk_buff *skb,
			   const struct halb_pkt *p);

#endif /* _HALB_ICMP_H */
