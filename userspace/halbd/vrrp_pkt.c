// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <string.h>

#include "halbd/vrrp_pkt.h"

static const char *const drop_names[VRRP_DROP__MAX] = {
	[VRRP_RX_OK]		= "ok",
	[VRRP_DROP_TRUNCATED]	= "truncated",
	[VRRP_DROP_TTL]		= "ttl",
	[VRRP_DROP_VERSION]	= "version",
	[VRRP_DROP_TYPE]	= "type",
	[VRRP_DROP_VRID]	= "vrid",
	[VRRP_DROP_LENGTH]	= "length",
	[VRRP_DROP_CHECKSUM]	= "checksum",
	[VRRP_DROP_AUTH_TYPE]	= "auth_type",
	[VRRP_DROP_AUTH]	= "auth",
	[VRRP_DROP_INTERVAL]	= "interval",
	[VRRP_DROP_FAMILY]	= "family",
	[VRRP_DROP_OWN]		= "own",
	[VRRP_DROP_PEER]	= "peer",
	[VRRP_DROP_AH_HEADER]	= "ah_header",
	[VRRP_DROP_AH_ICV]	= "ah_icv",
	[VRRP_DROP_AH_SPI]	= "ah_spi",
	[VRRP_DROP_AH_SEQ]	= "ah_seq",
};

const char *vrrp_drop_name(enum vrrp_drop r)
{
	return (unsigned int)r < VRRP_DROP__MAX ? drop_names[r] : "?";
}

static uint32_t sum16(const uint8_t *buf, size_t len, uint32_t sum)
{
	for (; len > 1; buf += 2, len -= 2)
		sum += (uint32_t)buf[0] << 8 | buf[1];
	if (len)
		sum += (uint32_t)buf[0] << 8;
	return sum;
}

/* Internet checksum (RFC 1071) of @buf, seeded with a pseudo-header sum. */
uint16_t vrrp_csum(const uint8_t *buf, size_t len, uint32_t sum)
{
	sum = sum16(buf, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* RFC 5798 5.2.8: v3 covers the IPv4 / IPv6 pseudo-header, v2 does not. */
uint32_t vrrp_pseudo_sum(const struct cfg_addr *src, const struct cfg_addr *dst,
			 size_t len)
{
	uint32_t sum = 0;

	if (src->family == AF_INET) {
		sum = sum16((const uint8_t *)&src->v4, 4, sum);
		sum = sum16((const uint8_t *)&dst->v4, 4, sum);
	} else {
		sum = sum16((const uint8_t *)&src->v6, 16, sum);
		sum = sum16((const uint8_t *)&dst->v6, 16, sum);
	}
	return sum + VRRP_PROTO + (uint32_t)len;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int vrrp_pkt_encode(const struct vrrp_advert *a, const struct cfg_addr *src,
		    const struct cfg_addr *dst, uint8_t *buf, size_t len)
{
	size_t alen = addr_len(a->family), need;
	uint16_t sum;
	uint8_t *p;

	if ((a->version != 2 && a->version != 3) || a->naddrs < 0 ||
	    a->naddrs > VRRP_MAX_ADDRS || (a->version == 2 && a->family != AF_INET))
		return -1;
	need = VRRP_HDR_LEN + a->naddrs * alen + (a->version == 2 ? VRRP_AUTH_LEN : 0);
	if (need > len)
		return -1;
	memset(buf, 0, need);
	buf[0] = a->version << 4 | VRRP_TYPE_ADVERT;
	buf[1] = a->vrid;
	buf[2] = a->prio;
	buf[3] = a->naddrs;
	if (a->version == 2) {
		buf[4] = a->auth_type;
		buf[5] = a->interval_cs / 100;
	} else {
		buf[4] = (a->interval_cs >> 8) & 0x0f;
		buf[5] = a->interval_cs & 0xff;
	}
	p = buf + VRRP_HDR_LEN;
	for (int i = 0; i < a->naddrs; i++, p += alen)
		memcpy(p, &a->addrs[i].v4, alen);
	if (a->version == 2)
		memcpy(p, a->auth, VRRP_AUTH_LEN);
	sum = vrrp_csum(buf, need, a->version == 3 ? vrrp_pseudo_sum(src, dst, need) : 0);
	buf[6] = sum >> 8;
	buf[7] = sum & 0xff;
	return (int)need;
}

/* Receive checks in the order of RFC 5798 7.1 / RFC 3768 7.1. */
enum vrrp_drop vrrp_pkt_decode(const uint8_t *buf, size_t len, struct vrrp_rx_ctx *ctx,
			       struct vrrp_advert *out)
{
	size_t alen = addr_len(ctx->family), need;
	int version, naddrs;
	const uint8_t *p;

	ctx->interval_mismatch = false;
	if (ctx->src.family && ctx->src.family != ctx->family)
		return VRRP_DROP_FAMILY;
	if (ctx->multicast && ctx->ttl != 255)
		return VRRP_DROP_TTL;
	if (len < VRRP_HDR_LEN)
		return VRRP_DROP_TRUNCATED;
	version = buf[0] >> 4;
	if (version != ctx->version)
		return VRRP_DROP_VERSION;
	if ((buf[0] & 0x0f) != VRRP_TYPE_ADVERT)
		return VRRP_DROP_TYPE;
	naddrs = buf[3];
	need = VRRP_HDR_LEN + naddrs * alen + (version == 2 ? VRRP_AUTH_LEN : 0);
	if (len < need) {
		/* a count that cannot fit is a lie about the length */
		return naddrs ? VRRP_DROP_LENGTH : VRRP_DROP_TRUNCATED;
	}
	/* the address count must be exactly what the length leaves room for */
	if (len != need)
		return VRRP_DROP_LENGTH;
	if (vrrp_csum(buf, len, version == 3 ? vrrp_pseudo_sum(&ctx->src, &ctx->dst, len) : 0))
		return VRRP_DROP_CHECKSUM;
	if (buf[1] != ctx->vrid)
		return VRRP_DROP_VRID;
	if (version == 2) {
		if (buf[4] != ctx->auth_type)
			return VRRP_DROP_AUTH_TYPE;
		if (ctx->auth_type == 1 &&
		    memcmp(buf + len - VRRP_AUTH_LEN, ctx->auth, VRRP_AUTH_LEN))
			return VRRP_DROP_AUTH;
		/* RFC 3768 7.1: MUST drop a mismatching Adver Interval */
		if (buf[5] * 100 != ctx->interval_cs)
			return VRRP_DROP_INTERVAL;
	} else if (((buf[4] & 0x0f) << 8 | buf[5]) != ctx->interval_cs) {
		/* RFC 5798 6.4.2: a backup learns the master's interval instead */
		ctx->interval_mismatch = true;
	}
	memset(out, 0, sizeof(*out));
	out->version = version;
	out->type = buf[0] & 0x0f;
	out->vrid = buf[1];
	out->prio = buf[2];
	out->naddrs = naddrs;
	out->family = ctx->family;
	if (version == 2) {
		out->auth_type = buf[4];
		out->interval_cs = buf[5] * 100;
		memcpy(out->auth, buf + len - VRRP_AUTH_LEN, VRRP_AUTH_LEN);
	} else {
		out->interval_cs = (buf[4] & 0x0f) << 8 | buf[5];
	}
	p = buf + VRRP_HDR_LEN;
	for (int i = 0; i < naddrs; i++, p += alen) {
		out->addrs[i].family = ctx->family;
		memcpy(&out->addrs[i].v4, p, alen);
	}
	return VRRP_RX_OK;
}
