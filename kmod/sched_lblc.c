// SPDX-License-Identifier: GPL-2.0
/*
 * Locality-based least-connection schedulers, as IPVS:
 *   lblc   each destination address is sent to the server it was sent to
 *          before, kept in a per-service cache; a new address, or one
 *          whose server is removed, has weight 0, or is "overloaded", goes
 *          to the weighted least-connection server (wlc) and the cache
 *          is updated;
 *   lblcr  the cache holds a set of servers per address: the least loaded
 *          of the set (wlc order) is used; if it is overloaded the wlc
 *          server of the whole pool joins the set; when the set has not
 *          changed for lblcr_expiration it loses its most loaded member.
 * "Overloaded" is IPVS's heuristic: more active connections than its
 * weight while some server of the service has fewer than half its weight.
 * (The sets' own choice also skips servers over their upper threshold;
 * lblc's cached server is kept regardless of it, both as IPVS.)
 *
 * Cost independent of the pool size: the wlc choice comes from the
 * tournament tree of sched_lc.c, and the number of servers with
 * activeconns * 2 < weight is kept up to date by conns_changed(), so
 * neither needs IPVS's scans.  A cache lookup is one bucket walk under RCU;
 * an insert takes the table's spinlock.  An lblcr set is walked whole, as
 * IPVS does: it holds only the servers this address overflowed to.
 *
 * The cache outlives state rebuilds (new servers, weights, flags): build()
 * takes it over from the state it replaces, so entries persist as in IPVS
 * until they expire.  Entries hold a reference on their servers.  A timer
 * per cache (off the packet path) expires entries as IPVS: every minute,
 * entries unused for 6 minutes while the cache holds more than 16384, and
 * every 30 minutes entries unused for lblc(r)_expiration (default a day).
 * When the scheduler is switched or the service deleted, retire() stops the
 * timer and empties the cache in process context; the memory goes after the
 * grace period.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/jiffies.h>
#include <linux/timer.h>
#include <net/ipv6.h>
#include "compat.h"
#include "sched.h"
#include "service.h"
#include "dest.h"
#include "algo/lc.h"
#include "algo/shdh.h"

static unsigned int lblc_expiration = 24 * 60 * 60;
module_param(lblc_expiration, uint, 0644);
MODULE_PARM_DESC(lblc_expiration, "lblc: seconds an unused cache entry is kept (IPVS lblc_expiration)");

static unsigned int lblcr_expiration = 24 * 60 * 60;
module_param(lblcr_expiration, uint, 0644);
MODULE_PARM_DESC(lblcr_expiration, "lblcr: seconds an unused entry is kept, and a set unchanged before it shrinks");

#define LBLC_TAB_BITS		10
#define LBLC_TAB_SIZE		(1U << LBLC_TAB_BITS)
#define LBLC_MAX_SIZE		(LBLC_TAB_SIZE * 16)
#define CHECK_EXPIRE_INTERVAL	(60 * HZ)
#define ENTRY_TIMEOUT		(6 * 60 * HZ)
#define COUNT_FOR_FULL_EXPIRATION 30

/* A member of an lblcr set. */
struct lblc_elem {
	struct list_head list;		/* RCU */
	struct halb_dest *dest;		/* reference held */
	struct rcu_head rcu;
};

struct lblc_entry {
	struct hlist_node node;		/* in a bucket, RCU */
	union nf_inet_addr addr;
	unsigned long lastuse;
	struct halb_dest *dest;		/* lblc: reference held */
	struct list_head set;		/* lblcr: struct lblc_elem, RCU */
	unsigned long lastmod;		/* lblcr: set last changed */
	unsigned int size;		/* lblcr: members */
	bool unhashed;			/* under the lock: gone */
	struct rcu_head rcu;
};

struct lblc_table {
	spinlock_t lock;		/* changes; lookups are RCU */
	struct timer_list timer;
	atomic_t entries;
	unsigned int rover;
	unsigned int counter;
	bool dead;			/* emptied: no more inserts */
	bool replicated;		/* lblcr */
	u16 af;
	struct hlist_head bucket[LBLC_TAB_SIZE];
};

struct lblc_priv {
	struct halb_lc_core core;	/* wlc over the service's servers */
	struct lblc_table *tbl;
	bool moved;			/* a newer state took @tbl */
};

