/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_NETNS_H
#define _HALB_NETNS_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "stats.h"

#define HALB_SVC_TAB_BITS	8
#define HALB_CONN_LOCKS		1024

/*
 * Every control operation (netlink requests, namespace teardown) runs under
 * this one mutex; the packet path never takes it.
 */
extern struct mutex halb_ctl_lock;
#define halb_ctl_held() lockdep_is_held(&halb_ctl_lock)

/*
 * Everything halb keeps for one network namespace.  Fields marked "control"
 * are only touched under halb_ctl_lock; the packet path reads the
 * RCU-published ones only.
 */
struct halb_net {
	struct net *net;

	/* services: RCU hash for the packet path, ordered list for dumps */
	struct hlist_head svc_tab[1 << HALB_SVC_TAB_BITS];
	struct list_head svc_list;		/* control */
	unsigned int num_services;		/* control */
	unsigned int num_fwmark;		/* READ_ONCE: fwmark services */
	u32 gen;				/* control: bumps on change */

	/*
	 * connections: two hash tables, one keyed by what a packet from the
	 * client carries, one by what a reply from the real server carries
	 * (NAT only); entries are freed by their own timers, never by scans.
	 * The tables come with the first service (halb_conn_tab_alloc()):
	 * NULL until then, and set once, before the hooks are registered.
	 */
	struct hlist_head *conn_in_tab;
	struct hlist_head *conn_out_tab;
	unsigned int conn_tab_bits;
	u32 conn_seed;
	spinlock_t conn_locks[HALB_CONN_LOCKS];
	atomic_t conn_count;
	atomic64_t conn_refused;

	/* FULLNAT local addresses (laddr.c) */
	struct list_head laddr_list;		/* laddr_lock */
	spinlock_t laddr_lock;
	unsigned int num_laddrs;		/* READ_ONCE: replies at LOCAL_IN */
	atomic_t lports_used;
	atomic64_t lport_exhausted;

	struct halb_stats stats;
	struct delayed_work est_work;		/* rate estimator */
	unsigned long est_last;			/* jiffies of its last run */
	bool hooks_registered;			/* control */
};

extern unsigned int halb_net_id;

static inline struct halb_net *halb_net(const struct net *net)
{
	return net_generic(net, halb_net_id);
}

int halb_net_init(void);
void halb_net_exit(void);
int halb_net_hooks_enable(struct halb_net *hn);

#endif /* _HALB_NETNS_H */
