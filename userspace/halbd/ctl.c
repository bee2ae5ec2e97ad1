// SPDX-License-Identifier: GPL-2.0
/*
 * Control socket: a root-only unix stream socket.  One request line
 * ("vrrp-json" or "vrrp-tsv"), one answer, then the connection closes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sbuf.h"
#include "halbd/halbd.h"

#define CTL_MAX_CLIENTS		16
#define CTL_REQ_MAX		128

struct ctl_client {
	struct halbd_watch w;
	char req[CTL_REQ_MAX];
	size_t reqlen;
	char *out;
	size_t outlen, outoff;
};

static int nclients;

static void json_inst(struct sbuf *b, const struct halbd_inst *in)
{
	const struct cfg_instance *c = in->cfg;
	char a[INET6_ADDRSTRLEN];

	sb_printf(b, "{\"name\":");
	sb_json_str(b, c->name);
	sb_printf(b, ",\"vrid\":%d,\"version\":%d,\"family\":\"%s\",\"interface\":", c->vrid,
		  in->version, c->family == AF_INET ? "inet" : "inet6");
	sb_json_str(b, c->ifname);
	sb_printf(b, ",\"state\":\"%s\",\"priority\":%d,\"effective_priority\":%d,",
		  vrrp_state_name(in->fsm.state), c->priority, in->fsm.prio);
	sb_printf(b, "\"advert_int_cs\":%u,\"master_advert_int_ms\":%u,", c->advert_cs,
		  in->fsm.master_adv_ms);
	sb_printf(b, "\"source\":\"%s\",", cfg_addr_str(&in->src, a, sizeof(a)));
	sb_printf(b, "\"master\":\"%s\",\"vips\":[",
		  in->fsm.state == VRRP_STATE_MASTER || in->fsm.state == VRRP_STATE_BACKUP ?
		  cfg_addr_str(&in->fsm.master, a, sizeof(a)) : "-");
	for (int i = 0; i < c->nvips; i++)
		sb_printf(b, "%s\"%s\"", i ? "," : "", cfg_addr_str(&c->vips[i].addr, a, sizeof(a)));
	sb_printf(b, "],\"vips_installed\":%s,\"adverts_sent\":%llu,\"adverts_received\":%llu,",
		  in->vips_up ? "true" : "false", (unsigned long long)in->tx,
		  (unsigned long long)in->rx);
	sb_printf(b, "\"became_master\":%u,\"interval_mismatch\":%llu,\"drops\":{",
		  in->fsm.became_master, (unsigned long long)in->interval_mismatch);
	for (int r = 1; r < VRRP_DROP__MAX; r++)
		sb_printf(b, "%s\"%s\":%llu", r > 1 ? "," : "", vrrp_drop_name(r),
			  (unsigned long long)in->drops[r]);
	sb_printf(b, "}}");
}

/* Instances in configuration order, whatever order they were started in. */
static void for_each_inst(struct halbd *d, void (*fn)(struct sbuf *, const struct halbd_inst *, bool),
			  struct sbuf *b)
{
	bool first = true;

	for (struct cfg_instance *c = d->model->instances; c; c = c->next)
		for (struct halbd_inst *in = d->insts; in; in = in->next)
			if (in->cfg == c) {
				fn(b, in, first);
				first = false;
			}
}

static void json_one(struct sbuf *b, const struct halbd_inst *in, bool first)
{
	if (!first)
		sb_printf(b, ",");
	json_inst(b, in);
}

void ctl_instances_json(struct halbd *d, struct sbuf *b)
{
	sb_printf(b, "[");
	for_each_inst(d, json_one, b);
	sb_printf(b, "]");
}

