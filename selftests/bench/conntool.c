// SPDX-License-Identifier: GPL-2.0
/*
 * conntool: the TCP ends of the new-connection benchmark, one process each,
 * so that process start-up (expensive under TCG) is paid once, not per
 * connection.
 *
 *   conntool server PORT
 *	Accepts connections on PORT forever, one at a time: reads one request,
 *	writes a short reply, closes.
 *   conntool client ADDR PORT N
 *	N connections to ADDR:PORT, one after the other: connect, send a small
 *	request, read the reply to the end, close.  Prints "ok COUNT failed
 *	COUNT".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char req[] = "GET / HTTP/1.0\r\n\r\n";
static const char rep[] = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n";

static int server(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	char buf[512];

	signal(SIGPIPE, SIG_IGN);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 512)) {
		perror("conntool: listen");
		return 1;
	}
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c < 0)
			continue;
		if (read(c, buf, sizeof(buf)) > 0 && write(c, rep, sizeof(rep) - 1) < 0)
			perror("conntool: write");
		close(c);
	}
}

static int client(const char *addr, int port, long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	long ok = 0, failed = 0, i;
	char buf[512];

	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0), got = 0;
		ssize_t len;

		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    write(fd, req, sizeof(req) - 1) != sizeof(req) - 1) {
			failed++;
			if (fd >= 0)
				close(fd);
			continue;
		}
		while ((len = read(fd, buf, sizeof(buf))) > 0)
			got += len;
		close(fd);
		if (got > 0)
			ok++;
		else
			failed++;
	}
	printf("ok %ld failed %ld\n", ok, failed);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]), atol(argv[4]));
	fprintf(stderr, "usage: conntool server PORT | client ADDR PORT N\n");
	return 2;
}
