// SPDX-License-Identifier: GPL-2.0
/*
 * LVS desired state, quorum (keepalived's semantics) and the diff applied
 * to the kernel.  See lvs.h for the shape; nothing here knows netlink.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/keyidx.h"
#include "common/log.h"
#include "halbd/lvs.h"

/* One service of a table: applied (what the kernel has) or desired. */
struct lvs_svc {
	struct halb_service s;
	struct halb_dest *dests;
	size_t ndests;
	const struct lvs_vs *vs;	/* desired only: for messages */
};

/*
 * A table of services, indexed by key so that the diff of two tables costs
 * time in proportion to their size, not its square.  An index that could
 * not be allocated is left empty and lookups scan instead.
 */
struct lvs_table {
	struct lvs_svc *svcs;
	size_t n, cap;
	struct keyidx idx;
};

/* A call the kernel refused, not repeated until the configuration changes. */
struct lvs_fail {
	int op;
	struct halb_service s;
	struct halb_dest d;
};

enum { OP_ADD_SVC, OP_EDIT_SVC, OP_DEL_SVC, OP_ADD_DEST, OP_EDIT_DEST, OP_DEL_DEST };

struct lvs {
	const struct lvs_ops *ops;
	void *ctx;
	struct lvs_hooks hooks;
	const struct cfg_model *m;
	struct lvs_vs *vs;
	int nvs;
	struct lvs_table applied;
	struct lvs_fail *fails;
	int nfails;
	bool dirty;
	struct lvs_stats st;
};

/* ---- small helpers ---- */

static void run_cmd(struct lvs *l, const char *cmd)
{
	if (cmd && l->hooks.run)
		l->hooks.run(l->hooks.arg, cmd);
}

static const char *svc_str(const struct halb_service *s, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (s->fwmark) {
		snprintf(buf, len, "FWM %u IPv%d", s->fwmark, s->af == AF_INET ? 4 : 6);
		return buf;
	}
	inet_ntop(s->af, &s->addr, a, sizeof(a));
	snprintf(buf, len, s->af == AF_INET6 ? "%s [%s]:%u" : "%s %s:%u",
		 s->protocol == IPPROTO_UDP ? "UDP" : "TCP", a, s->port);
	return buf;
}

static const char *dest_str(const struct halb_dest *d, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(d->af, &d->addr, a, sizeof(a));
	snprintf(buf, len, d->af == AF_INET6 ? "[%s]:%u" : "%s:%u", a, d->port);
	return buf;
}

static const char *rs_str(const struct lvs_rs *rs, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	cfg_addr_str(&rs->cfg->addr, a, sizeof(a));
	snprintf(buf, len, rs->cfg->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 rs->cfg->port);
	return buf;
}

