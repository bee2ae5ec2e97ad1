// SPDX-License-Identifier: GPL-2.0
/*
 * Tracking: link state through rtnetlink link events, and vrrp_script
 * checks run as child processes with rise/fall hysteresis.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "halbd/halbd.h"
#include "halbd/proc.h"

static void link_event(struct halbd *d, struct halbd_watch *w, uint32_t events)
{
	char buf[8192];
	bool changed = false;
	uint64_t now;

	(void)events;
	/* drain; which link changed does not matter, every instance re-reads its own */
	for (;;) {
		ssize_t n = recv(w->fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == ENOBUFS)	/* overrun: state is re-read anyway */
				changed = true;
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			break;
		}
		if (n == 0)
			break;
		changed = true;
	}
	if (!changed)
		return;
	now = halbd_now();
	for (struct halbd_inst *in = d->insts; in; in = in->next)
		inst_link_changed(in, now);
}

int track_link_open(struct halbd *d)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
					       RTMGRP_IPV6_IFADDR };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		log_err("link monitor: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	d->link_w.fd = fd;
	d->link_w.fn = link_event;
	d->link_w.arg = d;
	return halbd_watch_add(d, &d->link_w, EPOLLIN);
}

void track_link_close(struct halbd *d)
{
	if (d->link_w.fd >= 0) {
		halbd_watch_del(d, &d->link_w);
		close(d->link_w.fd);
		d->link_w.fd = -1;
	}
}

struct halbd_script *script_find(struct halbd *d, const char *name)
{
	for (struct halbd_script *s = d->scripts; s; s = s->next)
		if (!strcmp(s->cfg->name, name))
			return s;
	return NULL;
}

static void script_result(struct halbd_script *s, bool ok)
{
	bool before = !s->known || s->ok;
	uint64_t now = halbd_now();

	if (!s->known) {
		/* the first result counts at once: no reason to wait rise/fall runs */
		s->known = true;
		s->ok = ok;
		s->streak = 0;
	} else if (ok == s->ok) {
		s->streak = 0;
	} else if (++s->streak >= (ok ? s->cfg->rise : s->cfg->fall)) {
		s->ok = ok;
		s->streak = 0;
	}
	if (before == s->ok)
		return;
	log_info("VRRP_Script(%s) %s", s->cfg->name, s->ok ? "succeeded" : "failed");
	for (struct halbd_inst *in = s->d->insts; in; in = in->next)
		for (int i = 0; i < in->cfg->ntrack_scripts; i++)
			if (!strcmp(in->cfg->track_scripts[i].name, s->cfg->name))
				inst_recalc(in, now);
}

static void script_done(void *arg, int status, bool timed_out)
{
	struct halbd_script *s = arg;

	s->pid = 0;
	if (timed_out)
		log_warn("VRRP_Script(%s) timed out", s->cfg->name);
	script_result(s, !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

struct halbd_script *script_start(struct halbd *d, struct cfg_script *cfg, uint64_t now)
{
	struct halbd_script *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->d = d;
	s->cfg = cfg;
	s->next_run = now;
	s->next = d->scripts;
	d->scripts = s;
	return s;
}

void script_stop(struct halbd_script *s)
{
	for (struct halbd_script **p = &s->d->scripts; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	proc_forget(s);
	free(s);
}

void script_timers(struct halbd *d, uint64_t now)
{
	for (struct halbd_script *s = d->scripts; s; s = s->next) {
		const struct cfg_script *c = s->cfg;

		if (now < s->next_run)
			continue;
		s->next_run = now + c->interval_ms;
		if (s->pid)
			continue;	/* still running: its timeout will end it */
		s->pid = proc_spawn(c->script, NULL, c->user[0] ? c->user : d->model->global.script_user,
				    c->timeout_ms ? c->timeout_ms : c->interval_ms, now,
				    script_done, s);
		if (s->pid < 0) {
			s->pid = 0;
			script_result(s, false);
		}
	}
}

uint64_t script_next(const struct halbd *d)
{
	uint64_t next = 0;

	for (struct halbd_script *s = d->scripts; s; s = s->next)
		if (!next || s->next_run < next)
			next = s->next_run;
	return next;
}
