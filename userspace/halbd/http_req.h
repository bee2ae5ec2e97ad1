// SPDX-License-Identifier: GPL-2.0
/*
 * The request side of the metrics endpoint: just enough HTTP/1.x to
 * answer "GET /metrics".  Pure (no sockets), so unit tests and a fuzz
 * target drive it with any byte string.
 *
 * The caller keeps appending what it receives to one buffer of at most
 * @max bytes and calls http_req_parse() on the whole buffer each time.
 * The request is complete at the empty line that ends the headers; a body
 * is never read (GET and HEAD have none, and the connection closes after
 * one answer).
 */
#ifndef HALBD_HTTP_REQ_H
#define HALBD_HTTP_REQ_H

#include <stddef.h>

#define HTTP_REQ_METHOD_MAX	16
#define HTTP_REQ_PATH_MAX	256

enum http_req_res {
	HTTP_REQ_MORE,			/* incomplete: read more */
	HTTP_REQ_DONE,			/* complete, fields filled in */
	HTTP_REQ_BAD,			/* malformed: 400 */
	HTTP_REQ_TOO_LARGE,		/* @max bytes without the end of the headers: 431 */
};

struct http_req {
	char method[HTTP_REQ_METHOD_MAX];
	char path[HTTP_REQ_PATH_MAX];	/* the target without its query string */
	int minor;			/* HTTP/1.minor */
	size_t head_len;		/* bytes up to and including the empty line */
};

enum http_req_res http_req_parse(const char *buf, size_t len, size_t max, struct http_req *r);

/*
 * http_req_route() - the status for a complete request: 200 for GET or
 * HEAD of /metrics, 405 for any other method, 404 for any other path.
 */
int http_req_route(const struct http_req *r);
const char *http_status_text(int status);

#endif
