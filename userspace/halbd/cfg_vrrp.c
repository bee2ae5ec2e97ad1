// SPDX-License-Identifier: GPL-2.0
/*
 * vrrp_instance { ... }: keyword handlers and the checks that make an
 * instance runnable (interface, VRID, address families, intervals).
 */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "halbd/cfg_parse_int.h"

static int i_state(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_instance *vi = o;

	if (!strcasecmp(n->argv[0], "MASTER"))
		vi->init_master = true;
	else if (!strcasecmp(n->argv[0], "BACKUP"))
		vi->init_master = false;
	else {
		cfg_err(p, n, "invalid state '%s' (expected MASTER or BACKUP)", n->argv[0]);
		return -1;
	}
	return 0;
}

static int i_interface(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_name(p, n, n->argv[0], ((struct cfg_instance *)o)->ifname, IFNAMSIZ);
}

static int i_vrid(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 1, 255, &((struct cfg_instance *)o)->vrid);
}

static int i_priority(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 1, 255, &((struct cfg_instance *)o)->priority);
}

static int i_advert(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_instance *vi = o;

	if (cfg_decimal(p, n, n->argv[0], 100, 25500, &vi->advert_cs))
		return -1;
	if (!vi->advert_cs) {
		cfg_err(p, n, "'advert_int' must be greater than 0");
		return -1;
	}
	return 0;
}

static int i_version(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 2, 3, &((struct cfg_instance *)o)->version);
}

static int a_type(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_instance *vi = o;

	if (!strcasecmp(n->argv[0], "PASS"))
		vi->auth_type = CFG_AUTH_PASS;
	else if (!strcasecmp(n->argv[0], "AH"))
		vi->auth_type = CFG_AUTH_AH;
	else {
		cfg_err(p, n, "invalid auth_type '%s' (expected PASS or AH)", n->argv[0]);
		return -1;
	}
	return 0;
}

static int a_pass(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_instance *vi = o;

	if (strlen(n->argv[0]) > 8)
		cfg_warn(p, n, "auth_pass longer than 8 characters, truncated like keepalived");
	memset(vi->auth_pass, 0, sizeof(vi->auth_pass));
	strncpy(vi->auth_pass, n->argv[0], 8);
	return 0;
}

static const struct cfg_kw auth_kws[] = {
	{ "auth_type", 1, 1, a_type, false },
	{ "auth_pass", 1, 1, a_pass, false },
	{ NULL, 0, 0, NULL, false },
};

static int i_auth(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	cfg_walk(p, auth_kws, o, "authentication", n->child);
	return 0;
}

static int parse_scope(const char *s)
{
	static const struct { const char *name; int v; } names[] = {
		{ "global", RT_SCOPE_UNIVERSE }, { "universe", RT_SCOPE_UNIVERSE },
		{ "site", RT_SCOPE_SITE }, { "link", RT_SCOPE_LINK },
		{ "host", RT_SCOPE_HOST }, { "nowhere", RT_SCOPE_NOWHERE },
	};
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].v;
	v = strtol(s, &end, 10);
	return (*s && !*end && v >= 0 && v <= 255) ? (int)v : -1;
}

static bool looks_like_addr(const char *s)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	struct cfg_addr a;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	return !cfg_parse_addr(buf, &a);
}

/*
 * "ADDR[/len] [dev X] [label Y] [scope Z] [brd B]" from @w[0..n).  Returns
 * the words used: an address where an option name belongs starts the next
 * VIP, so "virtual_ipaddress { 192.0.2.1 192.0.2.2 }" on one line works.
 */
static int parse_vip(struct cfg_pctx *p, struct cfg_node *n, char **w, int nw,
		     struct cfg_vip *v, bool *ok)
{
	char addr[INET6_ADDRSTRLEN + 8], *slash;
	int i;

