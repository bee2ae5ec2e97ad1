// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halbd/cfg_parse_int.h"
#include "halbd/cfg_vs.h"

void *cfg_grow(void *arr, int *n, size_t size)
{
	char *p = realloc(arr, (*n + 1) * size);

	if (!p)
		return NULL;
	memset(p + *n * size, 0, size);
	(*n)++;
	return p;
}

int cfg_int(struct cfg_pctx *p, struct cfg_node *n, const char *s, long min, long max,
	    int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		cfg_err(p, n, "invalid value '%s' for '%s' (expected %ld..%ld)", s, n->kw, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/*
 * A non-negative decimal like "1", "0.25" scaled by @scale (100 gives
 * centiseconds from seconds).  Finer digits than the scale are an error
 * rather than silently rounded, except trailing zeros.
 */
int cfg_decimal(struct cfg_pctx *p, struct cfg_node *n, const char *s, unsigned int scale,
		unsigned long max, unsigned int *out)
{
	unsigned long ip = 0, frac = 0, div = 1;
	const char *c = s;
	bool digits = false;

	for (; *c >= '0' && *c <= '9'; c++, digits = true) {
		ip = ip * 10 + (*c - '0');
		if (ip > max)
			goto bad;
	}
	if (*c == '.') {
		for (c++; *c >= '0' && *c <= '9'; c++, digits = true) {
			if (div >= scale) {
				if (*c != '0')
					goto bad;
				continue;
			}
			frac = frac * 10 + (*c - '0');
			div *= 10;
		}
	}
	if (*c || !digits)
		goto bad;
	ip = ip * scale + frac * (scale / div);
	if (ip > max)
		goto bad;
	*out = (unsigned int)ip;
	return 0;
bad:
	cfg_err(p, n, "invalid value '%s' for '%s'", s, n->kw);
	return -1;
}

int cfg_parse_addr(const char *s, struct cfg_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

int cfg_parse_hostport(const char *s, struct cfg_addr *a, uint16_t *port, const char **why)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *h = s;
	size_t hl;
	char *end;
	unsigned long v;

	*why = "expected ADDR:PORT or [ADDR]:PORT";
	if (*s == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			return -1;
		h = s + 1;
		hl = colon - h;
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = colon - s;
		if (memchr(s, ':', hl)) {
			*why = "an IPv6 address is written [ADDR]:PORT";
			return -1;
		}
	}
	if (!hl || hl >= sizeof(host)) {
		*why = "invalid IP address";
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (cfg_parse_addr(host, a) || (*s == '[') != (a->family == AF_INET6)) {
		*why = *s == '[' ? "invalid IPv6 address" : "invalid IPv4 address";
		return -1;
	}
	errno = 0;
	v = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || v < 1 || v > 65535 || colon[1] < '0' || colon[1] > '9') {
		*why = "port must be 1..65535";
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

int cfg_addr_arg(struct cfg_pctx *p, struct cfg_node *n, const char *s, struct cfg_addr *a)
{
	if (cfg_parse_addr(s, a)) {
		cfg_err(p, n, "invalid IP address '%s'", s);
		return -1;
	}
	return 0;
}

int cfg_name(struct cfg_pctx *p, struct cfg_node *n, const char *s, char *dst, size_t len)
{
	if (strlen(s) >= len || !*s) {
		cfg_err(p, n, "name '%.40s' is empty or too long (max %zu)", s, len - 1);
		return -1;
	}
	strcpy(dst, s);
	return 0;
}

/*
 * The rest of a statement as one command string.  Words that had quotes
 * around spaces get them back, so the argv split of the daemon sees the
 * same words the user wrote.
 */
char *cfg_join(struct cfg_node *n)
{
	size_t len = 1;
	char *s, *o;

	if (n->argc == 1)
		return strdup(n->argv[0]);
	for (int i = 0; i < n->argc; i++)
		len += 2 * strlen(n->argv[i]) + 3;
	s = o = malloc(len);
	if (!s)
		return NULL;
	for (int i = 0; i < n->argc; i++) {
		bool q = strpbrk(n->argv[i], " \t\"'\\") || !*n->argv[i];

		if (i)
			*o++ = ' ';
		if (q)
			*o++ = '"';
		for (const char *c = n->argv[i]; *c; c++) {
			if (q && (*c == '"' || *c == '\\'))
				*o++ = '\\';
			*o++ = *c;
		}
		if (q)
			*o++ = '"';
	}
	*o = '\0';
	return s;
}

int cfg_set_str(struct cfg_pctx *p, struct cfg_node *n, char **dst)
{
	char *s = cfg_join(n);

	(void)p;
	if (!s)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

static const struct cfg_kw *find_kw(const struct cfg_kw *tab, const char *name)
{
	for (; tab->name; tab++)
		if (!strcmp(tab->name, name))
			return tab;
	return NULL;
}

/*
 * Run the handlers of @tab over a block.  A one-line block such as
 * "authentication { auth_type PASS auth_pass 1111 }" arrives as one
 * statement with too many words; the surplus is split off into the next
 * statement, which is what the user meant.
 */
void cfg_walk(struct cfg_pctx *p, const struct cfg_kw *tab, void *obj,
	      const char *where, struct cfg_node *first)
{
	for (struct cfg_node *n = first; n; n = n->next) {
		const struct cfg_kw *k = find_kw(tab, n->kw);

		if (!k) {
			cfg_warn(p, n, "unknown keyword '%s' in %s, ignored", n->kw, where);
			continue;
		}
		if (k->max >= 0 && n->argc > k->max && !n->block) {
			struct cfg_node *rest = calloc(1, sizeof(*rest));

			if (!rest)
				return;
			rest->kw = n->argv[k->max];
			rest->argc = n->argc - k->max - 1;
			if (rest->argc) {
				rest->argv = malloc(rest->argc * sizeof(char *));
				if (!rest->argv) {
					free(rest);
					return;
				}
				memcpy(rest->argv, &n->argv[k->max + 1], rest->argc * sizeof(char *));
			}
			rest->file = n->file;
			rest->line = n->line;
			rest->next = n->next;
			n->next = rest;
			n->argc = k->max;
		}
		if (n->argc < k->min) {
			cfg_err(p, n, "'%s' needs %s argument%s", n->kw,
				k->min == 1 ? "an" : "more", k->min == 1 ? "" : "s");
			continue;
		}
		if (k->block && !n->block) {
			cfg_err(p, n, "'%s' needs a { block }", n->kw);
			continue;
		}
		if (!k->block && n->block) {
			cfg_warn(p, n, "unexpected block after '%s' in %s, ignored", n->kw, where);
			continue;
		}
		k->fn(p, obj, n);
	}
}

/* ---- global_defs ---- */

static int g_router_id(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_name(p, n, n->argv[0], ((struct cfg_global *)o)->router_id, CFG_NAME_MAX);
}

static int g_version(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 2, 3, &((struct cfg_global *)o)->vrrp_version);
}

static int g_garp_delay(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 0, 3600, &((struct cfg_global *)o)->garp_delay_s);
}

static int g_garp_repeat(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 0, 1000, &((struct cfg_global *)o)->garp_repeat);
}

static int g_garp_refresh(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 0, 86400, &((struct cfg_global *)o)->garp_refresh_s);
}

static int g_garp_refresh_rep(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 1, 1000,
		       &((struct cfg_global *)o)->garp_refresh_repeat);
}

