// SPDX-License-Identifier: GPL-2.0
/*
 * TOA option and PROXY protocol v2 header encoders, pure logic: see
 * caddr.h.
 */
#include "caddr.h"

#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

unsigned int halb_toa_build(u8 *buf, u8 kind, bool v6, const void *addr, u16 port)
{
	unsigned int alen = v6 ? 16 : 4;

	buf[0] = kind;
	buf[1] = 4 + alen;
	memcpy(buf + 2, &port, 2);
	memcpy(buf + 4, addr, alen);
	return 4 + alen;
}

/* The v2 signature: \r\n\r\n\0\r\nQUIT\n */
static const u8 ppv2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};

unsigned int halb_ppv2_build(u8 *buf, bool v6, const void *saddr, u16 sport,
			     const void *daddr, u16 dport)
{
	unsigned int alen = v6 ? 16 : 4, body = 2 * alen + 4;

	memcpy(buf, ppv2_sig, sizeof(ppv2_sig));
	buf[12] = 0x21;			/* version 2, PROXY */
	buf[13] = v6 ? 0x21 : 0x11;	/* AF_INET6 / AF_INET, STREAM */
	buf[14] = body >> 8;		/* length of what follows, big endian */
	buf[15] = body & 0xff;
	memcpy(buf + 16, saddr, alen);
	memcpy(buf + 16 + alen, daddr, alen);
	memcpy(buf + 16 + 2 * alen, &sport, 2);
	memcpy(buf + 18 + 2 * alen, &dport, 2);
	return 16 + body;
}
