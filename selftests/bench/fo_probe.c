// SPDX-License-Identifier: GPL-2.0
/*
 * fo_probe: the failover benchmark's prober (selftests/bench/failover.sh).
 *
 *   fo_probe IFNAME SRC_IP VIP BACKUP_MAC PID SIGNAL TIMEOUT_MS INTERVAL_US
 *
 * Runs in the client's network namespace.  It opens an ARP packet socket on
 * IFNAME, sends SIGNAL to PID (a negative PID: the process group), and from
 * that instant broadcasts an ARP request "who has VIP, tell SRC_IP" every
 * INTERVAL_US while it watches every ARP packet on the link.  It stops at the
 * first ARP packet whose sender is VIP at BACKUP_MAC: an ARP reply to one of
 * its requests, or the backup's gratuitous ARP, whichever comes first.  That
 * is when a client on the LAN learns that the VIP is on the backup, and the
 * backup answers for it.
 *
 * Prints one line: "<microseconds from the signal> reply|garp" and exits 0,
 * or "timeout" and exits 1.  Times are CLOCK_MONOTONIC.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct arp_pkt {
	struct ether_header eth;
	struct ether_arp arp;
} __attribute__((packed));

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { 0 };
	struct arp_pkt req = { 0 }, in;
	struct in_addr src, vip;
	uint8_t backup[6], own[6];
	struct ifreq ifr = { 0 };
	int fd, pid, sig, timeout_ms, interval_us;
	int64_t t0, next, deadline;

	if (argc != 9) {
		fprintf(stderr, "usage: %s IFNAME SRC_IP VIP BACKUP_MAC PID SIGNAL TIMEOUT_MS INTERVAL_US\n",
			argv[0]);
		return 2;
	}
	if (!inet_aton(argv[2], &src) || !inet_aton(argv[3], &vip) || parse_mac(argv[4], backup)) {
		fprintf(stderr, "fo_probe: bad address\n");
		return 2;
	}
	pid = atoi(argv[5]);
	sig = atoi(argv[6]);
	timeout_ms = atoi(argv[7]);
	interval_us = atoi(argv[8]);
	if (interval_us < 100)
		interval_us = 100;

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
	if (fd < 0) {
		perror("fo_probe: socket");
		return 2;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("fo_probe: SIOCGIFHWADDR");
		return 2;
	}
	memcpy(own, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("fo_probe: bind");
		return 2;
	}

	memset(req.eth.ether_dhost, 0xff, 6);
	memcpy(req.eth.ether_shost, own, 6);
	req.eth.ether_type = htons(ETHERTYPE_ARP);
	req.arp.arp_hrd = htons(ARPHRD_ETHER);
	req.arp.arp_pro = htons(ETHERTYPE_IP);
	req.arp.arp_hln = 6;
	req.arp.arp_pln = 4;
	req.arp.arp_op = htons(ARPOP_REQUEST);
	memcpy(req.arp.arp_sha, own, 6);
	memcpy(req.arp.arp_spa, &src, 4);
	memcpy(req.arp.arp_tpa, &vip, 4);

	/* nothing queued before the signal counts */
	while (recv(fd, &in, sizeof(in), MSG_DONTWAIT) > 0)
		;
	t0 = now_us();
	if (kill(pid, sig) < 0) {
		perror("fo_probe: kill");
		return 2;
	}
	next = t0;
	deadline = t0 + (int64_t)timeout_ms * 1000;
	for (;;) {
		int64_t t = now_us();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int wait_ms;

		if (t >= deadline)
			break;
		if (t >= next) {
			if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sll, sizeof(sll)) < 0 &&
			    errno != ENOBUFS)
				perror("fo_probe: sendto");
			next = t + interval_us;
		}
		wait_ms = (int)((next - t + 999) / 1000);
		if (poll(&p, 1, wait_ms) <= 0)
			continue;
		while (recv(fd, &in, sizeof(in), MSG_DONTWAIT) >= (ssize_t)sizeof(in)) {
			int64_t tr = now_us();

			if (in.eth.ether_type != htons(ETHERTYPE_ARP) ||
			    memcmp(in.arp.arp_spa, &vip, 4) || memcmp(in.arp.arp_sha, backup, 6))
				continue;
			printf("%lld %s\n", (long long)(tr - t0),
			       in.arp.arp_op == htons(ARPOP_REPLY) ? "reply" : "garp");
			return 0;
		}
	}
	printf("timeout\n");
	return 1;
}
