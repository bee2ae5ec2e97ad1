// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "halbd/garp.h"

int garp_open(struct garp_socks *s)
{
	struct icmp6_filter filt;
	int hops = 255;

	s->arp_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s->na_fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (s->arp_fd < 0 || s->na_fd < 0) {
		log_err("GARP sockets: %s", strerror(errno));
		garp_close(s);
		return -1;
	}
	/* RFC 4861 7.1.2: receivers drop NAs whose hop limit is not 255 */
	setsockopt(s->na_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	/* send only: never queue the host's ICMPv6 traffic on this socket */
	ICMP6_FILTER_SETBLOCKALL(&filt);
	setsockopt(s->na_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt));
	return 0;
}

void garp_close(struct garp_socks *s)
{
	if (s->arp_fd >= 0)
		close(s->arp_fd);
	if (s->na_fd >= 0)
		close(s->na_fd);
	s->arp_fd = s->na_fd = -1;
}

static int send_arp(struct garp_socks *s, int ifindex, const unsigned char mac[6],
		    const struct in_addr *ip)
{
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	unsigned char pkt[28] = {
		0x00, 0x01,		/* Ethernet */
		0x08, 0x00,		/* IPv4 */
		6, 4,
		0x00, 0x01,		/* request: what keepalived sends, widely honoured */
	};

	memcpy(pkt + 8, mac, 6);
	memcpy(pkt + 14, ip, 4);	/* sender = target = VIP */
	memset(pkt + 18, 0xff, 6);
	memcpy(pkt + 24, ip, 4);
	if (sendto(s->arp_fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		return -1;
	return 0;
}

static int send_na(struct garp_socks *s, int ifindex, const unsigned char mac[6],
		   const struct in6_addr *ip)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6, .sin6_scope_id = ifindex };
	unsigned char pkt[32] = { ND_NEIGHBOR_ADVERT, 0, 0, 0,
				  0x20 /* override */ };
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))] = { 0 };
	struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
	struct msghdr msg = {
		.msg_name = &dst, .msg_namelen = sizeof(dst),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	struct in6_pktinfo *pi = (struct in6_pktinfo *)CMSG_DATA(cm);

	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	memcpy(pkt + 8, ip, 16);
	pkt[24] = ND_OPT_TARGET_LINKADDR;
	pkt[25] = 1;
	memcpy(pkt + 26, mac, 6);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi->ipi6_ifindex = ifindex;	/* the kernel picks the link-local source */
	if (sendmsg(s->na_fd, &msg, 0) < 0)
		return -1;
	return 0;
}

int garp_send(struct garp_socks *s, int ifindex, const unsigned char mac[6],
	      const struct cfg_addr *vip)
{
	int ret = vip->family == AF_INET ? send_arp(s, ifindex, mac, &vip->v4) :
					    send_na(s, ifindex, mac, &vip->v6);

	if (ret)
		log_dbg("gratuitous announcement on ifindex %d: %s", ifindex, strerror(errno));
	return ret;
}
