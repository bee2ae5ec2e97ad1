// SPDX-License-Identifier: LGPL-2.1
/*
 * libhalb: batches of write requests, sent many to a message buffer.
 *
 * A restore of 10,000 services sends 50,000 requests.  One at a time, each
 * costs a sendmsg() and a recvmsg() and a wait for the other side; here up
 * to HALB_BATCH_WINDOW go out in one sendmsg().  Only the last request of a
 * window asks for an ACK: the kernel answers a request without NLM_F_ACK
 * only when it fails, and carries out a message's requests in order, so
 * once the last one's ACK is in, every request of the window before it
 * without an error of its own has succeeded.  That spares the kernel an
 * ACK message per request and the reader as many to take in.  The window
 * bounds the errors that can wait on the socket, so they always fit in its
 * receive buffer.
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

/* Request @i of the window succeeded after the batch's first failure. */
static void batch_done_after(struct halb_batch *b, unsigned int i)
{
	if (!b->res.done_after++)
		b->res.first_after_tag = b->tags[i];
	b->res.last_after_tag = b->tags[i];
}

/*
 * An error of the window (or the ACK of its last request), matched to its
 * request; *settled once the last request's answer is in.
 */
static int batch_ack(struct halb_handle *h, const struct nlmsghdr *nlh, bool *settled)
{
	struct halb_batch *b = &h->batch;
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = sizeof(*e);
	bool after = false;
	unsigned int i;

	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EPROTO;
	for (i = 0; i < b->n; i++)
		if (b->seq[i] == nlh->nlmsg_seq)
			break;
	if (i == b->n || b->failed[i])
		return -EPROTO;
	if (e->error) {
		b->failed[i] = true;
		if (!b->res.err) {
			b->res.err = e->error < 0 ? e->error : -EPROTO;
			b->res.failed_tag = b->tags[i];
			if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
				off += e->msg.nlmsg_len - NLMSG_HDRLEN;
			h->errmsg[0] = '\0';
			halb_copy_extack(h, nlh, off);
		}
	}
	if (i != b->n - 1)
		return 0;
	/*
	 * The last one: all the others have answered, errors first.  A batch
	 * queues nothing after a failure, so the window's first failure is
	 * the batch's.
	 */
	for (i = 0; i < b->n; i++) {
		if (b->failed[i])
			after = true;
		else if (after)
			batch_done_after(b, i);
	}
	*settled = true;
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
	bool settled = false;
	ssize_t r;
	int ret;

	if (!b->len)
		return b->res.err;
	/* the last request asks for the ACK that closes the window */
	((struct nlmsghdr *)(b->buf + b->last))->nlmsg_flags |= NLM_F_ACK;
	do {
		r = send(fd, b->buf, b->len, 0);
	} while (r < 0 && errno == EINTR);
	b->len = 0;
	if (r < 0) {
		/* nothing of it was carried out */
		ret = -errno;
		goto out;
	}
	while (!settled) {
		struct nlmsghdr *nlh;
		int left;

		r = recv(fd, b->rbuf, HALB_BATCH_RBUF, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			/* ENOBUFS: answers were dropped; what they said is lost */
			ret = -errno;
			goto out;
		}
		left = (int)r;
		for (nlh = (struct nlmsghdr *)b->rbuf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			ret = settled ? -EPROTO : batch_ack(h, nlh, &settled);
			if (ret)
				goto out;
		}
	}
	ret = 0;
out:
	if (ret && !b->res.err) {
		b->res.err = ret;
		b->res.failed_tag = b->n ? b->tags[0] : b->tag;
		snprintf(h->errmsg, sizeof(h->errmsg),
			 "the batch's acknowledgements were lost (%s)",
			 strerror(-ret));
	}
	b->n = 0;
	memset(b->failed, 0, sizeof(b->failed));
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
	nl_complete_msg(h->sk, msg);
	/* no ACK unless it closes a window (halb_batch_flush) */
	nlh->nlmsg_flags &= ~NLM_F_ACK;
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
	b->last = b->len;
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
