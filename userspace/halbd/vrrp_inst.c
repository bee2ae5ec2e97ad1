// SPDX-License-Identifier: GPL-2.0
/*
 * A running VRRP instance: glues the pure state machine to its socket,
 * its VIPs, GARP timers, tracking, sync group and notify scripts.
 */
#include <errno.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "halbd/halbd.h"
#include "halbd/proc.h"
#include "halbd/vip.h"
#include "halbd/vrrp_ah.h"
#include "halbd/vrrp_net.h"

#define NOTIFY_TIMEOUT_MS	10000

static void apply(struct halbd_inst *in, unsigned int act, uint64_t now, bool from_group);

static const char *script_user(const struct halbd *d)
{
	return d->model->global.script_user;
}

/* AH: the whole datagram, one sequence number and IP id per advert round. */
static int wrap_ah(struct halbd_inst *in, const struct cfg_addr *dst, const uint8_t *msg,
		   size_t mlen, uint8_t *out, size_t olen)
{
	struct vrrp_ah_tx t = { .src = in->src.v4, .dst = dst->v4, .ip_id = in->ip_id,
				.seq = in->ah_seq, .unicast = in->cfg->npeers > 0,
				.key = in->cfg->auth_pass };

	return vrrp_ah_encode(&t, msg, mlen, out, olen);
}

static void send_advert(struct halbd_inst *in, uint8_t prio)
{
	const struct cfg_instance *c = in->cfg;
	static struct vrrp_advert a;	/* ~5 KiB: not on the stack */
	uint8_t buf[VRRP_HDR_LEN + VRRP_MAX_ADDRS * 16 + VRRP_AUTH_LEN];
	uint8_t pkt[VRRP_AH_IP_LEN + VRRP_AH_LEN + sizeof(buf)];
	bool ah = c->auth_type == CFG_AUTH_AH;
	int ndst = c->npeers ? c->npeers : 1;

	if (in->w.fd < 0 || !in->src.family)
		return;
	memset(&a, 0, sizeof(a));
	a.version = in->version;
	a.vrid = c->vrid;
	a.prio = prio;
	a.interval_cs = c->advert_cs;
	a.family = c->family;
	a.naddrs = c->nvips;
	for (int i = 0; i < c->nvips; i++)
		a.addrs[i] = c->vips[i].addr;
	if (c->auth_type == CFG_AUTH_PASS) {
		a.auth_type = 1;
		memcpy(a.auth, c->auth_pass, VRRP_AUTH_LEN);
	} else if (ah) {
		a.auth_type = VRRP_AUTH_TYPE_AH;
		/* as keepalived: stuck at the limit, not wrapped (136 years at 1 s) */
		if (in->ah_seq > VRRP_AH_SEQ_MAX)
			in->ah_cycle = true;
		else
			in->ah_seq++;
		if (!++in->ip_id)	/* 0 would let the kernel pick one after signing */
			in->ip_id = 1;
	}
	for (int i = 0; i < ndst; i++) {
		const struct cfg_addr *dst = c->npeers ? &c->peers[i] : &in->mcast;
		int len = vrrp_pkt_encode(&a, &in->src, dst, buf, sizeof(buf));
		const uint8_t *out = buf;

		if (len >= 0 && ah) {
			len = wrap_ah(in, dst, buf, len, pkt, sizeof(pkt));
			out = pkt;
		}
		if (len < 0)
			return;
		if (vrrp_net_send(in->w.fd, in->ifindex, &in->src, dst, out, len))
			log_dbg("(%s) send advert: %s", c->name, strerror(errno));
		else
			in->tx++;
	}
}

static int vip_ifindex(const struct halbd_inst *in, const struct cfg_vip *v)
{
	return v->dev[0] ? (int)if_nametoindex(v->dev) : in->ifindex;
}