static size_t addr_len(int af)
{
	return af == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

static bool svc_key_eq(const struct halb_service *a, const struct halb_service *b)
{
	if (a->af != b->af || a->fwmark != b->fwmark)
		return false;
	if (a->fwmark)
		return true;
	return a->protocol == b->protocol && a->port == b->port &&
	       !memcmp(&a->addr, &b->addr, addr_len(a->af));
}

static bool dest_key_eq(const struct halb_dest *a, const struct halb_dest *b)
{
	return a->port == b->port && !memcmp(&a->addr, &b->addr, addr_len(a->af));
}

static bool svc_attrs_eq(const struct halb_service *have, const struct halb_service *want)
{
	if (strcmp(have->sched, want->sched) || have->flags != want->flags)
		return false;
	if ((want->has & HALB_SVC_HAS_TIMEOUT) && have->timeout != want->timeout)
		return false;
	if ((want->has & HALB_SVC_HAS_NETMASK) && have->netmask != want->netmask)
		return false;
	return true;
}

static bool dest_attrs_eq(const struct halb_dest *a, const struct halb_dest *b)
{
	return a->fwd == b->fwd && a->weight == b->weight && a->u_thresh == b->u_thresh &&
	       a->l_thresh == b->l_thresh;
}

static uint64_t svc_key_hash(const struct halb_service *s)
{
	uint64_t h = keyidx_hash(KEYIDX_SEED, &s->af, sizeof(s->af));

	h = keyidx_hash(h, &s->fwmark, sizeof(s->fwmark));
	if (s->fwmark)
		return h;
	h = keyidx_hash(h, &s->protocol, sizeof(s->protocol));
	h = keyidx_hash(h, &s->port, sizeof(s->port));
	return keyidx_hash(h, &s->addr, addr_len(s->af));
}

static struct lvs_svc *table_find(struct lvs_table *t, const struct halb_service *key)
{
	uint64_t h;
	size_t it, pos;

	if (!t->idx.slot) {
		for (size_t i = 0; i < t->n; i++)
			if (svc_key_eq(&t->svcs[i].s, key))
				return &t->svcs[i];
		return NULL;
	}
	h = svc_key_hash(key);
	for (it = keyidx_first(&t->idx, h); (pos = keyidx_next(&t->idx, h, &it)) != KEYIDX_END;)
		if (svc_key_eq(&t->svcs[pos].s, key))
			return &t->svcs[pos];
	return NULL;
}

/* After the positions moved (or the room grew): index them again. */
static void table_reindex(struct lvs_table *t)
{
	keyidx_free(&t->idx);
	if (keyidx_init(&t->idx, t->cap))
		return;		/* lookups scan */
	for (size_t i = 0; i < t->n; i++)
		keyidx_put(&t->idx, svc_key_hash(&t->svcs[i].s), i);
}

static struct halb_dest *dest_find(struct halb_dest *d, size_t n, const struct halb_dest *key)
{
	for (size_t i = 0; i < n; i++)
		if (dest_key_eq(&d[i], key))
			return &d[i];
	return NULL;
}

static void table_free(struct lvs_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->svcs[i].dests);
	free(t->svcs);
	t->svcs = NULL;
	t->n = 0;
	t->cap = 0;
	keyidx_free(&t->idx);
}

static struct lvs_svc *table_add(struct lvs_table *t, const struct halb_service *s)
{
	struct lvs_svc *n;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;

		n = realloc(t->svcs, cap * sizeof(*n));
		if (!n)
			return NULL;
		t->svcs = n;
		t->cap = cap;
		table_reindex(t);
	}
	n = &t->svcs[t->n];
	memset(n, 0, sizeof(*n));
	n->s = *s;
	if (t->idx.slot)
		keyidx_put(&t->idx, svc_key_hash(s), t->n);
	t->n++;
	return n;
}

static struct halb_dest *dest_add(struct lvs_svc *s, const struct halb_dest *d)
{
	struct halb_dest *n = realloc(s->dests, (s->ndests + 1) * sizeof(*n));

	if (!n)
		return NULL;
	s->dests = n;
	n[s->ndests] = *d;
	return &n[s->ndests++];
}

static void dest_del(struct lvs_svc *s, struct halb_dest *d)
{
	size_t i = d - s->dests;

	memmove(&s->dests[i], &s->dests[i + 1], (s->ndests - i - 1) * sizeof(*d));
	s->ndests--;
}

/* ---- refused calls: remembered so that a refusal is logged once ---- */

static struct lvs_fail fail_key(int op, const struct halb_service *s, const struct halb_dest *d)
{
	struct lvs_fail f;

	memset(&f, 0, sizeof(f));
	f.op = op;
	f.s.af = s->af;
	f.s.fwmark = s->fwmark;
	f.s.protocol = s->protocol;
	memcpy(&f.s.addr, &s->addr, addr_len(s->af));
	f.s.port = s->port;
	if (op == OP_ADD_SVC || op == OP_EDIT_SVC) {
		memcpy(f.s.sched, s->sched, sizeof(f.s.sched));
		f.s.flags = s->flags;
		f.s.timeout = s->timeout;
		f.s.netmask = s->netmask;
		f.s.has = s->has;
	}
	if (d) {
		f.d.af = d->af;
		memcpy(&f.d.addr, &d->addr, addr_len(d->af));
		f.d.port = d->port;
		f.d.fwd = d->fwd;
		f.d.weight = d->weight;
		f.d.u_thresh = d->u_thresh;
		f.d.l_thresh = d->l_thresh;
	}
	return f;
}

