// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted round robin, pure logic (no kernel objects): see wrr.h.
 */
#include "wrr.h"

static u32 gcd(u32 a, u32 b)
{
	while (b) {
		u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

void halb_wrr_reset(struct halb_wrr *w, const u32 *weights, int n)
{
	u32 g = 0, max = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (!weights[i])
			continue;
		g = g ? gcd(g, weights[i]) : weights[i];
		if (weights[i] > max)
			max = weights[i];
	}
	w->cl = -1;
	w->di = g ? g : 1;
	w->mw = g ? (int)(max - (g - 1)) : 0;
	if (w->cw > w->mw || !g)
		w->cw = 0;
}

int halb_wrr_next(struct halb_wrr *w, const u32 *weights, int n,
		  const unsigned long *overloaded)
{
	int start_cl = w->cl, start_cw = w->cw;
	long steps;

	if (n <= 0 || w->mw <= 0)
		return -1;
	/*
	 * At most one full cycle over every (position, weight level) pair;
	 * a bound rather than IPVS's "back at the start" test, because the
	 * start may be a position no longer in the list after a reset.
	 */
	for (steps = (long)(n + 1) * (w->mw / w->di + 1); steps > 0; steps--) {
		if (w->cl < 0 || w->cl + 1 >= n) {
			w->cl = 0;
			w->cw -= w->di;
			if (w->cw <= 0)
				w->cw = w->mw;
		} else {
			w->cl++;
		}
		if ((int)weights[w->cl] >= w->cw && weights[w->cl] &&
		    !(overloaded && test_bit(w->cl, overloaded)))
			return w->cl;
		if (w->cl == start_cl && w->cw == start_cw)
			break;
	}
	w->cl = -1;
	return -1;
}
