// SPDX-License-Identifier: GPL-2.0
/*
 * Real server health checks: keepalived's checkers (TCP_CHECK, HTTP_GET,
 * SSL_GET, MISC_CHECK, UDP_CHECK, PING_CHECK, DNS_CHECK), run inside halbd's
 * one epoll loop with non-blocking I/O only.
 *
 * Two layers:
 *  - struct check_conf: one checker block as configured, owned by the
 *    model.  Pure data; parsing, comparing and freeing know no sockets.
 *  - struct check: one subscription to a running probe.  Subscriptions with
 *    an identical checker conf and identical effective target share one
 *    probe (refcounted), so a real server that appears in several virtual
 *    servers is probed once.  check_start() copies what it needs: the conf
 *    and target may be freed (a reload) while the check runs.
 *
 * State semantics are keepalived's: a checker that is up goes down after
 * retry+1 consecutive failures spaced by delay_before_retry; one success
 * brings it up.  Failures of a checker that is down are not retried; it is
 * probed again after delay_loop.  The callback fires on changes only.
 * Aggregating several checkers into a real server state (all must be up) is
 * the caller's business.
 */
#ifndef HALBD_CHECK_H
#define HALBD_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

#include "halbd/cfg_model.h"

struct cfg_pctx;
struct cfg_node;
struct halbd;

enum check_kind { CHECK_TCP, CHECK_HTTP, CHECK_SSL, CHECK_MISC, CHECK_UDP, CHECK_PING, CHECK_DNS };
#define CHECK_KIND_MAX	(CHECK_DNS + 1)

/* "not configured in this block": the target's value or the kind's default applies */
#define CHECK_UNSET	UINT32_MAX

struct check_status_range {
	uint16_t lo, hi;		/* inclusive */
};

struct check_url {
	char *path;
	char *virtualhost;		/* NULL: the checker's, else the target's */
	bool has_digest;
	uint8_t digest[16];		/* MD5 of the body */
	struct check_status_range *status;
	int nstatus;			/* 0: 200-299 */
	int line;
};

enum check_http_proto { CHECK_HTTP_10, CHECK_HTTP_10C, CHECK_HTTP_11 };

enum check_dns_type {
	CHECK_DNS_A = 1, CHECK_DNS_NS = 2, CHECK_DNS_CNAME = 5, CHECK_DNS_SOA = 6,
	CHECK_DNS_PTR = 12, CHECK_DNS_MX = 15, CHECK_DNS_TXT = 16, CHECK_DNS_AAAA = 28,
	CHECK_DNS_SRV = 33,
};

struct check_conf {
	struct check_conf *next;	/* the next checker of the same real server */
	enum check_kind kind;
	const char *file;		/* owned by the model, for messages */
	int line;

	/* connection; not used by MISC_CHECK */
	struct cfg_addr connect_ip;	/* family 0: the target's address */
	uint32_t connect_port;		/* CHECK_UNSET: the target's port */
	struct cfg_addr bindto;		/* family 0: kernel's choice */
	uint16_t bind_port;		/* 0: any */
	char bind_if[IFNAMSIZ];
	uint32_t fwmark;		/* SO_MARK on checker packets, 0: none */

	/* timing; CHECK_UNSET: the target's value, else the kind's default */
	uint32_t connect_timeout_ms;
	uint32_t retry;
	uint32_t delay_before_retry_ms;
	uint32_t warmup_ms;
	uint32_t delay_loop_ms;
	int alpha;			/* -1: the target's initial_up; 0/1 */
	bool log_all_failures;

	/* HTTP_GET, SSL_GET */
	struct check_url *urls;
	int nurls;
	char *virtualhost;		/* NULL: the target's */
	enum check_http_proto http_proto;
	bool enable_sni;
	bool fast_recovery;		/* accepted; all URLs are always checked in one round */

	/* MISC_CHECK */
	char *misc_path;
	uint32_t misc_timeout_ms;	/* CHECK_UNSET: delay_loop */
	bool misc_dynamic;
	char user[CFG_NAME_MAX];	/* empty: global script_user */

	/* UDP_CHECK */
	uint8_t *payload;		/* NULL: random 16 bytes */
	int payload_len;
	bool require_reply;
	uint8_t *reply, *reply_mask;	/* expected bytes; mask 0 nibbles are "x" */
	int reply_len;
	int min_reply_len, max_reply_len;	/* 0, 255 */

	/* DNS_CHECK */
	enum check_dns_type dns_type;	/* default SOA */
	char *dns_name;			/* NULL: "." */
};

/**
 * check_is_checker_kw() - whether @kw names a checker block this engine parses.
 */
bool check_is_checker_kw(const char *kw);

/**
 * check_conf_parse() - parse one checker block.
 * @p: parser context (errors and warnings go to p->d with file:line).
 * @n: the block node; n->kw is "TCP_CHECK", "HTTP_GET", "SSL_GET",
 *     "MISC_CHECK", "UDP_CHECK", "PING_CHECK" or "DNS_CHECK".
 * @out: the new conf, to be linked by the caller through ->next.
 *
 * Unknown keywords are warnings; bad values are errors naming the keyword.
 * Return: 0 and *@out, or -1 after cfg_err() (nothing allocated).
 */
