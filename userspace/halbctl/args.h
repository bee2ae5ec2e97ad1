/* SPDX-License-Identifier: GPL-2.0 */
/*
 * halbctl: ipvsadm-compatible command line -> struct halbctl_args.
 *
 * Pure: no netlink, no output, no exit().  Errors are returned as text so
 * that selftests/unit/halbctl can check them, and so that -R can prefix
 * them with the line number.
 */
#ifndef HALBCTL_ARGS_H
#define HALBCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/libhalb.h"

enum halbctl_cmd {
	HALBCTL_CMD_NONE,
	HALBCTL_CMD_ADD_SVC,
	HALBCTL_CMD_EDIT_SVC,
	HALBCTL_CMD_DEL_SVC,
	HALBCTL_CMD_FLUSH,
	HALBCTL_CMD_LIST,
	HALBCTL_CMD_ADD_DEST,
	HALBCTL_CMD_DEL_DEST,
	HALBCTL_CMD_EDIT_DEST,
	HALBCTL_CMD_RESTORE,
	HALBCTL_CMD_SAVE,
	HALBCTL_CMD_ZERO,
	HALBCTL_CMD_HELP,
	HALBCTL_CMD_VERSION,
};

/* Options seen on the command line (ipvsadm's OPT_* in the same spirit). */
enum halbctl_opt {
	HALBCTL_OPT_NUMERIC	= 1U << 0,
	HALBCTL_OPT_CONNECTION	= 1U << 1,
	HALBCTL_OPT_SERVICE	= 1U << 2,
	HALBCTL_OPT_SCHEDULER	= 1U << 3,
	HALBCTL_OPT_PERSISTENT	= 1U << 4,
	HALBCTL_OPT_NETMASK	= 1U << 5,
	HALBCTL_OPT_SERVER	= 1U << 6,
	HALBCTL_OPT_FORWARD	= 1U << 7,
	HALBCTL_OPT_WEIGHT	= 1U << 8,
	HALBCTL_OPT_UTHRESH	= 1U << 9,
	HALBCTL_OPT_LTHRESH	= 1U << 10,
	HALBCTL_OPT_STATS	= 1U << 11,
	HALBCTL_OPT_RATE	= 1U << 12,
	HALBCTL_OPT_THRESHOLDS	= 1U << 13,
	HALBCTL_OPT_NOSORT	= 1U << 14,
	HALBCTL_OPT_EXACT	= 1U << 15,
	HALBCTL_OPT_JSON	= 1U << 16,
	HALBCTL_OPT_IPV6	= 1U << 17,
	HALBCTL_OPT_ONEPACKET	= 1U << 18,
	HALBCTL_OPT_SCHED_FLAGS	= 1U << 19,
	HALBCTL_OPT_PERSISTCONN	= 1U << 20,
	/* halb's own, long options only */
	HALBCTL_OPT_NODEST	= 1U << 21,
	HALBCTL_OPT_MH_SIZE	= 1U << 22,
	HALBCTL_OPT_STANDBY	= 1U << 23,
	HALBCTL_OPT_LADDR	= 1U << 24,
	HALBCTL_OPT_CLIENT_ADDR	= 1U << 25,
	HALBCTL_OPT_NO_BATCH	= 1U << 26,
	HALBCTL_OPT_COUNT	= 27,
};

struct halbctl_args {
	enum halbctl_cmd cmd;
	unsigned int opts;		/* enum halbctl_opt */
	struct halb_service svc;	/* key + attributes to send */
	struct halb_dest dest;
	/*
	 * -E: flag bits that no option set or cleared (HALB_SVC_F_STANDBY
	 * without --standby/--no-standby), to be taken from the service as
	 * it is, since HALB_SVC_A_FLAGS replaces the whole word.
	 */
	uint32_t keep_flags;
};

/* Persistence timeout when -p has no value, as in ipvsadm 1.31. */
#define HALBCTL_DEF_PERSIST	360
/* ipvsadm's MAX_TIMEOUT: 31 days. */
#define HALBCTL_MAX_TIMEOUT	(86400 * 31)
#define HALBCTL_DEF_SCHED	"wlc"
/* What the module does when no --nodest-policy was ever given. */
#define HALBCTL_DEF_NODEST	HALB_NODEST_KEEP

/* "keep", "expire", ... for enum halb_nodest_policy; NULL if out of range. */
const char *halbctl_nodest_name(uint8_t policy);

/**
 * halbctl_sched_flags_str() - ipvsadm's names of a service's sched flags.
 * @sched: the scheduler: "sh" and "mh" have names of their own
 *         (sh-fallback, mh-port, ...), any other shows flag-1/flag-2
 * @buf: "" when the service has none, else e.g. "sh-fallback,sh-port"
 */
void halbctl_sched_flags_str(const char *sched, uint32_t flags, char *buf,
			     size_t len);

/**
 * halbctl_parse_args() - parse an ipvsadm-style command line.
 * @argc, @argv: as for main(); argv[0] is skipped
 * @a: result, fully defaulted (ports, weight, forwarding, scheduler)
 * @err, @errlen: the problem, without "halbctl: " prefix, on failure
 *
 * Return: 0, or -1 for a usage error (halbctl exits 2).
 */
int halbctl_parse_args(int argc, char **argv, struct halbctl_args *a,
		       char *err, size_t errlen);

/**
 * halbctl_parse_addrport() - "IP[:PORT]" or "[IPv6][:PORT]", numeric only.
 * @port: 0 if the string has none
 *
 * Return: 0 or -1 with @err set.
 */
int halbctl_parse_addrport(const char *s, int *af, union halb_addr *addr,
			   uint16_t *port, char *err, size_t errlen);

/**
 * halbctl_split_line() - split a -R input line into words, in place.
 * @line: modified; '#' starts a comment
 * @argv: room for @max words; argv[0] is set to "halbctl"
 *
 * Return: number of words including argv[0], or -1 if too many.
 */
int halbctl_split_line(char *line, char **argv, int max);

#endif /* HALBCTL_ARGS_H */
