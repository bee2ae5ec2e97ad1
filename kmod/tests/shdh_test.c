// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the sh/dh bucket tables and hashes (algo/shdh.c).  The hash is
 * checked against the kernel's own hash_32(), which IPVS's sh and dh use,
 * so a flow lands in the same bucket as with IPVS; the tables against the
 * shape IPVS gives them: runs of max(weight, 1) buckets per server in list
 * order, wrapping to the head (sh), bucket i to server i % n (dh).
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/hash.h>
#include <linux/prandom.h>
#include "algo/shdh.h"

/* halb's hash and bucket functions against the kernel's hash_32() */
static void shdh_hash_is_the_kernels(struct kunit *test)
{
	struct rnd_state r;
	u32 w[4], fold, i;
	u16 port;

	prandom_seed_state(&r, 0x5368);
	for (i = 0; i < 100000; i++) {
		u32 off = prandom_u32_state(&r) % HALB_SHDH_SIZE;

		w[0] = prandom_u32_state(&r);
		w[1] = i & 1 ? prandom_u32_state(&r) : 0;
		w[2] = i & 1 ? prandom_u32_state(&r) : 0;
		w[3] = i & 1 ? prandom_u32_state(&r) : 0;
		fold = halb_shdh_fold(w);
		port = prandom_u32_state(&r);
		KUNIT_ASSERT_EQ(test, fold, w[0] ^ w[1] ^ w[2] ^ w[3]);
		KUNIT_ASSERT_EQ(test, halb_hash_32(fold, 8), hash_32(fold, 8));
		KUNIT_ASSERT_EQ(test, halb_hash_32(fold, 16), hash_32(fold, 16));
		KUNIT_ASSERT_EQ(test, halb_dh_bucket(fold), hash_32(fold, HALB_SHDH_BITS));
		KUNIT_ASSERT_EQ(test, halb_sh_bucket(fold, port, off),
				(off + hash_32((u32)port + fold, HALB_SHDH_BITS)) %
				HALB_SHDH_SIZE);
	}
}

/* sh: every server, in list order, holds runs of max(weight, 1) buckets */
static void shdh_sh_runs(struct kunit *test)
{
	u32 tab[HALB_SHDH_SIZE], weight[40], n, i, d, run, want;
	struct rnd_state r;
	int round;

	prandom_seed_state(&r, 0x7368);
	for (round = 0; round < 500; round++) {
		n = 1 + prandom_u32_state(&r) % ARRAY_SIZE(weight);
		for (i = 0; i < n; i++)
			weight[i] = prandom_u32_state(&r) % (round & 1 ? 4 : 300);
		halb_sh_fill(tab, weight, n);
		/* walk the table run by run: the owners follow the list */
		d = 0;
		i = 0;
		while (i < HALB_SHDH_SIZE) {
			want = max(weight[d], 1U);
			for (run = 0; run < want && i < HALB_SHDH_SIZE; run++, i++)
				KUNIT_ASSERT_EQ_MSG(test, tab[i], d,
						    "round %d n %u bucket %u", round, n, i);
			d = (d + 1) % n;
		}
	}
}

/* sh: known tables, including a weight of 0 and the wrap to the head */
static void shdh_sh_examples(struct kunit *test)
{
	static const u32 pattern[4] = { 0, 1, 1, 2 };
	u32 tab[HALB_SHDH_SIZE], w[3] = { 1, 2, 0 }, i;

	halb_sh_fill(tab, w, 3);
	for (i = 0; i < HALB_SHDH_SIZE; i++)	/* 0 1 1 2, 0 1 1 2, ... */
		KUNIT_EXPECT_EQ(test, tab[i], pattern[i % 4]);
	w[0] = 1000;				/* one server takes every bucket */
	halb_sh_fill(tab, w, 3);
	for (i = 0; i < HALB_SHDH_SIZE; i++)
		KUNIT_EXPECT_EQ(test, tab[i], 0U);
	halb_sh_fill(tab, w, 0);
	for (i = 0; i < HALB_SHDH_SIZE; i++)
		KUNIT_EXPECT_EQ(test, tab[i], HALB_SHDH_NONE);
}

/* dh: bucket i to server i % n; an empty list leaves every bucket empty */
static void shdh_dh_table(struct kunit *test)
{
	u32 tab[HALB_SHDH_SIZE], n, i;

	for (n = 0; n <= 300; n++) {
		halb_dh_fill(tab, n);
		for (i = 0; i < HALB_SHDH_SIZE; i++)
			KUNIT_ASSERT_EQ(test, tab[i], n ? i % n : HALB_SHDH_NONE);
	}
}

/* sh-fallback: from any bucket, the 256 tries visit every bucket once */
static void shdh_fallback_visits_all(struct kunit *test)
{
	DECLARE_BITMAP(seen, HALB_SHDH_SIZE);
	u32 h, k, b;

	for (h = 0; h < HALB_SHDH_SIZE; h++) {
		bitmap_zero(seen, HALB_SHDH_SIZE);
		for (k = 0; k < HALB_SHDH_SIZE; k++) {
			b = halb_sh_fallback_bucket(h, k);
			KUNIT_ASSERT_LT(test, b, HALB_SHDH_SIZE);
			KUNIT_ASSERT_FALSE_MSG(test, test_bit(b, seen),
					       "h %u: bucket %u twice", h, b);
			__set_bit(b, seen);
		}
		/* IPVS starts its search at 2h */
		KUNIT_EXPECT_EQ(test, halb_sh_fallback_bucket(h, 0), (2 * h) % HALB_SHDH_SIZE);
	}
}

static struct kunit_case halb_shdh_cases[] = {
	KUNIT_CASE(shdh_hash_is_the_kernels),
	KUNIT_CASE(shdh_sh_runs),
	KUNIT_CASE(shdh_sh_examples),
	KUNIT_CASE(shdh_dh_table),
	KUNIT_CASE(shdh_fallback_visits_all),
	{}
};

static struct kunit_suite halb_shdh_suite = {
	.name = "halb_shdh",
	.test_cases = halb_shdh_cases,
};
kunit_test_suites(&halb_shdh_suite);
