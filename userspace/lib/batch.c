// SPDX-License-Identifier: LGPL-2.1
/*
 * libhalb: batches of write requests, sent many to a message buffer.
 *
 * A restore of 10,000 services sends 50,000 requests.  One at a time, each
 * costs a sendmsg() and a recvmsg() and a wait for the other side; here up
 * to HALB_BATCH_WINDOW go out in one sendmsg(), and the kernel's ACKs,
 * queued on the socket while it works through them, are read back in a
 * few recv() calls.  The window bounds the ACKs waiting on the socket, so
 * they always fit in its receive buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "lib/internal.h"

#define HALB_BATCH_RCVBUF	(512 * 1024)
#define HALB_BATCH_RBUF		(64 * 1024)

/**
 * halb_batch_begin() - queue the following write requests on @h.
 * Return: 0, -EBUSY if @h is already batching, -ENOMEM.
 */
int halb_batch_begin(struct halb_handle *h)
{
	struct halb_batch *b = &h->batch;
	int rcvbuf = HALB_BATCH_RCVBUF;

	if (b->on)
		return -EBUSY;
	memset(b, 0, sizeof(*b));
	b->buf = malloc(HALB_BATCH_BYTES);
	b->rbuf = malloc(HALB_BATCH_RBUF);
	if (!b->buf || !b->rbuf) {
		free(b->buf);
		free(b->rbuf);
		b->buf = b->rbuf = NULL;
		return -ENOMEM;
	}
	/* room for a window of error replies, each echoing its request */
	if (setsockopt(nl_socket_get_fd(h->sk), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcvbuf, sizeof(rcvbuf)))
		setsockopt(nl_socket_get_fd(h->sk), SOL_SOCKET, SO_RCVBUF,
			   &rcvbuf, sizeof(rcvbuf));
	b->on = true;
	return 0;
}

/** halb_batch_tag() - the tag of the requests made from now on. */
void halb_batch_tag(struct halb_handle *h, unsigned long tag)
{
	h->batch.tag = tag;
}

/* One ACK or error of the batch, matched to its request. */
static int batch_ack(struct halb_handle *h, const struct nlmsghdr *nlh)
{
	struct halb_batch *b = &h->batch;
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	unsigned long tag;
	size_t off = sizeof(*e);
	unsigned int i;

	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EPROTO;
	/* ACKs come in the order of the requests: nearly always the first */
	for (i = 0; i < b->n; i++)
		if (b->seq[i] == nlh->nlmsg_seq)
			break;
	if (i == b->n)
		return -EPROTO;
	tag = b->tags[i];
	b->n--;
	memmove(&b->seq[i], &b->seq[i + 1], (b->n - i) * sizeof(b->seq[0]));
	memmove(&b->tags[i], &b->tags[i + 1], (b->n - i) * sizeof(b->tags[0]));

	if (!e->error) {
		if (b->res.err) {
			if (!b->res.done_after++)
				b->res.first_after_tag = tag;
			b->res.last_after_tag = tag;
		}
		return 0;
	}
	if (b->res.err)
		return 0;
	b->res.err = e->error < 0 ? e->error : -EPROTO;
	b->res.failed_tag = tag;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	h->errmsg[0] = '\0';
	halb_copy_extack(h, nlh, off);
	return 0;
}

/**
 * halb_batch_flush() - send the queued requests and read all their ACKs.
 * Return: 0, or the first error of the batch so far (also in res.err).
 */
int halb_batch_flush(struct halb_handle *h)
{
	struct halb_batch *b = &h->batch;
	int fd = nl_socket_get_fd(h->sk);
	ssize_t r;
	int ret;

	if (!b->len)
		return b->res.err;
	do {
		r = send(fd, b->buf, b->len, 0);
	} while (r < 0 && errno == EINTR);
	b->len = 0;
	if (r < 0) {
		/* nothing of it was carried out */
		ret = -errno;
		goto lost;
	}
	while (b->n) {
		struct nlmsghdr *nlh;
		int left;

		r = recv(fd, b->rbuf, HALB_BATCH_RBUF, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			/* ENOBUFS: ACKs were dropped; what they said is lost */
			ret = -errno;
			goto lost;
		}
		left = (int)r;
		for (nlh = (struct nlmsghdr *)b->rbuf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			ret = batch_ack(h, nlh);
			if (ret)
				goto lost;
		}
	}
	return b->res.err;
lost:
	if (!b->res.err) {
		b->res.err = ret;
		b->res.failed_tag = b->n ? b->tags[0] : b->tag;
		snprintf(h->errmsg, sizeof(h->errmsg),
			 "the batch's acknowledgements were lost (%s)",
			 strerror(-ret));
	}
	b->n = 0;
	return b->res.err;
}

int halb_batch_queue(struct halb_handle *h, struct nl_msg *msg, bool dump,
		     halb_reply_fn fn)
{
	struct halb_batch *b = &h->batch;
	struct nlmsghdr *nlh;
	int ret;

	if (b->res.err) {
		nlmsg_free(msg);
		return b->res.err;
	}
	if (dump || fn) {
		ret = halb_batch_flush(h);
		if (ret) {
			nlmsg_free(msg);
			return ret;
		}
		return 1;
	}
	nlh = nlmsg_hdr(msg);
	nlh->nlmsg_flags |= NLM_F_ACK;
	nl_complete_msg(h->sk, msg);
	if (b->len + NLMSG_ALIGN(nlh->nlmsg_len) > HALB_BATCH_BYTES) {
		ret = halb_batch_flush(h);
		if (ret) {
			nlmsg_free(msg);
			return ret;
		}
	}
	if (NLMSG_ALIGN(nlh->nlmsg_len) > HALB_BATCH_BYTES) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	memcpy(b->buf + b->len, nlh, nlh->nlmsg_len);
	memset(b->buf + b->len + nlh->nlmsg_len, 0,
	       NLMSG_ALIGN(nlh->nlmsg_len) - nlh->nlmsg_len);
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	b->seq[b->n] = nlh->nlmsg_seq;
	b->tags[b->n] = b->tag;
	b->n++;
	b->res.sent++;
	nlmsg_free(msg);
	if (b->n == HALB_BATCH_WINDOW)
		return halb_batch_flush(h);
	return 0;
}

/**
 * halb_batch_end() - send what is queued, wait for every ACK, and leave
 * batch mode.
 * @res: what became of the batch (may be NULL)
 * Return: 0 or the first failure's -errno; halb_last_error() has its
 * message.
 */
int halb_batch_end(struct halb_handle *h, struct halb_batch_result *res)
{
	struct halb_batch *b = &h->batch;
	int ret;

	if (!b->on)
		return 0;
	ret = halb_batch_flush(h);
	if (res)
		*res = b->res;
	free(b->buf);
	free(b->rbuf);
	b->buf = b->rbuf = NULL;
	b->on = false;
	return ret;
}
