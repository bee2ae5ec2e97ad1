// SPDX-License-Identifier: GPL-2.0
/*
 * Connection table: per-namespace hash tables (sized by conn_tab_bits),
 * RCU lookups, striped bucket locks for insert and removal, and expiry by
 * one kernel timer per entry, so nothing ever walks the table to age it.
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/random.h>
#include <linux/vmalloc.h>
#include "compat.h"
#include "netns.h"
#include "conn.h"
#include "dest.h"
#include "service.h"
#include "sched.h"
#include "packet.h"

static struct kmem_cache *conn_cache;

int halb_conn_cache_init(void)
{
	conn_cache = kmem_cache_create("halb_conn", sizeof(struct halb_conn), 0,
				       SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL);
	return conn_cache ? 0 : -ENOMEM;
}

void halb_conn_cache_exit(void)
{
	kmem_cache_destroy(conn_cache);
}

static u32 flow_hash(const struct halb_net *hn, u16 af, u8 proto,
		     const union nf_inet_addr *s, __be16 sport,
		     const union nf_inet_addr *d, __be16 dport)
{
	u32 ports = ((u32)(__force u16)sport << 16) | (__force u16)dport;
	u32 h;

	if (af == AF_INET)
		h = jhash_3words((__force u32)s->ip, (__force u32)d->ip, ports,
				 hn->conn_seed ^ proto);
	else
		h = jhash2((const u32 *)s->all, 4,
			   jhash2((const u32 *)d->all, 4,
				  hn->conn_seed ^ proto ^ ports));
	return h & ((1U << hn->conn_tab_bits) - 1);
}

static spinlock_t *bucket_lock(struct halb_net *hn, u32 bucket)
{
	return &hn->conn_locks[bucket & (HALB_CONN_LOCKS - 1)];
}

/* Bucket of @cp's client -> virtual key, and of its reply key (NAT). */
static u32 in_bucket(const struct halb_net *hn, const struct halb_conn *cp)
{
	return flow_hash(hn, cp->af, cp->protocol, &cp->caddr, cp->cport,
			 &cp->vaddr, cp->vport);
}

static u32 out_bucket(const struct halb_net *hn, const struct halb_conn *cp)
{
	return flow_hash(hn, cp->af, cp->protocol, &cp->daddr, cp->dport,
			 &cp->caddr, cp->cport);
}

/* Is @cp the connection of packet @p from the client? */
static bool in_matches(const struct halb_conn *cp, const struct halb_pkt *p)
{
	return cp->cport == p->sport && cp->vport == p->dport &&
	       cp->protocol == p->protocol && cp->af == p->af &&
	       nf_inet_addr_cmp(&cp->caddr, &p->saddr) &&
	       nf_inet_addr_cmp(&cp->vaddr, &p->daddr);
}

/**
 * halb_conn_tab_init - allocate a namespace's connection tables
 * @hn: the namespace
 *
 * Return: 0 or -ENOMEM.
 */
int halb_conn_tab_init(struct halb_net *hn)
{
	unsigned int i, n;

	hn->conn_tab_bits = READ_ONCE(halb_conn_tab_bits);
	n = 1U << hn->conn_tab_bits;
	hn->conn_in_tab = kvcalloc(n, sizeof(struct hlist_head), GFP_KERNEL_ACCOUNT);
	hn->conn_out_tab = kvcalloc(n, sizeof(struct hlist_head), GFP_KERNEL_ACCOUNT);
	if (!hn->conn_in_tab || !hn->conn_out_tab) {
		kvfree(hn->conn_in_tab);
		kvfree(hn->conn_out_tab);
		return -ENOMEM;
	}
	for (i = 0; i < HALB_CONN_LOCKS; i++)
		spin_lock_init(&hn->conn_locks[i]);
	hn->conn_seed = get_random_u32();
	atomic_set(&hn->conn_count, 0);
	return 0;
}

/**
 * halb_conn_tab_exit - free the tables; halb_conn_flush() ran before
 * @hn: the namespace
 */
void halb_conn_tab_exit(struct halb_net *hn)
{
	kvfree(hn->conn_in_tab);
	kvfree(hn->conn_out_tab);
}

/**
 * halb_conn_in_get - connection of a packet from a client to a service
 * @hn: the namespace
 * @p: the packet's flow
 *
 * Call under rcu_read_lock().
 *
 * Return: the connection or NULL.
 */
struct halb_conn *halb_conn_in_get(struct halb_net *hn, const struct halb_pkt *p)
{
	u32 b = flow_hash(hn, p->af, p->protocol, &p->saddr, p->sport,
			  &p->daddr, p->dport);
	struct halb_conn *cp;