static bool failed_before(struct lvs *l, int op, const struct halb_service *s,
			  const struct halb_dest *d)
{
	struct lvs_fail f = fail_key(op, s, d);

	for (int i = 0; i < l->nfails; i++)
		if (!memcmp(&l->fails[i], &f, sizeof(f)))
			return true;
	return false;
}

static void remember_fail(struct lvs *l, int op, const struct halb_service *s,
			  const struct halb_dest *d)
{
	struct lvs_fail *n = realloc(l->fails, (l->nfails + 1) * sizeof(*n));

	if (!n)
		return;
	l->fails = n;
	l->fails[l->nfails++] = fail_key(op, s, d);
}

/* Log a refused call with the virtual_server's file:line and the extack. */
static void report(struct lvs *l, const struct lvs_vs *vs, const struct halb_service *s,
		   const char *what, const struct halb_dest *d, int err)
{
	const char *ext = l->ops->last_error ? l->ops->last_error(l->ctx) : NULL;
	char sb[80], db[64], where[300] = "";

	l->st.errors++;
	if (vs)
		snprintf(where, sizeof(where), "%s:%d: virtual_server ", vs->cfg->file, vs->cfg->line);
	log_err("%sservice %s: %s%s%s failed: %s%s%s%s", where, svc_str(s, sb, sizeof(sb)), what,
		d ? " " : "", d ? dest_str(d, db, sizeof(db)) : "", strerror(-err),
		ext && *ext ? " (kernel: " : "", ext && *ext ? ext : "", ext && *ext ? ")" : "");
}

/* ---- run-time objects ---- */

struct lvs *lvs_new(const struct lvs_ops *ops, void *ctx, const struct lvs_hooks *hooks)
{
	struct lvs *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->ops = ops;
	l->ctx = ctx;
	if (hooks)
		l->hooks = *hooks;
	return l;
}

static void vs_array_free(struct lvs *l, struct lvs_vs *v, int n, bool gone)
{
	for (int i = 0; i < n; i++) {
		for (int j = 0; gone && j < v[i].nrs; j++)
			if (l->hooks.rs_gone)
				l->hooks.rs_gone(l->hooks.arg, &v[i].rs[j]);
		free(v[i].rs);
		free(v[i].keys);
		free(v[i].standby);
	}
	free(v);
}

void lvs_free(struct lvs *l)
{
	if (!l)
		return;
	vs_array_free(l, l->vs, l->nvs, true);
	table_free(&l->applied);
	free(l->fails);
	free(l);
}

bool lvs_rs_inhibit(const struct lvs_rs *rs)
{
	return rs->cfg->has_inhibit ? rs->cfg->inhibit : rs->vs->cfg->inhibit_default;
}

/* The virtual server of the previous configuration with @c's key. */
static struct lvs_vs *old_vs_find(struct lvs_vs *old, int n, const struct keyidx *k,
				  const struct cfg_vs *c)
{
	uint64_t h;
	size_t it, pos;

	if (!k->slot) {		/* no index: scan */
		for (int i = 0; i < n; i++)
			if (old[i].cfg && cfg_vs_same_key(old[i].cfg, c))
				return &old[i];
		return NULL;
	}
	h = cfg_vs_key_hash(c);
	for (it = keyidx_first(k, h); (pos = keyidx_next(k, h, &it)) != KEYIDX_END;)
		if (old[pos].cfg && cfg_vs_same_key(old[pos].cfg, c))
			return &old[pos];
	return NULL;
}