static int g_garp_interval(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_decimal(p, n, n->argv[0], 1000000, 10000000,
			   &((struct cfg_global *)o)->garp_interval_us);
}

static int g_gna_interval(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_decimal(p, n, n->argv[0], 1000000, 10000000,
			   &((struct cfg_global *)o)->gna_interval_us);
}

static int g_mcast(struct cfg_pctx *p, struct cfg_node *n, struct cfg_addr *a, int family)
{
	struct cfg_addr tmp;

	if (cfg_addr_arg(p, n, n->argv[0], &tmp))
		return -1;
	if (tmp.family != family ||
	    (family == AF_INET && !IN_MULTICAST(ntohl(tmp.v4.s_addr))) ||
	    (family == AF_INET6 && !IN6_IS_ADDR_MULTICAST(&tmp.v6))) {
		cfg_err(p, n, "'%s' is not an IPv%d multicast address", n->argv[0],
			family == AF_INET ? 4 : 6);
		return -1;
	}
	*a = tmp;
	return 0;
}

static int g_mcast4(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return g_mcast(p, n, &((struct cfg_global *)o)->mcast4, AF_INET);
}

static int g_mcast6(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return g_mcast(p, n, &((struct cfg_global *)o)->mcast6, AF_INET6);
}

static int g_script_security(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)p;
	(void)n;
	((struct cfg_global *)o)->script_security = true;
	return 0;
}