	*ok = false;
	v->prefix = -1;
	v->line = n->line;
	if (strlen(w[0]) >= sizeof(addr)) {
		cfg_err(p, n, "invalid virtual address '%.60s'", w[0]);
		return nw;
	}
	strcpy(addr, w[0]);
	slash = strchr(addr, '/');
	if (slash)
		*slash++ = '\0';
	if (cfg_addr_arg(p, n, addr, &v->addr))
		return nw;
	if (slash) {
		struct cfg_node at = { .kw = w[0], .file = n->file, .line = n->line };

		if (cfg_int(p, &at, slash, 0, v->addr.family == AF_INET ? 32 : 128, &v->prefix))
			return nw;
	}
	for (i = 1; i < nw; i += 2) {
		const char *opt = w[i], *val = i + 1 < nw ? w[i + 1] : NULL;

		if (looks_like_addr(opt))
			break;
		if (!val) {
			cfg_err(p, n, "'%s' of virtual address %s needs a value", opt, w[0]);
			return nw;
		}
		if (!strcmp(opt, "dev")) {
			if (cfg_name(p, n, val, v->dev, sizeof(v->dev)))
				return nw;
		} else if (!strcmp(opt, "label")) {
			if (cfg_name(p, n, val, v->label, sizeof(v->label)))
				return nw;
		} else if (!strcmp(opt, "scope")) {
			v->scope = parse_scope(val);
			if (v->scope < 0) {
				cfg_err(p, n, "invalid scope '%s'", val);
				return nw;
			}
		} else if (!strcmp(opt, "brd") || !strcmp(opt, "broadcast")) {
			if (cfg_addr_arg(p, n, val, &v->brd))
				return nw;
			if (v->brd.family != AF_INET || v->addr.family != AF_INET) {
				cfg_err(p, n, "broadcast address only for IPv4");
				return nw;
			}
		} else {
			cfg_warn(p, n, "unknown option '%s' of virtual address %s, ignored",
				 opt, w[0]);
		}
	}
	*ok = true;
	return i;
}

static int vip_list(struct cfg_pctx *p, struct cfg_node *n, struct cfg_vip **arr, int *cnt)
{
	for (struct cfg_node *c = n->child; c; c = c->next) {
		char **w = malloc((c->argc + 1) * sizeof(char *));
		int nw = c->argc + 1, pos = 0;

		if (!w)
			return -1;
		w[0] = c->kw;
		if (c->argc)
			memcpy(w + 1, c->argv, c->argc * sizeof(char *));
		if (c->block)
			cfg_warn(p, c, "unexpected block in %s, ignored", n->kw);
		while (pos < nw) {
			struct cfg_vip *a = cfg_grow(*arr, cnt, sizeof(**arr));
			bool ok;

			if (!a) {
				free(w);
				return -1;
			}
			*arr = a;
			pos += parse_vip(p, c, w + pos, nw - pos, &a[*cnt - 1], &ok);
			if (!ok)
				(*cnt)--;
		}
		free(w);
	}
	return 0;
}

static int i_vips(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_instance *vi = o;

	return vip_list(p, n, &vi->vips, &vi->nvips);
}

static int i_vips_excl(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_instance *vi = o;

	return vip_list(p, n, &vi->vips_excl, &vi->nvips_excl);
}

static int i_nopreempt(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)p;
	(void)n;
	((struct cfg_instance *)o)->nopreempt = true;
	return 0;
}

static int i_preempt_delay(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_decimal(p, n, n->argv[0], 1000, 1000000,
			   &((struct cfg_instance *)o)->preempt_delay_ms);
}

static int i_usrc(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_addr_arg(p, n, n->argv[0], &((struct cfg_instance *)o)->unicast_src);
}

static int i_peers(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_instance *vi = o;

	for (struct cfg_node *c = n->child; c; c = c->next) {
		struct cfg_addr *a = cfg_grow(vi->peers, &vi->npeers, sizeof(*a));

		if (!a)
			return -1;
		vi->peers = a;
		/* keepalived allows per-peer options ("min_ttl" ...): not here */
		if (c->argc)
			cfg_warn(p, c, "options of unicast peer %s ignored", c->kw);
		if (cfg_addr_arg(p, c, c->kw, &a[vi->npeers - 1]))
			vi->npeers--;
	}
	return 0;
}

static int weight_arg(struct cfg_pctx *p, struct cfg_node *c, int *w, bool *has)
{
	if (!c->argc)
		return 0;
	if (strcmp(c->argv[0], "weight") || c->argc < 2) {
		cfg_err(p, c, "expected 'weight N' after '%s'", c->kw);
		return -1;
	}
	if (c->argc > 2 && strcmp(c->argv[2], "reverse"))
		cfg_warn(p, c, "unknown option '%s' after weight, ignored", c->argv[2]);
	if (has)
		*has = true;
	return cfg_int(p, c, c->argv[1], -254, 254, w);
}

static int i_track_if(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_instance *vi = o;

	for (struct cfg_node *c = n->child; c; c = c->next) {
		struct cfg_track_if *t = cfg_grow(vi->track_ifs, &vi->ntrack_ifs, sizeof(*t));

		if (!t)
			return -1;
		vi->track_ifs = t;
		t = &t[vi->ntrack_ifs - 1];
		if (cfg_name(p, c, c->kw, t->name, sizeof(t->name)) ||
		    weight_arg(p, c, &t->weight, NULL))
			vi->ntrack_ifs--;
	}
	return 0;
}