static struct lvs_rs *old_rs_find(struct lvs_vs *ov, const struct cfg_rs *c)
{
	for (int i = 0; ov && i < ov->nrs; i++)
		if (ov->rs[i].cfg && cfg_addr_equal(&ov->rs[i].cfg->addr, &c->addr) &&
		    ov->rs[i].cfg->port == c->port)
			return &ov->rs[i];
	return NULL;
}

int lvs_load(struct lvs *l, const struct cfg_model *m)
{
	struct lvs_vs *nv, *old = l->vs;
	struct keyidx oldidx = { 0 };
	int n = 0, nold = l->nvs, i = 0;

	for (const struct cfg_vs *c = m->vss; c; c = c->next)
		n++;
	nv = calloc(n ? n : 1, sizeof(*nv));
	if (!nv)
		return -1;
	for (const struct cfg_vs *c = m->vss; c; c = c->next, i++) {
		struct lvs_vs *v = &nv[i];

		v->l = l;
		v->cfg = c;
		v->quorum_up = true;
		v->nkeys = cfg_vs_keys(m, c, &v->keys);
		v->rs = calloc(c->nrs ? c->nrs : 1, sizeof(*v->rs));
		v->standby = calloc(v->nkeys > 0 ? v->nkeys : 1, sizeof(*v->standby));
		if (v->nkeys < 0 || !v->rs || !v->standby) {
			vs_array_free(l, nv, i + 1, false);
			return -1;
		}
		v->nrs = c->nrs;
		for (int j = 0; j < c->nrs; j++) {
			v->rs[j].vs = v;
			v->rs[j].cfg = &c->rs[j];
			v->rs[j].alive = !c->alpha;
			v->rs[j].weight = c->rs[j].weight;
		}
	}
	/* carry the state of what survives; from here on nothing can fail */
	if (keyidx_init(&oldidx, nold))
		keyidx_free(&oldidx);	/* no index: old_vs_find() scans */
	for (i = 0; oldidx.slot && i < nold; i++)
		if (old[i].cfg)
			keyidx_put(&oldidx, cfg_vs_key_hash(old[i].cfg), i);
	for (i = 0; i < n; i++) {
		struct lvs_vs *v = &nv[i], *ov = old_vs_find(old, nold, &oldidx, v->cfg);

		if (ov) {
			v->quorum_up = ov->quorum_up;
			v->sorry_in = ov->sorry_in && v->cfg->has_sorry;
			for (int k = 0; k < v->nkeys; k++)
				for (int ok = 0; ok < ov->nkeys; ok++)
					if (!memcmp(&v->keys[k], &ov->keys[ok], sizeof(v->keys[k])))
						v->standby[k] = ov->standby[ok];
		}
		for (int j = 0; j < v->nrs; j++) {
			struct lvs_rs *rs = &v->rs[j], *ors = old_rs_find(ov, rs->cfg);

			if (ors) {
				rs->alive = ors->alive;
				/* a dynamic weight stays until the configured one changes */
				if (ors->cfg->weight == rs->cfg->weight)
					rs->weight = ors->weight;
			}
			if (l->hooks.rs_update)
				l->hooks.rs_update(l->hooks.arg, rs, ors);
			if (ors)
				ors->cfg = NULL;	/* taken over */
		}
	}
	keyidx_free(&oldidx);
	for (i = 0; i < nold; i++)
		for (int j = 0; j < old[i].nrs; j++)
			if (old[i].rs[j].cfg && l->hooks.rs_gone)
				l->hooks.rs_gone(l->hooks.arg, &old[i].rs[j]);
	vs_array_free(l, old, nold, false);
	l->vs = nv;
	l->nvs = n;
	l->m = m;
	/* a reload retries what the kernel refused before */
	free(l->fails);
	l->fails = NULL;
	l->nfails = 0;
	l->dirty = true;
	return 0;
}

struct lvs_vs *lvs_vs_list(const struct lvs *l, int *n)
{
	*n = l->nvs;
	return l->vs;
}

