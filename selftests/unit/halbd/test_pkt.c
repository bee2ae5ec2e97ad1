// SPDX-License-Identifier: GPL-2.0
/*
 * Advert codec: byte-exact against packets built by scapy (an independent
 * implementation), round trips, and one crafted packet per drop reason.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "halbd/vrrp_pkt.h"
#include "ut.h"

static struct cfg_addr A(const char *s)
{
	struct cfg_addr a = { 0 };

	if (inet_pton(AF_INET, s, &a.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a.v6) == 1)
		a.family = AF_INET6;
	return a;
}

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2)
		sscanf(h, "%2hhx", &out[n++]);
	return n;
}

/* scapy: IP()/VRRP(vrid=51, priority=150, addrlist=[192.0.2.100], authtype=1, "1111", adv=1) */
static const char *v2_ref = "2133960101012303c00002643131313100000000";
/* scapy: IP(src=192.0.2.1, dst=224.0.0.18)/VRRPv3(vrid=51, priority=150, adv=100) */
static const char *v3v4_ref = "313396010064d371c0000264";
/* scapy: IPv6(src=fe80::1, dst=ff02::12)/VRRPv3(vrid=7, priority=200, adv=30, 2 addrs) */
static const char *v3v6_ref =
	"3107c802001eab3520010db800000000000000000000010020010db8000000000000000000000101";

static struct vrrp_advert adv, out;

static void mk_v2(void)
{
	memset(&adv, 0, sizeof(adv));
	adv.version = 2;
	adv.vrid = 51;
	adv.prio = 150;
	adv.interval_cs = 100;
	adv.family = AF_INET;
	adv.naddrs = 1;
	adv.addrs[0] = A("192.0.2.100");
	adv.auth_type = 1;
	memcpy(adv.auth, "1111", 4);
}

static void ctx_v2(struct vrrp_rx_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->version = 2;
	c->family = AF_INET;
	c->vrid = 51;
	c->auth_type = 1;
	memcpy(c->auth, "1111", 4);
	c->interval_cs = 100;
	c->src = A("192.0.2.1");
	c->dst = A("224.0.0.18");
	c->ttl = 255;
	c->multicast = true;
}

static void test_v2_matches_scapy(void)
{
	uint8_t buf[128], ref[128];
	struct cfg_addr s = A("192.0.2.1"), d = A("224.0.0.18");
	size_t rl = unhex(v2_ref, ref);
	int n;

	mk_v2();
	n = vrrp_pkt_encode(&adv, &s, &d, buf, sizeof(buf));
	CHECK_EQ(n, rl);
	CHECK(n > 0 && !memcmp(buf, ref, rl));
}

static void test_v3v4_matches_scapy(void)
{
	uint8_t buf[128], ref[128];
	struct cfg_addr s = A("192.0.2.1"), d = A("224.0.0.18");
	size_t rl = unhex(v3v4_ref, ref);
	int n;

	mk_v2();
	adv.version = 3;
	adv.auth_type = 0;
	n = vrrp_pkt_encode(&adv, &s, &d, buf, sizeof(buf));
	CHECK_EQ(n, rl);
	CHECK(n > 0 && !memcmp(buf, ref, rl));
}

static void test_v3v6_matches_scapy(void)
{
	uint8_t buf[128], ref[128];
	struct cfg_addr s = A("fe80::1"), d = A("ff02::12");
	size_t rl = unhex(v3v6_ref, ref);
	struct vrrp_rx_ctx c = { .version = 3, .family = AF_INET6, .vrid = 7, .interval_cs = 30,
				 .ttl = 255, .multicast = true };
	int n;

	memset(&adv, 0, sizeof(adv));
	adv.version = 3;
	adv.vrid = 7;
	adv.prio = 200;
	adv.interval_cs = 30;
	adv.family = AF_INET6;
	adv.naddrs = 2;
	adv.addrs[0] = A("2001:db8::100");
	adv.addrs[1] = A("2001:db8::101");
	n = vrrp_pkt_encode(&adv, &s, &d, buf, sizeof(buf));
	CHECK_EQ(n, rl);
	CHECK(n > 0 && !memcmp(buf, ref, rl));
	c.src = s;
	c.dst = d;
	CHECK_EQ(vrrp_pkt_decode(ref, rl, &c, &out), VRRP_RX_OK);
	CHECK_EQ(out.naddrs, 2);
	CHECK(cfg_addr_equal(&out.addrs[1], &adv.addrs[1]));
	CHECK_EQ(out.prio, 200);
	CHECK_EQ(out.interval_cs, 30);
	/* the same bytes from another source fail the pseudo-header checksum */
	c.src = A("fe80::2");
	CHECK_EQ(vrrp_pkt_decode(ref, rl, &c, &out), VRRP_DROP_CHECKSUM);
}

