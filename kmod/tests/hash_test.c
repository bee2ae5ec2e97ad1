// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SipHash-1-3 (algo/hash.c).  The vectors: key 00 01 .. 0f and
 * messages 00 01 .. (len-1), as in the reference implementation's
 * vectors; computed with an independent Python SipHash-1-3 that was itself
 * checked against CPython's hash() of bytes (SipHash-1-3 since 3.11, zero
 * key with PYTHONHASHSEED=0).
 */
#include <kunit/test.h>
#include <linux/string.h>
#include "algo/hash.h"

static const struct halb_hash_key ref_key = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
static const struct halb_hash_key flow_key = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

static const u64 sip13_vectors[16] = {
	0xabac0158050fc4dcULL, 0xc9f49bf37d57ca93ULL, 0x82cb9b024dc7d44dULL,
	0x8bf80ab8e7ddf7fbULL, 0xcf75576088d38328ULL, 0xdef9d52f49533b67ULL,
	0xc50d2b50c59f22a7ULL, 0xd3927d989bb11140ULL, 0x369095118d299a8eULL,
	0x25a48eb36c063de4ULL, 0x79de85ee92ff097fULL, 0x70c118c1f94dc352ULL,
	0x78a384b157b4d9a2ULL, 0x306f760c1229ffa7ULL, 0x605aa111c0f95d34ULL,
	0xd320d86d2a519956ULL,
};

static void hash_reference_vectors(struct kunit *test)
{
	u8 msg[16];
	int i;

	for (i = 0; i < 16; i++)
		msg[i] = i;
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ_MSG(test, halb_hash_bytes(msg, i, &ref_key), sip13_vectors[i],
				    "length %d", i);
}

static void hash_more_vectors(struct kunit *test)
{
	u8 msg[64];
	int i;

	for (i = 0; i < 64; i++)
		msg[i] = i;
	KUNIT_EXPECT_EQ(test, halb_hash_bytes("halb", 4, &flow_key), 0x445ba0b9fa780a77ULL);
	KUNIT_EXPECT_EQ(test, halb_hash_bytes(msg, 64, &flow_key), 0xe1023bd0bada9cf5ULL);
	KUNIT_EXPECT_EQ(test, halb_hash_u64(0x0102030405060708ULL, &flow_key),
			0x1d3c1fb6efdbe2e2ULL);
}

/* Any alignment of the input gives the same hash. */
static void hash_unaligned(struct kunit *test)
{
	u8 buf[80];
	u64 want;
	int off, len;

	for (len = 0; len < 40; len++) {
		for (off = 0; off < len; off++)
			buf[off] = off * 37 + 1;
		want = halb_hash_bytes(buf, len, &flow_key);
		for (off = 1; off < 8; off++) {
			memmove(buf + off, buf + off - 1, len);
			KUNIT_EXPECT_EQ_MSG(test, halb_hash_bytes(buf + off, len, &flow_key), want,
					    "len %d offset %d", len, off);
		}
	}
}

/* Word inputs hash as their little-endian bytes (hash.h). */
static void hash_words_as_bytes(struct kunit *test)
{
	u32 w[9];
	__le32 le[9];
	int n, i;

	for (i = 0; i < 9; i++) {
		w[i] = 0x01020304u * (i + 1) ^ 0xdeadbeef;
		le[i] = cpu_to_le32(w[i]);
	}
	for (n = 0; n <= 9; n++)
		KUNIT_EXPECT_EQ_MSG(test, halb_hash_u32s(w, n, &flow_key),
				    halb_hash_bytes(le, 4 * n, &flow_key), "%d words", n);
	{
		__le64 v = cpu_to_le64(0x8877665544332211ULL);

		KUNIT_EXPECT_EQ(test, halb_hash_u64(0x8877665544332211ULL, &flow_key),
				halb_hash_bytes(&v, 8, &flow_key));
	}
}

static void hash_addr_port(struct kunit *test)
{
	static const u32 a4[4] = { 0xc000020b, 0, 0, 0 };
	static const u32 a6[4] = { 0x20010db8, 0, 0, 0x11 };

	KUNIT_EXPECT_EQ(test, halb_hash_addr_port(a4, 80, &flow_key), 0x3df81d54194dc058ULL);
	KUNIT_EXPECT_EQ(test, halb_flow_hash(a4, 80, &flow_key), 0x24b5dd0cU);
	KUNIT_EXPECT_EQ(test, halb_hash_addr_port(a6, 443, &flow_key), 0xfda2b94f08181585ULL);
	KUNIT_EXPECT_EQ(test, halb_flow_hash(a6, 443, &flow_key), 0xf5baaccaU);
	/* the port and the key both matter */
	KUNIT_EXPECT_NE(test, halb_flow_hash(a4, 81, &flow_key), halb_flow_hash(a4, 80, &flow_key));
	KUNIT_EXPECT_NE(test, halb_flow_hash(a4, 80, &ref_key), halb_flow_hash(a4, 80, &flow_key));
}

static struct kunit_case halb_hash_cases[] = {
	KUNIT_CASE(hash_reference_vectors),
	KUNIT_CASE(hash_more_vectors),
	KUNIT_CASE(hash_unaligned),
	KUNIT_CASE(hash_words_as_bytes),
	KUNIT_CASE(hash_addr_port),
	{}
};

static struct kunit_suite halb_hash_suite = {
	.name = "halb_hash",
	.test_cases = halb_hash_cases,
};
kunit_test_suites(&halb_hash_suite);
