// SPDX-License-Identifier: GPL-2.0
/*
 * virtual_server { ... } and virtual_server_group { ... }: keyword handlers
 * and the checks that make a virtual server applicable (address families,
 * ports, duplicates, group references).  Checker blocks inside real_server
 * are handed to the check engine's own parser (check.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/keyidx.h"
#include "halbd/cfg_vs.h"
#include "halbd/check.h"
#include "uapi/linux/halb.h"

/* Schedulers keepalived accepts for lb_algo (IPVS's set). */
static const char *const scheds[] = {
	"rr", "wrr", "lc", "wlc", "sed", "nq", "lblc", "lblcr", "dh", "sh", "mh",
	"fo", "ovf", "twos", NULL,
};

/* ---- shared helpers ---- */

static int parse_port(struct cfg_pctx *p, struct cfg_node *n, const char *s, bool zero_ok,
		      uint16_t *out)
{
	int v;

	if (cfg_int(p, n, s, zero_ok ? 0 : 1, 65535, &v))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int parse_fwd(struct cfg_pctx *p, struct cfg_node *n, const char *s, int *out)
{
	if (!strcasecmp(s, "NAT"))
		*out = HALB_FWD_NAT;
	else if (!strcasecmp(s, "DR"))
		*out = HALB_FWD_DR;
	else if (!strcasecmp(s, "TUN"))
		*out = HALB_FWD_TUN;
	else if (!strcasecmp(s, "FNAT") || !strcasecmp(s, "FULLNAT"))
		*out = HALB_FWD_FULLNAT;
	else {
		cfg_err(p, n, "invalid %s '%s' (expected NAT, DR, TUN or FNAT)", n->kw, s);
		return -1;
	}
	return 0;
}

static int set_ms(struct cfg_pctx *p, struct cfg_node *n, unsigned int *out)
{
	return cfg_decimal(p, n, n->argv[0], 1000, 86400000, out);
}

static void rs_free_fields(struct cfg_rs *rs)
{
	free(rs->virtualhost);
	free(rs->notify_up);
	free(rs->notify_down);
	check_conf_free(rs->checks);
}

static void vs_free(struct cfg_vs *vs)
{
	for (int i = 0; i < vs->nrs; i++)
		rs_free_fields(&vs->rs[i]);
	free(vs->rs);
	if (vs->has_sorry)
		rs_free_fields(&vs->sorry);
	free(vs->laddrs);
	free(vs->quorum_up);
	free(vs->quorum_down);
	free(vs->virtualhost);
	free(vs);
}

static void free_lb(struct cfg_model *m)
{
	while (m->vss) {
		struct cfg_vs *n = m->vss->next;

		vs_free(m->vss);
		m->vss = n;
	}
	while (m->vsgs) {
		struct cfg_vsg *n = m->vsgs->next;

		free(m->vsgs->entries);
		free(m->vsgs);
		m->vsgs = n;
	}
}

/* ---- checker defaults, at real_server and virtual_server level ---- */

static int d_delay_loop(struct cfg_pctx *p, struct cfg_check_dflt *d, struct cfg_node *n)
{
	if (set_ms(p, n, &d->delay_loop_ms))
		return -1;
	if (!d->delay_loop_ms) {
		cfg_err(p, n, "'delay_loop' must be greater than 0");
		return -1;
	}
	return 0;
}

static int d_warmup(struct cfg_pctx *p, struct cfg_check_dflt *d, struct cfg_node *n)
{
	d->has_warmup = true;
	return set_ms(p, n, &d->warmup_ms);
}

static int d_connect_timeout(struct cfg_pctx *p, struct cfg_check_dflt *d, struct cfg_node *n)
{
	return set_ms(p, n, &d->connect_timeout_ms);
}

static int d_retry(struct cfg_pctx *p, struct cfg_check_dflt *d, struct cfg_node *n)
{
	int v;

	if (cfg_int(p, n, n->argv[0], 0, 1000000, &v))
		return -1;
	d->retry = v;
	d->has_retry = true;
	return 0;
}

static int d_dbr(struct cfg_pctx *p, struct cfg_check_dflt *d, struct cfg_node *n)
{
	d->has_delay_before_retry = true;
	return set_ms(p, n, &d->delay_before_retry_ms);
}

/* ---- real_server { ... } (and sorry_server) ---- */

static int r_weight(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 0, HALB_WEIGHT_MAX, &((struct cfg_rs *)o)->weight);
}

static int r_inhibit(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_rs *rs = o;

	(void)p;
	(void)n;
	rs->inhibit = rs->has_inhibit = true;
	return 0;
}

