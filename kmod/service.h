/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_SERVICE_H
#define _HALB_SERVICE_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/netfilter.h>
#include "stats.h"

struct halb_net;
struct halb_sched_ops;
struct halb_sched_state;
struct halb_laddr_pool;

/*
 * What identifies a virtual service: protocol, address and port, or for a
 * firewall-mark service the mark (and family) with the other fields zero.
 */
struct halb_svc_key {
	union nf_inet_addr addr;
	u32 fwmark;
	__be16 port;
	u16 af;
	u8 protocol;
};

/* Persistence timeout when none is given (ipvsadm's), and the largest. */
#define HALB_PERSIST_DEFAULT	360
#define HALB_PERSIST_MAX	(31 * 24 * 3600)

/* A service's settings besides its key and scheduler. */
struct halb_svc_cfg {
	u32 flags;			/* enum halb_svc_flags */
	u32 timeout;			/* persistence, seconds */
	u8 netmask;			/* persistence prefix length */
	u8 nodest;			/* enum halb_nodest_policy */
	u32 mh_size;			/* Maglev table size */
	u8 client_addr;			/* enum halb_client_addr (FULLNAT) */
};

struct halb_service {
	struct hlist_node hnode;	/* in halb_net.svc_tab, RCU */
	struct list_head list;		/* in halb_net.svc_list, control */
	struct halb_svc_key key;
	struct halb_net *hn;
	u32 flags;			/* READ_ONCE on the packet path */
	u32 timeout;			/* persistence, seconds */
	u8 netmask;
	u8 nodest;			/* enum halb_nodest_policy */
	u32 mh_size;			/* Maglev table size (prime) */
	union nf_inet_addr pmask;	/* netmask as an address mask */
	/* FULLNAT (laddr.c) */
	struct halb_laddr_pool __rcu *laddrs;
	u8 client_addr;			/* READ_ONCE: enum halb_client_addr */
	atomic_t lports_used;

	struct list_head dests;		/* RCU; newest first, as IPVS */
	unsigned int num_dests;		/* control */

	const struct halb_sched_ops *sched;		/* control */
	struct halb_sched_state __rcu *sched_state;	/* packet path */

	struct halb_stats stats;
	refcount_t refcnt;
	bool removed;
	struct rcu_head rcu;
};

int halb_svc_cache_init(void);
void halb_svc_cache_exit(void);
struct halb_service *halb_svc_lookup(struct halb_net *hn,
				     const struct halb_svc_key *key);
struct halb_service *halb_svc_create(struct halb_net *hn,
				     const struct halb_svc_key *key,
				     const struct halb_sched_ops *sched,
				     const struct halb_svc_cfg *cfg);
void halb_svc_set_cfg(struct halb_service *svc, const struct halb_svc_cfg *cfg);
void halb_svc_delete(struct halb_service *svc);
void halb_svc_flush(struct halb_net *hn);
void halb_svc_put(struct halb_service *svc);
int halb_svc_resched(struct halb_service *svc);
void halb_svc_sched_clear(struct halb_service *svc);

static inline void halb_svc_hold(struct halb_service *svc)
{
	refcount_inc(&svc->refcnt);
}

#endif /* _HALB_SERVICE_H */
