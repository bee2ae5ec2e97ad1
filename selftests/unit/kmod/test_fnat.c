// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of FULLNAT's pure logic, compiled from the same sources
 * as halb.ko: the local port allocator (kmod/algo/lport.c) and the client
 * address carriers (kmod/algo/caddr.c: TOA option, PROXY v2 header, the
 * sequence shift).  KTAP output.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "algo/lport.h"
#include "algo/caddr.h"

static int n_test, n_fail;

static void result(int ok, const char *name)
{
	n_test++;
	if (!ok)
		n_fail++;
	printf("%sok %d %s\n", ok ? "" : "not ", n_test, name);
}

static unsigned long map[HALB_LPORT_WORDS];

static int bit(unsigned int port)
{
	return (map[port / BITS_PER_LONG] >> (port % BITS_PER_LONG)) & 1;
}

/* Every port of a range across word boundaries, each once, then none. */
static void lport_range(void)
{
	static char seen[65536];
	int ok = 1, i, p;

	memset(map, 0, sizeof(map));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 75; i++) {
		p = halb_lport_alloc(map, 60, 134, i * 7919u, 4096);
		if (p < 60 || p > 134 || seen[p]++)
			ok = 0;
	}
	result(ok, "lport: 75 ports of 60..134 (three words), each once");
	result(halb_lport_alloc(map, 60, 134, 5, 4096) == -1,
	       "lport: full range refuses");
	result(!bit(59) && !bit(135), "lport: nothing outside the range taken");
	halb_lport_free(map, 100);
	result(halb_lport_alloc(map, 60, 134, 0, 4096) == 100,
	       "lport: a freed port is found again from any start");
}

