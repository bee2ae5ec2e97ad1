// SPDX-License-Identifier: GPL-2.0
/*
 * udptool: UDP test peer for the guest selftests.
 *   udptool server PORT REPLY      answer every datagram with REPLY (v4+v6)
 *   udptool client ADDR PORT N     send N requests, each from a new socket
 *                                  (a new source port, so a new flow), and
 *                                  print each reply on its own line
 *   udptool flow ADDR PORT N [SPORT] the same, all from one socket (one
 *                                  flow), bound to SPORT if given
 * One process for many requests: starting processes is slow under TCG.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "server"))
		return server(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "client"))
		return client(argv[2], argv[3], atoi(argv[4]), false, 0);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "flow"))
		return client(argv[2], argv[3], atoi(argv[4]), true,
			      argc == 6 ? atoi(argv[5]) : 0);
	fprintf(stderr, "usage: udptool server PORT REPLY | client ADDR PORT N | flow ADDR PORT N [SPORT]\n");
	return 2;
}