	hlist_for_each_entry_rcu(cp, &hn->conn_in_tab[b], in_node)
		if (in_matches(cp, p))
			return cp;
	return NULL;
}

/**
 * halb_conn_out_get - connection of a reply from a real server (NAT)
 * @hn: the namespace
 * @p: the packet's flow
 *
 * Call under rcu_read_lock().
 *
 * Return: the connection or NULL.
 */
struct halb_conn *halb_conn_out_get(struct halb_net *hn, const struct halb_pkt *p)
{
	u32 b = flow_hash(hn, p->af, p->protocol, &p->saddr, p->sport,
			  &p->daddr, p->dport);
	struct halb_conn *cp;

	hlist_for_each_entry_rcu(cp, &hn->conn_out_tab[b], out_node) {
		if (cp->dport == p->sport && cp->cport == p->dport &&
		    cp->protocol == p->protocol && cp->af == p->af &&
		    nf_inet_addr_cmp(&cp->daddr, &p->saddr) &&
		    nf_inet_addr_cmp(&cp->caddr, &p->daddr))
			return cp;
	}
	return NULL;
}

static void conn_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(conn_cache, container_of(head, struct halb_conn, rcu));
}

static void conn_unhash(struct halb_conn *cp)
{
	struct halb_net *hn = cp->hn;
	spinlock_t *lock;
	u32 b;

	b = in_bucket(hn, cp);
	lock = bucket_lock(hn, b);
	spin_lock_bh(lock);
	hlist_del_rcu(&cp->in_node);
	spin_unlock_bh(lock);

	if (cp->flags & HALB_CONN_F_OUT_HASHED) {
		b = out_bucket(hn, cp);
		lock = bucket_lock(hn, b);
		spin_lock_bh(lock);
		hlist_del_rcu(&cp->out_node);
		spin_unlock_bh(lock);
	}
}

/* Unhashed and marked dead: give back what it holds, free after RCU. */
static void conn_release(struct halb_conn *cp)
{
	struct halb_dest *d = cp->dest;

	if (cp->state == HALB_CS_ESTABLISHED)
		atomic_dec(&d->activeconns);
	else
		atomic_dec(&d->inactconns);
	halb_sched_conns_changed(d);
	atomic_dec(&cp->hn->conn_count);
	halb_dest_put(d);
	call_rcu(&cp->rcu, conn_free_rcu);
}

static void conn_timer_fn(struct timer_list *t)
{
	struct halb_conn *cp = from_timer(cp, t, timer);
	unsigned long exp;

	spin_lock(&cp->lock);
	if (cp->flags & HALB_CONN_F_DEAD) {
		spin_unlock(&cp->lock);
		return;
	}
	exp = READ_ONCE(cp->expires);
	if (time_after(exp, jiffies)) {
		/* packets came since the timer was set: sleep on */
		mod_timer(&cp->timer, exp);
		spin_unlock(&cp->lock);
		return;
	}
	cp->flags |= HALB_CONN_F_DEAD;
	spin_unlock(&cp->lock);
	conn_unhash(cp);
	conn_release(cp);
}

/**
 * halb_conn_new - create and hash the connection of a scheduled packet
 * @hn: the namespace
 * @p: the first packet's flow (client -> virtual service)
 * @dest: the real server chosen; a reference is taken on success
 * @state: initial state
 *
 * Call under rcu_read_lock() (packet path).
 * If another CPU created the same connection first, that one is returned.
 *
 * Return: the connection, or NULL (limit reached, no memory, real server
 * going away).
 */
struct halb_conn *halb_conn_new(struct halb_net *hn, const struct halb_pkt *p,
				struct halb_dest *dest, unsigned int state)
{
	struct halb_conn *cp, *old;
	spinlock_t *lock;
	u32 b;

	if (atomic_inc_return(&hn->conn_count) > READ_ONCE(halb_conn_max)) {
		atomic_dec(&hn->conn_count);
		atomic64_inc(&hn->conn_refused);
		return NULL;
	}
	cp = kmem_cache_alloc(conn_cache, GFP_ATOMIC);
	if (!cp)
		goto err_count;
	if (!halb_dest_hold(dest))
		goto err_free;

	cp->caddr = p->saddr;
	cp->cport = p->sport;
	cp->vaddr = p->daddr;
	cp->vport = p->dport;
	cp->daddr = dest->addr;
	cp->dport = dest->port;
	cp->af = p->af;
	cp->protocol = p->protocol;
	cp->fwd = READ_ONCE(dest->fwd);
	cp->state = state;
	cp->flags = 0;
	cp->dest = dest;
	cp->hn = hn;
	spin_lock_init(&cp->lock);
	cp->timeout = halb_state_timeout(state);
	cp->expires = jiffies + cp->timeout;
	timer_setup(&cp->timer, conn_timer_fn, 0);

