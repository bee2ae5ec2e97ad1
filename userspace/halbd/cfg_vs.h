// SPDX-License-Identifier: GPL-2.0
/*
 * virtual_server and virtual_server_group: keepalived's LVS configuration
 * into the neutral model (struct cfg_vs, cfg_rs, cfg_vsg in cfg_model.h).
 */
#ifndef HALBD_CFG_VS_H
#define HALBD_CFG_VS_H

#include <stddef.h>
#include <stdint.h>

#include "halbd/cfg_parse_int.h"

/* Parser entry points (top-level keyword handlers and the final pass). */
int cfg_parse_vs(struct cfg_pctx *p, struct cfg_node *n);
int cfg_parse_vsg(struct cfg_pctx *p, struct cfg_node *n);
void cfg_vs_finish(struct cfg_pctx *p);

struct cfg_vsg *cfg_find_vsg(const struct cfg_model *m, const char *name);

/*
 * Whether a reload may keep real server @a running as @b: every setting,
 * checker blocks included (file and line excepted).
 */
bool cfg_rs_equal(const struct cfg_rs *a, const struct cfg_rs *b);
/* Same virtual_server identity: what it matches (address, fwmark, group). */
bool cfg_vs_same_key(const struct cfg_vs *a, const struct cfg_vs *b);
/* A hash of what cfg_vs_same_key() compares: equal keys, equal hashes. */
uint64_t cfg_vs_key_hash(const struct cfg_vs *vs);
/* Every setting of the virtual_server itself, real servers excepted. */
bool cfg_vs_equal(const struct cfg_vs *a, const struct cfg_vs *b);

/* One kernel service a virtual_server stands for. */
struct cfg_svc_key {
	int af;
	uint8_t protocol;		/* 0 for fwmark services */
	struct cfg_addr addr;		/* family 0 for fwmark services */
	uint16_t port;
	uint32_t fwmark;
};

/*
 * cfg_vs_keys() - the kernel services of @vs: one, or one per address and
 * fwmark of its virtual_server_group.  Returns the count and a malloc()ed
 * array in *@out, or -1 on allocation failure.
 */
int cfg_vs_keys(const struct cfg_model *m, const struct cfg_vs *vs, struct cfg_svc_key **out);

/* "192.0.2.1:80", "[2001:db8::1]:80", "fwmark 5", "group NAME" */
const char *cfg_vs_name(const struct cfg_vs *vs, char *buf, size_t len);

/* -t summary: counts of what the model holds. */
struct cfg_vs_counts {
	int vs, services, rs, checkers;
};
void cfg_vs_count(const struct cfg_model *m, struct cfg_vs_counts *c);

#endif
