/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_LADDR_H
#define _HALB_LADDR_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/netfilter.h>
#include <net/genetlink.h>
#include "algo/lport.h"

struct halb_net;
struct halb_service;
struct halb_conn;
struct halb_pkt;

/*
 * A FULLNAT local address of a namespace and the ports held on it.  One
 * object per address and namespace, shared by every service that lists
 * it, so a port is never held twice on one address.  Referenced by the
 * pools naming it and by each connection holding one of its ports; freed
 * after an RCU grace period when the last goes.
 */
struct halb_laddr {
	struct list_head node;		/* halb_net.laddr_list, laddr_lock */
	union nf_inet_addr addr;
	u16 af;
	refcount_t refcnt;
	struct halb_net *hn;
	struct rcu_head rcu;
	unsigned long map[HALB_LPORT_WORDS];	/* ports held */
};

/* A service's local addresses, replaced as a whole (RCU). */
struct halb_laddr_pool {
	struct rcu_head rcu;
	unsigned int n;
	struct halb_laddr *la[];
};

/* Per namespace: the list, and whether any local address exists. */
void halb_laddr_net_init(struct halb_net *hn);

struct halb_laddr_pool *halb_laddr_pool_build(struct halb_net *hn, u16 af,
					      struct nlattr *nest,
					      struct netlink_ext_ack *extack);
void halb_laddr_pool_install(struct halb_service *svc, struct halb_laddr_pool *pool);
void halb_laddr_pool_drop(struct halb_laddr_pool *pool);
int halb_laddr_pool_put(struct sk_buff *skb, const struct halb_service *svc);

int halb_laddr_bind(struct halb_conn *cp, const struct halb_pkt *p);
void halb_laddr_unbind(struct halb_conn *cp);

#endif /* _HALB_LADDR_H */
