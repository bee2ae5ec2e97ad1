// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the HTTP response parser.  The input is fed in
 * pieces whose sizes come from its first byte, since a socket may split a
 * response anywhere; the parser must never overrun, loop, or report a body
 * longer than its limit or a status outside 100..999.
 */
#include <stdint.h>
#include <stdlib.h>

#include "halbd/http_resp.h"

static uint64_t seen;

static void body(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	for (size_t i = 0; i < n; i++)
		seen += p[i];		/* touch every byte: ASan checks the range */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_resp *r = calloc(1, sizeof(*r));
	size_t step, off = 1, fed = 0;
	enum http_res res = HTTP_MORE;

	if (!r || !size) {
		free(r);
		return 0;
	}
	step = data[0] % 17 + 1;
	r->body_fn = body;
	r->body_max = 4096;
	http_resp_init(r);
	while (off < size && res == HTTP_MORE) {
		size_t n = size - off < step ? size - off : step;

		res = http_resp_feed(r, data + off, n);
		off += n;
		fed += n;
	}
	if (res == HTTP_MORE)
		res = http_resp_eof(r);
	if (res == HTTP_MORE)
		abort();			/* EOF always decides */
	if (res == HTTP_DONE && (r->status < 100 || r->status > 999 || r->body_len > 4096 ||
				 r->body_len > fed))
		abort();
	if (res == HTTP_ERROR && !r->err)
		abort();
	free(r);
	return 0;
}
