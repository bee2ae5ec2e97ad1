/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny KTAP test registry for the halbctl host unit tests.
 */
#ifndef HALBCTL_TEST_H
#define HALBCTL_TEST_H

#include <stdbool.h>
#include <stdio.h>

/* Directory of the expected/ files, from argv[1]. */
extern const char *test_dir;

/* Report one result line; returns @ok. */
bool test_report(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Number of results each group will report (KTAP plan needs it first). */
int args_test_count(void);
void args_tests(void);
int format_test_count(void);
void format_tests(void);
int exec_test_count(void);
void exec_tests(void);

#endif
