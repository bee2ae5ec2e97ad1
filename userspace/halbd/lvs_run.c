// SPDX-License-Identifier: GPL-2.0
/*
 * halbd's side of lvs.c: the libhalb handle, one check per checker block
 * of each real server (a real server is alive when all of them are up),
 * notify scripts through proc.c, VRRP states for standby, and the calls
 * from the event loop.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "halbd/check.h"
#include "halbd/halbd.h"
#include "halbd/lvs.h"
#include "halbd/lvs_nl.h"
#include "halbd/proc.h"
#include "halbd/realserver.h"

#define LVS_NOTIFY_TIMEOUT_MS	10000

struct rs_ck;

/* The checks of one real server: lvs_rs.priv. */
struct rs_checks {
	struct halbd *d;
	struct lvs_rs *rs;
	struct rs_ck {
		struct rs_checks *owner;
		struct check *ck;
		bool up;
	} *cks;
	int n;
};

int halbd_rs_nchecks(const struct lvs_rs *rs)
{
	const struct rs_checks *o = rs->priv;

	return o ? o->n : 0;
}

const struct check *halbd_rs_check(const struct lvs_rs *rs, int i)
{
	const struct rs_checks *o = rs->priv;

	return o && i >= 0 && i < o->n ? o->cks[i].ck : NULL;
}

static void on_check(void *arg, bool up, const char *why)
{
	struct rs_ck *c = arg;
	struct rs_checks *o = c->owner;
	bool all = true;

	c->up = up;
	for (int i = 0; i < o->n; i++)
		all &= o->cks[i].up;
	lvs_rs_set_alive(o->rs, all, why);
}

static void on_weight(void *arg, int weight)
{
	struct rs_ck *c = arg;

	lvs_rs_set_weight(c->owner->rs, weight);
}

/* What the real server and its virtual server give every checker. */
static void target_of(const struct lvs_rs *rs, struct check_target *t)
{
	const struct cfg_rs *r = rs->cfg;
	const struct cfg_vs *v = rs->vs->cfg;
	const struct cfg_check_dflt *rd = &r->dflt, *vd = &v->dflt;

	memset(t, 0, sizeof(*t));
	t->addr = r->addr;
	t->port = r->port;
	t->protocol = v->kind == CFG_VS_FWMARK ? 0 : v->protocol;
	t->delay_loop_ms = rd->delay_loop_ms ? rd->delay_loop_ms : vd->delay_loop_ms;
	t->has_warmup = rd->has_warmup || vd->has_warmup;
	t->warmup_ms = rd->has_warmup ? rd->warmup_ms : vd->warmup_ms;
	t->initial_up = rs->alive;
	t->connect_timeout_ms = rd->connect_timeout_ms ? rd->connect_timeout_ms :
				vd->connect_timeout_ms;
	t->has_retry = rd->has_retry || vd->has_retry;
	t->retry = rd->has_retry ? rd->retry : vd->retry;
	t->has_delay_before_retry = rd->has_delay_before_retry || vd->has_delay_before_retry;
	t->delay_before_retry_ms = rd->has_delay_before_retry ? rd->delay_before_retry_ms :
				   vd->delay_before_retry_ms;
	t->virtualhost = r->virtualhost ? r->virtualhost : v->virtualhost;
}

static bool same_checks(const struct lvs_rs *a, const struct lvs_rs *b)
{
	struct check_target ta, tb;
	const struct check_conf *ca, *cb;

	target_of(a, &ta);
	target_of(b, &tb);
	if ((!ta.virtualhost) != (!tb.virtualhost) ||
	    (ta.virtualhost && strcmp(ta.virtualhost, tb.virtualhost)))
		return false;
	ta.virtualhost = tb.virtualhost = NULL;
	if (memcmp(&ta, &tb, sizeof(ta)))
		return false;
	for (ca = a->cfg->checks, cb = b->cfg->checks; ca && cb; ca = ca->next, cb = cb->next)
		if (!check_conf_equal(ca, cb))
			return false;
	return !ca && !cb;
}

static void checks_stop(struct rs_checks *o)
{
	if (!o)
		return;
	for (int i = 0; i < o->n; i++)
		if (o->cks[i].ck)
			check_stop(o->cks[i].ck);
	free(o->cks);
	free(o);
}

static struct rs_checks *checks_start(struct halbd *d, struct lvs_rs *rs)
{
	struct rs_checks *o = calloc(1, sizeof(*o));
	struct check_target t;
	int i = 0;

	if (!o)
		return NULL;
	o->d = d;
	o->rs = rs;
	o->n = rs->cfg->nchecks;
	o->cks = calloc(o->n ? o->n : 1, sizeof(*o->cks));
	if (!o->cks) {
		free(o);
		return NULL;
	}
	target_of(rs, &t);
	for (const struct check_conf *c = rs->cfg->checks; c && i < o->n; c = c->next, i++) {
		o->cks[i].owner = o;
		o->cks[i].up = rs->alive;
		o->cks[i].ck = check_start(d, c, &t, on_check, on_weight, &o->cks[i]);
		if (!o->cks[i].ck)
			log_err("%s:%d: cannot start %s: out of memory", c->file, c->line,
				check_kind_name(c->kind));
	}
	return o;
}

