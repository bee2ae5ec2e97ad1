// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl vrrp: ask halbd over its unix control socket.  The daemon does
 * the JSON; for the table it sends tab-separated rows so this side needs
 * no JSON parser.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "halbctl/cmd_vrrp.h"

#define VRRP_DEFAULT_SOCKET	"/run/halbd.sock"
#define VRRP_MAX_REPLY		(4 << 20)
#define VRRP_COLS		12

static char *vrrp_request(const char *path, const char *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	size_t len = 0, cap = 4096;
	char *buf = NULL;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "halbctl: socket path too long: %s\n", path);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "halbctl: cannot reach halbd at %s: %s\n", path, strerror(errno));
		goto err;
	}
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
		goto io;
	buf = malloc(cap);
	if (!buf)
		goto err;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *p;

			if (cap >= VRRP_MAX_REPLY)
				goto io;
			cap *= 2;
			p = realloc(buf, cap);
			if (!p)
				goto err;
			buf = p;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto io;
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
io:
	fprintf(stderr, "halbctl: talking to halbd at %s: %s\n", path,
		errno ? strerror(errno) : "short reply");
err:
	free(buf);
	close(fd);
	return NULL;
}

static int split_tabs(char *line, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

static void print_table(char *tsv)
{
	static const char *const hdr[VRRP_COLS] = {
		"NAME", "VRID", "VER", "FAMILY", "IFACE", "STATE", "PRIO", "MASTER",
		"VIPS", "SENT", "RECV", "DROPS",
	};
	int width[VRRP_COLS];
	char *save = NULL, *line, *copy = strdup(tsv);

	if (!copy)
		return;
	for (int i = 0; i < VRRP_COLS; i++)
		width[i] = strlen(hdr[i]);
	/* first pass: column widths */
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[VRRP_COLS];
		int n = split_tabs(line, f, VRRP_COLS);

		for (int i = 0; i < n; i++)
			if ((int)strlen(f[i]) > width[i])
				width[i] = strlen(f[i]);
	}
	free(copy);
	for (int i = 0; i < VRRP_COLS; i++)
		printf("%-*s%s", width[i], hdr[i], i + 1 < VRRP_COLS ? "  " : "\n");
	for (line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[VRRP_COLS];
		int n = split_tabs(line, f, VRRP_COLS);

		for (int i = 0; i < n; i++)
			printf("%-*s%s", width[i], f[i], i + 1 < n ? "  " : "\n");
	}
}

static void vrrp_usage(FILE *f)
{
	fprintf(f, "Usage: halbctl vrrp [-j|--json] [-s|--socket PATH]\n"
		   "  VRRP instances of the running halbd.  The socket defaults to\n"
		   "  $HALBD_CONTROL, then " VRRP_DEFAULT_SOCKET ".\n");
}

int halbctl_cmd_vrrp(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = getenv("HALBD_CONTROL");
	bool json = false;
	char *reply;
	int c;

	optind = 0;		/* halbctl's own option parsing may have run */
	while ((c = getopt_long(argc, argv, "+js:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 's': path = optarg; break;
		case 'h': vrrp_usage(stdout); return 0;
		default: vrrp_usage(stderr); return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "halbctl vrrp: unexpected argument '%s'\n", argv[optind]);
		vrrp_usage(stderr);
		return 1;
	}
	if (!path || !*path)
		path = VRRP_DEFAULT_SOCKET;
	reply = vrrp_request(path, json ? "vrrp-json\n" : "vrrp-tsv\n");
	if (!reply)
		return 1;
	if (!strncmp(reply, "error:", 6)) {
		fprintf(stderr, "halbctl: halbd says: %s", reply);
		free(reply);
		return 1;
	}
	if (json)
		fputs(reply, stdout);
	else
		print_table(reply);
	free(reply);
	return 0;
}
