// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler registry and the state shared by every algorithm.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include "sched.h"
#include "service.h"
#include "dest.h"

static const struct halb_sched_ops *const schedulers[] = {
	&halb_sched_rr,
	&halb_sched_wrr,
	&halb_sched_lc,
	&halb_sched_wlc,
	&halb_sched_sed,
	&halb_sched_nq,
	&halb_sched_sh,
	&halb_sched_dh,
	&halb_sched_mh,
	&halb_sched_fo,
	&halb_sched_ovf,
	&halb_sched_twos,
	&halb_sched_lblc,
	&halb_sched_lblcr,
};

/**
 * halb_sched_find - scheduler by its IPVS name
 * @name: e.g. "rr"
 *
 * Return: the scheduler, or NULL if halb has none of that name.
 */
const struct halb_sched_ops *halb_sched_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(schedulers); i++)
		if (!strcmp(schedulers[i]->name, name))
			return schedulers[i];
	return NULL;
}

/**
 * halb_sched_state_alloc - new scheduler state listing @svc's real servers
 * @svc: the service, its real-server list stable (control path)
 * @ops: the scheduler
 * @extra: bytes of algorithm data placed right after the common part
 *
 * Return: zeroed state with n and d[] filled in, or NULL.
 */
struct halb_sched_state *halb_sched_state_alloc(struct halb_service *svc,
						const struct halb_sched_ops *ops,
						size_t extra)
{
	struct halb_sched_state *st;
	struct halb_dest *d;
	unsigned int n = 0;
	size_t head = ALIGN(sizeof(*st) + extra, sizeof(void *));

	st = kzalloc(head + svc->num_dests * sizeof(*st->d), GFP_KERNEL_ACCOUNT);
	if (!st)
		return NULL;
	st->ops = ops;
	st->flags = svc->flags;
	st->mh_size = svc->mh_size;
	st->d = (struct halb_dest **)((char *)st + head);
	list_for_each_entry(d, &svc->dests, list)
		st->d[n++] = d;
	st->n = n;
	return st;
}

/**
 * halb_sched_conns_changed - tell the scheduler a server's load changed
 * @d: the real server whose active/inactive counts just changed
 *
 * Packet path; RCU held by the caller or taken here.
 */
void halb_sched_conns_changed(struct halb_dest *d)
{
	struct halb_sched_state *st;

	rcu_read_lock();
	st = rcu_dereference(d->svc->sched_state);
	if (st && st->ops->conns_changed)
		st->ops->conns_changed(st, d);
	rcu_read_unlock();
}

static void state_free_rcu(struct rcu_head *head)
{
	struct halb_sched_state *st = container_of(head, struct halb_sched_state, rcu);

	if (st->ops->release)
		st->ops->release(st);
	kfree(st);
}

/*
 * Counts that moved between the new state's build() reading them and its
 * publication were reported to @old; tell the new state every server's
 * current counts once, so it does not lag until their next change.
 */
static void resync(struct halb_sched_state *old)
{
	struct halb_sched_state *st;
	unsigned int i;

	if (!old->n)
		return;
	rcu_read_lock();
	st = rcu_dereference(old->d[0]->svc->sched_state);
	if (st && st != old && st->ops->conns_changed)
		for (i = 0; i < st->n; i++)
			st->ops->conns_changed(st, st->d[i]);
	rcu_read_unlock();
}

/**
 * halb_sched_state_free - free state once no reader can see it
 * @st: state, or NULL, already replaced or cleared (control path: the
 *	servers it lists are still allocated)
 *
 * The state that replaced @st catches up with load changes reported to
 * @st meanwhile; the scheduler's retire() runs now, in process context;
 * release() and the free after a grace period.
 */
void halb_sched_state_free(struct halb_sched_state *st)
{
	if (!st)
		return;
	resync(st);
	if (st->ops->retire)
		st->ops->retire(st);
	call_rcu(&st->rcu, state_free_rcu);
}

static u32 index_hash(const struct halb_dest *d, u32 mask)
{
	return hash_ptr(d, 32) & mask;
}

/**
 * halb_sched_index_init - map each server of @st to its position
 * @ix: the map to fill
 * @st: the state, d[] filled in
 *
 * Return: 0 or -ENOMEM.
 */
int halb_sched_index_init(struct halb_sched_index *ix, struct halb_sched_state *st)
{
	u32 size = roundup_pow_of_two(max(2 * st->n, 2U)), i, h;

	ix->slot = kcalloc(size, sizeof(*ix->slot), GFP_KERNEL_ACCOUNT);
	if (!ix->slot)
		return -ENOMEM;
	ix->mask = size - 1;
	for (i = 0; i < st->n; i++) {
		h = index_hash(st->d[i], ix->mask);
		while (ix->slot[h])
			h = (h + 1) & ix->mask;
		ix->slot[h] = i + 1;
	}
	return 0;
}

/**
 * halb_sched_index_free - free what halb_sched_index_init() allocated
 * @ix: the map
 */
void halb_sched_index_free(struct halb_sched_index *ix)
{
	kfree(ix->slot);
	ix->slot = NULL;
}

/**
 * halb_sched_index_of - position of @d in @st->d[]
 * @ix: the map built with @st
 * @st: the state
 * @d: a real server, maybe not in @st
 *
 * Return: the index, or -1.  O(1) expected (load factor at most 1/2).
 */
int halb_sched_index_of(const struct halb_sched_index *ix,
			const struct halb_sched_state *st, const struct halb_dest *d)
{
	u32 h = index_hash(d, ix->mask), i;

	while ((i = ix->slot[h])) {
		if (st->d[i - 1] == d)
			return i - 1;
		h = (h + 1) & ix->mask;
	}
	return -1;
}

/**
 * halb_dest_conn_overhead - a server's load as IPVS counts it
 * @d: the real server
 *
 * Return: activeconns * 256 + inactconns.
 */
u64 halb_dest_conn_overhead(const struct halb_dest *d)
{
	return ((u64)(u32)atomic_read(&d->activeconns) << 8) +
	       (u32)atomic_read(&d->inactconns);
}

/**
 * halb_dest_usable - may take a new connection
 * @d: the real server
 *
 * Return: weight > 0, not overloaded and not removed.
 */
bool halb_dest_usable(const struct halb_dest *d)
{
	return READ_ONCE(d->weight) && !halb_dest_overloaded(d) &&
	       !READ_ONCE(d->removed);
}
