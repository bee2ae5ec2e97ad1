// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP response parser: status lines, the three body framings, interim
 * responses, limits and malformed input; every response is also fed one
 * byte at a time, since a socket may split it anywhere.  The digest test
 * runs the decoded body through MD5 exactly as HTTP_GET does.
 */
#include <stdlib.h>

#include <openssl/evp.h>

#include "halbd/http_resp.h"
#include "ut.h"

struct body {
	char buf[4096];
	size_t len;
	EVP_MD_CTX *md;
};

static void on_body(void *arg, const uint8_t *p, size_t n)
{
	struct body *b = arg;

	if (b->len + n < sizeof(b->buf)) {
		memcpy(b->buf + b->len, p, n);
		b->len += n;
		b->buf[b->len] = '\0';
	}
	if (b->md)
		EVP_DigestUpdate(b->md, p, n);
}

/*
 * Parse @text whole (@step 0) or in pieces of @step bytes, then EOF when
 * @eof.  Returns the final result.
 */
static enum http_res run(struct http_resp *r, struct body *b, const char *text, size_t step,
			 bool eof)
{
	size_t len = strlen(text), off = 0;
	enum http_res res = HTTP_MORE;

	memset(r, 0, sizeof(*r));
	memset(b->buf, 0, sizeof(b->buf));
	b->len = 0;
	r->body_fn = on_body;
	r->body_arg = b;
	r->body_max = 1024;
	http_resp_init(r);
	while (off < len && res == HTTP_MORE) {
		size_t n = step && step < len - off ? step : len - off;

		res = http_resp_feed(r, (const uint8_t *)text + off, n);
		off += n;
	}
	if (res == HTTP_MORE && eof)
		res = http_resp_eof(r);
	return res;
}

struct good {
	const char *text;
	bool eof;
	int status;
	enum http_body framing;
	const char *body;
};

static void test_good_responses(void)
{
	static const struct good cases[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false, 200, HTTP_BODY_LENGTH,
		  "hello" },
		{ "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", false, 503,
		  HTTP_BODY_LENGTH, "" },
		{ "HTTP/1.1 404\r\ncontent-length:  3 \r\n\r\nabcEXTRA", false, 404, HTTP_BODY_LENGTH,
		  "abc" },
		{ "HTTP/1.1 200 OK\nServer: x\n\nclose-delimited body", true, 200, HTTP_BODY_CLOSE,
		  "close-delimited body" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		  "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: x\r\n\r\n", false, 200,
		  HTTP_BODY_CHUNKED, "hello world" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nContent-Length: 99\r\n\r\n"
		  "A\r\n0123456789\r\n0\r\n\r\n", false, 200, HTTP_BODY_CHUNKED, "0123456789" },
		{ "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n"
		  "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", false, 201, HTTP_BODY_LENGTH,
		  "ok" },
		{ "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", false, 204, HTTP_BODY_NONE,
		  "" },
		{ "HTTP/1.1 304 Not Modified\r\n\r\n", false, 304, HTTP_BODY_NONE, "" },
		{ "\r\nHTTP/1.1 302 Found\r\nLocation: /x\r\n  folded continuation\r\n"
		  "Content-Length: 1\r\n\r\nz", false, 302, HTTP_BODY_LENGTH, "z" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nabcd",
		  true, 200, HTTP_BODY_CLOSE, "abcd" },
		{ "HTTP/1.1 599 Custom\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n!", false, 599,
		  HTTP_BODY_LENGTH, "!" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t step = 0; step < 4; step += step ? 2 : 1) {
			struct http_resp r;
			struct body b = { 0 };
			enum http_res res = run(&r, &b, cases[i].text, step, cases[i].eof);

			if (res != HTTP_DONE)
				printf("# case %zu step %zu: %d %s\n", i, step, res, r.err ? r.err : "");
			CHECK_EQ(res, HTTP_DONE);
			CHECK_EQ(r.status, cases[i].status);
			CHECK_EQ(r.body, cases[i].framing);
			CHECK_STR(b.buf, cases[i].body);
			CHECK_EQ(r.body_len, strlen(cases[i].body));
		}
	}
}

struct bad {
	const char *text;
	bool eof;
	const char *err;
};

