// SPDX-License-Identifier: GPL-2.0
/*
 * virtual_server configuration and the LVS diff (lvs.c) against a fake
 * kernel: an in-memory table behind struct lvs_ops that counts every call.
 * Start, reloads (one weight, one real server removed, one scheduler),
 * check results with and without inhibit_on_failure, quorum with
 * hysteresis and sorry_server, kernel refusals, standby, flush on exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "halbd/cfg_parse.h"
#include "halbd/cfg_vs.h"
#include "halbd/lvs.h"
#include "ut.h"
#include "diag_msgs.h"

static struct cfg_model *parse(const char *text)
{
	struct cfg_diag d = { .fn = collect };

	reset_msgs();
	return cfg_load_buf("t.conf", text, strlen(text), "main", &d);
}

/* ---- the fake kernel ---- */

struct fsvc {
	struct halb_service s;
	struct halb_dest d[16];
	int nd;
};

static struct fake {
	struct fsvc svc[16];
	int n;
	int add_svc, edit_svc, del_svc, add_dest, edit_dest, del_dest;
	const char *refuse_sched;	/* add/edit with this scheduler: EOPNOTSUPP */
	const char *ext;
} fk;

static void fake_reset(void)
{
	memset(&fk, 0, sizeof(fk));
}

static void zero_calls(void)
{
	fk.add_svc = fk.edit_svc = fk.del_svc = fk.add_dest = fk.edit_dest = fk.del_dest = 0;
}

static int calls(void)
{
	return fk.add_svc + fk.edit_svc + fk.del_svc + fk.add_dest + fk.edit_dest + fk.del_dest;
}

