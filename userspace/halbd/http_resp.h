// SPDX-License-Identifier: GPL-2.0
/*
 * An HTTP/1.x response parser for health checks: status line, headers,
 * then a body delimited by Content-Length, chunked transfer coding or the
 * end of the connection.  Incremental (bytes arrive as the socket gives
 * them), bounded (header and body limits), and pure: no sockets, no
 * allocation, so it is unit tested and fuzzed on its own.
 *
 * The body is handed to a callback as it is decoded, so that a digest can
 * be computed without keeping the body.
 */
#ifndef HALBD_HTTP_RESP_H
#define HALBD_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_LINE_MAX		8192	/* one status, header, chunk-size line */
#define HTTP_HEADERS_MAX	65536	/* all header lines together */
#define HTTP_BODY_MAX		(16u << 20)

enum http_res {
	HTTP_MORE,			/* feed more bytes (or call http_resp_eof) */
	HTTP_DONE,			/* a complete response; surplus bytes ignored */
	HTTP_ERROR,			/* malformed or over a limit: see ->err */
};

enum http_body { HTTP_BODY_NONE, HTTP_BODY_LENGTH, HTTP_BODY_CHUNKED, HTTP_BODY_CLOSE };

struct http_resp {
	/* set by the caller before feeding */
	void (*body_fn)(void *arg, const uint8_t *p, size_t n);
	void *body_arg;
	uint64_t body_max;		/* 0: HTTP_BODY_MAX */
	bool head;			/* the request was HEAD: no body */

	/* results */
	int major, minor, status;
	enum http_body body;
	uint64_t content_length;	/* HTTP_BODY_LENGTH */
	uint64_t body_len;		/* bytes of body seen so far */
	const char *err;		/* static string, set with HTTP_ERROR */

	/* parser state, private */
	int state;
	bool have_cl, chunked, close;
	uint64_t left;			/* of the current chunk or length body */
	size_t header_bytes;
	size_t line_len;
	char line[HTTP_LINE_MAX];
};

void http_resp_init(struct http_resp *r);
/*
 * http_resp_feed() - parse @len more bytes.  Once HTTP_DONE or HTTP_ERROR
 * was returned it keeps returning that.
 */
enum http_res http_resp_feed(struct http_resp *r, const uint8_t *buf, size_t len);
/* The peer closed: completes a close-delimited body, else an error if incomplete. */
enum http_res http_resp_eof(struct http_resp *r);

#endif
