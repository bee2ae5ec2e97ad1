// SPDX-License-Identifier: GPL-2.0
/*
 * udptool: UDP test peer for the guest selftests.
 *   udptool server PORT REPLY      answer every datagram with REPLY (v4+v6)
 *   udptool client ADDR PORT N     send N requests, each from a new socket
 *                                  (a new source port, so a new flow), and
 *                                  print each reply on its own line
 *   udptool flow ADDR PORT N [SPORT] the same, all from one socket (one
 *                                  flow), bound to SPORT if given
 *   udptool echo PORT              send every datagram (up to 64 kB) back
 *                                  from the address it was sent to, if its
 *                                  pattern (see big) is intact, else "BAD"
 *   udptool big ADDR PORT SIZE N   N flows (a new socket each), each one
 *                                  datagram of SIZE bytes of a pattern; print
 *                                  "ok" when the echo is the same datagram
 *                                  byte for byte, else "mismatch", "bad"
 *                                  (the server saw it damaged) or "timeout"
 * One process for many requests: starting processes is slow under TCG.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BIG_MAX	65507

/*
 * The pattern of a big datagram: its seed and its size (big-endian), then
 * an xorshift stream from the seed, so that either end can check it.
 */
static void pattern(unsigned char *buf, size_t size, unsigned int seed)
{
	unsigned int x = seed ? seed : 1;
	size_t i;

	for (i = 0; i < 4; i++) {
		buf[i] = seed >> (24 - 8 * i);
		buf[4 + i] = size >> (24 - 8 * i);
	}
	for (i = 8; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x >> 24;
	}
}

static bool pattern_ok(const unsigned char *buf, size_t n)
{
	static unsigned char want[BIG_MAX];
	unsigned int seed, size;

	if (n < 8 || n > BIG_MAX)
		return false;
	seed = (unsigned int)buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3];
	size = (unsigned int)buf[4] << 24 | buf[5] << 16 | buf[6] << 8 | buf[7];
	if (size != n)
		return false;
	pattern(want, n, seed);
	return !memcmp(want, buf, n);
}

static int server(const char *port, const char *reply)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), off = 0;
	char buf[2048];

	a.sin6_port = htons(atoi(port));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("udptool server");
		return 1;
	}
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (n < 0)
			continue;
		sendto(fd, reply, strlen(reply), 0, (struct sockaddr *)&from, fl);
	}
}

static int open_socket(const struct addrinfo *ai, int sport)
{
	struct sockaddr_storage ss = { .ss_family = ai->ai_family };
	int fd = socket(ai->ai_family, SOCK_DGRAM, 0);

	if (fd >= 0 && sport) {
		if (ai->ai_family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = htons(sport);
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = htons(sport);
		if (bind(fd, (struct sockaddr *)&ss, sizeof(ss))) {
			perror("udptool bind");
			close(fd);
			return -1;
		}
	}
	return fd;
}

static int client(const char *addr, const char *port, int count, bool one_flow, int sport)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST }, *ai;
	int i, failed = 0, flow_fd = -1;

	if (getaddrinfo(addr, port, &hints, &ai)) {
		fprintf(stderr, "udptool: bad address %s\n", addr);
		return 2;
	}
	if (one_flow && (flow_fd = open_socket(ai, sport)) < 0)
		return 2;
	for (i = 0; i < count; i++) {
		int fd = one_flow ? flow_fd : open_socket(ai, 0);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char buf[2048];
		ssize_t n = -1;
		int try;

		for (try = 0; try < 3 && n < 0; try++) {
			if (sendto(fd, "ping", 4, 0, ai->ai_addr, ai->ai_addrlen) < 0)
				break;
			if (poll(&p, 1, 2000) == 1)
				n = recv(fd, buf, sizeof(buf) - 1, 0);
		}
		if (n < 0) {
			printf("timeout\n");
			failed++;
		} else {
			buf[n] = 0;
			printf("%s\n", buf);
		}
		if (!one_flow)
			close(fd);
	}
	if (one_flow)
		close(flow_fd);
	fflush(stdout);
	freeaddrinfo(ai);
	return failed ? 1 : 0;
}

