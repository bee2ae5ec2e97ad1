// SPDX-License-Identifier: GPL-2.0
/*
 * PING_CHECK: one ICMP or ICMPv6 echo request, up on the matching reply.
 * An unprivileged ping socket (SOCK_DGRAM, IPPROTO_ICMP*) is tried first:
 * the kernel then picks the id and hands us only our own replies.  Where
 * net.ipv4.ping_group_range forbids it (network namespaces start with it
 * off), a raw socket is used, filtered to echo replies and connected to the
 * target so that the kernel drops other peers' packets for us.
 */
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "halbd/check_int.h"

#define RAW_ICMP_FILTER	1	/* ICMP_FILTER of linux/icmp.h, which clashes with glibc's */

static bool use_raw[2];		/* per family, once the ping socket was refused */

static uint16_t csum(const uint8_t *b, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += b[i] << 8 | b[i + 1];
	if (n & 1)
		s += b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static int ping_start(struct probe *p, uint64_t now)
{
	bool v6 = p->dst.ss_family == AF_INET6;
	int proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, fd;
	uint8_t pkt[8 + 16];
	uint16_t c;

	p->tmo_why = "no echo reply";
	fd = use_raw[v6] ? -1 : probe_socket(p, SOCK_DGRAM, proto);
	if (fd < 0 && !use_raw[v6] && (errno == EACCES || errno == EPERM ||
					errno == EPROTONOSUPPORT)) {
		use_raw[v6] = true;
	}
	if (fd < 0 && use_raw[v6]) {
		fd = probe_socket(p, SOCK_RAW, proto);
		if (fd >= 0 && !v6) {
			uint32_t f = ~(1u << ICMP_ECHOREPLY);	/* linux/icmp.h's icmp_filter */

			setsockopt(fd, SOL_RAW, RAW_ICMP_FILTER, &f, sizeof(f));
		} else if (fd >= 0) {
			struct icmp6_filter f;

			ICMP6_FILTER_SETBLOCKALL(&f);
			ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
			setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
		}
	}
	if (fd < 0)
		return -1;
	p->raw = use_raw[v6];
	if (connect(fd, (struct sockaddr *)&p->dst, p->dstlen)) {
		snprintf(p->why, sizeof(p->why), "connect: %s", strerror(errno));
		return -1;
	}
	p->seq++;
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	/* id: ours on a raw socket; a ping socket replaces it with its own */
	pkt[4] = (uint8_t)((uintptr_t)p >> 12);
	pkt[5] = (uint8_t)((uintptr_t)p >> 4);
	pkt[6] = p->seq >> 8;
	pkt[7] = p->seq & 0xff;
	memcpy(pkt + 8, "halbd PING_CHCK", 16);
	memcpy(pkt + 8 + 8, &now, sizeof(now));
	if (!v6) {				/* the kernel sums ICMPv6 itself */
		c = csum(pkt, sizeof(pkt));
		pkt[2] = c >> 8;
		pkt[3] = c & 0xff;
	}
	if (send(fd, pkt, sizeof(pkt), 0) < 0) {
		snprintf(p->why, sizeof(p->why), "send: %s", strerror(errno));
		return -1;
	}
	return probe_watch(p, EPOLLIN);
}

static void ping_event(struct probe *p, uint32_t events)
{
	bool v6 = p->dst.ss_family == AF_INET6;
	uint8_t buf[1500];

	(void)events;
	for (;;) {
		ssize_t n = recv(p->w.fd, buf, sizeof(buf), 0);
		const uint8_t *icmp = buf;
		int type;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			probe_done(p, false, "%s", strerror(errno));
			return;
		}
		if (!v6 && p->raw) {	/* raw IPv4 sockets include the IP header */
			size_t ihl = n ? (size_t)(buf[0] & 0x0f) * 4 : 0;

			if (ihl < 20 || (size_t)n < ihl)
				continue;
			icmp += ihl;
			n -= ihl;
		}
		if (n < 8 + 16)
			continue;
		type = icmp[0];
		if (type != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY) ||
		    (icmp[6] << 8 | icmp[7]) != p->seq || memcmp(icmp + 8, "halbd PI", 8))
			continue;
		if (p->raw && (icmp[4] != (uint8_t)((uintptr_t)p >> 12) ||
				    icmp[5] != (uint8_t)((uintptr_t)p >> 4)))
			continue;
		probe_done(p, true, "echo reply");
		return;
	}
}

const struct check_ops check_ping_ops = {
	.start = ping_start,
	.event = ping_event,
};