static int g_script_user(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	if (n->argc > 1)
		cfg_warn(p, n, "group of 'script_user' ignored, the user's primary group is used");
	return cfg_name(p, n, n->argv[0], ((struct cfg_global *)o)->script_user, CFG_NAME_MAX);
}

/* Mail alerts are not sent by halbd; keep what was said and tell the user once. */
static int g_mail(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_global *g = o;

	cfg_warn(p, n, "'%s' accepted, but halbd does not send mail", n->kw);
	if (!strcmp(n->kw, "smtp_server") && n->argc)
		return cfg_set_str(p, n, &g->smtp_server);
	if (!strcmp(n->kw, "notification_email_from") && n->argc)
		return cfg_set_str(p, n, &g->notify_email_from);
	return 0;
}

static int g_lvs_flush(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_global *g = o;

	(void)p;
	if (!strcmp(n->kw, "lvs_flush"))
		g->lvs_flush = true;
	else
		g->lvs_flush_onstop = true;
	return 0;
}

/* Observability: the metrics endpoint and the SIGUSR1 state dump (halbd.8). */
static int g_prometheus(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_global *g = o;
	const char *why;

	if (cfg_parse_hostport(n->argv[0], &g->prom_addr, &g->prom_port, &why)) {
		memset(&g->prom_addr, 0, sizeof(g->prom_addr));
		cfg_err(p, n, "invalid value '%s' for '%s': %s", n->argv[0], n->kw, why);
		return -1;
	}
	g->prom_file = n->file;
	g->prom_line = n->line;
	return 0;
}

static int g_dump_file(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_global *g = o;

	if (n->argv[0][0] != '/') {
		cfg_err(p, n, "'%s' needs an absolute path", n->kw);
		return -1;
	}
	return cfg_set_str(p, n, &g->state_dump_file);
}

static const struct cfg_kw global_kws[] = {
	{ "router_id", 1, 1, g_router_id, false },
	{ "vrrp_version", 1, 1, g_version, false },
	{ "vrrp_garp_master_delay", 1, 1, g_garp_delay, false },
	{ "vrrp_garp_master_repeat", 1, 1, g_garp_repeat, false },
	{ "vrrp_garp_master_refresh", 1, 1, g_garp_refresh, false },
	{ "vrrp_garp_master_refresh_repeat", 1, 1, g_garp_refresh_rep, false },
	{ "vrrp_garp_interval", 1, 1, g_garp_interval, false },
	{ "vrrp_gna_interval", 1, 1, g_gna_interval, false },
	{ "vrrp_mcast_group4", 1, 1, g_mcast4, false },
	{ "vrrp_mcast_group6", 1, 1, g_mcast6, false },
	{ "enable_script_security", 0, 0, g_script_security, false },
	{ "script_user", 1, 2, g_script_user, false },
	{ "notification_email", 0, 0, g_mail, true },
	{ "notification_email_from", 1, 1, g_mail, false },
	{ "smtp_server", 1, 2, g_mail, false },
	{ "smtp_connect_timeout", 1, 1, g_mail, false },
	{ "lvs_flush", 0, 0, g_lvs_flush, false },
	{ "lvs_flush_onstop", 0, 1, g_lvs_flush, false },
	{ "prometheus_listen", 1, 1, g_prometheus, false },
	{ "state_dump_file", 1, 1, g_dump_file, false },
	{ NULL, 0, 0, NULL, false },
};

/* ---- vrrp_script ---- */

static int s_script(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_set_str(p, n, &((struct cfg_script *)o)->script);
}

static int s_ms(struct cfg_pctx *p, struct cfg_node *n, unsigned int *out)
{
	return cfg_decimal(p, n, n->argv[0], 1000, 86400000, out);
}

static int s_interval(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_script *s = o;

	if (s_ms(p, n, &s->interval_ms))
		return -1;
	if (!s->interval_ms) {
		cfg_err(p, n, "'interval' must be greater than 0");
		return -1;
	}
	return 0;
}

static int s_timeout(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return s_ms(p, n, &((struct cfg_script *)o)->timeout_ms);
}

