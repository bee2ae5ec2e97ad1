// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics endpoint: a TCP listener in halbd's one epoll loop, off
 * unless prometheus_listen or --metrics gives an address.
 *
 * One request per connection, answered and closed.  Nothing a client does
 * can block the loop or make halbd hold more than a bounded amount:
 *  - at most MH_MAX_CLIENTS connections at once; at the cap the listener
 *    leaves the epoll set and the kernel's backlog holds the rest, so no
 *    connection is refused while a slot frees up within the time-outs;
 *  - a request (line and headers) is at most MH_REQ_MAX bytes, in a
 *    fixed buffer, and must arrive within MH_READ_MS of the accept, however
 *    slowly it trickles in; then the answer must be taken within MH_WRITE_MS;
 *  - every socket is non-blocking and written only as far as it takes.
 * The answer to GET /metrics is built in full when the request is
 * complete, so a scrape shows one instant of the daemon.
 *
 * Closing a socket with unread input makes the kernel send a reset, which
 * can destroy the answer before the client reads it (a request too large,
 * a body, a pipelined request).  Then the write side is shut down and the
 * input read and dropped until the client closes, at most MH_DRAIN_MAX
 * bytes or MH_LINGER_MS, as HTTP servers do ("lingering close").
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sbuf.h"
#include "halbd/cfg_parse.h"
#include "halbd/halbd.h"
#include "halbd/http_req.h"

#define MH_MAX_CLIENTS		16
#define MH_REQ_MAX		4096
#define MH_READ_MS		5000
#define MH_WRITE_MS		10000
#define MH_LINGER_MS		2000
#define MH_DRAIN_MAX		65536
#define MH_BACKLOG		128
#define MH_CONTENT_TYPE		"text/plain; version=0.0.4"

struct mh_client {
	struct mh_client *next;
	struct metrics_srv *srv;
	struct halbd_watch w;
	uint64_t deadline;
	char *out;			/* the whole answer, once the request is complete */
	size_t outlen, outoff;
	size_t reqlen;
	bool linger;			/* input may be left unread: drain before closing */
	bool draining;
	size_t drained;
	char req[MH_REQ_MAX];
};

struct metrics_srv {
	struct halbd_watch lw;
	struct cfg_addr addr;
	uint16_t port;
	bool listening;			/* lw in the epoll set (not at the cap) */
	struct mh_client *clients;
	int nclients;
};

static void listen_resume(struct halbd *d, struct metrics_srv *s)
{
	if (!s->listening && s->nclients < MH_MAX_CLIENTS && !halbd_watch_add(d, &s->lw, EPOLLIN))
		s->listening = true;
}

static void client_close(struct halbd *d, struct mh_client *c)
{
	struct metrics_srv *s = c->srv;

	for (struct mh_client **pp = &s->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	halbd_watch_del(d, &c->w);
	close(c->w.fd);
	free(c->out);
	free(c);
	s->nclients--;
	listen_resume(d, s);
}

static bool unread_input(struct mh_client *c)
{
	char byte;

	return recv(c->w.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

static void client_write(struct halbd *d, struct mh_client *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->w.fd, c->out + c->outoff, c->outlen - c->outoff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;		/* EPOLLOUT brings us back */
		if (n <= 0)
			break;
		c->outoff += n;
	}
	if (c->outoff == c->outlen && (c->linger || unread_input(c)) &&
	    !shutdown(c->w.fd, SHUT_WR) &&
	    !epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->w.fd,
		       &(struct epoll_event){ .events = EPOLLIN, .data.ptr = &c->w })) {
		c->draining = true;
		c->deadline = halbd_now() + MH_LINGER_MS;
		return;
	}
	client_close(d, c);
}

/* Lingering close: drop what the client still sends until it closes. */
static void client_drain(struct halbd *d, struct mh_client *c)
{
	for (;;) {
		ssize_t n = recv(c->w.fd, c->req, sizeof(c->req), MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0 || (c->drained += n) > MH_DRAIN_MAX)
			break;
	}
	client_close(d, c);
}

/* Status line, headers and, unless HEAD, the body; -1 on ENOMEM. */
static int respond(struct halbd *d, struct mh_client *c, int status, bool head)
{
	struct sbuf b = { 0 };
	char *body = NULL;
	size_t blen = 0;

	if (status == 200) {
		body = metrics_collect(d, &blen);
		if (!body)
			status = 500;
	}
	if (status != 200) {
		struct sbuf e = { 0 };

		sb_printf(&e, "%d %s\n", status, http_status_text(status));
		body = sb_take(&e, &blen);
		if (!body)
			return -1;
	}
	sb_printf(&b, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n", status,
		  http_status_text(status), status == 200 ? MH_CONTENT_TYPE : "text/plain", blen);
	if (status == 405)
		sb_printf(&b, "Allow: GET, HEAD\r\n");
	sb_printf(&b, "Connection: close\r\n\r\n");
	if (!head)
		sb_putn(&b, body, blen);
	free(body);
	c->out = sb_take(&b, &c->outlen);
	if (!c->out)
		return -1;
	c->deadline = halbd_now() + MH_WRITE_MS;
	if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->w.fd,
		      &(struct epoll_event){ .events = EPOLLOUT, .data.ptr = &c->w }))
		return -1;
	return 0;
}

