// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted round robin: the IPVS sequence (algo/wrr.c) over a snapshot of
 * the weights.  The walk position is shared by all CPUs and moves on every
 * new connection, so it sits under a per-service spinlock, taken only when a
 * new connection is scheduled, never for packets of existing connections.
 */
#include <linux/bitmap.h>
#include <linux/spinlock.h>
#include "sched.h"
#include "dest.h"
#include "algo/wrr.h"

struct wrr_priv {
	spinlock_t lock;
	struct halb_wrr w;
	u32 *weights;
	unsigned long *overloaded;
	bool thresholds;	/* some server has an upper threshold */
};

static struct halb_sched_state *wrr_build(struct halb_service *svc,
					  struct halb_sched_state *old)
{
	struct halb_sched_state *st;
	struct wrr_priv *p;
	unsigned int i;

	st = halb_sched_state_alloc(svc, &halb_sched_wrr, sizeof(*p));
	if (!st)
		return NULL;
	p = halb_sched_priv(st);
	p->weights = kcalloc(st->n ? st->n : 1, sizeof(u32), GFP_KERNEL_ACCOUNT);
	p->overloaded = bitmap_zalloc(st->n ? st->n : 1, GFP_KERNEL_ACCOUNT);
	if (!p->weights || !p->overloaded) {
		kfree(p->weights);
		bitmap_free(p->overloaded);
		kfree(st);
		return NULL;
	}
	spin_lock_init(&p->lock);
	for (i = 0; i < st->n; i++) {
		p->weights[i] = st->d[i]->weight;
		if (st->d[i]->u_thresh)
			p->thresholds = true;
	}
	if (old && old->ops == &halb_sched_wrr) {
		struct wrr_priv *o = halb_sched_priv(old);

		spin_lock_bh(&o->lock);
		p->w.cw = o->w.cw;
		spin_unlock_bh(&o->lock);
	}
	halb_wrr_reset(&p->w, p->weights, st->n);
	return st;
}

static struct halb_dest *wrr_schedule(struct halb_sched_state *st,
				      const struct halb_flow *flow)
{
	struct wrr_priv *p = halb_sched_priv(st);
	unsigned int i;
	int idx;

	spin_lock_bh(&p->lock);
	/* Thresholds are rare; only then is each server's load looked at. */
	if (p->thresholds)
		for (i = 0; i < st->n; i++)
			__assign_bit(i, p->overloaded,
				     halb_dest_overloaded(st->d[i]));
	idx = halb_wrr_next(&p->w, p->weights, st->n,
			    p->thresholds ? p->overloaded : NULL);
	spin_unlock_bh(&p->lock);
	return idx < 0 ? NULL : st->d[idx];
}

static void wrr_free(struct halb_sched_state *st)
{
	struct wrr_priv *p = halb_sched_priv(st);

	kfree(p->weights);
	bitmap_free(p->overloaded);
}

const struct halb_sched_ops halb_sched_wrr = {
	.name = "wrr",
	.build = wrr_build,
	.schedule = wrr_schedule,
	.release = wrr_free,
};