static unsigned long expiration(const struct lblc_table *tbl)
{
	return (unsigned long)(tbl->replicated ? READ_ONCE(lblcr_expiration) :
			       READ_ONCE(lblc_expiration)) * HZ;
}

static u32 lblc_hash(const union nf_inet_addr *a, u16 af)
{
	u32 w = af == AF_INET ? a->ip : a->ip6[0] ^ a->ip6[1] ^ a->ip6[2] ^ a->ip6[3];

	/* IPVS's bucket: hash_32 of the host-order fold */
	return halb_hash_32(ntohl(w), LBLC_TAB_BITS);
}

static bool addr_eq(const union nf_inet_addr *a, const union nf_inet_addr *b, u16 af)
{
	return af == AF_INET ? a->ip == b->ip : ipv6_addr_equal(&a->in6, &b->in6);
}

static struct lblc_entry *lblc_get(struct lblc_table *tbl, const union nf_inet_addr *a)
{
	struct lblc_entry *en;

	hlist_for_each_entry_rcu(en, &tbl->bucket[lblc_hash(a, tbl->af)], node,
				 lockdep_is_held(&tbl->lock))
		if (addr_eq(&en->addr, a, tbl->af))
			return en;
	return NULL;
}

/* Drop one set member; lock held. */
static void elem_del(struct lblc_entry *en, struct lblc_elem *e)
{
	list_del_rcu(&e->list);
	en->size--;
	WRITE_ONCE(en->lastmod, jiffies);
	/* readers still on @e finish before @e->dest can be freed */
	halb_dest_put(e->dest);
	kfree_rcu(e, rcu);
}

/* Unhash and free an entry; lock held. */
static void entry_del(struct lblc_table *tbl, struct lblc_entry *en)
{
	struct lblc_elem *e, *tmp;

	hlist_del_rcu(&en->node);
	en->unhashed = true;
	atomic_dec(&tbl->entries);
	if (en->dest)
		halb_dest_put(en->dest);
	list_for_each_entry_safe(e, tmp, &en->set, list)
		elem_del(en, e);
	kfree_rcu(en, rcu);
}

static struct lblc_entry *entry_new(struct lblc_table *tbl, const union nf_inet_addr *a)
{
	struct lblc_entry *en = kzalloc(sizeof(*en), GFP_ATOMIC);

	if (!en)
		return NULL;
	if (tbl->af == AF_INET)
		en->addr.ip = a->ip;
	else
		en->addr = *a;
	en->lastuse = jiffies;
	en->lastmod = jiffies;
	INIT_LIST_HEAD(&en->set);
	return en;
}

static void entry_hash(struct lblc_table *tbl, struct lblc_entry *en)
{
	hlist_add_head_rcu(&en->node, &tbl->bucket[lblc_hash(&en->addr, tbl->af)]);
	atomic_inc(&tbl->entries);
}

/* lblc: map @a to @d, replacing another server; lock held. */
static void lblc_set(struct lblc_table *tbl, const union nf_inet_addr *a,
		     struct halb_dest *d)
{
	struct lblc_entry *en = lblc_get(tbl, a);

	if (en) {
		if (en->dest == d)
			return;
		entry_del(tbl, en);
	}
	en = entry_new(tbl, a);
	if (!en)
		return;
	if (!halb_dest_hold(d)) {
		kfree(en);
		return;
	}
	en->dest = d;
	entry_hash(tbl, en);
}

/* lblcr: add @d to @en's set unless there; lock held. */
static void set_insert(struct lblc_entry *en, struct halb_dest *d)
{
	struct lblc_elem *e;

	list_for_each_entry(e, &en->set, list)
		if (e->dest == d)
			return;
	e = kmalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		return;
	if (!halb_dest_hold(d)) {
		kfree(e);
		return;
	}
	e->dest = d;
	list_add_rcu(&e->list, &en->set);
	en->size++;
	WRITE_ONCE(en->lastmod, jiffies);
}

/* lblcr: the set's least loaded usable member, IPVS's order.  RCU. */
static struct halb_dest *set_min(struct lblc_entry *en)
{
	struct halb_dest *least = NULL;
	struct lblc_elem *e;
	u64 loh = 0;