static void client_event(struct halbd *d, struct halbd_watch *w, uint32_t events)
{
	struct mh_client *c = w->arg;
	struct http_req r;
	int status;
	ssize_t n;

	if (c->draining) {
		client_drain(d, c);
		return;
	}
	if (c->out) {
		client_write(d, c);
		return;
	}
	if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
		client_close(d, c);
		return;
	}
	n = recv(w->fd, c->req + c->reqlen, sizeof(c->req) - c->reqlen, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(d, c);	/* gone before the request was complete */
		return;
	}
	c->reqlen += n;
	switch (http_req_parse(c->req, c->reqlen, sizeof(c->req), &r)) {
	case HTTP_REQ_MORE:
		return;
	case HTTP_REQ_DONE:
		status = http_req_route(&r);
		c->linger = c->reqlen > r.head_len;
		break;
	case HTTP_REQ_TOO_LARGE:
		status = 431;
		c->linger = true;
		break;
	default:
		status = 400;
		c->linger = true;
		break;
	}
	if (status != 200)
		log_dbg("metrics: %s %s: %d", r.method[0] ? r.method : "-", r.path[0] ? r.path : "-",
			status);
	if (respond(d, c, status, !strcmp(r.method, "HEAD"))) {
		client_close(d, c);
		return;
	}
	client_write(d, c);
}

static void on_accept(struct halbd *d, struct halbd_watch *w, uint32_t events)
{
	struct metrics_srv *s = w->arg;

	(void)events;
	while (s->nclients < MH_MAX_CLIENTS) {
		int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct mh_client *c;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				log_dbg("metrics: accept: %s", strerror(errno));
			return;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->srv = s;
		c->w.fd = fd;
		c->w.fn = client_event;
		c->w.arg = c;
		c->deadline = halbd_now() + MH_READ_MS;
		if (halbd_watch_add(d, &c->w, EPOLLIN)) {
			close(fd);
			free(c);
			continue;
		}
		c->next = s->clients;
		s->clients = c;
		s->nclients++;
	}
	/* at the cap: the backlog waits until a client is done */
	halbd_watch_del(d, &s->lw);
	s->listening = false;
}

static void where(const struct halbd *d, char *buf, size_t len)
{
	const struct cfg_global *g = &d->model->global;

	if (d->metrics_arg)
		snprintf(buf, len, "--metrics %s", d->metrics_arg);
	else
		snprintf(buf, len, "%s:%d: prometheus_listen", g->prom_file ? g->prom_file : "?",
			 g->prom_line);
}

/* What the configuration and the command line ask for: 0, or -1 for off. */
static int wanted(const struct halbd *d, struct cfg_addr *a, uint16_t *port)
{
	const char *why;

	if (d->metrics_arg)
		return cfg_parse_hostport(d->metrics_arg, a, port, &why);
	if (!d->model->global.prom_addr.family)
		return -1;
	*a = d->model->global.prom_addr;
	*port = d->model->global.prom_port;
	return 0;
}

/**
 * metrics_open() - start the endpoint if the configuration asks for it.
 * @d: the daemon, its model loaded.
 * Return: 0 (also when off), -1 after logging why the address cannot be used.
 */
int metrics_open(struct halbd *d)
{
	struct sockaddr_storage ss = { 0 };
	struct metrics_srv *s;
	char at[INET6_ADDRSTRLEN + 8], src[PATH_MAX + 32];
	socklen_t sl;
	int one = 1;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	if (wanted(d, &s->addr, &s->port)) {
		free(s);
		return 0;
	}
	cfg_hostport_str(&s->addr, s->port, at, sizeof(at));
	where(d, src, sizeof(src));
	if (s->addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = s->addr.v6;
		s6->sin6_port = htons(s->port);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr = s->addr.v4;
		s4->sin_port = htons(s->port);
		sl = sizeof(*s4);
	}
	s->lw.fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lw.fd < 0 ||
	    setsockopt(s->lw.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s->lw.fd, (struct sockaddr *)&ss, sl) || listen(s->lw.fd, MH_BACKLOG)) {
		log_err("%s %s: cannot listen: %s", src, at, strerror(errno));
		if (s->lw.fd >= 0)
			close(s->lw.fd);
		free(s);
		return -1;
	}
	s->lw.fn = on_accept;
	s->lw.arg = s;
	if (halbd_watch_add(d, &s->lw, EPOLLIN)) {
		close(s->lw.fd);
		free(s);
		return -1;
	}
	s->listening = true;
	d->metrics = s;
	log_info("metrics: serving GET /metrics on %s", at);
	return 0;
}

void metrics_close(struct halbd *d)
{
	struct metrics_srv *s = d->metrics;

	if (!s)
		return;
	while (s->clients)
		client_close(d, s->clients);
	if (s->listening)
		halbd_watch_del(d, &s->lw);
	close(s->lw.fd);
	free(s);
	d->metrics = NULL;
}

void metrics_reconfigure(struct halbd *d)
{
	struct cfg_addr a;
	uint16_t port;
	bool want = !wanted(d, &a, &port);

	if (d->metrics && want && cfg_addr_equal(&a, &d->metrics->addr) && port == d->metrics->port)
		return;
	if (d->metrics)
		log_info("metrics: endpoint %s", want ? "moves" : "off");
	metrics_close(d);
	if (want)
		metrics_open(d);
}

uint64_t metrics_next(const struct halbd *d)
{
	uint64_t next = 0;

	if (!d->metrics)
		return 0;
	for (const struct mh_client *c = d->metrics->clients; c; c = c->next)
		if (!next || c->deadline < next)
			next = c->deadline;
	return next;
}

void metrics_timers(struct halbd *d, uint64_t now)
{
	struct mh_client *c, *next;

	if (!d->metrics)
		return;
	for (c = d->metrics->clients; c; c = next) {
		next = c->next;
		if (c->deadline <= now) {
			if (!c->draining)
				log_dbg("metrics: client timed out %s", c->out ? "reading the answer" :
					"sending its request");
			client_close(d, c);
		}
	}
}
