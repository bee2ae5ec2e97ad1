// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the schedulers' pure logic against IPVS's behaviour:
 *   - sh/dh bucket tables and bucket hashes (algo/shdh.c) against a
 *     reference written here from the description of IPVS's ip_vs_sh.c /
 *     ip_vs_dh.c (a walk of a circular list with a head, the golden-ratio
 *     multiplicative hash), including sh-fallback's bucket order;
 *   - twos' Fenwick draw (algo/twos.c) against IPVS's walk for every
 *     random value, before and after weight changes;
 *   - distribution within 1% of the weights over 1M simulated flows for
 *     wrr, wlc, sed, lc (equal), twos, sh (algo/wrr.c, lc.c, twos.c,
 *     shdh.c; Maglev's are in test_sched.c).
 * KTAP output; exits 1 on any failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "algo/shdh.h"
#include "algo/twos.h"
#include "algo/lc.h"
#include "algo/wrr.h"

#define FLOWS 1000000
#define LIVE 20000	/* connections open at a time in the simulations */

static int n_test, n_fail;

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

/* xorshift64*: deterministic, independent of the code under test */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint32_t rnd(uint32_t bound)
{
	return bound ? (uint32_t)(rnd64() % bound) : 0;
}

/* ---- reference IPVS sh/dh --------------------------------------------- */

/*
 * ip_vs_sh_reassign(): p walks a circular list whose head is no server
 * (-1 here); at the head it steps to the first server; each bucket takes
 * the server at p, and p moves on once the server has had "weight" buckets
 * (the count is incremented before the comparison, so weight 0 gets one).
 */
static void ref_sh_fill(int tab[256], const int *weight, int n)
{
	int p = -1, count = 0, i;

	for (i = 0; i < 256; i++) {
		if (n == 0) {
			tab[i] = -1;
			continue;
		}
		if (p == -1)
			p = 0;
		tab[i] = p;
		count++;
		if (count >= weight[p]) {
			p = p + 1 < n ? p + 1 : -1;
			count = 0;
		}
	}
}

/* ip_vs_dh_reassign(): the same walk, one bucket per server. */
static void ref_dh_fill(int tab[256], int n)
{
	int p = -1, i;

	for (i = 0; i < 256; i++) {
		if (n == 0) {
			tab[i] = -1;
			continue;
		}
		if (p == -1)
			p = 0;
		tab[i] = p;
		p = p + 1 < n ? p + 1 : -1;
	}
}

/* hash_32(): multiply by 2^32 / phi (0x61C88647), keep the top bits. */
static unsigned int ref_hash_32(uint32_t v, int bits)
{
	uint64_t prod = (uint64_t)v * 0x61C88647ULL;

	return (uint32_t)prod >> (32 - bits);
}

static unsigned int ref_sh_key(uint32_t fold, uint16_t port, unsigned int offset)
{
	return (offset + ref_hash_32((uint32_t)port + fold, 8)) & 255;
}

static int tab_equal(const u32 *t, const int *r)
{
	int i;

	for (i = 0; i < 256; i++)
		if ((int)(t[i] == HALB_SHDH_NONE ? -1 : (int)t[i]) != r[i])
			return 0;
	return 1;
}

static void shdh_tables(void)
{
	int r[256], w[300], n, trial, ok_sh = 1, ok_dh = 1, i;
	u32 t[256], uw[300];

	for (trial = 0; trial < 2000; trial++) {
		n = trial < 300 ? trial : (int)rnd(300);
		for (i = 0; i < n; i++) {
			/* weights around the table size too, and zeros */
			uint32_t k = rnd(10);

			w[i] = k == 0 ? 0 : k < 7 ? (int)rnd(8) : (int)rnd(600);
			uw[i] = w[i];
		}
		ref_sh_fill(r, w, n);
		halb_sh_fill(t, uw, n);
		ok_sh &= tab_equal(t, r);
		ref_dh_fill(r, n);
		halb_dh_fill(t, n);
		ok_dh &= tab_equal(t, r);
	}
	result(ok_sh, "sh: bucket table equals IPVS's fill for 2000 server lists (0..299 servers, weights 0..599)");
	result(ok_dh, "dh: bucket table equals IPVS's fill for 2000 server lists");

	/* a hand-checked case: weights 2,0,1 -> 0 0 1 2 0 0 1 2 ... */
	w[0] = 2, w[1] = 0, w[2] = 1;
	uw[0] = 2, uw[1] = 0, uw[2] = 1;
	halb_sh_fill(t, uw, 3);
	result(t[0] == 0 && t[1] == 0 && t[2] == 1 && t[3] == 2 && t[4] == 0 &&
	       t[255] == 2, "sh: weights 2,0,1 fill 0,0,1,2,0,0,1,2,...");
}

static void shdh_hashes(void)
{
	int ok = 1, okf = 1, ok6 = 1, i;
	unsigned int k;

	/* known answers of hash_32(v, 8) */
	result(halb_hash_32(0, 8) == 0 && halb_hash_32(1, 8) == 0x61 &&
	       halb_hash_32(0xc0000201, 8) == ref_hash_32(0xc0000201, 8) &&
	       ref_hash_32(1, 8) == 0x61,
	       "hash_32: golden-ratio hash, hash_32(1, 8) = 0x61");
	for (i = 0; i < 100000; i++) {
		uint32_t fold = (uint32_t)rnd64();
		uint16_t port = (uint16_t)rnd(65536);
		unsigned int h = ref_sh_key(fold, port, 0);

		ok &= halb_sh_bucket(fold, port, 0) == h;
		ok &= halb_dh_bucket(fold) == ref_hash_32(fold, 8);
		/* IPVS's fallback: roffset = (k + ihash) % 256, key(roffset) */
		for (k = 0; k < 256; k += 37)
			okf &= halb_sh_fallback_bucket(h, k) ==
			       ref_sh_key(fold, port, (k + h) % 256);
	}
	result(ok, "sh/dh: bucket of 100000 random addresses/ports equals IPVS's hashkey");
	result(okf, "sh-fallback: the buckets tried follow IPVS's offsets");
	for (i = 0; i < 1000; i++) {
		u32 w6[4] = { (u32)rnd64(), (u32)rnd64(), (u32)rnd64(), (u32)rnd64() };

		ok6 &= halb_shdh_fold(w6) == (w6[0] ^ w6[1] ^ w6[2] ^ w6[3]);
	}
	result(ok6, "sh/dh: IPv6 folds the four words by XOR");
}

/* sh: flows from random sources spread as the weights' bucket counts. */
static void sh_distribution(void)
{
	u32 w[3] = { 1, 3, 4 }, t[256];
	long cnt[3] = { 0 };
	double worst = 0;
	int i, ok = 1;

	halb_sh_fill(t, w, 3);
	for (i = 0; i < FLOWS; i++) {
		uint32_t src = (uint32_t)rnd64();

		cnt[t[halb_sh_bucket(src, 0, 0)]]++;
	}
	for (i = 0; i < 3; i++) {
		double e = (double)cnt[i] / FLOWS / (w[i] / 8.0) - 1;

		if (e < 0)
			e = -e;
		if (e > worst)
			worst = e;
		ok &= e <= 0.01;
	}
	result(ok, "sh: weights 1,3,4, 1M random sources, shares within 1%% (worst %.2f%%)",
	       worst * 100);
}

/* ---- twos ------------------------------------------------------------- */

/* IPVS's walk: first eligible server whose running sum reaches r. */
static int ref_twos_walk(const u32 *w, int n, int64_t r)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!w[i])
			continue;
		r -= w[i];
		if (r <= 0)
			return i;
	}
	return -1;
}