	b = in_bucket(hn, cp);
	lock = bucket_lock(hn, b);
	spin_lock_bh(lock);
	hlist_for_each_entry(old, &hn->conn_in_tab[b], in_node) {
		if (in_matches(old, p)) {
			spin_unlock_bh(lock);
			halb_dest_put(dest);
			kmem_cache_free(conn_cache, cp);
			atomic_dec(&hn->conn_count);
			return old;
		}
	}
	hlist_add_head_rcu(&cp->in_node, &hn->conn_in_tab[b]);
	spin_unlock_bh(lock);

	if (cp->fwd == HALB_FWD_NAT) {
		b = out_bucket(hn, cp);
		lock = bucket_lock(hn, b);
		spin_lock_bh(lock);
		hlist_add_head_rcu(&cp->out_node, &hn->conn_out_tab[b]);
		cp->flags |= HALB_CONN_F_OUT_HASHED;
		spin_unlock_bh(lock);
	}

	if (state == HALB_CS_ESTABLISHED)
		atomic_inc(&dest->activeconns);
	else
		atomic_inc(&dest->inactconns);
	halb_sched_conns_changed(dest);
	mod_timer(&cp->timer, cp->expires);
	return cp;

err_free:
	kmem_cache_free(conn_cache, cp);
err_count:
	atomic_dec(&hn->conn_count);
	atomic64_inc(&hn->conn_refused);
	return NULL;
}

/**
 * halb_conn_expire_now - end a connection before its timer does
 * @cp: the connection, found under rcu_read_lock()
 *
 * Whoever marks the entry dead first (this or its timer) unhashes and
 * releases it; the timer cannot re-arm a dead entry, and a callback already
 * running finishes before the RCU grace period that frees the entry.
 *
 * Return: true if this call ended it.
 */
bool halb_conn_expire_now(struct halb_conn *cp)
{
	spin_lock_bh(&cp->lock);
	if (cp->flags & HALB_CONN_F_DEAD) {
		spin_unlock_bh(&cp->lock);
		return false;
	}
	cp->flags |= HALB_CONN_F_DEAD;
	spin_unlock_bh(&cp->lock);
	timer_delete(&cp->timer);
	conn_unhash(cp);
	conn_release(cp);
	return true;
}

/**
 * halb_conn_set_state - move a connection to a new state
 * @cp: the connection
 * @state: enum halb_conn_state
 *
 * Adjusts the real server's active/inactive counts and re-arms the timer for
 * the new state's timeout, which may be shorter than the current one.
 */
void halb_conn_set_state(struct halb_conn *cp, unsigned int state)
{
	spin_lock_bh(&cp->lock);
	if (cp->state != state && !(cp->flags & HALB_CONN_F_DEAD)) {
		bool was = cp->state == HALB_CS_ESTABLISHED;
		bool now = state == HALB_CS_ESTABLISHED;

		if (was != now) {
			atomic_t *inc = now ? &cp->dest->activeconns :
					      &cp->dest->inactconns;
			atomic_t *dec = now ? &cp->dest->inactconns :
					      &cp->dest->activeconns;

			atomic_inc(inc);
			atomic_dec(dec);
			halb_sched_conns_changed(cp->dest);
		}
		cp->state = state;
		cp->timeout = halb_state_timeout(state);
		WRITE_ONCE(cp->expires, jiffies + cp->timeout);
		mod_timer(&cp->timer, cp->expires);
	}
	spin_unlock_bh(&cp->lock);
}

/**
 * halb_conn_flush - remove every connection of a namespace
 * @hn: the namespace; its hooks are already gone, so none are added
 *
 * The only walk over the whole table, done once at namespace teardown.
 */
void halb_conn_flush(struct halb_net *hn)
{
	unsigned int b, n = 1U << hn->conn_tab_bits;

	for (b = 0; b < n; b++) {
		for (;;) {
			struct halb_conn *cp;
			bool dead;

			rcu_read_lock();
			cp = hlist_entry_safe(rcu_dereference(hlist_first_rcu(&hn->conn_in_tab[b])),
					      struct halb_conn, in_node);
			if (!cp) {
				rcu_read_unlock();
				break;
			}
			spin_lock_bh(&cp->lock);
			dead = cp->flags & HALB_CONN_F_DEAD;
			cp->flags |= HALB_CONN_F_DEAD;
			spin_unlock_bh(&cp->lock);
			/* waits for a running expiry, which then unhashes */
			timer_shutdown_sync(&cp->timer);
			if (!dead) {
				conn_unhash(cp);
				conn_release(cp);
			}
			rcu_read_unlock();
			cond_resched();
		}
	}
}
