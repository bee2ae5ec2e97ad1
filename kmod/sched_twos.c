// SPDX-License-Identifier: GPL-2.0
/*
 * Power of two choices (twos), as IPVS: draw two servers at random, each
 * with probability in proportion to its weight (servers with weight 0 or
 * overloaded excluded), and take the less loaded of the two
 * (activeconns * 256 + inactconns per unit of weight; the first drawn on a
 * tie).
 *
 * IPVS walks the list twice per new connection.  Here the weights sit in a
 * Fenwick tree (algo/twos.c) and each draw is a binary search, O(log n).
 * A server's entry drops to 0 while it is overloaded: conns_changed()
 * updates it under a per-state spinlock, only when some server has an
 * upper threshold.  The draw maps every random value to the same server
 * as IPVS's walk (algo/twos.h), so the distribution is IPVS's; the random
 * numbers themselves differ, so single choices do.
 */
#include <linux/slab.h>
#include <linux/random.h>
#include "sched.h"
#include "dest.h"
#include "algo/twos.h"

struct twos_priv {
	spinlock_t lock;
	struct halb_twos *f;
	u32 *eff;		/* each server's weight in the tree */
	struct halb_sched_index ix;
	bool thresholds;	/* some server has an upper threshold */
};

static u32 eff_weight(const struct halb_dest *d)
{
	return halb_dest_overloaded(d) ? 0 : READ_ONCE(d->weight);
}

static struct halb_sched_state *twos_build(struct halb_service *svc,
					   struct halb_sched_state *old)
{
	struct halb_sched_state *st;
	struct twos_priv *p;
	unsigned int i;

	st = halb_sched_state_alloc(svc, &halb_sched_twos, sizeof(*p));
	if (!st)
		return NULL;
	p = halb_sched_priv(st);
	spin_lock_init(&p->lock);
	p->f = kvmalloc(halb_twos_bytes(st->n), GFP_KERNEL_ACCOUNT);
	p->eff = kvcalloc(max(st->n, 1U), sizeof(*p->eff), GFP_KERNEL_ACCOUNT);
	if (!p->f || !p->eff || halb_sched_index_init(&p->ix, st)) {
		kvfree(p->f);
		kvfree(p->eff);
		kfree(st);
		return NULL;
	}
	halb_twos_init(p->f, st->n);
	spin_lock_bh(&p->lock);
	for (i = 0; i < st->n; i++) {
		if (st->d[i]->u_thresh)
			p->thresholds = true;
		p->eff[i] = eff_weight(st->d[i]);
		halb_twos_set(p->f, i, 0, p->eff[i]);
	}
	spin_unlock_bh(&p->lock);
	return st;
}

static void twos_release(struct halb_sched_state *st)
{
	struct twos_priv *p = halb_sched_priv(st);

	kvfree(p->f);
	kvfree(p->eff);
	halb_sched_index_free(&p->ix);
}

static void twos_conns_changed(struct halb_sched_state *st, struct halb_dest *d)
{
	struct twos_priv *p = halb_sched_priv(st);
	int i;

	if (!p->thresholds)
		return;
	i = halb_sched_index_of(&p->ix, st, d);
	if (i < 0)
		return;
	spin_lock_bh(&p->lock);
	halb_twos_set(p->f, i, p->eff[i], eff_weight(d));
	p->eff[i] = eff_weight(d);
	spin_unlock_bh(&p->lock);
}

/* A server drawn in proportion to weight: IPVS's r in 0..total. */
static struct halb_dest *draw(struct halb_sched_state *st, struct twos_priv *p,
			      u64 total)
{
	u64 r = total < U32_MAX ? get_random_u32_below((u32)total + 1) :
		get_random_u64() % (total + 1);
	u32 i = halb_twos_find(p->f, max_t(u64, r, 1));

	return i < st->n ? st->d[i] : NULL;
}

static struct halb_dest *twos_schedule(struct halb_sched_state *st,
				       const struct halb_flow *flow)
{
	struct twos_priv *p = halb_sched_priv(st);
	u64 total = halb_twos_total(p->f);
	struct halb_dest *d1, *d2;

	if (!total)
		return NULL;
	d1 = draw(st, p, total);
	d2 = draw(st, p, total);
	/* a draw racing an update may land on a server just excluded */
	if (d1 && !halb_dest_usable(d1))
		d1 = NULL;
	if (d2 && !halb_dest_usable(d2))
		d2 = NULL;
	if (!d1 || !d2)
		return d1 ? d1 : d2;
	if (halb_twos_second(halb_dest_conn_overhead(d1), READ_ONCE(d1->weight),
			     halb_dest_conn_overhead(d2), READ_ONCE(d2->weight)))
		return d2;
	return d1;
}

const struct halb_sched_ops halb_sched_twos = {
	.name = "twos",
	.build = twos_build,
	.schedule = twos_schedule,
	.release = twos_release,
	.conns_changed = twos_conns_changed,
};
