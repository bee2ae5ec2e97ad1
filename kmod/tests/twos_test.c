// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the Fenwick tree behind twos (algo/twos.c) against a linear scan
 * of the running weight sums, the way IPVS's twos walks its list: for
 * every r the same server, through random weight changes (up and down, to
 * and from 0), for pool sizes around the powers of two.
 */
#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include "algo/twos.h"

#define TWOS_MAX_N	1030

/* the first server whose running sum reaches r, or n */
static u32 ref_find(const u32 *w, u32 n, u64 r)
{
	u64 sum = 0;
	u32 i;

	for (i = 0; i < n; i++) {
		sum += w[i];
		if (sum >= r)
			return i;
	}
	return n;
}

static struct halb_twos *twos_new(struct kunit *test, u32 n)
{
	struct halb_twos *f = kunit_kzalloc(test, halb_twos_bytes(n), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	halb_twos_init(f, n);
	return f;
}

/* every r from 1 to the total, on small trees of every size */
static void twos_every_r(struct kunit *test)
{
	u32 w[20], n, i;
	struct rnd_state r;
	u64 total, x;

	prandom_seed_state(&r, 0x74776f);
	for (n = 0; n < ARRAY_SIZE(w); n++) {
		struct halb_twos *f = twos_new(test, n);

		total = 0;
		for (i = 0; i < n; i++) {
			w[i] = prandom_u32_state(&r) % 5;	/* zeros are common */
			halb_twos_set(f, i, 0, w[i]);
			total += w[i];
		}
		KUNIT_ASSERT_EQ(test, halb_twos_total(f), total);
		for (x = 1; x <= total + 2; x++)
			KUNIT_ASSERT_EQ_MSG(test, halb_twos_find(f, x), ref_find(w, n, x),
					    "n %u r %llu", n, x);
	}
}

/* random weight changes on large trees; random draws checked after each */
static void twos_random_updates(struct kunit *test)
{
	static const u32 sizes[] = { 1, 2, 3, 7, 8, 9, 255, 256, 257, 1000, 1024, TWOS_MAX_N };
	struct rnd_state r;
	u32 *w, n, i, k, step;
	u64 total, x;

	w = kunit_kcalloc(test, TWOS_MAX_N, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	prandom_seed_state(&r, 0x66656e);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		struct halb_twos *f = twos_new(test, sizes[k]);

		n = sizes[k];
		memset(w, 0, n * sizeof(*w));
		total = 0;
		for (step = 0; step < 3000; step++) {
			u32 nw = prandom_u32_state(&r) % 4 ? prandom_u32_state(&r) % 1000 : 0;

			i = prandom_u32_state(&r) % n;
			halb_twos_set(f, i, w[i], nw);
			total = total - w[i] + nw;
			w[i] = nw;
			KUNIT_ASSERT_EQ(test, halb_twos_total(f), total);
			if (!total)
				continue;
			x = 1 + prandom_u32_state(&r) % total;
			KUNIT_ASSERT_EQ_MSG(test, halb_twos_find(f, x), ref_find(w, n, x),
					    "n %u step %u r %llu", n, step, x);
		}
		/* the ends: the first and the last unit of weight, one past */
		if (total) {
			KUNIT_EXPECT_EQ(test, halb_twos_find(f, 1), ref_find(w, n, 1));
			KUNIT_EXPECT_EQ(test, halb_twos_find(f, total), ref_find(w, n, total));
		}
		KUNIT_EXPECT_EQ(test, halb_twos_find(f, total + 1), n);
	}
}

/* weights near U32_MAX: the sums are 64-bit, and a decrease is exact */
static void twos_big_weights(struct kunit *test)
{
	struct halb_twos *f = twos_new(test, 5);
	u32 w[5] = { U32_MAX, 0, U32_MAX, 1, U32_MAX - 1 };
	u32 i;

	for (i = 0; i < 5; i++)
		halb_twos_set(f, i, 0, w[i]);
	KUNIT_EXPECT_EQ(test, halb_twos_total(f), 3ULL * U32_MAX);
	KUNIT_EXPECT_EQ(test, halb_twos_find(f, (u64)U32_MAX + 1), 2U);
	KUNIT_EXPECT_EQ(test, halb_twos_find(f, 2ULL * U32_MAX + 1), 3U);
	halb_twos_set(f, 0, U32_MAX, 1);
	w[0] = 1;
	KUNIT_EXPECT_EQ(test, halb_twos_find(f, 2), ref_find(w, 5, 2));
	KUNIT_EXPECT_EQ(test, halb_twos_total(f), 2ULL * U32_MAX + 1);
	/* out of range or unchanged: no effect */
	halb_twos_set(f, 5, 0, 7);
	halb_twos_set(f, 1, 0, 0);
	KUNIT_EXPECT_EQ(test, halb_twos_total(f), 2ULL * U32_MAX + 1);
}

/* the second draw wins only when strictly less loaded, per unit of weight */
static void twos_second_choice(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, halb_twos_second(10, 1, 10, 1));	/* tie */
	KUNIT_EXPECT_TRUE(test, halb_twos_second(10, 1, 9, 1));
	KUNIT_EXPECT_TRUE(test, halb_twos_second(10, 1, 19, 2));	/* 9.5 < 10 */
	KUNIT_EXPECT_FALSE(test, halb_twos_second(10, 1, 20, 2));	/* 10 = 10 */
	KUNIT_EXPECT_FALSE(test, halb_twos_second(0, 1, 0, 5));
	/* a million connections against a hundred times the weight */
	KUNIT_EXPECT_TRUE(test, halb_twos_second(256000000ULL, 1, 25599999999ULL, 100));
	KUNIT_EXPECT_FALSE(test, halb_twos_second(256000000ULL, 1, 25600000000ULL, 100));
}

static struct kunit_case halb_twos_cases[] = {
	KUNIT_CASE(twos_every_r),
	KUNIT_CASE(twos_random_updates),
	KUNIT_CASE(twos_big_weights),
	KUNIT_CASE(twos_second_choice),
	{}
};

static struct kunit_suite halb_twos_suite = {
	.name = "halb_twos",
	.test_cases = halb_twos_cases,
};
kunit_test_suites(&halb_twos_suite);
