// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: Maglev table construction (algo/maglev.c) on small tables:
 * every slot filled, shares as documented in maglev.h, weight 0 equal to
 * absence, determinism, and disruption when a backend leaves.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include "algo/maglev.h"
#include "algo/hash.h"

#define MG_MAX_N	32
#define MG_MAX_M	4093

static const struct halb_hash_key mg_key = { 0x3333333333333333ULL, 0x4444444444444444ULL };

struct mg_ctx {
	u32 *t1, *t2;
	void *scratch;
	struct halb_maglev_backend b[MG_MAX_N];
};

static struct mg_ctx *mg_ctx(struct kunit *test, int n)
{
	struct mg_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->t1 = kunit_kmalloc(test, halb_maglev_table_bytes(MG_MAX_M), GFP_KERNEL);
	c->t2 = kunit_kmalloc(test, halb_maglev_table_bytes(MG_MAX_M), GFP_KERNEL);
	c->scratch = kunit_kmalloc(test, halb_maglev_scratch_bytes(MG_MAX_N), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->t1);
	KUNIT_ASSERT_NOT_NULL(test, c->t2);
	KUNIT_ASSERT_NOT_NULL(test, c->scratch);
	for (i = 0; i < n; i++) {
		u32 addr[4] = { 0xc0000200 + i, 0, 0, 0 };

		c->b[i].key = halb_hash_addr_port(addr, 80, &mg_key);
		c->b[i].weight = 1;
	}
	return c;
}

static void mg_build(struct kunit *test, struct mg_ctx *c, u32 *t, u32 m, int n)
{
	KUNIT_ASSERT_EQ(test, halb_maglev_build(t, m, c->b, n, c->scratch), 0);
}

static void mg_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, halb_maglev_table_size(0), HALB_MAGLEV_DEFAULT_SIZE);
	KUNIT_EXPECT_EQ(test, halb_maglev_table_size(8), 251U);
	KUNIT_EXPECT_EQ(test, halb_maglev_table_size(12), 4093U);
	KUNIT_EXPECT_EQ(test, halb_maglev_table_size(17), 131071U);
	KUNIT_EXPECT_EQ(test, halb_maglev_table_size(7), 0U);
	KUNIT_EXPECT_EQ(test, halb_maglev_table_size(18), 0U);
	KUNIT_EXPECT_TRUE(test, halb_maglev_size_valid(65537));
	KUNIT_EXPECT_TRUE(test, halb_maglev_size_valid(2));
	KUNIT_EXPECT_FALSE(test, halb_maglev_size_valid(1));
	KUNIT_EXPECT_FALSE(test, halb_maglev_size_valid(4095));
	KUNIT_EXPECT_FALSE(test, halb_maglev_size_valid(HALB_MAGLEV_MAX_SIZE + 1));
}

static void mg_perm_ranges(struct kunit *test)
{
	u32 off, skip, m;
	u64 k;

	for (m = 2; m < 300; m++) {
		if (!halb_maglev_size_valid(m))
			continue;
		for (k = 0; k < 50; k++) {
			halb_maglev_perm(k * 0x9e3779b97f4a7c15ULL, m, &off, &skip);
			KUNIT_ASSERT_LT(test, off, m);
			KUNIT_ASSERT_GE(test, skip, 1U);
			KUNIT_ASSERT_LT(test, skip, m);
		}
	}
}

static void mg_bad_args(struct kunit *test)
{
	struct mg_ctx *c = mg_ctx(test, 3);

	c->t1[0] = 7;
	KUNIT_EXPECT_EQ(test, halb_maglev_build(c->t1, 1020, c->b, 3, c->scratch), -EINVAL);
	KUNIT_EXPECT_EQ(test, halb_maglev_build(c->t1, 251, c->b, -1, c->scratch), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->t1[0], 7U);
	KUNIT_EXPECT_EQ(test, halb_maglev_scratch_bytes(-1), (size_t)0);
}

/* Equal weights: every slot taken, each share within one of M / n. */
static void mg_equal_shares(struct kunit *test)
{
	static const u32 sizes[] = { 251, 1021, 4093 };
	struct mg_ctx *c = mg_ctx(test, MG_MAX_N);
	unsigned int cnt[MG_MAX_N];
	int si, n, i;
	u32 s, m;

	for (si = 0; si < ARRAY_SIZE(sizes); si++)
		for (n = 1; n <= MG_MAX_N; n += 5) {
			m = sizes[si];
			mg_build(test, c, c->t1, m, n);
			memset(cnt, 0, sizeof(cnt));
			for (s = 0; s < m; s++) {
				KUNIT_ASSERT_LT(test, c->t1[s], (u32)n);
				cnt[c->t1[s]]++;
			}
			for (i = 0; i < n; i++) {
				KUNIT_EXPECT_GE_MSG(test, cnt[i], m / n, "m %u n %d backend %d", m, n, i);
				KUNIT_EXPECT_LE_MSG(test, cnt[i], m / n + 1, "m %u n %d backend %d", m, n, i);
			}
		}
}

/*
 * Weighted: share within max(1, n * w / W) slots of M * w / W (maglev.h),
 * n counting the backends of non-zero weight.
 */
