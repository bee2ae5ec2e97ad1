/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_ALGO_LC_H
#define _HALB_ALGO_LC_H

#include "types.h"

/*
 * The least-connection family (lc, wlc, sed, nq) with IPVS's costs and
 * IPVS's choice, but O(log n) per change and O(1) per pick instead of
 * IPVS's O(n) scan per new connection.
 *
 * An array-based tournament tree over n servers: leaf i holds server i's
 * cost, each inner node the index of the cheapest server below it (the
 * left, lower-index one on a tie), the root the overall pick.  Costs are
 * compared by cross-multiplication, exactly (96-bit products), never by
 * division:
 *
 *   lc   overhead = activeconns * 256 + inactconns; least overhead
 *   wlc  overhead / weight:  a chosen over b iff a.oh * b.w < b.oh * a.w
 *   sed  (activeconns + 1) / weight, compared the same way
 *   nq   a server with activeconns == 0 first (the lowest index of them),
 *        otherwise as sed
 *
 * A server with weight 0 or overloaded (IPVS's IP_VS_DEST_F_OVERLOAD) is
 * never chosen.  Among equal costs the lowest index wins, so the pick is
 * the one IPVS's scan of the list in index order makes (it replaces its
 * candidate only on a strictly smaller cost).  The result equals IPVS's
 * wherever IPVS's int overhead does not overflow (activeconns < 2^23); past
 * that this is exact and IPVS is not.
 *
 * Memory: the caller allocates halb_lc_tree_bytes(n) bytes (8-byte
 * aligned, e.g. kmalloc) and passes them to halb_lc_init(); nothing else is
 * allocated.  No pointers are stored inside, so the block may be copied.
 *
 * Concurrency contract: halb_lc_init() and halb_lc_update() need external
 * serialisation (the kernel glue holds a per-service spinlock around every
 * update).  halb_lc_min() may run concurrently with an update without a
 * lock: it reads one aligned u32 (READ_ONCE; updates use WRITE_ONCE) and
 * always returns -1 or an index < n, but may return the pick from just
 * before or in the middle of a concurrent update, i.e. a server that was
 * minimal a moment ago.  Callers re-check the chosen server if they need
 * to (e.g. it may have just become overloaded) and otherwise accept the
 * racy-but-safe snapshot, as IPVS's unlocked scan does.
 */
enum halb_lc_kind {
	HALB_LC_LC,
	HALB_LC_WLC,
	HALB_LC_SED,
	HALB_LC_NQ,
};

/* One server's inputs to its cost. */
struct halb_lc_stat {
	u32 activeconns;
	u32 inactconns;
	u32 weight;		/* 0: never chosen */
	bool overloaded;	/* never chosen */
};

/* Largest n the tree supports. */
#define HALB_LC_MAX_SERVERS	0x1000000U

struct halb_lc_leaf {
	u64 num;		/* cost numerator */
	u32 den;		/* cost denominator (1 for lc) */
	u32 cls;		/* 0 nq idle, 1 compare num/den, 2 never */
};

struct halb_lc_tree {
	u32 n;			/* servers */
	u32 size;		/* leaves in the tree: a power of two >= n */
	u32 kind;		/* enum halb_lc_kind */
	u32 pad;
	struct halb_lc_leaf leaf[];	/* n of them, then u32 win[2 * size] */
};

size_t halb_lc_tree_bytes(u32 n);
struct halb_lc_tree *halb_lc_init(void *mem, u32 n, enum halb_lc_kind kind);
void halb_lc_update(struct halb_lc_tree *t, u32 i, const struct halb_lc_stat *s);
int halb_lc_min(const struct halb_lc_tree *t);

#endif /* _HALB_ALGO_LC_H */