static bool key_eq(const struct halb_service *a, const struct halb_service *b)
{
	return a->af == b->af && a->fwmark == b->fwmark && a->protocol == b->protocol &&
	       a->port == b->port && !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

static struct fsvc *ffind(const struct halb_service *k)
{
	for (int i = 0; i < fk.n; i++)
		if (key_eq(&fk.svc[i].s, k))
			return &fk.svc[i];
	return NULL;
}

static struct halb_dest *fdest(struct fsvc *s, const struct halb_dest *d)
{
	for (int i = 0; s && i < s->nd; i++)
		if (s->d[i].port == d->port && !memcmp(&s->d[i].addr, &d->addr, sizeof(d->addr)))
			return &s->d[i];
	return NULL;
}

static int f_list_services(void *ctx, struct halb_service **out, size_t *n)
{
	(void)ctx;
	*out = calloc(fk.n + 1, sizeof(**out));
	for (int i = 0; i < fk.n; i++)
		(*out)[i] = fk.svc[i].s;
	*n = fk.n;
	return 0;
}

static int f_list_dests(void *ctx, const struct halb_service *k, struct halb_dest **out, size_t *n)
{
	struct fsvc *s = ffind(k);

	(void)ctx;
	if (!s)
		return -ESRCH;
	*out = calloc(s->nd + 1, sizeof(**out));
	memcpy(*out, s->d, s->nd * sizeof(**out));
	*n = s->nd;
	return 0;
}

static int f_add_service(void *ctx, const struct halb_service *s)
{
	(void)ctx;
	fk.ext = "";
	if (fk.refuse_sched && !strcmp(s->sched, fk.refuse_sched)) {
		fk.ext = "scheduler not supported by this version of halb";
		return -EOPNOTSUPP;
	}
	if (ffind(s))
		return -EEXIST;
	fk.add_svc++;
	memset(&fk.svc[fk.n], 0, sizeof(fk.svc[0]));
	fk.svc[fk.n++].s = *s;
	return 0;
}

static int f_edit_service(void *ctx, const struct halb_service *s)
{
	struct fsvc *f = ffind(s);

	(void)ctx;
	fk.ext = "";
	if (fk.refuse_sched && !strcmp(s->sched, fk.refuse_sched)) {
		fk.ext = "scheduler not supported by this version of halb";
		return -EOPNOTSUPP;
	}
	if (!f)
		return -ESRCH;
	fk.edit_svc++;
	memcpy(f->s.sched, s->sched, sizeof(s->sched));
	f->s.flags = s->flags;
	if (s->has & HALB_SVC_HAS_TIMEOUT)
		f->s.timeout = s->timeout;
	if (s->has & HALB_SVC_HAS_NETMASK)
		f->s.netmask = s->netmask;
	return 0;
}

static int f_del_service(void *ctx, const struct halb_service *s)
{
	struct fsvc *f = ffind(s);

	(void)ctx;
	if (!f)
		return -ESRCH;
	fk.del_svc++;
	*f = fk.svc[--fk.n];
	return 0;
}

static int f_add_dest(void *ctx, const struct halb_service *k, const struct halb_dest *d)
{
	struct fsvc *f = ffind(k);

	(void)ctx;
	if (!f)
		return -ESRCH;
	if (fdest(f, d))
		return -EEXIST;
	fk.add_dest++;
	f->d[f->nd++] = *d;
	return 0;
}

static int f_edit_dest(void *ctx, const struct halb_service *k, const struct halb_dest *d)
{
	struct halb_dest *h = fdest(ffind(k), d);

	(void)ctx;
	if (!h)
		return -ENOENT;
	fk.edit_dest++;
	*h = *d;
	return 0;
}

static int f_del_dest(void *ctx, const struct halb_service *k, const struct halb_dest *d)
{
	struct fsvc *f = ffind(k);
	struct halb_dest *h = fdest(f, d);

	(void)ctx;
	if (!h)
		return -ENOENT;
	fk.del_dest++;
	*h = f->d[--f->nd];
	return 0;
}

static const char *f_last_error(void *ctx)
{
	(void)ctx;
	return fk.ext;
}

static const struct lvs_ops fake_ops = {
	.list_services = f_list_services,
	.list_dests = f_list_dests,
	.add_service = f_add_service,
	.edit_service = f_edit_service,
	.del_service = f_del_service,
	.add_dest = f_add_dest,
	.edit_dest = f_edit_dest,
	.del_dest = f_del_dest,
	.last_error = f_last_error,
};

/* ---- hooks: commands run, VRRP state ---- */

static char ran[16][64];
static int nran;
static int vrrp_state = -1;

static void h_run(void *arg, const char *cmd)
{
	(void)arg;
	if (nran < 16)
		snprintf(ran[nran++], sizeof(ran[0]), "%s", cmd);
}

static int h_vip_state(void *arg, const struct cfg_addr *a)
{
	(void)arg;
	(void)a;
	return vrrp_state;
}

static const struct lvs_hooks hooks = { .run = h_run, .vip_state = h_vip_state };

static struct lvs *start(struct cfg_model *m, bool flush)
{
	struct lvs *l = lvs_new(&fake_ops, NULL, &hooks);

	nran = 0;
	if (!l || lvs_load(l, m))
		abort();
	lvs_start(l, flush);
	lvs_apply(l);
	return l;
}

static struct halb_service key4(const char *addr, uint16_t port)
{
	struct halb_service s;

	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_TCP;
	inet_pton(AF_INET, addr, &s.addr.v4);
	s.port = port;
	return s;
}

/* The weight of real server @rs (192.0.2.x:80) in service @svc, -1 if absent. */
static long weight_of(const char *svc, uint16_t port, const char *rs)
{
	struct halb_service k = key4(svc, port);
	struct halb_dest d;
	struct halb_dest *h;

	memset(&d, 0, sizeof(d));
	inet_pton(AF_INET, rs, &d.addr.v4);
	d.port = port;
	h = fdest(ffind(&k), &d);
	return h ? (long)h->weight : -1;
}

static struct lvs_rs *rs_of(struct lvs *l, int vs, int rs)
{
	int n;

	return &lvs_vs_list(l, &n)[vs].rs[rs];
}

#define VS3(w3, sched, extra) \
	"virtual_server 203.0.113.1 80 {\n" \
	"  lb_algo " sched "\n  lb_kind NAT\n" extra \
	"  real_server 192.0.2.11 80 { weight 1 }\n" \
	"  real_server 192.0.2.12 80 { weight 2 }\n" \
	"  real_server 192.0.2.13 80 { weight " w3 " }\n" \
	"}\n"

/* ---- configuration ---- */

static void test_vs_config(void)
{
	struct cfg_model *m = parse(
		"global_defs {\n lvs_flush\n}\n"
		"virtual_server 203.0.113.1 80 {\n"			/* 4 */
		"  delay_loop 6\n  lvs_sched wrr\n  lvs_method DR\n"
		"  nat_mask 255.255.255.0\n"				/* 8 */
		"  persistence_timeout 50\n  persistence_granularity 255.255.255.0\n"
		"  protocol UDP\n  ops\n  sh-port\n  mh-fallback\n"
		"  sorry_server 192.0.2.99 8080\n  sorry_server_inhibit\n"
		"  quorum 4\n  hysteresis 1\n  quorum_up /bin/up arg\n  quorum_down /bin/down\n"
		"  alpha\n  omega\n  ha_suspend\n  virtualhost www.example.com\n"
		"  laddr 198.51.100.5 198.51.100.6\n"			/* 25 */
		"  frobnicate 1\n"					/* 26 */
		"  real_server 192.0.2.11 80 {\n   weight 3\n   inhibit_on_failure\n"
		"   uthreshold 100\n   lthreshold 10\n   notify_up \"/bin/n up\"\n"
		"   notify_down /bin/n\n   lb_kind TUN\n"
		"   TCP_CHECK {\n    connect_timeout 3\n   }\n"
		"   HTTP_GET {\n    url {\n     path /\n     status_code 200\n    }\n   }\n"
		"  }\n"
		"}\n"
		"virtual_server_group G {\n 192.0.2.1-3 443\n 2001:db8::1 443\n fwmark 9\n}\n"
		"virtual_server fwmark 7 {\n real_server 2001:db8::5 0 { }\n}\n");
	struct cfg_vs *vs;
	struct cfg_rs *rs;
	struct cfg_svc_key *k;
	struct cfg_vs_counts c;

	CHECK(m);
	if (!m)
		return;
	CHECK(m->global.lvs_flush);
	vs = m->vss;
	CHECK_EQ(vs->kind, CFG_VS_ADDR);
	CHECK_EQ(vs->line, 4);
	CHECK_EQ(vs->port, 80);
	CHECK_EQ(vs->dflt.delay_loop_ms, 6000);
	CHECK_STR(vs->sched, "wrr");
	CHECK_EQ(vs->fwd, HALB_FWD_DR);
	CHECK(vs->persistent);
	CHECK_EQ(vs->persistence_s, 50);
	CHECK_EQ(vs->persistence_prefix, 24);
	CHECK_EQ(vs->protocol, IPPROTO_UDP);
	CHECK(vs->ops && vs->hash_port && vs->hash_fallback);
	CHECK(vs->has_sorry && vs->sorry_inhibit);
	CHECK_EQ(vs->sorry.port, 8080);
	CHECK_EQ(vs->quorum, 4);
	CHECK_EQ(vs->hysteresis, 1);
	CHECK_STR(vs->quorum_up, "/bin/up arg");
	CHECK_STR(vs->quorum_down, "/bin/down");
	CHECK(vs->alpha && vs->omega && vs->ha_suspend);
	CHECK_STR(vs->virtualhost, "www.example.com");
	CHECK_EQ(vs->nladdrs, 2);
	CHECK_EQ(vs->nrs, 1);
	rs = &vs->rs[0];
	CHECK_EQ(rs->weight, 3);
	CHECK(rs->inhibit && rs->has_inhibit);
	CHECK_EQ(rs->u_thresh, 100);
	CHECK_EQ(rs->l_thresh, 10);
	CHECK_STR(rs->notify_up, "/bin/n up");
	CHECK_STR(rs->notify_down, "/bin/n");
	CHECK_EQ(rs->fwd, HALB_FWD_TUN);
	CHECK_EQ(rs->nchecks, 2);
	CHECK(has_msg("W: t.conf:8: 'nat_mask' is obsolete (LVS no longer uses it), ignored"));
	CHECK(has_msg("W: t.conf:25: 'laddr' recorded, but local address pools need FULLNAT support in halb.ko; not applied"));
	CHECK(has_msg("W: t.conf:26: unknown keyword 'frobnicate' in virtual_server, ignored"));
	/* the group: 3 + 1 addresses, 1 fwmark; its family mixes: an error? no
	 * group vs here, so only the fwmark vs is expanded below */
	vs = vs->next;
	CHECK_EQ(vs->kind, CFG_VS_FWMARK);
	CHECK_EQ(vs->family, AF_INET6);
	CHECK_EQ(cfg_vs_keys(m, vs, &k), 1);
	CHECK_EQ(k[0].fwmark, 7);
	CHECK_EQ(k[0].af, AF_INET6);
	free(k);
	cfg_vs_count(m, &c);
	CHECK_EQ(c.vs, 2);
	CHECK_EQ(c.rs, 2);
	CHECK_EQ(c.checkers, 2);
	cfg_model_free(m);

	m = parse("virtual_server_group G {\n 192.0.2.1-3 443\n fwmark 9\n}\n"
		  "virtual_server group G {\n real_server 192.0.2.20 443 { }\n}\n");
	CHECK(m);
	if (m) {
		CHECK_EQ(cfg_vs_keys(m, m->vss, &k), 4);
		CHECK_EQ(ntohl(k[2].addr.v4.s_addr) & 0xff, 3);
		CHECK_EQ(k[2].port, 443);
		CHECK_EQ(k[3].fwmark, 9);
		free(k);
		cfg_model_free(m);
	}
}

static void test_vs_errors(void)
{
	struct cfg_model *m = parse(
		"virtual_server 203.0.113.1 80 {\n"
		"  real_server 2001:db8::1 80 { }\n"			/* 2 */
		"  real_server 192.0.2.1 80 { weight 65536 }\n"	/* 3 */
		"  real_server 192.0.2.2 0 { }\n"			/* 4 */
		"  protocol SCTP\n"					/* 5 */
		"  real_server 192.0.2.300 80 { }\n"			/* 6 */
		"}\n"
		"virtual_server 203.0.113.1 80 {\n}\n"			/* 8 */
		"virtual_server 203.0.113.2 0 {\n}\n"			/* 10 */
		"virtual_server group NOPE {\n}\n");			/* 12 */

	CHECK(!m);
	CHECK(has_msg("E: t.conf:2: real_server 2001:db8::1 is IPv6, its virtual_server (line 1) is IPv4"));
	CHECK(has_msg("E: t.conf:3: invalid value '65536' for 'weight' (expected 0..65535)"));
	CHECK(has_msg("E: t.conf:4: invalid value '0' for 'real_server' (expected 1..65535)"));
	CHECK(has_msg("E: t.conf:5: protocol SCTP is not supported by halb"));
	CHECK(has_msg("E: t.conf:6: invalid IP address '192.0.2.300'"));
	CHECK(has_msg("E: t.conf:8: duplicate virtual_server 203.0.113.1:80 (first at t.conf:1)"));
	CHECK(has_msg("E: t.conf:10: invalid value '0' for 'virtual_server' (expected 1..65535)"));
	CHECK(has_msg("E: t.conf:12: virtual_server group 'NOPE': no such virtual_server_group"));
}

static void test_vs_equality(void)
{
	struct cfg_model *a = parse(VS3("3", "wrr", "")), *b = parse(VS3("3", "wrr", "")),
			 *c = parse(VS3("5", "wrr", "")), *d = parse(VS3("3", "rr", ""));

	CHECK(a && b && c && d);
	if (!a || !b || !c || !d)
		return;
	CHECK(cfg_vs_equal(a->vss, b->vss));
	CHECK(cfg_rs_equal(&a->vss->rs[2], &b->vss->rs[2]));
	CHECK(cfg_vs_equal(a->vss, c->vss));		/* real servers are compared apart */
	CHECK(!cfg_rs_equal(&a->vss->rs[2], &c->vss->rs[2]));
	CHECK(cfg_rs_equal(&a->vss->rs[1], &c->vss->rs[1]));
	CHECK(!cfg_vs_equal(a->vss, d->vss));
	CHECK(cfg_vs_same_key(a->vss, d->vss));
	cfg_model_free(a);
	cfg_model_free(b);
	cfg_model_free(c);
	cfg_model_free(d);
}

/* ---- programming ---- */

static void test_start_empty_kernel(void)
{
	struct cfg_model *m = parse(VS3("3", "wrr", ""));
	struct halb_service k = key4("203.0.113.1", 80);
	struct lvs *l;

	fake_reset();
	l = start(m, false);
	CHECK_EQ(fk.add_svc, 1);
	CHECK_EQ(fk.add_dest, 3);
	CHECK_EQ(calls(), 4);
	CHECK(ffind(&k) && !strcmp(ffind(&k)->s.sched, "wrr"));
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.13"), 3);
	CHECK_EQ(ffind(&k)->d[0].fwd, HALB_FWD_NAT);
	/* nothing changed: nothing to do */
	zero_calls();
	lvs_apply(l);
	CHECK_EQ(calls(), 0);
	lvs_free(l);
	cfg_model_free(m);
}

static void test_start_adopts(void)
{
	struct cfg_model *m = parse(VS3("3", "wrr", ""));
	struct halb_service k = key4("203.0.113.1", 80), other = key4("203.0.113.9", 25);
	struct halb_dest d;
	struct lvs *l;

	fake_reset();
	/* the kernel already has the service (from an earlier run) and another one */
	strcpy(k.sched, "wrr");
	strcpy(other.sched, "rr");
	f_add_service(NULL, &k);
	f_add_service(NULL, &other);
	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	d.port = 80;
	d.fwd = HALB_FWD_NAT;
	d.weight = 1;
	inet_pton(AF_INET, "192.0.2.11", &d.addr.v4);
	f_add_dest(NULL, &k, &d);
	inet_pton(AF_INET, "192.0.2.50", &d.addr.v4);	/* not configured */
	f_add_dest(NULL, &k, &d);
	zero_calls();
	l = start(m, false);
	CHECK_EQ(fk.add_svc, 0);
	CHECK_EQ(fk.add_dest, 2);		/* .12 and .13; .11 is kept as it is */
	CHECK_EQ(fk.del_dest, 1);		/* .50 */
	CHECK_EQ(calls(), 3);
	CHECK(ffind(&other) != NULL);		/* not ours: left alone */
	lvs_free(l);

	/* lvs_flush: everything not configured goes at start */
	zero_calls();
	l = start(m, true);
	CHECK(ffind(&other) == NULL);
	CHECK_EQ(fk.del_svc, 1);
	CHECK_EQ(calls(), 1);
	lvs_free(l);
	cfg_model_free(m);
}

static void test_reload_minimal(void)
{
	struct cfg_model *m = parse(VS3("3", "wrr", "")), *m2, *m3, *m4;
	struct lvs *l;

	fake_reset();
	l = start(m, false);

	/* one weight changed: exactly one edit */
	m2 = parse(VS3("5", "wrr", ""));
	zero_calls();
	lvs_load(l, m2);
	cfg_model_free(m);
	lvs_apply(l);
	CHECK_EQ(fk.edit_dest, 1);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.13"), 5);

	/* one real server removed: exactly one delete */
	m3 = parse("virtual_server 203.0.113.1 80 {\n  lb_algo wrr\n  lb_kind NAT\n"
		   "  real_server 192.0.2.11 80 { weight 1 }\n"
		   "  real_server 192.0.2.13 80 { weight 5 }\n}\n");
	zero_calls();
	lvs_load(l, m3);
	cfg_model_free(m2);
	lvs_apply(l);
	CHECK_EQ(fk.del_dest, 1);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.12"), -1);

	/* the scheduler changed: one service edit, real servers untouched */
	m4 = parse("virtual_server 203.0.113.1 80 {\n  lb_algo rr\n  lb_kind NAT\n"
		   "  real_server 192.0.2.11 80 { weight 1 }\n"
		   "  real_server 192.0.2.13 80 { weight 5 }\n}\n");
	zero_calls();
	lvs_load(l, m4);
	cfg_model_free(m3);
	lvs_apply(l);
	CHECK_EQ(fk.edit_svc, 1);
	CHECK_EQ(calls(), 1);
	CHECK_STR(fk.svc[0].s.sched, "rr");

	/* the same file again: nothing */
	m = parse("virtual_server 203.0.113.1 80 {\n  lb_algo rr\n  lb_kind NAT\n"
		  "  real_server 192.0.2.11 80 { weight 1 }\n"
		  "  real_server 192.0.2.13 80 { weight 5 }\n}\n");
	zero_calls();
	lvs_load(l, m);
	cfg_model_free(m4);
	lvs_apply(l);
	CHECK_EQ(calls(), 0);

	/* the virtual_server removed: its service goes, once */
	m2 = parse("vrrp_script x {\n script /bin/true\n}\n");
	zero_calls();
	lvs_load(l, m2);
	cfg_model_free(m);
	lvs_apply(l);
	CHECK_EQ(fk.del_svc, 1);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(fk.n, 0);
	lvs_free(l);
	cfg_model_free(m2);
}

/*
 * Twelve services; a reload drops five scattered ones and changes a weight
 * in a survivor: five deletes and one edit, the survivors found again by
 * key after the table closed its gaps, and the same file once more is no
 * call at all.
 */
static char *many_vs(int n, const char *skip, int w)
{
	static char buf[8192];
	size_t off = 0;

	for (int i = 0; i < n; i++) {
		if (skip && strchr(skip, 'a' + i))
			continue;
		off += snprintf(buf + off, sizeof(buf) - off,
				"virtual_server 203.0.113.%d %d {\n  lb_algo rr\n  lb_kind NAT\n"
				"  real_server 192.0.2.11 %d { weight %d }\n}\n",
				i + 1, 8000 + i, 8000 + i, i == 11 ? w : 1);
	}
	return buf;
}

static void test_reload_many(void)
{
	struct cfg_model *m = parse(many_vs(12, NULL, 1)), *m2, *m3;
	struct lvs *l;

	fake_reset();
	l = start(m, false);
	CHECK_EQ(fk.n, 12);
	m2 = parse(many_vs(12, "acfhj", 4));
	zero_calls();
	lvs_load(l, m2);
	cfg_model_free(m);
	lvs_apply(l);
	CHECK_EQ(fk.del_svc, 5);
	CHECK_EQ(fk.edit_dest, 1);
	CHECK_EQ(calls(), 6);
	CHECK_EQ(fk.n, 7);
	CHECK_EQ(weight_of("203.0.113.12", 8011, "192.0.2.11"), 4);
	CHECK_EQ(weight_of("203.0.113.2", 8001, "192.0.2.11"), 1);
	CHECK_EQ(weight_of("203.0.113.1", 8000, "192.0.2.11"), -1);
	m3 = parse(many_vs(12, "acfhj", 4));
	zero_calls();
	lvs_load(l, m3);
	cfg_model_free(m2);
	lvs_apply(l);
	CHECK_EQ(calls(), 0);
	lvs_free(l);
	cfg_model_free(m3);
}

static void test_check_transitions(void)
{
	struct cfg_model *m = parse(
		"virtual_server 203.0.113.1 80 {\n  lb_algo wrr\n"
		"  real_server 192.0.2.11 80 { weight 4\n notify_up /bin/up11\n notify_down /bin/down11\n }\n"
		"  real_server 192.0.2.12 80 { weight 2\n inhibit_on_failure\n }\n"
		"  real_server 192.0.2.13 80 { weight 2 }\n"
		"}\n");
	struct lvs *l;

	fake_reset();
	l = start(m, false);
	/* down without inhibit_on_failure: removed, notify_down runs */
	zero_calls();
	lvs_rs_set_alive(rs_of(l, 0, 0), false, "connection refused");
	lvs_apply(l);
	CHECK_EQ(fk.del_dest, 1);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.11"), -1);
	CHECK_EQ(nran, 1);
	CHECK_STR(ran[0], "/bin/down11");
	/* up again: added back with its weight, notify_up runs */
	zero_calls();
	lvs_rs_set_alive(rs_of(l, 0, 0), true, NULL);
	lvs_apply(l);
	CHECK_EQ(fk.add_dest, 1);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.11"), 4);
	CHECK_EQ(nran, 2);
	CHECK_STR(ran[1], "/bin/up11");
	/* down with inhibit_on_failure: weight 0, kept */
	zero_calls();
	lvs_rs_set_alive(rs_of(l, 0, 1), false, NULL);
	lvs_apply(l);
	CHECK_EQ(fk.edit_dest, 1);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.12"), 0);
	zero_calls();
	lvs_rs_set_alive(rs_of(l, 0, 1), true, NULL);
	lvs_apply(l);
	CHECK_EQ(fk.edit_dest, 1);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.12"), 2);
	/* MISC_CHECK dynamic weight */
	zero_calls();
	lvs_rs_set_weight(rs_of(l, 0, 2), 7);
	lvs_apply(l);
	CHECK_EQ(fk.edit_dest, 1);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.13"), 7);
	/* a reload keeps the state of what it keeps: .11 down stays out */
	lvs_rs_set_alive(rs_of(l, 0, 0), false, NULL);
	lvs_apply(l);
	{
		struct cfg_model *m2 = parse(
			"virtual_server 203.0.113.1 80 {\n  lb_algo wrr\n"
			"  real_server 192.0.2.11 80 { weight 4\n notify_up /bin/up11\n notify_down /bin/down11\n }\n"
			"  real_server 192.0.2.12 80 { weight 2\n inhibit_on_failure\n }\n"
			"  real_server 192.0.2.13 80 { weight 2 }\n"
			"}\n");

		zero_calls();
		lvs_load(l, m2);
		cfg_model_free(m);
		m = m2;
		lvs_apply(l);
		CHECK_EQ(calls(), 0);
		CHECK(!rs_of(l, 0, 0)->alive);
		CHECK_EQ(rs_of(l, 0, 2)->weight, 7);	/* dynamic weight kept */
	}
	lvs_free(l);
	cfg_model_free(m);
}

static void test_quorum_sorry(void)
{
	struct cfg_model *m = parse(
		"virtual_server 203.0.113.1 80 {\n  lb_algo rr\n"
		"  quorum 5\n  hysteresis 1\n  quorum_up /bin/qup\n  quorum_down /bin/qdown\n"
		"  sorry_server 192.0.2.99 80\n"
		"  real_server 192.0.2.11 80 { weight 3 }\n"
		"  real_server 192.0.2.12 80 { weight 3\n inhibit_on_failure\n }\n"
		"}\n");
	struct lvs *l;
	int n;

	fake_reset();
	l = start(m, false);
	CHECK(lvs_vs_list(l, &n)[0].quorum_up);
	CHECK_EQ(nran, 0);			/* quorum_up is not run at start */
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.99"), -1);
	/* 6 -> 3 < 5-1: quorum lost; sorry server in, live servers out */
	zero_calls();
	lvs_rs_set_alive(rs_of(l, 0, 0), false, NULL);
	lvs_apply(l);
	CHECK(!lvs_vs_list(l, &n)[0].quorum_up);
	CHECK_EQ(nran, 1);
	CHECK_STR(ran[0], "/bin/qdown");
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.99"), 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.11"), -1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.12"), 0);	/* inhibited */
	/* dynamic weight 2 for .11 and up: 5 < 5+1, quorum stays lost */
	lvs_rs_set_weight(rs_of(l, 0, 0), 2);
	lvs_rs_set_alive(rs_of(l, 0, 0), true, NULL);
	lvs_apply(l);
	CHECK(!lvs_vs_list(l, &n)[0].quorum_up);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.99"), 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.11"), -1);
	/* weight 3: 6 >= 5+1, gained: quorum_up, sorry out, servers back */
	nran = 0;
	lvs_rs_set_weight(rs_of(l, 0, 0), 3);
	lvs_apply(l);
	CHECK(lvs_vs_list(l, &n)[0].quorum_up);
	CHECK_EQ(nran, 1);
	CHECK_STR(ran[0], "/bin/qup");
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.99"), -1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.11"), 3);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.12"), 3);
	/* 6 -> 3: 3 < 4 lost again (hysteresis below) */
	nran = 0;
	lvs_rs_set_weight(rs_of(l, 0, 0), 1);	/* 4: not < 4, still up */
	CHECK(lvs_vs_list(l, &n)[0].quorum_up);
	lvs_rs_set_weight(rs_of(l, 0, 0), 0);	/* 3 < 4: lost */
	CHECK(!lvs_vs_list(l, &n)[0].quorum_up);
	CHECK_EQ(nran, 1);
	lvs_free(l);
	cfg_model_free(m);

	/* alpha: every server starts down, quorum lost at start, sorry in */
	m = parse("virtual_server 203.0.113.1 80 {\n  alpha\n  quorum_down /bin/qdown\n"
		  "  sorry_server 192.0.2.99 80\n  sorry_server_inhibit\n"
		  "  real_server 192.0.2.11 80 { weight 3\n TCP_CHECK {\n }\n }\n}\n");
	CHECK(m);
	if (!m)
		return;
	fake_reset();
	l = start(m, false);
	CHECK(!lvs_vs_list(l, &n)[0].quorum_up);
	CHECK_EQ(nran, 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.99"), 1);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.11"), -1);
	/* back up: sorry_server_inhibit keeps the sorry server at weight 0 */
	lvs_rs_set_alive(rs_of(l, 0, 0), true, NULL);
	lvs_apply(l);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.99"), 0);
	CHECK_EQ(weight_of("203.0.113.1", 80, "192.0.2.11"), 3);
	lvs_free(l);
	cfg_model_free(m);
}