	list_for_each_entry_rcu(e, &en->set, list) {
		struct halb_dest *d = e->dest;
		u64 doh;

		if (halb_dest_overloaded(d) || READ_ONCE(d->removed))
			continue;
		if (!least) {
			if (READ_ONCE(d->weight)) {
				least = d;
				loh = halb_dest_conn_overhead(d);
			}
			continue;
		}
		doh = halb_dest_conn_overhead(d);
		if (loh * READ_ONCE(d->weight) > doh * READ_ONCE(least->weight)) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

/* lblcr: the set's most loaded member of weight > 0; lock held. */
static struct lblc_elem *set_max(struct lblc_entry *en)
{
	struct lblc_elem *e, *most = NULL;
	u64 moh = 0;

	list_for_each_entry(e, &en->set, list) {
		u32 w = READ_ONCE(e->dest->weight);
		u64 doh = halb_dest_conn_overhead(e->dest);

		if (!w)
			continue;
		if (!most || moh * w < doh * READ_ONCE(most->dest->weight)) {
			most = e;
			moh = doh;
		}
	}
	return most;
}

/* IPVS's is_overloaded(): busier than its weight while another is light. */
static bool heavy(struct lblc_priv *p, const struct halb_dest *d)
{
	return (u32)atomic_read(&d->activeconns) > READ_ONCE(d->weight) &&
	       READ_ONCE(p->core.n_light);
}

static struct halb_dest *lblc_schedule(struct halb_sched_state *st,
				       const struct halb_flow *flow)
{
	struct lblc_priv *p = halb_sched_priv(st);
	struct lblc_table *tbl = p->tbl;
	struct lblc_entry *en;
	struct halb_dest *d;

	en = lblc_get(tbl, &flow->daddr);
	if (en) {
		WRITE_ONCE(en->lastuse, jiffies);
		d = en->dest;
		if (!READ_ONCE(d->removed) && READ_ONCE(d->weight) && !heavy(p, d))
			return d;
	}
	d = halb_lc_core_pick(&p->core, st);
	if (!d)
		return NULL;
	/* if the cache cannot take it, the choice still stands */
	spin_lock_bh(&tbl->lock);
	if (!tbl->dead)
		lblc_set(tbl, &flow->daddr, d);
	spin_unlock_bh(&tbl->lock);
	return d;
}

static struct halb_dest *lblcr_schedule(struct halb_sched_state *st,
					const struct halb_flow *flow)
{
	struct lblc_priv *p = halb_sched_priv(st);
	struct lblc_table *tbl = p->tbl;
	struct lblc_entry *en;
	struct halb_dest *d;

	en = lblc_get(tbl, &flow->daddr);
	if (en) {
		WRITE_ONCE(en->lastuse, jiffies);
		d = set_min(en);
		/* a set unchanged for a while loses its busiest member */
		if (READ_ONCE(en->size) > 1 &&
		    time_after(jiffies, READ_ONCE(en->lastmod) + expiration(tbl))) {
			spin_lock_bh(&tbl->lock);
			if (!en->unhashed && en->size > 1) {
				struct lblc_elem *m = set_max(en);

				if (m)
					elem_del(en, m);
			}
			spin_unlock_bh(&tbl->lock);
		}
		if (d && !heavy(p, d))
			return d;
	}
	d = halb_lc_core_pick(&p->core, st);
	if (!d)
		return NULL;
	spin_lock_bh(&tbl->lock);
	if (!tbl->dead) {
		if (!en || en->unhashed)
			en = lblc_get(tbl, &flow->daddr);
		if (!en) {
			en = entry_new(tbl, &flow->daddr);
			if (en)
				entry_hash(tbl, en);
		}
		if (en)
			set_insert(en, d);
	}
	spin_unlock_bh(&tbl->lock);
	return d;
}

/* Expire entries of buckets after the rover; returns with rover moved. */
static void expire(struct lblc_table *tbl, unsigned long age, int goal)
{
	unsigned long now = jiffies;
	struct lblc_entry *en;
	struct hlist_node *next;
	unsigned int i, j = tbl->rover;

	for (i = 0; i < LBLC_TAB_SIZE; i++) {
		j = (j + 1) & (LBLC_TAB_SIZE - 1);
		spin_lock(&tbl->lock);
		hlist_for_each_entry_safe(en, next, &tbl->bucket[j], node) {
			if (time_before(now, READ_ONCE(en->lastuse) + age))
				continue;
			entry_del(tbl, en);
			goal--;
		}
		spin_unlock(&tbl->lock);
		if (goal <= 0)
			break;
	}
	tbl->rover = j;
}

/* Timer, once a minute: IPVS's garbage collection of the cache. */
static void lblc_gc(struct timer_list *t)
{
	struct lblc_table *tbl = from_timer(tbl, t, timer);
	int entries = atomic_read(&tbl->entries), goal;

	if (tbl->counter % COUNT_FOR_FULL_EXPIRATION == 0) {
		expire(tbl, expiration(tbl), INT_MAX);
		tbl->counter = 1;
	} else if (entries <= LBLC_MAX_SIZE) {
		tbl->counter++;
	} else {
		goal = min((entries - LBLC_MAX_SIZE) * 4 / 3, LBLC_MAX_SIZE / 2);
		expire(tbl, ENTRY_TIMEOUT, goal);
	}
	mod_timer(&tbl->timer, jiffies + CHECK_EXPIRE_INTERVAL);
}

static struct halb_sched_state *lblc_build_ops(struct halb_service *svc,
					       struct halb_sched_state *old,
					       const struct halb_sched_ops *ops)
{
	struct halb_sched_state *st;
	struct lblc_table *tbl;
	struct lblc_priv *p;
	unsigned int i;

	st = halb_sched_state_alloc(svc, ops, sizeof(*p));
	if (!st)
		return NULL;
	p = halb_sched_priv(st);
	if (halb_lc_core_init(&p->core, st, HALB_LC_WLC)) {
		kfree(st);
		return NULL;
	}
	if (old && old->ops == ops) {
		struct lblc_priv *op = halb_sched_priv(old);

		/* the cache carries over; @old's retire() leaves it alone */
		p->tbl = op->tbl;
		op->moved = true;
		return st;
	}
	tbl = kvzalloc(sizeof(*tbl), GFP_KERNEL_ACCOUNT);
	if (!tbl) {
		halb_lc_core_free(&p->core);
		kfree(st);
		return NULL;
	}
	spin_lock_init(&tbl->lock);
	for (i = 0; i < LBLC_TAB_SIZE; i++)
		INIT_HLIST_HEAD(&tbl->bucket[i]);
	tbl->counter = 1;
	tbl->replicated = ops == &halb_sched_lblcr;
	tbl->af = svc->key.af;
	timer_setup(&tbl->timer, lblc_gc, 0);
	mod_timer(&tbl->timer, jiffies + CHECK_EXPIRE_INTERVAL);
	p->tbl = tbl;
	return st;
}

static struct halb_sched_state *lblc_build(struct halb_service *svc,
					   struct halb_sched_state *old)
{
	return lblc_build_ops(svc, old, &halb_sched_lblc);
}

static struct halb_sched_state *lblcr_build(struct halb_service *svc,
					    struct halb_sched_state *old)
{
	return lblc_build_ops(svc, old, &halb_sched_lblcr);
}

/* Control path: the cache is no longer wanted unless a newer state has it. */
static void lblc_retire(struct halb_sched_state *st)
{
	struct lblc_priv *p = halb_sched_priv(st);
	struct lblc_table *tbl = p->tbl;
	struct hlist_node *next;
	struct lblc_entry *en;
	unsigned int i;

	if (p->moved)
		return;
	timer_shutdown_sync(&tbl->timer);
	spin_lock_bh(&tbl->lock);
	tbl->dead = true;
	for (i = 0; i < LBLC_TAB_SIZE; i++)
		hlist_for_each_entry_safe(en, next, &tbl->bucket[i], node)
			entry_del(tbl, en);
	spin_unlock_bh(&tbl->lock);
}

/* After the grace period: no reader can see the state or its cache. */
static void lblc_release(struct halb_sched_state *st)
{
	struct lblc_priv *p = halb_sched_priv(st);

	halb_lc_core_free(&p->core);
	if (!p->moved)
		kvfree(p->tbl);
}

static void lblc_conns_changed(struct halb_sched_state *st, struct halb_dest *d)
{
	struct lblc_priv *p = halb_sched_priv(st);

	halb_lc_core_changed(&p->core, st, d);
}

const struct halb_sched_ops halb_sched_lblc = {
	.name = "lblc",
	.build = lblc_build,
	.schedule = lblc_schedule,
	.release = lblc_release,
	.conns_changed = lblc_conns_changed,
	.retire = lblc_retire,
};

const struct halb_sched_ops halb_sched_lblcr = {
	.name = "lblcr",
	.build = lblcr_build,
	.schedule = lblcr_schedule,
	.release = lblc_release,
	.conns_changed = lblc_conns_changed,
	.retire = lblc_retire,
};
