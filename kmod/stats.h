/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_STATS_H
#define _HALB_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

/*
 * Counters of a service, a real server or a namespace: per CPU on the packet
 * path (no shared cache line is written per packet), summed on read.
 * Zeroing records the current sums as a base rather than touching the
 * per-CPU data, so it never races with writers.
 */
struct halb_cpu_stats {
	u64_stats_t conns;
	u64_stats_t inpkts;
	u64_stats_t outpkts;
	u64_stats_t inbytes;
	u64_stats_t outbytes;
	u64_stats_t drops;
	struct u64_stats_sync syncp;
};

struct halb_counters {
	u64 conns;
	u64 inpkts;
	u64 outpkts;
	u64 inbytes;
	u64 outbytes;
	u64 drops;
};

/* Estimated rates, per second, in 1/1024ths (control path only). */
struct halb_rates {
	u64 cps;
	u64 inpps;
	u64 outpps;
	u64 inbps;
	u64 outbps;
};

struct halb_stats {
	struct halb_cpu_stats __percpu *cpu;
	struct halb_counters base;	/* subtracted on read: ZERO */
	struct halb_counters last;	/* totals at the last estimate */
	struct halb_rates avg;		/* moving averages */
};

int halb_stats_init(struct halb_stats *s);
void halb_stats_free(struct halb_stats *s);
void halb_stats_read(const struct halb_stats *s, struct halb_counters *out);
void halb_stats_zero(struct halb_stats *s);
void halb_stats_estimate(struct halb_stats *s, unsigned long elapsed);
void halb_stats_rates(const struct halb_stats *s, struct halb_rates *out);

static inline void halb_stats_count_in(struct halb_stats *s, unsigned int len)
{
	struct halb_cpu_stats *c = this_cpu_ptr(s->cpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->inpkts);
	u64_stats_add(&c->inbytes, len);
	u64_stats_update_end(&c->syncp);
}

static inline void halb_stats_count_out(struct halb_stats *s, unsigned int len)
{
	struct halb_cpu_stats *c = this_cpu_ptr(s->cpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->outpkts);
	u64_stats_add(&c->outbytes, len);
	u64_stats_update_end(&c->syncp);
}

static inline void halb_stats_count_conn(struct halb_stats *s)
{
	struct halb_cpu_stats *c = this_cpu_ptr(s->cpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->conns);
	u64_stats_update_end(&c->syncp);
}

static inline void halb_stats_count_drop(struct halb_stats *s)
{
	struct halb_cpu_stats *c = this_cpu_ptr(s->cpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->drops);
	u64_stats_update_end(&c->syncp);
}

#endif /* _HALB_STATS_H */
