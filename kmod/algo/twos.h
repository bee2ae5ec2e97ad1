/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_ALGO_TWOS_H
#define _HALB_ALGO_TWOS_H

#include "types.h"

/*
 * Weighted random choice for IPVS's twos ("power of two choices"), in
 * O(log n) instead of IPVS's walk of the list.
 *
 * IPVS draws r uniformly from 0..W (W = sum of the weights of servers that
 * are not overloaded and have weight > 0; note W + 1 values) and takes the
 * first such server, in list order, whose running sum of weights reaches r.
 * So server i is drawn with probability w_i / (W + 1), except the first,
 * which also takes r = 0: (w_0 + 1) / (W + 1).  halb_twos_find(f, max(r, 1))
 * on a Fenwick tree of the same weights (0 for an excluded server) returns
 * exactly the same server for every r, so the distribution is IPVS's.
 *
 * Of the two servers drawn the second is taken if it is strictly less
 * loaded: w1 * oh2 < w2 * oh1 (overhead oh = activeconns * 256 +
 * inactconns), as IPVS.
 *
 * Concurrency: updates (halb_twos_set) need external serialisation;
 * halb_twos_find and halb_twos_total may run concurrently with one and then
 * return a server (or total) from just before or during the update, always
 * an index < n or n (none).  Callers re-check the server they get.
 */
struct halb_twos {
	u32 n;
	u32 top;	/* largest power of two <= n (0 if n is 0) */
	u64 total;
	u64 t[];	/* Fenwick tree, 1-based: t[1..n] */
};

size_t halb_twos_bytes(u32 n);
void halb_twos_init(struct halb_twos *f, u32 n);
void halb_twos_set(struct halb_twos *f, u32 i, u32 old_w, u32 new_w);
u32 halb_twos_find(const struct halb_twos *f, u64 r);

static inline u64 halb_twos_total(const struct halb_twos *f)
{
	return READ_ONCE(f->total);
}

/* Whether the second choice replaces the first (IPVS's comparison). */
static inline bool halb_twos_second(u64 oh1, u32 w1, u64 oh2, u32 w2)
{
	return (u64)w2 * oh1 > (u64)w1 * oh2;
}

#endif /* _HALB_ALGO_TWOS_H */
