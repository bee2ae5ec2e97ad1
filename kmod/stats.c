// SPDX-License-Identifier: GPL-2.0
#include <linux/string.h>
#include <linux/math64.h>
#include <linux/jiffies.h>
#include "stats.h"

/**
 * halb_stats_init - allocate per-CPU counters
 * @s: counters to set up
 *
 * Return: 0 or -ENOMEM.
 */
int halb_stats_init(struct halb_stats *s)
{
	int cpu;

	memset(&s->base, 0, sizeof(s->base));
	memset(&s->last, 0, sizeof(s->last));
	memset(&s->avg, 0, sizeof(s->avg));
	s->cpu = alloc_percpu_gfp(struct halb_cpu_stats, GFP_KERNEL_ACCOUNT);
	if (!s->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s->cpu, cpu)->syncp);
	return 0;
}

/**
 * halb_stats_free - release per-CPU counters
 * @s: counters
 */
void halb_stats_free(struct halb_stats *s)
{
	free_percpu(s->cpu);
	s->cpu = NULL;
}

static void sum(const struct halb_stats *s, struct halb_counters *out)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct halb_cpu_stats *c = per_cpu_ptr(s->cpu, cpu);
		struct halb_counters v;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			v.conns = u64_stats_read(&c->conns);
			v.inpkts = u64_stats_read(&c->inpkts);
			v.outpkts = u64_stats_read(&c->outpkts);
			v.inbytes = u64_stats_read(&c->inbytes);
			v.outbytes = u64_stats_read(&c->outbytes);
			v.drops = u64_stats_read(&c->drops);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		out->conns += v.conns;
		out->inpkts += v.inpkts;
		out->outpkts += v.outpkts;
		out->inbytes += v.inbytes;
		out->outbytes += v.outbytes;
		out->drops += v.drops;
	}
}

/**
 * halb_stats_read - current totals since the last zeroing
 * @s: counters
 * @out: filled with the totals
 */
void halb_stats_read(const struct halb_stats *s, struct halb_counters *out)
{
	sum(s, out);
	out->conns -= s->base.conns;
	out->inpkts -= s->base.inpkts;
	out->outpkts -= s->base.outpkts;
	out->inbytes -= s->base.inbytes;
	out->outbytes -= s->base.outbytes;
	out->drops -= s->base.drops;
}

/**
 * halb_stats_zero - make the counters read zero from now on
 * @s: counters; the caller serialises control operations
 */
void halb_stats_zero(struct halb_stats *s)
{
	sum(s, &s->base);
	s->last = s->base;
	memset(&s->avg, 0, sizeof(s->avg));
}

/* One step of the moving average: a quarter of the way to the new rate. */
static void ewma(u64 *avg, u64 now, u64 then, unsigned long elapsed)
{
	u64 rate = div64_u64((now - then) * HZ * 1024, elapsed);

	if (rate > *avg)
		*avg += (rate - *avg) >> 2;
	else
		*avg -= (*avg - rate) >> 2;
}

/**
 * halb_stats_estimate - update the rate estimates
 * @s: counters (control path, serialised with zeroing)
 * @elapsed: jiffies since the previous estimate, non-zero
 *
 * As IPVS's estimator: called every two seconds, each rate moves a quarter
 * of the way towards the rate of the last interval.
 */
void halb_stats_estimate(struct halb_stats *s, unsigned long elapsed)
{
	struct halb_counters now;

	sum(s, &now);
	ewma(&s->avg.cps, now.conns, s->last.conns, elapsed);
	ewma(&s->avg.inpps, now.inpkts, s->last.inpkts, elapsed);
	ewma(&s->avg.outpps, now.outpkts, s->last.outpkts, elapsed);
	ewma(&s->avg.inbps, now.inbytes, s->last.inbytes, elapsed);
	ewma(&s->avg.outbps, now.outbytes, s->last.outbytes, elapsed);
	s->last = now;
}

/**
 * halb_stats_rates - estimated rates, per second, rounded
 * @s: counters
 * @out: the rates
 */
void halb_stats_rates(const struct halb_stats *s, struct halb_rates *out)
{
	out->cps = (s->avg.cps + 512) >> 10;
	out->inpps = (s->avg.inpps + 512) >> 10;
	out->outpps = (s->avg.outpps + 512) >> 10;
	out->inbps = (s->avg.inbps + 512) >> 10;
	out->outbps = (s->avg.outbps + 512) >> 10;
}
