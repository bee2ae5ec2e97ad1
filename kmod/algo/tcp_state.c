// SPDX-License-Identifier: GPL-2.0
/*
 * TCP state tracking for timeouts, pure logic.  The transitions follow the
 * behaviour of IPVS's tables (net/netfilter/ipvs/ip_vs_proto_tcp.c): one
 * table per direction, rows by the packet's most significant flag (RST,
 * then SYN, then FIN, then ACK), columns by the current state.
 */
#include "tcp_state.h"
#include <uapi/linux/halb.h>

#define NO HALB_CS_NONE
#define ES HALB_CS_ESTABLISHED
#define SS HALB_CS_SYN_SENT
#define SR HALB_CS_SYN_RECV
#define FW HALB_CS_FIN_WAIT
#define TW HALB_CS_TIME_WAIT
#define CL HALB_CS_CLOSE
#define CW HALB_CS_CLOSE_WAIT
#define LA HALB_CS_LAST_ACK

enum { ROW_SYN, ROW_FIN, ROW_ACK, ROW_RST, ROWS };

/* Columns in enum halb_conn_state order: NO ES SS SR FW TW CL CW LA */
static const u8 tbl[3][ROWS][9] = {
	[HALB_DIR_IN] = {
		[ROW_SYN] = { SR, ES, ES, SR, SR, SR, SR, SR, SR },
		[ROW_FIN] = { CL, CW, SS, TW, TW, TW, CL, CW, LA },
		[ROW_ACK] = { ES, ES, SS, ES, FW, TW, CL, CW, CL },
		[ROW_RST] = { CL, CL, CL, SR, CL, CL, CL, CL, LA },
	},
	[HALB_DIR_OUT] = {
		[ROW_SYN] = { SS, ES, SS, SR, SS, SS, SS, SS, SS },
		[ROW_FIN] = { TW, FW, SS, TW, FW, TW, CL, TW, LA },
		[ROW_ACK] = { ES, ES, SS, ES, FW, TW, CL, CW, LA },
		[ROW_RST] = { CL, CL, SS, CL, CL, TW, CL, CL, CL },
	},
	[HALB_DIR_IN_ONLY] = {
		[ROW_SYN] = { SR, ES, ES, SR, SR, SR, SR, SR, SR },
		[ROW_FIN] = { CL, FW, SS, TW, FW, TW, CL, CW, LA },
		[ROW_ACK] = { ES, ES, SS, ES, FW, TW, CL, CW, CL },
		[ROW_RST] = { CL, CL, CL, SR, CL, CL, CL, CL, LA },
	},
};

unsigned int halb_tcp_next_state(enum halb_tcp_dir dir, unsigned int state,
				 unsigned int flags)
{
	int row;

	if ((unsigned int)dir > HALB_DIR_IN_ONLY || state > HALB_CS_LAST_ACK)
		return state;
	if (flags & HALB_TCPF_RST)
		row = ROW_RST;
	else if (flags & HALB_TCPF_SYN)
		row = ROW_SYN;
	else if (flags & HALB_TCPF_FIN)
		row = ROW_FIN;
	else if (flags & HALB_TCPF_ACK)
		row = ROW_ACK;
	else
		return state;
	return tbl[dir][row][state];
}
