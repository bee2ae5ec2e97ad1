// SPDX-License-Identifier: GPL-2.0
/*
 * The least-connection family, with IPVS's cost functions and tie-breaks:
 *   lc   least active*256 + inactive
 *   wlc  least (active*256 + inactive) / weight
 *   sed  least (active + 1) / weight
 *   nq   a server with no active connection at once, else as sed
 * Servers with weight 0 or over their upper threshold are never chosen;
 * among equal costs the first in list order wins.  Costs are compared by
 * cross-multiplication, as IPVS does, so no division is needed.
 *
 * This picks with one lock-free pass over the servers, as IPVS does; the
 * O(log n) tournament tree in algo/lc.c is meant to replace the pass.
 */
#include "sched.h"
#include "dest.h"

enum lc_kind { LC, WLC, SED, NQ };

static u64 overhead(const struct halb_dest *d, enum lc_kind kind)
{
	u64 active = atomic_read(&d->activeconns);

	if (kind == SED || kind == NQ)
		return active + 1;
	return active * 256 + atomic_read(&d->inactconns);
}

static struct halb_dest *lc_pick(struct halb_sched_state *st, enum lc_kind kind)
{
	struct halb_dest *least = NULL;
	u64 loh = 0, lw = 1;
	unsigned int i;

	for (i = 0; i < st->n; i++) {
		struct halb_dest *d = st->d[i];
		u64 w = READ_ONCE(d->weight), doh;

		if (!w || halb_dest_overloaded(d))
			continue;
		if (kind == NQ && !atomic_read(&d->activeconns))
			return d;
		doh = overhead(d, kind);
		if (kind == LC)
			w = 1;
		/* doh / w < loh / lw, without dividing */
		if (!least || doh * lw < loh * w) {
			least = d;
			loh = doh;
			lw = w;
		}
	}
	return least;
}

static struct halb_sched_state *build(struct halb_service *svc,
				      const struct halb_sched_ops *ops)
{
	return halb_sched_state_alloc(svc, ops, 0);
}

#define HALB_LC_SCHED(_name, _kind)						\
static struct halb_sched_state *_name##_build(struct halb_service *svc,	\
					      struct halb_sched_state *old)	\
{										\
	return build(svc, &halb_sched_##_name);					\
}										\
static struct halb_dest *_name##_schedule(struct halb_sched_state *st,	\
					  const struct halb_flow *flow)		\
{										\
	return lc_pick(st, _kind);						\
}										\
const struct halb_sched_ops halb_sched_##_name = {				\
	.name = #_name,								\
	.build = _name##_build,							\
	.schedule = _name##_schedule,						\
}

HALB_LC_SCHED(lc, LC);
HALB_LC_SCHED(wlc, WLC);
HALB_LC_SCHED(sed, SED);
HALB_LC_SCHED(nq, NQ);
