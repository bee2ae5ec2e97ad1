// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP/1.x response parsing for HTTP_GET and SSL_GET (RFC 9112): status
 * line, header fields, and the three ways a response body ends.  Lenient
 * where servers commonly are sloppy (bare LF line ends, a missing reason
 * phrase), strict where a mistake would make us read the wrong body
 * (conflicting Content-Length, bad chunk sizes).
 */
#include <string.h>
#include <strings.h>

#include "halbd/http_resp.h"

enum {
	S_STATUS, S_HEADERS, S_BODY_LEN, S_CHUNK_SIZE, S_CHUNK_DATA, S_CHUNK_END,
	S_TRAILERS, S_BODY_CLOSE, S_DONE, S_ERROR,
};

void http_resp_init(struct http_resp *r)
{
	void (*fn)(void *, const uint8_t *, size_t) = r->body_fn;
	void *arg = r->body_arg;
	uint64_t max = r->body_max;
	bool head = r->head;

	memset(r, 0, offsetof(struct http_resp, line));
	r->body_fn = fn;
	r->body_arg = arg;
	r->body_max = max ? max : HTTP_BODY_MAX;
	r->head = head;
	r->state = S_STATUS;
	r->status = -1;
}

static enum http_res fail(struct http_resp *r, const char *why)
{
	r->state = S_ERROR;
	r->err = why;
	return HTTP_ERROR;
}

/*
 * Collect a line.  Returns 1 with r->line NUL-terminated (CR LF or LF
 * removed), 0 when @buf ran out first, -1 when the line is too long or
 * holds a NUL.  *@used counts the bytes taken.
 */
static int take_line(struct http_resp *r, const uint8_t *buf, size_t len, size_t *used)
{
	const uint8_t *nl = memchr(buf, '\n', len);
	size_t n = nl ? (size_t)(nl - buf) + 1 : len;

	*used = n;
	if (r->line_len + n > sizeof(r->line) - 1)
		return -1;
	memcpy(r->line + r->line_len, buf, n);
	r->line_len += n;
	if (!nl)
		return 0;
	r->line_len--;				/* the LF */
	if (r->line_len && r->line[r->line_len - 1] == '\r')
		r->line_len--;
	r->line[r->line_len] = '\0';
	if (memchr(r->line, '\0', r->line_len))
		return -1;
	return 1;
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "HTTP/1.1 200 OK", the reason phrase being optional. */
static enum http_res status_line(struct http_resp *r)
{
	const char *l = r->line;

	if (strncmp(l, "HTTP/", 5) || !digit(l[5]) || l[6] != '.' || !digit(l[7]) ||
	    l[8] != ' ' || !digit(l[9]) || !digit(l[10]) || !digit(l[11]) ||
	    (l[12] && l[12] != ' '))
		return fail(r, "malformed status line");
	r->major = l[5] - '0';
	r->minor = l[7] - '0';
	r->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (r->major != 1)
		return fail(r, "not HTTP/1.x");
	if (r->status < 100)
		return fail(r, "malformed status code");
	if (r->status == 101)
		return fail(r, "unexpected protocol switch");
	r->state = S_HEADERS;
	return HTTP_MORE;
}

static bool token_is(const char *v, size_t len, const char *tok)
{
	return strlen(tok) == len && !strncasecmp(v, tok, len);
}

/* The last transfer coding decides: chunked must be last to delimit the body. */
static void transfer_encoding(struct http_resp *r, const char *v)
{
	const char *last = v, *c;
	size_t len;

	for (c = v; *c; c++)
		if (*c == ',')
			last = c + 1;
	while (*last == ' ' || *last == '\t')
		last++;
	len = strcspn(last, " \t;");
	r->chunked = token_is(last, len, "chunked");
	r->close = !r->chunked;		/* any other coding: read to the end */
}

static enum http_res header_line(struct http_resp *r)
{
	char *l = r->line, *colon, *v, *end;

	if (*l == ' ' || *l == '\t')
		return HTTP_MORE;		/* obsolete line folding: a continuation */
	colon = strchr(l, ':');
	if (!colon || colon == l)
		return fail(r, "malformed header line");
	for (char *c = l; c < colon; c++)
		if (*c == ' ' || *c == '\t')
			return fail(r, "space in header name");
	*colon = '\0';
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!strcasecmp(l, "Content-Length")) {
		uint64_t n = 0;

		if (!*v)
			return fail(r, "bad Content-Length");
		for (const char *c = v; *c; c++) {
			if (!digit(*c) || n > (UINT64_MAX - 9) / 10)
				return fail(r, "bad Content-Length");
			n = n * 10 + (*c - '0');
		}
		if (r->have_cl && n != r->content_length)
			return fail(r, "conflicting Content-Length");
		r->have_cl = true;
		r->content_length = n;
	} else if (!strcasecmp(l, "Transfer-Encoding")) {
		transfer_encoding(r, v);
	}
	return HTTP_MORE;
}

