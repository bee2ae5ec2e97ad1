// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text exposition format, version 0.0.4: "# HELP" and
 * "# TYPE" once per metric family, then its samples, one per line:
 *
 *   name{label="value",...} value
 *
 * Label values escape backslash, double quote and line feed as \\, \" and
 * \n; HELP text escapes backslash and line feed.  Pure: it only appends to
 * a struct sbuf, so unit tests check the exact bytes.  Names are the
 * caller's constants and are not checked here.
 */
#ifndef HALBD_PROM_H
#define HALBD_PROM_H

#include <stdint.h>

#include "common/sbuf.h"

struct prom_label {
	const char *name;
	const char *value;
};

/* type: "counter", "gauge", "histogram", "summary" or "untyped" */
void prom_head(struct sbuf *b, const char *name, const char *type, const char *help);
void prom_u64(struct sbuf *b, const char *name, const struct prom_label *l, int nl, uint64_t v);
void prom_i64(struct sbuf *b, const char *name, const struct prom_label *l, int nl, int64_t v);
/* NaN and infinities as "NaN", "+Inf", "-Inf" */
void prom_f64(struct sbuf *b, const char *name, const struct prom_label *l, int nl, double v);

/*
 * prom_histogram() - NAME_bucket{...,le="B"} for each bound and +Inf
 * (cumulative), NAME_sum and NAME_count.
 * @bounds: @nb upper bounds, ascending; @counts: @nb + 1 counts per
 * bucket, not cumulative, the last one above every bound.
 */
void prom_histogram(struct sbuf *b, const char *name, const struct prom_label *l, int nl,
		    const double *bounds, int nb, const uint64_t *counts, double sum);

/* The label value escaping alone. */
void prom_escape(struct sbuf *b, const char *s);

#endif
