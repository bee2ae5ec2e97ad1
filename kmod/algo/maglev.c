// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev lookup table, pure logic: see maglev.h.
 */
#include "maglev.h"
#include "hash.h"
#include "lc.h"

#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

/* IPVS mh's table sizes, by bits: the largest prime below 2^bits. */
static const u32 maglev_primes[] = {
	251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071,
};

#define MAGLEV_MIN_BITS	8
#define MAGLEV_MAX_BITS	(MAGLEV_MIN_BITS + (int)(sizeof(maglev_primes) / sizeof(u32)) - 1)

/* Fixed keys for the two permutation hashes (ASCII "halb mh offset/skip"). */
static const struct halb_hash_key maglev_offset_key = {
	0x68616c62206d6820ULL, 0x6f66667365742020ULL,
};

static const struct halb_hash_key maglev_skip_key = {
	0x68616c62206d6820ULL, 0x736b697020202020ULL,
};

/* Per active backend, during the build. */
struct maglev_turn {
	u32 pos;	/* next slot of its permutation to try */
	u32 skip;
	u32 idx;	/* index in the caller's array */
	u32 taken;	/* slots it holds */
};

/**
 * halb_maglev_table_size() - table size policy
 * @bits: 0 for the default (65537, the paper's), or 8..17 for IPVS mh's
 *	  sizes: the largest prime below 2^@bits (251 ... 131071; IPVS's
 *	  default, CONFIG_IP_VS_MH_TAB_INDEX=12, is 4093)
 *
 * Pick M well above the number of backends (the paper suggests M > 100 * n)
 * for even shares; lookups cost the same for any M.
 *
 * Return: M, or 0 if @bits is out of range.
 */
u32 halb_maglev_table_size(unsigned int bits)
{
	if (!bits)
		return HALB_MAGLEV_DEFAULT_SIZE;
	if (bits < MAGLEV_MIN_BITS || bits > MAGLEV_MAX_BITS)
		return 0;
	return maglev_primes[bits - MAGLEV_MIN_BITS];
}

/**
 * halb_maglev_size_valid() - whether halb_maglev_build() accepts a size
 * @m: candidate table size
 *
 * Return: true if @m is a prime no larger than HALB_MAGLEV_MAX_SIZE.
 */
bool halb_maglev_size_valid(u32 m)
{
	u32 d;

	if (m < 2 || m > HALB_MAGLEV_MAX_SIZE)
		return false;
	for (d = 2; d * d <= m; d++)
		if (m % d == 0)
			return false;
	return true;
}

/**
 * halb_maglev_perm() - a backend's permutation of the table
 * @key: the backend's key
 * @m: table size (>= 2)
 * @offset: its first slot, h1(@key) % @m
 * @skip: its step, h2(@key) % (@m - 1) + 1
 *
 * For diagnostics and tests: two backends with the same skip walk the same
 * cycle, which makes removing one of them move more flows (maglev.h).
 */
void halb_maglev_perm(u64 key, u32 m, u32 *offset, u32 *skip)
{
	*offset = (u32)halb_hash_u64(key, &maglev_offset_key) % m;
	*skip = (u32)halb_hash_u64(key, &maglev_skip_key) % (m - 1) + 1;
}

/**
 * halb_maglev_table_bytes() - size of the lookup table
 * @m: table size
 *
 * Return: @m * sizeof(u32).
 */
size_t halb_maglev_table_bytes(u32 m)
{
	return (size_t)m * sizeof(u32);
}

/**
 * halb_maglev_scratch_bytes() - scratch memory halb_maglev_build() needs
 * @n: number of backends in the array
 *
 * 16 bytes per backend plus a tournament tree of halb_lc_tree_bytes(@n):
 * about 40..48 bytes per backend.  Needed during the build only.
 *
 * Return: the size in bytes, or 0 if @n is negative or too large.
 */
size_t halb_maglev_scratch_bytes(int n)
{
	if (n < 0 || (u32)n > HALB_LC_MAX_SERVERS)
		return 0;
	return (size_t)n * sizeof(struct maglev_turn) + halb_lc_tree_bytes(n);
}

/**
 * halb_maglev_build() - fill a Maglev lookup table
 * @lookup: the table, @m entries, caller-allocated; overwritten
 * @m: table size, halb_maglev_size_valid() (a prime)
 * @b: the backends; a table entry is an index into this array
 * @n: their number (may exceed @m: then some backends get no slot)
 * @scratch: halb_maglev_scratch_bytes(@n) bytes, 8-byte aligned
 *
 * See maglev.h for the method and its cost (at most M turns and
 * (n_active + 1) * M probes; no allocation, no recursion, no sleeping).
 * Every entry gets a backend of non-zero weight, or HALB_MAGLEV_NONE if
 * there is none.
 *
 * Return: 0, or -EINVAL for a bad @m or @n (the table is then untouched).
 */
int halb_maglev_build(u32 *lookup, u32 m, const struct halb_maglev_backend *b, int n,
		      void *scratch)
{
	struct maglev_turn *turn = scratch;
	struct halb_lc_tree *order;
	struct halb_lc_stat st = { 0 };
	u32 i, na = 0, filled, slot;
	int a;

	if (!halb_maglev_size_valid(m) || n < 0 || (u32)n > HALB_LC_MAX_SERVERS)
		return -EINVAL;
	for (i = 0; i < m; i++)
		lookup[i] = HALB_MAGLEV_NONE;

	/* The active backends, in array order, and their permutations. */
	for (i = 0; i < (u32)n; i++) {
		if (!b[i].weight)
			continue;
		halb_maglev_perm(b[i].key, m, &turn[na].pos, &turn[na].skip);
		turn[na].idx = i;
		turn[na].taken = 0;
		na++;
	}
	order = halb_lc_init(turn + n, na, HALB_LC_SED);
	for (i = 0; i < na; i++) {
		st.weight = b[turn[i].idx].weight;
		halb_lc_update(order, i, &st);
	}

	/* One slot per turn; the tree holds the next turn, (taken + 1) / w. */
	for (filled = 0; filled < m; filled++) {
		struct maglev_turn *t;

		a = halb_lc_min(order);
		if (a < 0)
			break;
		t = &turn[a];
		/* A free slot exists and the permutation visits all slots. */
		slot = t->pos;
		while (lookup[slot] != HALB_MAGLEV_NONE) {
			slot += t->skip;
			if (slot >= m)
				slot -= m;
		}
		lookup[slot] = t->idx;
		t->pos = slot + t->skip;
		if (t->pos >= m)
			t->pos -= m;
		t->taken++;
		st.activeconns = t->taken;
		st.weight = b[t->idx].weight;
		halb_lc_update(order, a, &st);
	}
	return 0;
}