static void vips_set(struct halbd_inst *in, bool up)
{
	const struct cfg_instance *c = in->cfg;

	for (int k = 0; k < 2; k++) {
		const struct cfg_vip *v = k ? c->vips_excl : c->vips;
		int n = k ? c->nvips_excl : c->nvips;

		for (int i = 0; i < n; i++) {
			int ifindex = vip_ifindex(in, &v[i]);

			if (ifindex <= 0) {
				if (up)
					log_warn("(%s) device %s of a virtual address does not exist",
						 c->name, v[i].dev);
				continue;
			}
			if (up)
				vip_add(in->d->rtnl, ifindex, &v[i]);
			else
				vip_del(in->d->rtnl, ifindex, &v[i]);
		}
	}
	in->vips_up = up;
}

static void garp_round(struct halbd_inst *in)
{
	const struct cfg_instance *c = in->cfg;

	for (int k = 0; k < 2; k++) {
		const struct cfg_vip *v = k ? c->vips_excl : c->vips;
		int n = k ? c->nvips_excl : c->nvips;

		for (int i = 0; i < n; i++) {
			unsigned char mac[6];
			int ifindex = in->ifindex;

			memcpy(mac, in->mac, 6);
			if (v[i].dev[0] && net_if_info(v[i].dev, &ifindex, mac, NULL))
				continue;
			garp_send(&in->d->garp, ifindex, mac, &v[i].addr);
		}
	}
}

static int eff(int inst_val, int global_val)
{
	return inst_val >= 0 ? inst_val : global_val;
}

static unsigned int garp_spacing_ms(const struct halbd_inst *in)
{
	const struct cfg_global *g = &in->d->model->global;

	return (in->cfg->family == AF_INET ? g->garp_interval_us : g->gna_interval_us) / 1000;
}

static void garp_tick(struct halbd_inst *in, uint64_t now)
{
	while (in->garp_left > 0 && now >= in->garp_next) {
		garp_round(in);
		in->garp_left--;
		in->garp_next = now + garp_spacing_ms(in);
		if (garp_spacing_ms(in))
			break;
	}
}

static void garp_burst(struct halbd_inst *in, uint64_t now, int rounds)
{
	in->garp_left = rounds > 0 ? rounds : 1;
	in->garp_next = now;
	garp_tick(in, now);
}

static void notify(struct halbd_inst *in, enum vrrp_state st, const struct cfg_notify *n,
		   const char *kind, const char *name, int prio)
{
	const char *sname = st == VRRP_STATE_INIT ? "STOP" : vrrp_state_name(st);
	const char *one = st == VRRP_STATE_MASTER ? n->master : st == VRRP_STATE_BACKUP ?
			  n->backup : st == VRRP_STATE_FAULT ? n->fault : n->stop;
	uint64_t now = halbd_now();
	char pbuf[8];
	char *extra[] = { (char *)kind, (char *)name, (char *)sname, pbuf, NULL };

	snprintf(pbuf, sizeof(pbuf), "%d", prio);
	if (one)
		proc_spawn(one, NULL, script_user(in->d), NOTIFY_TIMEOUT_MS, now, NULL, NULL);
	if (n->any)
		proc_spawn(n->any, extra, script_user(in->d), NOTIFY_TIMEOUT_MS, now, NULL, NULL);
}

static bool own_fault(const struct halbd_inst *in)
{
	return in->link_fault || in->script_fault;
}

static bool group_faulted(const struct halbd_group *g, const struct halbd *d)
{
	for (struct halbd_inst *m = d->insts; m; m = m->next)
		if (m->group == g && own_fault(m))
			return true;
	return false;
}

/*
 * A member changed between MASTER and BACKUP on its own: the others follow,
 * so that routers needing each other's addresses stay on one node.
 */