static int r_thresh(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_rs *rs = o;
	int v;

	if (cfg_int(p, n, n->argv[0], 0, 65535, &v))
		return -1;
	if (!strcmp(n->kw, "uthreshold"))
		rs->u_thresh = v;
	else
		rs->l_thresh = v;
	return 0;
}

static int r_notify(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_rs *rs = o;

	return cfg_set_str(p, n, !strcmp(n->kw, "notify_up") ? &rs->notify_up : &rs->notify_down);
}

static int r_kind(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return parse_fwd(p, n, n->argv[0], &((struct cfg_rs *)o)->fwd);
}

static int r_virtualhost(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_set_str(p, n, &((struct cfg_rs *)o)->virtualhost);
}

static int r_delay_loop(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return d_delay_loop(p, &((struct cfg_rs *)o)->dflt, n);
}

static int r_warmup(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return d_warmup(p, &((struct cfg_rs *)o)->dflt, n);
}

static int r_connect_timeout(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return d_connect_timeout(p, &((struct cfg_rs *)o)->dflt, n);
}

static int r_retry(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return d_retry(p, &((struct cfg_rs *)o)->dflt, n);
}

static int r_dbr(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return d_dbr(p, &((struct cfg_rs *)o)->dflt, n);
}

static int r_checker(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_rs *rs = o;
	struct check_conf *c, **tail;

	if (!check_is_checker_kw(n->kw)) {
		cfg_warn(p, n, "checker '%s' is not supported by halbd, ignored", n->kw);
		return 0;
	}
	if (check_conf_parse(p, n, &c))
		return -1;
	for (tail = &rs->checks; *tail; tail = &(*tail)->next)
		;
	*tail = c;
	rs->nchecks++;
	return 0;
}

static int r_obsolete(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	cfg_warn(p, n, "'%s' is not used by halbd, ignored", n->kw);
	return 0;
}

static const struct cfg_kw rs_kws[] = {
	{ "weight", 1, 1, r_weight, false },
	{ "inhibit_on_failure", 0, 0, r_inhibit, false },
	{ "uthreshold", 1, 1, r_thresh, false },
	{ "lthreshold", 1, 1, r_thresh, false },
	{ "notify_up", 1, -1, r_notify, false },
	{ "notify_down", 1, -1, r_notify, false },
	{ "lb_kind", 1, 1, r_kind, false },
	{ "lvs_method", 1, 1, r_kind, false },
	{ "virtualhost", 1, 1, r_virtualhost, false },
	{ "delay_loop", 1, 1, r_delay_loop, false },
	{ "warmup", 1, 1, r_warmup, false },
	{ "connect_timeout", 1, 1, r_connect_timeout, false },
	{ "retry", 1, 1, r_retry, false },
	{ "nb_get_retry", 1, 1, r_retry, false },
	{ "delay_before_retry", 1, 1, r_dbr, false },
	{ "smtp_alert", 0, 1, r_obsolete, false },
	{ "alpha", 0, 0, r_obsolete, false },
	{ "TCP_CHECK", 0, -1, r_checker, true },
	{ "HTTP_GET", 0, -1, r_checker, true },
	{ "SSL_GET", 0, -1, r_checker, true },
	{ "MISC_CHECK", 0, -1, r_checker, true },
	{ "UDP_CHECK", 0, -1, r_checker, true },
	{ "PING_CHECK", 0, -1, r_checker, true },
	{ "ICMP_CHECK", 0, -1, r_checker, true },
	{ "DNS_CHECK", 0, -1, r_checker, true },
	{ "SMTP_CHECK", 0, -1, r_checker, true },
	{ "FILE_CHECK", 0, -1, r_checker, true },
	{ "BFD_CHECK", 0, -1, r_checker, true },
	{ NULL, 0, 0, NULL, false },
};

/* "ADDR PORT" of real_server and sorry_server. */
static int rs_key(struct cfg_pctx *p, struct cfg_node *n, struct cfg_vs *vs, struct cfg_rs *rs)
{
	if (n->argc < 1 || n->argc > 2) {
		cfg_err(p, n, "'%s' needs an address and a port", n->kw);
		return -1;
	}
	if (cfg_addr_arg(p, n, n->argv[0], &rs->addr))
		return -1;
	if (n->argc == 1 && vs->kind != CFG_VS_FWMARK) {
		cfg_err(p, n, "'%s' needs a port", n->kw);
		return -1;
	}
	if (n->argc == 2 && parse_port(p, n, n->argv[1], vs->kind == CFG_VS_FWMARK, &rs->port))
		return -1;
	rs->weight = 1;
	rs->file = n->file;
	rs->line = n->line;
	return 0;
}

