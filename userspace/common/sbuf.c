// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sbuf.h"

static bool sb_reserve(struct sbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->s && b->len + n < b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap <= b->len + n) {
		if (cap > (size_t)-1 / 2) {
			b->oom = true;
			return false;
		}
		cap *= 2;
	}
	p = realloc(b->s, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->s = p;
	b->cap = cap;
	return true;
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (b->s && b->len + n < b->cap) {
		b->len += n;
		return;
	}
	if (!sb_reserve(b, n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += n;
}

void sb_putn(struct sbuf *b, const char *s, size_t n)
{
	if (!sb_reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_json_str(struct sbuf *b, const char *s)
{
	const char *run = s;

	sb_putn(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		sb_putn(b, run, s - run);
		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else
			sb_printf(b, "\\u%04x", c);
		run = s + 1;
	}
	sb_putn(b, run, s - run);
	sb_putn(b, "\"", 1);
}

char *sb_take(struct sbuf *b, size_t *len)
{
	char *s;

	if (b->oom) {
		sb_free(b);
		return NULL;
	}
	if (!b->s)
		sb_putn(b, "", 0);
	if (b->oom) {
		sb_free(b);
		return NULL;
	}
	s = b->s;
	if (len)
		*len = b->len;
	memset(b, 0, sizeof(*b));
	return s;
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
