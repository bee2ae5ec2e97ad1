// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the metrics endpoint's request parser.  The input
 * is parsed as the endpoint does, growing in pieces whose sizes come from
 * its first byte; the parser must never read past what it is given, must
 * stay decided once it decided, and must fill in only NUL-terminated
 * fields of a complete request.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "halbd/http_req.h"

#define MAX	512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum http_req_res res = HTTP_REQ_MORE;
	struct http_req r;
	size_t step, len = 0;
	char *buf;

	if (!size)
		return 0;
	step = data[0] % 23 + 1;
	data++;
	size--;
	if (size > MAX)
		size = MAX;
	/* exactly the bytes given: ASan sees any read past them */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while (len < size && res == HTTP_REQ_MORE) {
		len += size - len < step ? size - len : step;
		res = http_req_parse(buf, len, MAX, &r);
	}
	if (res == HTTP_REQ_DONE) {
		int st = http_req_route(&r);

		if (!memchr(r.method, '\0', sizeof(r.method)) || !memchr(r.path, '\0', sizeof(r.path)) ||
		    !r.method[0] || r.head_len > len || r.minor < 0 || r.minor > 9 ||
		    (st != 200 && st != 404 && st != 405))
			abort();
		/* the head alone decides the same way: what follows it is never looked at */
		size_t head = r.head_len;

		if (http_req_parse(buf, head, MAX, &r) != HTTP_REQ_DONE || r.head_len != head)
			abort();
	}
	if (res == HTTP_REQ_TOO_LARGE && len < MAX)
		abort();
	free(buf);
	return 0;
}
