// SPDX-License-Identifier: GPL-2.0
/*
 * Inside the health-check engine: a probe is one running checker with its
 * effective settings; the kinds plug in through a function table, as
 * keepalived's checkers do.  Not used outside check_*.c.
 *
 * One attempt at a time per probe.  The core starts it when the probe's
 * deadline is due, re-arms the deadline while it runs (the time-out), and
 * takes the verdict through probe_done().  A kind never touches its probe
 * after calling probe_done().
 */
#ifndef HALBD_CHECK_INT_H
#define HALBD_CHECK_INT_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "halbd/check.h"
#include "halbd/halbd.h"

struct probe;

struct check_ops {
	/* Begin an attempt: 0 when under way, -1 with p->why set when it failed at once. */
	int (*start)(struct probe *p, uint64_t now);
	/* I/O on p->w.fd. */
	void (*event)(struct probe *p, uint32_t events);
	/* The deadline came while running; NULL: fail with p->tmo_why. */
	void (*timeout)(struct probe *p, uint64_t now);
	/* Release what the attempt holds (its fd is closed by the core). */
	void (*stop)(struct probe *p);
};

enum probe_state { PS_UNKNOWN, PS_UP, PS_DOWN };

struct probe {
	struct probe *hnext;		/* hash chain */
	struct probe *pnext;		/* pending notification, or graveyard */
	struct halbd *d;
	struct check_conf *conf;	/* own copy */
	const struct check_ops *ops;

	/* effective settings */
	struct cfg_addr addr;
	uint16_t port;
	int protocol;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	uint32_t timeout_ms, delay_loop_ms, dbr_ms, warmup_ms, misc_timeout_ms;
	uint32_t retry;
	char *vhost;			/* checker's, else target's; NULL: none */
	char target[INET6_ADDRSTRLEN + 10];

	/* schedule */
	uint64_t deadline;
	int heap_idx;
	bool running;
	uint64_t attempt_start, attempt_hard;
	uint64_t attempt_start_us;	/* CLOCK_MONOTONIC, for the duration */
	const char *tmo_why;

	/* results */
	enum probe_state state;
	uint32_t fails;
	int weight;			/* last dynamic weight, -1 none */
	char why[128];
	uint64_t last_done, last_rtt;
	bool has_result;
	uint64_t last_us, runs, failures, sum_us;
	uint64_t hist[CHECK_HIST_BOUNDS + 1];

	/* subscribers */
	struct check *subs;
	int nsubs, busy;
	bool pending, dead;

	/* the attempt */
	struct halbd_watch w;		/* fd -1 when none */
	uint32_t events;
	void *priv;			/* kind's per-attempt state */
	uint16_t seq;			/* ICMP sequence, DNS id */
	bool raw;			/* PING_CHECK on a raw socket */
};

extern const struct check_ops check_tcp_ops, check_http_ops, check_misc_ops,
	check_udp_ops, check_ping_ops, check_dns_ops;

void probe_done(struct probe *p, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void probe_weight(struct probe *p, int weight);
/* (Re)arm the running attempt's time-out: @ms from now, never past attempt_hard. */
void probe_arm(struct probe *p, uint64_t now, uint32_t ms);
/* A non-blocking socket to p->dst with bindto/bind_port/bind_if/fwmark applied. */
int probe_socket(struct probe *p, int type, int proto);
/* Start a non-blocking connect; 0 (connected or in progress, watching EPOLLOUT) or -1. */
int probe_connect(struct probe *p);
int probe_watch(struct probe *p, uint32_t events);
void probe_close(struct probe *p);
uint32_t check_random(void);
void check_tls_cleanup(void);
/* keepalived's defaults for what neither the checker nor the target set */
uint16_t check_default_port(enum check_kind k);

#endif
