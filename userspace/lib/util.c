// SPDX-License-Identifier: LGPL-2.1
/*
 * libhalb helpers that need no kernel: names and the orderings halbctl
 * uses to print like ipvsadm.  Kept apart from the netlink code so that
 * formatters and their unit tests can link this file alone.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "lib/libhalb.h"

/**
 * halb_fwd_name() - JSON/API name of a forwarding method.
 * @fwd: enum halb_fwd_method
 */
const char *halb_fwd_name(uint8_t fwd)
{
	switch (fwd) {
	case HALB_FWD_NAT:
		return "nat";
	case HALB_FWD_DR:
		return "dr";
	case HALB_FWD_TUN:
		return "tun";
	case HALB_FWD_FULLNAT:
		return "fullnat";
	}
	return "unknown";
}

/**
 * halb_conn_state_name() - the state word IPVS shows in /proc/net/ip_vs_conn.
 * @state: enum halb_conn_state
 */
const char *halb_conn_state_name(uint8_t state)
{
	static const char *const names[] = {
		[HALB_CS_NONE]		= "NONE",
		[HALB_CS_ESTABLISHED]	= "ESTABLISHED",
		[HALB_CS_SYN_SENT]	= "SYN_SENT",
		[HALB_CS_SYN_RECV]	= "SYN_RECV",
		[HALB_CS_FIN_WAIT]	= "FIN_WAIT",
		[HALB_CS_TIME_WAIT]	= "TIME_WAIT",
		[HALB_CS_CLOSE]		= "CLOSE",
		[HALB_CS_CLOSE_WAIT]	= "CLOSE_WAIT",
		[HALB_CS_LAST_ACK]	= "LAST_ACK",
		[HALB_CS_UDP]		= "UDP",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "ERR!";
}

/**
 * halb_client_addr_name() - halbctl/JSON name of a client-address method.
 * @mode: enum halb_client_addr
 */
const char *halb_client_addr_name(uint8_t mode)
{
	switch (mode) {
	case HALB_CLIENT_ADDR_NONE:
		return "none";
	case HALB_CLIENT_ADDR_TOA:
		return "toa";
	case HALB_CLIENT_ADDR_PPV2:
		return "ppv2";
	}
	return "unknown";
}

/*
 * ipvsadm (libipvs ipvs_cmp_services/ipvs_cmp_dests) subtracts host-order
 * u32 words and keeps the int result.  The wrap-around of that subtraction
 * decides the order of addresses more than 2^31 apart, so it is copied
 * exactly rather than "fixed": listings must match ipvsadm's line for line.
 */
static int addr_cmp(int af, const union halb_addr *a, const union halb_addr *b)
{
	int r = 0, i;

	if (af == AF_INET6) {
		for (i = 0; !r && i < 4; i++) {
			uint32_t x, y;

			x = ntohl(((const uint32_t *)a->v6.s6_addr)[i]);
			y = ntohl(((const uint32_t *)b->v6.s6_addr)[i]);
			r = (int)(x - y);
		}
		return r;
	}
	return (int)(ntohl(a->v4.s_addr) - ntohl(b->v4.s_addr));
}

/**
 * halb_service_cmp() - ipvsadm's order of services: family, protocol,
 * address, port.
 */
int halb_service_cmp(const struct halb_service *a,
		     const struct halb_service *b)
{
	int r;

	r = a->af - b->af;
	if (r)
		return r;
	r = a->protocol - b->protocol;
	if (r)
		return r;
	r = addr_cmp(a->af, &a->addr, &b->addr);
	if (r)
		return r;
	return a->port - b->port;
}

/**
 * halb_dest_cmp() - ipvsadm's order of real servers: address, port.
 */
int halb_dest_cmp(const struct halb_dest *a, const struct halb_dest *b)
{
	int r;

	r = addr_cmp(a->af, &a->addr, &b->addr);
	if (r)
		return r;
	return a->port - b->port;
}
