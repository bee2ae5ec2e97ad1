// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the advert decoder.  The first byte picks version
 * and family; whatever decodes must encode back to the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "halbd/vrrp_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vrrp_advert a;
	struct vrrp_rx_ctx c = { 0 };
	uint8_t out[8 + 255 * 16 + 8];
	int n;

	if (size < 1)
		return 0;
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
		return 0;
	if (a.family != c.family || (a.version == 2 && a.family != AF_INET))
		return 0;
	n = vrrp_pkt_encode(&a, &c.src, &c.dst, out, sizeof(out));
	/*
	 * Everything but the checksum must come back byte for byte (v2 keeps
	 * the auth bytes it read, v3 has none).  The checksum may legally
	 * differ: 0x0000 and 0xffff are the same one's complement zero, and
	 * the receiver accepts both; so the re-encoded packet must decode too.
	 */
	if (n != (int)(size - 1) || memcmp(out, data + 1, 6) || memcmp(out + 8, data + 9, n - 8))
		abort();
	if (vrrp_pkt_decode(out, n, &c, &a) != VRRP_RX_OK)
		abort();
	return 0;
}
