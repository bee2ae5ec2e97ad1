// SPDX-License-Identifier: LGPL-2.1
/*
 * libhalb: the socket, one request/reply exchange, extended ACK capture.
 *
 * Every request goes through halb_request(), which owns the receive loop,
 * so the error path (errno + extack message) is the same for all calls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>

#include "lib/internal.h"

/**
 * halb_open() - connect to the halb family of the caller's netns.
 * @out: the new handle
 *
 * Return: 0, -HALB_ENOFAMILY if the module is not loaded, or -errno.
 */
int halb_open(struct halb_handle **out)
{
	struct halb_handle *h;
	int one = 1, ret;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->sk = nl_socket_alloc();
	if (!h->sk) {
		free(h);
		return -ENOMEM;
	}
	ret = genl_connect(h->sk);
	if (ret < 0) {
		ret = -EPROTONOSUPPORT;
		goto err;
	}
	/*
	 * Ask for the kernel's message on errors; libnl 3.7 has no call for
	 * it.  Old kernels refuse the option and simply send no message.
	 */
	setsockopt(nl_socket_get_fd(h->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	/* Large dumps: let the kernel fill big messages. */
	nl_socket_set_msg_buf_size(h->sk, 32768);
	/* Acks are requested per message in halb_msg_new(). */
	nl_socket_disable_auto_ack(h->sk);

	h->family = genl_ctrl_resolve(h->sk, HALB_GENL_NAME);
	if (h->family < 0) {
		ret = h->family == -NLE_OBJ_NOTFOUND ? -HALB_ENOFAMILY :
						       -EPROTO;
		goto err;
	}
	*out = h;
	return 0;
err:
	nl_socket_free(h->sk);
	free(h);
	return ret;
}

/** halb_close() - release a handle (NULL is fine). */
void halb_close(struct halb_handle *h)
{
	if (!h)
		return;
	free(h->batch.buf);
	free(h->batch.rbuf);
	nl_socket_free(h->sk);
	free(h);
}

/**
 * halb_last_error() - the kernel's extended ACK message of the last failed
 * call on @h, or "" if it sent none.
 */
const char *halb_last_error(const struct halb_handle *h)
{
	return h ? h->errmsg : "";
}

struct nl_msg *halb_msg_new(struct halb_handle *h, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0, flags,
			 cmd, HALB_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct req_ctx {
	struct halb_handle *h;
	halb_reply_fn fn;
	void *arg;
	int err;
	bool done;
	bool intr;
};

/*
 * Extended ACK attributes follow the nlmsgerr header, and the echoed
 * request unless the kernel capped it.
 */
void halb_copy_extack(struct halb_handle *h, const struct nlmsghdr *nlh,
		      size_t off)
{
	struct nlattr *a;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return;
	a = (struct nlattr *)((char *)nlmsg_data(nlh) + NLMSG_ALIGN(off));
	rem = nlh->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(off);
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 0) {
			snprintf(h->errmsg, sizeof(h->errmsg), "%.*s",
				 nla_len(a), (const char *)nla_data(a));
			break;
		}
	}
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct req_ctx *c = arg;
	size_t off = sizeof(*e);

	(void)nla;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	halb_copy_extack(c->h, nlh, off);
	c->err = e->error < 0 ? e->error : -EPROTO;
	c->done = true;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct req_ctx *c = arg;

	(void)msg;
	c->done = true;
	return NL_STOP;
}

/* NLMSG_DONE of a dump carries the dump's error code, if any. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req_ctx *c = arg;
	int err;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0 && !c->err) {
			c->err = err;
			halb_copy_extack(c->h, nlh, sizeof(int));
		}
	}
	c->done = true;
	return NL_STOP;
}

static int intr_cb(struct nl_msg *msg, void *arg)
{
	struct req_ctx *c = arg;

	(void)msg;
	c->intr = true;
	return NL_OK;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[HALB_A_MAX + 1];
	struct req_ctx *c = arg;
	int ret;

	if (c->err)
		return NL_SKIP;
	if (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR)
		c->intr = true;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, HALB_A_MAX, NULL) < 0) {
		c->err = -EPROTO;
		return NL_SKIP;
	}
	if (c->fn) {
		ret = c->fn(tb, c->arg);
		if (ret < 0)
			c->err = ret;
	}
	return NL_OK;
}

static int nl_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_DUMP_INTR:
		return -EINTR;
	}
	return -EIO;
}

/**
 * halb_request() - send @msg (consumed) and collect its replies.
 * @h: handle
 * @msg: from halb_msg_new()
 * @dump: the request is a dump (ends with NLMSG_DONE, not an ACK)
 * @fn: called for each reply message, may be NULL
 * @arg: for @fn
 *
 * Return: 0, -EINTR if a dump was interrupted by a change (the caller
 * retries), or the kernel's -errno with h->errmsg set.
 */
int halb_request(struct halb_handle *h, struct nl_msg *msg, bool dump,
		 halb_reply_fn fn, void *arg)
{
	struct req_ctx c = { .h = h, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	if (h->batch.on) {
		/* queued (0), failed (< 0), or flushed and to be sent now */
		ret = halb_batch_queue(h, msg, dump, fn);
		if (ret <= 0)
			return ret;
	}
	h->errmsg[0] = '\0';
	if (!dump)
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &c);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &c);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_cb, &c);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &c);

	ret = nl_send_auto(h->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		ret = nl_to_errno(ret);
		goto out;
	}
	while (!c.done) {
		ret = nl_recvmsgs(h->sk, cb);
		if (ret < 0 && !c.err) {
			c.err = nl_to_errno(ret);
			break;
		}
	}
	ret = c.err;
	if (!ret && c.intr)
		ret = -EINTR;