static int i_track_script(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_instance *vi = o;

	for (struct cfg_node *c = n->child; c; c = c->next) {
		struct cfg_track_script *t = cfg_grow(vi->track_scripts, &vi->ntrack_scripts,
						      sizeof(*t));

		if (!t)
			return -1;
		vi->track_scripts = t;
		t = &t[vi->ntrack_scripts - 1];
		if (cfg_name(p, c, c->kw, t->name, sizeof(t->name)) ||
		    weight_arg(p, c, &t->weight, &t->has_weight))
			vi->ntrack_scripts--;
	}
	return 0;
}

static int i_notify(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_notify *nt = &((struct cfg_instance *)o)->notify;
	char **dst = !strcmp(n->kw, "notify_master") ? &nt->master :
		     !strcmp(n->kw, "notify_backup") ? &nt->backup :
		     !strcmp(n->kw, "notify_fault") ? &nt->fault :
		     !strcmp(n->kw, "notify_stop") ? &nt->stop : &nt->any;

	return cfg_set_str(p, n, dst);
}

static int i_garp_delay(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 0, 3600, &((struct cfg_instance *)o)->garp_delay_s);
}

static int i_garp_repeat(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 0, 1000, &((struct cfg_instance *)o)->garp_repeat);
}

static int i_garp_refresh(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 0, 86400, &((struct cfg_instance *)o)->garp_refresh_s);
}

static int i_garp_refresh_rep(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_int(p, n, n->argv[0], 1, 1000,
		       &((struct cfg_instance *)o)->garp_refresh_repeat);
}

static int i_flag(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct cfg_instance *vi = o;

	if (!strcmp(n->kw, "native_ipv6"))
		vi->native_ipv6 = true;
	else if (!strcmp(n->kw, "dont_track_primary"))
		vi->dont_track_primary = true;
	else if (!strcmp(n->kw, "smtp_alert")) {
		vi->smtp_alert = true;
		cfg_warn(p, n, "'smtp_alert' accepted, but halbd does not send mail");
	}
	return 0;
}

static const struct cfg_kw instance_kws[] = {
	{ "state", 1, 1, i_state, false },
	{ "interface", 1, 1, i_interface, false },
	{ "virtual_router_id", 1, 1, i_vrid, false },
	{ "priority", 1, 1, i_priority, false },
	{ "advert_int", 1, 1, i_advert, false },
	{ "version", 1, 1, i_version, false },
	{ "authentication", 0, 0, i_auth, true },
	{ "virtual_ipaddress", 0, 0, i_vips, true },
	{ "virtual_ipaddress_excluded", 0, 0, i_vips_excl, true },
	{ "nopreempt", 0, 0, i_nopreempt, false },
	{ "preempt_delay", 1, 1, i_preempt_delay, false },
	{ "unicast_src_ip", 1, 1, i_usrc, false },
	{ "unicast_peer", 0, 0, i_peers, true },
	{ "track_interface", 0, 0, i_track_if, true },
	{ "track_script", 0, 0, i_track_script, true },
	{ "notify_master", 1, -1, i_notify, false },
	{ "notify_backup", 1, -1, i_notify, false },
	{ "notify_fault", 1, -1, i_notify, false },
	{ "notify_stop", 1, -1, i_notify, false },
	{ "notify", 1, -1, i_notify, false },
	{ "garp_master_delay", 1, 1, i_garp_delay, false },
	{ "garp_master_repeat", 1, 1, i_garp_repeat, false },
	{ "garp_master_refresh", 1, 1, i_garp_refresh, false },
	{ "garp_master_refresh_repeat", 1, 1, i_garp_refresh_rep, false },
	{ "smtp_alert", 0, 1, i_flag, false },
	{ "native_ipv6", 0, 0, i_flag, false },
	{ "dont_track_primary", 0, 0, i_flag, false },
	{ NULL, 0, 0, NULL, false },
};

