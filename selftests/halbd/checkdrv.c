// SPDX-License-Identifier: GPL-2.0
/*
 * checkdrv: runs halbd's health-check engine on its own, for checks.sh.
 * It is the smallest event loop the engine needs (epoll, signalfd for
 * SIGCHLD, the check_next/check_timers pair), fed by a file of
 *
 *	real_server ADDR PORT [LABEL] {
 *		delay_loop 1  alpha  warmup 0  connect_timeout 1  retry 2
 *		delay_before_retry 1  virtualhost NAME
 *		TCP_CHECK { ... }		# any checker block, any number
 *	}
 *
 * and prints one line per state change on stdout:
 *
 *	T=<ms since start> <LABEL> <KIND> UP|DOWN <why>
 *	T=<ms> <LABEL> <KIND> WEIGHT <n>
 *
 * The first line is "START <wall clock ms at T=0>".  SIGUSR1 prints every
 * check's state as "JSON <label> {...}".
 *
 *	-t SECONDS	stop after that long
 *	-q		no per-change lines
 *	-s		summary at exit: checks, up, time until all were up,
 *			CPU used, last probe durations (p50, p99, max)
 *	-v		engine's detail log (retries) on stderr
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "halbd/cfg_parse_int.h"
#include "halbd/check.h"
#include "halbd/halbd.h"
#include "halbd/proc.h"

struct sub {
	char label[96];
	enum check_kind kind;
	struct check *ck;
	bool up;
};

static struct sub *subs;
static int nsubs, nup;
static uint64_t t0, all_up_at;
static bool quiet;

uint64_t halbd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int halbd_watch_add(struct halbd *d, struct halbd_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, w->fd, &ev);
}

void halbd_watch_del(struct halbd *d, struct halbd_watch *w)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

static void on_state(void *arg, bool up, const char *why)
{
	struct sub *s = arg;

	nup += up ? 1 : -1;
	s->up = up;
	if (nup == nsubs && !all_up_at)
		all_up_at = halbd_now();
	if (!quiet)
		printf("T=%llu %s %s %s %s\n", (unsigned long long)(halbd_now() - t0), s->label,
		       check_kind_name(s->kind), up ? "UP" : "DOWN", why);
}

static void on_weight(void *arg, int weight)
{
	struct sub *s = arg;

	if (!quiet)
		printf("T=%llu %s %s WEIGHT %d\n", (unsigned long long)(halbd_now() - t0), s->label,
		       check_kind_name(s->kind), weight);
}

/* ---- the file ---- */

struct rs {
	struct check_target t;
	char label[64];
	char vhost[256];
	struct check_conf *checks;
};

static int r_delay_loop(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_decimal(p, n, n->argv[0], 1000, 86400000, &((struct rs *)o)->t.delay_loop_ms);
}

static int r_warmup(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	((struct rs *)o)->t.has_warmup = true;
	return cfg_decimal(p, n, n->argv[0], 1000, 86400000, &((struct rs *)o)->t.warmup_ms);
}

static int r_timeout(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_decimal(p, n, n->argv[0], 1000, 86400000,
			   &((struct rs *)o)->t.connect_timeout_ms);
}

static int r_retry(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	int v;

	((struct rs *)o)->t.has_retry = true;
	if (cfg_int(p, n, n->argv[0], 0, 1000, &v))
		return -1;
	((struct rs *)o)->t.retry = v;
	return 0;
}

static int r_dbr(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	((struct rs *)o)->t.has_delay_before_retry = true;
	return cfg_decimal(p, n, n->argv[0], 1000, 86400000,
			   &((struct rs *)o)->t.delay_before_retry_ms);
}

static int r_alpha(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)p;
	(void)n;
	((struct rs *)o)->t.initial_up = false;
	return 0;
}

static int r_vhost(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct rs *r = o;

	(void)p;
	snprintf(r->vhost, sizeof(r->vhost), "%s", n->argv[0]);
	r->t.virtualhost = r->vhost;
	return 0;
}