static void hook_rs_update(void *arg, struct lvs_rs *rs, struct lvs_rs *old)
{
	struct halbd *d = arg;
	struct rs_checks *o = old ? old->priv : NULL;

	if (old)
		old->priv = NULL;
	if (o && same_checks(old, rs)) {
		o->rs = rs;		/* the probes and their state go on */
		rs->priv = o;
		return;
	}
	checks_stop(o);
	if (!rs->cfg->nchecks) {
		/* no checker: the real server is always in the pool */
		if (!rs->alive)
			lvs_rs_set_alive(rs, true, "no checker");
		return;
	}
	rs->priv = checks_start(d, rs);
}

static void hook_rs_gone(void *arg, struct lvs_rs *old)
{
	(void)arg;
	checks_stop(old->priv);
	old->priv = NULL;
}

static void hook_run(void *arg, const char *cmd)
{
	struct halbd *d = arg;
	const char *user = d->model->global.script_user;

	proc_spawn(cmd, NULL, user[0] ? user : NULL, LVS_NOTIFY_TIMEOUT_MS, halbd_now(), NULL, NULL);
}

static bool holds(const struct cfg_vip *v, int n, const struct cfg_addr *a)
{
	for (int i = 0; i < n; i++)
		if (cfg_addr_equal(&v[i].addr, a))
			return true;
	return false;
}

static int hook_vip_state(void *arg, const struct cfg_addr *a)
{
	struct halbd *d = arg;
	int st = -1;

	for (struct halbd_inst *in = d->insts; in; in = in->next) {
		const struct cfg_instance *c = in->cfg;

		if (!holds(c->vips, c->nvips, a) && !holds(c->vips_excl, c->nvips_excl, a))
			continue;
		if (in->fsm.state == VRRP_STATE_MASTER && !d->stopping)
			return 1;
		st = 0;
	}
	return st;
}

static const struct lvs_hooks hooks_tmpl = {
	.vip_state = hook_vip_state,
	.run = hook_run,
	.rs_update = hook_rs_update,
	.rs_gone = hook_rs_gone,
};

/* Open libhalb and build the LVS objects; without halb.ko VRRP runs alone. */
static int lvs_setup(struct halbd *d)
{
	struct lvs_hooks h = hooks_tmpl;
	int err;

	if (d->lvs || d->no_lvs || !d->model->vss)
		return 0;
	err = halb_open(&d->halb);
	if (err) {
		log_err("virtual_server: cannot reach halb.ko (%s)%s; virtual servers are not applied",
			strerror(-err), err == -HALB_ENOFAMILY ? ", is the module loaded?" : "");
		d->halb = NULL;
		return -1;
	}
	h.arg = d;
	d->lvs = lvs_new(&lvs_nl_ops, d->halb, &h);
	if (!d->lvs || lvs_load(d->lvs, d->model)) {
		log_err("virtual_server: out of memory");
		lvs_free(d->lvs);
		d->lvs = NULL;
		halb_close(d->halb);
		d->halb = NULL;
		return -1;
	}
	if (lvs_start(d->lvs, d->model->global.lvs_flush))
		log_err("virtual_server: could not read the kernel's table; applying the configuration anyway");
	return 0;
}

int halbd_lvs_start(struct halbd *d)
{
	int ret = lvs_setup(d);

	halbd_lvs_tick(d);
	halbd_rs_sync(d);
	return ret;
}

int halbd_lvs_reload(struct halbd *d, struct cfg_model *nm)
{
	if (!d->lvs)
		return 0;
	return lvs_load(d->lvs, nm);
}

void halbd_lvs_after_reload(struct halbd *d)
{
	if (!d->lvs)
		lvs_setup(d);
	halbd_lvs_tick(d);
	halbd_rs_sync(d);	/* lb_kind may have changed with the standby states */
}

void halbd_lvs_tick(struct halbd *d)
{
	if (!d->lvs)
		return;
	if (lvs_poll_standby(d->lvs))
		halbd_rs_sync(d);
	if (lvs_dirty(d->lvs))
		lvs_apply(d->lvs);
}

void halbd_lvs_stop(struct halbd *d)
{
	bool flush = d->flush_on_exit || d->model->global.lvs_flush_onstop;

	if (d->lvs) {
		lvs_stop(d->lvs, flush);
		lvs_free(d->lvs);	/* stops every check */
		d->lvs = NULL;
	}
	halbd_rs_release(d, flush);
	check_cleanup();
	if (d->halb)
		halb_close(d->halb);
	d->halb = NULL;
}