/* ---- virtual_server { ... } ---- */

static int v_delay_loop(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return d_delay_loop(p, &((struct cfg_vs *)o)->dflt, n);
}

static int v_warmup(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return d_warmup(p, &((struct cfg_vs *)o)->dflt, n);
}

static int v_connect_timeout(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return d_connect_timeout(p, &((struct cfg_vs *)o)->dflt, n);
}

static int v_retry(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return d_retry(p, &((struct cfg_vs *)o)->dflt, n);
}

static int v_dbr(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return d_dbr(p, &((struct cfg_vs *)o)->dflt, n);
}

static int v_sched(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_vs *vs = o;

	for (int i = 0; scheds[i]; i++)
		if (!strcmp(scheds[i], n->argv[0])) {
			snprintf(vs->sched, sizeof(vs->sched), "%s", scheds[i]);
			return 0;
		}
	cfg_err(p, n, "unknown scheduler '%s' for '%s'", n->argv[0], n->kw);
	return -1;
}

static int v_kind(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return parse_fwd(p, n, n->argv[0], &((struct cfg_vs *)o)->fwd);
}

static int v_laddr(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_vs *vs = o;
	struct cfg_node *c;

	/* "laddr A B ..." on one line, or one address per line in a block */
	for (int i = 0; i < n->argc; i++) {
		void *arr = cfg_grow(vs->laddrs, &vs->nladdrs, sizeof(*vs->laddrs));

		if (!arr)
			return -1;
		vs->laddrs = arr;
		if (cfg_addr_arg(p, n, n->argv[i], &vs->laddrs[vs->nladdrs - 1]))
			return -1;
	}
	for (c = n->child; c; c = c->next) {
		void *arr = cfg_grow(vs->laddrs, &vs->nladdrs, sizeof(*vs->laddrs));

		if (!arr)
			return -1;
		vs->laddrs = arr;
		if (cfg_addr_arg(p, c, c->kw, &vs->laddrs[vs->nladdrs - 1]))
			return -1;
	}
	cfg_warn(p, n, "'laddr' recorded, but local address pools need FULLNAT support in halb.ko; not applied");
	return 0;
}

static int v_persist_timeout(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_vs *vs = o;
	int v;

	if (cfg_int(p, n, n->argv[0], 0, 2678400, &v))
		return -1;
	vs->persistence_s = v;
	vs->persistent = v > 0;
	return 0;
}

/* A dotted IPv4 netmask or a prefix length (IPv6 takes only the latter). */
static int v_persist_gran(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_vs *vs = o;
	struct in_addr m;
	int v;

	if (strchr(n->argv[0], '.')) {
		uint32_t h;

		if (inet_pton(AF_INET, n->argv[0], &m) != 1)
			goto bad;
		h = ntohl(m.s_addr);
		if (h & (~h >> 1))
			goto bad;		/* not contiguous */
		vs->persistence_prefix = __builtin_popcount(h);
		return 0;
	}
	if (cfg_int(p, n, n->argv[0], 1, 128, &v))
		return -1;
	vs->persistence_prefix = v;
	return 0;
bad:
	cfg_err(p, n, "invalid netmask '%s' for 'persistence_granularity'", n->argv[0]);
	return -1;
}

static int v_protocol(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_vs *vs = o;

	if (!strcasecmp(n->argv[0], "TCP"))
		vs->protocol = IPPROTO_TCP;
	else if (!strcasecmp(n->argv[0], "UDP"))
		vs->protocol = IPPROTO_UDP;
	else if (!strcasecmp(n->argv[0], "SCTP")) {
		cfg_err(p, n, "protocol SCTP is not supported by halb");
		return -1;
	} else {
		cfg_err(p, n, "invalid protocol '%s' (expected TCP or UDP)", n->argv[0]);
		return -1;
	}
	return 0;
}

static int v_sorry(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_vs *vs = o;

	if (vs->has_sorry) {
		cfg_err(p, n, "second 'sorry_server' in one virtual_server");
		return -1;
	}
	if (rs_key(p, n, vs, &vs->sorry))
		return -1;
	vs->has_sorry = true;
	return 0;
}

static int v_sorry_inhibit(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)p;
	(void)n;
	((struct cfg_vs *)o)->sorry_inhibit = true;
	return 0;
}

static int v_sorry_kind(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return parse_fwd(p, n, n->argv[0], &((struct cfg_vs *)o)->sorry.fwd);
}

