// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the least-connection tournament tree (algo/lc.c) against a
 * brute-force scan written the way IPVS's lc/wlc/sed/nq schedulers scan
 * their list: skip weight-0 and overloaded servers, replace the candidate
 * only on a strictly smaller cost, so the lowest index wins ties.  Costs
 * are compared by exact 128-bit cross-multiplication here.
 */
#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include "algo/lc.h"

#define LC_MAX_N	97

typedef unsigned __int128 lc_u128;

/* a strictly cheaper than b (both eligible) under @kind */
static bool ref_less(enum halb_lc_kind kind, const struct halb_lc_stat *a,
		     const struct halb_lc_stat *b)
{
	u64 oa, ob;

	switch (kind) {
	case HALB_LC_LC:
		return (u64)a->activeconns * 256 + a->inactconns <
		       (u64)b->activeconns * 256 + b->inactconns;
	case HALB_LC_WLC:
		oa = (u64)a->activeconns * 256 + a->inactconns;
		ob = (u64)b->activeconns * 256 + b->inactconns;
		break;
	case HALB_LC_NQ:
		if (!a->activeconns || !b->activeconns)
			return !a->activeconns && b->activeconns;
		fallthrough;
	case HALB_LC_SED:
	default:
		oa = (u64)a->activeconns + 1;
		ob = (u64)b->activeconns + 1;
		break;
	}
	return (lc_u128)oa * b->weight < (lc_u128)ob * a->weight;
}

static int ref_pick(enum halb_lc_kind kind, const struct halb_lc_stat *s, int n)
{
	int i, best = -1;

	for (i = 0; i < n; i++) {
		if (!s[i].weight || s[i].overloaded)
			continue;
		if (best < 0 || ref_less(kind, &s[i], &s[best]))
			best = i;
	}
	return best;
}

static void lc_random_stat(struct rnd_state *r, struct halb_lc_stat *s, int scale)
{
	u32 x = prandom_u32_state(r);

	/* scale 0: tiny values, many ties; 1: realistic; 2: near the limits */
	switch (scale) {
	case 0:
		s->activeconns = x % 3;
		s->inactconns = (x >> 4) % 3;
		s->weight = (x >> 8) % 4;
		break;
	case 1:
		s->activeconns = x % 5000;
		s->inactconns = prandom_u32_state(r) % 20000;
		s->weight = (x >> 16) % 101;
		break;
	default:
		s->activeconns = prandom_u32_state(r);
		s->inactconns = prandom_u32_state(r);
		s->weight = prandom_u32_state(r) | (x & 1);
		break;
	}
	s->overloaded = (prandom_u32_state(r) % 16) == 0;
}

