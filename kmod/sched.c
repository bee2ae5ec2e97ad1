// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler registry and the state shared by every algorithm.
 */
#include <linux/slab.h>
#include <linux/string.h>
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

/**
 * halb_sched_state_free - free state once no reader can see it
 * @st: state, or NULL
 */
void halb_sched_state_free(struct halb_sched_state *st)
{
	if (st)
		call_rcu(&st->rcu, state_free_rcu);
}
