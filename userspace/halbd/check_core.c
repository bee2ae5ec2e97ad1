// SPDX-License-Identifier: GPL-2.0
/*
 * The health-check engine: probes keyed by (checker conf, effective target)
 * so equal checks share one probe, a binary heap of deadlines so thousands
 * of probes cost O(log n) per event, keepalived's retry counting, and the
 * fan-out of state changes to subscribers.
 *
 * Lifetime: a probe whose last subscriber left is taken off the heap, the
 * hash and epoll at once, but freed only at the next check_timers(), so an
 * event already fetched by the current epoll batch never points at freed
 * memory.  Subscribers that leave during a fan-out are unlinked after it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "halbd/check_int.h"
#include "halbd/proc.h"

struct check {
	struct check *next;
	struct probe *p;
	check_cb cb;
	check_weight_cb wcb;
	void *arg;
	bool up, dead;
	int weight;			/* last reported, -1 none */
};

#define HASH_SIZE	4096

static struct probe *hash[HASH_SIZE];
static struct probe **heap;
static int heap_len, heap_cap;
static struct probe *pending, *graveyard;
static uint64_t rng;

const uint32_t check_hist_bounds_us[CHECK_HIST_BOUNDS] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000,
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void count_attempt(struct probe *p, bool ok)
{
	uint64_t us = now_us() - p->attempt_start_us;
	int i = 0;

	while (i < CHECK_HIST_BOUNDS && us > check_hist_bounds_us[i])
		i++;
	p->hist[i]++;
	p->last_us = us;
	p->sum_us += us;
	p->runs++;
	if (!ok)
		p->failures++;
}

static const struct check_ops *const kind_ops[CHECK_KIND_MAX] = {
	[CHECK_TCP] = &check_tcp_ops, [CHECK_HTTP] = &check_http_ops,
	[CHECK_SSL] = &check_http_ops, [CHECK_MISC] = &check_misc_ops,
	[CHECK_UDP] = &check_udp_ops, [CHECK_PING] = &check_ping_ops,
	[CHECK_DNS] = &check_dns_ops,
};

