// SPDX-License-Identifier: GPL-2.0
/*
 * FULLNAT local addresses and ports.
 *
 * Control path: a service's list of local addresses is built from a
 * netlink nest into a new pool, then published with one pointer swap, so
 * the packet path sees either the old list or the new one.  Each address
 * is one object per namespace, shared by the services that list it.
 *
 * Packet path: a new connection takes a port on one of its service's
 * addresses (algo/lport.c: a hashed start, a bounded search, an atomic
 * bit claim); nothing is locked.  The port goes back when the connection
 * entry is released.
 */
#include <linux/jhash.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include "netns.h"
#include "service.h"
#include "dest.h"
#include "conn.h"
#include "packet.h"
#include "laddr.h"

/* Most ports one new connection examines, per local address. */
#define HALB_LPORT_BUDGET	4096

static unsigned int lport_min = 1024;
static unsigned int lport_max = 65535;

static int set_lport(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err)
		return err;
	if (v < 1 || v > 65535)
		return -ERANGE;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops lport_ops = {
	.set = set_lport,
	.get = param_get_uint,
};

module_param_cb(fnat_lport_min, &lport_ops, &lport_min, 0644);
MODULE_PARM_DESC(fnat_lport_min, "lowest FULLNAT local port (default 1024)");
module_param_cb(fnat_lport_max, &lport_ops, &lport_max, 0644);
MODULE_PARM_DESC(fnat_lport_max,
		 "highest FULLNAT local port (default 65535; below min: no port at all)");

void halb_laddr_net_init(struct halb_net *hn)
{
	INIT_LIST_HEAD(&hn->laddr_list);
	spin_lock_init(&hn->laddr_lock);
	hn->num_laddrs = 0;
	atomic_set(&hn->lports_used, 0);
	atomic64_set(&hn->lport_exhausted, 0);
}

static void laddr_put(struct halb_laddr *la)
{
	struct halb_net *hn = la->hn;
	unsigned long flags;

	if (refcount_dec_and_lock_irqsave(&la->refcnt, &hn->laddr_lock, &flags)) {
		list_del(&la->node);
		WRITE_ONCE(hn->num_laddrs, hn->num_laddrs - 1);
		spin_unlock_irqrestore(&hn->laddr_lock, flags);
		kvfree_rcu(la, rcu);
	}
}

/* The namespace's object for @addr, referenced; created if needed. */
static struct halb_laddr *laddr_get(struct halb_net *hn, u16 af,
				    const union nf_inet_addr *addr)
{
	struct halb_laddr *la, *fresh;

	fresh = kvzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return NULL;
	spin_lock_bh(&hn->laddr_lock);
	list_for_each_entry(la, &hn->laddr_list, node) {
		if (la->af == af && nf_inet_addr_cmp(&la->addr, addr) &&
		    refcount_inc_not_zero(&la->refcnt)) {
			spin_unlock_bh(&hn->laddr_lock);
			kvfree(fresh);
			return la;
		}
	}
	fresh->addr = *addr;
	fresh->af = af;
	fresh->hn = hn;
	refcount_set(&fresh->refcnt, 1);
	list_add(&fresh->node, &hn->laddr_list);
	WRITE_ONCE(hn->num_laddrs, hn->num_laddrs + 1);
	spin_unlock_bh(&hn->laddr_lock);
	return fresh;
}

static void pool_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct halb_laddr_pool, rcu));
}

/**
 * halb_laddr_pool_drop - give back a pool's addresses, free it after RCU
 * @pool: a pool no longer (or never) published; NULL is ignored
 */
void halb_laddr_pool_drop(struct halb_laddr_pool *pool)
{
	unsigned int i;

	if (!pool)
		return;
	for (i = 0; i < pool->n; i++)
		laddr_put(pool->la[i]);
	call_rcu(&pool->rcu, pool_free_rcu);
}

static bool laddr_valid(u16 af, const union nf_inet_addr *a)
{
	if (af == AF_INET)
		return a->ip && !ipv4_is_multicast(a->ip) && !ipv4_is_lbcast(a->ip) &&
		       !ipv4_is_zeronet(a->ip);
	return !ipv6_addr_any(&a->in6) && !ipv6_addr_is_multicast(&a->in6) &&
	       !ipv6_addr_loopback(&a->in6);
}

/**
 * halb_laddr_pool_build - a pool from a HALB_SVC_A_LADDRS nest
 * @hn: the namespace (control path)
 * @af: the service's family
 * @nest: the nest, already checked against its policy
 * @extack: for the reason of a rejection
 *
 * Return: the pool (addresses referenced), NULL for an empty list, or
 * ERR_PTR(-EINVAL / -ENOMEM); nothing is changed on error.
 */
