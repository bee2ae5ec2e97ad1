// SPDX-License-Identifier: GPL-2.0
/*
 * schedtool: helper of the scheduler tests and benchmark.
 *
 *   schedtool flows VIP PORT N SRC NSRC SPORT
 *	N UDP request/reply flows to VIP:PORT, flow i from source address
 *	SRC + (i % NSRC) (IPv4, last octets counted up) and source port
 *	SPORT + i, each waiting for its reply: the same flows in the same order
 *	every run.  Prints "NAME COUNT" per distinct reply, sorted, then
 *	"refused COUNT" (port unreachable: no server) and "timeout COUNT".
 *   schedtool blast VIP PORT N SPORT
 *	N one-packet UDP flows (source ports SPORT, SPORT+1, ... wrapping in
 *	10000..59999 with the address's last octet), sent as fast as
 *	possible and not waited for: new connections for the benchmark.
 *	Prints the nanoseconds the sends took (the director's work runs in
 *	the sender's softirq on one CPU, so it is included).
 *   schedtool hold VIP PORT N SRC NSRC SECONDS
 *	N TCP connections to VIP:PORT from SRC + (i % NSRC), one after the
 *	other, each established before the next; prints "held N" and keeps
 *	them open (no request sent) for SECONDS: active connections.
 *   schedtool svcflags PROTO VIP PORT FLAGS
 *	Sets a halb service's flags (HALB_SVC_A_FLAGS, e.g. 12 for sh-port
 *	and sh-fallback) through generic netlink, for halbctl versions
 *	without ipvsadm's -b.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "uapi/linux/halb.h"

struct name_count {
	char name[128];
	long count;
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct name_count *)a)->name, ((const struct name_count *)b)->name);
}

static int flows(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct name_count nc[64];
	int n, nsrc, sport, i, k, nn = 0;
	long timeouts = 0, refused = 0;
	struct in_addr src;

	if (argc != 8 || inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[5], &src) != 1)
		return 2;
	dst.sin_port = htons(atoi(argv[3]));
	n = atoi(argv[4]);
	nsrc = atoi(argv[6]);
	sport = atoi(argv[7]);
	for (i = 0; i < n; i++) {
		struct sockaddr_in me = { .sin_family = AF_INET };
		int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, try;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char buf[128];
		ssize_t len = -1;

		me.sin_addr.s_addr = htonl(ntohl(src.s_addr) + (i % nsrc));
		me.sin_port = htons(sport + i);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me))) {
			perror("schedtool: bind");
			return 1;
		}
		/* connected, so a port unreachable (no server) comes back */
		if (connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
			perror("schedtool: connect");
			return 1;
		}
		for (try = 0; try < 3 && len < 0; try++) {
			if (send(fd, "ping", 4, 0) < 0)
				break;
			if (poll(&p, 1, 2000) == 1)
				len = recv(fd, buf, sizeof(buf) - 1, 0);
			if (len < 0 && errno == ECONNREFUSED)
				break;
		}
		close(fd);
		if (len < 0 && errno == ECONNREFUSED) {
			refused++;
			continue;
		}
		if (len < 0) {
			timeouts++;
			continue;
		}
		buf[len] = 0;
		buf[strcspn(buf, "\n")] = 0;
		for (k = 0; k < nn && strcmp(nc[k].name, buf); k++)
			;
		if (k == nn) {
			if (nn == 64)
				continue;
			snprintf(nc[nn].name, sizeof(nc[nn].name), "%s", buf);
			nc[nn++].count = 0;
		}
		nc[k].count++;
	}
	qsort(nc, nn, sizeof(nc[0]), cmp_name);
	for (k = 0; k < nn; k++)
		printf("%s %ld\n", nc[k].name, nc[k].count);
	if (refused)
		printf("refused %ld\n", refused);
	if (timeouts)
		printf("timeout %ld\n", timeouts);
	return 0;
}

static int hold(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct in_addr src;
	int n, nsrc, i, held = 0;

	if (argc != 8 || inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[5], &src) != 1)
		return 2;
	dst.sin_port = htons(atoi(argv[3]));
	n = atoi(argv[4]);
	nsrc = atoi(argv[6]);
	for (i = 0; i < n; i++) {
		struct sockaddr_in me = { .sin_family = AF_INET };
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		me.sin_addr.s_addr = htonl(ntohl(src.s_addr) + (i % nsrc));
		if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) ||
		    connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
			perror("schedtool: hold");
			continue;
		}
		held++;
		/* the director counts it active once it sees our ACK */
		usleep(20000);
	}
	printf("held %d\n", held);
	fflush(stdout);
	sleep(atoi(argv[7]));
	return 0;
}

