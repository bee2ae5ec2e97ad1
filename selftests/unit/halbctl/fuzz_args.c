// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for halbctl's argument parser, fed the way "halbctl -R"
 * feeds it: each input line is split into words (halbctl_split_line) and
 * parsed (halbctl_parse_args).  Any bytes must give a parsed command or an
 * error message, never a crash, an overrun or an unterminated string; a
 * parsed command must carry values the module's netlink policy accepts.
 */
#include <stdint.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "halbctl/args.h"

#define MAX_WORDS 64

static void check(const struct halbctl_args *a, int rc, const char *err, size_t errlen)
{
	if (rc && !memchr(err, '\0', errlen))
		abort();		/* error message not terminated */
	if (rc && !err[0])
		abort();		/* a refusal must say why */
	if (rc)
		return;
	if (a->cmd == HALBCTL_CMD_NONE)
		abort();		/* success without a command */
	if (!memchr(a->svc.sched, '\0', sizeof(a->svc.sched)))
		abort();
	if (a->svc.num_laddrs > HALB_LADDRS_MAX)
		abort();
	if (a->svc.af && a->svc.af != AF_INET && a->svc.af != AF_INET6)
		abort();
	if (a->dest.af && a->dest.af != AF_INET && a->dest.af != AF_INET6)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *line, *next;
	char *argv[MAX_WORDS + 1];
	char err[256];

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (line = buf; line; line = next) {
		struct halbctl_args a;
		int argc;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		argc = halbctl_split_line(line, argv, MAX_WORDS);
		if (argc <= 1)
			continue;
		argv[argc] = NULL;
		memset(err, 0x55, sizeof(err));
		err[sizeof(err) - 1] = 'x';
		memset(&a, 0, sizeof(a));
		check(&a, halbctl_parse_args(argc, argv, &a, err, sizeof(err)), err,
		      sizeof(err));
	}
	free(buf);
	return 0;
}
