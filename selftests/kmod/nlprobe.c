// SPDX-License-Identifier: GPL-2.0
/*
 * nlprobe: sends malformed and edge-case requests to the "halb" generic
 * netlink family, byte by byte (no library that would refuse to build
 * them), and checks the errno, that an extack message came back, and that
 * the tables are unchanged afterwards.  Prints KTAP lines.
 *
 *   nlprobe                        the malformed-request probes
 *   nlprobe --perm eperm|ok [--pre-open drop|userns|unpriv-opener]
 *	every command of the family once, with a valid request: each must
 *	fail with EPERM ("eperm"), or succeed ("ok"; it creates and deletes
 *	203.0.113.60:80 and ends with a FLUSH, so run it in a scratch
 *	namespace).  --pre-open: the socket is opened (and the family
 *	resolved) as root first, then the process drops to uid 65534
 *	("drop") or makes a user namespace of its own ("userns") before
 *	sending; or the socket is opened without capabilities and the
 *	requests sent with them ("unpriv-opener").  The kernel checks the
 *	capability of both the opener and the sender.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "uapi/linux/halb.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif

static int fd, family, seq, testno, failures;

struct msg {
	char buf[4096];
	struct nlmsghdr *nlh;
	unsigned int nest[8];
	int depth;
};

static void msg_init(struct msg *m, int type, int cmd, int flags)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh = (struct nlmsghdr *)m->buf;
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nlh->nlmsg_seq = ++seq;
	m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	g = NLMSG_DATA(m->nlh);
	g->cmd = cmd;
	g->version = HALB_GENL_VERSION;
}

static void put(struct msg *m, int type, const void *data, int len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void put_u8(struct msg *m, int t, uint8_t v) { put(m, t, &v, 1); }
static void put_u16(struct msg *m, int t, uint16_t v) { put(m, t, &v, 2); }
static void put_u32(struct msg *m, int t, uint32_t v) { put(m, t, &v, 4); }
static void put_str(struct msg *m, int t, const char *s) { put(m, t, s, strlen(s) + 1); }

static void nest_start(struct msg *m, int type)
{
	m->nest[m->depth++] = NLMSG_ALIGN(m->nlh->nlmsg_len);
	put(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct msg *m)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->nest[--m->depth]);

	a->nla_len = m->nlh->nlmsg_len - m->nest[m->depth];
}

/* Send and wait for the ACK; returns -errno (0 for success), copies extack. */
static int transact(struct msg *m, char *ext, size_t extlen)
{
	char rbuf[16384];
	ssize_t n;

	ext[0] = 0;
	if (send(fd, m->buf, m->nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(fd, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct nlmsgerr *e;
			struct nlattr *a;
			int left;

			if (h->nlmsg_seq != m->nlh->nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			e = NLMSG_DATA(h);
			/* extack TLVs follow the (possibly capped) original message */
			a = (struct nlattr *)((char *)e + sizeof(*e) +
				((h->nlmsg_flags & NLM_F_CAPPED) ? 0 :
				 NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN));
			left = (char *)h + h->nlmsg_len - (char *)a;
			while (left >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= left) {
				if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
					snprintf(ext, extlen, "%s", (char *)a + NLA_HDRLEN);
				left -= NLA_ALIGN(a->nla_len);
				a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
			}
			return e->error;
		}
	}
}

static int resolve_family(void)
{
	struct msg m;
	char rbuf[8192];
	struct nlmsghdr *h;
	ssize_t n;

	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	m.nlh->nlmsg_flags = NLM_F_REQUEST;
	((struct genlmsghdr *)NLMSG_DATA(m.nlh))->version = 1;
	put_str(&m, CTRL_ATTR_FAMILY_NAME, HALB_GENL_NAME);
	if (send(fd, m.buf, m.nlh->nlmsg_len, 0) < 0)
		return -1;
	n = recv(fd, rbuf, sizeof(rbuf), 0);
	for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
		int left = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		if (h->nlmsg_type != GENL_ID_CTRL)
			return -1;
		while (left >= (int)NLA_HDRLEN) {
			if (a->nla_type == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)a + NLA_HDRLEN);
			left -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
		}
	}
	return -1;
}

