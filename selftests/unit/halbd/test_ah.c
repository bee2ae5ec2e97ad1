// SPDX-License-Identifier: GPL-2.0
/*
 * VRRPv2 AH codec: HMAC-MD5 against RFC 2202's vectors, byte-exact against
 * adverts keepalived 2.2.7 sent (multicast and unicast, captured with
 * tcpdump), and one altered packet per drop reason.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "halbd/vrrp_ah.h"
#include "ut.h"

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2)
		sscanf(h, "%2hhx", &out[n++]);
	return n;
}

static void hmac1(const uint8_t *key, size_t klen, const void *data, size_t len, uint8_t out[16])
{
	const uint8_t *p = data;

	CHECK_EQ(vrrp_hmac_md5(key, klen, &p, &len, 1, out), 0);
}

static bool hex_eq(const uint8_t *got, size_t n, const char *want)
{
	uint8_t w[64];

	return unhex(want, w) == n && !memcmp(got, w, n);
}

/* RFC 2202 section 2, all seven HMAC-MD5 cases */
static void test_rfc2202(void)
{
	uint8_t key[80], data[80], out[16];

	memset(key, 0x0b, 16);
	hmac1(key, 16, "Hi There", 8, out);
	CHECK(hex_eq(out, 16, "9294727a3638bb1c13f48ef8158bfc9d"));
	hmac1((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28, out);
	CHECK(hex_eq(out, 16, "750c783e6ab0b503eaa86e310a5db738"));
	memset(key, 0xaa, 16);
	memset(data, 0xdd, 50);
	hmac1(key, 16, data, 50, out);
	CHECK(hex_eq(out, 16, "56be34521d144c88dbb8c733f0e8b3f6"));
	for (int i = 0; i < 25; i++)
		key[i] = i + 1;
	memset(data, 0xcd, 50);
	hmac1(key, 25, data, 50, out);
	CHECK(hex_eq(out, 16, "697eaf0aca3a3aea3a75164746ffaa79"));
	memset(key, 0x0c, 16);
	hmac1(key, 16, "Test With Truncation", 20, out);
	CHECK(hex_eq(out, 12, "56461ef2342edc00f9bab995"));	/* the -96 truncation */
	memset(key, 0xaa, 80);
	hmac1(key, 80, "Test Using Larger Than Block-Size Key - Hash Key First", 54, out);
	CHECK(hex_eq(out, 16, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"));
	hmac1(key, 80, "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
	      73, out);
	CHECK(hex_eq(out, 16, "6f630fad67cda0ee1fb1f562db3aa53e"));
}

/* The message in pieces gives the same MAC as in one piece. */
static void test_hmac_pieces(void)
{
	const char *msg = "what do ya want for nothing?";
	const uint8_t *parts[3] = { (const uint8_t *)msg, (const uint8_t *)msg + 4,
				    (const uint8_t *)msg + 20 };
	size_t lens[3] = { 4, 16, 8 };
	uint8_t out[16];

	CHECK_EQ(vrrp_hmac_md5((const uint8_t *)"Jefe", 4, parts, lens, 3, out), 0);
	CHECK(hex_eq(out, 16, "750c783e6ab0b503eaa86e310a5db738"));
}

/*
 * keepalived 2.2.7, auth_type AH, auth_pass secretpw, VRID 51, priority 150,
 * advert_int 1, VIP 192.0.2.100, from 192.0.2.1: its first advert to
 * 224.0.0.18 (TTL in the ICV), and with unicast_peer 192.0.2.2 (TTL not).
 */
static const char *ka_mcast =
	"45c0004000010000ff3318b6c0000201e0000012"
	"70040000c0000201000000015a1427b22b881c788f6fa755"
	"2133960102018465c00002640000000000000000";
static const char *ka_ucast =
	"45c0004000010000ff3336c6c0000201c0000202"
	"70040000c000020100000001da64d9daa96adedfa64fffc6"
	"2133960102018465c00002640000000000000000";
static const char key[VRRP_AH_KEY_LEN] = "secretpw";

static struct in_addr A4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void rx_init(struct vrrp_ah_rx *rx, bool unicast)
{
	memset(rx, 0, sizeof(*rx));
	rx->key = key;
	rx->unicast = unicast;
	rx->vrid = 51;
}

static int mk_vrrp(uint8_t *buf, size_t len)
{
	static struct vrrp_advert a;
	struct cfg_addr s = { .family = AF_INET }, d = s;

	memset(&a, 0, sizeof(a));
	a.version = 2;
	a.vrid = 51;
	a.prio = 150;
	a.interval_cs = 100;
	a.family = AF_INET;
	a.naddrs = 1;
	a.addrs[0].family = AF_INET;
	a.addrs[0].v4 = A4("192.0.2.100");
	a.auth_type = VRRP_AUTH_TYPE_AH;
	return vrrp_pkt_encode(&a, &s, &d, buf, len);
}

static void test_keepalived_vectors(void)
{
	uint8_t ref[128], buf[128], v[64];
	struct vrrp_ah_tx t = { .src = A4("192.0.2.1"), .dst = A4("224.0.0.18"), .ip_id = 1,
				.seq = 1, .key = key };
	struct vrrp_ah_rx rx;
	size_t rl = unhex(ka_mcast, ref);
	int vl = mk_vrrp(v, sizeof(v)), n;

	/* what we send is byte for byte what keepalived sent */
	CHECK_EQ(vl, 20);
	n = vrrp_ah_encode(&t, v, vl, buf, sizeof(buf));
	CHECK_EQ(n, rl);
	CHECK(n > 0 && !memcmp(buf, ref, rl));
	/* and what keepalived sent passes our checks */
	rx_init(&rx, false);
	CHECK_EQ(vrrp_ah_check(ref, rl, &rx), VRRP_RX_OK);
	CHECK_EQ(rx.seq, 1);
	CHECK_EQ(rx.vlen, 20);
	CHECK(rx.vrrp == ref + 44);
	/* unicast: TTL left out of the ICV */
	rl = unhex(ka_ucast, ref);
	t.dst = A4("192.0.2.2");
	t.unicast = true;
	n = vrrp_ah_encode(&t, v, vl, buf, sizeof(buf));
	CHECK_EQ(n, rl);
	CHECK(n > 0 && !memcmp(buf, ref, rl));
	rx_init(&rx, true);
	CHECK_EQ(vrrp_ah_check(ref, rl, &rx), VRRP_RX_OK);
	/* a receiver that thinks it is multicast covers the TTL: no match */
	rx_init(&rx, false);
	CHECK_EQ(vrrp_ah_check(ref, rl, &rx), VRRP_DROP_AH_ICV);
}

/* Build a good packet (seq 7), let @mut alter it, return the verdict. */
static enum vrrp_drop try_ah(void (*mut)(uint8_t *b, int *n, struct vrrp_ah_rx *rx), bool resign,
			     bool unicast)
{
	uint8_t buf[128], v[64];
	struct vrrp_ah_tx t = { .src = A4("192.0.2.1"), .dst = A4("224.0.0.18"), .ip_id = 9,
				.seq = 7, .unicast = unicast, .key = key };
	struct vrrp_ah_rx rx;
	int vl = mk_vrrp(v, sizeof(v)), n;

	rx_init(&rx, unicast);
	rx.seq_last = 6;
	n = vrrp_ah_encode(&t, v, vl, buf, sizeof(buf));
	mut(buf, &n, &rx);
	if (resign)	/* a sender with the key: the ICV is right for the altered bytes */
		vrrp_ah_icv(buf, n, key, unicast, buf + 20 + 12);
	return vrrp_ah_check(buf, n, &rx);
}

#define MUT(name, body) \
	static void name(uint8_t *b, int *n, struct vrrp_ah_rx *rx) \
	{ (void)b; (void)n; (void)rx; body; }

MUT(m_none, )
MUT(m_tos, b[1] = 0)			/* mutable: outside the ICV */
MUT(m_frag, b[6] = 0x40)		/* DF set on the way */
MUT(m_csum, b[10] ^= 0xff)
MUT(m_ttl, b[8] = 64)
MUT(m_id, b[5] ^= 1)			/* immutable */
MUT(m_src, b[15] = 7)
MUT(m_prio, b[44 + 2] = 200)
MUT(m_vip, b[*n - 9] ^= 1)
MUT(m_icv, b[20 + 12] ^= 0x80)
MUT(m_key, rx->key = "secretpX")
MUT(m_shortkey, rx->key = "secret\0\0")
MUT(m_spi, b[20 + 7] = 9)
MUT(m_replay, rx->seq_last = 7)
MUT(m_older, rx->seq_last = 100)
MUT(m_next, b[20] = 6)
MUT(m_plen, b[21] = 3)
MUT(m_vrid, b[44 + 1] = 52)
MUT(m_vrid_key, b[44 + 1] = 52; rx->key = "otherkey")
MUT(m_notah, b[9] = 112)
MUT(m_short, *n = 45)
MUT(m_tiny, *n = 19)
MUT(m_v6, b[0] = 0x65)
MUT(m_totlen, b[3] += 4)

static void test_drop_reasons(void)
{
	CHECK_EQ(try_ah(m_none, false, false), VRRP_RX_OK);
	CHECK_EQ(try_ah(m_tos, false, false), VRRP_RX_OK);
	CHECK_EQ(try_ah(m_frag, false, false), VRRP_RX_OK);
	CHECK_EQ(try_ah(m_csum, false, false), VRRP_RX_OK);
	CHECK_EQ(try_ah(m_ttl, false, false), VRRP_DROP_AH_ICV);
	CHECK_EQ(try_ah(m_ttl, false, true), VRRP_RX_OK);
	CHECK_EQ(try_ah(m_id, false, false), VRRP_DROP_AH_ICV);
	CHECK_EQ(try_ah(m_src, false, false), VRRP_DROP_AH_ICV);
	CHECK_EQ(try_ah(m_prio, false, false), VRRP_DROP_AH_ICV);
	CHECK_EQ(try_ah(m_vip, false, false), VRRP_DROP_AH_ICV);
	CHECK_EQ(try_ah(m_icv, false, false), VRRP_DROP_AH_ICV);
	CHECK_EQ(try_ah(m_key, false, false), VRRP_DROP_AH_ICV);
	CHECK_EQ(try_ah(m_shortkey, false, false), VRRP_DROP_AH_ICV);
	/* re-signed with the right key: the later checks */
	CHECK_EQ(try_ah(m_prio, true, false), VRRP_RX_OK);
	CHECK_EQ(try_ah(m_src, true, false), VRRP_DROP_AH_SPI);
	CHECK_EQ(try_ah(m_spi, true, false), VRRP_DROP_AH_SPI);
	CHECK_EQ(try_ah(m_replay, false, false), VRRP_DROP_AH_SEQ);
	CHECK_EQ(try_ah(m_older, false, false), VRRP_DROP_AH_SEQ);
	CHECK_EQ(try_ah(m_next, true, false), VRRP_DROP_AH_HEADER);
	CHECK_EQ(try_ah(m_plen, true, false), VRRP_DROP_AH_HEADER);
	/* another router's VRID is not an auth failure, whatever its key */
	CHECK_EQ(try_ah(m_vrid, false, false), VRRP_DROP_VRID);
	CHECK_EQ(try_ah(m_vrid_key, false, false), VRRP_DROP_VRID);
	CHECK_EQ(try_ah(m_notah, false, false), VRRP_DROP_AUTH_TYPE);
	CHECK_EQ(try_ah(m_short, false, false), VRRP_DROP_TRUNCATED);
	CHECK_EQ(try_ah(m_tiny, false, false), VRRP_DROP_TRUNCATED);
	CHECK_EQ(try_ah(m_v6, false, false), VRRP_DROP_TRUNCATED);
	CHECK_EQ(try_ah(m_totlen, false, false), VRRP_DROP_LENGTH);
	CHECK_STR(vrrp_drop_name(VRRP_DROP_AH_ICV), "ah_icv");
	CHECK_STR(vrrp_drop_name(VRRP_DROP_AH_SEQ), "ah_seq");
}

/* The VRRP message inside decodes as a v2 advert with auth type 2. */
static void test_inner_decode(void)
{
	uint8_t ref[128];
	struct vrrp_rx_ctx c = { .version = 2, .family = AF_INET, .vrid = 51,
				 .auth_type = VRRP_AUTH_TYPE_AH, .interval_cs = 100, .ttl = 255,
				 .multicast = true };
	static struct vrrp_advert out;
	struct vrrp_ah_rx rx;
	size_t rl = unhex(ka_mcast, ref);

	rx_init(&rx, false);
	CHECK_EQ(vrrp_ah_check(ref, rl, &rx), VRRP_RX_OK);
	CHECK_EQ(vrrp_pkt_decode(rx.vrrp, rx.vlen, &c, &out), VRRP_RX_OK);
	CHECK_EQ(out.prio, 150);
	CHECK_EQ(out.auth_type, 2);
	/* a PASS instance refuses it on the auth type */
	c.auth_type = 1;
	CHECK_EQ(vrrp_pkt_decode(rx.vrrp, rx.vlen, &c, &out), VRRP_DROP_AUTH_TYPE);
	/* encoding needs the room */
	{
		struct vrrp_ah_tx t = { .key = key };
		uint8_t small[50];

		CHECK_EQ(vrrp_ah_encode(&t, rx.vrrp, rx.vlen, small, sizeof(small)), -1);
	}
}

int main(void)
{
	RUN(test_rfc2202);
	RUN(test_hmac_pieces);
	RUN(test_keepalived_vectors);
	RUN(test_drop_reasons);
	RUN(test_inner_decode);
	return ut_total_fail ? 1 : 0;
}