static int s_weight(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	if (n->argc > 1 && strcmp(n->argv[1], "reverse"))
		cfg_warn(p, n, "unknown option '%s' to 'weight', ignored", n->argv[1]);
	return cfg_int(p, n, n->argv[0], -253, 253, &((struct cfg_script *)o)->weight);
}

static int s_rise(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 1, 1000, &((struct cfg_script *)o)->rise);
}

static int s_fall(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 1, 1000, &((struct cfg_script *)o)->fall);
}

static int s_user(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	if (n->argc > 1)
		cfg_warn(p, n, "group of 'user' ignored, the user's primary group is used");
	return cfg_name(p, n, n->argv[0], ((struct cfg_script *)o)->user, CFG_NAME_MAX);
}

static const struct cfg_kw script_kws[] = {
	{ "script", 1, -1, s_script, false },
	{ "interval", 1, 1, s_interval, false },
	{ "timeout", 1, 1, s_timeout, false },
	{ "weight", 1, 2, s_weight, false },
	{ "rise", 1, 1, s_rise, false },
	{ "fall", 1, 1, s_fall, false },
	{ "user", 1, 2, s_user, false },
	{ NULL, 0, 0, NULL, false },
};

static int parse_script(struct cfg_pctx *p, struct cfg_node *n)
{
	struct cfg_script *s, **tail;

	if (n->argc != 1) {
		cfg_err(p, n, "'vrrp_script' needs exactly one name");
		return -1;
	}
	if (cfg_find_script(p->m, n->argv[0])) {
		cfg_err(p, n, "vrrp_script '%s' defined twice", n->argv[0]);
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->file = n->file;
	s->line = n->line;
	s->interval_ms = 1000;
	s->rise = 1;
	s->fall = 1;
	for (tail = &p->m->scripts; *tail; tail = &(*tail)->next)
		;
	*tail = s;
	if (cfg_name(p, n, n->argv[0], s->name, sizeof(s->name)))
		return -1;
	cfg_walk(p, script_kws, s, "vrrp_script", n->child);
	if (!s->script)
		cfg_err(p, n, "vrrp_script '%s' has no 'script'", s->name);
	return 0;
}

/* ---- vrrp_sync_group ---- */

static int sg_group(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_sync_group *g = o;

	for (struct cfg_node *c = n->child; c; c = c->next) {
		for (int i = -1; i < c->argc; i++) {
			const char *name = i < 0 ? c->kw : c->argv[i];
			void *arr = cfg_grow(g->members, &g->nmembers, sizeof(*g->members));

			if (!arr)
				return -1;
			g->members = arr;
			if (cfg_name(p, c, name, g->members[g->nmembers - 1], CFG_NAME_MAX))
				return -1;
		}
	}
	return 0;
}

static int sg_notify(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_notify *nt = &((struct cfg_sync_group *)o)->notify;
	char **dst = !strcmp(n->kw, "notify_master") ? &nt->master :
		     !strcmp(n->kw, "notify_backup") ? &nt->backup :
		     !strcmp(n->kw, "notify_fault") ? &nt->fault :
		     !strcmp(n->kw, "notify_stop") ? &nt->stop : &nt->any;

	return cfg_set_str(p, n, dst);
}

static int sg_accept(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	cfg_warn(p, n, "'%s' accepted, but halbd does not send mail", n->kw);
	return 0;
}

static const struct cfg_kw group_kws[] = {
	{ "group", 0, 0, sg_group, true },
	{ "notify_master", 1, -1, sg_notify, false },
	{ "notify_backup", 1, -1, sg_notify, false },
	{ "notify_fault", 1, -1, sg_notify, false },
	{ "notify_stop", 1, -1, sg_notify, false },
	{ "notify", 1, -1, sg_notify, false },
	{ "smtp_alert", 0, 1, sg_accept, false },
	{ NULL, 0, 0, NULL, false },
};

static int parse_group(struct cfg_pctx *p, struct cfg_node *n)
{
	struct cfg_sync_group *g, **tail;

	if (n->argc != 1) {
		cfg_err(p, n, "'vrrp_sync_group' needs exactly one name");
		return -1;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -1;
	g->file = n->file;
	g->line = n->line;
	for (tail = &p->m->groups; *tail; tail = &(*tail)->next)
		;
	*tail = g;
	if (cfg_name(p, n, n->argv[0], g->name, sizeof(g->name)))
		return -1;
	cfg_walk(p, group_kws, g, "vrrp_sync_group", n->child);
	return 0;
}

/* ---- top level ---- */

static int top_global(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	cfg_walk(p, global_kws, &p->m->global, "global_defs", n->child);
	return 0;
}

static int top_instance(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	return cfg_parse_instance(p, n);
}

static int top_script(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	return parse_script(p, n);
}

static int top_group(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	return parse_group(p, n);
}

static int top_vs(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	return cfg_parse_vs(p, n);
}

static int top_vsg(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	return cfg_parse_vsg(p, n);
}

static const struct cfg_kw top_kws[] = {
	{ "global_defs", 0, 0, top_global, true },
	{ "vrrp_instance", 0, -1, top_instance, true },
	{ "vrrp_script", 0, -1, top_script, true },
	{ "vrrp_sync_group", 0, -1, top_group, true },
	{ "virtual_server", 0, -1, top_vs, true },
	{ "virtual_server_group", 0, -1, top_vsg, true },
	{ NULL, 0, 0, NULL, false },
};

/* Cross references, checked once every block is known. */
static void check_refs(struct cfg_pctx *p)
{
	struct cfg_node where = { 0 };

	for (struct cfg_instance *vi = p->m->instances; vi; vi = vi->next) {
		where.file = vi->file;
		where.line = vi->line;
		for (int i = 0; i < vi->ntrack_scripts; i++) {
			if (cfg_find_script(p->m, vi->track_scripts[i].name))
				continue;
			cfg_warn(p, &where, "vrrp_instance %s tracks unknown vrrp_script '%s', ignored",
				 vi->name, vi->track_scripts[i].name);
			memmove(&vi->track_scripts[i], &vi->track_scripts[i + 1],
				(vi->ntrack_scripts - i - 1) * sizeof(*vi->track_scripts));
			vi->ntrack_scripts--;
			i--;
		}
	}
	for (struct cfg_sync_group *g = p->m->groups; g; g = g->next) {
		where.file = g->file;
		where.line = g->line;
		for (int i = 0; i < g->nmembers; i++) {
			if (cfg_find_instance(p->m, g->members[i]))
				continue;
			cfg_warn(p, &where, "vrrp_sync_group %s: unknown vrrp_instance '%s', ignored",
				 g->name, g->members[i]);
			memmove(&g->members[i], &g->members[i + 1],
				(g->nmembers - i - 1) * sizeof(*g->members));
			g->nmembers--;
			i--;
		}
		for (struct cfg_sync_group *o = p->m->groups; o != g; o = o->next)
			for (int i = 0; i < g->nmembers; i++)
				for (int j = 0; j < o->nmembers; j++)
					if (!strcmp(g->members[i], o->members[j]))
						cfg_err(p, &where, "vrrp_instance %s is in two sync groups",
							g->members[i]);
	}
}

static struct cfg_model *load(struct cfg_model *m, struct cfg_diag *d, int ret,
			      struct cfg_node *tree)
{
	struct cfg_pctx p = { .m = m, .d = d };

	if (!ret) {
		cfg_walk(&p, top_kws, NULL, "top level", tree);
		check_refs(&p);
		cfg_vs_finish(&p);
	}
	cfg_tree_free(tree);
	m->nwarnings = d->warnings;
	if (ret || d->errors) {
		cfg_model_free(m);
		return NULL;
	}
	return m;
}

/* A new model that knows its config id (NULL: the default). */
static struct cfg_model *new_model(const char *config_id)
{
	struct cfg_model *m = cfg_model_new();

	if (m && config_id) {
		m->config_id = strdup(config_id);
		if (!m->config_id) {
			cfg_model_free(m);
			return NULL;
		}
	}
	return m;
}

struct cfg_model *cfg_load(const char *path, const char *config_id, struct cfg_diag *d)
{
	struct cfg_model *m = new_model(config_id);
	struct cfg_node *tree = NULL;
	int ret;

	if (!m)
		return NULL;
	ret = cfg_read_tree(m, path, d, &tree);
	return load(m, d, ret, tree);
}

struct cfg_model *cfg_load_buf(const char *name, const char *buf, size_t len,
			       const char *config_id, struct cfg_diag *d)
{
	struct cfg_model *m = new_model(config_id);
	struct cfg_node *tree = NULL;
	int ret;

	if (!m)
		return NULL;
	ret = cfg_read_tree_buf(m, name, buf, len, d, &tree);
	return load(m, d, ret, tree);
}
