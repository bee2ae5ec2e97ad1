// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl -R: apply rules in ipvsadm -S format from stdin.
 *
 * Each line is parsed by the same parser as the command line, so a line
 * means exactly what it would mean as "halbctl <line>".  The first bad
 * line stops the restore: what came before it stays applied, as with
 * ipvsadm -R.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "halbctl/exec.h"

#define RESTORE_MAX_WORDS	64

int halbctl_restore(struct halb_handle *h, FILE *in)
{
	char *line = NULL, err[256], where[32];
	char *argv[RESTORE_MAX_WORDS];
	struct halbctl_args a;
	unsigned long lineno = 0;
	size_t cap = 0;
	int argc, ret = 0;

	while (getline(&line, &cap, in) >= 0) {
		lineno++;
		argc = halbctl_split_line(line, argv, RESTORE_MAX_WORDS);
		if (argc == 1)
			continue;
		if (argc < 0) {
			fprintf(stderr, "halbctl: line %lu: too many words\n",
				lineno);
			ret = HALBCTL_EXIT_USAGE;
			break;
		}
		if (halbctl_parse_args(argc, argv, &a, err, sizeof(err))) {
			fprintf(stderr, "halbctl: line %lu: %s\n", lineno, err);
			ret = HALBCTL_EXIT_USAGE;
			break;
		}
		if (a.cmd == HALBCTL_CMD_RESTORE || a.cmd == HALBCTL_CMD_HELP ||
		    a.cmd == HALBCTL_CMD_VERSION) {
			fprintf(stderr, "halbctl: line %lu: '%s' is not allowed in a restore\n",
				lineno, argv[1]);
			ret = HALBCTL_EXIT_USAGE;
			break;
		}
		ret = halbctl_exec(h, &a);
		if (ret) {
			snprintf(where, sizeof(where), "line %lu", lineno);
			halbctl_report(h, ret, where);
			ret = HALBCTL_EXIT_FAIL;
			break;
		}
	}
	free(line);
	return ret;
}