static void check_instance(struct cfg_pctx *p, struct cfg_node *n, struct cfg_instance *vi)
{
	int version, fam = 0;

	if (!vi->ifname[0])
		cfg_err(p, n, "vrrp_instance %s: missing 'interface'", vi->name);
	if (!vi->vrid)
		cfg_err(p, n, "vrrp_instance %s: missing 'virtual_router_id'", vi->name);
	for (int i = 0; i < vi->nvips; i++) {
		if (fam && vi->vips[i].addr.family != fam) {
			struct cfg_node at = { .file = n->file, .line = vi->vips[i].line };

			cfg_err(p, &at, "vrrp_instance %s: IPv4 and IPv6 virtual addresses mixed"
				" (use virtual_ipaddress_excluded or a second instance)", vi->name);
			break;
		}
		fam = vi->vips[i].addr.family;
	}
	if (!fam)
		fam = vi->native_ipv6 ? AF_INET6 : AF_INET;
	if (vi->native_ipv6 && fam != AF_INET6)
		cfg_err(p, n, "vrrp_instance %s: native_ipv6 with IPv4 addresses", vi->name);
	vi->family = fam;
	if (vi->unicast_src.family && vi->unicast_src.family != fam)
		cfg_err(p, n, "vrrp_instance %s: unicast_src_ip family differs from the VIPs",
			vi->name);
	for (int i = 0; i < vi->npeers; i++)
		if (vi->peers[i].family != fam)
			cfg_err(p, n, "vrrp_instance %s: unicast_peer family differs from the VIPs",
				vi->name);
	for (int i = 0; i < vi->npeers && fam == AF_INET6 && !vi->unicast_src.family; i++)
		if (vi->peers[i].family == AF_INET6 && !IN6_IS_ADDR_LINKLOCAL(&vi->peers[i].v6)) {
			/* peers check the source: a link-local one is in no peer list */
			cfg_warn(p, n, "vrrp_instance %s: IPv6 unicast_peer without unicast_src_ip:"
				 " adverts go out from the link-local address, which peers"
				 " listing global addresses drop", vi->name);
			break;
		}
	version = cfg_instance_version(p->m, vi);
	if (fam == AF_INET6 && vi->version == 2)
		cfg_warn(p, n, "vrrp_instance %s: VRRPv2 has no IPv6, using version 3", vi->name);
	if (version == 2 && vi->advert_cs % 100) {
		cfg_warn(p, n, "vrrp_instance %s: VRRPv2 advert_int is whole seconds, rounded up",
			 vi->name);
		vi->advert_cs = (vi->advert_cs / 100 + 1) * 100;
	}
	if (version == 3 && vi->advert_cs > 4095) {
		cfg_err(p, n, "vrrp_instance %s: VRRPv3 advert_int above 40.95 s", vi->name);
	}
	if (version == 3 && vi->auth_type != CFG_AUTH_NONE) {
		cfg_warn(p, n, "vrrp_instance %s: VRRPv3 has no authentication, ignored", vi->name);
		vi->auth_type = CFG_AUTH_NONE;
	}
	if (vi->auth_type == CFG_AUTH_AH && vi->init_master && vi->priority != 255) {
		/*
		 * keepalived clears it too: a node that starts as master sends
		 * sequence number 1, which the others drop as a replay.  As a
		 * backup it first learns the master's number from its adverts.
		 */
		cfg_warn(p, n, "vrrp_instance %s: 'state MASTER' with auth_type AH starts as"
			 " BACKUP, like keepalived, to learn the AH sequence number first",
			 vi->name);
		vi->init_master = false;
	}
	if (vi->nopreempt && vi->init_master)
		cfg_warn(p, n, "vrrp_instance %s: nopreempt needs 'state BACKUP' to matter",
			 vi->name);
	if (vi->nvips > 255)
		cfg_err(p, n, "vrrp_instance %s: more than 255 virtual addresses", vi->name);
	for (struct cfg_instance *o = p->m->instances; o && o != vi; o = o->next)
		if (o->vrid == vi->vrid && o->family == vi->family &&
		    !strcmp(o->ifname, vi->ifname) && vi->vrid)
			cfg_err(p, n, "vrrp_instance %s: VRID %d already used by %s on %s",
				vi->name, vi->vrid, o->name, vi->ifname);
}

int cfg_parse_instance(struct cfg_pctx *p, struct cfg_node *n)
{
	struct cfg_instance *vi, **tail;

	if (n->argc != 1) {
		cfg_err(p, n, "'vrrp_instance' needs exactly one name");
		return -1;
	}
	if (cfg_find_instance(p->m, n->argv[0])) {
		cfg_err(p, n, "vrrp_instance '%s' defined twice", n->argv[0]);
		return -1;
	}
	vi = calloc(1, sizeof(*vi));
	if (!vi)
		return -1;
	vi->file = n->file;
	vi->line = n->line;
	vi->priority = 100;
	vi->advert_cs = 100;
	vi->garp_delay_s = -1;
	vi->garp_repeat = -1;
	vi->garp_refresh_s = -1;
	vi->garp_refresh_repeat = -1;
	for (tail = &p->m->instances; *tail; tail = &(*tail)->next)
		;
	*tail = vi;
	if (cfg_name(p, n, n->argv[0], vi->name, sizeof(vi->name)))
		return -1;
	cfg_walk(p, instance_kws, vi, "vrrp_instance", n->child);
	check_instance(p, n, vi);
	return 0;
}