static void test_kernel_refusal(void)
{
	struct cfg_model *m = parse(
		"virtual_server 203.0.113.1 80 {\n  lb_algo mh\n"
		"  real_server 192.0.2.11 80 { }\n}\n"
		"virtual_server 203.0.113.2 80 {\n  lb_algo rr\n"
		"  real_server 192.0.2.11 80 { }\n}\n");
	struct halb_service k1 = key4("203.0.113.1", 80), k2 = key4("203.0.113.2", 80);
	char buf[4096] = "";
	struct lvs *l;
	FILE *f = tmpfile();
	int saved = dup(2);

	fake_reset();
	fk.refuse_sched = "mh";
	/* capture the log: it must name the file:line and the kernel's message */
	dup2(fileno(f), 2);
	l = start(m, false);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	CHECK(!ffind(&k1));
	CHECK(ffind(&k2) && ffind(&k2)->nd == 1);	/* the rest is applied */
	CHECK_EQ(lvs_stats(l)->errors, 1);
	CHECK(strstr(buf, "t.conf:1: virtual_server service TCP 203.0.113.1:80: adding the service failed: Operation not supported (kernel: scheduler not supported by this version of halb)") != NULL);
	if (!strstr(buf, "t.conf:1:"))
		printf("# log was: %s\n", buf);
	/* not retried on every event, only after a reload */
	zero_calls();
	lvs_rs_set_alive(rs_of(l, 1, 0), false, NULL);
	lvs_apply(l);
	CHECK_EQ(lvs_stats(l)->errors, 1);
	CHECK_EQ(calls(), 1);			/* the delete in the rr service */
	lvs_free(l);
	cfg_model_free(m);
}

