// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "halbd/vrrp_ah.h"

#define MD5_BLOCK	64
#define MD5_LEN		16
#define IP_MAX_HDR	60

/* One MD5 over a pad block and @n buffers. */
static int md5_pad(const uint8_t pad[MD5_BLOCK], const uint8_t *const *data, const size_t *len,
		   int n, uint8_t out[MD5_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) &&
		 EVP_DigestUpdate(ctx, pad, MD5_BLOCK);

	for (int i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, data[i], len[i]);
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

/*
 * RFC 2104 by hand over OpenSSL's MD5, rather than its HMAC API: the
 * message comes in pieces (a zeroed copy of the headers, then the VRRP
 * message in place), and OpenSSL 3 deprecates the incremental HMAC_CTX.
 */
int vrrp_hmac_md5(const uint8_t *key, size_t klen, const uint8_t *const *data,
		  const size_t *len, int n, uint8_t out[16])
{
	uint8_t k[MD5_BLOCK] = { 0 }, ipad[MD5_BLOCK], opad[MD5_BLOCK], inner[MD5_LEN];
	const uint8_t *ip = inner;
	size_t il = sizeof(inner);

	/* a key longer than the block is replaced by its digest */
	if (klen > MD5_BLOCK) {
		if (!EVP_Digest(key, klen, k, NULL, EVP_md5(), NULL))
			goto fail;
	} else {
		memcpy(k, key, klen);
	}
	for (int i = 0; i < MD5_BLOCK; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	if (md5_pad(ipad, data, len, n, inner) || md5_pad(opad, &ip, &il, 1, out))
		goto fail;
	return 0;
fail:
	memset(out, 0, MD5_LEN);
	return -1;
}

static size_t ihl_of(const uint8_t *pkt, size_t len)
{
	size_t ihl;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return 0;
	ihl = (pkt[0] & 0x0f) * 4;
	return ihl >= 20 && ihl <= len ? ihl : 0;
}

int vrrp_ah_icv(const uint8_t *pkt, size_t len, const char key[VRRP_AH_KEY_LEN], bool unicast,
		uint8_t icv[VRRP_AH_ICV_LEN])
{
	uint8_t hdr[IP_MAX_HDR + VRRP_AH_LEN], md[MD5_LEN];
	size_t ihl = ihl_of(pkt, len), hl = ihl + VRRP_AH_LEN;
	const uint8_t *parts[2];
	size_t lens[2];

	if (!ihl || len < hl)
		return -1;
	memcpy(hdr, pkt, hl);
	/* RFC 2402 3.3.3.1.1.1: mutable IPv4 fields count as zero */
	hdr[1] = 0;				/* TOS */
	hdr[6] = hdr[7] = 0;			/* flags, fragment offset */
	hdr[10] = hdr[11] = 0;			/* header checksum */
	/*
	 * TTL is mutable too, but a multicast advert must arrive with 255, so
	 * keepalived keeps it in the ICV there and zeroes it only for unicast,
	 * where routers may decrement it.  Both ends must agree: do the same.
	 */
	if (unicast)
		hdr[8] = 0;
	memset(hdr + ihl + 12, 0, VRRP_AH_ICV_LEN);
	parts[0] = hdr;
	lens[0] = hl;
	parts[1] = pkt + hl;
	lens[1] = len - hl;
	if (vrrp_hmac_md5((const uint8_t *)key, VRRP_AH_KEY_LEN, parts, lens, 2, md))
		return -1;
	memcpy(icv, md, VRRP_AH_ICV_LEN);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int vrrp_ah_encode(const struct vrrp_ah_tx *t, const uint8_t *vrrp, size_t vlen,
		   uint8_t *buf, size_t len)
{
	size_t total = VRRP_AH_IP_LEN + VRRP_AH_LEN + vlen;
	uint8_t *ah = buf + VRRP_AH_IP_LEN, icv[VRRP_AH_ICV_LEN];
	uint16_t sum;

	if (total > len || total > 0xffff)
		return -1;
	memset(buf, 0, VRRP_AH_IP_LEN + VRRP_AH_LEN);
	buf[0] = 0x45;
	buf[1] = 0xc0;				/* internetwork control, as keepalived */
	put16(buf + 2, total);
	put16(buf + 4, t->ip_id);
	buf[8] = 255;
	buf[9] = VRRP_AH_PROTO;
	memcpy(buf + 12, &t->src, 4);
	memcpy(buf + 16, &t->dst, 4);
	ah[0] = VRRP_PROTO;			/* next header */
	ah[1] = VRRP_AH_PLEN;
	memcpy(ah + 4, &t->src, 4);		/* SPI: the sender, as keepalived */
	put32(ah + 8, t->seq);
	if (vlen)
		memmove(ah + VRRP_AH_LEN, vrrp, vlen);
	if (vrrp_ah_icv(buf, total, t->key, t->unicast, icv))
		return -1;
	memcpy(ah + 12, icv, VRRP_AH_ICV_LEN);
	/* the kernel fills it in for IP_HDRINCL anyway; tests compare bytes */
	sum = vrrp_csum(buf, VRRP_AH_IP_LEN, 0);
	put16(buf + 10, sum);
	return (int)total;
}

enum vrrp_drop vrrp_ah_check(const uint8_t *pkt, size_t len, struct vrrp_ah_rx *rx)
{
	size_t ihl = ihl_of(pkt, len);
	uint8_t icv[VRRP_AH_ICV_LEN];
	const uint8_t *ah;

	rx->vrrp = NULL;
	rx->vlen = 0;
	rx->seq = 0;
	if (!ihl)
		return VRRP_DROP_TRUNCATED;
	if (pkt[9] != VRRP_AH_PROTO)
		return VRRP_DROP_AUTH_TYPE;	/* plain VRRP where AH is required */
	if (len < ihl + VRRP_AH_LEN + 2)
		return VRRP_DROP_TRUNCATED;
	if (((size_t)pkt[2] << 8 | pkt[3]) != len)
		return VRRP_DROP_LENGTH;
	ah = pkt + ihl;
	rx->seq = get32(ah + 8);
	rx->vrrp = ah + VRRP_AH_LEN;
	rx->vlen = len - ihl - VRRP_AH_LEN;
	/* AH for something else, or another algorithm's ICV length */
	if (ah[0] != VRRP_PROTO || ah[1] != VRRP_AH_PLEN)
		return VRRP_DROP_AH_HEADER;
	/* before the ICV: a router of another VRID has another key */
	if (rx->vrrp[1] != rx->vrid)
		return VRRP_DROP_VRID;
	if (vrrp_ah_icv(pkt, len, rx->key, rx->unicast, icv) ||
	    CRYPTO_memcmp(icv, ah + 12, VRRP_AH_ICV_LEN))
		return VRRP_DROP_AH_ICV;
	if (memcmp(ah + 4, pkt + 12, 4))
		return VRRP_DROP_AH_SPI;
	if (rx->seq <= rx->seq_last)
		return VRRP_DROP_AH_SEQ;
	return VRRP_RX_OK;
}