static int v_uint(struct cfg_pctx *p, struct cfg_node *n, unsigned int *out)
{
	int v;

	if (cfg_int(p, n, n->argv[0], 0, 0x7fffffff, &v))
		return -1;
	*out = v;
	return 0;
}

static int v_quorum(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return v_uint(p, n, &((struct cfg_vs *)o)->quorum);
}

static int v_hysteresis(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return v_uint(p, n, &((struct cfg_vs *)o)->hysteresis);
}

static int v_quorum_cmd(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_vs *vs = o;

	return cfg_set_str(p, n, !strcmp(n->kw, "quorum_up") ? &vs->quorum_up : &vs->quorum_down);
}

static int v_flag(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_vs *vs = o;

	(void)p;
	if (!strcmp(n->kw, "alpha"))
		vs->alpha = true;
	else if (!strcmp(n->kw, "omega"))
		vs->omega = true;
	else if (!strcmp(n->kw, "ha_suspend"))
		vs->ha_suspend = true;
	else if (!strcmp(n->kw, "ops"))
		vs->ops = true;
	else if (!strcmp(n->kw, "inhibit_on_failure"))
		vs->inhibit_default = true;
	else if (!strcmp(n->kw, "sh-port") || !strcmp(n->kw, "mh-port"))
		vs->hash_port = true;
	else if (!strcmp(n->kw, "sh-fallback") || !strcmp(n->kw, "mh-fallback"))
		vs->hash_fallback = true;
	return 0;
}

static int v_virtualhost(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_set_str(p, n, &((struct cfg_vs *)o)->virtualhost);
}

static int v_family(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_vs *vs = o;

	if (!strcmp(n->argv[0], "inet"))
		vs->family = AF_INET;
	else if (!strcmp(n->argv[0], "inet6"))
		vs->family = AF_INET6;
	else {
		cfg_err(p, n, "invalid ip_family '%s' (expected inet or inet6)", n->argv[0]);
		return -1;
	}
	return 0;
}

static int v_obsolete(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	cfg_warn(p, n, "'%s' is obsolete (LVS no longer uses it), ignored", n->kw);
	return 0;
}

static int v_unused(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	cfg_warn(p, n, "'%s' is not supported by halbd, ignored", n->kw);
	return 0;
}

static int v_real_server(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_vs *vs = o;
	struct cfg_rs *rs, *arr = cfg_grow(vs->rs, &vs->nrs, sizeof(*vs->rs));

	if (!arr)
		return -1;
	vs->rs = arr;
	rs = &vs->rs[vs->nrs - 1];
	if (rs_key(p, n, vs, rs)) {
		vs->nrs--;
		return -1;
	}
	for (int i = 0; i < vs->nrs - 1; i++)
		if (cfg_addr_equal(&vs->rs[i].addr, &rs->addr) && vs->rs[i].port == rs->port) {
			cfg_err(p, n, "real_server %s %u already defined at line %d", n->argv[0],
				rs->port, vs->rs[i].line);
			vs->nrs--;
			return -1;
		}
	cfg_walk(p, rs_kws, rs, "real_server", n->child);
	return 0;
}

static const struct cfg_kw vs_kws[] = {
	{ "delay_loop", 1, 1, v_delay_loop, false },
	{ "warmup", 1, 1, v_warmup, false },
	{ "connect_timeout", 1, 1, v_connect_timeout, false },
	{ "retry", 1, 1, v_retry, false },
	{ "nb_get_retry", 1, 1, v_retry, false },
	{ "delay_before_retry", 1, 1, v_dbr, false },
	{ "lb_algo", 1, 1, v_sched, false },
	{ "lvs_sched", 1, 1, v_sched, false },
	{ "lb_kind", 1, 1, v_kind, false },
	{ "lvs_method", 1, 1, v_kind, false },
	{ "laddr", 0, -1, v_laddr, false },
	{ "persistence_timeout", 1, 1, v_persist_timeout, false },
	{ "persistence_granularity", 1, 1, v_persist_gran, false },
	{ "protocol", 1, 1, v_protocol, false },
	{ "sorry_server", 1, 2, v_sorry, false },
	{ "sorry_server_inhibit", 0, 0, v_sorry_inhibit, false },
	{ "sorry_server_lvs_method", 1, 1, v_sorry_kind, false },
	{ "quorum", 1, 1, v_quorum, false },
	{ "hysteresis", 1, 1, v_hysteresis, false },
	{ "quorum_up", 1, -1, v_quorum_cmd, false },
	{ "quorum_down", 1, -1, v_quorum_cmd, false },
	{ "alpha", 0, 0, v_flag, false },
	{ "omega", 0, 0, v_flag, false },
	{ "ha_suspend", 0, 0, v_flag, false },
	{ "ops", 0, 0, v_flag, false },
	{ "inhibit_on_failure", 0, 0, v_flag, false },
	{ "sh-port", 0, 0, v_flag, false },
	{ "sh-fallback", 0, 0, v_flag, false },
	{ "mh-port", 0, 0, v_flag, false },
	{ "mh-fallback", 0, 0, v_flag, false },
	{ "virtualhost", 1, 1, v_virtualhost, false },
	{ "ip_family", 1, 1, v_family, false },
	{ "nat_mask", 1, 1, v_obsolete, false },
	{ "net_mask", 1, 1, v_obsolete, false },
	{ "smtp_alert", 0, 1, v_unused, false },
	{ "persistence_engine", 1, 1, v_unused, false },
	{ "real_server", 1, 2, v_real_server, true },
	{ NULL, 0, 0, NULL, false },
};

