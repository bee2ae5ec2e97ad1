// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop: one epoll set, timers as deadlines folded into the
 * epoll_wait timeout, signals through signalfd.  Reload (SIGHUP) diffs the
 * new model against the running one and touches only what changed.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "halbd/cfg_parse.h"
#include "halbd/check.h"
#include "halbd/halbd.h"
#include "halbd/proc.h"
#include "halbd/vip.h"

static bool reload_pending, stop_pending, dump_pending;

uint64_t halbd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int halbd_watch_add(struct halbd *d, struct halbd_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, w->fd, &ev)) {
		log_err("epoll_ctl: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void halbd_watch_del(struct halbd *d, struct halbd_watch *w)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

static void on_signal(struct halbd *d, struct halbd_watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)d;
	(void)events;
	while (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			proc_reap();
			break;
		case SIGHUP:
			reload_pending = true;
			break;
		case SIGUSR1:
			dump_pending = true;
			break;
		case SIGTERM:
		case SIGINT:
			stop_pending = true;
			break;
		}
	}
}

static const char *group_of(const struct cfg_model *m, const char *inst)
{
	for (struct cfg_sync_group *g = m->groups; g; g = g->next)
		for (int i = 0; i < g->nmembers; i++)
			if (!strcmp(g->members[i], inst))
				return g->name;
	return "";
}

void halbd_diag_log(void *arg, bool error, const char *msg)
{
	(void)arg;
	if (error)
		log_err("%s", msg);
	else
		log_warn("%s", msg);
}

static void free_groups(struct halbd *d)
{
	while (d->groups) {
		struct halbd_group *n = d->groups->next;

		free(d->groups);
		d->groups = n;
	}
}

static void build_groups(struct halbd *d)
{
	free_groups(d);
	for (struct cfg_sync_group *c = d->model->groups; c; c = c->next) {
		struct halbd_group *g = calloc(1, sizeof(*g));

		if (!g)
			continue;
		g->cfg = c;
		g->state = VRRP_STATE_INIT;
		g->next = d->groups;
		d->groups = g;
	}
}

static void start_missing(struct halbd *d, uint64_t now)
{
	if (d->no_vrrp)
		return;
	for (struct cfg_script *c = d->model->scripts; c; c = c->next)
		if (!script_find(d, c->name))
			script_start(d, c, now);
	for (struct cfg_instance *c = d->model->instances; c; c = c->next) {
		bool running = false;

		for (struct halbd_inst *in = d->insts; in; in = in->next)
			running |= in->cfg == c;
		if (!running)
			inst_start(d, c, now);
	}
}

/* Whether instance @in may keep running, unchanged, under model @nm. */
static struct cfg_instance *keepable(struct halbd *d, struct halbd_inst *in, struct cfg_model *nm)
{
	struct cfg_instance *nc = cfg_find_instance(nm, in->cfg->name);
	const struct cfg_addr *om, *nmc;

	if (!nc || !cfg_instance_equal(in->cfg, nc))
		return NULL;
	if (cfg_instance_version(d->model, in->cfg) != cfg_instance_version(nm, nc))
		return NULL;
	om = nc->family == AF_INET ? &d->model->global.mcast4 : &d->model->global.mcast6;
	nmc = nc->family == AF_INET ? &nm->global.mcast4 : &nm->global.mcast6;
	if (!cfg_addr_equal(om, nmc) || strcmp(group_of(d->model, in->cfg->name),
					       group_of(nm, nc->name)))
		return NULL;
	return nc;
}

static void reload(struct halbd *d)
{
	struct cfg_diag diag = { 0 };
	struct cfg_model *nm, *old = d->model;
	uint64_t now = halbd_now();
	struct halbd_inst *in, *next;
	struct halbd_script *s, *snext;
	int kept = 0, stopped = 0;

	log_info("reloading %s", d->conf_path);
	diag.fn = halbd_diag_log;
	nm = cfg_load(d->conf_path, d->config_id, &diag);
	if (!nm) {
		log_err("reload: configuration has errors, keeping the running one");
		return;
	}
	/* first, as it is the one step that can fail: real servers, checks */
	if (halbd_lvs_reload(d, nm)) {
		log_err("reload: out of memory, keeping the running configuration");
		cfg_model_free(nm);
		return;
	}
	for (in = d->insts; in; in = next) {
		struct cfg_instance *nc = keepable(d, in, nm);

		next = in->next;
		if (nc) {
			in->cfg = nc;	/* state, timers and VIPs stay as they are */
			kept++;
		} else {
			inst_stop(in);
			stopped++;
		}
	}
	for (s = d->scripts; s; s = snext) {
		struct cfg_script *nc = cfg_find_script(nm, s->cfg->name);

		snext = s->next;
		if (nc && cfg_script_equal(s->cfg, nc))
			s->cfg = nc;
		else
			script_stop(s);
	}
	d->model = nm;
	proc_set_security(nm->global.script_security);
	build_groups(d);
	for (in = d->insts; in; in = in->next) {
		in->group = NULL;
		for (struct halbd_group *g = d->groups; g; g = g->next)
			if (!strcmp(g->cfg->name, group_of(nm, in->cfg->name)))
				in->group = g;
	}
	/* a group rebuilt around running members is in their state, not INIT */
	for (in = d->insts; in; in = in->next)
		if (in->group && in->group->state == VRRP_STATE_INIT)
			in->group->state = in->fsm.state;
	start_missing(d, now);
	for (in = d->insts; in; in = in->next)
		inst_recalc(in, now);
	halbd_lvs_after_reload(d);
	metrics_reconfigure(d);
	cfg_model_free(old);
	log_info("reload done: %d instance(s) kept, %d stopped or restarted", kept, stopped);
}