static struct halb_twos *twos_new(const u32 *w, int n)
{
	struct halb_twos *f = malloc(halb_twos_bytes(n));
	int i;

	halb_twos_init(f, n);
	for (i = 0; i < n; i++)
		halb_twos_set(f, i, 0, w[i]);
	return f;
}

static void twos_exact(void)
{
	u32 w[64];
	int trial, n, i, ok = 1, checked = 0;

	for (trial = 0; trial < 400; trial++) {
		struct halb_twos *f;
		uint64_t total = 0, r;

		n = 1 + (int)rnd(64);
		for (i = 0; i < n; i++)
			w[i] = rnd(4) ? rnd(20) : 0;
		f = twos_new(w, n);
		/* and some changes, as overload comes and goes */
		for (i = 0; i < 10; i++) {
			int k = (int)rnd(n);
			u32 nw = rnd(3) ? rnd(20) : 0;

			halb_twos_set(f, k, w[k], nw);
			w[k] = nw;
		}
		for (i = 0; i < n; i++)
			total += w[i];
		ok &= halb_twos_total(f) == total;
		for (r = 0; r <= total; r++) {
			u32 got = halb_twos_find(f, r ? r : 1);

			ok &= total ? (int)got == ref_twos_walk(w, n, (int64_t)r) : 1;
			checked++;
		}
		ok &= halb_twos_find(f, total + 1) == (u32)n;
		free(f);
	}
	result(ok, "twos: Fenwick draw equals IPVS's walk for every r in 0..W (%d draws, 400 weight lists with zeros and updates)",
	       checked);
}