/* The laddr block form "laddr { ... }" is a block; accept both spellings. */
static bool laddr_block(struct cfg_pctx *p, struct cfg_vs *vs, struct cfg_node *n)
{
	if (strcmp(n->kw, "laddr") || !n->block)
		return false;
	v_laddr(p, vs, n);
	return true;
}

int cfg_parse_vs(struct cfg_pctx *p, struct cfg_node *n)
{
	struct cfg_vs *vs = calloc(1, sizeof(*vs)), **tail;
	struct cfg_node *c, *prev = NULL, *first;

	if (!vs)
		return -1;
	vs->file = n->file;
	vs->line = n->line;
	vs->protocol = IPPROTO_TCP;
	vs->fwd = HALB_FWD_NAT;		/* keepalived's default lb_kind */
	snprintf(vs->sched, sizeof(vs->sched), "wlc");
	vs->persistence_prefix = -1;
	vs->quorum = 1;
	vs->dflt.delay_loop_ms = 60000;
	tail = p->vss_tail ? p->vss_tail : &p->m->vss;
	while (*tail)
		tail = &(*tail)->next;
	*tail = vs;
	p->vss_tail = &vs->next;
	p->m->free_lb = free_lb;

	if (n->argc == 2 && !strcmp(n->argv[0], "fwmark")) {
		int v;

		vs->kind = CFG_VS_FWMARK;
		if (cfg_int(p, n, n->argv[1], 1, 0x7fffffff, &v))
			return -1;
		vs->fwmark = v;
	} else if (n->argc == 2 && !strcmp(n->argv[0], "group")) {
		vs->kind = CFG_VS_GROUP;
		if (cfg_name(p, n, n->argv[1], vs->group, sizeof(vs->group)))
			return -1;
	} else if (n->argc == 2) {
		vs->kind = CFG_VS_ADDR;
		if (cfg_addr_arg(p, n, n->argv[0], &vs->addr) ||
		    parse_port(p, n, n->argv[1], false, &vs->port))
			return -1;
		vs->family = vs->addr.family;
	} else {
		cfg_err(p, n, "'virtual_server' needs ADDR PORT, 'fwmark N' or 'group NAME'");
		return -1;
	}

	/* pull out block-form laddr, which the table cannot express */
	first = n->child;
	for (c = n->child; c; c = c->next) {
		if (laddr_block(p, vs, c)) {
			if (prev)
				prev->next = c->next;
			else
				first = c->next;
			continue;
		}
		prev = c;
	}
	n->child = first;
	cfg_walk(p, vs_kws, vs, "virtual_server", n->child);
	return 0;
}

/* ---- virtual_server_group NAME { ADDR[-LAST] PORT | fwmark N } ---- */

static int vsg_range(struct cfg_pctx *p, struct cfg_node *c, struct cfg_vsg_entry *e)
{
	char buf[INET6_ADDRSTRLEN + 8], *dash;
	unsigned long last;
	char *end;

	snprintf(buf, sizeof(buf), "%s", c->kw);
	dash = strrchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (cfg_addr_arg(p, c, buf, &e->addr))
		return -1;
	e->count = 1;
	if (dash) {
		unsigned int first;

		if (e->addr.family == AF_INET) {
			first = ntohl(e->addr.v4.s_addr) & 0xff;
			last = strtoul(dash + 1, &end, 10);
		} else {
			first = ntohs(e->addr.v6.s6_addr16[7]);
			last = strtoul(dash + 1, &end, 16);
		}
		if (*end || end == dash + 1 || last < first ||
		    last > (e->addr.family == AF_INET ? 255UL : 65535UL)) {
			cfg_err(p, c, "invalid address range '%s'", c->kw);
			return -1;
		}
		e->count = last - first + 1;
	}
	if (c->argc != 1) {
		cfg_err(p, c, "'%s' needs a port", c->kw);
		return -1;
	}
	return parse_port(p, c, c->argv[0], false, &e->port);
}