static void mg_weighted_shares(struct kunit *test)
{
	static const u32 w[] = { 1, 2, 3, 4, 0, 10, 100 };
	const int n = ARRAY_SIZE(w);
	struct mg_ctx *c = mg_ctx(test, n);
	unsigned int cnt[ARRAY_SIZE(w)] = { 0 };
	u32 m = 4093, s, sum = 0;
	int i;

	for (i = 0; i < n; i++) {
		c->b[i].weight = w[i];
		sum += w[i];
	}
	mg_build(test, c, c->t1, m, n);
	for (s = 0; s < m; s++) {
		KUNIT_ASSERT_LT(test, c->t1[s], (u32)n);
		cnt[c->t1[s]]++;
	}
	for (i = 0; i < n; i++) {
		/* everything times sum, to stay in integers */
		u64 got = (u64)cnt[i] * sum, ideal = (u64)m * w[i];
		u64 tol = max_t(u64, sum, (u64)(n - 1) * w[i]);
		u64 diff = got > ideal ? got - ideal : ideal - got;

		KUNIT_EXPECT_LE_MSG(test, diff, tol, "backend %d weight %u: %u slots of %u",
				    i, w[i], cnt[i], m);
	}
	KUNIT_EXPECT_EQ(test, cnt[4], 0U);
}

/* Weight 0 is absence: the same table, indices renumbered. */
static void mg_zero_weight_is_absence(struct kunit *test)
{
	struct mg_ctx *c = mg_ctx(test, 12);
	struct halb_maglev_backend without[12];
	u32 m = 1021, s;
	int i, j, gone;

	for (gone = 0; gone < 12; gone += 5) {
		for (i = 0, j = 0; i < 12; i++)
			if (i != gone)
				without[j++] = c->b[i];
		c->b[gone].weight = 0;
		mg_build(test, c, c->t1, m, 12);
		KUNIT_ASSERT_EQ(test, halb_maglev_build(c->t2, m, without, 11, c->scratch), 0);
		for (s = 0; s < m; s++) {
			u32 a = c->t1[s], b = c->t2[s];

			KUNIT_ASSERT_NE(test, a, (u32)gone);
			KUNIT_ASSERT_EQ_MSG(test, a, b < (u32)gone ? b : b + 1, "slot %u", s);
		}
		c->b[gone].weight = 1;
	}
}

static void mg_none(struct kunit *test)
{
	struct mg_ctx *c = mg_ctx(test, 4);
	u32 s;
	int i;

	for (i = 0; i < 4; i++)
		c->b[i].weight = 0;
	mg_build(test, c, c->t1, 251, 4);
	for (s = 0; s < 251; s++)
		KUNIT_ASSERT_EQ(test, c->t1[s], HALB_MAGLEV_NONE);
	mg_build(test, c, c->t1, 251, 0);
	KUNIT_EXPECT_EQ(test, halb_maglev_lookup(c->t1, 251, 12345), HALB_MAGLEV_NONE);
}

/* More backends than slots: every slot still filled, in range. */
static void mg_more_backends_than_slots(struct kunit *test)
{
	struct mg_ctx *c = mg_ctx(test, MG_MAX_N);
	u32 s;

	mg_build(test, c, c->t1, 13, MG_MAX_N);
	for (s = 0; s < 13; s++)
		KUNIT_ASSERT_LT(test, c->t1[s], (u32)MG_MAX_N);
}

/*
 * Removing one of n: its slots go to the others, and few of the others'
 * slots move (measured: at most 3.4% for M = 1021, 1.9% for M = 4093 with
 * n = 10; bounds with margin).  Putting it back restores the table.
 */
static void mg_disruption(struct kunit *test)
{
	static const struct { u32 m; unsigned int pct; } cases[] = { { 1021, 6 }, { 4093, 4 } };
	const int n = 10;
	struct mg_ctx *c = mg_ctx(test, n);
	int ci, gone;
	u32 s;

	for (ci = 0; ci < ARRAY_SIZE(cases); ci++) {
		u32 m = cases[ci].m;

		mg_build(test, c, c->t1, m, n);
		for (gone = 0; gone < n; gone++) {
			unsigned int others = 0, moved = 0;

			c->b[gone].weight = 0;
			mg_build(test, c, c->t2, m, n);
			for (s = 0; s < m; s++) {
				KUNIT_ASSERT_NE(test, c->t2[s], (u32)gone);
				if (c->t1[s] == (u32)gone)
					continue;
				others++;
				moved += c->t1[s] != c->t2[s];
			}
			KUNIT_EXPECT_LE_MSG(test, moved * 100, others * cases[ci].pct,
					    "m %u: removing %d moved %u of the others' %u slots",
					    m, gone, moved, others);
			c->b[gone].weight = 1;
			mg_build(test, c, c->t2, m, n);
			KUNIT_EXPECT_EQ(test, memcmp(c->t1, c->t2, halb_maglev_table_bytes(m)), 0);
		}
	}
}

static struct kunit_case halb_maglev_cases[] = {
	KUNIT_CASE(mg_sizes),
	KUNIT_CASE(mg_perm_ranges),
	KUNIT_CASE(mg_bad_args),
	KUNIT_CASE(mg_equal_shares),
	KUNIT_CASE(mg_weighted_shares),
	KUNIT_CASE(mg_zero_weight_is_absence),
	KUNIT_CASE(mg_none),
	KUNIT_CASE(mg_more_backends_than_slots),
	KUNIT_CASE(mg_disruption),
	{}
};

static struct kunit_suite halb_maglev_suite = {
	.name = "halb_maglev",
	.test_cases = halb_maglev_cases,
};
kunit_test_suites(&halb_maglev_suite);
