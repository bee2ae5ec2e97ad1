/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_ALGO_HASH_H
#define _HALB_ALGO_HASH_H

#include "types.h"

/*
 * SipHash-1-3 (Aumasson & Bernstein; one compression round, three
 * finalisation rounds, 64-bit output), the variant the kernel's hsiphash
 * uses on 64-bit machines and CPython uses for str/bytes.  Written here
 * once so that halb.ko and the host tests share the same code: the kernel's
 * own jhash/siphash headers are not available to host builds.
 *
 * Byte strings are read as little-endian 64-bit blocks on every machine.
 * Word inputs (u32 arrays, u64 values) are hashed by value, as if laid out
 * little-endian: halb_hash_u32s(w, n, k) equals halb_hash_bytes() of those
 * words' little-endian bytes.  So the same values give the same hash on
 * every architecture; callers that need the same hash on every load
 * balancer of a fleet (Maglev) must feed the same values (e.g. host-order
 * addresses) and the same key.
 *
 * Pure functions: no state, no allocation, any context.
 */
struct halb_hash_key {
	u64 k0;
	u64 k1;
};

u64 halb_hash_bytes(const void *data, size_t len, const struct halb_hash_key *key);
u64 halb_hash_u32s(const u32 *w, size_t n, const struct halb_hash_key *key);
u64 halb_hash_u64(u64 v, const struct halb_hash_key *key);
u64 halb_hash_addr_port(const u32 addr[4], u16 port, const struct halb_hash_key *key);
u32 halb_flow_hash(const u32 addr[4], u16 port, const struct halb_hash_key *key);

#endif /* _HALB_ALGO_HASH_H */