int cfg_parse_vsg(struct cfg_pctx *p, struct cfg_node *n)
{
	struct cfg_vsg *g, **tail;

	if (n->argc != 1) {
		cfg_err(p, n, "'virtual_server_group' needs exactly one name");
		return -1;
	}
	if (cfg_find_vsg(p->m, n->argv[0])) {
		cfg_err(p, n, "virtual_server_group '%s' defined twice", n->argv[0]);
		return -1;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -1;
	g->file = n->file;
	g->line = n->line;
	for (tail = &p->m->vsgs; *tail; tail = &(*tail)->next)
		;
	*tail = g;
	p->m->free_lb = free_lb;
	if (cfg_name(p, n, n->argv[0], g->name, sizeof(g->name)))
		return -1;
	for (struct cfg_node *c = n->child; c; c = c->next) {
		struct cfg_vsg_entry *e, *arr = cfg_grow(g->entries, &g->nentries, sizeof(*arr));

		if (!arr)
			return -1;
		g->entries = arr;
		e = &g->entries[g->nentries - 1];
		e->line = c->line;
		if (!strcmp(c->kw, "fwmark")) {
			int v;

			e->kind = CFG_VSG_FWMARK;
			if (c->argc != 1 || cfg_int(p, c, c->argv[0], 1, 0x7fffffff, &v)) {
				if (c->argc != 1)
					cfg_err(p, c, "'fwmark' needs one value");
				g->nentries--;
				continue;
			}
			e->fwmark = v;
		} else {
			e->kind = CFG_VSG_RANGE;
			if (vsg_range(p, c, e))
				g->nentries--;
		}
	}
	return 0;
}

struct cfg_vsg *cfg_find_vsg(const struct cfg_model *m, const char *name)
{
	for (struct cfg_vsg *g = m->vsgs; g; g = g->next)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}

/* ---- after the whole file: families, duplicates, references ---- */

static void rs_family(struct cfg_pctx *p, struct cfg_vs *vs, const struct cfg_rs *rs,
		      const char *what)
{
	struct cfg_node at = { .file = rs->file, .line = rs->line };
	char a[INET6_ADDRSTRLEN];

	if (!vs->family)
		vs->family = rs->addr.family;
	if (rs->addr.family != vs->family)
		cfg_err(p, &at, "%s %s is IPv%d, its virtual_server (line %d) is IPv%d", what,
			cfg_addr_str(&rs->addr, a, sizeof(a)), rs->addr.family == AF_INET ? 4 : 6,
			vs->line, vs->family == AF_INET ? 4 : 6);
}

/*
 * The first virtual server before @vs with the same key: looked up in @k
 * (positions in @all) when there is an index, else by a scan from @first.
 */
static const struct cfg_vs *dup_vs(const struct keyidx *k, struct cfg_vs *const *all,
				   const struct cfg_vs *first, const struct cfg_vs *vs, uint64_t h)
{
	size_t it, pos;

	if (!k->slot) {
		for (const struct cfg_vs *o = first; o != vs; o = o->next)
			if (cfg_vs_same_key(o, vs))
				return o;
		return NULL;
	}
	for (it = keyidx_first(k, h); (pos = keyidx_next(k, h, &it)) != KEYIDX_END;)
		if (cfg_vs_same_key(all[pos], vs))
			return all[pos];
	return NULL;
}

void cfg_vs_finish(struct cfg_pctx *p)
{
	struct keyidx seen = { 0 };
	struct cfg_vs **all, *first = p->m->vss;
	size_t n = 0, i = 0;

	for (struct cfg_vs *vs = first; vs; vs = vs->next)
		n++;
	all = calloc(n ? n : 1, sizeof(*all));
	if (all && keyidx_init(&seen, n))
		keyidx_free(&seen);	/* no index: duplicates by a scan */
	for (struct cfg_vs *vs = first; vs; vs = vs->next, i++) {
		const struct cfg_vs *o;
		uint64_t h;
		struct cfg_node at = { .file = vs->file, .line = vs->line };
		char name[80];

		if (vs->kind == CFG_VS_GROUP) {
			struct cfg_vsg *g = cfg_find_vsg(p->m, vs->group);

			if (!g) {
				cfg_err(p, &at, "virtual_server group '%s': no such virtual_server_group",
					vs->group);
				continue;
			}
			for (int i = 0; i < g->nentries; i++) {
				struct cfg_node eat = { .file = g->file, .line = g->entries[i].line };
				int fam = g->entries[i].addr.family;

				if (g->entries[i].kind != CFG_VSG_RANGE)
					continue;
				if (!vs->family)
					vs->family = fam;
				else if (fam != vs->family)
					cfg_err(p, &eat, "virtual_server_group %s mixes IPv4 and IPv6 for virtual_server at %s:%d",
						g->name, vs->file, vs->line);
			}
		}
		for (int i = 0; i < vs->nrs; i++)
			rs_family(p, vs, &vs->rs[i], "real_server");
		if (vs->has_sorry)
			rs_family(p, vs, &vs->sorry, "sorry_server");
		if (!vs->family)
			vs->family = AF_INET;
		if (vs->persistence_prefix > (vs->family == AF_INET ? 32 : 128))
			cfg_err(p, &at, "persistence_granularity /%d is too long for IPv%d",
				vs->persistence_prefix, vs->family == AF_INET ? 4 : 6);
		if (vs->ops && vs->protocol != IPPROTO_UDP && vs->kind == CFG_VS_ADDR)
			cfg_warn(p, &at, "'ops' only applies to UDP services");
		h = cfg_vs_key_hash(vs);
		o = dup_vs(&seen, all, first, vs, h);
		if (o)
			cfg_err(p, &at, "duplicate virtual_server %s (first at %s:%d)",
				cfg_vs_name(vs, name, sizeof(name)), o->file, o->line);
		if (seen.slot) {
			all[i] = vs;
			keyidx_put(&seen, h, i);
		}
	}
	keyidx_free(&seen);
	free(all);
}

/* ---- comparisons, expansion ---- */

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool dflt_equal(const struct cfg_check_dflt *a, const struct cfg_check_dflt *b)
{
	return a->delay_loop_ms == b->delay_loop_ms && a->warmup_ms == b->warmup_ms &&
	       a->has_warmup == b->has_warmup && a->connect_timeout_ms == b->connect_timeout_ms &&
	       a->has_retry == b->has_retry && a->retry == b->retry &&
	       a->has_delay_before_retry == b->has_delay_before_retry &&
	       a->delay_before_retry_ms == b->delay_before_retry_ms;
}

bool cfg_rs_equal(const struct cfg_rs *a, const struct cfg_rs *b)
{
	const struct check_conf *ca, *cb;

	if (!cfg_addr_equal(&a->addr, &b->addr) || a->port != b->port ||
	    a->weight != b->weight || a->fwd != b->fwd || a->inhibit != b->inhibit ||
	    a->has_inhibit != b->has_inhibit || a->u_thresh != b->u_thresh ||
	    a->l_thresh != b->l_thresh || !dflt_equal(&a->dflt, &b->dflt) ||
	    !str_eq(a->virtualhost, b->virtualhost) || !str_eq(a->notify_up, b->notify_up) ||
	    !str_eq(a->notify_down, b->notify_down) || a->nchecks != b->nchecks)
		return false;
	for (ca = a->checks, cb = b->checks; ca && cb; ca = ca->next, cb = cb->next)
		if (!check_conf_equal(ca, cb))
			return false;
	return !ca && !cb;
}

bool cfg_vs_same_key(const struct cfg_vs *a, const struct cfg_vs *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case CFG_VS_ADDR:
		return cfg_addr_equal(&a->addr, &b->addr) && a->port == b->port &&
		       a->protocol == b->protocol;
	case CFG_VS_FWMARK:
		return a->fwmark == b->fwmark && a->family == b->family;
	default:
		return !strcmp(a->group, b->group) && a->protocol == b->protocol;
	}
}

