// SPDX-License-Identifier: GPL-2.0
/*
 * Real servers of a service.
 */
#include <linux/slab.h>
#include "netns.h"
#include "service.h"
#include "dest.h"

/*
 * Real servers have a cache of their own, so that one that outlives its
 * last reference by mistake shows in /sys/kernel/slab/halb_dest.
 */
static struct kmem_cache *dest_cache;

int halb_dest_cache_init(void)
{
	dest_cache = kmem_cache_create("halb_dest", sizeof(struct halb_dest), 0,
				       SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL);
	return dest_cache ? 0 : -ENOMEM;
}

/* After the last dest_free_rcu() ran (rcu_barrier()). */
void halb_dest_cache_exit(void)
{
	kmem_cache_destroy(dest_cache);
}

/**
 * halb_dest_find - real server of @svc with this address and port
 * @svc: the service (control path)
 * @addr: address
 * @port: port
 *
 * Return: the real server or NULL.
 */
struct halb_dest *halb_dest_find(struct halb_service *svc,
				 const union nf_inet_addr *addr, __be16 port)
{
	struct halb_dest *d;

	list_for_each_entry(d, &svc->dests, list)
		if (d->port == port && nf_inet_addr_cmp(&d->addr, addr))
			return d;
	return NULL;
}

static void apply_cfg(struct halb_dest *d, const struct halb_dest_cfg *cfg)
{
	WRITE_ONCE(d->fwd, cfg->fwd);
	WRITE_ONCE(d->weight, cfg->weight);
	WRITE_ONCE(d->u_thresh, cfg->u_thresh);
	WRITE_ONCE(d->l_thresh, cfg->l_thresh);
	WRITE_ONCE(d->overloaded, cfg->u_thresh && halb_dest_conns(d) >= cfg->u_thresh);
}

/**
 * halb_dest_add - add a real server to a service
 * @svc: the service
 * @cfg: its settings; address and port not yet present
 *
 * Return: 0 or -ENOMEM, in which case nothing changed.
 */
int halb_dest_add(struct halb_service *svc, const struct halb_dest_cfg *cfg)
{
	struct halb_dest *d;

	d = kmem_cache_zalloc(dest_cache, GFP_KERNEL_ACCOUNT);
	if (!d)
		return -ENOMEM;
	if (halb_stats_init(&d->stats)) {
		kmem_cache_free(dest_cache, d);
		return -ENOMEM;
	}
	if (dst_cache_init(&d->dst_cache, GFP_KERNEL_ACCOUNT)) {
		halb_stats_free(&d->stats);
		kmem_cache_free(dest_cache, d);
		return -ENOMEM;
	}
	d->addr = cfg->addr;
	d->port = cfg->port;
	d->af = svc->key.af;
	apply_cfg(d, cfg);
	refcount_set(&d->refcnt, 1);
	halb_svc_hold(svc);
	d->svc = svc;

	/* IPVS puts new real servers first; schedulers see the same order. */
	list_add_rcu(&d->list, &svc->dests);
	svc->num_dests++;
	if (halb_svc_resched(svc)) {
		list_del_rcu(&d->list);
		svc->num_dests--;
		/* no reader can hold it: the scheduler never saw it */
		halb_dest_put(d);
		return -ENOMEM;
	}
	svc->hn->gen++;
	return 0;
}

/**
 * halb_dest_edit - change a real server's settings
 * @svc: its service
 * @d: the real server
 * @cfg: new settings (address and port unchanged)
 *
 * Connections already made keep their real server and forwarding method.
 * If the scheduler cannot rebuild its view (no memory) it keeps the old
 * weights until the next change; the settings themselves always apply.
 */
void halb_dest_edit(struct halb_service *svc, struct halb_dest *d,
		    const struct halb_dest_cfg *cfg)
{
	apply_cfg(d, cfg);
	halb_svc_resched(svc);
	svc->hn->gen++;
}

/**
 * halb_dest_unlink - remove a real server from its service
 * @d: the real server
 *
 * It stays in memory until the last connection to it expires.
 */
void halb_dest_unlink(struct halb_dest *d)
{
	struct halb_service *svc = d->svc;

	list_del_rcu(&d->list);
	svc->num_dests--;
	WRITE_ONCE(d->removed, true);
	/*
	 * The scheduler's view must stop naming @d before @d can be freed:
	 * if no new view can be built, schedule nothing until the next change
	 * rather than keep a stale one.
	 */
	if (!svc->removed && halb_svc_resched(svc))
		halb_svc_sched_clear(svc);
	svc->hn->gen++;
	halb_dest_put(d);
}

static void dest_free_rcu(struct rcu_head *head)
{
	struct halb_dest *d = container_of(head, struct halb_dest, rcu);

	dst_cache_destroy(&d->dst_cache);
	halb_stats_free(&d->stats);
	halb_svc_put(d->svc);
	kmem_cache_free(dest_cache, d);
}

/**
 * halb_dest_put - drop a reference
 * @d: the real server
 */
void halb_dest_put(struct halb_dest *d)
{
	if (refcount_dec_and_test(&d->refcnt))
		call_rcu(&d->rcu, dest_free_rcu);
}
