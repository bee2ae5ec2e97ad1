// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual service table of a namespace.  Changes run on the control path
 * (serialised by the genetlink mutex); lookups from the packet path walk an
 * RCU hash list.
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/inetdevice.h>
#include "netns.h"
#include "service.h"
#include "dest.h"
#include "sched.h"
#include "laddr.h"

/* A cache of their own, as real servers (dest.c): leaks show in slabinfo. */
static struct kmem_cache *svc_cache;

int halb_svc_cache_init(void)
{
	svc_cache = kmem_cache_create("halb_service", sizeof(struct halb_service), 0,
				      SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL);
	return svc_cache ? 0 : -ENOMEM;
}

/* After the last svc_free_rcu() ran (rcu_barrier()). */
void halb_svc_cache_exit(void)
{
	kmem_cache_destroy(svc_cache);
}

static u32 svc_hash(const struct halb_svc_key *k)
{
	return jhash2((const u32 *)&k->addr, 4,
		      ((u32)k->port << 16) ^ ((u32)k->protocol << 8) ^ k->af ^
		      k->fwmark) &
	       ((1 << HALB_SVC_TAB_BITS) - 1);
}

static bool key_equal(const struct halb_svc_key *a, const struct halb_svc_key *b)
{
	return a->af == b->af && a->protocol == b->protocol &&
	       a->port == b->port && a->fwmark == b->fwmark &&
	       nf_inet_addr_cmp(&a->addr, &b->addr);
}

/* The persistence netmask as an address mask, for the packet path. */
static void set_pmask(struct halb_service *svc)
{
	unsigned int bits = svc->netmask, i;

	memset(&svc->pmask, 0, sizeof(svc->pmask));
	if (svc->key.af == AF_INET) {
		svc->pmask.ip = bits ? inet_make_mask(min(bits, 32U)) : 0;
		return;
	}
	for (i = 0; i < 4; i++, bits -= min(bits, 32U))
		svc->pmask.ip6[i] = bits >= 32 ? htonl(~0U) :
				    bits ? htonl(~0U << (32 - bits)) : 0;
}

/**
 * halb_svc_set_cfg - apply settings other than key and scheduler
 * @svc: the service (control path)
 * @cfg: validated settings
 *
 * The caller rebuilds the scheduler's view if a setting it reads changed.
 */
void halb_svc_set_cfg(struct halb_service *svc, const struct halb_svc_cfg *cfg)
{
	WRITE_ONCE(svc->flags, cfg->flags);
	WRITE_ONCE(svc->timeout, cfg->timeout);
	svc->netmask = cfg->netmask;
	set_pmask(svc);
	WRITE_ONCE(svc->nodest, cfg->nodest);
	svc->mh_size = cfg->mh_size;
	WRITE_ONCE(svc->client_addr, cfg->client_addr);
}

/**
 * halb_svc_lookup - find a service by key
 * @hn: the namespace
 * @key: protocol, address, port (unused address bytes zero)
 *
 * Call under rcu_read_lock() or on the control path.
 *
 * Return: the service or NULL; no reference is taken.
 */
struct halb_service *halb_svc_lookup(struct halb_net *hn,
				     const struct halb_svc_key *key)
{
	struct halb_service *svc;

	hlist_for_each_entry_rcu(svc, &hn->svc_tab[svc_hash(key)], hnode,
				 halb_ctl_held())
		if (key_equal(&svc->key, key))
			return svc;
	return NULL;
}

/**
 * halb_svc_resched - rebuild the scheduler's view after a change
 * @svc: the service
 *
 * Return: 0, or -ENOMEM with the previous view still in place.
 */
int halb_svc_resched(struct halb_service *svc)
{
	struct halb_sched_state *old, *st;

	old = rcu_dereference_protected(svc->sched_state, halb_ctl_held());
	st = svc->sched->build(svc, old);
	if (!st)
		return -ENOMEM;
	rcu_assign_pointer(svc->sched_state, st);
	halb_sched_state_free(old);
	return 0;
}

/**
 * halb_svc_sched_clear - schedule nothing until the view is rebuilt
 * @svc: the service (control path)
 */
void halb_svc_sched_clear(struct halb_service *svc)
{
	struct halb_sched_state *st;

	st = rcu_dereference_protected(svc->sched_state, halb_ctl_held());
	RCU_INIT_POINTER(svc->sched_state, NULL);
	halb_sched_state_free(st);
}

/**
 * halb_svc_create - add a service to the namespace
 * @hn: the namespace
 * @key: its key, not yet present
 * @sched: its scheduler
 * @cfg: its settings
 *
 * Return: the service or ERR_PTR(-ENOMEM); nothing changed on error.
 */
struct halb_service *halb_svc_create(struct halb_net *hn,
				     const struct halb_svc_key *key,
				     const struct halb_sched_ops *sched,
				     const struct halb_svc_cfg *cfg)
{
	struct halb_service *svc;

	svc = kmem_cache_zalloc(svc_cache, GFP_KERNEL_ACCOUNT);
	if (!svc)
		return ERR_PTR(-ENOMEM);
	if (halb_stats_init(&svc->stats))
		goto err_free;
	svc->key = *key;
	svc->hn = hn;
	halb_svc_set_cfg(svc, cfg);
	svc->sched = sched;
	INIT_LIST_HEAD(&svc->dests);
	refcount_set(&svc->refcnt, 1);
	if (halb_svc_resched(svc))
		goto err_stats;

	hlist_add_head_rcu(&svc->hnode, &hn->svc_tab[svc_hash(key)]);
	list_add_tail(&svc->list, &hn->svc_list);
	hn->num_services++;
	if (key->fwmark)
		WRITE_ONCE(hn->num_fwmark, hn->num_fwmark + 1);
	hn->gen++;
	return svc;

err_stats:
	halb_stats_free(&svc->stats);
err_free:
	kmem_cache_free(svc_cache, svc);
	return ERR_PTR(-ENOMEM);
}

/**
 * halb_svc_delete - remove a service and its real servers
 * @svc: the service, linked in its namespace
 *
 * Connections to its real servers keep their references and expire on their
 * own; new packets for the service find nothing.
 */
void halb_svc_delete(struct halb_service *svc)
{
	struct halb_dest *d, *tmp;

	svc->removed = true;
	hlist_del_rcu(&svc->hnode);
	list_del(&svc->list);
	svc->hn->num_services--;
	if (svc->key.fwmark)
		WRITE_ONCE(svc->hn->num_fwmark, svc->hn->num_fwmark - 1);
	svc->hn->gen++;

	halb_svc_sched_clear(svc);
	halb_laddr_pool_install(svc, NULL);

	list_for_each_entry_safe(d, tmp, &svc->dests, list)
		halb_dest_unlink(d);
	halb_svc_put(svc);
}

/**
 * halb_svc_flush - delete every service of a namespace
 * @hn: the namespace
 */
void halb_svc_flush(struct halb_net *hn)
{
	struct halb_service *svc, *tmp;

	list_for_each_entry_safe(svc, tmp, &hn->svc_list, list)
		halb_svc_delete(svc);
}

static void svc_free_rcu(struct rcu_head *head)
{
	struct halb_service *svc = container_of(head, struct halb_service, rcu);

	halb_stats_free(&svc->stats);
	kmem_cache_free(svc_cache, svc);
}

/**
 * halb_svc_put - drop a reference
 * @svc: the service
 */
void halb_svc_put(struct halb_service *svc)
{
	if (refcount_dec_and_test(&svc->refcnt))
		call_rcu(&svc->rcu, svc_free_rcu);
}