static void group_follow(struct halbd_inst *in, uint64_t now)
{
	struct halbd_group *g = in->group;
	enum vrrp_state st = in->fsm.state;

	if (!g || g->moving)
		return;
	g->moving = true;
	if (st == VRRP_STATE_MASTER || st == VRRP_STATE_BACKUP)
		for (struct halbd_inst *m = in->d->insts; m; m = m->next)
			if (m != in && m->group == g)
				apply(m, vrrp_fsm_force(&m->fsm, now, st), now, true);
	g->moving = false;
	if (g->state != st) {
		g->state = st;
		log_info("VRRP_Group(%s) Syncing instances to %s state", g->cfg->name,
			 vrrp_state_name(st));
		notify(in, st, &g->cfg->notify, "GROUP", g->cfg->name, 0);
	}
}

static void apply(struct halbd_inst *in, unsigned int act, uint64_t now, bool from_group)
{
	const struct cfg_instance *c = in->cfg;
	const struct cfg_global *g = &in->d->model->global;

	/* keepalived's rule: a counter stuck at the limit restarts with a new master */
	if ((act & VRRP_ACT_BECOME_MASTER) && in->ah_cycle) {
		in->ah_cycle = false;
		in->ah_seq = 0;
	}
	if (act & VRRP_ACT_LEAVE_MASTER) {
		vips_set(in, false);
		in->garp_left = 0;
		in->garp_second = in->garp_refresh = 0;
	}
	if (act & VRRP_ACT_SEND_STOP)
		send_advert(in, VRRP_PRIO_STOP);
	if (act & VRRP_ACT_SEND_ADVERT)
		send_advert(in, in->fsm.prio);
	if (act & VRRP_ACT_BECOME_MASTER) {
		int delay = eff(c->garp_delay_s, g->garp_delay_s);
		int refresh = eff(c->garp_refresh_s, g->garp_refresh_s);

		vips_set(in, true);
		garp_burst(in, now, eff(c->garp_repeat, g->garp_repeat));
		in->garp_second = delay ? now + delay * 1000ULL : 0;
		in->garp_refresh = refresh ? now + refresh * 1000ULL : 0;
	}
	if (act & VRRP_ACT_GARP) {
		log_info("(%s) another master seen, re-announcing virtual addresses", c->name);
		garp_burst(in, now, eff(c->garp_repeat, g->garp_repeat));
	}
	if (act & VRRP_ACT_STATE) {
		log_info("(%s) Entering %s STATE (priority %d)", c->name,
			 vrrp_state_name(in->fsm.state), in->fsm.prio);
		notify(in, in->fsm.state, &c->notify, "INSTANCE", c->name, in->fsm.prio);
		if (!from_group)
			group_follow(in, now);
	}
}

static int clamp_prio(const struct halbd_inst *in)
{
	int p = in->cfg->priority;

	/* the address owner stays the owner whatever tracking says */
	if (p == VRRP_PRIO_OWNER)
		return p;
	p += in->if_delta + in->script_delta;
	return p < 1 ? 1 : p > 254 ? 254 : p;
}

static void recalc_one(struct halbd_inst *in, uint64_t now)
{
	bool fault = own_fault(in) || (in->group && group_faulted(in->group, in->d));
	int prio = clamp_prio(in);

	if (prio != in->fsm.prio)
		log_info("(%s) effective priority %d -> %d", in->cfg->name, in->fsm.prio, prio);
	in->fsm.prio = prio;
	apply(in, vrrp_fsm_fault(&in->fsm, now, fault), now, false);
}

static void eval_scripts(struct halbd_inst *in)
{
	const struct cfg_instance *c = in->cfg;

	in->script_delta = 0;
	in->script_fault = false;
	for (int i = 0; i < c->ntrack_scripts; i++) {
		struct halbd_script *s = script_find(in->d, c->track_scripts[i].name);
		int w;

		if (!s)
			continue;
		w = c->track_scripts[i].has_weight ? c->track_scripts[i].weight : s->cfg->weight;
		if (!s->known || s->ok) {
			if (w > 0)
				in->script_delta += w;
		} else if (w < 0) {
			in->script_delta += w;
		} else if (!w) {
			in->script_fault = true;
		}
	}
}