static enum http_res headers_done(struct http_resp *r)
{
	if (r->status < 200) {			/* 1xx interim: the real one follows */
		r->have_cl = r->chunked = r->close = false;
		r->content_length = 0;
		r->state = S_STATUS;
		return HTTP_MORE;
	}
	if (r->head || r->status == 204 || r->status == 304) {
		r->body = HTTP_BODY_NONE;
		r->state = S_DONE;
		return HTTP_DONE;
	}
	if (r->chunked) {
		r->body = HTTP_BODY_CHUNKED;	/* overrides any Content-Length */
		r->state = S_CHUNK_SIZE;
		return HTTP_MORE;
	}
	if (r->have_cl && !r->close) {
		r->body = HTTP_BODY_LENGTH;
		if (r->content_length > r->body_max)
			return fail(r, "body too large");
		r->left = r->content_length;
		r->state = r->left ? S_BODY_LEN : S_DONE;
		return r->left ? HTTP_MORE : HTTP_DONE;
	}
	r->body = HTTP_BODY_CLOSE;
	r->state = S_BODY_CLOSE;
	return HTTP_MORE;
}

static enum http_res chunk_size(struct http_resp *r)
{
	const char *c = r->line;
	uint64_t n = 0;
	int v;

	if (!*c)
		return fail(r, "bad chunk size");
	for (; *c && *c != ';' && *c != ' ' && *c != '\t'; c++) {
		if (digit(*c))
			v = *c - '0';
		else if ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'f')
			v = (*c | 0x20) - 'a' + 10;
		else
			return fail(r, "bad chunk size");
		if (n >> 60)
			return fail(r, "chunk size overflow");
		n = n << 4 | v;
	}
	if (c == r->line)
		return fail(r, "bad chunk size");
	if (!n) {
		r->state = S_TRAILERS;
		return HTTP_MORE;
	}
	if (n > r->body_max - r->body_len)
		return fail(r, "body too large");
	r->left = n;
	r->state = S_CHUNK_DATA;
	return HTTP_MORE;
}

static size_t body_bytes(struct http_resp *r, const uint8_t *buf, size_t len)
{
	if (r->body_fn && len)
		r->body_fn(r->body_arg, buf, len);
	r->body_len += len;
	return len;
}

enum http_res http_resp_feed(struct http_resp *r, const uint8_t *buf, size_t len)
{
	enum http_res res = HTTP_MORE;

	while (len && res == HTTP_MORE) {
		size_t used = 0;
		int got;

		switch (r->state) {
		case S_STATUS:
		case S_HEADERS:
		case S_CHUNK_SIZE:
		case S_CHUNK_END:
		case S_TRAILERS:
			got = take_line(r, buf, len, &used);
			if (r->state != S_CHUNK_SIZE && r->state != S_CHUNK_END) {
				r->header_bytes += used;
				if (r->header_bytes > HTTP_HEADERS_MAX)
					return fail(r, "headers too large");
			}
			if (got < 0)
				return fail(r, r->state == S_CHUNK_SIZE ? "bad chunk size" :
					    "header line too long or holds NUL");
			buf += used;
			len -= used;
			if (!got)
				break;
			r->line_len = 0;
			if (r->state == S_STATUS) {
				if (!*r->line)
					break;	/* tolerate blank lines before it */
				res = status_line(r);
			} else if (r->state == S_HEADERS) {
				res = *r->line ? header_line(r) : headers_done(r);
			} else if (r->state == S_CHUNK_SIZE) {
				res = chunk_size(r);
			} else if (r->state == S_CHUNK_END) {
				if (*r->line)
					return fail(r, "chunk not followed by CRLF");
				r->state = S_CHUNK_SIZE;
			} else if (!*r->line) {
				r->state = S_DONE;
				res = HTTP_DONE;
			}
			break;
		case S_BODY_LEN:
		case S_CHUNK_DATA:
			used = body_bytes(r, buf, len < r->left ? len : r->left);
			buf += used;
			len -= used;
			r->left -= used;
			if (r->left)
				break;
			if (r->state == S_CHUNK_DATA) {
				r->state = S_CHUNK_END;
			} else {
				r->state = S_DONE;
				res = HTTP_DONE;
			}
			break;
		case S_BODY_CLOSE:
			if (len > r->body_max - r->body_len)
				return fail(r, "body too large");
			body_bytes(r, buf, len);
			len = 0;
			break;
		case S_DONE:
			return HTTP_DONE;
		default:
			return HTTP_ERROR;
		}
	}
	if (r->state == S_DONE)
		return HTTP_DONE;
	if (r->state == S_ERROR)
		return HTTP_ERROR;
	return res;
}

enum http_res http_resp_eof(struct http_resp *r)
{
	switch (r->state) {
	case S_DONE:
		return HTTP_DONE;
	case S_ERROR:
		return HTTP_ERROR;
	case S_BODY_CLOSE:
		r->state = S_DONE;
		return HTTP_DONE;
	case S_STATUS:
		return fail(r, r->status < 0 ? "connection closed without a response" :
			    "connection closed after an interim response");
	default:
		return fail(r, "connection closed before the end of the response");
	}
}
