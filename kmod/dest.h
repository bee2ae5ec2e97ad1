/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_DEST_H
#define _HALB_DEST_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/netfilter.h>
#include <net/dst_cache.h>
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
	atomic_t persistconns;		/* persistence templates */
	bool overloaded;		/* thresholds; READ_ONCE */
	refcount_t refcnt;
	struct halb_stats stats;
	struct dst_cache dst_cache;	/* route to addr, per CPU (route.c) */
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

int halb_dest_cache_init(void);
void halb_dest_cache_exit(void);
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

/*
 * Thresholds, with IPVS's hysteresis: a real server with an upper threshold
 * is overloaded (takes no new connection) once its connections reach it,
 * and stays so until they drop below the lower threshold, or below 3/4 of
 * the upper one when no lower threshold is set.
 */
static inline bool halb_dest_overloaded(const struct halb_dest *d)
{
	return READ_ONCE(d->overloaded);
}

static inline u32 halb_dest_conns(const struct halb_dest *d)
{
	return atomic_read(&d->activeconns) + atomic_read(&d->inactconns);
}

/* A connection was bound to @d. */
static inline void halb_dest_conn_bound(struct halb_dest *d)
{
	u32 u = READ_ONCE(d->u_thresh);

	if (u && halb_dest_conns(d) >= u && !READ_ONCE(d->overloaded))
		WRITE_ONCE(d->overloaded, true);
}

/* A connection of @d ended. */
static inline void halb_dest_conn_unbound(struct halb_dest *d)
{
	u32 l = READ_ONCE(d->l_thresh), u = READ_ONCE(d->u_thresh);
	u32 n;

	if (!READ_ONCE(d->overloaded))
		return;
	n = halb_dest_conns(d);
	if (l ? n < l : !u || (u64)n * 4 < (u64)u * 3)
		WRITE_ONCE(d->overloaded, false);
}

#endif /* _HALB_DEST_H */