static void eval_links(struct halbd_inst *in)
{
	const struct cfg_instance *c = in->cfg;
	bool up = false;

	in->link_fault = false;
	in->if_delta = 0;
	if (net_if_info(c->ifname, NULL, NULL, &up) || (!up && !c->dont_track_primary))
		in->link_fault = true;
	for (int i = 0; i < c->ntrack_ifs; i++) {
		int w = c->track_ifs[i].weight;

		up = false;
		net_if_info(c->track_ifs[i].name, NULL, NULL, &up);
		if (up && w > 0)
			in->if_delta += w;
		else if (!up && w < 0)
			in->if_delta += w;
		else if (!up && !w)
			in->link_fault = true;
	}
}

/*
 * (Re)learn interface facts and open the socket if that failed before.
 * An interface deleted and created again under the same name has a new
 * index: the socket bound to the old one and its multicast membership died
 * with it, so they are made afresh, and VIPs a master still believes in are
 * put on the new interface (normally the deletion already meant FAULT).
 */
static void bind_interface(struct halbd_inst *in, uint64_t now)
{
	const struct cfg_instance *c = in->cfg;
	bool recreated;
	int ifindex;

	if (net_if_info(c->ifname, &ifindex, in->mac, NULL))
		return;
	recreated = in->ifindex && ifindex != in->ifindex;
	if (recreated) {
		log_info("(%s) %s was recreated (index %d, was %d): reopening the VRRP socket",
			 c->name, c->ifname, ifindex, in->ifindex);
		if (in->w.fd >= 0) {
			halbd_watch_del(in->d, &in->w);
			close(in->w.fd);
			in->w.fd = -1;
		}
	}
	in->ifindex = ifindex;
	if (c->unicast_src.family)
		in->src = c->unicast_src;
	else if (net_primary_addr(c->ifname, c->family, c->vips, c->nvips, &in->src))
		memset(&in->src, 0, sizeof(in->src));
	if (in->w.fd < 0) {
		int proto = c->auth_type == CFG_AUTH_AH ? VRRP_AH_PROTO : VRRP_PROTO;

		in->w.fd = vrrp_net_open(c->family, ifindex, c->ifname,
					 c->npeers ? NULL : &in->mcast, proto);
		if (in->w.fd >= 0 && halbd_watch_add(in->d, &in->w, EPOLLIN)) {
			close(in->w.fd);
			in->w.fd = -1;
		}
	}
	in->fsm.self = in->src;
	/* once per loss of the address, not at every link event until it is back */
	if (!in->src.family && !in->src_warned)
		log_warn("(%s) no usable IPv%d source address on %s yet", c->name,
			 c->family == AF_INET ? 4 : 6, c->ifname);
	in->src_warned = !in->src.family;
	if (recreated && in->vips_up) {
		vips_set(in, true);
		garp_burst(in, now, eff(c->garp_repeat, in->d->model->global.garp_repeat));
	}
}

void inst_recalc(struct halbd_inst *in, uint64_t now)
{
	eval_scripts(in);
	if (!in->group) {
		recalc_one(in, now);
		return;
	}
	for (struct halbd_inst *m = in->d->insts; m; m = m->next)
		if (m->group == in->group) {
			if (m != in)
				eval_scripts(m);
			recalc_one(m, now);
		}
}

void inst_link_changed(struct halbd_inst *in, uint64_t now)
{
	bind_interface(in, now);
	eval_links(in);
	inst_recalc(in, now);
}

static bool local_vrid(const struct halbd_inst *in, int vrid)
{
	for (struct halbd_inst *o = in->d->insts; o; o = o->next)
		if (o != in && o->cfg->vrid == vrid && o->ifindex == in->ifindex &&
		    o->cfg->family == in->cfg->family)
			return true;
	return false;
}

static bool is_peer(const struct cfg_instance *c, const struct cfg_addr *a)
{
	for (int i = 0; i < c->npeers; i++)
		if (cfg_addr_equal(&c->peers[i], a))
			return true;
	return false;
}