const struct lvs_stats *lvs_stats(const struct lvs *l)
{
	return &l->st;
}

bool lvs_dirty(const struct lvs *l)
{
	return l->dirty;
}

/* ---- quorum, keepalived's semantics ---- */

static long live_weight(const struct lvs_vs *v)
{
	long sum = 0;

	for (int i = 0; i < v->nrs; i++)
		if (v->rs[i].alive)
			sum += v->rs[i].weight;
	return sum;
}

/*
 * Quorum is gained when the weight of the live real servers reaches
 * quorum + hysteresis, and lost when it falls below quorum - hysteresis
 * (or to 0).  Losing it runs quorum_down and, if there is a sorry server,
 * puts it in the pool and takes the live real servers out; gaining it does
 * the reverse and runs quorum_up.  At start-up quorum_up is not run (it is
 * the assumed state), quorum_down is.
 */
static void update_quorum(struct lvs_vs *v, bool init)
{
	struct lvs *l = v->l;
	const struct cfg_vs *c = v->cfg;
	long sum = live_weight(v);
	long thr = (long)c->quorum + (v->quorum_up ? -1L : 1L) * (long)c->hysteresis;
	char name[80];

	if (!v->quorum_up && sum >= thr) {
		v->quorum_up = true;
		log_info("virtual_server %s: gained quorum %u+%u=%ld <= %ld",
			 cfg_vs_name(c, name, sizeof(name)), c->quorum, c->hysteresis, thr, sum);
		if (v->sorry_in) {
			log_info("virtual_server %s: %s sorry server", name,
				 c->sorry_inhibit ? "disabling" : "removing");
			v->sorry_in = false;
		}
		l->dirty = true;
		if (!init)
			run_cmd(l, c->quorum_up);
	} else if ((v->quorum_up && (!sum || sum < thr)) ||
		   (init && !v->quorum_up && c->has_sorry && !v->sorry_in)) {
		v->quorum_up = false;
		log_info("virtual_server %s: lost quorum %u-%u=%ld > %ld",
			 cfg_vs_name(c, name, sizeof(name)), c->quorum, c->hysteresis, thr, sum);
		if (c->has_sorry && !v->sorry_in) {
			log_info("virtual_server %s: adding sorry server", name);
			v->sorry_in = true;
		}
		l->dirty = true;
		run_cmd(l, c->quorum_down);
	}
}

void lvs_rs_set_alive(struct lvs_rs *rs, bool alive, const char *why)
{
	struct lvs *l = rs->vs->l;
	char name[80], b[64];

	if (rs->alive == alive)
		return;
	rs->alive = alive;
	log_info("virtual_server %s: real server %s %s%s%s%s",
		 cfg_vs_name(rs->vs->cfg, name, sizeof(name)), rs_str(rs, b, sizeof(b)),
		 alive ? "up" : "down", why ? " (" : "", why ? why : "", why ? ")" : "");
	run_cmd(l, alive ? rs->cfg->notify_up : rs->cfg->notify_down);
	l->dirty = true;
	update_quorum(rs->vs, false);
}

void lvs_rs_set_weight(struct lvs_rs *rs, int weight)
{
	if (weight < 0)
		weight = 0;
	if (weight > HALB_WEIGHT_MAX)
		weight = HALB_WEIGHT_MAX;
	if (rs->weight == weight)
		return;
	rs->weight = weight;
	rs->vs->l->dirty = true;
	update_quorum(rs->vs, false);
}

bool lvs_poll_standby(struct lvs *l)
{
	bool changed = false;

	for (int i = 0; i < l->nvs; i++) {
		struct lvs_vs *v = &l->vs[i];

		for (int k = 0; k < v->nkeys; k++) {
			bool sb = false;

			if (!v->keys[k].fwmark && l->hooks.vip_state)
				sb = l->hooks.vip_state(l->hooks.arg, &v->keys[k].addr) == 0;
			if (sb != v->standby[k]) {
				v->standby[k] = sb;
				changed = true;
			}
		}
	}
	if (changed)
		l->dirty = true;
	return changed;
}

