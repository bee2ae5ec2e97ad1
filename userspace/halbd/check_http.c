// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP_GET and SSL_GET: for each url, connect, (TLS handshake,) send one
 * GET, parse the response with http_resp, and compare the status code with
 * the url's list and the body's MD5 with its digest.  Every url must pass.
 * TLS is OpenSSL in non-blocking mode: WANT_READ/WANT_WRITE only change
 * what epoll waits for.  Certificates are not verified, as in keepalived:
 * the check is of the service, not of its identity.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "halbd/check_int.h"
#include "halbd/http_resp.h"

enum step { ST_CONNECT, ST_HANDSHAKE, ST_SEND, ST_RECV, ST_NEXT };

struct http_att {
	int url;
	enum step step;
	SSL *ssl;
	EVP_MD_CTX *md;
	char req[2048];
	size_t req_len, req_off;
	struct http_resp resp;
};

static SSL_CTX *tls_ctx;

void check_tls_cleanup(void)
{
	SSL_CTX_free(tls_ctx);
	tls_ctx = NULL;
}

static SSL_CTX *tls(void)
{
	if (tls_ctx)
		return tls_ctx;
	tls_ctx = SSL_CTX_new(TLS_client_method());
	if (!tls_ctx)
		return NULL;
	SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_NONE, NULL);
	/* many servers close without close_notify; the HTTP framing tells us enough */
	SSL_CTX_set_options(tls_ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_mode(tls_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
				  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	return tls_ctx;
}

static const char *tls_err(void)
{
	static char buf[120];
	unsigned long e = ERR_get_error();

	if (!e)
		return "connection closed";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

static void att_reset(struct http_att *a)
{
	if (a->ssl) {
		SSL_free(a->ssl);
		a->ssl = NULL;
	}
}

static void http_stop(struct probe *p)
{
	struct http_att *a = p->priv;

	if (!a)
		return;
	att_reset(a);
	EVP_MD_CTX_free(a->md);
	free(a);
	p->priv = NULL;
}

static void body_md5(void *arg, const uint8_t *buf, size_t n)
{
	EVP_DigestUpdate(arg, buf, n);
}

static const char *url_host(struct probe *p, const struct check_url *u, char *buf, size_t len)
{
	bool tls = p->conf->kind == CHECK_SSL;
	const char *vh = u->virtualhost ? u->virtualhost : p->vhost;
	char a[INET6_ADDRSTRLEN];

	if (vh)
		return vh;
	cfg_addr_str(&p->addr, a, sizeof(a));
	if (p->port == (tls ? 443 : 80))
		snprintf(buf, len, p->addr.family == AF_INET6 ? "[%s]" : "%s", a);
	else
		snprintf(buf, len, p->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, p->port);
	return buf;
}

static int url_begin(struct probe *p, uint64_t now)
{
	struct http_att *a = p->priv;
	const struct check_url *u = &p->conf->urls[a->url];
	static const char *const ver[] = { "1.0", "1.0", "1.1" };
	char hbuf[INET6_ADDRSTRLEN + 10];
	int n;

	att_reset(a);
	n = snprintf(a->req, sizeof(a->req),
		     "GET %s HTTP/%s\r\nUser-Agent: KeepAliveClient\r\nHost: %s\r\n%s\r\n",
		     u->path, ver[p->conf->http_proto], url_host(p, u, hbuf, sizeof(hbuf)),
		     p->conf->http_proto == CHECK_HTTP_10 ? "" : "Connection: close\r\n");
	if (n < 0 || (size_t)n >= sizeof(a->req)) {
		snprintf(p->why, sizeof(p->why), "request for %.40s too long", u->path);
		return -1;
	}
	a->req_len = n;
	a->req_off = 0;
	memset(&a->resp, 0, sizeof(a->resp));
	if (u->has_digest) {
		if (!EVP_DigestInit_ex(a->md, EVP_md5(), NULL)) {
			snprintf(p->why, sizeof(p->why), "MD5 unavailable");
			return -1;
		}
		a->resp.body_fn = body_md5;
		a->resp.body_arg = a->md;
	}
	http_resp_init(&a->resp);
	a->step = ST_CONNECT;
	p->tmo_why = "connect timeout";
	p->attempt_hard = now + 2ull * p->timeout_ms + 10000;	/* per url */
	probe_arm(p, now, p->timeout_ms);
	if (probe_socket(p, SOCK_STREAM, 0) < 0)
		return -1;
	return probe_connect(p);
}

static int http_start(struct probe *p, uint64_t now)
{
	struct http_att *a = calloc(1, sizeof(*a));

	if (!a || !(a->md = EVP_MD_CTX_new())) {
		free(a);
		snprintf(p->why, sizeof(p->why), "out of memory");
		return -1;
	}
	p->priv = a;
	return url_begin(p, now);
}

/* The response is complete: judge it, then the next url or the verdict. */
static void url_verdict(struct probe *p)
{
	struct http_att *a = p->priv;
	const struct check_url *u = &p->conf->urls[a->url];
	int status = a->resp.status;

	if (!check_status_match(u, status)) {
		probe_done(p, false, "HTTP status %d", status);
		return;
	}
	if (u->has_digest) {
		uint8_t md[EVP_MAX_MD_SIZE];
		unsigned int len = 0;

		if (!EVP_DigestFinal_ex(a->md, md, &len) || len != 16 ||
		    memcmp(md, u->digest, 16)) {
			probe_done(p, false, "digest mismatch on %.60s", u->path);
			return;
		}
	}
	if (++a->url < p->conf->nurls) {
		/* next url from the timer path, after this epoll batch */
		att_reset(a);
		probe_close(p);
		a->step = ST_NEXT;
		probe_arm(p, halbd_now(), 0);
		return;
	}
	if (p->conf->nurls > 1)
		probe_done(p, true, "HTTP status %d (%d urls)", status, p->conf->nurls);
	else
		probe_done(p, true, "HTTP status %d", status);
}

/* One TLS call's outcome: 1 done, 0 wait (epoll updated), -1 failed (why set). */
static int tls_wait(struct probe *p, int ret, const char *what)
{
	struct http_att *a = p->priv;
	int e = SSL_get_error(a->ssl, ret);

	if (e == SSL_ERROR_WANT_READ)
		return probe_watch(p, EPOLLIN) ? -1 : 0;
	if (e == SSL_ERROR_WANT_WRITE)
		return probe_watch(p, EPOLLOUT) ? -1 : 0;
	if (e == SSL_ERROR_SYSCALL && errno && errno != EAGAIN)
		snprintf(p->why, sizeof(p->why), "TLS %s: %s", what, strerror(errno));
	else
		snprintf(p->why, sizeof(p->why), "TLS %s: %s", what, tls_err());
	return -1;
}

static void do_recv(struct probe *p)
{
	struct http_att *a = p->priv;
	uint8_t buf[16384];
	enum http_res r = HTTP_MORE;

	for (;;) {
		ssize_t n;

		if (a->ssl) {
			ERR_clear_error();
			n = SSL_read(a->ssl, buf, sizeof(buf));
			if (n <= 0) {
				int e = SSL_get_error(a->ssl, (int)n);

				if (e == SSL_ERROR_ZERO_RETURN ||
				    (e == SSL_ERROR_SYSCALL && !ERR_peek_error() && !n)) {
					n = 0;
				} else if (tls_wait(p, (int)n, "read")) {
					probe_done(p, false, "%s", p->why);
					return;
				} else {
					return;
				}
			}
		} else {
			n = read(p->w.fd, buf, sizeof(buf));
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
			if (n < 0) {
				probe_done(p, false, "read: %s", strerror(errno));
				return;
			}
		}
		if (n == 0) {
			r = http_resp_eof(&a->resp);
			break;
		}
		probe_arm(p, halbd_now(), p->timeout_ms);	/* progress: an inactivity time-out */
		r = http_resp_feed(&a->resp, buf, n);
		if (r != HTTP_MORE)
			break;
	}
	if (r == HTTP_ERROR)
		probe_done(p, false, "HTTP: %s", a->resp.err);
	else
		url_verdict(p);
}

static void do_send(struct probe *p)
{
	struct http_att *a = p->priv;

	while (a->req_off < a->req_len) {
		ssize_t n;

		if (a->ssl) {
			ERR_clear_error();
			n = SSL_write(a->ssl, a->req + a->req_off, (int)(a->req_len - a->req_off));
			if (n <= 0) {
				if (tls_wait(p, (int)n, "write"))
					probe_done(p, false, "%s", p->why);
				return;
			}
		} else {
			n = send(p->w.fd, a->req + a->req_off, a->req_len - a->req_off, MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				if (probe_watch(p, EPOLLOUT))
					probe_done(p, false, "%s", p->why);
				return;
			}
			if (n < 0) {
				probe_done(p, false, "send: %s", strerror(errno));
				return;
			}
		}
		a->req_off += n;
	}
	a->step = ST_RECV;
	p->tmo_why = "read timeout";
	probe_arm(p, halbd_now(), p->timeout_ms);
	if (probe_watch(p, EPOLLIN)) {
		probe_done(p, false, "%s", p->why);
		return;
	}
	if (a->ssl)
		do_recv(p);		/* the record may already be buffered */
}

static void do_handshake(struct probe *p)
{
	struct http_att *a = p->priv;
	int ret;

	ERR_clear_error();
	ret = SSL_connect(a->ssl);
	if (ret == 1) {
		a->step = ST_SEND;
		p->tmo_why = "write timeout";
		do_send(p);
		return;
	}
	if (tls_wait(p, ret, "handshake"))
		probe_done(p, false, "%s", p->why);
}

static void connected(struct probe *p)
{
	struct http_att *a = p->priv;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(p->w.fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	if (err) {
		probe_done(p, false, "connect: %s", strerror(err));
		return;
	}
	probe_arm(p, halbd_now(), p->timeout_ms);
	if (p->conf->kind != CHECK_SSL) {
		a->step = ST_SEND;
		p->tmo_why = "write timeout";
		do_send(p);
		return;
	}
	a->ssl = tls() ? SSL_new(tls_ctx) : NULL;
	if (!a->ssl || !SSL_set_fd(a->ssl, p->w.fd)) {
		probe_done(p, false, "TLS setup: %s", tls_err());
		return;
	}
	if (p->conf->enable_sni) {
		const struct check_url *u = &p->conf->urls[a->url];
		const char *vh = u->virtualhost ? u->virtualhost : p->vhost;

		if (vh)
			SSL_set_tlsext_host_name(a->ssl, vh);
	}
	a->step = ST_HANDSHAKE;
	p->tmo_why = "TLS handshake timeout";
	do_handshake(p);
}

static void http_event(struct probe *p, uint32_t events)
{
	struct http_att *a = p->priv;

	(void)events;
	switch (a->step) {
	case ST_CONNECT:
		connected(p);
		break;
	case ST_HANDSHAKE:
		do_handshake(p);
		break;
	case ST_SEND:
		do_send(p);
		break;
	case ST_RECV:
		do_recv(p);
		break;
	case ST_NEXT:
		break;
	}
}

static void http_timeout(struct probe *p, uint64_t now)
{
	struct http_att *a = p->priv;

	if (a && a->step == ST_NEXT) {
		if (url_begin(p, now))
			probe_done(p, false, "%s", p->why);
		return;
	}
	probe_done(p, false, "%s", p->tmo_why);
}

const struct check_ops check_http_ops = {
	.start = http_start,
	.event = http_event,
	.timeout = http_timeout,
	.stop = http_stop,
};
