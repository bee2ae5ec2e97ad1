/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libhalb internals shared by its netlink files; not installed, not for
 * halbctl or halbd.
 */
#ifndef HALB_LIB_INTERNAL_H
#define HALB_LIB_INTERNAL_H

#include <stdbool.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "lib/libhalb.h"

#define HALB_ERRMSG_MAX	256

struct halb_handle {
	struct nl_sock *sk;
	int family;
	char errmsg[HALB_ERRMSG_MAX];
};

/*
 * Called for every reply message of a request; returns 0 or a negative
 * errno, which aborts the request with that error.
 */
typedef int (*halb_reply_fn)(struct nlattr **tb, void *arg);

struct nl_msg *halb_msg_new(struct halb_handle *h, uint8_t cmd, int flags);
int halb_request(struct halb_handle *h, struct nl_msg *msg, bool dump,
		 halb_reply_fn fn, void *arg);

/* Length-checked attribute readers: a wrong length reads as absent. */
bool halb_nla_u8(const struct nlattr *a, uint8_t *v);
bool halb_nla_u16(const struct nlattr *a, uint16_t *v);
bool halb_nla_u32(const struct nlattr *a, uint32_t *v);
bool halb_nla_u64(const struct nlattr *a, uint64_t *v);
bool halb_nla_bin(const struct nlattr *a, void *v, int len);
void halb_parse_stats(const struct nlattr *a, struct halb_stats *st);

/* Growable arrays for dumps. */
struct halb_vec {
	void *items;
	size_t n, cap, size;
};
void *halb_vec_push(struct halb_vec *v);

#endif /* HALB_LIB_INTERNAL_H */