/* ---- desired table ---- */

static void key_to_svc(const struct cfg_svc_key *k, struct halb_service *s)
{
	memset(s, 0, sizeof(*s));
	s->af = k->af;
	s->fwmark = k->fwmark;
	if (!k->fwmark) {
		s->protocol = k->protocol;
		memcpy(&s->addr, &k->addr.v4, addr_len(k->af));
		s->port = k->port;
	}
}

static int want_dest(struct lvs_svc *s, const struct cfg_rs *c, int fwd, int weight)
{
	struct halb_dest d;

	memset(&d, 0, sizeof(d));
	d.af = s->s.af;
	memcpy(&d.addr, &c->addr.v4, addr_len(d.af));
	d.port = c->port;
	d.fwd = fwd;
	d.weight = weight;
	d.u_thresh = c->u_thresh;
	d.l_thresh = c->l_thresh;
	d.has = HALB_DEST_HAS_FWD | HALB_DEST_HAS_WEIGHT | HALB_DEST_HAS_U_THRESH |
		HALB_DEST_HAS_L_THRESH;
	/* a sorry server that is also a real server: the real server wins */
	if (dest_find(s->dests, s->ndests, &d))
		return 0;
	return dest_add(s, &d) ? 0 : -1;
}

static int desired(struct lvs *l, struct lvs_table *t)
{
	for (int i = 0; i < l->nvs; i++) {
		const struct lvs_vs *v = &l->vs[i];
		const struct cfg_vs *c = v->cfg;

		for (int k = 0; k < v->nkeys; k++) {
			struct halb_service s;
			struct lvs_svc *ws;

			key_to_svc(&v->keys[k], &s);
			if (table_find(t, &s))
				continue;	/* two groups share an address: first wins */
			snprintf(s.sched, sizeof(s.sched), "%s", c->sched);
			s.flags = (c->persistent ? HALB_SVC_F_PERSISTENT : 0) |
				  (c->ops ? HALB_SVC_F_ONEPACKET : 0) |
				  (c->hash_port ? HALB_SVC_F_HASH_PORT : 0) |
				  (c->hash_fallback ? HALB_SVC_F_HASH_FALLBACK : 0) |
				  (v->standby[k] ? HALB_SVC_F_STANDBY : 0);
			s.has = HALB_SVC_HAS_FLAGS;
			if (c->persistent) {
				s.timeout = c->persistence_s;
				s.netmask = c->persistence_prefix >= 0 ? c->persistence_prefix :
					    s.af == AF_INET ? 32 : 128;
				s.has |= HALB_SVC_HAS_TIMEOUT | HALB_SVC_HAS_NETMASK;
			}
			ws = table_add(t, &s);
			if (!ws)
				return -1;
			ws->vs = v;
			for (int j = 0; j < v->nrs; j++) {
				const struct lvs_rs *rs = &v->rs[j];
				int fwd = rs->cfg->fwd ? rs->cfg->fwd : c->fwd;
				bool inhibit = lvs_rs_inhibit(rs);

				if (rs->alive && !v->sorry_in) {
					if (want_dest(ws, rs->cfg, fwd, rs->weight))
						return -1;
				} else if (inhibit) {
					if (want_dest(ws, rs->cfg, fwd, 0))
						return -1;
				}
			}
			if (c->has_sorry && (v->sorry_in || c->sorry_inhibit)) {
				int fwd = c->sorry.fwd ? c->sorry.fwd : c->fwd;

				if (want_dest(ws, &c->sorry, fwd, v->sorry_in ? c->sorry.weight : 0))
					return -1;
			}
		}
	}
	return 0;
}

/* ---- applying ---- */

