// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: TCP state tracking (algo/tcp_state.c) against IPVS's own table,
 * copied verbatim from net/netfilter/ipvs/ip_vs_proto_tcp.c (tcp_states[],
 * the non-"secure_tcp" one) minus its LISTEN and SYNACK columns, which halb
 * does not have.  Every (direction, state, flags) combination is checked.
 */
#include <kunit/test.h>
#include <uapi/linux/halb.h>
#include "algo/tcp_state.h"

#define sNO HALB_CS_NONE
#define sES HALB_CS_ESTABLISHED
#define sSS HALB_CS_SYN_SENT
#define sSR HALB_CS_SYN_RECV
#define sFW HALB_CS_FIN_WAIT
#define sTW HALB_CS_TIME_WAIT
#define sCL HALB_CS_CLOSE
#define sCW HALB_CS_CLOSE_WAIT
#define sLA HALB_CS_LAST_ACK
#define NSTATES 9

/* [direction][syn, fin, ack, rst][state] */
static const u8 ipvs_tcp_states[3][4][NSTATES] = {
/*	INPUT */
/*        sNO, sES, sSS, sSR, sFW, sTW, sCL, sCW, sLA	*/
{
/*syn*/ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR },
/*fin*/ { sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA },
/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL },
/*rst*/ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA },
},
/*	OUTPUT */
{
/*syn*/ { sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS },
/*fin*/ { sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA },
/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA },
/*rst*/ { sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL },
},
/*	INPUT-ONLY */
{
/*syn*/ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR },
/*fin*/ { sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA },
/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL },
/*rst*/ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA },
},
};

/* IPVS's tcp_state_idx(): RST first, then SYN, FIN, ACK; -1 for none. */
static int ipvs_row(unsigned int flags)
{
	if (flags & HALB_TCPF_RST)
		return 3;
	if (flags & HALB_TCPF_SYN)
		return 0;
	if (flags & HALB_TCPF_FIN)
		return 1;
	if (flags & HALB_TCPF_ACK)
		return 2;
	return -1;
}

static void tcp_state_table(struct kunit *test)
{
	unsigned int dir, state, flags, want;
	int row;

	for (dir = HALB_DIR_IN; dir <= HALB_DIR_IN_ONLY; dir++)
		for (state = 0; state < NSTATES; state++)
			for (flags = 0; flags < 16; flags++) {
				row = ipvs_row(flags);
				want = row < 0 ? state : ipvs_tcp_states[dir][row][state];
				KUNIT_EXPECT_EQ_MSG(test, halb_tcp_next_state(dir, state, flags), want,
						    "dir %u state %u flags %#x", dir, state, flags);
			}
}

static void tcp_state_out_of_range(struct kunit *test)
{
	unsigned int f;

	for (f = 0; f < 16; f++) {
		/* UDP and unknown states are left alone, whatever the flags */
		KUNIT_EXPECT_EQ(test, halb_tcp_next_state(HALB_DIR_IN, HALB_CS_UDP, f),
				(unsigned int)HALB_CS_UDP);
		KUNIT_EXPECT_EQ(test, halb_tcp_next_state(HALB_DIR_OUT, 200, f), 200U);
		KUNIT_EXPECT_EQ(test, halb_tcp_next_state(3, sES, f), (unsigned int)sES);
		KUNIT_EXPECT_EQ(test, halb_tcp_next_state(-1, sSR, f), (unsigned int)sSR);
	}
}

static unsigned int tcp_walk(const unsigned int (*steps)[2], int n)
{
	unsigned int s = sNO;
	int i;

	for (i = 0; i < n; i++)
		s = halb_tcp_next_state(steps[i][0], s, steps[i][1]);
	return s;
}

/* Whole connections as a NAT director (both directions) and a DR one sees them. */
static void tcp_state_lifecycles(struct kunit *test)
{
	static const unsigned int nat_open[][2] = {
		{ HALB_DIR_IN, HALB_TCPF_SYN },
		{ HALB_DIR_OUT, HALB_TCPF_SYN | HALB_TCPF_ACK },
		{ HALB_DIR_IN, HALB_TCPF_ACK },
	};
	static const unsigned int nat_close[][2] = {
		{ HALB_DIR_IN, HALB_TCPF_SYN },
		{ HALB_DIR_OUT, HALB_TCPF_SYN | HALB_TCPF_ACK },
		{ HALB_DIR_IN, HALB_TCPF_ACK },
		{ HALB_DIR_IN, HALB_TCPF_FIN | HALB_TCPF_ACK },
		{ HALB_DIR_OUT, HALB_TCPF_ACK },
		{ HALB_DIR_OUT, HALB_TCPF_FIN | HALB_TCPF_ACK },
		{ HALB_DIR_IN, HALB_TCPF_ACK },
	};
	static const unsigned int dr_open[][2] = {
		{ HALB_DIR_IN_ONLY, HALB_TCPF_SYN },
		{ HALB_DIR_IN_ONLY, HALB_TCPF_ACK },
	};
	static const unsigned int dr_fin[][2] = {
		{ HALB_DIR_IN_ONLY, HALB_TCPF_SYN },
		{ HALB_DIR_IN_ONLY, HALB_TCPF_ACK },
		{ HALB_DIR_IN_ONLY, HALB_TCPF_FIN | HALB_TCPF_ACK },
	};
	static const unsigned int reset[][2] = {
		{ HALB_DIR_IN, HALB_TCPF_SYN },
		{ HALB_DIR_OUT, HALB_TCPF_RST },
	};

	KUNIT_EXPECT_EQ(test, tcp_walk(nat_open, ARRAY_SIZE(nat_open)), (unsigned int)sES);
	KUNIT_EXPECT_EQ(test, tcp_walk(nat_close, ARRAY_SIZE(nat_close)), (unsigned int)sTW);
	KUNIT_EXPECT_EQ(test, tcp_walk(dr_open, ARRAY_SIZE(dr_open)), (unsigned int)sES);
	KUNIT_EXPECT_EQ(test, tcp_walk(dr_fin, ARRAY_SIZE(dr_fin)), (unsigned int)sFW);
	KUNIT_EXPECT_EQ(test, tcp_walk(reset, ARRAY_SIZE(reset)), (unsigned int)sCL);
}

static struct kunit_case halb_tcp_state_cases[] = {
	KUNIT_CASE(tcp_state_table),
	KUNIT_CASE(tcp_state_out_of_range),
	KUNIT_CASE(tcp_state_lifecycles),
	{}
};

static struct kunit_suite halb_tcp_state_suite = {
	.name = "halb_tcp_state",
	.test_cases = halb_tcp_state_cases,
};
kunit_test_suites(&halb_tcp_state_suite);
