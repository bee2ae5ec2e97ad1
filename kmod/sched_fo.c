// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted failover (fo) and overflow (ovf), as IPVS:
 *   fo   the server of highest weight that is not overloaded;
 *   ovf  the server of highest weight that is not overloaded and has no
 *        more active connections than its weight (it "overflows" to the
 *        next weight down once it has);
 * weight 0 is never chosen, and of equal weights the first in list order.
 *
 * IPVS scans every server per new connection.  Here build() sorts the
 * servers by weight, highest first, keeping list order among equals, and a
 * pick walks that order until a server qualifies: normally the first one,
 * O(1); only servers that are skipped (overloaded, overflowing) cost more,
 * which is the nature of these two algorithms.  The choice is IPVS's.
 */
#include <linux/slab.h>
#include <linux/sort.h>
#include "sched.h"
#include "dest.h"

struct fo_priv {
	u32 *order;	/* indexes into st->d, weight > 0, highest first */
	u32 count;
};

struct fo_key {
	u32 weight;
	u32 idx;
};

static int fo_cmp(const void *a, const void *b)
{
	const struct fo_key *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static struct halb_sched_state *fo_build_ops(struct halb_service *svc,
					     const struct halb_sched_ops *ops)
{
	struct halb_sched_state *st;
	struct fo_key *k = NULL;
	struct fo_priv *p;
	unsigned int i;

	st = halb_sched_state_alloc(svc, ops, sizeof(*p));
	if (!st)
		return NULL;
	p = halb_sched_priv(st);
	p->order = kcalloc(max(st->n, 1U), sizeof(*p->order), GFP_KERNEL_ACCOUNT);
	k = kvcalloc(max(st->n, 1U), sizeof(*k), GFP_KERNEL);
	if (!p->order || !k) {
		kvfree(k);
		kfree(p->order);
		kfree(st);
		return NULL;
	}
	for (i = 0; i < st->n; i++) {
		k[i].weight = st->d[i]->weight;
		k[i].idx = i;
	}
	sort(k, st->n, sizeof(*k), fo_cmp, NULL);
	for (i = 0; i < st->n && k[i].weight; i++)
		p->order[i] = k[i].idx;
	p->count = i;
	kvfree(k);
	return st;
}

static struct halb_sched_state *fo_build(struct halb_service *svc,
					 struct halb_sched_state *old)
{
	return fo_build_ops(svc, &halb_sched_fo);
}

static struct halb_sched_state *ovf_build(struct halb_service *svc,
					  struct halb_sched_state *old)
{
	return fo_build_ops(svc, &halb_sched_ovf);
}

static void fo_release(struct halb_sched_state *st)
{
	struct fo_priv *p = halb_sched_priv(st);

	kfree(p->order);
}

static struct halb_dest *fo_schedule(struct halb_sched_state *st,
				     const struct halb_flow *flow)
{
	struct fo_priv *p = halb_sched_priv(st);
	unsigned int i;

	for (i = 0; i < p->count; i++) {
		struct halb_dest *d = st->d[p->order[i]];

		if (READ_ONCE(d->weight) && !halb_dest_overloaded(d))
			return d;
	}
	return NULL;
}

static struct halb_dest *ovf_schedule(struct halb_sched_state *st,
				      const struct halb_flow *flow)
{
	struct fo_priv *p = halb_sched_priv(st);
	unsigned int i;

	for (i = 0; i < p->count; i++) {
		struct halb_dest *d = st->d[p->order[i]];
		u32 w = READ_ONCE(d->weight);

		if (w && !halb_dest_overloaded(d) &&
		    atomic_read(&d->activeconns) <= (int)min_t(u32, w, INT_MAX))
			return d;
	}
	return NULL;
}

const struct halb_sched_ops halb_sched_fo = {
	.name = "fo",
	.build = fo_build,
	.schedule = fo_schedule,
	.release = fo_release,
};

const struct halb_sched_ops halb_sched_ovf = {
	.name = "ovf",
	.build = ovf_build,
	.schedule = ovf_schedule,
	.release = fo_release,
};
