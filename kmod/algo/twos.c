// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted choice on a Fenwick tree, pure logic: see twos.h.
 */
#include "twos.h"


/**
 * halb_twos_bytes() - memory for a tree of @n servers
 * @n: number of servers
 *
 * Return: size in bytes (8-byte aligned allocation expected).
 */
size_t halb_twos_bytes(u32 n)
{
	return sizeof(struct halb_twos) + ((size_t)n + 1) * sizeof(u64);
}

/**
 * halb_twos_init() - empty tree: every server has weight 0
 * @f: halb_twos_bytes(@n) bytes
 * @n: number of servers
 */
void halb_twos_init(struct halb_twos *f, u32 n)
{
	u32 i;

	f->n = n;
	f->top = 0;
	while (n && (u64)f->top * 2 <= n)
		f->top = f->top ? f->top * 2 : 1;
	f->total = 0;
	for (i = 0; i <= n; i++)
		f->t[i] = 0;
}

/**
 * halb_twos_set() - change server @i's weight from @old_w to @new_w
 * @f: the tree
 * @i: the server, < n
 * @old_w: its weight in the tree now
 * @new_w: its new weight (0 excludes it)
 */
void halb_twos_set(struct halb_twos *f, u32 i, u32 old_w, u32 new_w)
{
	u64 delta = (u64)new_w - (u64)old_w;	/* modulo 2^64: adds or subtracts */
	u32 k;

	if (i >= f->n || old_w == new_w)
		return;
	for (k = i + 1; k <= f->n; k += k & -k)
		WRITE_ONCE(f->t[k], f->t[k] + delta);
	WRITE_ONCE(f->total, f->total + delta);
}

/**
 * halb_twos_find() - first server whose running weight sum reaches @r
 * @f: the tree
 * @r: 1..total
 *
 * Return: the server's index, or n if @r exceeds the total.
 */
u32 halb_twos_find(const struct halb_twos *f, u64 r)
{
	u32 pos = 0, step;

	for (step = f->top; step; step >>= 1) {
		u64 v;

		if (pos + step > f->n)
			continue;
		v = READ_ONCE(f->t[pos + step]);
		if (v < r) {
			pos += step;
			r -= v;
		}
	}
	return pos;
}