static void test_standby(void)
{
	struct cfg_model *m = parse(VS3("3", "wrr", ""));
	struct halb_service k = key4("203.0.113.1", 80);
	struct lvs *l;

	fake_reset();
	vrrp_state = 0;			/* the instance holding the VIP is BACKUP */
	l = start(m, false);
	CHECK(ffind(&k) && (ffind(&k)->s.flags & HALB_SVC_F_STANDBY));
	CHECK_EQ(fk.add_svc, 1);
	vrrp_state = 1;			/* MASTER */
	zero_calls();
	CHECK(lvs_poll_standby(l));
	lvs_apply(l);
	CHECK_EQ(fk.edit_svc, 1);
	CHECK_EQ(calls(), 1);
	CHECK(!(ffind(&k)->s.flags & HALB_SVC_F_STANDBY));
	CHECK(!lvs_poll_standby(l));	/* no change, nothing dirty */
	vrrp_state = 0;
	CHECK(lvs_poll_standby(l));
	lvs_apply(l);
	CHECK(ffind(&k)->s.flags & HALB_SVC_F_STANDBY);
	vrrp_state = -1;			/* no instance holds it: a plain director */
	lvs_poll_standby(l);
	lvs_apply(l);
	CHECK(!(ffind(&k)->s.flags & HALB_SVC_F_STANDBY));
	lvs_free(l);
	cfg_model_free(m);
}

