// SPDX-License-Identifier: GPL-2.0
/*
 * Least-connection family on a tournament tree, pure logic: see lc.h.
 */
#include "lc.h"

#define LC_NONE		0xffffffffU
#define LC_CLS_IDLE	0
#define LC_CLS_COST	1
#define LC_CLS_NEVER	2

static inline u32 *lc_win(const struct halb_lc_tree *t)
{
	return (u32 *)&t->leaf[t->n];
}

static u32 lc_leaves(u32 n)
{
	u32 size = 1;

	while (size < n)
		size <<= 1;
	return size;
}

/**
 * halb_lc_tree_bytes() - memory halb_lc_init() needs for @n servers
 * @n: number of servers, at most HALB_LC_MAX_SERVERS
 *
 * Header, 16 bytes per server, and 8 bytes per leaf of the tree (n rounded
 * up to a power of two): about 24..32 bytes per server.
 *
 * Return: the size in bytes, or 0 if @n is too large.
 */
size_t halb_lc_tree_bytes(u32 n)
{
	if (n > HALB_LC_MAX_SERVERS)
		return 0;
	return sizeof(struct halb_lc_tree) + (size_t)n * sizeof(struct halb_lc_leaf) +
	       (size_t)lc_leaves(n) * 2 * sizeof(u32);
}

/**
 * halb_lc_init() - lay out an empty tree in caller memory
 * @mem: halb_lc_tree_bytes(@n) bytes, 8-byte aligned
 * @n: number of servers
 * @kind: the cost function
 *
 * Every server starts as never chosen; halb_lc_update() each of them.
 *
 * Return: the tree (== @mem), or NULL if @n is too large.
 */
struct halb_lc_tree *halb_lc_init(void *mem, u32 n, enum halb_lc_kind kind)
{
	struct halb_lc_tree *t = mem;
	u32 i, *win;

	if (n > HALB_LC_MAX_SERVERS)
		return NULL;
	t->n = n;
	t->size = lc_leaves(n);
	t->kind = kind;
	t->pad = 0;
	for (i = 0; i < n; i++) {
		t->leaf[i].num = 0;
		t->leaf[i].den = 1;
		t->leaf[i].cls = LC_CLS_NEVER;
	}
	win = lc_win(t);
	for (i = 0; i < 2 * t->size; i++)
		win[i] = LC_NONE;
	return t;
}

/* a * b as a 128-bit number (hi, lo); a < 2^64, b < 2^32. */
static inline void mul_64x32(u64 a, u32 b, u64 *hi, u64 *lo)
{
	u64 p0 = (u64)(u32)a * b;
	u64 p1 = (a >> 32) * b;
	u64 l = p0 + (p1 << 32);

	*hi = (p1 >> 32) + (l < p0);
	*lo = l;
}

/* Strictly cheaper: a.num / a.den < b.num / b.den, both in class COST. */
static bool lc_less(const struct halb_lc_leaf *a, const struct halb_lc_leaf *b)
{
	u64 ah, al, bh, bl;

	if (a->cls != b->cls)
		return a->cls < b->cls;
	if (a->cls != LC_CLS_COST)
		return false;
	mul_64x32(a->num, b->den, &ah, &al);
	mul_64x32(b->num, a->den, &bh, &bl);
	return ah < bh || (ah == bh && al < bl);
}

/* The winner of two subtrees; @l holds the lower indices and wins ties. */
static inline u32 lc_match(const struct halb_lc_tree *t, u32 l, u32 r)
{
	if (l == LC_NONE)
		return r;
	if (r == LC_NONE)
		return l;
	return lc_less(&t->leaf[r], &t->leaf[l]) ? r : l;
}

static void lc_set_leaf(struct halb_lc_leaf *lf, enum halb_lc_kind kind,
			const struct halb_lc_stat *s)
{
	u64 overhead = ((u64)s->activeconns << 8) + s->inactconns;

	lf->cls = LC_CLS_COST;
	if (!s->weight || s->overloaded) {
		lf->cls = LC_CLS_NEVER;
		lf->num = 0;
		lf->den = 1;
		return;
	}
	switch (kind) {
	case HALB_LC_LC:
		lf->num = overhead;
		lf->den = 1;
		break;
	case HALB_LC_WLC:
		lf->num = overhead;
		lf->den = s->weight;
		break;
	case HALB_LC_NQ:
		if (!s->activeconns)
			lf->cls = LC_CLS_IDLE;
		lf->num = (u64)s->activeconns + 1;
		lf->den = s->weight;
		break;
	case HALB_LC_SED:
	default:
		lf->num = (u64)s->activeconns + 1;
		lf->den = s->weight;
		break;
	}
}

/**
 * halb_lc_update() - set one server's cost inputs, O(log n)
 * @t: the tree
 * @i: the server, < n (larger is ignored)
 * @s: its connection counts, weight and overload state
 *
 * Needs external serialisation against other updates (see lc.h); safe
 * against concurrent halb_lc_min().
 */
void halb_lc_update(struct halb_lc_tree *t, u32 i, const struct halb_lc_stat *s)
{
	u32 *win = lc_win(t);
	u32 k, old, new;

	if (i >= t->n)
		return;
	lc_set_leaf(&t->leaf[i], t->kind, s);
	k = t->size + i;
	WRITE_ONCE(win[k], t->leaf[i].cls == LC_CLS_NEVER ? LC_NONE : i);
	for (k >>= 1; k; k >>= 1) {
		old = win[k];
		new = lc_match(t, win[2 * k], win[2 * k + 1]);
		/* Same other winner below: nothing above can change. */
		if (new == old && new != i)
			break;
		WRITE_ONCE(win[k], new);
	}
}

/**
 * halb_lc_min() - the server to pick, O(1)
 * @t: the tree
 *
 * Lockless; see lc.h for what a concurrent update means.
 *
 * Return: the lowest-index server of least cost, or -1 when every server
 * has weight 0 or is overloaded (or n is 0).
 */
int halb_lc_min(const struct halb_lc_tree *t)
{
	u32 r = READ_ONCE(lc_win(t)[1]);

	if (!t->n || r == LC_NONE)
		return -1;
	return (int)r;
}