/* Number of services, by dumping them: the "tables unchanged" witness. */
static int count_services(void)
{
	struct msg m;
	char rbuf[32768];
	int count = 0;

	msg_init(&m, family, HALB_CMD_GET_SERVICE, NLM_F_DUMP);
	m.nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (send(fd, m.buf, m.nlh->nlmsg_len, 0) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;

		if (n <= 0)
			return -1;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return count;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -1;
			count++;
		}
	}
}

static void svc_key(struct msg *m, uint8_t proto, const char *addr, uint16_t port)
{
	uint8_t a6[16];
	uint32_t a4;

	put_u8(m, HALB_SVC_A_PROTOCOL, proto);
	if (inet_pton(AF_INET, addr, &a4) == 1)
		put(m, HALB_SVC_A_ADDR4, &a4, 4);
	else if (inet_pton(AF_INET6, addr, a6) == 1)
		put(m, HALB_SVC_A_ADDR6, a6, 16);
	put_u16(m, HALB_SVC_A_PORT, htons(port));
}

/* Start a request naming a service; the nest stays open for more. */
static void svc_req(struct msg *m, int cmd, uint8_t proto, const char *addr,
		    uint16_t port, const char *sched)
{
	msg_init(m, family, cmd, 0);
	nest_start(m, HALB_A_SERVICE);
	svc_key(m, proto, addr, port);
	if (sched)
		put_str(m, HALB_SVC_A_SCHED_NAME, sched);
}

static void check(const char *name, struct msg *m, int want_errno, int want_ext)
{
	char ext[512];
	int before = count_services();
	int err = transact(m, ext, sizeof(ext));
	int after = count_services();
	int ok = err == -want_errno && (!want_ext || ext[0]) &&
		 (want_errno == 0 || before == after);

	testno++;
	if (!ok)
		failures++;
	printf("%sok %d nlprobe: %s # errno %d (want %d), extack \"%s\", services %d -> %d\n",
	       ok ? "" : "not ", testno, name, -err, want_errno, ext, before, after);
}

static int open_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tmo = { .tv_sec = 5 };
	int one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return perror("nlprobe: socket"), -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* a request the kernel never answers must fail the test, not hang it */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	family = resolve_family();
	if (family < 0) {
		printf("not ok 1 nlprobe: family halb not registered\n");
		return -1;
	}
	return 0;
}

/*
 * Send a request, do or dump, and collect its outcome: the error of its
 * ACK, or of the NLMSG_DONE that ends a dump; 0 for success.
 */
static int transact_any(struct msg *m, char *ext, size_t extlen, int *parts)
{
	char rbuf[32768];

	*parts = 0;
	if (!(m->nlh->nlmsg_flags & NLM_F_DUMP))
		return transact(m, ext, extlen);
	ext[0] = 0;
	if (send(fd, m->buf, m->nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != m->nlh->nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == NLMSG_DONE)
				return *(int *)NLMSG_DATA(h);
			(*parts)++;
		}
	}
}

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(s, f) >= 0;
	return fclose(f) || !ok ? -1 : 0;
}

/* Become less privileged with the socket already open (see --pre-open). */
static int drop_privileges(const char *how)
{
	if (!strcmp(how, "drop"))
		return setgroups(0, NULL) || setgid(65534) || setuid(65534) ? -1 : 0;
	if (!strcmp(how, "userns")) {
		/*
		 * The guest's chroot would make the kernel refuse a user
		 * namespace: make it from pid 1's root (as nlfuzz does).
		 */
		if (chroot("/proc/1/root") || unshare(CLONE_NEWUSER))
			return -1;
		write_file("/proc/self/setgroups", "deny");
		return write_file("/proc/self/uid_map", "0 0 1");
	}
	return -1;
}

