// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the advert decoder.  The first byte picks the mode:
 *
 *   bit 0x10 clear: a bare VRRP message; bits 0x1/0x2/0x4/0x8 pick version,
 *     family, PASS auth and multicast.  Whatever decodes must encode back
 *     to the same bytes.
 *   bit 0x10 set: VRRPv2 in AH (key "secretpw", VRID 51).  With 0x20 the
 *     rest is a whole IPv4 datagram for vrrp_ah_check() as received; with
 *     0x20 clear it is a VRRP message that vrrp_ah_encode() wraps first, so
 *     the fuzzer gets past the ICV into the inner decoder.  Either way a
 *     packet that passes must re-encode to bytes that pass again, fail as
 *     a replay, and fail with one byte outside the mutable IP fields
 *     flipped (which byte, the input decides).
 */
#include <stdlib.h>
#include <string.h>

#include "halbd/vrrp_ah.h"
#include "halbd/vrrp_pkt.h"

static const char key[VRRP_AH_KEY_LEN] = "secretpw";

static void bare(const uint8_t *data, size_t size)
{
	static struct vrrp_advert a;
	struct vrrp_rx_ctx c = { 0 };
	uint8_t out[8 + 255 * 16 + 8];
	int n;

	c.version = data[0] & 1 ? 3 : 2;
	c.family = data[0] & 2 ? AF_INET6 : AF_INET;
	c.vrid = 51;
	c.auth_type = data[0] & 4 ? 1 : 0;
	memcpy(c.auth, "1111", 4);
	c.interval_cs = 100;
	c.ttl = 255;
	c.multicast = data[0] & 8;
	c.src.family = c.dst.family = c.family;
	memset(&c.src.v6, 0x11, sizeof(c.src.v6));
	memset(&c.dst.v6, 0x22, sizeof(c.dst.v6));
	if (vrrp_pkt_decode(data + 1, size - 1, &c, &a) != VRRP_RX_OK)
		return;
	if (a.family != c.family || (a.version == 2 && a.family != AF_INET))
		return;
	n = vrrp_pkt_encode(&a, &c.src, &c.dst, out, sizeof(out));
	/*
	 * Everything but the checksum must come back byte for byte (v2 keeps
	 * the auth bytes it read, v3 has none).  The checksum may legally
	 * differ: 0x0000 and 0xffff are the same one's complement zero, and
	 * the receiver accepts both; so the re-encoded packet must decode too.
	 * v3's four reserved bits are ignored on receipt and sent as zero
	 * (RFC 5798 5.2.5).
	 */
	if (n != (int)(size - 1) || memcmp(out, data + 1, 4) || out[5] != data[6] ||
	    out[4] != (a.version == 3 ? data[5] & 0x0f : data[5]) ||
	    memcmp(out + 8, data + 9, n - 8))
		abort();
	if (vrrp_pkt_decode(out, n, &c, &a) != VRRP_RX_OK)
		abort();
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void ah(const uint8_t *data, size_t size)
{
	static uint8_t pkt[4096], again[4096];
	static struct vrrp_advert a;
	uint8_t mode = data[0];
	struct vrrp_ah_rx rx = { .key = key, .vrid = 51, .unicast = mode & 4 };
	struct vrrp_rx_ctx c = { .version = 2, .family = AF_INET, .vrid = 51,
				 .auth_type = VRRP_AUTH_TYPE_AH, .interval_cs = 100, .ttl = 255 };
	struct vrrp_ah_tx t = { .key = key, .unicast = rx.unicast, .seq = 1, .ip_id = 1 };
	enum vrrp_drop r;
	size_t len, flip;
	int n;

	data++;
	size--;
	if (mode & 0x20) {
		if (size > sizeof(pkt))
			return;
		memcpy(pkt, data, size);
		len = size;
	} else {
		memset(&t.src, 0x11, 4);
		memset(&t.dst, 0x22, 4);
		n = vrrp_ah_encode(&t, data, size, pkt, sizeof(pkt));
		if (n < 0)
			return;
		len = n;
	}
	r = vrrp_ah_check(pkt, len, &rx);
	/* a packet we signed ourselves never fails the ICV, SPI or sequence */
	if (!(mode & 0x20) && (r == VRRP_DROP_AH_ICV || r == VRRP_DROP_AH_SPI ||
				   r == VRRP_DROP_AH_SEQ))
		abort();
	if (r != VRRP_RX_OK)
		return;
	if (rx.vrrp < pkt || rx.vrrp + rx.vlen != pkt + len)
		abort();
	memcpy(&c.src.v4, pkt + 12, 4);
	memcpy(&c.dst.v4, pkt + 16, 4);
	c.src.family = c.dst.family = AF_INET;
	if (vrrp_pkt_decode(rx.vrrp, rx.vlen, &c, &a) != VRRP_RX_OK)
		return;
	/* re-encode with the received header fields: the same ICV comes out */
	memcpy(&t.src, pkt + 12, 4);
	memcpy(&t.dst, pkt + 16, 4);
	t.ip_id = pkt[4] << 8 | pkt[5];
	t.seq = get32(pkt + (pkt[0] & 0x0f) * 4 + 8);
	n = vrrp_ah_encode(&t, rx.vrrp, rx.vlen, again, sizeof(again));
	if (n < 0 || vrrp_ah_check(again, n, &rx) != VRRP_RX_OK)
		abort();
	/* the sequence number just accepted is now a replay */
	rx.seq_last = t.seq;
	if (vrrp_ah_check(again, n, &rx) != VRRP_DROP_AH_SEQ)
		abort();
	/* an immutable byte altered (which one: the input decides): refused */
	rx.seq_last = 0;
	flip = ((size_t)mode * 131 + len) % n;
	if (flip != 1 && flip != 6 && flip != 7 && flip != 10 && flip != 11 &&
	    !(flip == 8 && rx.unicast)) {
		again[flip] ^= 0x01;
		if (vrrp_ah_check(again, n, &rx) == VRRP_RX_OK)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 0x10)
		ah(data, size);
	else
		bare(data, size);
	return 0;
}