int check_conf_parse(struct cfg_pctx *p, struct cfg_node *n, struct check_conf **out);
/* Frees @c and every conf linked after it. */
void check_conf_free(struct check_conf *c);
/* Same checker, same settings (file and line and ->next are ignored). */
bool check_conf_equal(const struct check_conf *a, const struct check_conf *b);
/* Deep copy of one conf (->next is not followed); NULL on ENOMEM. */
struct check_conf *check_conf_dup(const struct check_conf *c);
const char *check_kind_name(enum check_kind k);
/* Whether @status passes the url's status_code list (default 200-299). */
bool check_status_match(const struct check_url *u, int status);

/*
 * What the real_server / virtual_server supplies.  A zero-initialised
 * target means "keepalived defaults" everywhere: the checker's own
 * keywords override these, these override the kind's defaults.
 */
struct check_target {
	struct cfg_addr addr;		/* the real server */
	uint16_t port;
	int protocol;			/* IPPROTO_TCP/UDP/SCTP of the service, 0: TCP */
	unsigned int delay_loop_ms;	/* 0: 60 s */
	unsigned int warmup_ms;		/* max random delay before the first probe */
	bool has_warmup;		/* false: warmup_ms ignored, default delay_loop */
	bool initial_up;		/* false when the virtual server has 'alpha' */
	/* real/virtual server level settings keepalived also accepts */
	unsigned int connect_timeout_ms;	/* 0: 5 s */
	bool has_retry, has_delay_before_retry;
	unsigned int retry, delay_before_retry_ms;
	const char *virtualhost;	/* NULL: none; copied */
};

struct check;

/* State change of one checker; @why is short, e.g. "HTTP status 503". */
typedef void (*check_cb)(void *arg, bool up, const char *why);
/* MISC_CHECK misc_dynamic: exit status 2..255 gives weight status-2. */
typedef void (*check_weight_cb)(void *arg, int weight);

/**
 * check_start() - subscribe to a probe of @t with @c, starting it if needed.
 * @d: the daemon (its epoll set).
 * @c, @t: copied; may be freed after the call.
 * @cb: state changes; never called from inside check_start() itself.
 * @wcb: dynamic weight changes (MISC_CHECK misc_dynamic), may be NULL.
 * @arg: passed to both.
 *
 * The subscription's state starts at t->initial_up (or !alpha when the
 * checker says 'alpha').  If the probe is shared and already knows a
 * different state, @cb reports it from the next check_timers().
 * Return: the subscription, or NULL on ENOMEM.
 */
struct check *check_start(struct halbd *d, const struct check_conf *c,
			  const struct check_target *t, check_cb cb, check_weight_cb wcb,
			  void *arg);
/* Unsubscribe; the probe stops with its last subscriber.  Safe from @cb. */
void check_stop(struct check *ck);
bool check_is_up(const struct check *ck);
/* Run due probes and time-outs; call after each epoll batch. */
void check_timers(struct halbd *d, uint64_t now);
/* Earliest deadline (halbd_now() ms), UINT64_MAX if none. */
uint64_t check_next(const struct halbd *d);
/*
 * {"kind":"HTTP_GET","target":"192.0.2.1:80","up":true,"last_ms":12,
 *  "why":"HTTP status 200","age_ms":1500,"fails":0,"shared":2}
 * last_ms: duration of the last completed probe (-1: none yet);
 * age_ms: time since it completed (-1: none yet).
 */
void check_state_json(const struct check *ck, FILE *f);

/* Probe durations, in microseconds: the upper bounds of the histogram's buckets. */
#define CHECK_HIST_BOUNDS	13
extern const uint32_t check_hist_bounds_us[CHECK_HIST_BOUNDS];

/*
 * What a subscription shows of its probe, for metrics and the state dump.
 * A probe shared by several subscriptions has one set of counters.
 */
struct check_info {
	enum check_kind kind;
	const char *target;		/* "192.0.2.1:80"; valid until the loop runs again */
	const char *why;		/* the last verdict's reason */
	bool up;			/* this subscription's state */
	bool has_result;		/* a probe has completed */
	uint64_t last_us;		/* duration of the last completed probe */
	uint64_t age_ms;		/* since it completed */
	uint32_t fails;			/* consecutive failures counted toward retry */
	int shared;			/* subscriptions of the probe */
	uint64_t runs, failures;	/* completed probes, failed ones */
	uint64_t sum_us;		/* their total duration */
	uint64_t hist[CHECK_HIST_BOUNDS + 1];	/* per bucket, not cumulative; last: +Inf */
};

void check_info(const struct check *ck, struct check_info *out);

/* After the loop has stopped and every check was stopped: free what is left. */
void check_cleanup(void);

#endif
