/* SPDX-License-Identifier: GPL-2.0 */
/*
 * halbctl: listings.  Pure functions from plain structs to a FILE *, so
 * the unit tests can compare them with ipvsadm's output byte for byte.
 */
#ifndef HALBCTL_FORMAT_H
#define HALBCTL_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/libhalb.h"

struct halbctl_svc_entry {
	struct halb_service svc;
	struct halb_dest *dests;
	size_t n_dests;
};

/* What one listing shows: the info line and the services it covers. */
struct halbctl_snapshot {
	struct halb_info info;
	struct halbctl_svc_entry *svcs;
	size_t n_svcs;
};

/* ipvsadm's FMT_* flags, the ones halbctl has. */
enum halbctl_fmt {
	HALBCTL_FMT_STATS	= 1U << 0,
	HALBCTL_FMT_RATE	= 1U << 1,
	HALBCTL_FMT_THRESHOLDS	= 1U << 2,
	HALBCTL_FMT_EXACT	= 1U << 3,
	HALBCTL_FMT_NOSORT	= 1U << 4,
	HALBCTL_FMT_RULE	= 1U << 5,
	/* list one service: no version line, as ipvsadm -L -t ... */
	HALBCTL_FMT_ONE		= 1U << 6,
	HALBCTL_FMT_PERSISTCONN	= 1U << 7,
};

/* Sort services and their real servers as ipvsadm does. */
void halbctl_sort(struct halbctl_snapshot *snap);


/* ipvsadm -L [--stats|--rate|--thresholds], or -S with FMT_RULE. */
void halbctl_print_list(FILE *f, const struct halbctl_snapshot *snap,
			unsigned int fmt);
/* ipvsadm -Lc [--persistent-conn] (@fmt: HALBCTL_FMT_PERSISTCONN) */
void halbctl_print_conns(FILE *f, const struct halb_conn *c, size_t n,
			 unsigned int fmt);

/* "ADDR:PORT", IPv6 in brackets: ipvsadm's numeric addrport_to_anyname */
void halbctl_addrport(char *buf, size_t len, int af,
		      const union halb_addr *addr, uint16_t port);

/* JSON, see halbctl(8) "JSON OUTPUT". */
void halbctl_json_list(FILE *f, const struct halbctl_snapshot *snap,
		       bool with_info);
void halbctl_json_conns(FILE *f, const struct halb_conn *c, size_t n);

#endif /* HALBCTL_FORMAT_H */
