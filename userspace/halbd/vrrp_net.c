// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "halbd/vrrp_ah.h"
#include "halbd/vrrp_net.h"
#include "halbd/vrrp_pkt.h"

static int open4(int fd, int ifindex, const struct cfg_addr *group, int proto)
{
	int ttl = 255, off = 0, on = 1, tos = IPTOS_PREC_INTERNETCONTROL;
	struct ip_mreqn mr = { .imr_ifindex = ifindex };

	/* AH's ICV covers the IP header: we write it, the kernel keeps it */
	if (proto == VRRP_AH_PROTO && setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)))
		return -1;
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off)) ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) ||
	    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)))
		return -1;
	if (group) {
		mr.imr_multiaddr = group->v4;
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))
			return -1;
	}
	return 0;
}

static int open6(int fd, int ifindex, const struct cfg_addr *group)
{
	int hops = 255, off = 0, on = 1;
	struct ipv6_mreq mr = { .ipv6mr_interface = ifindex };

	/*
	 * No IPV6_CHECKSUM: we compute and verify the v3 checksum ourselves,
	 * so a bad one is counted instead of vanishing in the kernel.
	 */
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)))
		return -1;
	if (group) {
		mr.ipv6mr_multiaddr = group->v6;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof(mr)))
			return -1;
	}
	return 0;
}

int vrrp_net_open(int family, int ifindex, const char *ifname, const struct cfg_addr *group,
		  int proto)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	if (fd < 0) {
		log_err("VRRP socket: %s", strerror(errno));
		return -1;
	}
	/* only this interface's adverts: the same VRID may exist elsewhere */
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) ||
	    (family == AF_INET ? open4(fd, ifindex, group, proto) : open6(fd, ifindex, group))) {
		log_err("VRRP socket on %s: %s", ifname, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int vrrp_net_send(int fd, int ifindex, const struct cfg_addr *src, const struct cfg_addr *dst,
		  const uint8_t *buf, size_t len)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} to = { 0 };
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))] = { 0 };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf };
	struct cmsghdr *cm = (struct cmsghdr *)cbuf;

	if (dst->family == AF_INET) {
		struct in_pktinfo *pi = (struct in_pktinfo *)CMSG_DATA(cm);

		to.v4.sin_family = AF_INET;
		to.v4.sin_addr = dst->v4;
		msg.msg_namelen = sizeof(to.v4);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(*pi));
		msg.msg_controllen = CMSG_SPACE(sizeof(*pi));
		/* the source the v3 checksum was computed over, never a VIP */
		pi->ipi_ifindex = ifindex;
		pi->ipi_spec_dst = src->v4;
	} else {
		struct in6_pktinfo *pi = (struct in6_pktinfo *)CMSG_DATA(cm);

		to.v6.sin6_family = AF_INET6;
		to.v6.sin6_addr = dst->v6;
		to.v6.sin6_scope_id = ifindex;
		msg.msg_namelen = sizeof(to.v6);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(*pi));
		msg.msg_controllen = CMSG_SPACE(sizeof(*pi));
		pi->ipi6_ifindex = ifindex;
		pi->ipi6_addr = src->v6;
	}
	if (sendmsg(fd, &msg, 0) < 0)
		return -1;
	return 0;
}

int vrrp_net_recv(int fd, int family, uint8_t *buf, size_t len, struct vrrp_rx_meta *m)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} from;
	char cbuf[256];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
			      .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t n = recvmsg(fd, &msg, 0);

	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
	memset(m, 0, sizeof(*m));
	m->ttl = -1;
	if (family == AF_INET) {
		/* raw IPv4 sockets see the IP header: TTL and addresses come from it */
		size_t ihl, tot;

		if (n < 20 || (buf[0] >> 4) != 4)
			return 1;	/* len 0: counted as truncated */
		ihl = (buf[0] & 0x0f) * 4;
		tot = (size_t)buf[2] << 8 | buf[3];
		if (ihl < 20 || (size_t)n < ihl)
			return 1;
		if (tot > (size_t)n || tot < ihl)
			tot = n;
		m->ttl = buf[8];
		m->src.family = m->dst.family = AF_INET;
		memcpy(&m->src.v4, buf + 12, 4);
		memcpy(&m->dst.v4, buf + 16, 4);
		m->payload = buf + ihl;
		m->len = tot - ihl;
		m->ip = buf;
		m->iplen = tot;
		return 1;
	}
	m->src.family = m->dst.family = AF_INET6;
	m->src.v6 = from.v6.sin6_addr;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if (cm->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&m->ttl, CMSG_DATA(cm), sizeof(int));
		else if (cm->cmsg_type == IPV6_PKTINFO)
			m->dst.v6 = ((struct in6_pktinfo *)CMSG_DATA(cm))->ipi6_addr;
	}
	m->payload = buf;
	m->len = n;
	return 1;
}

int net_if_info(const char *ifname, int *ifindex, unsigned char mac[6], bool *up)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = -1;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr))
		goto out;
	if (ifindex)
		*ifindex = ifr.ifr_ifindex;
	if (up) {
		if (ioctl(fd, SIOCGIFFLAGS, &ifr))
			goto out;
		*up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	}
	if (mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr))
			goto out;
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

int net_primary_addr(const char *ifname, int family, const struct cfg_vip *skip, int nskip,
		     struct cfg_addr *out)
{
	struct ifaddrs *ifa, *i;
	int ret = -1;

	if (getifaddrs(&ifa))
		return -1;
	for (i = ifa; i && ret; i = i->ifa_next) {
		struct cfg_addr a = { .family = family };
		bool vip = false;

		if (!i->ifa_addr || i->ifa_addr->sa_family != family || strcmp(i->ifa_name, ifname))
			continue;
		if (family == AF_INET)
			a.v4 = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		else
			a.v6 = ((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		if (family == AF_INET6 && !IN6_IS_ADDR_LINKLOCAL(&a.v6))
			continue;
		for (int k = 0; k < nskip; k++)
			if (cfg_addr_equal(&skip[k].addr, &a))
				vip = true;
		if (vip)
			continue;
		*out = a;
		ret = 0;
	}
	freeifaddrs(ifa);
	return ret;
}