out:
	nl_cb_put(cb);
	return ret;
}

bool halb_nla_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || nla_len(a) < 1)
		return false;
	*v = nla_get_u8((struct nlattr *)a);
	return true;
}

bool halb_nla_u16(const struct nlattr *a, uint16_t *v)
{
	if (!a || nla_len(a) < 2)
		return false;
	*v = nla_get_u16((struct nlattr *)a);
	return true;
}

bool halb_nla_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || nla_len(a) < 4)
		return false;
	*v = nla_get_u32((struct nlattr *)a);
	return true;
}

bool halb_nla_u64(const struct nlattr *a, uint64_t *v)
{
	if (!a || nla_len(a) < 8)
		return false;
	memcpy(v, nla_data(a), sizeof(*v));
	return true;
}

bool halb_nla_bin(const struct nlattr *a, void *v, int len)
{
	if (!a || nla_len(a) != len)
		return false;
	memcpy(v, nla_data(a), len);
	return true;
}

void halb_parse_stats(const struct nlattr *a, struct halb_stats *st)
{
	struct nlattr *tb[HALB_STATS_A_MAX + 1];

	memset(st, 0, sizeof(*st));
	if (!a || nla_parse_nested(tb, HALB_STATS_A_MAX, (struct nlattr *)a,
				   NULL) < 0)
		return;
	halb_nla_u64(tb[HALB_STATS_A_CONNS], &st->conns);
	halb_nla_u64(tb[HALB_STATS_A_INPKTS], &st->inpkts);
	halb_nla_u64(tb[HALB_STATS_A_OUTPKTS], &st->outpkts);
	halb_nla_u64(tb[HALB_STATS_A_INBYTES], &st->inbytes);
	halb_nla_u64(tb[HALB_STATS_A_OUTBYTES], &st->outbytes);
	halb_nla_u64(tb[HALB_STATS_A_DROPS], &st->drops);
	halb_nla_u64(tb[HALB_STATS_A_CPS], &st->cps);
	halb_nla_u64(tb[HALB_STATS_A_INPPS], &st->inpps);
	halb_nla_u64(tb[HALB_STATS_A_OUTPPS], &st->outpps);
	halb_nla_u64(tb[HALB_STATS_A_INBPS], &st->inbps);
	halb_nla_u64(tb[HALB_STATS_A_OUTBPS], &st->outbps);
}

void *halb_vec_push(struct halb_vec *v)
{
	char *p;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;

		p = realloc(v->items, cap * v->size);
		if (!p)
			return NULL;
		v->items = p;
		v->cap = cap;
	}
	p = (char *)v->items + v->n++ * v->size;
	memset(p, 0, v->size);
	return p;
}
