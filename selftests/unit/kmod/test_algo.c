// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the module's pure logic, compiled from the same
 * sources as halb.ko (kmod/algo/).  KTAP output.
 */
#include <stdio.h>
#include <string.h>
#include "algo/wrr.h"
#include "algo/tcp_state.h"
#include "uapi/linux/halb.h"

static int n_test, n_fail;

static void result(int ok, const char *name)
{
	n_test++;
	if (!ok)
		n_fail++;
	printf("%sok %d %s\n", ok ? "" : "not ", n_test, name);
}

/* The IPVS sequence for weights 4,3,2 is known: a a b a b c a b c */
static void wrr_sequence(void)
{
	u32 w[3] = { 4, 3, 2 };
	int want[9] = { 0, 0, 1, 0, 1, 2, 0, 1, 2 }, i, ok = 1;
	struct halb_wrr s = { 0 };

	halb_wrr_reset(&s, w, 3);
	for (i = 0; i < 18; i++)
		ok &= halb_wrr_next(&s, w, 3, NULL) == want[i % 9];
	result(ok, "wrr: IPVS sequence for weights 4,3,2 over two cycles");
}

/* Over 1M flows each server gets its weight's share (exactly, per cycle). */
static void wrr_distribution(void)
{
	u32 w[5] = { 1, 7, 3, 0, 10 };
	long count[5] = { 0 }, total = 0, i;
	struct halb_wrr s = { 0 };
	int ok = 1, k;

	halb_wrr_reset(&s, w, 5);
	for (i = 0; i < 1000000; i++)
		count[halb_wrr_next(&s, w, 5, NULL)]++;
	for (k = 0; k < 5; k++)
		total += w[k];
	for (k = 0; k < 5; k++) {
		double want = 1e6 * w[k] / total, got = count[k];

		if (got < want * 0.99 - 1 || got > want * 1.01 + 1)
			ok = 0;
	}
	result(ok && count[3] == 0, "wrr: 1M flows within 1% of weights, weight 0 never chosen");
}

static void wrr_overload_and_empty(void)
{
	u32 w[3] = { 2, 2, 2 }, z[2] = { 0, 0 };
	unsigned long ov[1] = { 0x5 };	/* servers 0 and 2 overloaded */
	struct halb_wrr s = { 0 }, t = { 0 };
	int i, ok = 1;

	halb_wrr_reset(&s, w, 3);
	for (i = 0; i < 10; i++)
		ok &= halb_wrr_next(&s, w, 3, ov) == 1;
	ov[0] = 0x7;
	ok &= halb_wrr_next(&s, w, 3, ov) == -1;
	halb_wrr_reset(&t, z, 2);
	ok &= halb_wrr_next(&t, z, 2, NULL) == -1;
	ok &= halb_wrr_next(&t, z, 0, NULL) == -1;
	result(ok, "wrr: overloaded servers skipped, none available gives -1");
}

static void wrr_reset_keeps_weight(void)
{
	u32 w[2] = { 5, 5 }, w2[3] = { 5, 5, 1 };
	struct halb_wrr s = { 0 };
	int i, seen[3] = { 0 };

	halb_wrr_reset(&s, w, 2);
	halb_wrr_next(&s, w, 2, NULL);
	halb_wrr_reset(&s, w2, 3);
	for (i = 0; i < 1100; i++)
		seen[halb_wrr_next(&s, w2, 3, NULL)]++;
	result(seen[0] >= 499 && seen[1] >= 499 && seen[2] >= 99 && seen[2] <= 101,
	       "wrr: a reset after a change keeps the proportions");
}

static void tcp_states(void)
{
	int ok = 1;
	unsigned int s;

	s = halb_tcp_next_state(HALB_DIR_IN, HALB_CS_NONE, HALB_TCPF_SYN);
	ok &= s == HALB_CS_SYN_RECV;
	s = halb_tcp_next_state(HALB_DIR_OUT, s, HALB_TCPF_SYN | HALB_TCPF_ACK);
	ok &= s == HALB_CS_SYN_RECV;
	s = halb_tcp_next_state(HALB_DIR_IN, s, HALB_TCPF_ACK);
	ok &= s == HALB_CS_ESTABLISHED;
	s = halb_tcp_next_state(HALB_DIR_IN, s, HALB_TCPF_FIN | HALB_TCPF_ACK);
	ok &= s == HALB_CS_CLOSE_WAIT;
	ok &= halb_tcp_next_state(HALB_DIR_IN, HALB_CS_ESTABLISHED, HALB_TCPF_RST) ==
	      HALB_CS_CLOSE;
	ok &= halb_tcp_next_state(HALB_DIR_IN_ONLY, HALB_CS_ESTABLISHED, HALB_TCPF_FIN) ==
	      HALB_CS_FIN_WAIT;
	ok &= halb_tcp_next_state(HALB_DIR_IN, HALB_CS_ESTABLISHED, 0) ==
	      HALB_CS_ESTABLISHED;
	ok &= halb_tcp_next_state(HALB_DIR_IN, 200, HALB_TCPF_SYN) == 200;
	result(ok, "tcp state: handshake, close, reset, out-of-range input");
}

int main(void)
{
	wrr_sequence();
	wrr_distribution();
	wrr_overload_and_empty();
	wrr_reset_keeps_weight();
	tcp_states();
	return n_fail ? 1 : 0;
}
