// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the scheduling algorithms compiled from kmod/algo/:
 * Maglev (maglev.c), the least-connection tournament tree (lc.c) and the
 * SipHash-1-3 helpers (hash.c).  KTAP output; exits 1 on any failure.
 *
 * Build and run from the top of the tree:
 *   gcc -O2 -Wall -Wextra -Werror -std=gnu11 -Ikmod -Iinclude \
 *	selftests/unit/kmod/test_sched.c kmod/algo/maglev.c kmod/algo/lc.c \
 *	kmod/algo/hash.c -o test_sched && ./test_sched
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "algo/maglev.h"
#include "algo/lc.h"
#include "algo/hash.h"

#define FLOWS 1000000

static int n_test, n_fail;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void result(int ok, const char *fmt, ...) __attribute__((__format__(printf, 2, 3)));

static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	n_test++;
	if (!ok)
		n_fail++;
	printf("%sok %d ", ok ? "" : "not ", n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const struct halb_hash_key flow_key = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
static const struct halb_hash_key rng_key = { 0x1111111111111111ULL, 0x2222222222222222ULL };
static const struct halb_hash_key be_key = { 0x3333333333333333ULL, 0x4444444444444444ULL };

/* Random numbers: the hash of a counter. */
static u64 rng_ctr;

static u64 rnd64(void)
{
	return halb_hash_u64(rng_ctr++, &rng_key);
}

static u32 rnd(u32 bound)
{
	return bound ? (u32)(rnd64() % bound) : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Backend k: 10.0.0.(k+1):80. */
static u64 backend_key(int k)
{
	u32 addr[4] = { 0x0a000001 + k, 0, 0, 0 };

	return halb_hash_addr_port(addr, 80, &be_key);
}

static u32 flow(long i)
{
	return (u32)halb_hash_u64(i, &flow_key);
}

static u32 *build(u32 m, const struct halb_maglev_backend *b, int n, int *err)
{
	u32 *t = malloc(halb_maglev_table_bytes(m));
	void *scratch = malloc(halb_maglev_scratch_bytes(n) + 8);

	*err = halb_maglev_build(t, m, b, n, scratch);
	free(scratch);
	return t;
}

/*
 * Table shares against weights (maglev.h: within max(1, n * w / sum) slots
 * of M * w / sum) and, if @flows, 1M flows' shares within 1% of w / sum.
 */
static int check_shares(const u32 *w, int n, int flows, const char *what)
{
	struct halb_maglev_backend b[16];
	long cnt[16] = { 0 }, slots[16] = { 0 }, i;
	u32 m = HALB_MAGLEV_DEFAULT_SIZE, *t, sum = 0;
	double worst = 0, worst_slot = 0;
	int k, err, ok = 1;
	char buf[256];
	int len = 0;

	for (k = 0; k < n; k++) {
		b[k].key = backend_key(k);
		b[k].weight = w[k];
		sum += w[k];
	}
	t = build(m, b, n, &err);
	ok &= err == 0;
	for (i = 0; i < m; i++) {
		if (t[i] >= (u32)n)
			ok = 0;
		else
			slots[t[i]]++;
	}
	for (i = 0; i < FLOWS; i++) {
		u32 d = halb_maglev_lookup(t, m, flow(i));

		if (d >= (u32)n)
			ok = 0;
		else
			cnt[d]++;
	}
	for (k = 0; k < n; k++) {
		double want = (double)w[k] / sum, got = (double)cnt[k] / FLOWS;
		double e = got / want - 1, want_slots = (double)m * w[k] / sum;

		if (e < 0)
			e = -e;
		if (e > worst)
			worst = e;
		if (flows && e > 0.01)
			ok = 0;
		e = slots[k] - want_slots;
		if (e < 0)
			e = -e;
		if (e > worst_slot)
			worst_slot = e;
		if (e > 1 && e > (double)n * w[k] / sum + 1e-9)
			ok = 0;
		if (k < 10)
			len += snprintf(buf + len, sizeof(buf) - len, "%s%.4f", k ? " " : "", got);
	}
	free(t);
	if (flows)
		result(ok, "maglev: %s: 1M flows, shares %s (worst %.2f%% off; table slots within %.2f of M*w/sum)",
		       what, buf, worst * 100, worst_slot);
	else
		result(ok, "maglev: %s: table slots within %.2f of M*w/sum (bound max(1, n*w/sum))",
		       what, worst_slot);
	return ok;
}

static void maglev_equal(void)
{
	u32 w[10] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };

	check_shares(w, 10, 1, "10 equal backends, within 1% of 1/10");
}

static void maglev_weighted(void)
{
	u32 w[4] = { 1, 2, 3, 4 }, w2[5] = { 100, 101, 65535, 1, 7 };

	check_shares(w, 4, 1, "weights 1,2,3,4, within 1% of w/sum");
	check_shares(w2, 5, 0, "weights 100,101,65535,1,7");
}

/* Backends 10.0.0.(k+1):80 under hash key @bk. */
static void backends(struct halb_maglev_backend *b, int n, const struct halb_hash_key *bk)
{
	int k;

	for (k = 0; k < n; k++) {
		u32 addr[4] = { 0x0a000001 + k, 0, 0, 0 };

		b[k].key = halb_hash_addr_port(addr, 80, bk);
		b[k].weight = 1;
	}
}

/* Pairs of backends whose permutations share a skip (the same cycle). */
static int skip_collisions(const struct halb_maglev_backend *b, int n, u32 m)
{
	u32 off, skip[16], s2;
	int i, j, c = 0;

	for (i = 0; i < n; i++) {
		halb_maglev_perm(b[i].key, m, &off, &skip[i]);
		for (j = 0; j < i; j++) {
			halb_maglev_perm(b[j].key, m, &off, &s2);
			c += skip[i] == s2;
		}
	}
	return c;
}

/*
 * Remove backend @gone of 10 (from the array; and, separately, by weight 0).
 * Returns the fraction of 1M flows that move; *others_moved: the fraction
 * of the flows not on @gone that move.
 */
static double remove_one(const struct halb_maglev_backend *b, int gone, double *others_moved,
			 int *same0)
{
	struct halb_maglev_backend b9[9], bz[10];
	u32 m = HALB_MAGLEV_DEFAULT_SIZE, *t, *t9, *tz;
	int id9[9], k, j, err, e2, e3;
	long moved = 0, others = 0, om = 0, i;

	memcpy(bz, b, sizeof(bz));
	bz[gone].weight = 0;
	for (k = 0, j = 0; k < 10; k++)
		if (k != gone) {
			b9[j] = b[k];
			id9[j++] = k;
		}
	t = build(m, b, 10, &err);
	t9 = build(m, b9, 9, &e2);
	tz = build(m, bz, 10, &e3);
	*same0 = !err && !e2 && !e3;
	for (i = 0; i < FLOWS; i++) {
		u32 h = flow(i), before = halb_maglev_lookup(t, m, h);
		u32 after = id9[halb_maglev_lookup(t9, m, h)];

		moved += before != after;
		if (before != (u32)gone) {
			others++;
			om += before != after;
		}
		if (halb_maglev_lookup(tz, m, h) != after)
			*same0 = 0;
	}
	free(t);
	free(t9);
	free(tz);
	*others_moved = (double)om / others;
	return (double)moved / FLOWS;
}

static void maglev_disruption(void)
{
	static const struct halb_hash_key fleet = { 0x5555555555555555ULL, 0x6666666666666666ULL };
	struct halb_maglev_backend b[11];
	double worst = 0, sum = 0, worst_om = 0, f, om;
	int k, same0 = 1, s0, ok;
	u32 m = HALB_MAGLEV_DEFAULT_SIZE, *t, *t11;
	long moved = 0, i;

	/* Keys with no two skips alike: the usual case (see below). */
	backends(b, 11, &fleet);
	ok = skip_collisions(b, 11, m) == 0;
	for (k = 0; k < 10; k++) {
		f = remove_one(b, k, &om, &s0);
		same0 &= s0;
		sum += f;
		if (f > worst)
			worst = f;
		if (om > worst_om)
			worst_om = om;
	}
	ok &= worst <= 1.0 / 10 + 0.01;
	result(ok, "maglev: remove 1 of 10 (each in turn): %.2f%% of 1M flows move on average, %.2f%% at worst (limit 11%%); of the others >= %.2f%% stay",
	       100 * sum / 10, 100 * worst, 100 * (1 - worst_om));
	result(same0, "maglev: weight 0 gives the same table as removal from the array");

	/* Adding an 11th backend: moves about 1/11 of the flows. */
	t = build(m, b, 10, &s0);
	t11 = build(m, b, 11, &k);
	for (i = 0; i < FLOWS; i++) {
		u32 h = flow(i);

		moved += halb_maglev_lookup(t, m, h) != halb_maglev_lookup(t11, m, h);
	}
	result(!s0 && !k && moved <= FLOWS * (1.0 / 11 + 0.01),
	       "maglev: add an 11th backend: %.2f%% of 1M flows move (limit %.2f%%)",
	       100.0 * moved / FLOWS, 100.0 / 11 + 1);
	free(t);
	free(t11);

	/*
	 * The known weakness of Maglev (and IPVS mh): two backends whose skips
	 * collide (chance ~ n^2 / 2 / (M - 1), 0.07% for n = 10) walk the same
	 * cycle, so removing one moves ~1% more.  be_key's backends 3 and 8 do.
	 */
	backends(b, 10, &be_key);
	f = remove_one(b, 3, &om, &s0);
	result(skip_collisions(b, 10, m) == 1 && f <= 1.0 / 10 + 0.02,
	       "maglev: remove 1 of 10 whose skip another shares: %.2f%% move, %.2f%% of the others (limit 12%%)",
	       100 * f, 100 * om);
}

static void maglev_empty_and_time(void)
{
	struct halb_maglev_backend b[1000];
	u32 m = HALB_MAGLEV_DEFAULT_SIZE, *t;
	int k, err, ok = 1;
	long i;
	double t0, dt;

	for (k = 0; k < 1000; k++) {
		b[k].key = backend_key(k);
		b[k].weight = 0;
	}
	t = build(m, b, 10, &err);
	ok &= !err;
	for (i = 0; i < m; i++)
		ok &= t[i] == HALB_MAGLEV_NONE;
	for (i = 0; i < 1000; i++)
		ok &= halb_maglev_lookup(t, m, flow(i)) == HALB_MAGLEV_NONE;
	free(t);
	t = build(m, b, 0, &err);
	ok &= !err && t[0] == HALB_MAGLEV_NONE && t[m - 1] == HALB_MAGLEV_NONE;
	free(t);
	result(ok, "maglev: all weights 0 (and no backends): every lookup is NONE");

	for (k = 0; k < 1000; k++)
		b[k].weight = 1 + k % 7;
	t = malloc(halb_maglev_table_bytes(131071));
	{
		void *s = malloc(halb_maglev_scratch_bytes(1000));

		t0 = now();
		err = halb_maglev_build(t, m, b, 10, s);
		dt = now() - t0;
		printf("# maglev: build M=65537, 10 backends: %.2f ms\n", dt * 1e3);
		t0 = now();
		err |= halb_maglev_build(t, m, b, 1000, s);
		dt = now() - t0;
		printf("# maglev: build M=65537, 1000 backends (weights 1..7): %.2f ms\n", dt * 1e3);
		t0 = now();
		err |= halb_maglev_build(t, 131071, b, 1000, s);
		dt = now() - t0;
		printf("# maglev: build M=131071, 1000 backends: %.2f ms\n", dt * 1e3);
		free(s);
	}
	free(t);
	result(!err && dt < 1.0, "maglev: builds take well under a second");
}

static void maglev_sizes(void)
{
	static const u32 primes[] = { 251, 509, 1021, 2039, 4093, 8191, 16381,
				      32749, 65521, 131071 };
	struct halb_maglev_backend b[300];
	u32 t[256], seen[300] = { 0 }, *tt;
	u64 scratch[300 * 8];
	int ok = 1, k, err;
	unsigned int bits;

	ok &= halb_maglev_table_size(0) == 65537;
	for (bits = 8; bits <= 17; bits++)
		ok &= halb_maglev_table_size(bits) == primes[bits - 8] &&
		      halb_maglev_size_valid(primes[bits - 8]);
	ok &= !halb_maglev_table_size(7) && !halb_maglev_table_size(18);
	ok &= halb_maglev_size_valid(65537) && !halb_maglev_size_valid(65536) &&
	      !halb_maglev_size_valid(1) && !halb_maglev_size_valid(0);
	ok &= halb_maglev_build(t, 256, b, 0, scratch) == -EINVAL;
	ok &= halb_maglev_build(t, 251, b, -1, scratch) == -EINVAL;
	result(ok, "maglev: size policy (default 65537, IPVS primes 251..131071), bad sizes refused");

	/* More backends than slots: every slot taken, no backend twice. */
	ok = 1;
	for (k = 0; k < 300; k++) {
		b[k].key = backend_key(k);
		b[k].weight = 1;
	}
	ok &= halb_maglev_build(t, 251, b, 300, scratch) == 0;
	for (k = 0; k < 251; k++) {
		if (t[k] >= 300 || seen[t[k]]++)
			ok = 0;
	}
	/* Deterministic: the same input gives the same table. */
	tt = build(251, b, 300, &err);
	ok &= !err && !memcmp(tt, t, 251 * sizeof(u32));
	free(tt);
	result(ok, "maglev: 300 backends in 251 slots: table full, one slot each; deterministic");
}

/* IPVS-style O(n) scans (ip_vs_{lc,wlc,sed,nq}.c), exact arithmetic. */
#define u128 unsigned __int128

static int ref_pick(const struct halb_lc_stat *s, int n, enum halb_lc_kind kind)
{
	int least = -1, i;
	u64 loh = 0, doh;

	for (i = 0; i < n; i++) {
		if (s[i].overloaded || !s[i].weight)
			continue;
		switch (kind) {
		case HALB_LC_LC:
			doh = ((u64)s[i].activeconns << 8) + s[i].inactconns;
			if (least < 0 || doh < loh) {
				least = i;
				loh = doh;
			}
			break;
		case HALB_LC_WLC:
		case HALB_LC_SED:
			doh = kind == HALB_LC_WLC ?
			      ((u64)s[i].activeconns << 8) + s[i].inactconns :
			      (u64)s[i].activeconns + 1;
			if (least < 0 || (u128)loh * s[i].weight > (u128)doh * s[least].weight) {
				least = i;
				loh = doh;
			}
			break;
		case HALB_LC_NQ:
			doh = (u64)s[i].activeconns + 1;
			if (!s[i].activeconns)
				return i;
			if (least < 0 || (u128)loh * s[i].weight > (u128)doh * s[least].weight) {
				least = i;
				loh = doh;
			}
			break;
		}
	}
	return least;
}

static u32 rnd_count(void)
{
	switch (rnd(4)) {
	case 0:
		return rnd(3);		/* ties and idle servers */
	case 1:
		return rnd(50);
	case 2:
		return rnd(100000);
	default:
		return (u32)rnd64();	/* past IPVS's int overhead */
	}
}

static void rnd_stat(struct halb_lc_stat *s)
{
	u32 r = rnd(10);

	s->weight = r < 2 ? 0 : r < 6 ? 1 + rnd(4) : r < 9 ? 1 + rnd(65535) : (u32)rnd64();
	s->activeconns = rnd_count();
	s->inactconns = rnd_count();
	s->overloaded = rnd(10) == 0;
}

static const char *const kind_name[] = { "lc", "wlc", "sed", "nq" };

static int lc_random(int n, enum halb_lc_kind kind, long updates)
{
	struct halb_lc_stat s[64];
	struct halb_lc_tree *t = malloc(halb_lc_tree_bytes(n));
	int ok = 1, i;
	long u;

	if (halb_lc_init(t, n, kind) != t)
		ok = 0;
	ok &= halb_lc_min(t) == -1;
	for (i = 0; i < n; i++) {
		rnd_stat(&s[i]);
		halb_lc_update(t, i, &s[i]);
		ok &= halb_lc_min(t) == ref_pick(s, i + 1, kind);
	}
	for (u = 0; u < updates && ok; u++) {
		i = rnd(n);
		switch (rnd(4)) {
		case 0:		/* a connection comes or goes, as on the packet path */
			if (s[i].activeconns && rnd(2))
				s[i].activeconns--;
			else
				s[i].activeconns++;
			break;
		case 1:
			s[i].inactconns = rnd(3) ? s[i].inactconns + 1 : rnd_count();
			break;
		default:
			rnd_stat(&s[i]);
			break;
		}
		halb_lc_update(t, i, &s[i]);
		if (halb_lc_min(t) != ref_pick(s, n, kind)) {
			printf("# %s n=%d update %ld: tree %d, scan %d\n", kind_name[kind], n,
			       u, halb_lc_min(t), ref_pick(s, n, kind));
			ok = 0;
		}
	}
	free(t);
	return ok;
}

static void lc_tests(void)
{
	static const int sizes[] = { 0, 1, 2, 3, 5, 17, 32, 33, 64 };
	enum halb_lc_kind kind;
	unsigned int j;
	int ok;

	for (kind = HALB_LC_LC; kind <= HALB_LC_NQ; kind++)
		result(lc_random(50, kind, 100000),
		       "lc: %s, 50 servers, 100000 random updates: tree pick == IPVS scan after each",
		       kind_name[kind]);
	ok = 1;
	for (kind = HALB_LC_LC; kind <= HALB_LC_NQ; kind++)
		for (j = 0; j < ARRAY_SIZE(sizes); j++)
			ok &= lc_random(sizes[j], kind, sizes[j] ? 5000 : 0);
	result(ok, "lc: all kinds, n = 0,1,2,3,5,17,32,33,64: tree pick == IPVS scan");
}

static void lc_ties(void)
{
	struct halb_lc_stat s = { 3, 0, 2, false }, z = { 0 };
	struct halb_lc_tree *t = malloc(halb_lc_tree_bytes(5));
	int ok = 1, i;

	halb_lc_init(t, 5, HALB_LC_WLC);
	for (i = 0; i < 5; i++)
		halb_lc_update(t, i, &s);
	ok &= halb_lc_min(t) == 0;
	s.activeconns = 6;		/* 6*256/4 == 3*256/2: tie, lower index */
	s.weight = 4;
	halb_lc_update(t, 0, &s);
	halb_lc_update(t, 4, &z);	/* weight 0: out */
	ok &= halb_lc_min(t) == 0;
	s.activeconns = 7;
	halb_lc_update(t, 0, &s);
	ok &= halb_lc_min(t) == 1;
	for (i = 0; i < 5; i++)
		halb_lc_update(t, i, &z);
	ok &= halb_lc_min(t) == -1;
	free(t);
	result(ok, "lc: wlc ties go to the lowest index, weight 0 never, all out gives -1");
}

static void hash_vectors(void)
{
	static const struct halb_hash_key zero = { 0, 0 };
	u8 buf[64];
	u32 w[5] = { 0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c, 0x13121110 };
	int ok = 1, i;

	for (i = 0; i < 64; i++)
		buf[i] = i;
	/* CPython 3.11 (siphash13): PYTHONHASHSEED=0 python3 -c 'print(hash(b"abc"))' */
	ok &= halb_hash_bytes("abc", 3, &zero) == (u64)-4594863902769663758LL;
	ok &= halb_hash_bytes(buf, 15, &zero) == (u64)-932606700130547222LL;
	ok &= halb_hash_bytes(buf, 64, &zero) == (u64)8493894268803903686LL;
	for (i = 0; i <= 5; i++)
		ok &= halb_hash_u32s(w, i, &flow_key) == halb_hash_bytes(buf, 4 * i, &flow_key);
	ok &= halb_hash_u64(0x0706050403020100ULL, &flow_key) == halb_hash_bytes(buf, 8, &flow_key);
	result(ok, "hash: SipHash-1-3 matches CPython's vectors; word and byte forms agree");
}

/* Flip each input bit of many random inputs; count flipped output bits. */
static void hash_avalanche(void)
{
	static long flips[160][64];
	const int samples = 4000;
	double avg32, avg64, lo = 1, hi = 0;
	long tot32 = 0, tot64 = 0;
	int s, bit, o, ok;

	for (s = 0; s < samples; s++) {
		u32 addr[4] = { (u32)rnd64(), (u32)rnd64(), (u32)rnd64(), (u32)rnd64() };
		u16 port = rnd64();
		u32 h = halb_flow_hash(addr, port, &flow_key);
		u64 v = rnd64(), g = halb_hash_u64(v, &flow_key);

		for (bit = 0; bit < 144; bit++) {
			u32 a2[4] = { addr[0], addr[1], addr[2], addr[3] }, d;
			u16 p2 = port;

			if (bit < 128)
				a2[bit / 32] ^= 1U << (bit % 32);
			else
				p2 ^= 1U << (bit - 128);
			d = h ^ halb_flow_hash(a2, p2, &flow_key);
			tot32 += __builtin_popcount(d);
			for (o = 0; o < 32; o++)
				flips[bit][o] += (d >> o) & 1;
		}
		for (bit = 0; bit < 64; bit++)
			tot64 += __builtin_popcountll(g ^ halb_hash_u64(v ^ (1ULL << bit), &flow_key));
	}
	avg32 = (double)tot32 / samples / 144 / 32;
	avg64 = (double)tot64 / samples / 64 / 64;
	for (bit = 0; bit < 144; bit++)
		for (o = 0; o < 32; o++) {
			double p = (double)flips[bit][o] / samples;

			if (p < lo)
				lo = p;
			if (p > hi)
				hi = p;
		}
	ok = avg32 >= 0.45 && avg32 <= 0.55 && avg64 >= 0.45 && avg64 <= 0.55;
	result(ok, "hash: avalanche, one input bit flips %.2f%% of flow hash bits, %.2f%% of u64 hash bits",
	       avg32 * 100, avg64 * 100);
	result(lo >= 0.40 && hi <= 0.60,
	       "hash: each (input bit, output bit) flips with probability %.3f..%.3f", lo, hi);
}

int main(void)
{
	maglev_equal();
	maglev_weighted();
	maglev_disruption();
	maglev_empty_and_time();
	maglev_sizes();
	lc_tests();
	lc_ties();
	hash_vectors();
	hash_avalanche();
	return n_fail ? 1 : 0;
}
