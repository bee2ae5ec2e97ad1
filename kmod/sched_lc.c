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
 * IPVS scans every server per new connection.  Here each server's cost sits
 * in a tournament tree (algo/lc.c) that conns_changed() updates in
 * O(log n) under a per-state spinlock whenever a server's counts move; a
 * pick reads the root, O(1), without the lock.  The tree breaks ties to the
 * lower list index exactly as IPVS's scan, so the choice is IPVS's.
 *
 * Counts that move between build() reading them and the new state being
 * published are reported to the old state; halb_sched_state_free() then
 * re-reads every server into the new tree.  The picked server is re-checked
 * (weight, overload); if the tree is stale the pick falls back to the scan,
 * which only happens in that window.
 */
#include <linux/slab.h>
#include <linux/bitmap.h>
#include "sched.h"
#include "dest.h"
#include "algo/lc.h"

/* The IPVS scan: the reference, and the fallback when the tree is stale. */
static struct halb_dest *lc_scan(struct halb_sched_state *st, enum halb_lc_kind kind)
{
	struct halb_dest *least = NULL;
	u64 loh = 0, lw = 1;
	unsigned int i;

	for (i = 0; i < st->n; i++) {
		struct halb_dest *d = st->d[i];
		u64 w = READ_ONCE(d->weight), doh;

		if (!w || halb_dest_overloaded(d))
			continue;
		if (kind == HALB_LC_NQ && !atomic_read(&d->activeconns))
			return d;
		if (kind == HALB_LC_SED || kind == HALB_LC_NQ)
			doh = (u64)(u32)atomic_read(&d->activeconns) + 1;
		else
			doh = halb_dest_conn_overhead(d);
		if (kind == HALB_LC_LC)
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

/* One leaf and the light count, from @d's current counts; lock held. */
static void core_set(struct halb_lc_core *c, unsigned int i, struct halb_dest *d)
{
	struct halb_lc_stat s = {
		.activeconns = (u32)atomic_read(&d->activeconns),
		.inactconns = (u32)atomic_read(&d->inactconns),
		.weight = READ_ONCE(d->weight),
		.overloaded = halb_dest_overloaded(d),
	};
	bool light = (u64)s.activeconns * 2 < s.weight;

	if (light != test_bit(i, c->light)) {
		__assign_bit(i, c->light, light);
		c->n_light += light ? 1 : -1;
	}
	halb_lc_update(c->tree, i, &s);
}

/**
 * halb_lc_core_init - tree and index for @st's servers, from their counts
 * @c: the core, in the state's private data
 * @st: the state being built
 * @kind: enum halb_lc_kind
 *
 * Return: 0 or -ENOMEM (nothing left allocated).
 */
int halb_lc_core_init(struct halb_lc_core *c, struct halb_sched_state *st, int kind)
{
	unsigned int i;
	void *mem;

	spin_lock_init(&c->lock);
	c->kind = kind;
	c->n_light = 0;
	mem = kvmalloc(halb_lc_tree_bytes(st->n), GFP_KERNEL_ACCOUNT);
	c->light = bitmap_zalloc(max(st->n, 1U), GFP_KERNEL_ACCOUNT);
	if (!mem || !c->light || halb_sched_index_init(&c->ix, st)) {
		kvfree(mem);
		bitmap_free(c->light);
		return -ENOMEM;
	}
	c->tree = halb_lc_init(mem, st->n, kind);
	spin_lock_bh(&c->lock);
	for (i = 0; i < st->n; i++)
		core_set(c, i, st->d[i]);
	spin_unlock_bh(&c->lock);
	return 0;
}

/**
 * halb_lc_core_free - free what halb_lc_core_init() allocated
 * @c: the core
 */
void halb_lc_core_free(struct halb_lc_core *c)
{
	kvfree(c->tree);
	bitmap_free(c->light);
	halb_sched_index_free(&c->ix);
}

/**
 * halb_lc_core_changed - @d's counts moved: update its leaf, O(log n)
 * @c: the core
 * @st: its state
 * @d: the server; ignored if not in @st
 *
 * Any context; takes the core's lock with BHs off.
 */
void halb_lc_core_changed(struct halb_lc_core *c, struct halb_sched_state *st,
			  struct halb_dest *d)
{
	int i = halb_sched_index_of(&c->ix, st, d);

	if (i < 0)
		return;
	spin_lock_bh(&c->lock);
	core_set(c, i, d);
	spin_unlock_bh(&c->lock);
}

/**
 * halb_lc_core_pick - the least-cost server, O(1)
 * @c: the core
 * @st: its state
 *
 * Return: IPVS's choice for the core's kind, or NULL if none is usable.
 */
struct halb_dest *halb_lc_core_pick(struct halb_lc_core *c, struct halb_sched_state *st)
{
	int i = halb_lc_min(c->tree);
	struct halb_dest *d;

	if (i < 0)
		return NULL;
	d = st->d[i];
	if (likely(READ_ONCE(d->weight) && !halb_dest_overloaded(d)))
		return d;
	/* the tree lags a change not yet reported: ask every server */
	return lc_scan(st, c->kind);
}

static void lc_release(struct halb_sched_state *st)
{
	halb_lc_core_free(halb_sched_priv(st));
}

static void lc_conns_changed(struct halb_sched_state *st, struct halb_dest *d)
{
	halb_lc_core_changed(halb_sched_priv(st), st, d);
}

static struct halb_dest *lc_schedule(struct halb_sched_state *st,
				     const struct halb_flow *flow)
{
	return halb_lc_core_pick(halb_sched_priv(st), st);
}

static struct halb_sched_state *build(struct halb_service *svc,
				      const struct halb_sched_ops *ops,
				      enum halb_lc_kind kind)
{
	struct halb_sched_state *st;

	st = halb_sched_state_alloc(svc, ops, sizeof(struct halb_lc_core));
	if (!st)
		return NULL;
	if (halb_lc_core_init(halb_sched_priv(st), st, kind)) {
		kfree(st);
		return NULL;
	}
	return st;
}

#define HALB_LC_SCHED(_name, _kind)						\
static struct halb_sched_state *_name##_build(struct halb_service *svc,	\
					      struct halb_sched_state *old)	\
{										\
	return build(svc, &halb_sched_##_name, _kind);				\
}										\
const struct halb_sched_ops halb_sched_##_name = {				\
	.name = #_name,								\
	.build = _name##_build,							\
	.schedule = lc_schedule,						\
	.release = lc_release,							\
	.conns_changed = lc_conns_changed,					\
}

HALB_LC_SCHED(lc, HALB_LC_LC);
HALB_LC_SCHED(wlc, HALB_LC_WLC);
HALB_LC_SCHED(sed, HALB_LC_SED);
HALB_LC_SCHED(nq, HALB_LC_NQ);
