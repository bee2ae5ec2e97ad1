/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_SCHED_H
#define _HALB_SCHED_H

#include <linux/types.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <uapi/linux/halb.h>

struct halb_service;
struct halb_dest;

/* What a scheduler may look at: the flow, never the packet. */
struct halb_flow {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u16 af;
	u8 protocol;
};

/*
 * A scheduler's view of a service's real servers.  It is rebuilt on the
 * control path whenever the real servers, their weights or thresholds
 * change, published with RCU, and freed after a grace period; the packet
 * path only reads it.  Algorithms that keep moving state (a position, a
 * current weight) keep it inside the state and carry it over on rebuild.
 */
struct halb_sched_state {
	const struct halb_sched_ops *ops;
	struct rcu_head rcu;
	u32 flags;			/* the service's, when built */
	u32 mh_size;			/* the service's, when built */
	unsigned int n;			/* real servers in d[] */
	struct halb_dest **d;		/* list order; references not held */
	/* algorithm-specific data follows */
};

struct halb_sched_ops {
	const char *name;
	/* Build state for @svc; @old (may be NULL) is the state it replaces. */
	struct halb_sched_state *(*build)(struct halb_service *svc,
					  struct halb_sched_state *old);
	/* Pick a real server for a new connection, or NULL. RCU held. */
	struct halb_dest *(*schedule)(struct halb_sched_state *st,
				      const struct halb_flow *flow);
	/* Optional: free what build() allocated besides the state itself. */
	void (*release)(struct halb_sched_state *st);
	/*
	 * Optional: @d's active or inactive connection count changed.
	 * Packet path, any context (softirq or timer), RCU held; must not
	 * sleep and must be cheap.  @d may not be in @st (removed server).
	 */
	void (*conns_changed)(struct halb_sched_state *st, struct halb_dest *d);
};

void halb_sched_conns_changed(struct halb_dest *d);

extern const struct halb_sched_ops halb_sched_rr;
extern const struct halb_sched_ops halb_sched_wrr;
extern const struct halb_sched_ops halb_sched_lc;
extern const struct halb_sched_ops halb_sched_wlc;
extern const struct halb_sched_ops halb_sched_sed;
extern const struct halb_sched_ops halb_sched_nq;

const struct halb_sched_ops *halb_sched_find(const char *name);

/* Helpers for schedulers' build(): allocate state with room for @extra. */
struct halb_sched_state *halb_sched_state_alloc(struct halb_service *svc,
						const struct halb_sched_ops *ops,
						size_t extra);
void halb_sched_state_free(struct halb_sched_state *st);

static inline void *halb_sched_priv(struct halb_sched_state *st)
{
	return st + 1;
}

#endif /* _HALB_SCHED_H */