static int r_checker(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct rs *r = o;
	struct check_conf *c, **tail;

	if (check_conf_parse(p, n, &c))
		return -1;
	for (tail = &r->checks; *tail; tail = &(*tail)->next)
		;
	*tail = c;
	return 0;
}

static const struct cfg_kw rs_kws[] = {
	{ "delay_loop", 1, 1, r_delay_loop, false },
	{ "warmup", 1, 1, r_warmup, false },
	{ "connect_timeout", 1, 1, r_timeout, false },
	{ "retry", 1, 1, r_retry, false },
	{ "delay_before_retry", 1, 1, r_dbr, false },
	{ "alpha", 0, 0, r_alpha, false },
	{ "virtualhost", 1, 1, r_vhost, false },
	{ "TCP_CHECK", 0, 0, r_checker, true },
	{ "HTTP_GET", 0, 0, r_checker, true },
	{ "SSL_GET", 0, 0, r_checker, true },
	{ "MISC_CHECK", 0, 0, r_checker, true },
	{ "UDP_CHECK", 0, 0, r_checker, true },
	{ "PING_CHECK", 0, 0, r_checker, true },
	{ "DNS_CHECK", 0, 0, r_checker, true },
	{ NULL, 0, 0, NULL, false },
};

static void diag(void *arg, bool error, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s: %s\n", error ? "error" : "warning", msg);
}

static int load(struct halbd *d, const char *path)
{
	struct cfg_diag dg = { .fn = diag };
	struct cfg_pctx p = { .m = d->model, .d = &dg };
	struct cfg_node *tree = NULL;
	struct rs *rss = NULL;
	int nrs = 0, i = 0, ret = -1;

	if (cfg_read_tree(d->model, path, &dg, &tree))
		return -1;
	/* first every block, so that the subscriber array is final before any start */
	for (struct cfg_node *n = tree; n; n = n->next) {
		struct rs *r;

		if (strcmp(n->kw, "real_server") || n->argc < 2) {
			cfg_err(&p, n, "expected 'real_server ADDR PORT [LABEL] { ... }'");
			continue;
		}
		r = cfg_grow(rss, &nrs, sizeof(*rss));
		if (!r)
			goto out;
		rss = r;
		r = &rss[nrs - 1];
		r->t.initial_up = true;
		if (cfg_addr_arg(&p, n, n->argv[0], &r->t.addr))
			continue;
		r->t.port = (uint16_t)atoi(n->argv[1]);
		snprintf(r->label, sizeof(r->label), "%s", n->argc > 2 ? n->argv[2] : n->argv[0]);
		cfg_walk(&p, rs_kws, r, "real_server", n->child);
		for (struct check_conf *c = r->checks; c; c = c->next)
			nsubs++;
	}
	if (dg.errors)
		goto out;
	subs = calloc(nsubs ? nsubs : 1, sizeof(*subs));
	if (!subs)
		goto out;
	for (int k = 0; k < nrs; k++) {
		struct rs *r = &rss[k];
		int idx = 0;

		if (r->t.virtualhost)
			r->t.virtualhost = r->vhost;	/* the array moved since */
		for (struct check_conf *c = r->checks; c; c = c->next, idx++, i++) {
			struct sub *s = &subs[i];

			if (idx)
				snprintf(s->label, sizeof(s->label), "%s.%d", r->label, idx);
			else
				snprintf(s->label, sizeof(s->label), "%s", r->label);
			s->kind = c->kind;
			s->up = r->t.initial_up;
			nup += s->up;
			s->ck = check_start(d, c, &r->t, on_state, on_weight, s);
			if (!s->ck)
				goto out;
		}
	}
	ret = 0;
out:
	/* check_start() copied what it needs */
	for (int k = 0; k < nrs; k++)
		check_conf_free(rss[k].checks);
	free(rss);
	cfg_tree_free(tree);
	return ret;
}