struct halb_laddr_pool *halb_laddr_pool_build(struct halb_net *hn, u16 af,
					      struct nlattr *nest,
					      struct netlink_ext_ack *extack)
{
	int want = af == AF_INET ? HALB_LADDR_A_ADDR4 : HALB_LADDR_A_ADDR6;
	struct halb_laddr_pool *pool;
	union nf_inet_addr addr;
	unsigned int n = 0, i;
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != want) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "local address family differs from the service's");
			return ERR_PTR(-EINVAL);
		}
		if (++n > HALB_LADDRS_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a, "more than 64 local addresses");
			return ERR_PTR(-EINVAL);
		}
	}
	if (!n)
		return NULL;
	pool = kzalloc(struct_size(pool, la, n), GFP_KERNEL_ACCOUNT);
	if (!pool)
		goto nomem;
	nla_for_each_nested(a, nest, rem) {
		memset(&addr, 0, sizeof(addr));
		if (af == AF_INET)
			addr.ip = nla_get_in_addr(a);
		else
			addr.in6 = nla_get_in6_addr(a);
		if (!laddr_valid(af, &addr)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "local address must be a unicast address");
			goto inval;
		}
		for (i = 0; i < pool->n; i++) {
			if (nf_inet_addr_cmp(&pool->la[i]->addr, &addr)) {
				NL_SET_ERR_MSG_ATTR(extack, a, "local address given twice");
				goto inval;
			}
		}
		pool->la[pool->n] = laddr_get(hn, af, &addr);
		if (!pool->la[pool->n])
			goto nomem;
		pool->n++;
	}
	return pool;

inval:
	halb_laddr_pool_drop(pool);
	return ERR_PTR(-EINVAL);
nomem:
	NL_SET_ERR_MSG(extack, "out of memory for the local addresses");
	halb_laddr_pool_drop(pool);
	return ERR_PTR(-ENOMEM);
}

/**
 * halb_laddr_pool_install - publish a service's new local addresses
 * @svc: the service (control path)
 * @pool: from halb_laddr_pool_build(), or NULL for none
 *
 * Connections keep the address and port they hold until they end.
 */
void halb_laddr_pool_install(struct halb_service *svc, struct halb_laddr_pool *pool)
{
	struct halb_laddr_pool *old;

	old = rcu_replace_pointer(svc->laddrs, pool, halb_ctl_held());
	halb_laddr_pool_drop(old);
}

/**
 * halb_laddr_pool_put - a service's local addresses as HALB_SVC_A_LADDRS
 * @skb: message being built
 * @svc: the service (control path)
 *
 * Return: 0 or -EMSGSIZE.
 */
int halb_laddr_pool_put(struct sk_buff *skb, const struct halb_service *svc)
{
	const struct halb_laddr_pool *pool;
	struct nlattr *nest;
	unsigned int i;
	int err = 0;

	pool = rcu_dereference_protected(svc->laddrs, halb_ctl_held());
	if (!pool)
		return 0;
	nest = nla_nest_start(skb, HALB_SVC_A_LADDRS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < pool->n && !err; i++) {
		const struct halb_laddr *la = pool->la[i];

		if (la->af == AF_INET)
			err = nla_put_in_addr(skb, HALB_LADDR_A_ADDR4, la->addr.ip);
		else
			err = nla_put_in6_addr(skb, HALB_LADDR_A_ADDR6, &la->addr.in6);
	}
	if (err) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * halb_laddr_bind - give a new FULLNAT connection its local address and port
 * @cp: the connection, not yet hashed; its dest is set
 * @p: its first packet's flow
 *
 * Tries the service's addresses in turn, from one picked by the flow's
 * hash.  Call under rcu_read_lock() (packet path).
 *
 * Return: 0, or -EADDRNOTAVAIL (counted) when no port is to be had.
 */
int halb_laddr_bind(struct halb_conn *cp, const struct halb_pkt *p)
{
	struct halb_service *svc = cp->dest->svc;
	u32 min = READ_ONCE(lport_min), max = READ_ONCE(lport_max);
	struct halb_net *hn = cp->hn;
	struct halb_laddr_pool *pool;
	u32 hint, i;

	pool = rcu_dereference(svc->laddrs);
	if (!pool || min > max)
		goto exhausted;
	hint = jhash_3words(jhash2((const u32 *)p->saddr.all, 4, hn->conn_seed),
			    (u32)(__force u16)p->sport << 16 | (__force u16)p->dport,
			    (__force u32)p->daddr.all[3], hn->conn_seed);
	for (i = 0; i < pool->n; i++) {
		struct halb_laddr *la = pool->la[(hint + i) % pool->n];
		int port;

		if (!refcount_inc_not_zero(&la->refcnt))
			continue;
		port = halb_lport_alloc(la->map, min, max, hint >> 7, HALB_LPORT_BUDGET);
		if (port < 0) {
			laddr_put(la);
			continue;
		}
		cp->lp = la;
		cp->laddr = la->addr;
		cp->lport = htons(port);
		cp->caddr_mode = READ_ONCE(svc->client_addr);
		atomic_inc(&svc->lports_used);
		atomic_inc(&hn->lports_used);
		return 0;
	}
exhausted:
	atomic64_inc(&hn->lport_exhausted);
	return -EADDRNOTAVAIL;
}

/**
 * halb_laddr_unbind - give back a connection's local port
 * @cp: the connection, unhashed or never hashed; its dest still held
 */
void halb_laddr_unbind(struct halb_conn *cp)
{
	struct halb_laddr *la = cp->lp;

	halb_lport_free(la->map, ntohs(cp->lport));
	atomic_dec(&cp->dest->svc->lports_used);
	atomic_dec(&cp->hn->lports_used);
	cp->lp = NULL;
	laddr_put(la);
}
