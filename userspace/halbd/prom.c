// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "halbd/prom.h"

void prom_escape(struct sbuf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *e = *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : *s == '\n' ? "\\n" : NULL;

		if (!e)
			continue;
		sb_putn(b, run, s - run);
		sb_putn(b, e, 2);
		run = s + 1;
	}
	sb_putn(b, run, s - run);
}

void prom_head(struct sbuf *b, const char *name, const char *type, const char *help)
{
	sb_printf(b, "# HELP %s ", name);
	for (const char *s = help; *s; s++) {
		if (*s == '\\')
			sb_putn(b, "\\\\", 2);
		else if (*s == '\n')
			sb_putn(b, "\\n", 2);
		else
			sb_putn(b, s, 1);
	}
	sb_printf(b, "\n# TYPE %s %s\n", name, type);
}

static void labels(struct sbuf *b, const char *name, const char *suffix,
		   const struct prom_label *l, int nl, const char *le)
{
	sb_printf(b, "%s%s", name, suffix);
	if (!nl && !le) {
		sb_putn(b, " ", 1);
		return;
	}
	sb_putn(b, "{", 1);
	for (int i = 0; i < nl; i++) {
		sb_printf(b, "%s%s=\"", i ? "," : "", l[i].name);
		prom_escape(b, l[i].value ? l[i].value : "");
		sb_putn(b, "\"", 1);
	}
	if (le)
		sb_printf(b, "%sle=\"%s\"", nl ? "," : "", le);
	sb_putn(b, "} ", 2);
}

static void fmt_f64(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "NaN");
	else if (isinf(v))
		snprintf(buf, len, "%cInf", v > 0 ? '+' : '-');
	else
		snprintf(buf, len, "%.9g", v);
}

void prom_u64(struct sbuf *b, const char *name, const struct prom_label *l, int nl, uint64_t v)
{
	labels(b, name, "", l, nl, NULL);
	sb_printf(b, "%llu\n", (unsigned long long)v);
}

void prom_i64(struct sbuf *b, const char *name, const struct prom_label *l, int nl, int64_t v)
{
	labels(b, name, "", l, nl, NULL);
	sb_printf(b, "%lld\n", (long long)v);
}

void prom_f64(struct sbuf *b, const char *name, const struct prom_label *l, int nl, double v)
{
	char buf[32];

	fmt_f64(buf, sizeof(buf), v);
	labels(b, name, "", l, nl, NULL);
	sb_printf(b, "%s\n", buf);
}

void prom_histogram(struct sbuf *b, const char *name, const struct prom_label *l, int nl,
		    const double *bounds, int nb, const uint64_t *counts, double sum)
{
	uint64_t cum = 0;
	char le[32];

	for (int i = 0; i <= nb; i++) {
		cum += counts[i];
		if (i < nb)
			fmt_f64(le, sizeof(le), bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		labels(b, name, "_bucket", l, nl, le);
		sb_printf(b, "%llu\n", (unsigned long long)cum);
	}
	fmt_f64(le, sizeof(le), sum);
	labels(b, name, "_sum", l, nl, NULL);
	sb_printf(b, "%s\n", le);
	labels(b, name, "_count", l, nl, NULL);
	sb_printf(b, "%llu\n", (unsigned long long)cum);
}
