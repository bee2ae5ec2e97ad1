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
#include "laddr.h"

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
			 &cp->laddr, cp->lport);
}

/*
 * Is @cp the entry of flow @p from the client?  @tmpl: whether a
 * persistence template is looked for, or a connection.
 */
static bool in_matches(const struct halb_conn *cp, const struct halb_pkt *p,
		       bool tmpl)
{
	return cp->cport == p->sport && cp->vport == p->dport &&
	       cp->protocol == p->protocol && cp->af == p->af &&
	       nf_inet_addr_cmp(&cp->caddr, &p->saddr) &&
	       nf_inet_addr_cmp(&cp->vaddr, &p->daddr) &&
	       !!(cp->flags & HALB_CONN_F_TMPL) == tmpl;
}

static struct halb_conn *in_get(struct halb_net *hn, const struct halb_pkt *p,
				bool tmpl)
{
	u32 b = flow_hash(hn, p->af, p->protocol, &p->saddr, p->sport,
			  &p->daddr, p->dport);
	struct halb_conn *cp;

	hlist_for_each_entry_rcu(cp, &hn->conn_in_tab[b], in_node)
		if (in_matches(cp, p, tmpl))
			return cp;
	return NULL;
}

/**
 * halb_conn_tab_init - set up a namespace's connection table state
 * @hn: the namespace
 *
 * The size is fixed here, from conn_tab_bits; the hash tables themselves
 * come with the namespace's first service (halb_conn_tab_alloc()), so a
 * namespace that never uses halb costs it no table.  Every namespace of
 * the host gets this call while halb is loaded: containers included.
 */
void halb_conn_tab_init(struct halb_net *hn)
{
	unsigned int i;

	hn->conn_tab_bits = READ_ONCE(halb_conn_tab_bits);
	for (i = 0; i < HALB_CONN_LOCKS; i++)
		spin_lock_init(&hn->conn_locks[i]);
	hn->conn_seed = get_random_u32();
	atomic_set(&hn->conn_count, 0);
}

/**
 * halb_conn_tab_alloc - allocate the namespace's hash tables, once
 * @hn: the namespace (control path, before its hooks are registered)
 *
 * Return: 0 or -ENOMEM.
 */
int halb_conn_tab_alloc(struct halb_net *hn)
{
	unsigned int n = 1U << hn->conn_tab_bits;
	struct hlist_head *in, *out;

	if (hn->conn_in_tab)
		return 0;
	in = kvcalloc(n, sizeof(struct hlist_head), GFP_KERNEL_ACCOUNT);
	out = kvcalloc(n, sizeof(struct hlist_head), GFP_KERNEL_ACCOUNT);
	if (!in || !out) {
		kvfree(in);
		kvfree(out);
		return -ENOMEM;
	}
	hn->conn_out_tab = out;
	/* connection dumps look without the control lock */
	smp_store_release(&hn->conn_in_tab, in);
	return 0;
}

/**
 * halb_conn_tab_exit - free the tables, if any; halb_conn_flush() ran before
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
	return in_get(hn, p, false);
}

/**
 * halb_conn_tmpl_get - persistence template with key @key
 * @hn: the namespace
 * @key: the template's key, laid out as a flow (see struct halb_conn)
 *
 * Call under rcu_read_lock().
 *
 * Return: the template or NULL.
 */
struct halb_conn *halb_conn_tmpl_get(struct halb_net *hn, const struct halb_pkt *key)
{
	return in_get(hn, key, true);
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
		if (cp->dport == p->sport && cp->lport == p->dport &&
		    cp->protocol == p->protocol && cp->af == p->af &&
		    nf_inet_addr_cmp(&cp->daddr, &p->saddr) &&
		    nf_inet_addr_cmp(&cp->laddr, &p->daddr))
			return cp;
	}
	return NULL;
}

static void conn_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(conn_cache, container_of(head, struct halb_conn, rcu));
}

static void conn_put(struct halb_conn *cp)
{
	if (refcount_dec_and_test(&cp->refcnt))
		call_rcu(&cp->rcu, conn_free_rcu);
}

static void out_hash(struct halb_net *hn, struct halb_conn *cp, bool add)
{
	u32 b = out_bucket(hn, cp);
	spinlock_t *lock = bucket_lock(hn, b);

	spin_lock_bh(lock);
	if (add)
		hlist_add_head_rcu(&cp->out_node, &hn->conn_out_tab[b]);
	else
		hlist_del_rcu(&cp->out_node);
	spin_unlock_bh(lock);
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

	if (cp->flags & HALB_CONN_F_OUT_HASHED)
		out_hash(hn, cp, false);
}

