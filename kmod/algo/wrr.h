/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_ALGO_WRR_H
#define _HALB_ALGO_WRR_H

#include "types.h"

/*
 * Weighted round robin with the sequence IPVS's wrr produces: walk the list
 * of real servers in order, each pass handing out connections to servers
 * whose weight is at least the current weight, lowering the current weight
 * by the gcd of all weights after each pass.  Over one full cycle each
 * server gets exactly weight/gcd connections.
 */
struct halb_wrr {
	int cl;		/* position in the list, -1 = before the first */
	int cw;		/* current weight */
	int mw;		/* largest weight, less (gcd - 1) as IPVS has it */
	int di;		/* gcd of the weights */
};

void halb_wrr_reset(struct halb_wrr *w, const u32 *weights, int n);

/*
 * Next server index, or -1 when every server has weight 0 or is overloaded
 * (bit set in @overloaded, which may be NULL).
 */
int halb_wrr_next(struct halb_wrr *w, const u32 *weights, int n,
		  const unsigned long *overloaded);

#endif /* _HALB_ALGO_WRR_H */
