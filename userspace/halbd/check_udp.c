// SPDX-License-Identifier: GPL-2.0
/*
 * UDP_CHECK: send one datagram on a connected socket.  The kernel turns an
 * ICMP port/host unreachable into an error on that socket, which fails the
 * check.  Without require_reply, silence until connect_timeout is success;
 * with it, a reply of the right length (and bytes, x nibbles ignored) is
 * needed.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "halbd/check_int.h"

static int udp_start(struct probe *p, uint64_t now)
{
	const struct check_conf *c = p->conf;
	uint8_t rnd[16];
	const uint8_t *data = c->payload;
	size_t len = c->payload_len;

	(void)now;
	if (!data) {
		for (size_t i = 0; i < sizeof(rnd); i++)
			rnd[i] = (uint8_t)check_random();
		data = rnd;
		len = sizeof(rnd);
	}
	p->tmo_why = "no reply";
	if (probe_socket(p, SOCK_DGRAM, 0) < 0)
		return -1;
	if (connect(p->w.fd, (struct sockaddr *)&p->dst, p->dstlen)) {
		snprintf(p->why, sizeof(p->why), "connect: %s", strerror(errno));
		return -1;
	}
	if (send(p->w.fd, data, len, 0) < 0) {
		snprintf(p->why, sizeof(p->why), "send: %s", strerror(errno));
		return -1;
	}
	return probe_watch(p, EPOLLIN);
}

static bool reply_ok(const struct check_conf *c, const uint8_t *buf, int n)
{
	int cmp = n < c->reply_len ? n : c->reply_len;

	if (n < c->min_reply_len || n > c->max_reply_len)
		return false;
	for (int i = 0; i < cmp; i++)
		if ((buf[i] ^ c->reply[i]) & c->reply_mask[i])
			return false;
	return true;
}

static void udp_event(struct probe *p, uint32_t events)
{
	static uint8_t buf[65536];
	ssize_t n = recv(p->w.fd, buf, sizeof(buf), MSG_TRUNC);

	(void)events;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		probe_done(p, false, "%s", errno == ECONNREFUSED ? "port unreachable" : strerror(errno));
		return;
	}
	if (!p->conf->require_reply)
		probe_done(p, true, "reply received");
	else if (reply_ok(p->conf, buf, n > (ssize_t)sizeof(buf) ? (int)sizeof(buf) : (int)n))
		probe_done(p, true, "reply of %zd bytes", n);
	else
		probe_done(p, false, "unexpected reply of %zd bytes", n);
}

static void udp_timeout(struct probe *p, uint64_t now)
{
	(void)now;
	if (p->conf->require_reply)
		probe_done(p, false, "no reply");
	else
		probe_done(p, true, "no ICMP error");
}

const struct check_ops check_udp_ops = {
	.start = udp_start,
	.event = udp_event,
	.timeout = udp_timeout,
};
