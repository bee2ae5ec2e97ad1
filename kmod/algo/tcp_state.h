/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_ALGO_TCP_STATE_H
#define _HALB_ALGO_TCP_STATE_H

#include "types.h"

/* Which packets of a TCP connection the director sees. */
enum halb_tcp_dir {
	HALB_DIR_IN,		/* client -> real server, replies also seen (NAT) */
	HALB_DIR_OUT,		/* real server -> client (NAT replies) */
	HALB_DIR_IN_ONLY,	/* client -> real server, replies bypass (DR, TUN) */
};

/* HALB_TCP_* flags as in packet.h, duplicated for host builds. */
#define HALB_TCPF_SYN	0x1
#define HALB_TCPF_ACK	0x2
#define HALB_TCPF_FIN	0x4
#define HALB_TCPF_RST	0x8

/*
 * Next connection state (enum halb_conn_state) after a packet with @flags
 * in direction @dir, the way IPVS tracks TCP: a loose tracker that only
 * picks timeouts, never drops packets.
 */
unsigned int halb_tcp_next_state(enum halb_tcp_dir dir, unsigned int state,
				 unsigned int flags);

#endif /* _HALB_ALGO_TCP_STATE_H */
