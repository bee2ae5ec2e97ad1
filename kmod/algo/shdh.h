/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_ALGO_SHDH_H
#define _HALB_ALGO_SHDH_H

#include "types.h"

/*
 * Source hashing (sh) and destination hashing (dh) as IPVS does them, so
 * that the same flows land on the same real servers as with IPVS:
 *
 * - a table of 256 buckets, each naming a real server by its index in the
 *   service's list (newest first, as IPVS's);
 * - dh fills bucket i with server i % n;
 * - sh walks the list giving each server max(weight, 1) consecutive buckets
 *   (a weight of 0 still takes one: IPVS counts a bucket before comparing),
 *   wrapping around to the head until all 256 are filled;
 * - the bucket of an address is hash_32(fold, 8), IPVS's multiplicative
 *   hash (golden ratio 0x61C88647, top 8 bits), where fold is the address
 *   in host order (IPv6: the XOR of its four 32-bit words, in host order);
 *   sh adds the port (host order; 0 unless sh-port) before hashing, and an
 *   offset after it: bucket = (offset + hash_32(port + fold, 8)) & 255.
 *
 * With sh-fallback IPVS's search for an available server starts at
 * bucket 2 * h & 255 (its offset is (k + h) % 256 added to h again) and
 * walks all 256 buckets from there; halb_sh_fallback_bucket() gives the
 * k-th of them.  A constant bound, independent of the pool size.
 */
#define HALB_SHDH_BITS		8
#define HALB_SHDH_SIZE		(1U << HALB_SHDH_BITS)
#define HALB_SHDH_NONE		0xffffffffU

static inline u32 halb_hash_32(u32 val, unsigned int bits)
{
	return (u32)(val * 0x61C88647U) >> (32 - bits);
}

/* The fold of an address: host-order words; IPv4 in w[0], the rest 0. */
static inline u32 halb_shdh_fold(const u32 w[4])
{
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

static inline u32 halb_dh_bucket(u32 fold)
{
	return halb_hash_32(fold, HALB_SHDH_BITS);
}

static inline u32 halb_sh_bucket(u32 fold, u16 port, u32 offset)
{
	return (offset + halb_hash_32((u32)port + fold, HALB_SHDH_BITS)) &
	       (HALB_SHDH_SIZE - 1);
}

/* The k-th bucket (0..255) IPVS's sh-fallback tries after bucket h. */
static inline u32 halb_sh_fallback_bucket(u32 h, u32 k)
{
	return (((k + h) & (HALB_SHDH_SIZE - 1)) + h) & (HALB_SHDH_SIZE - 1);
}

void halb_sh_fill(u32 tab[HALB_SHDH_SIZE], const u32 *weight, u32 n);
void halb_dh_fill(u32 tab[HALB_SHDH_SIZE], u32 n);

#endif /* _HALB_ALGO_SHDH_H */
