// SPDX-License-Identifier: GPL-2.0
/*
 * FULLNAT local port allocation, pure logic: see lport.h.
 */
#include "lport.h"

#ifdef __KERNEL__
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/minmax.h>
#else
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define __ffs(x)		((unsigned long)__builtin_ctzl(x))
#define min(a, b)		((a) < (b) ? (a) : (b))
static inline int test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long bit = 1UL << (nr % BITS_PER_LONG);

	return __atomic_fetch_or(&addr[nr / BITS_PER_LONG], bit, __ATOMIC_SEQ_CST) & bit ?
	       1 : 0;
}

static inline void clear_bit(unsigned int nr, unsigned long *addr)
{
	__atomic_fetch_and(&addr[nr / BITS_PER_LONG], ~(1UL << (nr % BITS_PER_LONG)),
			   __ATOMIC_SEQ_CST);
}
#endif

int halb_lport_alloc(unsigned long *map, u32 min, u32 max, u32 hint, u32 budget)
{
	u32 range = max - min + 1, todo = min(budget, range), off = hint % range;

	while (todo) {
		u32 port = min + off, word = port / BITS_PER_LONG;
		u32 bit = port % BITS_PER_LONG;
		/* ports of this word from @port on, within the range and budget */
		u32 span = min(min((u32)BITS_PER_LONG - bit, todo), max - port + 1);
		unsigned long want = (~0UL >> (BITS_PER_LONG - span)) << bit;
		unsigned long free = ~READ_ONCE(map[word]) & want;

		while (free) {
			u32 b = __ffs(free);

			if (!test_and_set_bit(word * BITS_PER_LONG + b, map))
				return word * BITS_PER_LONG + b;
			free &= ~(1UL << b);
		}
		todo -= span;
		off += span;
		if (off >= range)
			off = 0;
	}
	return -1;
}

void halb_lport_free(unsigned long *map, u16 port)
{
	clear_bit(port, map);
}
