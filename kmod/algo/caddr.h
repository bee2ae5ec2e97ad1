/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_ALGO_CADDR_H
#define _HALB_ALGO_CADDR_H

#include "types.h"

/*
 * How a FULLNAT real server learns the client's address: the bytes of the
 * TOA TCP option and of the PROXY protocol v2 header, and the sequence
 * number arithmetic of a stream that carries the header.  Pure functions,
 * shared by halb.ko, halb_toa.ko and the host unit tests.  Addresses and
 * ports are passed and written in network byte order.
 */

/* TOA: kind, length, port, address (DPVS's layout). */
#define HALB_TOA_LEN4		8
#define HALB_TOA_LEN6		20
#define HALB_TOA_KIND_DEFAULT	254

/* PROXY protocol v2: 16-byte fixed part, then the addresses. */
#define HALB_PPV2_LEN4		(16 + 12)
#define HALB_PPV2_LEN6		(16 + 36)
#define HALB_PPV2_MAX		HALB_PPV2_LEN6

/**
 * halb_toa_build - write a TOA option
 * @buf: room for HALB_TOA_LEN6 bytes
 * @kind: option kind
 * @v6: IPv6 (16-byte @addr) or IPv4 (4 bytes)
 * @addr: client address
 * @port: client port, network order
 *
 * Return: the option's length, HALB_TOA_LEN4 or HALB_TOA_LEN6 (a multiple
 * of 4, so it needs no padding).
 */
unsigned int halb_toa_build(u8 *buf, u8 kind, bool v6, const void *addr, u16 port);

/**
 * halb_ppv2_build - write a PROXY protocol v2 header for a TCP stream
 * @buf: room for HALB_PPV2_MAX bytes
 * @v6: address family of the four endpoints
 * @saddr: source (the client), @sport its port, network order
 * @daddr: destination (the virtual service), @dport its port
 *
 * Return: the header's length, HALB_PPV2_LEN4 or HALB_PPV2_LEN6.
 */
unsigned int halb_ppv2_build(u8 *buf, bool v6, const void *saddr, u16 sport,
			     const void *daddr, u16 dport);

/*
 * A stream where @delta bytes were put before the client's first byte,
 * which has sequence number @isn + 1 (host order throughout).  The client
 * numbers its bytes without the header, the real server with it.
 *
 * halb_seq_to_server: a client sequence number as the server numbers it.
 * The first byte keeps its number (the header takes it, then the byte
 * follows); every later number moves up by @delta.
 *
 * halb_seq_to_client: an acknowledgement (or SACK edge) from the server as
 * the client numbers it: down by @delta, and an edge within the header
 * maps to the client's first byte (nothing of its data covered yet).
 */
static inline u32 halb_seq_to_server(u32 seq, u32 isn, u32 delta)
{
	return (s32)(seq - (isn + 1)) > 0 ? seq + delta : seq;
}

static inline u32 halb_seq_to_client(u32 seq, u32 isn, u32 delta)
{
	u32 first = isn + 1;

	if ((s32)(seq - (first + delta)) >= 0)
		return seq - delta;
	if ((s32)(seq - first) > 0)
		return first;
	return seq;
}

/**
 * halb_toa_find - look for a TOA option among TCP options
 * @opt: the options (after the fixed 20-byte header)
 * @len: their length
 * @kind: option kind looked for
 * @v6: set to whether the address is IPv6
 * @addr: 16 bytes; the address is copied there (4 bytes for IPv4)
 * @port: the port, network order
 *
 * Stops at the end-of-options option and at any malformed length.
 *
 * Return: true if found.
 */
static inline bool halb_toa_find(const u8 *opt, unsigned int len, u8 kind,
				 bool *v6, u8 *addr, u16 *port)
{
	unsigned int i = 0;

	while (i < len) {
		u8 k = opt[i], l;

		if (k == 0)		/* end of options */
			return false;
		if (k == 1) {		/* no-operation */
			i++;
			continue;
		}
		if (i + 1 >= len)
			return false;
		l = opt[i + 1];
		if (l < 2 || i + l > len)
			return false;
		if (k == kind && (l == HALB_TOA_LEN4 || l == HALB_TOA_LEN6)) {
			*v6 = l == HALB_TOA_LEN6;
			__builtin_memcpy(port, opt + i + 2, 2);
			__builtin_memcpy(addr, opt + i + 4, l - 4);
			return true;
		}
		i += l;
	}
	return false;
}

#endif /* _HALB_ALGO_CADDR_H */