/* ---- loop ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void summary(uint64_t start)
{
	struct rusage ru;
	uint64_t *ms = calloc(nsubs ? nsubs : 1, sizeof(*ms));
	int n = 0;

	getrusage(RUSAGE_SELF, &ru);
	for (int i = 0; i < nsubs && ms; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		long long v = -1;
		char *at;

		check_state_json(subs[i].ck, f);
		fclose(f);
		at = strstr(buf, "\"last_ms\":");
		if (at && sscanf(at + 10, "%lld", &v) == 1 && v >= 0)
			ms[n++] = (uint64_t)v;
		free(buf);
	}
	qsort(ms, n, sizeof(*ms), cmp_u64);
	printf("SUMMARY checks=%d up=%d all_up_ms=%lld run_ms=%llu cpu_user_ms=%ld cpu_sys_ms=%ld "
	       "probe_p50_ms=%llu probe_p99_ms=%llu probe_max_ms=%llu\n",
	       nsubs, nup, all_up_at ? (long long)(all_up_at - start) : -1LL,
	       (unsigned long long)(halbd_now() - start),
	       ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000,
	       ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000,
	       (unsigned long long)(n ? ms[n / 2] : 0), (unsigned long long)(n ? ms[n * 99 / 100] : 0),
	       (unsigned long long)(n ? ms[n - 1] : 0));
	free(ms);
}

int main(int argc, char **argv)
{
	struct halbd d = { 0 };
	struct epoll_event evs[64];
	struct halbd_watch sw;
	uint64_t stop_at = UINT64_MAX;
	bool stats = false, verbose = false, running = true;
	sigset_t set;
	int opt;

	while ((opt = getopt(argc, argv, "t:qsv")) != -1) {
		switch (opt) {
		case 't':
			stop_at = (uint64_t)(atof(optarg) * 1000);
			break;
		case 'q':
			quiet = true;
			break;
		case 's':
			stats = true;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-t SECONDS] [-q] [-s] [-v] CONFIG\n", argv[0]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: %s [-t SECONDS] [-q] [-s] [-v] CONFIG\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	halb_log_open("checkdrv", true, LOG_DAEMON, verbose);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	d.epfd = epoll_create1(EPOLL_CLOEXEC);
	sw.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	sw.fn = NULL;
	d.model = cfg_model_new();
	if (d.epfd < 0 || sw.fd < 0 || !d.model || halbd_watch_add(&d, &sw, EPOLLIN)) {
		perror("checkdrv: setup");
		return 1;
	}
	proc_set_quiet(!verbose);
	t0 = halbd_now();
	{
		struct timespec rt;

		clock_gettime(CLOCK_REALTIME, &rt);
		/* wall clock ms at T=0, so that a script can place its own actions */
		printf("START %llu\n", (unsigned long long)rt.tv_sec * 1000 + rt.tv_nsec / 1000000);
	}
	if (load(&d, argv[optind]))
		return 1;
	if (nup == nsubs)
		all_up_at = t0;
	if (stop_at != UINT64_MAX)
		stop_at += t0;
	while (running) {
		uint64_t now = halbd_now(), next = check_next(&d);
		int timeout, n;

		if (stop_at < next)
			next = stop_at;
		timeout = next == UINT64_MAX ? -1 : next > now ? (int)(next - now) : 0;
		n = epoll_wait(d.epfd, evs, 64, timeout);
		for (int i = 0; i < n; i++) {
			struct halbd_watch *w = evs[i].data.ptr;
			struct signalfd_siginfo si;

			if (w != &sw) {
				w->fn(&d, w, evs[i].events);
				continue;
			}
			while (read(sw.fd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD) {
					proc_reap();
				} else if (si.ssi_signo == SIGUSR1) {
					for (int j = 0; j < nsubs; j++) {
						printf("JSON %s ", subs[j].label);
						check_state_json(subs[j].ck, stdout);
						printf("\n");
					}
				} else {
					running = false;
				}
			}
		}
		now = halbd_now();
		proc_timeouts(now);
		check_timers(&d, now);
		if (now >= stop_at)
			running = false;
	}
	if (stats)
		summary(t0);
	for (int i = 0; i < nsubs; i++)
		check_stop(subs[i].ck);
	check_cleanup();
	free(subs);
	cfg_model_free(d.model);
	close(sw.fd);
	close(d.epfd);
	return 0;
}