static void test_round_trips(void)
{
	uint8_t buf[VRRP_HDR_LEN + 255 * 16 + 8];
	struct vrrp_rx_ctx c;
	int n;

	ctx_v2(&c);
	mk_v2();
	adv.naddrs = 255;
	for (int i = 0; i < 255; i++) {
		adv.addrs[i].family = AF_INET;
		adv.addrs[i].v4.s_addr = htonl(0xc0000200 + i);
	}
	n = vrrp_pkt_encode(&adv, &c.src, &c.dst, buf, sizeof(buf));
	CHECK_EQ(n, 8 + 255 * 4 + 8);
	CHECK_EQ(vrrp_pkt_decode(buf, n, &c, &out), VRRP_RX_OK);
	CHECK_EQ(out.naddrs, 255);
	CHECK(cfg_addr_equal(&out.addrs[254], &adv.addrs[254]));
	CHECK(!memcmp(out.auth, "1111\0\0\0\0", 8));
	/* v3 IPv4 with an odd interval in centiseconds */
	adv.version = 3;
	adv.interval_cs = 4095;
	adv.naddrs = 3;
	c.version = 3;
	c.interval_cs = 4095;
	n = vrrp_pkt_encode(&adv, &c.src, &c.dst, buf, sizeof(buf));
	CHECK_EQ(n, 8 + 12);
	CHECK_EQ(vrrp_pkt_decode(buf, n, &c, &out), VRRP_RX_OK);
	CHECK_EQ(out.interval_cs, 4095);
	CHECK(!c.interval_mismatch);
	/* too small a buffer, v2 over IPv6, or bad versions are refused */
	CHECK_EQ(vrrp_pkt_encode(&adv, &c.src, &c.dst, buf, 10), -1);
	adv.version = 4;
	CHECK_EQ(vrrp_pkt_encode(&adv, &c.src, &c.dst, buf, sizeof(buf)), -1);
	adv.version = 2;
	adv.family = AF_INET6;
	CHECK_EQ(vrrp_pkt_encode(&adv, &c.src, &c.dst, buf, sizeof(buf)), -1);
}

/* Build a good v2 packet, let @mut break it, return what decode says. */
static enum vrrp_drop try_v2(void (*mut)(uint8_t *b, int *n, struct vrrp_rx_ctx *c), bool fix_csum)
{
	uint8_t buf[256];
	struct vrrp_rx_ctx c;
	int n;

	ctx_v2(&c);
	mk_v2();
	n = vrrp_pkt_encode(&adv, &c.src, &c.dst, buf, sizeof(buf));
	mut(buf, &n, &c);
	if (fix_csum && n >= 8) {
		uint16_t s;

		buf[6] = buf[7] = 0;
		s = vrrp_csum(buf, n, 0);
		buf[6] = s >> 8;
		buf[7] = s & 0xff;
	}
	return vrrp_pkt_decode(buf, n, &c, &out);
}