static void test_persistence_and_flush(void)
{
	struct cfg_model *m = parse(VS3("3", "wrr", "  persistence_timeout 50\n"
					"  persistence_granularity 24\n  omega\n"
					"  quorum_down /bin/qdown\n"));
	struct halb_service k = key4("203.0.113.1", 80), other = key4("203.0.113.9", 25);
	struct lvs *l;

	fake_reset();
	strcpy(other.sched, "rr");
	f_add_service(NULL, &other);
	l = start(m, false);
	CHECK(ffind(&k) && (ffind(&k)->s.flags & HALB_SVC_F_PERSISTENT));
	CHECK_EQ(ffind(&k)->s.timeout, 50);
	CHECK_EQ(ffind(&k)->s.netmask, 24);
	/* exit with flush: omega notifications, our service only goes */
	nran = 0;
	lvs_stop(l, true);
	CHECK(!ffind(&k));
	CHECK(ffind(&other));
	CHECK_EQ(nran, 1);
	CHECK_STR(ran[0], "/bin/qdown");
	lvs_free(l);
	cfg_model_free(m);
}

int main(void)
{
	RUN(test_vs_config);
	RUN(test_vs_errors);
	RUN(test_vs_equality);
	RUN(test_start_empty_kernel);
	RUN(test_start_adopts);
	RUN(test_reload_minimal);
	RUN(test_reload_many);
	RUN(test_check_transitions);
	RUN(test_quorum_sorry);
	RUN(test_kernel_refusal);
	RUN(test_standby);
	RUN(test_persistence_and_flush);
	reset_msgs();
	return ut_total_fail ? 1 : 0;
}
