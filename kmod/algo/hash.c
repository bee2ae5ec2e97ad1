// SPDX-License-Identifier: GPL-2.0
/*
 * SipHash-1-3, pure logic shared by halb.ko and the host tests: see hash.h.
 */
#include "hash.h"

struct sip_state {
	u64 v0, v1, v2, v3;
};

static inline u64 rotl64(u64 x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl64(s->v2, 32);
}

static inline void sip_init(struct sip_state *s, const struct halb_hash_key *k)
{
	s->v0 = k->k0 ^ 0x736f6d6570736575ULL;
	s->v1 = k->k1 ^ 0x646f72616e646f6dULL;
	s->v2 = k->k0 ^ 0x6c7967656e657261ULL;
	s->v3 = k->k1 ^ 0x7465646279746573ULL;
}

/* One message block, SipHash-1-3: a single compression round. */
static inline void sip_block(struct sip_state *s, u64 m)
{
	s->v3 ^= m;
	sip_round(s);
	s->v0 ^= m;
}

/* @last: the final partial block with the length (mod 256) in its top byte. */
static inline u64 sip_final(struct sip_state *s, u64 last)
{
	sip_block(s, last);
	s->v2 ^= 0xff;
	sip_round(s);
	sip_round(s);
	sip_round(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/**
 * halb_hash_bytes() - SipHash-1-3 of a byte string
 * @data: the bytes (any alignment)
 * @len: their number
 * @key: the 128-bit key
 *
 * Return: the 64-bit hash; equal to the reference SipHash-1-3.
 */
u64 halb_hash_bytes(const void *data, size_t len, const struct halb_hash_key *key)
{
	const u8 *p = data;
	struct sip_state s;
	u64 m, last = (u64)len << 56;
	size_t i, j, left = len & 7;

	sip_init(&s, key);
	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (u64)p[i + j] << (8 * j);
		sip_block(&s, m);
	}
	for (j = 0; j < left; j++)
		last |= (u64)p[i + j] << (8 * j);
	return sip_final(&s, last);
}

/**
 * halb_hash_u32s() - SipHash-1-3 of 32-bit words, by value
 * @w: the words
 * @n: their number
 * @key: the 128-bit key
 *
 * Return: the hash of the words' little-endian bytes, on any machine.
 */
u64 halb_hash_u32s(const u32 *w, size_t n, const struct halb_hash_key *key)
{
	struct sip_state s;
	u64 last = (u64)(n * 4) << 56;
	size_t i;

	sip_init(&s, key);
	for (i = 0; i + 2 <= n; i += 2)
		sip_block(&s, (u64)w[i] | (u64)w[i + 1] << 32);
	if (n & 1)
		last |= w[n - 1];
	return sip_final(&s, last);
}

/**
 * halb_hash_u64() - SipHash-1-3 of one 64-bit value
 * @v: the value
 * @key: the 128-bit key
 *
 * Return: the hash of @v's eight little-endian bytes.
 */
u64 halb_hash_u64(u64 v, const struct halb_hash_key *key)
{
	struct sip_state s;

	sip_init(&s, key);
	sip_block(&s, v);
	return sip_final(&s, (u64)8 << 56);
}

/**
 * halb_hash_addr_port() - 64-bit hash of an address and a port
 * @addr: four words; an IPv4 address goes in addr[0], the rest zero
 * @port: the port (the caller picks byte order, the same one everywhere)
 * @key: the 128-bit key
 *
 * Suitable as a Maglev backend key (struct halb_maglev_backend.key).
 *
 * Return: halb_hash_u32s() of the five words addr[0..3], port.
 */
u64 halb_hash_addr_port(const u32 addr[4], u16 port, const struct halb_hash_key *key)
{
	u32 w[5] = { addr[0], addr[1], addr[2], addr[3], port };

	return halb_hash_u32s(w, 5, key);
}

/**
 * halb_flow_hash() - 32-bit flow hash of a (source) address and port
 * @addr: four words; an IPv4 address goes in addr[0], the rest zero
 * @port: the port, or 0 to hash the address only (IPVS mh without mh-port)
 * @key: the 128-bit key
 *
 * Return: halb_hash_addr_port() folded to 32 bits, e.g. for
 * halb_maglev_lookup().
 */
u32 halb_flow_hash(const u32 addr[4], u16 port, const struct halb_hash_key *key)
{
	u64 h = halb_hash_addr_port(addr, port, key);

	return (u32)(h ^ (h >> 32));
}
