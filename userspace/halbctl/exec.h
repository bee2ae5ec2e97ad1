/* SPDX-License-Identifier: GPL-2.0 */
/*
 * halbctl: carrying out a parsed ipvsadm-style command through libhalb.
 */
#ifndef HALBCTL_EXEC_H
#define HALBCTL_EXEC_H

#include <stdbool.h>
#include <stdio.h>

#include "halbctl/args.h"

/* Exit codes, as ipvsadm's: 1 the operation failed, 2 bad usage. */
#define HALBCTL_EXIT_FAIL	1
#define HALBCTL_EXIT_USAGE	2

/**
 * halbctl_exec() - run @a (anything but help/version/restore).
 * Return: 0 or the failing call's -errno; halb_last_error() has the rest.
 */
int halbctl_exec(struct halb_handle *h, const struct halbctl_args *a);

/**
 * halbctl_restore() - apply ipvsadm -S lines read from @in, one operation
 * per line, stopping at the first error.  Nothing is applied unless every
 * line parses.
 * @batch: send the operations in batches (lines sent after a failing one
 *         in its batch are applied, and named); else one at a time
 * Return: an exit code; errors are reported on stderr with the line number.
 */
int halbctl_restore(struct halb_handle *h, FILE *in, bool batch);

/**
 * halbctl_report() - print "halbctl: [@where: ]<kernel message> (<strerror>)".
 */
void halbctl_report(struct halb_handle *h, int err, const char *where);

#endif /* HALBCTL_EXEC_H */