static int call_svc(struct lvs *l, int op, const struct lvs_vs *vs, const struct halb_service *s)
{
	int err;

	if (failed_before(l, op, s, NULL))
		return -EALREADY;
	switch (op) {
	case OP_ADD_SVC:
		l->st.add_svc++;
		err = l->ops->add_service(l->ctx, s);
		break;
	case OP_EDIT_SVC:
		l->st.edit_svc++;
		err = l->ops->edit_service(l->ctx, s);
		break;
	default:
		l->st.del_svc++;
		err = l->ops->del_service(l->ctx, s);
		break;
	}
	if (err) {
		report(l, vs, s, op == OP_ADD_SVC ? "adding the service" :
		       op == OP_EDIT_SVC ? "changing the service" : "deleting the service",
		       NULL, err);
		remember_fail(l, op, s, NULL);
	}
	return err;
}

static int call_dest(struct lvs *l, int op, const struct lvs_vs *vs, const struct halb_service *s,
		     const struct halb_dest *d)
{
	int err;

	if (failed_before(l, op, s, d))
		return -EALREADY;
	switch (op) {
	case OP_ADD_DEST:
		l->st.add_dest++;
		err = l->ops->add_dest(l->ctx, s, d);
		break;
	case OP_EDIT_DEST:
		l->st.edit_dest++;
		err = l->ops->edit_dest(l->ctx, s, d);
		break;
	default:
		l->st.del_dest++;
		err = l->ops->del_dest(l->ctx, s, d);
		break;
	}
	if (err) {
		report(l, vs, s, op == OP_ADD_DEST ? "adding real server" :
		       op == OP_EDIT_DEST ? "changing real server" : "deleting real server", d, err);
		remember_fail(l, op, s, d);
	}
	return err;
}

static void apply_dests(struct lvs *l, struct lvs_svc *have, const struct lvs_svc *want)
{
	char sb[80], db[64];

	for (size_t i = 0; i < have->ndests; i++) {
		struct halb_dest *d = &have->dests[i];

		if (dest_find(want->dests, want->ndests, d))
			continue;
		if (!call_dest(l, OP_DEL_DEST, want->vs, &want->s, d)) {
			log_info("service %s: real server %s removed", svc_str(&want->s, sb, sizeof(sb)),
				 dest_str(d, db, sizeof(db)));
			dest_del(have, d);
			i--;
		}
	}
	for (size_t i = 0; i < want->ndests; i++) {
		const struct halb_dest *w = &want->dests[i];
		struct halb_dest *h = dest_find(have->dests, have->ndests, w);

		if (!h) {
			if (!call_dest(l, OP_ADD_DEST, want->vs, &want->s, w)) {
				log_info("service %s: real server %s added, weight %u",
					 svc_str(&want->s, sb, sizeof(sb)), dest_str(w, db, sizeof(db)),
					 w->weight);
				dest_add(have, w);
			}
		} else if (!dest_attrs_eq(h, w)) {
			if (!call_dest(l, OP_EDIT_DEST, want->vs, &want->s, w)) {
				log_info("service %s: real server %s weight %u",
					 svc_str(&want->s, sb, sizeof(sb)), dest_str(w, db, sizeof(db)),
					 w->weight);
				*h = *w;
			}
		}
	}
}