static void lc_vs_bruteforce(struct kunit *test)
{
	struct halb_lc_stat *st;
	struct halb_lc_tree *t;
	struct rnd_state r;
	int kind, scale, n, i, step;
	void *mem;

	st = kunit_kcalloc(test, LC_MAX_N, sizeof(*st), GFP_KERNEL);
	mem = kunit_kzalloc(test, halb_lc_tree_bytes(LC_MAX_N), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	prandom_seed_state(&r, 0x6c63);
	for (kind = HALB_LC_LC; kind <= HALB_LC_NQ; kind++)
		for (scale = 0; scale < 3; scale++)
			for (n = 1; n <= LC_MAX_N; n += 8) {
				t = halb_lc_init(mem, n, kind);
				KUNIT_ASSERT_NOT_NULL(test, t);
				for (i = 0; i < n; i++) {
					lc_random_stat(&r, &st[i], scale);
					halb_lc_update(t, i, &st[i]);
				}
				KUNIT_ASSERT_EQ_MSG(test, halb_lc_min(t), ref_pick(kind, st, n),
						    "initial: kind %d scale %d n %d", kind, scale, n);
				for (step = 0; step < 200; step++) {
					i = prandom_u32_state(&r) % n;
					lc_random_stat(&r, &st[i], scale);
					halb_lc_update(t, i, &st[i]);
					KUNIT_ASSERT_EQ_MSG(test, halb_lc_min(t), ref_pick(kind, st, n),
							    "kind %d scale %d n %d step %d", kind, scale,
							    n, step);
				}
			}
}

/* As a scheduler uses it: pick, charge the pick, release at random. */
static void lc_schedule_loop(struct kunit *test)
{
	struct halb_lc_stat st[10] = {};
	struct halb_lc_tree *t;
	struct rnd_state r;
	int i, pick, kind;
	void *mem;

	mem = kunit_kzalloc(test, halb_lc_tree_bytes(10), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	prandom_seed_state(&r, 42);
	for (kind = HALB_LC_LC; kind <= HALB_LC_NQ; kind++) {
		t = halb_lc_init(mem, 10, kind);
		for (i = 0; i < 10; i++) {
			st[i] = (struct halb_lc_stat){ .weight = 1 + i % 3 };
			halb_lc_update(t, i, &st[i]);
		}
		for (i = 0; i < 3000; i++) {
			pick = halb_lc_min(t);
			KUNIT_ASSERT_EQ(test, pick, ref_pick(kind, st, 10));
			KUNIT_ASSERT_GE(test, pick, 0);
			st[pick].activeconns++;
			halb_lc_update(t, pick, &st[pick]);
			if (prandom_u32_state(&r) % 3) {
				int j = prandom_u32_state(&r) % 10;

				if (st[j].activeconns) {
					st[j].activeconns--;
					st[j].inactconns++;
					halb_lc_update(t, j, &st[j]);
				}
			}
		}
	}
}

static void lc_nobody_eligible(struct kunit *test)
{
	struct halb_lc_stat s = { .weight = 0 };
	struct halb_lc_tree *t;
	void *mem;
	int i;

	mem = kunit_kzalloc(test, halb_lc_tree_bytes(5), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	t = halb_lc_init(mem, 5, HALB_LC_WLC);
	for (i = 0; i < 5; i++)
		halb_lc_update(t, i, &s);
	KUNIT_EXPECT_EQ(test, halb_lc_min(t), -1);
	s.weight = 1;
	s.overloaded = true;
	halb_lc_update(t, 3, &s);
	KUNIT_EXPECT_EQ(test, halb_lc_min(t), -1);
	s.overloaded = false;
	halb_lc_update(t, 3, &s);
	KUNIT_EXPECT_EQ(test, halb_lc_min(t), 3);
	/* an empty tree */
	t = halb_lc_init(mem, 0, HALB_LC_LC);
	if (t)
		KUNIT_EXPECT_EQ(test, halb_lc_min(t), -1);
}

/* The block holds no pointers: a copy answers the same. */
static void lc_copyable(struct kunit *test)
{
	struct halb_lc_stat s = { .weight = 2, .activeconns = 1 };
	size_t bytes = halb_lc_tree_bytes(33);
	struct halb_lc_tree *t;
	void *a, *b;
	int i;

	a = kunit_kzalloc(test, bytes, GFP_KERNEL);
	b = kunit_kzalloc(test, bytes, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	t = halb_lc_init(a, 33, HALB_LC_SED);
	for (i = 0; i < 33; i++) {
		s.activeconns = (i * 7) % 5 + 1;
		halb_lc_update(t, i, &s);
	}
	memcpy(b, a, bytes);
	KUNIT_EXPECT_EQ(test, halb_lc_min(b), halb_lc_min(t));
	memset(a, 0x5a, bytes);
	KUNIT_EXPECT_GE(test, halb_lc_min(b), 0);
}

static struct kunit_case halb_lc_cases[] = {
	KUNIT_CASE(lc_vs_bruteforce),
	KUNIT_CASE(lc_schedule_loop),
	KUNIT_CASE(lc_nobody_eligible),
	KUNIT_CASE(lc_copyable),
	{}
};

static struct kunit_suite halb_lc_suite = {
	.name = "halb_lc",
	.test_cases = halb_lc_cases,
};
kunit_test_suites(&halb_lc_suite);
