// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl realserver: the seed's /etc/init.d/realserver script as a
 * command, sharing halbd's code (common/realserver.c).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/realserver.h"
#include "halbctl/cmd_realserver.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: halbctl realserver up VIP...            VIPs on lo, arp_ignore=1, arp_announce=2\n"
"       halbctl realserver down [--keep-arp] VIP...  remove them, ARP sysctls back to 0\n"
"       halbctl realserver status VIP...        show whether each VIP is on lo\n"
"A VIP is an IPv4 or IPv6 address; it goes on lo as /32 or /128 (IPv6 with nodad).\n");
}

static int read_int(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int halbctl_cmd_realserver(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep-arp", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_vip vips[64];
	bool keep_arp = false, any4 = false;
	const char *verb;
	struct nl_sock *sk;
	char err[256], b[INET6_ADDRSTRLEN];
	int c, n = 0, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'k') {
			keep_arp = true;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	verb = argv[optind++];
	/* options may also follow the verb */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'k')
			keep_arp = true;
		else {
			usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (strcmp(verb, "up") && strcmp(verb, "down") && strcmp(verb, "status")) {
		fprintf(stderr, "halbctl realserver: unknown action '%s'\n", verb);
		usage(stderr);
		return 2;
	}
	for (; optind < argc; optind++) {
		if (n == (int)(sizeof(vips) / sizeof(vips[0]))) {
			fprintf(stderr, "halbctl realserver: too many addresses\n");
			return 2;
		}
		if (rs_vip_parse(argv[optind], &vips[n])) {
			fprintf(stderr, "halbctl realserver: invalid address '%s'\n", argv[optind]);
			return 2;
		}
		any4 |= vips[n].family == AF_INET;
		n++;
	}
	if (!n) {
		fprintf(stderr, "halbctl realserver: no VIP given\n");
		return 2;
	}
	sk = rs_open();
	if (!sk) {
		fprintf(stderr, "halbctl realserver: cannot open rtnetlink\n");
		return 1;
	}
	if (!strcmp(verb, "status")) {
		for (int i = 0; i < n; i++) {
			bool on = rs_vip_present(sk, &vips[i]);

			printf("%s %s\n", rs_vip_str(&vips[i], b, sizeof(b)), on ? "on lo" : "not on lo");
			rc |= !on;
		}
		printf("arp_ignore all=%d lo=%d, arp_announce all=%d lo=%d\n",
		       read_int("/proc/sys/net/ipv4/conf/all/arp_ignore"),
		       read_int("/proc/sys/net/ipv4/conf/lo/arp_ignore"),
		       read_int("/proc/sys/net/ipv4/conf/all/arp_announce"),
		       read_int("/proc/sys/net/ipv4/conf/lo/arp_announce"));
		rs_close(sk);
		return rc;
	}
	/* sysctls first on the way up: the VIP must never be announced */
	if (!strcmp(verb, "up") && any4 && rs_arp_set(true, err, sizeof(err))) {
		fprintf(stderr, "halbctl realserver: %s\n", err);
		rc = 1;
	}
	for (int i = 0; i < n; i++) {
		if (rs_vip_set(sk, &vips[i], !strcmp(verb, "up"), err, sizeof(err))) {
			fprintf(stderr, "halbctl realserver: %s\n", err);
			rc = 1;
		}
	}
	if (!strcmp(verb, "down") && any4 && !keep_arp && rs_arp_set(false, err, sizeof(err))) {
		fprintf(stderr, "halbctl realserver: %s\n", err);
		rc = 1;
	}
	rs_close(sk);
	if (!rc)
		printf("RealServer %s OK\n", !strcmp(verb, "up") ? "Start" : "Stop");
	return rc;
}