char *ctl_vrrp_json(struct halbd *d)
{
	struct sbuf b = { 0 };

	sb_printf(&b, "{\"instances\":");
	ctl_instances_json(d, &b);
	sb_printf(&b, "}\n");
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static void tsv_one(struct sbuf *b, const struct halbd_inst *in, bool first)
{
	const struct cfg_instance *c = in->cfg;
	unsigned long long drops = 0;
	char a[INET6_ADDRSTRLEN];

	(void)first;
	for (int r = 1; r < VRRP_DROP__MAX; r++)
		drops += in->drops[r];
	sb_printf(b, "%s\t%d\tv%d\t%s\t%s\t%s\t%d/%d\t%s\t%d\t%llu\t%llu\t%llu\n", c->name, c->vrid,
		  in->version, c->family == AF_INET ? "inet" : "inet6", c->ifname,
		  vrrp_state_name(in->fsm.state), in->fsm.prio, c->priority,
		  cfg_addr_str(&in->fsm.master, a, sizeof(a)), c->nvips,
		  (unsigned long long)in->tx, (unsigned long long)in->rx, drops);
}

static void client_close(struct halbd *d, struct ctl_client *cl)
{
	halbd_watch_del(d, &cl->w);
	close(cl->w.fd);
	free(cl->out);
	free(cl);
	nclients--;
}

static void client_write(struct halbd *d, struct ctl_client *cl)
{
	while (cl->outoff < cl->outlen) {
		ssize_t n = send(cl->w.fd, cl->out + cl->outoff, cl->outlen - cl->outoff,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN)
			return;		/* EPOLLOUT brings us back */
		if (n <= 0)
			break;
		cl->outoff += n;
	}
	client_close(d, cl);
}

static void client_event(struct halbd *d, struct halbd_watch *w, uint32_t events)
{
	struct ctl_client *cl = w->arg;
	struct sbuf b = { 0 };
	char *nl;
	ssize_t n;

	if (cl->out) {
		client_write(d, cl);
		return;
	}
	if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
		client_close(d, cl);
		return;
	}
	n = recv(w->fd, cl->req + cl->reqlen, sizeof(cl->req) - 1 - cl->reqlen, 0);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		client_close(d, cl);
		return;
	}
	cl->reqlen += n;
	cl->req[cl->reqlen] = '\0';
	nl = strchr(cl->req, '\n');
	if (!nl) {
		if (cl->reqlen >= sizeof(cl->req) - 1)
			client_close(d, cl);
		return;
	}
	*nl = '\0';
	if (nl > cl->req && nl[-1] == '\r')
		nl[-1] = '\0';
	if (!strcmp(cl->req, "vrrp-json")) {
		b.s = ctl_vrrp_json(d);
		b.len = b.s ? strlen(b.s) : 0;
	} else if (!strcmp(cl->req, "vrrp-tsv")) {
		for_each_inst(d, tsv_one, &b);
		if (!b.s)
			sb_printf(&b, "%s", "");
	} else {
		sb_printf(&b, "error: unknown request (try vrrp-json or vrrp-tsv)\n");
	}
	if (!b.s) {
		client_close(d, cl);
		return;
	}
	cl->out = b.s;
	cl->outlen = b.len;
	halbd_watch_del(d, &cl->w);
	if (halbd_watch_add(d, &cl->w, EPOLLOUT)) {
		client_close(d, cl);
		return;
	}
	client_write(d, cl);
}

static void ctl_accept(struct halbd *d, struct halbd_watch *w, uint32_t events)
{
	(void)events;
	for (;;) {
		int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct ucred cr;
		socklen_t crl = sizeof(cr);
		struct ctl_client *cl;

		if (fd < 0)
			return;
		/* the file mode already says root only; the credentials make sure */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crl) || cr.uid != 0 ||
		    nclients >= CTL_MAX_CLIENTS) {
			close(fd);
			continue;
		}
		cl = calloc(1, sizeof(*cl));
		if (!cl) {
			close(fd);
			continue;
		}
		cl->w.fd = fd;
		cl->w.fn = client_event;
		cl->w.arg = cl;
		if (halbd_watch_add(d, &cl->w, EPOLLIN)) {
			close(fd);
			free(cl);
			continue;
		}
		nclients++;
	}
}

int ctl_open(struct halbd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(d->ctl_path) >= sizeof(sa.sun_path)) {
		log_err("control socket path too long: %s", d->ctl_path);
		return -1;
	}
	strcpy(sa.sun_path, d->ctl_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(d->ctl_path);
	old = umask(0077);		/* born 0600: no window where others can connect */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		umask(old);
		log_err("control socket %s: %s", d->ctl_path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	chmod(d->ctl_path, 0600);
	d->ctl_w.fd = fd;
	d->ctl_w.fn = ctl_accept;
	d->ctl_w.arg = d;
	return halbd_watch_add(d, &d->ctl_w, EPOLLIN);
}

void ctl_close(struct halbd *d)
{
	if (d->ctl_w.fd < 0)
		return;
	halbd_watch_del(d, &d->ctl_w);
	close(d->ctl_w.fd);
	d->ctl_w.fd = -1;
	unlink(d->ctl_path);
}
