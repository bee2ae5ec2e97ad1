// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics endpoint's request parser and routing (http_req.c): good
 * requests fed whole and byte by byte, incomplete ones, the size limit,
 * and malformed request lines and headers.
 */
#include "halbd/http_req.h"
#include "ut.h"

/* Feed @text growing one byte at a time: MORE until the last byte, then @want. */
static enum http_req_res feed(const char *text, size_t max, struct http_req *r)
{
	size_t len = strlen(text);
	enum http_req_res res = HTTP_REQ_MORE;

	for (size_t n = 1; n <= len; n++) {
		res = http_req_parse(text, n, max, r);
		if (res != HTTP_REQ_MORE && n < len)
			return (enum http_req_res)-1;	/* decided too early */
	}
	return res;
}

static void test_good(void)
{
	static const struct {
		const char *text, *method, *path;
		int minor, route;
	} cases[] = {
		{ "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "GET", "/metrics", 1, 200 },
		{ "GET /metrics HTTP/1.0\r\n\r\n", "GET", "/metrics", 0, 200 },
		{ "HEAD /metrics HTTP/1.1\r\n\r\n", "HEAD", "/metrics", 1, 200 },
		{ "GET /metrics?name[]=x HTTP/1.1\r\nAccept: */*\r\n\r\n", "GET", "/metrics", 1, 200 },
		{ "GET /metrics HTTP/1.1\nHost: x\n\n", "GET", "/metrics", 1, 200 },
		{ "\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n", "GET", "/metrics", 1, 200 },
		{ "GET / HTTP/1.1\r\n\r\n", "GET", "/", 1, 404 },
		{ "GET /metrics/ HTTP/1.1\r\n\r\n", "GET", "/metrics/", 1, 404 },
		{ "GET /Metrics HTTP/1.1\r\n\r\n", "GET", "/Metrics", 1, 404 },
		{ "get /metrics HTTP/1.1\r\n\r\n", "get", "/metrics", 1, 405 },
		{ "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "POST", "/metrics", 1, 405 },
		{ "DELETE /nope HTTP/1.1\r\n\r\n", "DELETE", "/nope", 1, 405 },
		{ "OPTIONS * HTTP/1.1\r\n\r\n", "OPTIONS", "*", 1, 405 },
		{ "GET http://host/metrics HTTP/1.1\r\n\r\n", "GET", "http://host/metrics", 1, 404 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_req r;

		CHECK_EQ(http_req_parse(cases[i].text, strlen(cases[i].text), 4096, &r),
			 HTTP_REQ_DONE);
		CHECK_STR(r.method, cases[i].method);
		CHECK_STR(r.path, cases[i].path);
		CHECK_EQ(r.minor, cases[i].minor);
		CHECK_EQ(r.head_len, strlen(cases[i].text));
		CHECK_EQ(http_req_route(&r), cases[i].route);
		CHECK_EQ(feed(cases[i].text, 4096, &r), HTTP_REQ_DONE);
		CHECK_EQ(http_req_route(&r), cases[i].route);
	}
}

static void test_body_not_counted(void)
{
	const char *t = "POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
	struct http_req r;

	CHECK_EQ(http_req_parse(t, strlen(t), 4096, &r), HTTP_REQ_DONE);
	CHECK_EQ(r.head_len, strlen(t) - 3);
}

static void test_incomplete(void)
{
	static const char *const cases[] = {
		"", "\r\n", "GET", "GET /metrics HTTP/1.1", "GET /metrics HTTP/1.1\r\n",
		"GET /metrics HTTP/1.1\r\nHost: x\r\n", "GET /metrics HTTP/1.1\r\nHost: x\r\n\r",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_req r;

		CHECK_EQ(http_req_parse(cases[i], strlen(cases[i]), 4096, &r), HTTP_REQ_MORE);
	}
}

static void test_too_large(void)
{
	char big[5000];
	struct http_req r;

	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
	CHECK_EQ(http_req_parse(big, 4095, 4096, &r), HTTP_REQ_MORE);
	CHECK_EQ(http_req_parse(big, 4096, 4096, &r), HTTP_REQ_TOO_LARGE);
	/* a request line alone that long */
	memcpy(big, "GET /", 5);
	CHECK_EQ(http_req_parse(big, 4096, 4096, &r), HTTP_REQ_TOO_LARGE);
	/* the whole request fits exactly */
	memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
	memcpy(big + 4092, "\r\n\r\n", 4);
	CHECK_EQ(http_req_parse(big, 4096, 4096, &r), HTTP_REQ_DONE);
	/* a long path is kept truncated and routed 404 */
	memset(big, 'p', sizeof(big));
	memcpy(big, "GET /metrics", 12);
	memcpy(big + 1000, " HTTP/1.1\r\n\r\n", 13);
	CHECK_EQ(http_req_parse(big, 1013, 4096, &r), HTTP_REQ_DONE);
	CHECK_EQ(strlen(r.path), HTTP_REQ_PATH_MAX - 1);
	CHECK_EQ(http_req_route(&r), 404);
}

static void test_bad(void)
{
	static const char *const cases[] = {
		"hello\r\n\r\n",
		"GET\r\n\r\n",
		"GET /metrics\r\n\r\n",			/* HTTP/0.9 */
		"GET  /metrics HTTP/1.1\r\n\r\n",
		"GET /metrics  HTTP/1.1\r\n\r\n",
		"GET /metrics HTTP/1.1 \r\n\r\n",
		"GET /metrics HTTP/2.0\r\n\r\n",
		"GET /metrics HTTP/1.x\r\n\r\n",
		"GET /metrics HTTP/1.10\r\n\r\n",
		"GET /met\x01rics HTTP/1.1\r\n\r\n",
		"GET /metrics\tHTTP/1.1\r\n\r\n",
		"G(T /metrics HTTP/1.1\r\n\r\n",
		"VERYLONGMETHODNAME /metrics HTTP/1.1\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
		" GET /metrics HTTP/1.1\r\n\r\n",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_req r;
		enum http_req_res res = http_req_parse(cases[i], strlen(cases[i]), 4096, &r);

		if (res != HTTP_REQ_BAD)
			printf("# case %zu: %d\n", i, res);
		CHECK_EQ(res, HTTP_REQ_BAD);
	}
	/* a NUL byte anywhere */
	{
		const char t[] = "GET /metrics HTTP/1.1\r\nX: a\0b\r\n\r\n";
		struct http_req r;

		CHECK_EQ(http_req_parse(t, sizeof(t) - 1, 4096, &r), HTTP_REQ_BAD);
	}
}

static void test_status_text(void)
{
	CHECK_STR(http_status_text(200), "OK");
	CHECK_STR(http_status_text(404), "Not Found");
	CHECK_STR(http_status_text(405), "Method Not Allowed");
	CHECK_STR(http_status_text(431), "Request Header Fields Too Large");
}

int main(void)
{
	RUN(test_good);
	RUN(test_body_not_counted);
	RUN(test_incomplete);
	RUN(test_too_large);
	RUN(test_bad);
	RUN(test_status_text);
	return ut_total_fail ? 1 : 0;
}