static bool is_multicast(const struct cfg_addr *a)
{
	return a->family == AF_INET ? IN_MULTICAST(ntohl(a->v4.s_addr)) :
				      IN6_IS_ADDR_MULTICAST(&a->v6);
}

/*
 * The receive checks.  With AH, the ICV is checked before the VRRP message
 * is looked at, as RFC 2402 wants: only authentic bytes get parsed.
 * @vrid: out, the VRID the packet claims (-1: too short to say).
 */
static enum vrrp_drop check_advert(struct halbd_inst *in, const struct vrrp_rx_meta *m,
				   struct vrrp_rx_ctx *ctx, struct vrrp_advert *adv, int *vrid)
{
	const struct cfg_instance *c = in->cfg;
	const uint8_t *msg = m->payload;
	size_t len = m->len;

	*vrid = len > 1 ? msg[1] : -1;
	if (in->src.family && cfg_addr_equal(&m->src, &in->src))
		return VRRP_DROP_OWN;
	if (c->npeers && !is_peer(c, &m->src))
		return VRRP_DROP_PEER;
	if (c->auth_type == CFG_AUTH_AH) {
		struct vrrp_ah_rx rx = { .key = c->auth_pass, .unicast = c->npeers > 0,
					 .vrid = c->vrid, .seq_last = in->ah_seq };
		enum vrrp_drop r = vrrp_ah_check(m->ip, m->iplen, &rx);

		*vrid = rx.vlen > 1 ? rx.vrrp[1] : -1;
		if (r != VRRP_RX_OK)
			return r;
		/* authentic, so its number is the one to continue from (keepalived) */
		in->ah_seq = rx.seq;
		if (in->fsm.state == VRRP_STATE_BACKUP)
			in->ah_cycle = false;
		ctx->auth_type = VRRP_AUTH_TYPE_AH;
		msg = rx.vrrp;
		len = rx.vlen;
	}
	return vrrp_pkt_decode(msg, len, ctx, adv);
}

static void inst_rx(struct halbd *d, struct halbd_watch *w, uint32_t events)
{
	struct halbd_inst *in = w->arg;
	const struct cfg_instance *c = in->cfg;
	static struct vrrp_advert adv;
	uint8_t buf[4096];

	(void)d;
	(void)events;
	for (int i = 0; i < 64; i++) {
		struct vrrp_rx_ctx ctx = { .version = in->version, .family = c->family,
					   .vrid = c->vrid, .interval_cs = c->advert_cs };
		struct vrrp_rx_meta m;
		enum vrrp_drop r;
		uint64_t now;
		int vrid;

		if (vrrp_net_recv(in->w.fd, c->family, buf, sizeof(buf), &m) <= 0)
			break;
		now = halbd_now();
		ctx.src = m.src;
		ctx.dst = m.dst;
		ctx.ttl = m.ttl;
		ctx.multicast = is_multicast(&m.dst);
		if (c->auth_type == CFG_AUTH_PASS) {
			ctx.auth_type = 1;
			memcpy(ctx.auth, c->auth_pass, VRRP_AUTH_LEN);
		}
		r = check_advert(in, &m, &ctx, &adv, &vrid);
		if (r == VRRP_DROP_VRID && local_vrid(in, vrid))
			continue;	/* a sibling instance's advert, not an error */
		if (r != VRRP_RX_OK) {
			char a[INET6_ADDRSTRLEN];

			/* the first of each kind is worth a warning; repeats only in detail */
			if (!in->drops[r]++ && r != VRRP_DROP_VRID)
				log_warn("(%s) dropped advert from %s: %s (further ones counted"
					 " in the control socket's drops)", c->name,
					 cfg_addr_str(&m.src, a, sizeof(a)), vrrp_drop_name(r));
			else
				log_dbg("(%s) dropped advert from %s: %s", c->name,
					cfg_addr_str(&m.src, a, sizeof(a)), vrrp_drop_name(r));
			continue;
		}
		in->rx++;
		if (ctx.interval_mismatch && !in->interval_mismatch++)
			log_warn("(%s) advert interval %u cs differs from ours (%u cs), following"
				 " the master as RFC 5798 says", c->name, adv.interval_cs,
				 c->advert_cs);
		apply(in, vrrp_fsm_rx(&in->fsm, now, adv.prio, &m.src, adv.interval_cs * 10),
		      now, false);
	}
}

