// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text format writer (prom.c), byte for byte: HELP and
 * TYPE lines, samples with and without labels, the three escapes of a
 * label value and the two of HELP text, special float values, histograms;
 * and the buffer underneath (common/sbuf.c) with its JSON strings.
 */
#include <math.h>
#include <stdlib.h>

#include "common/sbuf.h"
#include "halbd/prom.h"
#include "ut.h"

static char *take(struct sbuf *b)
{
	char *s = sb_take(b, NULL);

	return s ? s : strdup("(oom)");
}

static void test_head(void)
{
	struct sbuf b = { 0 };
	char *s;

	prom_head(&b, "halb_x_total", "counter", "Things\\done\nover lines.");
	s = take(&b);
	CHECK_STR(s, "# HELP halb_x_total Things\\\\done\\nover lines.\n"
		  "# TYPE halb_x_total counter\n");
	free(s);
}

static void test_samples(void)
{
	struct sbuf b = { 0 };
	struct prom_label l[] = { { "instance", "VI_1" }, { "state", "MASTER" } };
	char *s;

	prom_u64(&b, "halb_a", NULL, 0, 18446744073709551615ULL);
	prom_i64(&b, "halb_b", l, 1, -5);
	prom_u64(&b, "halb_c", l, 2, 1);
	prom_f64(&b, "halb_d", NULL, 0, 0.25);
	prom_f64(&b, "halb_e", NULL, 0, NAN);
	prom_f64(&b, "halb_f", NULL, 0, INFINITY);
	prom_f64(&b, "halb_g", NULL, 0, -INFINITY);
	prom_f64(&b, "halb_h", NULL, 0, 1e-6);
	s = take(&b);
	CHECK_STR(s, "halb_a 18446744073709551615\n"
		  "halb_b{instance=\"VI_1\"} -5\n"
		  "halb_c{instance=\"VI_1\",state=\"MASTER\"} 1\n"
		  "halb_d 0.25\n"
		  "halb_e NaN\n"
		  "halb_f +Inf\n"
		  "halb_g -Inf\n"
		  "halb_h 1e-06\n");
	free(s);
}

static void test_escape(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "plain", "plain" },
		{ "a\"b", "a\\\"b" },
		{ "back\\slash", "back\\\\slash" },
		{ "two\nlines", "two\\nlines" },
		{ "\\\"\n", "\\\\\\\"\\n" },
		{ "tab\tstays", "tab\tstays" },
		{ "utf-8 \xc3\xa9", "utf-8 \xc3\xa9" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbuf b = { 0 };
		char *s;

		prom_escape(&b, cases[i].in);
		s = take(&b);
		CHECK_STR(s, cases[i].out);
		free(s);
	}
}

static void test_label_escaped(void)
{
	struct sbuf b = { 0 };
	struct prom_label l[] = { { "instance", "VI\"q\\b\n" }, { "empty", NULL } };
	char *s;

	prom_u64(&b, "halb_vrrp_priority", l, 2, 150);
	s = take(&b);
	CHECK_STR(s, "halb_vrrp_priority{instance=\"VI\\\"q\\\\b\\n\",empty=\"\"} 150\n");
	free(s);
}

static void test_histogram(void)
{
	struct sbuf b = { 0 };
	struct prom_label l[] = { { "checker", "TCP_CHECK" } };
	const double bounds[] = { 0.001, 0.5, 1 };
	const uint64_t counts[] = { 2, 0, 3, 1 };
	char *s;

	prom_histogram(&b, "halb_check_duration_seconds", l, 1, bounds, 3, counts, 2.75);
	prom_histogram(&b, "halb_h", NULL, 0, bounds, 1, counts, 0);
	s = take(&b);
	CHECK_STR(s,
		  "halb_check_duration_seconds_bucket{checker=\"TCP_CHECK\",le=\"0.001\"} 2\n"
		  "halb_check_duration_seconds_bucket{checker=\"TCP_CHECK\",le=\"0.5\"} 2\n"
		  "halb_check_duration_seconds_bucket{checker=\"TCP_CHECK\",le=\"1\"} 5\n"
		  "halb_check_duration_seconds_bucket{checker=\"TCP_CHECK\",le=\"+Inf\"} 6\n"
		  "halb_check_duration_seconds_sum{checker=\"TCP_CHECK\"} 2.75\n"
		  "halb_check_duration_seconds_count{checker=\"TCP_CHECK\"} 6\n"
		  "halb_h_bucket{le=\"0.001\"} 2\n"
		  "halb_h_bucket{le=\"+Inf\"} 2\n"
		  "halb_h_sum 0\n"
		  "halb_h_count 2\n");
	free(s);
}

static void test_sbuf(void)
{
	struct sbuf b = { 0 };
	size_t len;
	char *s;

	s = sb_take(&b, &len);
	CHECK_STR(s, "");
	CHECK_EQ(len, 0);
	free(s);
	/* growth across many reallocations keeps every byte */
	for (int i = 0; i < 10000; i++)
		sb_printf(&b, "%04d", i % 10000);
	s = sb_take(&b, &len);
	CHECK_EQ(len, 40000);
	CHECK(s && !memcmp(s, "00000001", 8) && !strcmp(s + 39996, "9999"));
	free(s);
	sb_json_str(&b, "a\"b\\c\n\x01 \xc3\xa9");
	s = sb_take(&b, NULL);
	CHECK_STR(s, "\"a\\\"b\\\\c\\u000a\\u0001 \xc3\xa9\"");
	free(s);
	b.oom = true;
	sb_printf(&b, "x");
	CHECK(!sb_take(&b, NULL));
}

int main(void)
{
	RUN(test_head);
	RUN(test_samples);
	RUN(test_escape);
	RUN(test_label_escaped);
	RUN(test_histogram);
	RUN(test_sbuf);
	return ut_total_fail ? 1 : 0;
}
