/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parser's diagnostics, collected for the config unit tests: collect()
 * is the struct cfg_diag callback, has_msg() looks for one exact
 * "E: FILE:LINE: ..." / "W: ..." line and lists what came when it is absent.
 */
#ifndef HALBD_UT_DIAG_MSGS_H
#define HALBD_UT_DIAG_MSGS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MSGS 64

static char *msgs[MAX_MSGS];
static int nmsgs;

static inline void collect(void *arg, bool error, const char *msg)
{
	(void)arg;
	if (nmsgs < MAX_MSGS && asprintf(&msgs[nmsgs], "%s: %s", error ? "E" : "W", msg) > 0)
		nmsgs++;
}

static inline void reset_msgs(void)
{
	for (int i = 0; i < nmsgs; i++)
		free(msgs[i]);
	nmsgs = 0;
}

static inline bool has_msg(const char *want)
{
	for (int i = 0; i < nmsgs; i++)
		if (!strcmp(msgs[i], want))
			return true;
	printf("# missing message: %s\n", want);
	for (int i = 0; i < nmsgs; i++)
		printf("#   got: %s\n", msgs[i]);
	return false;
}

#endif