uint32_t check_random(void)
{
	/* xorshift64*: spreading warm-ups and picking ids, not cryptography */
	while (!rng)
		if (getrandom(&rng, sizeof(rng), GRND_NONBLOCK) != sizeof(rng))
			rng = halbd_now() | 1;
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

uint16_t check_default_port(enum check_kind k)
{
	switch (k) {
	case CHECK_HTTP:
		return 80;
	case CHECK_SSL:
		return 443;
	case CHECK_DNS:
		return 53;
	default:
		return 0;
	}
}

/* ---- the deadline heap ---- */

static bool heap_less(int a, int b)
{
	return heap[a]->deadline < heap[b]->deadline;
}

static void heap_swap(int a, int b)
{
	struct probe *t = heap[a];

	heap[a] = heap[b];
	heap[b] = t;
	heap[a]->heap_idx = a;
	heap[b]->heap_idx = b;
}

static void heap_up(int i)
{
	while (i && heap_less(i, (i - 1) / 2)) {
		heap_swap(i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(int i)
{
	for (;;) {
		int l = 2 * i + 1, m = i;

		if (l < heap_len && heap_less(l, m))
			m = l;
		if (l + 1 < heap_len && heap_less(l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		heap_swap(i, m);
		i = m;
	}
}

static int heap_add(struct probe *p)
{
	if (heap_len == heap_cap) {
		int cap = heap_cap ? heap_cap * 2 : 256;
		struct probe **n = realloc(heap, cap * sizeof(*n));

		if (!n)
			return -1;
		heap = n;
		heap_cap = cap;
	}
	p->heap_idx = heap_len;
	heap[heap_len++] = p;
	heap_up(p->heap_idx);
	return 0;
}

static void heap_del(struct probe *p)
{
	int i = p->heap_idx;

	if (i < 0)
		return;
	p->heap_idx = -1;
	if (i == --heap_len)
		return;
	heap[i] = heap[heap_len];
	heap[i]->heap_idx = i;
	heap_up(i);
	heap_down(heap[i]->heap_idx);
}

static void set_deadline(struct probe *p, uint64_t t)
{
	p->deadline = t;
	heap_up(p->heap_idx);
	heap_down(p->heap_idx);
}

void probe_arm(struct probe *p, uint64_t now, uint32_t ms)
{
	uint64_t t = now + ms;

	set_deadline(p, t < p->attempt_hard ? t : p->attempt_hard);
}

/* ---- sockets ---- */

int probe_watch(struct probe *p, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = &p->w };

	if (p->w.fd < 0)
		return -1;
	if (p->events == events)
		return 0;
	if (epoll_ctl(p->d->epfd, p->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, p->w.fd, &ev)) {
		snprintf(p->why, sizeof(p->why), "epoll: %s", strerror(errno));
		return -1;
	}
	p->events = events;
	return 0;
}

void probe_close(struct probe *p)
{
	if (p->w.fd < 0)
		return;
	if (p->events)
		halbd_watch_del(p->d, &p->w);
	close(p->w.fd);
	p->w.fd = -1;
	p->events = 0;
}

int probe_socket(struct probe *p, int type, int proto)
{
	const struct check_conf *c = p->conf;
	int fd, one = 1;

	probe_close(p);
	fd = socket(p->dst.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0) {
		int e = errno;

		snprintf(p->why, sizeof(p->why), "socket: %s", strerror(e));
		errno = e;		/* PING_CHECK falls back to raw on EACCES */
		return -1;
	}
	p->w.fd = fd;
	if (c->fwmark && setsockopt(fd, SOL_SOCKET, SO_MARK, &c->fwmark, sizeof(c->fwmark))) {
		snprintf(p->why, sizeof(p->why), "fwmark: %s", strerror(errno));
		goto err;
	}
	if (c->bind_if[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->bind_if, strlen(c->bind_if))) {
		snprintf(p->why, sizeof(p->why), "bind_if %s: %s", c->bind_if, strerror(errno));
		goto err;
	}
	if (c->bindto.family || (c->bind_port && type != SOCK_RAW)) {
		struct sockaddr_storage ss = { .ss_family = p->dst.ss_family };
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		uint16_t port = proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 ? 0 : c->bind_port;

		if (c->bindto.family && c->bindto.family != p->dst.ss_family) {
			snprintf(p->why, sizeof(p->why), "bindto is not of the target's family");
			goto err;
		}
		if (ss.ss_family == AF_INET) {
			if (c->bindto.family)
				s4->sin_addr = c->bindto.v4;
			s4->sin_port = htons(port);
		} else {
			if (c->bindto.family)
				s6->sin6_addr = c->bindto.v6;
			s6->sin6_port = htons(port);
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&ss, ss.ss_family == AF_INET ? sizeof(*s4) :
			 sizeof(*s6))) {
			snprintf(p->why, sizeof(p->why), "bind: %s", strerror(errno));
			goto err;
		}
	}
	return fd;
err:
	probe_close(p);
	return -1;
}

int probe_connect(struct probe *p)
{
	if (connect(p->w.fd, (struct sockaddr *)&p->dst, p->dstlen) && errno != EINPROGRESS) {
		snprintf(p->why, sizeof(p->why), "connect: %s", strerror(errno));
		return -1;
	}
	return probe_watch(p, EPOLLOUT);
}

static void on_event(struct halbd *d, struct halbd_watch *w, uint32_t events)
{
	struct probe *p = w->arg;

	(void)d;
	/* a stale event of this batch: the attempt already ended */
	if (p->dead || !p->running || p->w.fd < 0)
		return;
	p->ops->event(p, events);
}

/* ---- results ---- */

static const char *state_name(bool up)
{
	return up ? "up" : "down";
}

static void reap_subs(struct probe *p);

static void fan_out(struct probe *p)
{
	bool up = p->state == PS_UP;

	p->busy++;
	for (struct check *ck = p->subs; ck; ck = ck->next) {
		if (ck->dead)
			continue;
		if (p->state != PS_UNKNOWN && ck->up != up) {
			ck->up = up;
			if (ck->cb)
				ck->cb(ck->arg, up, p->why);
		}
		if (!ck->dead && p->weight >= 0 && ck->weight != p->weight) {
			ck->weight = p->weight;
			if (ck->wcb)
				ck->wcb(ck->arg, p->weight);
		}
	}
	p->busy--;
	reap_subs(p);
}

static void end_attempt(struct probe *p)
{
	if (p->running && p->ops->stop)
		p->ops->stop(p);
	probe_close(p);
	p->running = false;
}

void probe_done(struct probe *p, bool ok, const char *fmt, ...)
{
	uint64_t now = halbd_now(), next;
	enum probe_state before = p->state;
	char why[sizeof(p->why)];
	va_list ap;

	if (!p->running)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);	/* the arguments may point at p->why */
	va_end(ap);
	end_attempt(p);
	count_attempt(p, ok);
	memcpy(p->why, why, sizeof(why));
	p->last_done = now;
	p->last_rtt = now - p->attempt_start;
	p->has_result = true;
	next = now + p->delay_loop_ms;
	if (ok) {
		p->fails = 0;
		p->state = PS_UP;
	} else if (p->state != PS_DOWN) {
		/* an unknown checker counts like an up one: retries before it is declared down */
		if (++p->fails > p->retry) {
			p->state = PS_DOWN;
			p->fails = 0;
		} else {
			next = now + p->dbr_ms;
			log_dbg("%s %s failed (%s), retry %u of %u in %u ms",
				check_kind_name(p->conf->kind), p->target, p->why, p->fails,
				p->retry, p->dbr_ms);
		}
	}
	if (!p->dead)
		set_deadline(p, next);
	if (p->state != before) {
		log_info("%s %s %s: %s", check_kind_name(p->conf->kind), p->target,
			 state_name(p->state == PS_UP), p->why);
		fan_out(p);
	} else if (!ok && p->conf->log_all_failures) {
		log_info("%s %s failed: %s", check_kind_name(p->conf->kind), p->target, p->why);
	}
}

void probe_weight(struct probe *p, int weight)
{
	if (weight == p->weight)
		return;
	p->weight = weight;
	/* reported with the verdict's fan-out, or now if the state does not change */
	if (!p->pending) {
		p->pending = true;
		p->pnext = pending;
		pending = p;
	}
}

/* ---- probes ---- */

static unsigned int hash_of(enum check_kind k, const struct cfg_addr *a, uint16_t port)
{
	const uint8_t *b = (const uint8_t *)&a->v6;
	size_t len = a->family == AF_INET6 ? sizeof(a->v6) : sizeof(a->v4);
	uint32_t h = 2166136261u ^ k;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	h = (h ^ port) * 16777619u;
	return h % HASH_SIZE;
}

static void probe_free(struct probe *p)
{
	check_conf_free(p->conf);
	free(p->vhost);
	free(p);
}

static void probe_kill(struct probe *p)
{
	unsigned int h = hash_of(p->conf->kind, &p->addr, p->port);

	end_attempt(p);
	if (p->conf->kind == CHECK_MISC)
		proc_forget(p);
	heap_del(p);
	for (struct probe **pp = &hash[h]; *pp; pp = &(*pp)->hnext)
		if (*pp == p) {
			*pp = p->hnext;
			break;
		}
	if (p->pending)
		for (struct probe **pp = &pending; *pp; pp = &(*pp)->pnext)
			if (*pp == p) {
				*pp = p->pnext;
				break;
			}
	p->dead = true;
	p->pnext = graveyard;
	graveyard = p;
}

static void reap_subs(struct probe *p)
{
	if (p->busy)
		return;
	for (struct check **pc = &p->subs; *pc;) {
		struct check *ck = *pc;

		if (ck->dead) {
			*pc = ck->next;
			free(ck);
		} else {
			pc = &ck->next;
		}
	}
	if (!p->subs && !p->dead)
		probe_kill(p);
}

static void resolve(struct probe *p, const struct check_conf *c, const struct check_target *t)
{
	uint32_t dl = c->delay_loop_ms != CHECK_UNSET ? c->delay_loop_ms :
		      t->delay_loop_ms ? t->delay_loop_ms : 60000;

	p->addr = c->connect_ip.family ? c->connect_ip : t->addr;
	p->port = c->connect_port != CHECK_UNSET ? (uint16_t)c->connect_port :
		  t->port ? t->port : check_default_port(c->kind);
	if (c->kind == CHECK_PING || c->kind == CHECK_MISC)
		p->port = c->kind == CHECK_MISC ? t->port : 0;
	p->protocol = t->protocol ? t->protocol : IPPROTO_TCP;
	p->delay_loop_ms = dl;
	p->timeout_ms = c->connect_timeout_ms != CHECK_UNSET ? c->connect_timeout_ms :
			t->connect_timeout_ms ? t->connect_timeout_ms : 5000;
	p->retry = c->retry != CHECK_UNSET ? c->retry : t->has_retry ? t->retry :
		   c->kind == CHECK_DNS ? 3 : c->kind == CHECK_MISC ? 0 : 1;
	p->dbr_ms = c->delay_before_retry_ms != CHECK_UNSET ? c->delay_before_retry_ms :
		    t->has_delay_before_retry ? t->delay_before_retry_ms :
		    c->kind == CHECK_DNS ? dl :
		    (c->kind == CHECK_HTTP || c->kind == CHECK_SSL) ? 3000 : 1000;
	p->warmup_ms = c->warmup_ms != CHECK_UNSET ? c->warmup_ms :
		       t->has_warmup ? t->warmup_ms : dl;
	p->misc_timeout_ms = c->misc_timeout_ms != CHECK_UNSET ? c->misc_timeout_ms : dl;
}

static void fill_dst(struct probe *p)
{
	char a[INET6_ADDRSTRLEN];

	memset(&p->dst, 0, sizeof(p->dst));
	if (p->addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p->dst;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = p->addr.v6;
		s6->sin6_port = htons(p->port);
		p->dstlen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&p->dst;

		s4->sin_family = AF_INET;
		s4->sin_addr = p->addr.v4;
		s4->sin_port = htons(p->port);
		p->dstlen = sizeof(*s4);
	}
	cfg_addr_str(&p->addr, a, sizeof(a));
	if (p->conf->kind == CHECK_PING || (p->conf->kind == CHECK_MISC && !p->port))
		snprintf(p->target, sizeof(p->target), "%s", a);
	else if (p->addr.family == AF_INET6)
		snprintf(p->target, sizeof(p->target), "[%s]:%u", a, p->port);
	else
		snprintf(p->target, sizeof(p->target), "%s:%u", a, p->port);
}

static bool same_probe(const struct probe *p, const struct probe *q)
{
	struct check_conf a = *p->conf, b = *q->conf;

	a.alpha = b.alpha = -1;		/* only the subscriber's starting state */
	return check_conf_equal(&a, &b) && cfg_addr_equal(&p->addr, &q->addr) &&
	       p->port == q->port && p->protocol == q->protocol &&
	       p->timeout_ms == q->timeout_ms && p->delay_loop_ms == q->delay_loop_ms &&
	       p->retry == q->retry && p->dbr_ms == q->dbr_ms &&
	       p->warmup_ms == q->warmup_ms && p->misc_timeout_ms == q->misc_timeout_ms &&
	       ((!p->vhost && !q->vhost) || (p->vhost && q->vhost && !strcmp(p->vhost, q->vhost)));
}

static struct probe *probe_new(struct halbd *d, const struct check_conf *c,
			       const struct check_target *t)
{
	struct probe *p = calloc(1, sizeof(*p));
	const char *vh = c->virtualhost ? c->virtualhost : t->virtualhost;

	if (!p)
		return NULL;
	p->conf = check_conf_dup(c);
	p->vhost = vh ? strdup(vh) : NULL;
	if (!p->conf || (vh && !p->vhost)) {
		probe_free(p);
		return NULL;
	}
	p->d = d;
	p->ops = kind_ops[c->kind];
	p->heap_idx = -1;
	p->weight = -1;
	p->w.fd = -1;
	p->w.fn = on_event;
	p->w.arg = p;
	resolve(p, c, t);
	fill_dst(p);
	return p;
}

struct check *check_start(struct halbd *d, const struct check_conf *c,
			  const struct check_target *t, check_cb cb, check_weight_cb wcb,
			  void *arg)
{
	struct check *ck = calloc(1, sizeof(*ck));
	struct probe *p, *q;
	unsigned int h;

	if (!ck || (unsigned int)c->kind >= CHECK_KIND_MAX)
		goto err;
	p = probe_new(d, c, t);
	if (!p)
		goto err;
	h = hash_of(c->kind, &p->addr, p->port);
	for (q = hash[h]; q; q = q->hnext)
		if (same_probe(p, q))
			break;
	if (q) {
		probe_free(p);
		p = q;
	} else {
		uint64_t now = halbd_now();

		p->deadline = now + (p->warmup_ms ? check_random() % (p->warmup_ms + 1) : 0);
		if (heap_add(p)) {
			probe_free(p);
			goto err;
		}
		p->hnext = hash[h];
		hash[h] = p;
		log_dbg("%s %s: probe started, first run in %llu ms", check_kind_name(c->kind),
			p->target, (unsigned long long)(p->deadline - now));
	}
	ck->p = p;
	ck->cb = cb;
	ck->wcb = wcb;
	ck->arg = arg;
	ck->weight = -1;
	ck->up = c->alpha >= 0 ? !c->alpha : t->initial_up;
	ck->next = p->subs;
	p->subs = ck;
	p->nsubs++;
	if (((p->state != PS_UNKNOWN && ck->up != (p->state == PS_UP)) || p->weight >= 0) &&
	    !p->pending) {
		p->pending = true;
		p->pnext = pending;
		pending = p;
	}
	return ck;
err:
	free(ck);
	log_err("cannot start %s checker: out of memory", check_kind_name(c->kind));
	return NULL;
}

void check_stop(struct check *ck)
{
	struct probe *p;

	if (!ck || ck->dead)
		return;
	p = ck->p;
	ck->dead = true;
	p->nsubs--;
	reap_subs(p);
}

bool check_is_up(const struct check *ck)
{
	return ck->up;
}

static void start_attempt(struct probe *p, uint64_t now)
{
	p->running = true;
	p->attempt_start = now;
	p->attempt_start_us = now_us();
	p->attempt_hard = now + 2ull * p->timeout_ms + 10000;
	p->tmo_why = "connect timeout";
	p->why[0] = '\0';
	probe_arm(p, now, p->timeout_ms);
	if (!p->addr.family && p->conf->kind != CHECK_MISC)
		probe_done(p, false, "no address to check");
	else if (p->ops->start(p, now))
		probe_done(p, false, "%s", p->why[0] ? p->why : "cannot start");
}

void check_timers(struct halbd *d, uint64_t now)
{
	(void)d;
	while (graveyard) {
		struct probe *p = graveyard;

		graveyard = p->pnext;
		probe_free(p);
	}
	while (pending) {
		struct probe *p = pending;

		pending = p->pnext;
		p->pending = false;
		fan_out(p);
	}
	while (heap_len && heap[0]->deadline <= now) {
		struct probe *p = heap[0];

		if (!p->running) {
			start_attempt(p, now);
		} else if (p->ops->timeout) {
			p->ops->timeout(p, now);
		} else {
			probe_done(p, false, "%s", p->tmo_why);
		}
		/* a verdict always moves the deadline; guard against a kind that did not */
		if (!p->dead && p->heap_idx == 0 && p->deadline <= now)
			set_deadline(p, now + 1);
	}
}

uint64_t check_next(const struct halbd *d)
{
	(void)d;
	if (pending || graveyard)
		return 1;		/* due now */
	return heap_len ? heap[0]->deadline : UINT64_MAX;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void check_state_json(const struct check *ck, FILE *f)
{
	const struct probe *p = ck->p;
	uint64_t now = halbd_now();

	fprintf(f, "{\"kind\":");
	json_str(f, check_kind_name(p->conf->kind));
	fprintf(f, ",\"target\":");
	json_str(f, p->target);
	fprintf(f, ",\"up\":%s,\"last_ms\":%lld,\"why\":", ck->up ? "true" : "false",
		p->has_result ? (long long)p->last_rtt : -1LL);
	json_str(f, p->why);
	fprintf(f, ",\"age_ms\":%lld,\"fails\":%u,\"shared\":%d}",
		p->has_result ? (long long)(now - p->last_done) : -1LL, p->fails, p->nsubs);
}

void check_info(const struct check *ck, struct check_info *out)
{
	const struct probe *p = ck->p;

	memset(out, 0, sizeof(*out));
	out->kind = p->conf->kind;
	out->target = p->target;
	out->why = p->why;
	out->up = ck->up;
	out->has_result = p->has_result;
	out->last_us = p->last_us;
	out->age_ms = p->has_result ? halbd_now() - p->last_done : 0;
	out->fails = p->fails;
	out->shared = p->nsubs;
	out->runs = p->runs;
	out->failures = p->failures;
	out->sum_us = p->sum_us;
	memcpy(out->hist, p->hist, sizeof(out->hist));
}

void check_cleanup(void)
{
	for (int i = 0; i < HASH_SIZE; i++)
		while (hash[i]) {
			struct probe *p = hash[i];

			for (struct check *ck = p->subs; ck; ck = ck->next)
				ck->dead = true;
			reap_subs(p);	/* kills p, which unlinks it from hash[i] */
		}
	check_timers(NULL, 0);
	free(heap);
	heap = NULL;
	heap_len = heap_cap = 0;
	check_tls_cleanup();
}