int lvs_apply(struct lvs *l)
{
	struct lvs_table want = { 0 };
	unsigned int errors = l->st.errors;
	size_t kept = 0;
	char sb[80];

	l->dirty = false;
	if (desired(l, &want)) {
		log_err("lvs: out of memory computing the table");
		table_free(&want);
		l->dirty = true;
		return 1;
	}
	/* services no longer configured; the rest keep their order */
	for (size_t i = 0; i < l->applied.n; i++) {
		struct lvs_svc *h = &l->applied.svcs[i];

		if (!table_find(&want, &h->s) && !call_svc(l, OP_DEL_SVC, NULL, &h->s)) {
			log_info("service %s removed", svc_str(&h->s, sb, sizeof(sb)));
			free(h->dests);
			continue;
		}
		l->applied.svcs[kept++] = *h;
	}
	if (kept != l->applied.n) {
		l->applied.n = kept;
		table_reindex(&l->applied);
	}
	for (size_t i = 0; i < want.n; i++) {
		struct lvs_svc *w = &want.svcs[i], *h = table_find(&l->applied, &w->s);

		if (!h) {
			if (call_svc(l, OP_ADD_SVC, w->vs, &w->s))
				continue;
			log_info("service %s added, scheduler %s", svc_str(&w->s, sb, sizeof(sb)),
				 w->s.sched);
			h = table_add(&l->applied, &w->s);
			if (!h)
				break;
		} else if (!svc_attrs_eq(&h->s, &w->s)) {
			if (call_svc(l, OP_EDIT_SVC, w->vs, &w->s))
				goto dests;
			log_info("service %s changed, scheduler %s flags 0x%x",
				 svc_str(&w->s, sb, sizeof(sb)), w->s.sched, w->s.flags);
			memcpy(h->s.sched, w->s.sched, sizeof(h->s.sched));
			h->s.flags = w->s.flags;
			if (w->s.has & HALB_SVC_HAS_TIMEOUT)
				h->s.timeout = w->s.timeout;
			if (w->s.has & HALB_SVC_HAS_NETMASK)
				h->s.netmask = w->s.netmask;
		}
dests:
		apply_dests(l, h, w);
	}
	table_free(&want);
	return (int)(l->st.errors - errors);
}

int lvs_start(struct lvs *l, bool flush_others)
{
	struct lvs_table want = { 0 };
	struct halb_service *ks = NULL;
	size_t nk = 0;
	char sb[80];
	int err;

	table_free(&l->applied);
	for (int i = 0; i < l->nvs; i++)
		update_quorum(&l->vs[i], true);
	lvs_poll_standby(l);
	err = l->ops->list_services(l->ctx, &ks, &nk);
	if (err) {
		log_err("lvs: cannot list the kernel's services: %s", strerror(-err));
		return err;
	}
	if (desired(l, &want)) {
		free(ks);
		table_free(&want);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nk; i++) {
		struct lvs_svc *h;

		if (!table_find(&want, &ks[i])) {
			if (flush_others && !l->ops->del_service(l->ctx, &ks[i]))
				log_info("lvs_flush: service %s not configured, removed",
					 svc_str(&ks[i], sb, sizeof(sb)));
			continue;
		}
		/* configured and already there: adopt it as it is */
		h = table_add(&l->applied, &ks[i]);
		if (!h)
			break;
		err = l->ops->list_dests(l->ctx, &ks[i], &h->dests, &h->ndests);
		if (err) {
			log_err("lvs: cannot list the real servers of %s: %s",
				svc_str(&ks[i], sb, sizeof(sb)), strerror(-err));
			h->dests = NULL;
			h->ndests = 0;
		}
		for (size_t j = 0; j < h->ndests; j++)
			h->dests[j].af = ks[i].af;
		log_info("service %s already in the kernel, %zu real server(s): kept",
			 svc_str(&ks[i], sb, sizeof(sb)), h->ndests);
	}
	free(ks);
	table_free(&want);
	l->dirty = true;
	return 0;
}

void lvs_stop(struct lvs *l, bool flush)
{
	char sb[80];

	for (int i = 0; i < l->nvs; i++) {
		const struct lvs_vs *v = &l->vs[i];

		if (!v->cfg->omega)
			continue;
		for (int j = 0; j < v->nrs; j++)
			if (v->rs[j].alive)
				run_cmd(l, v->rs[j].cfg->notify_down);
		if (v->quorum_up)
			run_cmd(l, v->cfg->quorum_down);
	}
	if (!flush)
		return;
	for (size_t i = 0; i < l->applied.n; i++) {
		struct lvs_svc *h = &l->applied.svcs[i];

		if (!l->ops->del_service(l->ctx, &h->s))
			log_info("service %s removed (flush on exit)", svc_str(&h->s, sb, sizeof(sb)));
	}
	table_free(&l->applied);
}