static int echo_socket(int af, int port)
{
	struct sockaddr_storage ss = { .ss_family = af };
	int fd = socket(af, SOCK_DGRAM, 0), on = 1;

	if (fd < 0)
		return -1;
	if (af == AF_INET) {
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	} else {
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	}
	if (bind(fd, (struct sockaddr *)&ss, sizeof(ss))) {
		perror("udptool echo bind");
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Answer one datagram from the address it was sent to (a virtual address
 * on a DR or TUN real server), with the pktinfo it came with.
 */
static void echo_one(int fd)
{
	static unsigned char buf[BIG_MAX + 1];
	union { char b[256]; struct cmsghdr align; } in, out;
	struct sockaddr_storage from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = in.b, .msg_controllen = sizeof(in.b),
	};
	struct cmsghdr *c, *oc = (struct cmsghdr *)out.b;
	size_t olen = 0;
	ssize_t n = recvmsg(fd, &m, 0);

	if (n < 0)
		return;
	memset(out.b, 0, sizeof(out.b));
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			oc->cmsg_level = IPPROTO_IP;
			oc->cmsg_type = IP_PKTINFO;
			oc->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(oc), &pi, sizeof(pi));
			olen = CMSG_SPACE(sizeof(pi));
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi6_ifindex = 0;
			oc->cmsg_level = IPPROTO_IPV6;
			oc->cmsg_type = IPV6_PKTINFO;
			oc->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(oc), &pi, sizeof(pi));
			olen = CMSG_SPACE(sizeof(pi));
		}
	}
	if (pattern_ok(buf, n)) {
		iov.iov_len = n;
	} else {
		memcpy(buf, "BAD", 3);
		iov.iov_len = 3;
	}
	m.msg_control = olen ? out.b : NULL;
	m.msg_controllen = olen;
	m.msg_flags = 0;
	if (sendmsg(fd, &m, 0) < 0)
		perror("udptool echo sendmsg");
}

static int echo(const char *port)
{
	struct pollfd p[2] = {
		{ .fd = echo_socket(AF_INET, atoi(port)), .events = POLLIN },
		{ .fd = echo_socket(AF_INET6, atoi(port)), .events = POLLIN },
	};
	int i;

	if (p[0].fd < 0 || p[1].fd < 0)
		return 1;
	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		for (i = 0; i < 2; i++)
			if (p[i].revents & POLLIN)
				echo_one(p[i].fd);
	}
}

/* N flows, each one big datagram that must come back unchanged. */
static int big(const char *addr, const char *port, int size, int count)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST }, *ai;
	static unsigned char buf[BIG_MAX], rbuf[BIG_MAX + 1];
	int i, failed = 0;

	if (size < 8 || size > BIG_MAX || getaddrinfo(addr, port, &hints, &ai)) {
		fprintf(stderr, "udptool: bad address %s or size %d\n", addr, size);
		return 2;
	}
	srand(time(NULL) ^ getpid());
	for (i = 0; i < count; i++) {
		int fd = socket(ai->ai_family, SOCK_DGRAM, 0), try;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		const char *res = "timeout";
		ssize_t n = -1;

		pattern(buf, size, rand());
		for (try = 0; try < 3 && n < 0; try++) {
			if (sendto(fd, buf, size, 0, ai->ai_addr, ai->ai_addrlen) < 0) {
				perror("udptool big sendto");
				break;
			}
			if (poll(&p, 1, 3000) == 1)
				n = recv(fd, rbuf, sizeof(rbuf), 0);
		}
		if (n == size && !memcmp(buf, rbuf, size))
			res = "ok";
		else if (n == 3 && !memcmp(rbuf, "BAD", 3))
			res = "bad";
		else if (n >= 0)
			res = "mismatch";
		if (strcmp(res, "ok"))
			failed++;
		printf("%s\n", res);
		close(fd);
	}
	fflush(stdout);
	freeaddrinfo(ai);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "server"))
		return server(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "client"))
		return client(argv[2], argv[3], atoi(argv[4]), false, 0);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "flow"))
		return client(argv[2], argv[3], atoi(argv[4]), true,
			      argc == 6 ? atoi(argv[5]) : 0);
	if (argc == 3 && !strcmp(argv[1], "echo"))
		return echo(argv[2]);
	if (argc == 6 && !strcmp(argv[1], "big"))
		return big(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	fprintf(stderr, "usage: udptool server PORT REPLY | client ADDR PORT N | flow ADDR PORT N [SPORT]\n"
			"       udptool echo PORT | big ADDR PORT SIZE N\n");
	return 2;
}
