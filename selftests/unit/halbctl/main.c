// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl host unit tests: prints KTAP, exits 1 if any test failed.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "test.h"

const char *test_dir = ".";
static int test_num, test_failed;

bool test_report(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++test_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		test_failed++;
	fflush(stdout);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		test_dir = argv[1];
	printf("KTAP version 1\n1..%d\n",
	       args_test_count() + format_test_count() + exec_test_count());
	args_tests();
	format_tests();
	exec_tests();
	printf("# halbctl unit: %d passed, %d failed\n", test_num - test_failed,
	       test_failed);
	return test_failed ? 1 : 0;
}
