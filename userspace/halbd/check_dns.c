// SPDX-License-Identifier: GPL-2.0
/*
 * DNS_CHECK: one query over UDP (type, name; default SOA of "."), with a
 * fresh random id.  Up when the matching reply says NOERROR and carries at
 * least one answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "halbd/check_int.h"

#define DNS_HDR	12

/* Name in wire format; the config parser checked the labels. */
static int put_name(uint8_t *o, size_t cap, const char *name)
{
	size_t n = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		if (!l)
			break;			/* "." or a trailing dot */
		if (l > 63 || n + l + 2 > cap)
			return -1;
		o[n++] = (uint8_t)l;
		memcpy(o + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	if (n + 1 > cap)
		return -1;
	o[n++] = 0;
	return (int)n;
}

static int build_query(uint8_t *q, size_t cap, uint16_t id, const char *name, int type)
{
	int n;

	if (cap < DNS_HDR + 4)
		return -1;
	memset(q, 0, DNS_HDR);
	q[0] = id >> 8;
	q[1] = id & 0xff;
	q[2] = 0x01;			/* RD */
	q[5] = 1;			/* QDCOUNT */
	n = put_name(q + DNS_HDR, cap - DNS_HDR - 4, name);
	if (n < 0)
		return -1;
	n += DNS_HDR;
	q[n++] = type >> 8;
	q[n++] = type & 0xff;
	q[n++] = 0;
	q[n++] = 1;			/* IN */
	return n;
}

static const char *const rcodes[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
};

/* 1 good, 0 not ours (ignore), -1 bad with @why */
static int judge(const uint8_t *r, size_t n, const uint8_t *q, size_t qlen, char *why,
		 size_t wlen)
{
	int rcode;

	if (n < DNS_HDR || r[0] != q[0] || r[1] != q[1] || !(r[2] & 0x80))
		return 0;
	/* the question must be ours, names compared without case */
	if (n < qlen || r[4] != 0 || r[5] != 1 ||
	    strncasecmp((const char *)r + DNS_HDR, (const char *)q + DNS_HDR, qlen - DNS_HDR - 4) ||
	    memcmp(r + qlen - 4, q + qlen - 4, 4))
		return 0;
	rcode = r[3] & 0x0f;
	if (rcode) {
		if (rcode < (int)(sizeof(rcodes) / sizeof(rcodes[0])))
			snprintf(why, wlen, "DNS %s", rcodes[rcode]);
		else
			snprintf(why, wlen, "DNS rcode %d", rcode);
		return -1;
	}
	if (!r[6] && !r[7]) {
		snprintf(why, wlen, "DNS reply without an answer");
		return -1;
	}
	snprintf(why, wlen, "DNS NOERROR, %d answer%s", r[6] << 8 | r[7],
		 (r[6] << 8 | r[7]) == 1 ? "" : "s");
	return 1;
}

struct dns_att {
	uint8_t q[300];
	int qlen;
};

static int dns_start(struct probe *p, uint64_t now)
{
	struct dns_att *a = p->priv;

	(void)now;
	if (!a) {
		a = calloc(1, sizeof(*a));
		if (!a) {
			snprintf(p->why, sizeof(p->why), "out of memory");
			return -1;
		}
		p->priv = a;
	}
	p->seq = (uint16_t)check_random();
	a->qlen = build_query(a->q, sizeof(a->q), p->seq,
			      p->conf->dns_name ? p->conf->dns_name : ".", p->conf->dns_type);
	if (a->qlen < 0) {
		snprintf(p->why, sizeof(p->why), "DNS name too long");
		return -1;
	}
	p->tmo_why = "no reply";
	if (probe_socket(p, SOCK_DGRAM, 0) < 0)
		return -1;
	if (connect(p->w.fd, (struct sockaddr *)&p->dst, p->dstlen)) {
		snprintf(p->why, sizeof(p->why), "connect: %s", strerror(errno));
		return -1;
	}
	if (send(p->w.fd, a->q, a->qlen, 0) < 0) {
		snprintf(p->why, sizeof(p->why), "send: %s", strerror(errno));
		return -1;
	}
	return probe_watch(p, EPOLLIN);
}

static void dns_event(struct probe *p, uint32_t events)
{
	struct dns_att *a = p->priv;
	uint8_t buf[4096];

	(void)events;
	for (;;) {
		ssize_t n = recv(p->w.fd, buf, sizeof(buf), 0);
		char why[64];
		int v;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			probe_done(p, false, "%s",
				   errno == ECONNREFUSED ? "port unreachable" : strerror(errno));
			return;
		}
		v = judge(buf, n, a->q, a->qlen, why, sizeof(why));
		if (v) {
			probe_done(p, v > 0, "%s", why);
			return;
		}
	}
}

static void dns_stop(struct probe *p)
{
	free(p->priv);
	p->priv = NULL;
}

const struct check_ops check_dns_ops = {
	.start = dns_start,
	.event = dns_event,
	.stop = dns_stop,
};
