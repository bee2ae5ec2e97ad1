/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_SCHED_H
#define _HALB_SCHED_H

#include <linux/types.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
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
	/*
	 * Optional: @st was just replaced or cleared (control path, process
	 * context, halb_ctl_lock held); packet-path readers may still use it
	 * until the grace period ends.  For what cannot wait for release()
	 * in an RCU callback: stopping timers, dropping cache references.
	 */
	void (*retire)(struct halb_sched_state *st);
};

void halb_sched_conns_changed(struct halb_dest *d);

extern const struct halb_sched_ops halb_sched_rr;
extern const struct halb_sched_ops halb_sched_wrr;
extern const struct halb_sched_ops halb_sched_lc;
extern const struct halb_sched_ops halb_sched_wlc;
extern const struct halb_sched_ops halb_sched_sed;
extern const struct halb_sched_ops halb_sched_nq;
extern const struct halb_sched_ops halb_sched_sh;
extern const struct halb_sched_ops halb_sched_dh;
extern const struct halb_sched_ops halb_sched_mh;
extern const struct halb_sched_ops halb_sched_fo;
extern const struct halb_sched_ops halb_sched_ovf;
extern const struct halb_sched_ops halb_sched_twos;
extern const struct halb_sched_ops halb_sched_lblc;
extern const struct halb_sched_ops halb_sched_lblcr;

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

/*
 * A real server's position in st->d[], in O(1): an open-addressing table
 * of pointers built with the state (schedulers that are told of load
 * changes need it; struct halb_dest has no per-scheduler index).
 */
struct halb_sched_index {
	u32 mask;
	u32 *slot;		/* index + 1, 0 empty */
};

int halb_sched_index_init(struct halb_sched_index *ix, struct halb_sched_state *st);
void halb_sched_index_free(struct halb_sched_index *ix);
int halb_sched_index_of(const struct halb_sched_index *ix,
			const struct halb_sched_state *st, const struct halb_dest *d);

/*
 * The load of a service's real servers for the least-connection family
 * (lc, wlc, sed, nq) and the locality schedulers (lblc, lblcr): an
 * algo/lc.c tournament tree kept current by conns_changed, O(log n) per
 * change under @lock, O(1) per pick.  Also counts the servers with
 * activeconns * 2 < weight, which lblc/lblcr's overload test asks about.
 */
struct halb_lc_tree;

struct halb_lc_core {
	spinlock_t lock;
	struct halb_lc_tree *tree;
	struct halb_sched_index ix;
	unsigned long *light;		/* activeconns * 2 < weight */
	unsigned int n_light;		/* bits set in @light */
	u8 kind;			/* enum halb_lc_kind */
};

int halb_lc_core_init(struct halb_lc_core *c, struct halb_sched_state *st, int kind);
void halb_lc_core_free(struct halb_lc_core *c);
void halb_lc_core_changed(struct halb_lc_core *c, struct halb_sched_state *st,
			  struct halb_dest *d);
struct halb_dest *halb_lc_core_pick(struct halb_lc_core *c, struct halb_sched_state *st);

/* IPVS's ip_vs_dest_conn_overhead(): activeconns * 256 + inactconns. */
u64 halb_dest_conn_overhead(const struct halb_dest *d);

/* Usable for a new connection: weight > 0 and not overloaded. */
bool halb_dest_usable(const struct halb_dest *d);

#endif /* _HALB_SCHED_H */