uint64_t cfg_vs_key_hash(const struct cfg_vs *vs)
{
	uint64_t h = keyidx_hash(KEYIDX_SEED, &vs->kind, sizeof(vs->kind));

	switch (vs->kind) {
	case CFG_VS_ADDR:
		h = keyidx_hash(h, &vs->addr.family, sizeof(vs->addr.family));
		if (vs->addr.family == AF_INET6)
			h = keyidx_hash(h, &vs->addr.v6, sizeof(vs->addr.v6));
		else if (vs->addr.family == AF_INET)
			h = keyidx_hash(h, &vs->addr.v4, sizeof(vs->addr.v4));
		h = keyidx_hash(h, &vs->port, sizeof(vs->port));
		return keyidx_hash(h, &vs->protocol, sizeof(vs->protocol));
	case CFG_VS_FWMARK:
		h = keyidx_hash(h, &vs->fwmark, sizeof(vs->fwmark));
		return keyidx_hash(h, &vs->family, sizeof(vs->family));
	default:
		h = keyidx_hash(h, vs->group, strlen(vs->group));
		return keyidx_hash(h, &vs->protocol, sizeof(vs->protocol));
	}
}

bool cfg_vs_equal(const struct cfg_vs *a, const struct cfg_vs *b)
{
	if (!cfg_vs_same_key(a, b) || a->family != b->family || strcmp(a->sched, b->sched) ||
	    a->fwd != b->fwd || !dflt_equal(&a->dflt, &b->dflt) || a->persistent != b->persistent ||
	    a->persistence_s != b->persistence_s || a->persistence_prefix != b->persistence_prefix ||
	    a->hash_port != b->hash_port || a->hash_fallback != b->hash_fallback ||
	    a->ops != b->ops || a->nladdrs != b->nladdrs || a->has_sorry != b->has_sorry ||
	    a->sorry_inhibit != b->sorry_inhibit || a->quorum != b->quorum ||
	    a->hysteresis != b->hysteresis || !str_eq(a->quorum_up, b->quorum_up) ||
	    !str_eq(a->quorum_down, b->quorum_down) || a->alpha != b->alpha ||
	    a->omega != b->omega || a->ha_suspend != b->ha_suspend ||
	    a->inhibit_default != b->inhibit_default || !str_eq(a->virtualhost, b->virtualhost))
		return false;
	for (int i = 0; i < a->nladdrs; i++)
		if (!cfg_addr_equal(&a->laddrs[i], &b->laddrs[i]))
			return false;
	return !a->has_sorry || cfg_rs_equal(&a->sorry, &b->sorry);
}