struct halbd_inst *inst_start(struct halbd *d, struct cfg_instance *cfg, uint64_t now)
{
	struct halbd_inst *in = calloc(1, sizeof(*in));
	const struct cfg_global *g = &d->model->global;

	if (!in)
		return NULL;
	in->d = d;
	in->cfg = cfg;
	in->w.fd = -1;
	in->w.fn = inst_rx;
	in->w.arg = in;
	in->version = cfg_instance_version(d->model, cfg);
	in->mcast = cfg->family == AF_INET ? g->mcast4 : g->mcast6;
	for (struct halbd_group *gr = d->groups; gr; gr = gr->next)
		for (int i = 0; i < gr->cfg->nmembers; i++)
			if (!strcmp(gr->cfg->members[i], cfg->name))
				in->group = gr;
	in->next = d->insts;
	d->insts = in;
	vrrp_fsm_init(&in->fsm, in->version, cfg->priority, cfg->advert_cs * 10,
		      !cfg->nopreempt, cfg->preempt_delay_ms, cfg->init_master);
	bind_interface(in, now);
	/* a previous run killed with -9 may have left them: start clean like keepalived */
	vips_set(in, false);
	eval_links(in);
	eval_scripts(in);
	in->fsm.prio = clamp_prio(in);
	if (own_fault(in) || (in->group && group_faulted(in->group, d))) {
		in->fsm.state = VRRP_STATE_FAULT;
		apply(in, VRRP_ACT_STATE, now, true);
	} else {
		apply(in, vrrp_fsm_start(&in->fsm, now), now, false);
	}
	return in;
}

/* Leave cleanly: priority 0 so a backup takes over after Skew_Time. */
void inst_stop(struct halbd_inst *in)
{
	struct halbd_inst **pp;

	apply(in, vrrp_fsm_stop(&in->fsm), halbd_now(), true);
	if (in->vips_up)
		vips_set(in, false);
	if (in->w.fd >= 0) {
		halbd_watch_del(in->d, &in->w);
		close(in->w.fd);
	}
	for (pp = &in->d->insts; *pp; pp = &(*pp)->next)
		if (*pp == in) {
			*pp = in->next;
			break;
		}
	free(in);
}

void inst_timers(struct halbd_inst *in, uint64_t now)
{
	const struct cfg_instance *c = in->cfg;
	const struct cfg_global *g = &in->d->model->global;

	apply(in, vrrp_fsm_timer(&in->fsm, now), now, false);
	if (in->fsm.state != VRRP_STATE_MASTER)
		return;
	garp_tick(in, now);
	if (in->garp_second && now >= in->garp_second) {
		in->garp_second = 0;
		garp_burst(in, now, eff(c->garp_repeat, g->garp_repeat));
	}
	if (in->garp_refresh && now >= in->garp_refresh) {
		in->garp_refresh = now + eff(c->garp_refresh_s, g->garp_refresh_s) * 1000ULL;
		garp_burst(in, now, eff(c->garp_refresh_repeat, g->garp_refresh_repeat));
	}
}

static uint64_t min_nz(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

uint64_t inst_next(const struct halbd_inst *in)
{
	uint64_t t = vrrp_fsm_next(&in->fsm);

	if (in->fsm.state == VRRP_STATE_MASTER) {
		if (in->garp_left > 0)
			t = min_nz(t, in->garp_next);
		t = min_nz(t, in->garp_second);
		t = min_nz(t, in->garp_refresh);
	}
	return t;
}
