/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_DEST_H
#define _HALB_DEST_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/netfilter.h>
#include "stats.h"

struct halb_service;

/*
 * A real server.  Listed (RCU) on its service while configured; each
 * connection to it holds a reference, so counters and forwarding data stay
 * valid for connections that outlive the real server's removal.
 */
struct halb_dest {
	struct list_head list;		/* in service->dests, RCU */
	struct halb_service *svc;	/* holds a service reference */
	union nf_inet_addr addr;
	__be16 port;
	u16 af;
	u8 fwd;				/* enum halb_fwd_method */
	bool removed;			/* unlinked from its service */
	u32 weight;			/* READ_ONCE on the packet path */
	u32 u_thresh;
	u32 l_thresh;
	atomic_t activeconns;
	atomic_t inactconns;
	refcount_t refcnt;
	struct halb_stats stats;
	struct rcu_head rcu;
};

struct halb_dest_cfg {
	union nf_inet_addr addr;
	__be16 port;
	u8 fwd;
	u32 weight;
	u32 u_thresh;
	u32 l_thresh;
};

struct halb_dest *halb_dest_find(struct halb_service *svc,
				 const union nf_inet_addr *addr, __be16 port);
int halb_dest_add(struct halb_service *svc, const struct halb_dest_cfg *cfg);
void halb_dest_edit(struct halb_service *svc, struct halb_dest *d,
		    const struct halb_dest_cfg *cfg);
void halb_dest_unlink(struct halb_dest *d);
void halb_dest_put(struct halb_dest *d);

static inline bool halb_dest_hold(struct halb_dest *d)
{
	return refcount_inc_not_zero(&d->refcnt);
}

/* Above its upper threshold: no new connections (IPVS OVERLOAD). */
static inline bool halb_dest_overloaded(const struct halb_dest *d)
{
	u32 u = READ_ONCE(d->u_thresh);

	return u && (u32)(atomic_read(&d->activeconns) +
			  atomic_read(&d->inactconns)) >= u;
}

#endif /* _HALB_DEST_H */