static void m_none(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)b; (void)n; (void)c; }
static void m_ttl(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)b; (void)n; c->ttl = 64; }
static void m_ttl_uni(uint8_t *b, int *n, struct vrrp_rx_ctx *c)
{
	(void)b; (void)n;
	c->ttl = 64;
	c->multicast = false;
}
static void m_short(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)b; (void)c; *n = 7; }
static void m_version(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)n; (void)c; b[0] = 0x31; }
static void m_version1(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)n; (void)c; b[0] = 0x11; }
static void m_type(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)n; (void)c; b[0] = 0x22; }
static void m_vrid(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)n; (void)c; b[1] = 52; }
static void m_count(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)n; (void)c; b[3] = 2; }
static void m_count0(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)n; (void)c; b[3] = 0; }
static void m_trunc(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)b; (void)c; *n -= 4; }
static void m_csum(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)n; (void)c; b[7] ^= 1; }
static void m_atype(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)n; (void)c; b[4] = 0; }
static void m_auth(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)c; b[*n - 8] = '2'; }
static void m_intv(uint8_t *b, int *n, struct vrrp_rx_ctx *c) { (void)n; (void)c; b[5] = 2; }
static void m_fam(uint8_t *b, int *n, struct vrrp_rx_ctx *c)
{
	(void)b; (void)n;
	c->src.family = AF_INET6;
}

static void test_drop_reasons(void)
{
	CHECK_EQ(try_v2(m_none, false), VRRP_RX_OK);
	CHECK_EQ(try_v2(m_ttl, false), VRRP_DROP_TTL);
	CHECK_EQ(try_v2(m_ttl_uni, false), VRRP_RX_OK);	/* TTL is checked on multicast */
	CHECK_EQ(try_v2(m_short, false), VRRP_DROP_TRUNCATED);
	CHECK_EQ(try_v2(m_version, true), VRRP_DROP_VERSION);
	CHECK_EQ(try_v2(m_version1, true), VRRP_DROP_VERSION);
	CHECK_EQ(try_v2(m_type, true), VRRP_DROP_TYPE);
	CHECK_EQ(try_v2(m_vrid, true), VRRP_DROP_VRID);
	CHECK_EQ(try_v2(m_count, true), VRRP_DROP_LENGTH);
	CHECK_EQ(try_v2(m_count0, true), VRRP_DROP_LENGTH);
	CHECK_EQ(try_v2(m_trunc, false), VRRP_DROP_LENGTH);
	CHECK_EQ(try_v2(m_csum, false), VRRP_DROP_CHECKSUM);
	CHECK_EQ(try_v2(m_atype, true), VRRP_DROP_AUTH_TYPE);
	CHECK_EQ(try_v2(m_auth, true), VRRP_DROP_AUTH);
	CHECK_EQ(try_v2(m_intv, true), VRRP_DROP_INTERVAL);
	CHECK_EQ(try_v2(m_fam, false), VRRP_DROP_FAMILY);
	/* the counters have names for the JSON output */
	CHECK_STR(vrrp_drop_name(VRRP_DROP_CHECKSUM), "checksum");
	CHECK_STR(vrrp_drop_name(VRRP_DROP__MAX), "?");
}

static void test_v3_interval_mismatch_accepted(void)
{
	uint8_t buf[64];
	struct vrrp_rx_ctx c;
	int n;

	ctx_v2(&c);
	mk_v2();
	adv.version = 3;
	adv.interval_cs = 50;
	c.version = 3;
	c.interval_cs = 100;
	n = vrrp_pkt_encode(&adv, &c.src, &c.dst, buf, sizeof(buf));
	/* RFC 5798: accepted, and the caller is told so it can learn it */
	CHECK_EQ(vrrp_pkt_decode(buf, n, &c, &out), VRRP_RX_OK);
	CHECK(c.interval_mismatch);
	CHECK_EQ(out.interval_cs, 50);
	/* v3 checksum covers the pseudo-header: another destination breaks it */
	c.dst = A("192.0.2.2");
	CHECK_EQ(vrrp_pkt_decode(buf, n, &c, &out), VRRP_DROP_CHECKSUM);
	/* v3 packets carry no auth data: 8 extra bytes are a length error */
	c.dst = A("224.0.0.18");
	memset(buf + n, 0, 8);
	CHECK_EQ(vrrp_pkt_decode(buf, n + 8, &c, &out), VRRP_DROP_LENGTH);
}

int main(void)
{
	RUN(test_v2_matches_scapy);
	RUN(test_v3v4_matches_scapy);
	RUN(test_v3v6_matches_scapy);
	RUN(test_round_trips);
	RUN(test_drop_reasons);
	RUN(test_v3_interval_mismatch_accepted);
	return ut_total_fail ? 1 : 0;
}