/* One request of each command, in an order that makes each valid. */
static int perm_probe(bool want_ok, const char *pre_open)
{
	static const struct {
		const char *name;
		int cmd;
		int flags;
	} reqs[] = {
		{ "NEW_SERVICE", HALB_CMD_NEW_SERVICE, 0 },
		{ "SET_SERVICE", HALB_CMD_SET_SERVICE, 0 },
		{ "GET_SERVICE", HALB_CMD_GET_SERVICE, 0 },
		{ "GET_SERVICE dump", HALB_CMD_GET_SERVICE, NLM_F_DUMP },
		{ "NEW_DEST", HALB_CMD_NEW_DEST, 0 },
		{ "SET_DEST", HALB_CMD_SET_DEST, 0 },
		{ "GET_DEST dump", HALB_CMD_GET_DEST, NLM_F_DUMP },
		{ "GET_INFO", HALB_CMD_GET_INFO, 0 },
		{ "GET_CONN dump", HALB_CMD_GET_CONN, NLM_F_DUMP },
		{ "ZERO", HALB_CMD_ZERO, 0 },
		{ "DEL_DEST", HALB_CMD_DEL_DEST, 0 },
		{ "DEL_SERVICE", HALB_CMD_DEL_SERVICE, 0 },
		{ "FLUSH", HALB_CMD_FLUSH, 0 },
	};
	const char *who = pre_open ? pre_open : "caller";
	uid_t uid = getuid();
	unsigned int i;

	if (pre_open && !strcmp(pre_open, "unpriv-opener")) {
		/* effective capabilities go with the effective uid 0 */
		if (setresuid(65534, 65534, 0) || open_socket() || setresuid(uid, 0, 0)) {
			perror("nlprobe: unprivileged opener");
			return 2;
		}
	} else if (open_socket()) {
		return 2;
	}
	if (pre_open && strcmp(pre_open, "unpriv-opener") && drop_privileges(pre_open)) {
		perror("nlprobe: dropping privileges");
		return 2;
	}
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		int cmd = reqs[i].cmd, err, parts;
		char ext[512];
		struct msg m;
		bool ok;

		if (cmd == HALB_CMD_GET_INFO || cmd == HALB_CMD_GET_CONN ||
		    cmd == HALB_CMD_FLUSH ||
		    (cmd == HALB_CMD_GET_SERVICE && reqs[i].flags)) {
			msg_init(&m, family, cmd, reqs[i].flags);
		} else {
			svc_req(&m, cmd, IPPROTO_TCP, "203.0.113.60", 80,
				cmd == HALB_CMD_NEW_SERVICE ? "rr" :
				cmd == HALB_CMD_SET_SERVICE ? "wrr" : NULL);
			nest_end(&m);
			if (cmd == HALB_CMD_NEW_DEST || cmd == HALB_CMD_SET_DEST ||
			    cmd == HALB_CMD_DEL_DEST) {
				nest_start(&m, HALB_A_DEST);
				put(&m, HALB_DEST_A_ADDR4, "\xc0\x00\x02\x3c", 4);
				put_u16(&m, HALB_DEST_A_PORT, htons(80));
				if (cmd == HALB_CMD_SET_DEST)
					put_u32(&m, HALB_DEST_A_WEIGHT, 3);
				nest_end(&m);
			}
		}
		m.nlh->nlmsg_flags |= reqs[i].flags;
		if (reqs[i].flags)
			m.nlh->nlmsg_flags &= ~NLM_F_ACK;
		err = transact_any(&m, ext, sizeof(ext), &parts);
		ok = want_ok ? err == 0 : err == -EPERM;
		testno++;
		if (!ok)
			failures++;
		printf("%sok %d nlprobe: %s: %s %s # errno %d, %d dump parts, extack \"%s\"\n",
		       ok ? "" : "not ", testno, who, reqs[i].name,
		       want_ok ? "succeeds" : "is EPERM", -err, parts, ext);
	}
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct msg m;
	char longname[40];

	if (argc >= 3 && !strcmp(argv[1], "--perm")) {
		const char *pre = argc == 5 && !strcmp(argv[3], "--pre-open") ? argv[4] : NULL;

		if ((argc != 3 && !pre) || (strcmp(argv[2], "ok") && strcmp(argv[2], "eperm"))) {
			fprintf(stderr, "usage: nlprobe [--perm eperm|ok [--pre-open drop|userns|unpriv-opener]]\n");
			return 2;
		}
		return perm_probe(!strcmp(argv[2], "ok"), pre);
	}
	if (argc != 1 || open_socket())
		return 2;

	/* a valid service to collide with */
	svc_req(&m, HALB_CMD_NEW_SERVICE, IPPROTO_TCP, "203.0.113.50", 80, "rr");
	nest_end(&m);
	check("valid service accepted", &m, 0, 0);

	svc_req(&m, HALB_CMD_NEW_SERVICE, IPPROTO_TCP, "203.0.113.50", 80, "rr");
	nest_end(&m);
	check("duplicate service is EEXIST", &m, EEXIST, 1);

	msg_init(&m, family, HALB_CMD_NEW_SERVICE, 0);
	check("missing service nest is EINVAL", &m, EINVAL, 1);

	msg_init(&m, family, HALB_CMD_NEW_SERVICE, 0);
	nest_start(&m, HALB_A_SERVICE);
	put_u8(&m, HALB_SVC_A_PROTOCOL, IPPROTO_TCP);
	put_u16(&m, HALB_SVC_A_PORT, htons(80));
	put_str(&m, HALB_SVC_A_SCHED_NAME, "rr");
	nest_end(&m);
	check("missing address is EINVAL", &m, EINVAL, 1);

	msg_init(&m, family, HALB_CMD_NEW_SERVICE, 0);
	nest_start(&m, HALB_A_SERVICE);
	put_u8(&m, HALB_SVC_A_PROTOCOL, IPPROTO_TCP);
	put(&m, HALB_SVC_A_ADDR4, "\xcb\x00\x71\x33\x00\x00\x00\x00", 8);
	put_u16(&m, HALB_SVC_A_PORT, htons(80));
	put_str(&m, HALB_SVC_A_SCHED_NAME, "rr");
	nest_end(&m);
	check("over-long IPv4 address is EINVAL", &m, EINVAL, 1);

	msg_init(&m, family, HALB_CMD_NEW_SERVICE, 0);
	nest_start(&m, HALB_A_SERVICE);
	put_u8(&m, HALB_SVC_A_PROTOCOL, IPPROTO_TCP);
	put(&m, HALB_SVC_A_ADDR6, "\x20\x01\x0d\xb8", 4);
	put_u16(&m, HALB_SVC_A_PORT, htons(80));
	put_str(&m, HALB_SVC_A_SCHED_NAME, "rr");
	nest_end(&m);
	check("short IPv6 address is ERANGE", &m, ERANGE, 1);

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	svc_req(&m, HALB_CMD_NEW_SERVICE, IPPROTO_TCP, "203.0.113.51", 80, longname);
	nest_end(&m);
	check("over-long scheduler name is EINVAL", &m, EINVAL, 1);

	svc_req(&m, HALB_CMD_NEW_SERVICE, IPPROTO_TCP, "203.0.113.51", 80, "nosuch");
	nest_end(&m);
	check("unknown scheduler is ENOENT", &m, ENOENT, 1);

	svc_req(&m, HALB_CMD_NEW_SERVICE, IPPROTO_TCP, "203.0.113.51", 0, "rr");
	nest_end(&m);
	check("port 0 for TCP is EINVAL", &m, EINVAL, 1);

	svc_req(&m, HALB_CMD_NEW_SERVICE, IPPROTO_ICMP, "203.0.113.51", 80, "rr");
	nest_end(&m);
	check("protocol ICMP is EINVAL", &m, EINVAL, 1);

	svc_req(&m, HALB_CMD_NEW_SERVICE, IPPROTO_TCP, "203.0.113.51", 80, "rr");
	put_u32(&m, HALB_SVC_A_FLAGS, 0x80);
	nest_end(&m);
	check("unknown service flag is EINVAL", &m, EINVAL, 1);

	svc_req(&m, HALB_CMD_NEW_SERVICE, IPPROTO_TCP, "203.0.113.51", 80, "rr");
	nest_end(&m);
	put_u32(&m, 30, 1);
	check("unknown top-level attribute is EINVAL", &m, EINVAL, 1);

	svc_req(&m, HALB_CMD_NEW_SERVICE, IPPROTO_TCP, "203.0.113.51", 80, "rr");
	put_u32(&m, HALB_SVC_A_STATS, 0);
	nest_end(&m);
	check("reply-only attribute in a request is EINVAL", &m, EINVAL, 1);

	svc_req(&m, HALB_CMD_NEW_DEST, IPPROTO_TCP, "203.0.113.50", 80, NULL);
	nest_end(&m);
	nest_start(&m, HALB_A_DEST);
	put(&m, HALB_DEST_A_ADDR6, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1", 16);
	nest_end(&m);
	check("IPv6 real server in IPv4 service is EINVAL", &m, EINVAL, 1);

	svc_req(&m, HALB_CMD_NEW_DEST, IPPROTO_TCP, "203.0.113.50", 80, NULL);
	nest_end(&m);
	nest_start(&m, HALB_A_DEST);
	put(&m, HALB_DEST_A_ADDR4, "\xc0\x00\x02\x0b", 4);
	put_u32(&m, HALB_DEST_A_WEIGHT, 70000);
	nest_end(&m);
	check("weight above 65535 is ERANGE", &m, ERANGE, 1);

	svc_req(&m, HALB_CMD_NEW_DEST, IPPROTO_TCP, "203.0.113.50", 80, NULL);
	nest_end(&m);
	nest_start(&m, HALB_A_DEST);
	put(&m, HALB_DEST_A_ADDR4, "\xc0\x00\x02\x0b", 4);
	put_u8(&m, HALB_DEST_A_FWD_METHOD, 9);
	nest_end(&m);
	check("unknown forwarding method is ERANGE", &m, ERANGE, 1);

	svc_req(&m, HALB_CMD_DEL_DEST, IPPROTO_TCP, "203.0.113.50", 80, NULL);
	nest_end(&m);
	nest_start(&m, HALB_A_DEST);
	put(&m, HALB_DEST_A_ADDR4, "\xc0\x00\x02\x0b", 4);
	nest_end(&m);
	check("deleting an absent real server is ENOENT", &m, ENOENT, 1);

	svc_req(&m, HALB_CMD_DEL_SERVICE, IPPROTO_UDP, "203.0.113.50", 80, NULL);
	nest_end(&m);
	check("deleting an absent service is ESRCH", &m, ESRCH, 1);

	msg_init(&m, family, 99, 0);
	check("unknown command is EOPNOTSUPP", &m, EOPNOTSUPP, 0);

	msg_init(&m, family + 1000, HALB_CMD_NEW_SERVICE, 0);
	check("unknown generic netlink family is ENOENT", &m, ENOENT, 0);

	svc_req(&m, HALB_CMD_DEL_SERVICE, IPPROTO_TCP, "203.0.113.50", 80, NULL);
	nest_end(&m);
	check("valid delete accepted", &m, 0, 0);

	return failures ? 1 : 0;
}
