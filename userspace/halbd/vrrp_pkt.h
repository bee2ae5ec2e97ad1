// SPDX-License-Identifier: GPL-2.0
/*
 * VRRP advertisement codec: RFC 3768 (v2) and RFC 5798 (v3), IPv4 and IPv6.
 * Pure functions over buffers, no sockets: the socket layer hands in the
 * payload together with the addresses and TTL it saw on the IP header.
 */
#ifndef HALBD_VRRP_PKT_H
#define HALBD_VRRP_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "halbd/cfg_model.h"

#define VRRP_PROTO		112
#define VRRP_TYPE_ADVERT	1
#define VRRP_AUTH_LEN		8
#define VRRP_HDR_LEN		8
#define VRRP_MAX_ADDRS		255
#define VRRP_PRIO_OWNER		255
#define VRRP_PRIO_STOP		0

/* Why a received packet was not used.  Indexes the per-instance counters. */
enum vrrp_drop {
	VRRP_RX_OK = 0,
	VRRP_DROP_TRUNCATED,		/* shorter than the header says */
	VRRP_DROP_TTL,			/* multicast with TTL / hop limit != 255 */
	VRRP_DROP_VERSION,
	VRRP_DROP_TYPE,
	VRRP_DROP_VRID,			/* another router's VRID */
	VRRP_DROP_LENGTH,		/* length does not match the address count */
	VRRP_DROP_CHECKSUM,
	VRRP_DROP_AUTH_TYPE,		/* v2: auth type differs from ours */
	VRRP_DROP_AUTH,			/* v2: wrong password */
	VRRP_DROP_INTERVAL,		/* v2: advert interval differs (RFC 3768 7.1) */
	VRRP_DROP_FAMILY,
	VRRP_DROP_OWN,			/* our own packet looped back */
	VRRP_DROP_PEER,			/* unicast from an address not in unicast_peer */
	VRRP_DROP_AH_HEADER,		/* AH: not next header VRRP, or not a 96-bit ICV */
	VRRP_DROP_AH_ICV,		/* AH: HMAC-MD5-96 wrong (key, or altered) */
	VRRP_DROP_AH_SPI,		/* AH: SPI is not the sender's address */
	VRRP_DROP_AH_SEQ,		/* AH: sequence number not above the last one */
	VRRP_DROP__MAX,
};

const char *vrrp_drop_name(enum vrrp_drop r);

struct vrrp_advert {
	int version;			/* 2 or 3 */
	int type;
	uint8_t vrid;
	uint8_t prio;
	uint16_t interval_cs;		/* v2: seconds * 100; v3: max_adver_int */
	int family;
	int naddrs;
	struct cfg_addr addrs[VRRP_MAX_ADDRS];
	uint8_t auth_type;		/* v2 only: 0 none, 1 simple text, 2 AH */
	char auth[VRRP_AUTH_LEN];	/* v2 only */
};

/* What the receiver expects; filled in by the instance. */
struct vrrp_rx_ctx {
	int version;
	int family;
	uint8_t vrid;
	uint8_t auth_type;
	char auth[VRRP_AUTH_LEN];
	uint16_t interval_cs;
	struct cfg_addr src, dst;	/* from the IP header, for the v3 pseudo-header */
	int ttl;			/* TTL / hop limit; -1 if the socket did not say */
	bool multicast;			/* dst was multicast: TTL must be 255 */
	bool interval_mismatch;		/* out: v3 accepted a different interval */
};

/*
 * vrrp_pkt_encode() - build an advertisement into @buf.
 * @src, @dst are the IP addresses the packet will carry (v3 checksum).
 * Returns the length written, or -1 if @len is too small or @a is invalid.
 */
int vrrp_pkt_encode(const struct vrrp_advert *a, const struct cfg_addr *src,
		    const struct cfg_addr *dst, uint8_t *buf, size_t len);

/*
 * vrrp_pkt_decode() - validate and parse a received VRRP message.
 * Returns VRRP_RX_OK and fills @out, or the reason it was dropped.
 */
enum vrrp_drop vrrp_pkt_decode(const uint8_t *buf, size_t len, struct vrrp_rx_ctx *ctx,
			       struct vrrp_advert *out);

uint16_t vrrp_csum(const uint8_t *buf, size_t len, uint32_t sum);
uint32_t vrrp_pseudo_sum(const struct cfg_addr *src, const struct cfg_addr *dst,
			 size_t len);

#endif
