/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_HOOKS_H
#define _HALB_HOOKS_H

#include <linux/netfilter.h>
#include "netns.h"
#include "service.h"
#include "dest.h"
#include "conn.h"

extern const struct nf_hook_ops halb_hook_ops[];
extern const unsigned int halb_hook_ops_count;

/* A packet of @cp went client -> real server (in) or back (out). */
static inline void halb_count_in(struct halb_net *hn, struct halb_conn *cp,
				 unsigned int len)
{
	halb_stats_count_in(&cp->dest->stats, len);
	halb_stats_count_in(&cp->dest->svc->stats, len);
	halb_stats_count_in(&hn->stats, len);
}

static inline void halb_count_out(struct halb_net *hn, struct halb_conn *cp,
				  unsigned int len)
{
	halb_stats_count_out(&cp->dest->stats, len);
	halb_stats_count_out(&cp->dest->svc->stats, len);
	halb_stats_count_out(&hn->stats, len);
}

#endif /* _HALB_HOOKS_H */
