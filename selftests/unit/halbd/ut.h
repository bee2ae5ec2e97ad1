// SPDX-License-Identifier: GPL-2.0
/*
 * A very small test harness: each TEST prints "PASS name" or "FAIL name"
 * and the run script turns those into numbered KTAP lines.
 */
#ifndef HALBD_UT_H
#define HALBD_UT_H

#include <stdio.h>
#include <string.h>

static int ut_fail;
static int ut_total_fail;

#define CHECK(c) do { \
	if (!(c)) { \
		printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
		ut_fail++; \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) { \
		printf("# %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, _a, _b); \
		ut_fail++; \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *_a = (a), *_b = (b); \
	if (!_a || strcmp(_a, _b)) { \
		printf("# %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
		       _a ? _a : "(null)", _b); \
		ut_fail++; \
	} \
} while (0)

static inline void ut_run(const char *name, void (*fn)(void))
{
	ut_fail = 0;
	fn();
	printf("%s %s\n", ut_fail ? "FAIL" : "PASS", name);
	fflush(stdout);
	if (ut_fail)
		ut_total_fail++;
}

#define RUN(fn) ut_run(#fn, fn)

#endif
