// SPDX-License-Identifier: GPL-2.0
/*
 * VRRPv2 authentication type 2: an IP Authentication Header (RFC 2402)
 * between the IPv4 header and the VRRP message, its ICV HMAC-MD5-96
 * (RFC 2403), keyed by the 8-byte NUL-padded auth_pass.  The packet layout
 * and ICV coverage are keepalived's, so the two interoperate:
 *
 *   IPv4 header (protocol 51) | AH (24 bytes) | VRRPv2 message (auth type 2)
 *
 *   AH: next header 112, payload length 4, reserved 0, SPI = IPv4 source,
 *       sequence number, 12-byte ICV.
 *   ICV: HMAC-MD5 over the IPv4 header with TOS, flags/fragment offset and
 *        header checksum zeroed (and TTL too when the instance is unicast),
 *        the AH with its ICV zeroed, and the VRRP message.
 *
 * There is no security association: the SPI is the sender's address, and
 * one sequence number per instance serves both directions.  A node sends
 * its number plus one and accepts only numbers above it, learning the
 * master's as it hears it, so whoever becomes master next continues above
 * what every node has already seen.
 *
 * Pure functions over buffers (OpenSSL only for MD5), like vrrp_pkt.h.
 */
#ifndef HALBD_VRRP_AH_H
#define HALBD_VRRP_AH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "halbd/vrrp_pkt.h"

#define VRRP_AUTH_TYPE_AH	2	/* the VRRPv2 header's auth type byte */
#define VRRP_AH_PROTO		51
#define VRRP_AH_LEN		24
#define VRRP_AH_ICV_LEN		12	/* HMAC-MD5-96 */
#define VRRP_AH_PLEN		4	/* AH length field: 32-bit words minus 2 */
#define VRRP_AH_KEY_LEN		8
#define VRRP_AH_IP_LEN		20	/* the header we send: no options */
/* keepalived stops counting here and resets when it next becomes master */
#define VRRP_AH_SEQ_MAX		0xfffffffdU

/*
 * vrrp_hmac_md5() - HMAC-MD5 (RFC 2104) of the concatenation of @n buffers.
 * Return: 0, or -1 if OpenSSL failed (then @out is zeroed).
 */
int vrrp_hmac_md5(const uint8_t *key, size_t klen, const uint8_t *const *data,
		  const size_t *len, int n, uint8_t out[16]);

/*
 * vrrp_ah_icv() - the 12-byte ICV of an IPv4 + AH packet of @len bytes,
 * mutable fields zeroed as described above.  The packet's own ICV field
 * is ignored.  Return: 0, or -1 if @pkt is not IPv4 + AH.
 */
int vrrp_ah_icv(const uint8_t *pkt, size_t len, const char key[VRRP_AH_KEY_LEN], bool unicast,
		uint8_t icv[VRRP_AH_ICV_LEN]);

struct vrrp_ah_tx {
	struct in_addr src, dst;
	uint16_t ip_id;			/* keepalived counts from 1, never 0 */
	uint32_t seq;
	bool unicast;
	const char *key;		/* VRRP_AH_KEY_LEN bytes */
};

/*
 * vrrp_ah_encode() - wrap the VRRP message @vrrp (auth type 2, already
 * checksummed) into a whole IPv4 packet for an IP_HDRINCL socket.
 * Return: the packet length, or -1 if @len is too small.
 */
int vrrp_ah_encode(const struct vrrp_ah_tx *t, const uint8_t *vrrp, size_t vlen,
		   uint8_t *buf, size_t len);

struct vrrp_ah_rx {
	const char *key;		/* VRRP_AH_KEY_LEN bytes */
	bool unicast;
	uint8_t vrid;
	uint32_t seq_last;		/* the instance's sequence number */
	/* out: set once the headers parse, whatever the verdict */
	uint32_t seq;
	const uint8_t *vrrp;
	size_t vlen;
};

/*
 * vrrp_ah_check() - verify a received IPv4 + AH packet of @len bytes (the
 * whole datagram, IP header included) and locate the VRRP message in it.
 * Checks, in order: lengths, AH framing (ah_header), the VRID (an other
 * router's adverts carry an other key, so they are not auth failures), the
 * ICV (ah_icv), SPI = source (ah_spi), sequence above @rx->seq_last (ah_seq).
 * On VRRP_RX_OK the caller stores @rx->seq as its sequence number and runs
 * vrrp_pkt_decode() on @rx->vrrp.
 */
enum vrrp_drop vrrp_ah_check(const uint8_t *pkt, size_t len, struct vrrp_ah_rx *rx);

#endif
