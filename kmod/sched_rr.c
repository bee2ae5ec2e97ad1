// SPDX-License-Identifier: GPL-2.0
/*
 * Round robin, as IPVS's rr: real servers in list order, skipping those
 * with weight 0 or over their upper threshold.  Lock-free: the position is
 * an atomic counter, so concurrent new connections each take the next slot.
 */
#include <linux/atomic.h>
#include "sched.h"
#include "dest.h"

struct rr_priv {
	atomic_t pos;
};

static struct halb_sched_state *rr_build(struct halb_service *svc,
					 struct halb_sched_state *old)
{
	struct halb_sched_state *st;
	struct rr_priv *p;

	st = halb_sched_state_alloc(svc, &halb_sched_rr, sizeof(*p));
	if (!st)
		return NULL;
	p = halb_sched_priv(st);
	/* IPVS restarts from the list head when the list changes. */
	atomic_set(&p->pos, 0);
	return st;
}

static struct halb_dest *rr_schedule(struct halb_sched_state *st,
				     const struct halb_flow *flow)
{
	struct rr_priv *p = halb_sched_priv(st);
	unsigned int i, n = st->n;

	if (!n)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned int idx = (unsigned int)atomic_inc_return(&p->pos) - 1;
		struct halb_dest *d = st->d[idx % n];

		if (READ_ONCE(d->weight) && !halb_dest_overloaded(d))
			return d;
	}
	return NULL;
}

const struct halb_sched_ops halb_sched_rr = {
	.name = "rr",
	.build = rr_build,
	.schedule = rr_schedule,
};
