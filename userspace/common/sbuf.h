// SPDX-License-Identifier: GPL-2.0
/*
 * A growable string for answers built in memory (control socket, metrics,
 * state dump).  On allocation failure it records it once and ignores what
 * follows, so a writer checks ->oom at the end instead of after every call.
 */
#ifndef HALB_COMMON_SBUF_H
#define HALB_COMMON_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *s;			/* NUL terminated once anything was written */
	size_t len, cap;
	bool oom;
};

void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_putn(struct sbuf *b, const char *s, size_t n);
/* @s as a JSON string, quotes included. */
void sb_json_str(struct sbuf *b, const char *s);
/* Hand the string over (NULL after oom, "" if nothing was written); @b is reset. */
char *sb_take(struct sbuf *b, size_t *len);
void sb_free(struct sbuf *b);

#endif
