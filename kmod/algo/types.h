/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure scheduling logic is compiled both into halb.ko and into host unit
 * tests (selftests/unit).  This header gives both the same basic types.
 */
#ifndef _HALB_ALGO_TYPES_H
#define _HALB_ALGO_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#else
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
#define BITS_PER_LONG (8 * (int)sizeof(long))
/* Single-copy-atomic accesses, as the kernel's, for lockless readers. */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
static inline bool test_bit(unsigned int nr, const unsigned long *addr)
{
	return (addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1UL;
}
#endif

#endif /* _HALB_ALGO_TYPES_H */