/* Unhashed and marked dead: give back what it holds, free after RCU. */
static void conn_release(struct halb_conn *cp)
{
	struct halb_dest *d = cp->dest;

	if (cp->flags & HALB_CONN_F_TMPL) {
		atomic_dec(&d->persistconns);
	} else {
		if (cp->state == HALB_CS_ESTABLISHED)
			atomic_dec(&d->activeconns);
		else
			atomic_dec(&d->inactconns);
		halb_dest_conn_unbound(d);
		halb_sched_conns_changed(d);
	}
	atomic_dec(&cp->hn->conn_count);
	if (cp->lp)
		halb_laddr_unbind(cp);
	if (cp->control)
		conn_put(cp->control);
	halb_dest_put(d);
	conn_put(cp);
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
	/* a template lives on while it controls connections */
	if ((cp->flags & HALB_CONN_F_TMPL) && refcount_read(&cp->refcnt) > 1 &&
	    !time_after(exp, jiffies))
		exp = jiffies + READ_ONCE(cp->timeout);
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

/* Start the timer of a new, hashed entry, unless it already ended. */
static void arm(struct halb_conn *cp)
{
	spin_lock_bh(&cp->lock);
	if (!(cp->flags & HALB_CONN_F_DEAD))
		mod_timer(&cp->timer, cp->expires);
	spin_unlock_bh(&cp->lock);
}

/* A new entry for flow @p to @dest, not yet hashed, or NULL (limits). */
static struct halb_conn *conn_alloc(struct halb_net *hn, const struct halb_pkt *p,
				    struct halb_dest *dest)
{
	struct halb_conn *cp;

	if (atomic_inc_return(&hn->conn_count) > READ_ONCE(halb_conn_max))
		goto err_count;
	cp = kmem_cache_alloc(conn_cache, GFP_ATOMIC);
	if (!cp)
		goto err_count;
	if (!halb_dest_hold(dest)) {
		kmem_cache_free(conn_cache, cp);
		goto err_count;
	}
	cp->caddr = p->saddr;
	cp->cport = p->sport;
	cp->vaddr = p->daddr;
	cp->vport = p->dport;
	cp->daddr = dest->addr;
	/* port 0: the port the client asked for (firewall-mark services) */
	cp->dport = dest->port ?: p->dport;
	cp->af = p->af;
	cp->protocol = p->protocol;
	cp->fwd = READ_ONCE(dest->fwd);
	cp->flags = 0;
	cp->dest = dest;
	cp->control = NULL;
	cp->hn = hn;
	cp->laddr = cp->caddr;
	cp->lport = cp->cport;
	cp->caddr_mode = HALB_CLIENT_ADDR_NONE;
	cp->caddr_done = 0;
	cp->ppv2 = 0;
	cp->isn = 0;
	cp->lp = NULL;
	refcount_set(&cp->refcnt, 1);
	spin_lock_init(&cp->lock);
	timer_setup(&cp->timer, conn_timer_fn, 0);
	return cp;

err_count:
	atomic_dec(&hn->conn_count);
	atomic64_inc(&hn->conn_refused);
	return NULL;
}

/*
 * Hash @cp, built from flow @p, unless another CPU hashed the same entry
 * first: then @cp is freed and that one is returned.  The reply key is
 * hashed first, so an entry found by its client key is always complete.
 */
static struct halb_conn *conn_insert(struct halb_net *hn, struct halb_conn *cp,
				     const struct halb_pkt *p)
{
	bool tmpl = cp->flags & HALB_CONN_F_TMPL;
	struct halb_conn *old;
	spinlock_t *lock;
	u32 b;

	if ((cp->fwd == HALB_FWD_NAT || cp->fwd == HALB_FWD_FULLNAT) && !tmpl) {
		cp->flags |= HALB_CONN_F_OUT_HASHED;
		out_hash(hn, cp, true);
	}
	b = in_bucket(hn, cp);
	lock = bucket_lock(hn, b);
	spin_lock_bh(lock);
	hlist_for_each_entry(old, &hn->conn_in_tab[b], in_node) {
		if (in_matches(old, p, tmpl)) {
			spin_unlock_bh(lock);
			if (cp->flags & HALB_CONN_F_OUT_HASHED)
				out_hash(hn, cp, false);
			if (cp->lp)
				halb_laddr_unbind(cp);
			halb_dest_put(cp->dest);
			atomic_dec(&hn->conn_count);
			call_rcu(&cp->rcu, conn_free_rcu);
			return old;
		}
	}
	hlist_add_head_rcu(&cp->in_node, &hn->conn_in_tab[b]);
	spin_unlock_bh(lock);
	return cp;
}

/**
 * halb_conn_new - create and hash the connection of a scheduled packet
 * @hn: the namespace
 * @p: the first packet's flow (client -> virtual service)
 * @dest: the real server chosen; a reference is taken on success
 * @state: initial state
 * @control: persistence template that chose @dest, or NULL; a reference
 *	is taken on success
 *
 * Call under rcu_read_lock() (packet path).
 * If another CPU created the same connection first, that one is returned.
 *
 * Return: the connection, or NULL (limit reached, no memory, real server
 * going away).
 */
struct halb_conn *halb_conn_new(struct halb_net *hn, const struct halb_pkt *p,
				struct halb_dest *dest, unsigned int state,
				struct halb_conn *control)
{
	struct halb_conn *cp, *old;

	atomic_t *count = state == HALB_CS_ESTABLISHED ? &dest->activeconns :
							 &dest->inactconns;

	cp = conn_alloc(hn, p, dest);
	if (!cp)
		return NULL;
	/* FULLNAT: a local address and port, or no connection at all */
	if (cp->fwd == HALB_FWD_FULLNAT && halb_laddr_bind(cp, p)) {
		halb_dest_put(dest);
		atomic_dec(&hn->conn_count);
		kmem_cache_free(conn_cache, cp);
		return NULL;
	}
	cp->state = state;
	cp->timeout = halb_state_timeout(state);
	cp->expires = jiffies + cp->timeout;
	if (control && refcount_inc_not_zero(&control->refcnt))
		cp->control = control;
	control = cp->control;
	/* counted before it is visible, as its release uncounts it */
	atomic_inc(count);
	old = conn_insert(hn, cp, p);
	if (old != cp) {
		atomic_dec(count);
		if (control)
			conn_put(control);
		return old;
	}
	halb_dest_conn_bound(dest);
	halb_sched_conns_changed(dest);
	arm(cp);
	return cp;
}

/**
 * halb_conn_tmpl_new - create a persistence template
 * @hn: the namespace
 * @key: the template's key, laid out as a flow (see struct halb_conn)
 * @dest: the real server the client is bound to; a reference is taken
 * @timeout: jiffies the binding lasts after its last use
 *
 * Call under rcu_read_lock() (packet path).  If another CPU created the
 * same template first, that one is returned.
 *
 * Return: the template, or NULL (limit reached, no memory).
 */
struct halb_conn *halb_conn_tmpl_new(struct halb_net *hn, const struct halb_pkt *key,
				     struct halb_dest *dest, unsigned long timeout)
{
	struct halb_conn *cp, *old;

	cp = conn_alloc(hn, key, dest);
	if (!cp)
		return NULL;
	cp->dport = dest->port;
	cp->flags = HALB_CONN_F_TMPL;
	cp->state = HALB_CS_NONE;
	cp->timeout = timeout;
	cp->expires = jiffies + timeout;
	atomic_inc(&dest->persistconns);
	old = conn_insert(hn, cp, key);
	if (old != cp) {
		atomic_dec(&dest->persistconns);
		return old;
	}
	arm(cp);
	return cp;
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

static void tmpl_assure(struct halb_conn *ct)
{
	if (READ_ONCE(ct->flags) & HALB_CONN_F_ASSURED)
		return;
	spin_lock_bh(&ct->lock);
	ct->flags |= HALB_CONN_F_ASSURED;
	spin_unlock_bh(&ct->lock);
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
	bool assure = false;

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
		assure = now && cp->control;
		cp->state = state;
		cp->timeout = halb_state_timeout(state);
		WRITE_ONCE(cp->expires, jiffies + cp->timeout);
		mod_timer(&cp->timer, cp->expires);
	}
	spin_unlock_bh(&cp->lock);
	if (assure)
		tmpl_assure(cp->control);
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

	if (!hn->conn_in_tab)
		return;
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
