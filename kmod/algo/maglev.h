/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_ALGO_MAGLEV_H
#define _HALB_ALGO_MAGLEV_H

#include "types.h"

/*
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016), as IPVS's mh
 * scheduler uses it: a lookup table of M entries (M prime) maps
 * flow_hash % M to a backend.  Every load balancer that builds the table
 * from the same backends (same keys, weights and array order) gets the same
 * table, and removing one of N backends moves little more than its own 1/N
 * of the flows.
 *
 * Permutation: backend i with key k visits the slots
 *   offset, offset + skip, offset + 2 * skip, ...  (mod M)
 * where offset = h1(k) % M and skip = h2(k) % (M - 1) + 1, h1 and h2 being
 * SipHash-1-3 of k under two different fixed keys.  M prime makes every
 * permutation visit every slot.
 *
 * Weights, by virtual time: backend i's t-th turn happens at time t / w_i,
 * and turns are taken in order of time, ties to the lower array index; a
 * turn claims the next free slot of the backend's permutation.  With equal
 * weights this is the paper's round robin (0, 1, ..., n-1, 0, 1, ...); with
 * weights it is the paper's "turns in proportion to weight", spread evenly
 * instead of IPVS's w/gcd turns in a row.  After the table is full each
 * backend holds M * w_i / W slots (W = sum of weights) to within
 * max(1, n * w_i / W): within one slot unless one weight dominates, so
 * shares are exact to about 1/M whatever the weights (IPVS's mh, by
 * contrast, shifts large weights down to a few bits).  The order of turns
 * is kept in a sed tournament tree (lc.c: (turns + 1) / weight is sed's
 * cost), so a turn costs O(log n).
 * Weight 0 excludes a backend, exactly as if it were not in the array.
 *
 * Disruption: removing one of n equal backends moves its 1/n of the flows
 * plus typically 0.2-0.4% of the others (M = 65537, n = 10).  As in the
 * paper and IPVS, two backends whose skips collide (chance about
 * n^2 / 2 / (M - 1)) walk the same cycle, and removing one of them moves
 * ~1% more; halb_maglev_perm() shows the skips.
 *
 * Cost of halb_maglev_build(): M turns of O(log n) each, plus the probes
 * of occupied slots.  Each backend's position only moves forward along its
 * own permutation and it never passes all M slots, so probes are at most
 * (n_active + 1) * M in the worst case, whatever the keys: the build always
 * terminates, with no dependence on luck.  Expected probes are at most
 * about M * ln(M): measured 5.5 M (n = 10) to 10.5 M (n = 1000) for
 * M = 65537, i.e. 0.36M..0.69M probes, a few ms.  With no backend
 * of non-zero weight the table is all HALB_MAGLEV_NONE after one pass.
 *
 * Memory, all from the caller: the table (halb_maglev_table_bytes(M), M
 * u32s, 256 KiB for M = 65537: kvmalloc territory) and a scratch block of
 * halb_maglev_scratch_bytes(n) bytes (8-byte aligned), needed during the
 * build only.
 *
 * Needs lc.c (linked in with it).
 */

/* A lookup entry with no backend. */
#define HALB_MAGLEV_NONE	0xffffffffU

/* Default table size, as in the paper. */
#define HALB_MAGLEV_DEFAULT_SIZE	65537U

/* Largest table size halb_maglev_build() accepts (a prime at most this). */
#define HALB_MAGLEV_MAX_SIZE	0x100000U

struct halb_maglev_backend {
	u64 key;	/* e.g. halb_hash_addr_port() of the backend */
	u32 weight;	/* 0: excluded */
};

u32 halb_maglev_table_size(unsigned int bits);
bool halb_maglev_size_valid(u32 m);
void halb_maglev_perm(u64 key, u32 m, u32 *offset, u32 *skip);
size_t halb_maglev_table_bytes(u32 m);
size_t halb_maglev_scratch_bytes(int n);
int halb_maglev_build(u32 *lookup, u32 m, const struct halb_maglev_backend *b, int n,
		      void *scratch);

/**
 * halb_maglev_lookup() - the backend of a flow
 * @lookup: a table built by halb_maglev_build()
 * @m: its size
 * @flow_hash: the flow's hash, e.g. halb_flow_hash()
 *
 * Return: the backend's index in the array the table was built from, or
 * HALB_MAGLEV_NONE.
 */
static inline u32 halb_maglev_lookup(const u32 *lookup, u32 m, u32 flow_hash)
{
	return lookup[flow_hash % m];
}

#endif /* _HALB_ALGO_MAGLEV_H */
