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

/*
 * Pipelined writes (halb_batch_begin()): requests that expect only an ACK
 * are packed into one buffer and sent together; their ACKs are matched to
 * the caller's tags by sequence number.
 */
#define HALB_BATCH_WINDOW	128		/* requests per send */
#define HALB_BATCH_BYTES	(48 * 1024)	/* bytes per send */

struct halb_batch {
	bool on;
	unsigned long tag;		/* the caller's tag of the next request */
	uint8_t *buf;			/* packed requests not yet sent */
	uint8_t *rbuf;			/* for their ACKs */
	size_t len;
	size_t last;			/* offset of the last request in buf */
	uint32_t seq[HALB_BATCH_WINDOW];	/* in buf, in order */
	unsigned long tags[HALB_BATCH_WINDOW];
	bool failed[HALB_BATCH_WINDOW];	/* its error came back */
	unsigned int n;
	struct halb_batch_result res;
};

struct halb_handle {
	struct nl_sock *sk;
	int family;
	char errmsg[HALB_ERRMSG_MAX];
	struct halb_batch batch;
};

/*
 * Called for every reply message of a request; returns 0 or a negative
 * errno, which aborts the request with that error.
 */
typedef int (*halb_reply_fn)(struct nlattr **tb, void *arg);

struct nl_msg *halb_msg_new(struct halb_handle *h, uint8_t cmd, int flags);
int halb_request(struct halb_handle *h, struct nl_msg *msg, bool dump,
		 halb_reply_fn fn, void *arg);

/*
 * Batch mode: queue @msg and return 0, or return < 0 (an earlier request
 * of the batch failed; @msg freed), or, for a request that expects data,
 * send what is queued and return 1: the caller sends @msg itself.
 */
int halb_batch_queue(struct halb_handle *h, struct nl_msg *msg, bool dump,
		     halb_reply_fn fn);
/* Send what is queued and collect every ACK; the first error or 0. */
int halb_batch_flush(struct halb_handle *h);
/* The extended ACK message of an error reply, into h->errmsg. */
void halb_copy_extack(struct halb_handle *h, const struct nlmsghdr *nlh,
		      size_t off);

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