static void test_bad_responses(void)
{
	static const struct bad cases[] = {
		{ "", true, "connection closed without a response" },
		{ "HTTP/1.1 100 Continue\r\n\r\n", true,
		  "connection closed after an interim response" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", true,
		  "connection closed before the end of the response" },
		{ "HTTP/1.1 200 OK\r\nContent", true,
		  "connection closed before the end of the response" },
		{ "SSH-2.0-OpenSSH_9.2\r\n", false, "malformed status line" },
		{ "HTTP/1.1 20 OK\r\n", false, "malformed status line" },
		{ "HTTP/1.1 2000 OK\r\n", false, "malformed status line" },
		{ "HTTP/2.0 200 OK\r\n", false, "not HTTP/1.x" },
		{ "HTTP/1.1 099 Odd\r\n", false, "malformed status code" },
		{ "HTTP/1.1 101 Switching\r\n", false, "unexpected protocol switch" },
		{ "HTTP/1.1 200 OK\r\nno colon here\r\n", false, "malformed header line" },
		{ "HTTP/1.1 200 OK\r\nBad Name: x\r\n", false, "space in header name" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n", false, "bad Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n", false, "bad Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n", false,
		  "bad Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n", false,
		  "conflicting Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1025\r\n\r\n", false, "body too large" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false,
		  "bad chunk size" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", false,
		  "bad chunk size" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n", false,
		  "chunk size overflow" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n401\r\n", false,
		  "body too large" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", false,
		  "chunk not followed by CRLF" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", true,
		  "connection closed before the end of the response" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t step = 0; step < 2; step++) {
			struct http_resp r;
			struct body b = { 0 };
			enum http_res res = run(&r, &b, cases[i].text, step, cases[i].eof);

			if (res != HTTP_ERROR)
				printf("# case %zu step %zu: result %d\n", i, step, res);
			CHECK_EQ(res, HTTP_ERROR);
			CHECK_STR(r.err, cases[i].err);
			/* once failed, it stays failed */
			CHECK_EQ(http_resp_feed(&r, (const uint8_t *)"HTTP/1.1 200 OK\r\n", 17),
				 HTTP_ERROR);
			CHECK_EQ(http_resp_eof(&r), HTTP_ERROR);
		}
	}
}

static void test_limits(void)
{
	struct http_resp r;
	struct body b = { 0 };
	size_t big = HTTP_LINE_MAX + 10, hdrs = HTTP_HEADERS_MAX + 100;
	char *text = malloc(hdrs + 64);
	size_t o;

	if (!text)
		abort();
	/* one header line longer than the line buffer */
	o = sprintf(text, "HTTP/1.1 200 OK\r\nX: ");
	memset(text + o, 'a', big);
	strcpy(text + o + big, "\r\n\r\n");
	CHECK_EQ(run(&r, &b, text, 0, false), HTTP_ERROR);
	CHECK_STR(r.err, "header line too long or holds NUL");
	/* many short header lines past the total */
	o = sprintf(text, "HTTP/1.1 200 OK\r\n");
	while (o < hdrs)
		o += sprintf(text + o, "X-Pad: 0123456789012345678901234567890123456789\r\n");
	strcpy(text + o, "\r\n");
	CHECK_EQ(run(&r, &b, text, 0, false), HTTP_ERROR);
	CHECK_STR(r.err, "headers too large");
	/* a close-delimited body over body_max */
	o = sprintf(text, "HTTP/1.1 200 OK\r\n\r\n");
	memset(text + o, 'b', 1100);
	text[o + 1100] = '\0';
	CHECK_EQ(run(&r, &b, text, 7, true), HTTP_ERROR);
	CHECK_STR(r.err, "body too large");
	/* a NUL inside a header line */
	memset(&r, 0, sizeof(r));
	http_resp_init(&r);
	CHECK_EQ(http_resp_feed(&r, (const uint8_t *)"HTTP/1.1 200 OK\r\nA: b\0c\r\n", 25),
		 HTTP_ERROR);
	free(text);
}

static void test_digest(void)
{
	/* md5("hello world"), as genhash prints it */
	static const uint8_t want[16] = { 0x5e, 0xb6, 0x3b, 0xbb, 0xe0, 0x1e, 0xee, 0xd0,
					  0x93, 0xcb, 0x22, 0xbb, 0x8f, 0x5a, 0xcd, 0xc3 };
	static const char *const texts[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n8\r\nlo world\r\n0\r\n\r\n",
		"HTTP/1.0 200 OK\r\n\r\nhello world",
	};

	for (size_t i = 0; i < 3; i++) {
		for (size_t step = 0; step < 3; step++) {
			struct http_resp r;
			struct body b = { .md = EVP_MD_CTX_new() };
			uint8_t md[EVP_MAX_MD_SIZE];
			unsigned int len = 0;

			CHECK(b.md && EVP_DigestInit_ex(b.md, EVP_md5(), NULL));
			CHECK_EQ(run(&r, &b, texts[i], step, true), HTTP_DONE);
			CHECK(EVP_DigestFinal_ex(b.md, md, &len));
			CHECK_EQ(len, 16);
			CHECK(!memcmp(md, want, 16));
			EVP_MD_CTX_free(b.md);
		}
	}
	/* a different body must not match */
	{
		struct http_resp r;
		struct body b = { .md = EVP_MD_CTX_new() };
		uint8_t md[EVP_MAX_MD_SIZE];
		unsigned int len = 0;

		EVP_DigestInit_ex(b.md, EVP_md5(), NULL);
		CHECK_EQ(run(&r, &b, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello World", 0,
			     false), HTTP_DONE);
		EVP_DigestFinal_ex(b.md, md, &len);
		CHECK(memcmp(md, want, 16));
		EVP_MD_CTX_free(b.md);
	}
}

static void test_head(void)
{
	struct http_resp r;

	memset(&r, 0, sizeof(r));
	r.head = true;
	http_resp_init(&r);
	CHECK_EQ(http_resp_feed(&r, (const uint8_t *)"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n",
				38), HTTP_DONE);
	CHECK_EQ(r.body, HTTP_BODY_NONE);
	CHECK_EQ(r.content_length, 9);
}

int main(void)
{
	RUN(test_good_responses);
	RUN(test_bad_responses);
	RUN(test_limits);
	RUN(test_digest);
	RUN(test_head);
	return ut_total_fail ? 1 : 0;
}
