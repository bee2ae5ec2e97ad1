// SPDX-License-Identifier: GPL-2.0
/*
 * TCP_CHECK: the service is up when a TCP connection to it completes.
 * The connection is then reset rather than closed: the director makes
 * thousands of these, and a graceful close would leave each in TIME_WAIT
 * on our side, using up local ports.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "halbd/check_int.h"

static int tcp_start(struct probe *p, uint64_t now)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	(void)now;
	if (probe_socket(p, SOCK_STREAM, 0) < 0)
		return -1;
	setsockopt(p->w.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	return probe_connect(p);
}

static void tcp_event(struct probe *p, uint32_t events)
{
	int err = 0;
	socklen_t len = sizeof(err);

	(void)events;
	if (getsockopt(p->w.fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	if (err)
		probe_done(p, false, "connect: %s", strerror(err));
	else
		probe_done(p, true, "connected");
}

const struct check_ops check_tcp_ops = {
	.start = tcp_start,
	.event = tcp_event,
};