static void loop(struct halbd *d)
{
	struct epoll_event evs[32];

	while (!stop_pending) {
		uint64_t now = halbd_now(), next = 0, t;
		int timeout = -1, n;

		for (struct halbd_inst *in = d->insts; in; in = in->next) {
			t = inst_next(in);
			if (t && (!next || t < next))
				next = t;
		}
		t = script_next(d);
		if (t && (!next || t < next))
			next = t;
		t = proc_next_deadline();
		if (t && (!next || t < next))
			next = t;
		t = check_next(d);
		if (t != UINT64_MAX && (!next || t < next))
			next = t ? t : 1;
		t = metrics_next(d);
		if (t && (!next || t < next))
			next = t;
		if (next)
			timeout = next > now ? (int)(next - now) : 0;
		n = epoll_wait(d->epfd, evs, 32, timeout);
		for (int i = 0; i < n; i++) {
			struct halbd_watch *w = evs[i].data.ptr;

			w->fn(d, w, evs[i].events);
		}
		now = halbd_now();
		proc_timeouts(now);
		script_timers(d, now);
		for (struct halbd_inst *in = d->insts; in; in = in->next)
			inst_timers(in, now);
		check_timers(d, now);
		metrics_timers(d, now);
		/* VRRP states and check results of this batch, into the kernel */
		halbd_lvs_tick(d);
		/* after the batch: reload may free watches the batch still points at */
		if (reload_pending) {
			reload_pending = false;
			reload(d);
		}
		if (dump_pending) {
			dump_pending = false;
			statedump_write(d);
		}
	}
}

static int setup_signals(struct halbd *d)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	d->sig_w.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sig_w.fd < 0)
		return -1;
	d->sig_w.fn = on_signal;
	d->sig_w.arg = d;
	return halbd_watch_add(d, &d->sig_w, EPOLLIN);
}

/**
 * halbd_run() - run the daemon until SIGTERM/SIGINT.
 * @d: with conf_path, ctl_path and a loaded model.
 * Return: process exit code.
 */
int halbd_run(struct halbd *d)
{
	uint64_t now;
	int ret = 1;

	d->sig_w.fd = d->ctl_w.fd = d->link_w.fd = -1;
	d->garp.arp_fd = d->garp.na_fd = -1;
	d->start_ms = halbd_now();
	d->start_rt = time(NULL);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0 || setup_signals(d)) {
		log_err("event loop setup: %s", strerror(errno));
		return 1;
	}
	d->rtnl = vip_open();
	if (!d->rtnl) {
		log_err("cannot open rtnetlink");
		goto out;
	}
	if (garp_open(&d->garp) || ctl_open(d) || track_link_open(d) || metrics_open(d))
		goto out;
	now = halbd_now();
	proc_set_security(d->model->global.script_security);
	build_groups(d);
	start_missing(d, now);
	halbd_lvs_start(d);
	log_info("halbd started: %s", d->conf_path);
	loop(d);
	log_info("stopping: releasing virtual addresses");
	/* the VIPs go: stay a DR real server of them (standby, VIP on lo) */
	d->stopping = true;
	halbd_lvs_tick(d);
	while (d->insts)
		inst_stop(d->insts);
	while (d->scripts)
		script_stop(d->scripts);
	halbd_lvs_stop(d);
	ret = 0;
out:
	metrics_close(d);
	track_link_close(d);
	ctl_close(d);
	garp_close(&d->garp);
	vip_close(d->rtnl);
	free_groups(d);
	close(d->epfd);
	return ret;
}
