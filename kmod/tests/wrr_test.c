// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: weighted round robin (algo/wrr.c) against a model of IPVS's wrr.
 *
 * IPVS's sequence, written as a model rather than as its state machine:
 * the current weight cw steps down from mw = max - (gcd - 1) by gcd while it
 * stays positive, and at each level the servers whose weight is >= cw are
 * handed out in list order.  One cycle gives server i exactly w_i / gcd
 * connections, interleaved (a heavy server is spread over the levels
 * rather than served in one run).
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/prandom.h>
#include "algo/wrr.h"

#define WRR_MAX_N	16

static u32 wrr_gcd(u32 a, u32 b)
{
	while (b) {
		u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* The model: one full cycle of IPVS's wrr into seq; returns its length. */
static int wrr_model_cycle(const u32 *w, int n, const unsigned long *ovl,
			   int *seq, int max)
{
	u32 g = 0, top = 0;
	int cw, i, len = 0;

	for (i = 0; i < n; i++) {
		if (!w[i])
			continue;
		g = g ? wrr_gcd(g, w[i]) : w[i];
		top = max_t(u32, top, w[i]);
	}
	if (!g)
		return 0;
	for (cw = top - (g - 1); cw > 0; cw -= g)
		for (i = 0; i < n; i++)
			if (w[i] && w[i] >= cw && !(ovl && test_bit(i, ovl)) && len < max)
				seq[len++] = i;
	return len;
}

static void wrr_expect_cycles(struct kunit *test, const u32 *w, int n,
			      const unsigned long *ovl, int cycles)
{
	struct halb_wrr st = { 0 };
	int *seq, len, c, i;

	seq = kunit_kmalloc_array(test, 4096, sizeof(*seq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seq);
	len = wrr_model_cycle(w, n, ovl, seq, 4096);
	halb_wrr_reset(&st, w, n);
	if (!len) {
		KUNIT_EXPECT_EQ(test, halb_wrr_next(&st, w, n, ovl), -1);
		return;
	}
	for (c = 0; c < cycles; c++)
		for (i = 0; i < len; i++)
			KUNIT_ASSERT_EQ_MSG(test, halb_wrr_next(&st, w, n, ovl), seq[i],
					    "cycle %d position %d of %d (n %d)", c, i, len, n);
}

static void wrr_known_sequence(struct kunit *test)
{
	static const u32 w[] = { 4, 3, 2 };
	static const int want[] = { 0, 0, 1, 0, 1, 2, 0, 1, 2 };
	struct halb_wrr st = { 0 };
	int i;

	halb_wrr_reset(&st, w, ARRAY_SIZE(w));
	for (i = 0; i < 3 * ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_EQ(test, halb_wrr_next(&st, w, ARRAY_SIZE(w), NULL),
				want[i % ARRAY_SIZE(want)]);
}

static void wrr_gcd_levels(struct kunit *test)
{
	/* gcd 2: levels 5, 3, 1 -> 0 | 0 1 | 0 1 2 */
	static const u32 w[] = { 6, 4, 2 };
	static const int want[] = { 0, 0, 1, 0, 1, 2 };
	struct halb_wrr st = { 0 };
	int i;

	halb_wrr_reset(&st, w, ARRAY_SIZE(w));
	for (i = 0; i < 2 * ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_EQ(test, halb_wrr_next(&st, w, ARRAY_SIZE(w), NULL),
				want[i % ARRAY_SIZE(want)]);
}

static void wrr_zero_and_overloaded(struct kunit *test)
{
	u32 w[4] = { 0, 3, 0, 1 };
	DECLARE_BITMAP(ovl, WRR_MAX_N);
	struct halb_wrr st = { 0 };

	bitmap_zero(ovl, WRR_MAX_N);
	wrr_expect_cycles(test, w, 4, NULL, 3);
	__set_bit(1, ovl);
	wrr_expect_cycles(test, w, 4, ovl, 3);
	__set_bit(3, ovl);
	halb_wrr_reset(&st, w, 4);
	KUNIT_EXPECT_EQ(test, halb_wrr_next(&st, w, 4, ovl), -1);
	memset(w, 0, sizeof(w));
	halb_wrr_reset(&st, w, 4);
	KUNIT_EXPECT_EQ(test, halb_wrr_next(&st, w, 4, NULL), -1);
	KUNIT_EXPECT_EQ(test, halb_wrr_next(&st, w, 0, NULL), -1);
}

/* Random weight sets: exact shares per cycle, exact order. */
static void wrr_random_vs_model(struct kunit *test)
{
	struct rnd_state rnd;
	DECLARE_BITMAP(ovl, WRR_MAX_N);
	u32 w[WRR_MAX_N];
	int round, n, i;

	prandom_seed_state(&rnd, 0x68616c62);
	for (round = 0; round < 300; round++) {
		n = 1 + prandom_u32_state(&rnd) % WRR_MAX_N;
		for (i = 0; i < n; i++) {
			/* small weights with common factors, some zero */
			w[i] = prandom_u32_state(&rnd) % 7;
			if (round & 1)
				w[i] *= 6;
		}
		bitmap_zero(ovl, WRR_MAX_N);
		if (round % 3 == 0)
			__set_bit(prandom_u32_state(&rnd) % n, ovl);
		wrr_expect_cycles(test, w, n, round % 3 ? NULL : ovl, 2);
	}
}

/* Shares over a long run equal weight / gcd per cycle, whatever the order. */
static void wrr_distribution(struct kunit *test)
{
	static const u32 w[] = { 100, 50, 25, 1, 0, 24 };
	unsigned int count[ARRAY_SIZE(w)] = { 0 };
	struct halb_wrr st = { 0 };
	int i, total = 0, cycles = 10;

	for (i = 0; i < ARRAY_SIZE(w); i++)
		total += w[i];
	halb_wrr_reset(&st, w, ARRAY_SIZE(w));
	for (i = 0; i < cycles * total; i++) {
		int s = halb_wrr_next(&st, w, ARRAY_SIZE(w), NULL);

		KUNIT_ASSERT_GE(test, s, 0);
		KUNIT_ASSERT_LT(test, s, (int)ARRAY_SIZE(w));
		count[s]++;
	}
	for (i = 0; i < ARRAY_SIZE(w); i++)
		KUNIT_EXPECT_EQ_MSG(test, count[i], cycles * w[i], "server %d", i);
}

/* A list that shrinks under the cursor: never an index past the end. */
static void wrr_shrink(struct kunit *test)
{
	u32 w[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct halb_wrr st = { 0 };
	int n, i, s;

	halb_wrr_reset(&st, w, 8);
	for (n = 8; n > 0; n--) {
		halb_wrr_reset(&st, w, n);
		for (i = 0; i < 50; i++) {
			s = halb_wrr_next(&st, w, n, NULL);
			KUNIT_ASSERT_GE(test, s, 0);
			KUNIT_ASSERT_LT(test, s, n);
		}
	}
}

static struct kunit_case halb_wrr_cases[] = {
	KUNIT_CASE(wrr_known_sequence),
	KUNIT_CASE(wrr_gcd_levels),
	KUNIT_CASE(wrr_zero_and_overloaded),
	KUNIT_CASE(wrr_random_vs_model),
	KUNIT_CASE(wrr_distribution),
	KUNIT_CASE(wrr_shrink),
	{}
};

static struct kunit_suite halb_wrr_suite = {
	.name = "halb_wrr",
	.test_cases = halb_wrr_cases,
};
kunit_test_suites(&halb_wrr_suite);