/* The search looks at @budget ports from the hashed start and no more. */
static void lport_budget(void)
{
	int p, i;

	memset(map, 0, sizeof(map));
	for (i = 1024; i <= 65535; i++)
		map[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
	halb_lport_free(map, 30000);
	/* start at 1024 + 10000 = 11024: 30000 is 18976 ports on */
	p = halb_lport_alloc(map, 1024, 65535, 10000, 4096);
	result(p == -1, "lport: budget bounds the search (free port beyond the window)");
	p = halb_lport_alloc(map, 1024, 65535, 30000 - 1024 - 100, 4096);
	result(p == 30000, "lport: free port within the window found");
	halb_lport_free(map, 1024);
	p = halb_lport_alloc(map, 1024, 65535, 65535 - 1024 - 10, 64);
	result(p == 1024, "lport: the window wraps from the top of the range to its bottom");
	memset(map, 0, sizeof(map));
	result(halb_lport_alloc(map, 7, 7, 123, 1) == 7 &&
	       halb_lport_alloc(map, 7, 7, 0, 4096) == -1,
	       "lport: a one-port range");
}

/* Four threads race for a 4000-port range: no port is given twice. */
#define RACE_THREADS	4
#define RACE_PORTS	4000

static int race_got[RACE_THREADS][RACE_PORTS];

static void *race(void *arg)
{
	long t = (long)arg;
	int i;

	for (i = 0; i < RACE_PORTS; i++)
		race_got[t][i] = halb_lport_alloc(map, 20000, 20000 + RACE_PORTS - 1,
						  (unsigned int)(i * 2654435761u), 4096);
	return NULL;
}

static void lport_race(void)
{
	static char seen[65536];
	pthread_t th[RACE_THREADS];
	int ok = 1, total = 0, t, i;

	memset(map, 0, sizeof(map));
	memset(seen, 0, sizeof(seen));
	for (t = 0; t < RACE_THREADS; t++)
		pthread_create(&th[t], NULL, race, (void *)(long)t);
	for (t = 0; t < RACE_THREADS; t++)
		pthread_join(th[t], NULL);
	for (t = 0; t < RACE_THREADS; t++) {
		for (i = 0; i < RACE_PORTS; i++) {
			int p = race_got[t][i];

			if (p < 0)
				continue;
			total++;
			if (p < 20000 || p >= 20000 + RACE_PORTS || seen[p]++)
				ok = 0;
		}
	}
	result(ok && total == RACE_PORTS,
	       "lport: 4 threads, 16000 claims on 4000 ports: each port exactly once");
}

static void toa(void)
{
	static const u8 want4[8] = { 254, 8, 0x9c, 0x40, 198, 51, 100, 2 };
	u8 buf[HALB_TOA_LEN6], a6[16], got[16], opts[40];
	struct in_addr a4;
	unsigned int len, n = 0;
	u16 port = htons(40000), gport = 0;
	bool v6 = true;

	inet_pton(AF_INET, "198.51.100.2", &a4);
	len = halb_toa_build(buf, 254, false, &a4, port);
	result(len == 8 && !memcmp(buf, want4, 8), "toa: IPv4 option bytes (DPVS layout)");
	inet_pton(AF_INET6, "2001:db8:1::2", a6);
	len = halb_toa_build(buf, 200, true, a6, port);
	result(len == 20 && buf[0] == 200 && buf[1] == 20 && !memcmp(buf + 4, a6, 16),
	       "toa: IPv6 option bytes, configurable kind");

	/* MSS-less ACK options as Linux sends them: NOP NOP TS, then TOA */
	opts[n++] = 1;
	opts[n++] = 1;
	opts[n++] = 8;
	opts[n++] = 10;
	memset(opts + n, 0x55, 8);
	n += 8;
	memcpy(opts + n, buf, len);
	n += len;
	result(halb_toa_find(opts, n, 200, &v6, got, &gport) && v6 &&
	       !memcmp(got, a6, 16) && gport == port,
	       "toa: found after NOP, NOP, timestamps");
	result(!halb_toa_find(opts, n, 254, &v6, got, &gport),
	       "toa: another kind is not taken for it");
	opts[3] = 40;	/* timestamp length runs past the end */
	result(!halb_toa_find(opts, n, 200, &v6, got, &gport),
	       "toa: a malformed option length stops the search");
	opts[3] = 10;
	opts[2] = 0;	/* end of options before it */
	result(!halb_toa_find(opts, n, 200, &v6, got, &gport),
	       "toa: nothing after end-of-options");
}

static void ppv2(void)
{
	static const u8 want4[28] = {
		0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
		0x21, 0x11, 0x00, 0x0c,
		198, 51, 100, 2, 203, 0, 113, 1, 0x9c, 0x40, 0x00, 0x50,
	};
	struct in_addr s4, d4;
	u8 buf[HALB_PPV2_MAX], s6[16], d6[16];
	unsigned int len;

	inet_pton(AF_INET, "198.51.100.2", &s4);
	inet_pton(AF_INET, "203.0.113.1", &d4);
	len = halb_ppv2_build(buf, false, &s4, htons(40000), &d4, htons(80));
	result(len == 28 && !memcmp(buf, want4, 28),
	       "ppv2: IPv4 header bytes (signature, PROXY, TCP4, 12-byte block)");
	inet_pton(AF_INET6, "2001:db8:1::2", s6);
	inet_pton(AF_INET6, "2001:db8:100::1", d6);
	len = halb_ppv2_build(buf, true, s6, htons(40000), d6, htons(443));
	result(len == 52 && buf[13] == 0x21 && buf[14] == 0 && buf[15] == 36 &&
	       !memcmp(buf + 16, s6, 16) && !memcmp(buf + 32, d6, 16) &&
	       buf[48] == 0x9c && buf[49] == 0x40 && buf[50] == 0x01 && buf[51] == 0xbb,
	       "ppv2: IPv6 header bytes (TCP6, 36-byte block)");
}

static void seq(void)
{
	static const u32 isns[] = { 1000, 0xffffffe0u, 0x7fffffffu, 0xffffffffu };
	int ok_rt = 1, ok_first = 1, ok_hdr = 1, ok_before = 1;
	unsigned int i;
	u32 d = 28, k;

	for (i = 0; i < sizeof(isns) / sizeof(isns[0]); i++) {
		u32 isn = isns[i], first = isn + 1;

		/* the first byte keeps its number: the header takes it */
		ok_first &= halb_seq_to_server(first, isn, d) == first;
		for (k = 1; k < 5000; k += 7)
			ok_rt &= halb_seq_to_server(first + k, isn, d) == first + k + d &&
				 halb_seq_to_client(first + k + d, isn, d) == first + k;
		/* the server acknowledging only part of the header */
		for (k = 1; k < d; k++)
			ok_hdr &= halb_seq_to_client(first + k, isn, d) == first;
		ok_hdr &= halb_seq_to_client(first + d, isn, d) == first;
		/* before the first byte: the handshake, unchanged */
		ok_before &= halb_seq_to_server(isn, isn, d) == isn &&
			     halb_seq_to_client(first, isn, d) == first &&
			     halb_seq_to_client(isn, isn, d) == isn;
	}
	result(ok_first, "seq: the client's first byte keeps its number");
	result(ok_rt, "seq: later numbers shift by the header and back, across 2^32 wrap");
	result(ok_hdr, "seq: an ack inside the header maps to the first byte");
	result(ok_before, "seq: handshake numbers unchanged");
}

int main(void)
{
	printf("TAP version 13\n1..21\n");
	lport_range();
	lport_budget();
	lport_race();
	toa();
	ppv2();
	seq();
	fprintf(stderr, "# fnat: %d passed, %d failed\n", n_test - n_fail, n_fail);
	return n_fail ? 1 : 0;
}
