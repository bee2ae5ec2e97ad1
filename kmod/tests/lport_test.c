// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: FULLNAT local port allocation (algo/lport.c).  Every port handed
 * out lies in the range and is held by one connection only; a full range
 * says so (-1) and a freed port can be taken again; the budget bounds the
 * search; and the range can change while ports are held.  Ports are
 * checked against a shadow bitmap kept by the test.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include "algo/lport.h"

static unsigned long *lport_map(struct kunit *test)
{
	unsigned long *map = kunit_kzalloc(test, HALB_LPORT_WORDS * sizeof(long),
					   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, map);
	return map;
}

/* The whole of a small range, from many hints: every port once, then -1. */
static void lport_fill_range(struct kunit *test)
{
	unsigned long *map = lport_map(test);
	unsigned long *seen = lport_map(test);
	u32 min = 1000, max = 1199, i;
	int p;

	for (i = 0; i <= max - min; i++) {
		p = halb_lport_alloc(map, min, max, i * 2654435761u, 65536);
		KUNIT_ASSERT_GE(test, p, (int)min);
		KUNIT_ASSERT_LE(test, p, (int)max);
		KUNIT_EXPECT_FALSE_MSG(test, test_bit(p, seen), "port %d twice", p);
		__set_bit(p, seen);
	}
	KUNIT_EXPECT_EQ(test, halb_lport_alloc(map, min, max, 7, 65536), -1);
	KUNIT_EXPECT_EQ(test, (int)bitmap_weight(map, HALB_LPORT_BITS), 200);
	/* nothing outside the range was touched */
	KUNIT_EXPECT_EQ(test, (int)find_first_bit(map, HALB_LPORT_BITS), (int)min);
	KUNIT_EXPECT_EQ(test, (int)find_last_bit(map, HALB_LPORT_BITS), (int)max);
	/* a port given back is the one free port, whatever the hint */
	halb_lport_free(map, 1111);
	KUNIT_EXPECT_EQ(test, halb_lport_alloc(map, min, max, 12345, 65536), 1111);
}

/* Ranges that start or end inside a word, and a range of one port. */
static void lport_word_edges(struct kunit *test)
{
	static const u32 ranges[][2] = {
		{ 63, 65 }, { 1, 1 }, { 65535, 65535 }, { 64, 127 }, { 65470, 65535 },
	};
	unsigned long *map = lport_map(test);
	unsigned int r;
	u32 i;

	for (r = 0; r < ARRAY_SIZE(ranges); r++) {
		u32 min = ranges[r][0], max = ranges[r][1];

		bitmap_zero(map, HALB_LPORT_BITS);
		for (i = 0; i <= max - min; i++) {
			int p = halb_lport_alloc(map, min, max, i * 31 + r, 65536);

			KUNIT_ASSERT_GE(test, p, (int)min);
			KUNIT_ASSERT_LE(test, p, (int)max);
		}
		KUNIT_EXPECT_EQ(test, halb_lport_alloc(map, min, max, 0, 65536), -1);
		KUNIT_EXPECT_EQ(test, (unsigned int)bitmap_weight(map, HALB_LPORT_BITS),
				max - min + 1);
	}
}

/* The budget bounds the search: a free port beyond it is not found. */
static void lport_budget(struct kunit *test)
{
	unsigned long *map = lport_map(test);
	u32 min = 2000, max = 2999;

	/* everything held but the last port of the range */
	bitmap_set(map, min, max - min);
	KUNIT_EXPECT_EQ(test, halb_lport_alloc(map, min, max, 0, 100), -1);
	KUNIT_EXPECT_EQ(test, halb_lport_alloc(map, min, max, 0, 1000), (int)max);
	/* from a hint near the end, the search wraps to the start */
	halb_lport_free(map, min);
	KUNIT_EXPECT_EQ(test, halb_lport_alloc(map, min, max, 999, 2), (int)min);
}

/* Random alloc/free against a shadow map; the range changes midway. */
static void lport_random_churn(struct kunit *test)
{
	unsigned long *map = lport_map(test);
	unsigned long *shadow = lport_map(test);
	u16 *held = kunit_kcalloc(test, 4096, sizeof(*held), GFP_KERNEL);
	struct rnd_state rnd;
	u32 min = 10000, max = 12047;
	int i, n = 0, p;

	KUNIT_ASSERT_NOT_NULL(test, held);
	prandom_seed_state(&rnd, 42);
	for (i = 0; i < 20000; i++) {
		if (i == 10000) {
			/* a new, overlapping range while ports are held */
			min = 11000;
			max = 13047;
		}
		if (n && (prandom_u32_state(&rnd) % 3 == 0 || n == 4096)) {
			int k = prandom_u32_state(&rnd) % n;

			KUNIT_ASSERT_TRUE(test, test_bit(held[k], shadow));
			halb_lport_free(map, held[k]);
			__clear_bit(held[k], shadow);
			held[k] = held[--n];
			continue;
		}
		p = halb_lport_alloc(map, min, max, prandom_u32_state(&rnd), 256);
		if (p < 0)
			continue;
		KUNIT_ASSERT_GE(test, p, (int)min);
		KUNIT_ASSERT_LE(test, p, (int)max);
		KUNIT_ASSERT_FALSE_MSG(test, test_bit(p, shadow), "port %d held twice", p);
		__set_bit(p, shadow);
		held[n++] = p;
	}
	KUNIT_EXPECT_TRUE(test, bitmap_equal(map, shadow, HALB_LPORT_BITS));
}

static struct kunit_case halb_lport_cases[] = {
	KUNIT_CASE(lport_fill_range),
	KUNIT_CASE(lport_word_edges),
	KUNIT_CASE(lport_budget),
	KUNIT_CASE(lport_random_churn),
	{}
};

static struct kunit_suite halb_lport_suite = {
	.name = "halb_lport",
	.test_cases = halb_lport_cases,
};
kunit_test_suites(&halb_lport_suite);
