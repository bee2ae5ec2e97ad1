// SPDX-License-Identifier: GPL-2.0
/*
 * sh/dh bucket tables, pure logic: see shdh.h.
 */
#include "shdh.h"

/**
 * halb_sh_fill() - IPVS's sh bucket table
 * @tab: 256 buckets, overwritten with server indexes (or HALB_SHDH_NONE)
 * @weight: the servers' weights, in list order
 * @n: number of servers; 0 leaves every bucket HALB_SHDH_NONE
 */
void halb_sh_fill(u32 tab[HALB_SHDH_SIZE], const u32 *weight, u32 n)
{
	u32 i, d = 0, count = 0;

	for (i = 0; i < HALB_SHDH_SIZE; i++) {
		if (!n) {
			tab[i] = HALB_SHDH_NONE;
			continue;
		}
		tab[i] = d;
		/* a server keeps the next buckets until it has its weight */
		if (++count >= weight[d]) {
			d = d + 1 == n ? 0 : d + 1;
			count = 0;
		}
	}
}

/**
 * halb_dh_fill() - IPVS's dh bucket table
 * @tab: 256 buckets, overwritten with server indexes (or HALB_SHDH_NONE)
 * @n: number of servers
 */
void halb_dh_fill(u32 tab[HALB_SHDH_SIZE], u32 n)
{
	u32 i;

	for (i = 0; i < HALB_SHDH_SIZE; i++)
		tab[i] = n ? i % n : HALB_SHDH_NONE;
}