/* ---- simulated load: FIFO of live connections --------------------------- */

struct sim {
	int n;
	u32 w[16];
	u32 active[16];
	int live[LIVE];
	int head, count;
	long picks[16];
};

static void sim_open(struct sim *s, int d)
{
	s->picks[d]++;
	s->active[d]++;
	if (s->count == LIVE) {
		int old = s->live[s->head];

		s->active[old]--;
		s->live[s->head] = d;
		s->head = (s->head + 1) % LIVE;
	} else {
		s->live[(s->head + s->count++) % LIVE] = d;
	}
}

static int shares_ok(const struct sim *s, const char *what, int equal)
{
	double sum = 0, worst = 0;
	int i, ok = 1;

	for (i = 0; i < s->n; i++)
		sum += equal ? 1 : s->w[i];
	for (i = 0; i < s->n; i++) {
		double want = (equal ? 1 : s->w[i]) / sum;
		double e = (double)s->picks[i] / FLOWS / want - 1;

		if (e < 0)
			e = -e;
		if (e > worst)
			worst = e;
		ok &= e <= 0.01;
	}
	result(ok, "%s: 1M flows, %d live, shares within 1%% of %s (worst %.3f%%)",
	       what, LIVE, equal ? "equal" : "weights", worst * 100);
	return ok;
}

static const u32 sim_w[5] = { 1, 2, 3, 5, 9 };

static void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	s->n = 5;
	memcpy(s->w, sim_w, sizeof(sim_w));
}

static void lc_distribution(enum halb_lc_kind kind, const char *what)
{
	struct halb_lc_tree *t = malloc(halb_lc_tree_bytes(5));
	struct halb_lc_stat st = { 0 };
	struct sim s;
	long i;
	int k;

	sim_init(&s);
	t = halb_lc_init(t, 5, kind);
	for (k = 0; k < 5; k++) {
		st.weight = s.w[k];
		halb_lc_update(t, k, &st);
	}
	for (i = 0; i < FLOWS; i++) {
		int d = halb_lc_min(t), before[16];

		memcpy(before, s.active, sizeof(before));
		sim_open(&s, d);
		for (k = 0; k < 5; k++)
			if ((int)s.active[k] != before[k]) {
				st.activeconns = s.active[k];
				st.weight = s.w[k];
				halb_lc_update(t, k, &st);
			}
	}
	shares_ok(&s, what, kind == HALB_LC_LC);
	free(t);
}

static void wrr_distribution(void)
{
	struct halb_wrr w;
	struct sim s;
	long i;

	sim_init(&s);
	halb_wrr_reset(&w, s.w, 5);
	for (i = 0; i < FLOWS; i++)
		s.picks[halb_wrr_next(&w, s.w, 5, NULL)]++;
	shares_ok(&s, "wrr", 0);
}

/* twos as sched_twos.c does it: two draws, the less loaded per weight. */
static void twos_distribution(void)
{
	struct halb_twos *f;
	struct sim s;
	long i;

	sim_init(&s);
	f = twos_new(s.w, 5);
	for (i = 0; i < FLOWS; i++) {
		uint64_t total = halb_twos_total(f);
		uint64_t r1 = rnd64() % (total + 1), r2 = rnd64() % (total + 1);
		u32 a = halb_twos_find(f, r1 ? r1 : 1), b = halb_twos_find(f, r2 ? r2 : 1);

		if (halb_twos_second((u64)s.active[a] << 8, s.w[a],
				     (u64)s.active[b] << 8, s.w[b]))
			a = b;
		sim_open(&s, (int)a);
	}
	free(f);
	shares_ok(&s, "twos", 0);
}

int main(void)
{
	printf("TAP version 13\n1..15\n");
	shdh_tables();
	shdh_hashes();
	sh_distribution();
	twos_exact();
	lc_distribution(HALB_LC_WLC, "wlc");
	lc_distribution(HALB_LC_SED, "sed");
	lc_distribution(HALB_LC_NQ, "nq");
	lc_distribution(HALB_LC_LC, "lc");
	wrr_distribution();
	twos_distribution();
	return n_fail ? 1 : 0;
}