static struct cfg_addr addr_plus(const struct cfg_addr *a, unsigned int k)
{
	struct cfg_addr r = *a;

	if (r.family == AF_INET)
		r.v4.s_addr = htonl(ntohl(r.v4.s_addr) + k);
	else
		r.v6.s6_addr16[7] = htons(ntohs(r.v6.s6_addr16[7]) + k);
	return r;
}

int cfg_vs_keys(const struct cfg_model *m, const struct cfg_vs *vs, struct cfg_svc_key **out)
{
	const struct cfg_vsg *g;
	struct cfg_svc_key *k;
	int n = 0, cap = 0;

	*out = NULL;
	if (vs->kind != CFG_VS_GROUP) {
		k = calloc(1, sizeof(*k));
		if (!k)
			return -1;
		k->af = vs->family;
		if (vs->kind == CFG_VS_FWMARK) {
			k->fwmark = vs->fwmark;
		} else {
			k->protocol = vs->protocol;
			k->addr = vs->addr;
			k->port = vs->port;
		}
		*out = k;
		return 1;
	}
	g = cfg_find_vsg(m, vs->group);
	if (!g)
		return 0;
	for (int i = 0; i < g->nentries; i++)
		cap += g->entries[i].kind == CFG_VSG_RANGE ? g->entries[i].count : 1;
	if (!cap)
		return 0;
	k = calloc(cap, sizeof(*k));
	if (!k)
		return -1;
	for (int i = 0; i < g->nentries; i++) {
		const struct cfg_vsg_entry *e = &g->entries[i];

		if (e->kind == CFG_VSG_FWMARK) {
			k[n].af = vs->family;
			k[n++].fwmark = e->fwmark;
			continue;
		}
		for (unsigned int j = 0; j < e->count; j++) {
			k[n].af = e->addr.family;
			k[n].protocol = vs->protocol;
			k[n].addr = addr_plus(&e->addr, j);
			k[n++].port = e->port;
		}
	}
	*out = k;
	return n;
}

const char *cfg_vs_name(const struct cfg_vs *vs, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	switch (vs->kind) {
	case CFG_VS_ADDR:
		cfg_addr_str(&vs->addr, a, sizeof(a));
		snprintf(buf, len, vs->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, vs->port);
		break;
	case CFG_VS_FWMARK:
		snprintf(buf, len, "fwmark %u", vs->fwmark);
		break;
	default:
		snprintf(buf, len, "group %s", vs->group);
	}
	return buf;
}

void cfg_vs_count(const struct cfg_model *m, struct cfg_vs_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (const struct cfg_vs *vs = m->vss; vs; vs = vs->next) {
		struct cfg_svc_key *k;
		int n = cfg_vs_keys(m, vs, &k);

		free(k);
		c->vs++;
		c->services += n > 0 ? n : 0;
		c->rs += vs->nrs;
		for (int i = 0; i < vs->nrs; i++)
			c->checkers += vs->rs[i].nchecks;
	}
}
