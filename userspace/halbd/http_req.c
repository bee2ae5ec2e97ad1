// SPDX-License-Identifier: GPL-2.0
/*
 * Strict where it matters (the request line, sizes, control bytes) and
 * lenient elsewhere: header lines are only checked for a colon, since the
 * answer never depends on them.  Both CRLF and a bare LF end a line, as
 * RFC 9112 section 2.2 allows a recipient to accept.
 */
#include <string.h>

#include "halbd/http_req.h"

/* RFC 9110 tchar: the characters of a method token */
static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* One line at @p (at most @end): its length without the line ending, -1 if incomplete. */
static long line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', end - p);

	if (!nl)
		return -1;
	*next = nl + 1;
	return nl - p - (nl > p && nl[-1] == '\r');
}

static enum http_req_res request_line(const char *p, long n, struct http_req *r)
{
	const char *end = p + n, *sp, *q;
	size_t len;

	for (sp = p; sp < end && is_tchar(*sp); sp++)
		;
	len = sp - p;
	if (!len || len >= sizeof(r->method) || sp == end || *sp != ' ')
		return HTTP_REQ_BAD;
	memcpy(r->method, p, len);
	r->method[len] = '\0';
	p = sp + 1;
	for (sp = p; sp < end && *sp != ' '; sp++)
		if ((unsigned char)*sp <= 0x20 || *sp == 0x7f)
			return HTTP_REQ_BAD;
	if (sp == p || sp == end)
		return HTTP_REQ_BAD;
	q = memchr(p, '?', sp - p);
	len = (q ? q : sp) - p;
	if (len >= sizeof(r->path))
		len = sizeof(r->path) - 1;	/* long paths are 404 anyway */
	memcpy(r->path, p, len);
	r->path[len] = '\0';
	p = sp + 1;
	if (end - p != 8 || memcmp(p, "HTTP/1.", 7) || p[7] < '0' || p[7] > '9')
		return HTTP_REQ_BAD;
	r->minor = p[7] - '0';
	return HTTP_REQ_DONE;
}

enum http_req_res http_req_parse(const char *buf, size_t len, size_t max, struct http_req *r)
{
	const char *p = buf, *end = buf + len, *next;
	long n;
	enum http_req_res res;

	memset(r, 0, sizeof(*r));
	if (memchr(buf, '\0', len))
		return HTTP_REQ_BAD;
	/* RFC 9112 2.2: empty lines before the request line are ignored */
	while ((n = line_len(p, end, &next)) == 0)
		p = next;
	if (n < 0)
		return len >= max ? HTTP_REQ_TOO_LARGE : HTTP_REQ_MORE;
	res = request_line(p, n, r);
	if (res != HTTP_REQ_DONE)
		return res;
	for (p = next; (n = line_len(p, end, &next)) > 0; p = next) {
		/* a field line has a name; obsolete line folding is refused (RFC 9112 5.2) */
		if (*p == ' ' || *p == '\t' || !memchr(p, ':', n))
			return HTTP_REQ_BAD;
	}
	if (n < 0) {
		memset(r, 0, sizeof(*r));
		return len >= max ? HTTP_REQ_TOO_LARGE : HTTP_REQ_MORE;
	}
	r->head_len = next - buf;
	return HTTP_REQ_DONE;
}

int http_req_route(const struct http_req *r)
{
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
		return 405;
	return strcmp(r->path, "/metrics") ? 404 : 200;
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}