static int blast(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_UDP), n, i, sport;
	struct {
		__be16 sport, dport, len, check;
		char data[4];
	} pkt;

	if (argc != 6 || fd < 0 || inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1)
		return 2;
	n = atoi(argv[4]);
	sport = atoi(argv[5]);
	struct timespec t0, t1;

	memcpy(pkt.data, "ping", 4);
	pkt.dport = htons(atoi(argv[3]));
	pkt.len = htons(sizeof(pkt));
	pkt.check = 0;		/* no UDP checksum: allowed over IPv4 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		pkt.sport = htons(10000 + (sport + i) % 50000);
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0 &&
		    errno != ENOBUFS) {
			perror("schedtool: send");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* under icount one guest ns is one instruction */
	printf("%lld\n", (t1.tv_sec - t0.tv_sec) * 1000000000LL + t1.tv_nsec - t0.tv_nsec);
	return 0;
}

/* ---- svcflags: one genetlink request ---------------------------------- */

struct msg {
	char buf[1024];
	struct nlmsghdr *nlh;
};

static struct nlattr *put(struct msg *m, int type, const void *data, int len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (data)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static void msg_init(struct msg *m, int type, int cmd, int version)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh = (struct nlmsghdr *)m->buf;
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	g = NLMSG_DATA(m->nlh);
	g->cmd = cmd;
	g->version = version;
}

/* Send @m, read one answer into @m->buf; returns the nlmsgerr or 0. */
static int talk(int fd, struct msg *m)
{
	ssize_t len;

	if (send(fd, m->buf, m->nlh->nlmsg_len, 0) < 0)
		return -errno;
	len = recv(fd, m->buf, sizeof(m->buf), 0);
	if (len < (ssize_t)NLMSG_HDRLEN)
		return -EIO;
	if (m->nlh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(m->nlh))->error;
	return 0;
}

static int family_id(int fd)
{
	struct msg m;
	struct nlattr *a;
	int left;

	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	m.nlh->nlmsg_flags = NLM_F_REQUEST;
	put(&m, CTRL_ATTR_FAMILY_NAME, HALB_GENL_NAME, sizeof(HALB_GENL_NAME));
	if (talk(fd, &m))
		return -1;
	a = (struct nlattr *)((char *)NLMSG_DATA(m.nlh) + GENL_HDRLEN);
	left = m.nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(unsigned short *)((char *)a + NLA_HDRLEN);
		left -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return -1;
}

static int svcflags(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC), fam, err;
	unsigned char proto;
	struct nlattr *nest;
	struct in_addr vip;
	unsigned short port;
	unsigned int flags;
	struct msg m;

	if (argc != 6 || inet_pton(AF_INET, argv[3], &vip) != 1)
		return 2;
	proto = !strcmp(argv[2], "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
	port = htons(atoi(argv[4]));
	flags = strtoul(argv[5], NULL, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || (fam = family_id(fd)) < 0) {
		fprintf(stderr, "schedtool: no halb netlink family\n");
		return 1;
	}
	msg_init(&m, fam, HALB_CMD_SET_SERVICE, HALB_GENL_VERSION);
	nest = put(&m, HALB_A_SERVICE | NLA_F_NESTED, NULL, 0);
	put(&m, HALB_SVC_A_PROTOCOL, &proto, 1);
	put(&m, HALB_SVC_A_ADDR4, &vip, 4);
	put(&m, HALB_SVC_A_PORT, &port, 2);
	put(&m, HALB_SVC_A_FLAGS, &flags, 4);
	nest->nla_len = (char *)m.buf + m.nlh->nlmsg_len - (char *)nest;
	err = talk(fd, &m);
	if (err) {
		fprintf(stderr, "schedtool: set flags: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "flows"))
		return flows(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "hold"))
		return hold(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "blast"))
		return blast(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "svcflags"))
		return svcflags(argc, argv);
	fprintf(stderr, "usage: schedtool flows|hold|blast|svcflags ...\n");
	return 2;
}
