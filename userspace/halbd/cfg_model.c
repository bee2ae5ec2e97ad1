// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halbd/cfg_model.h"

struct cfg_model *cfg_model_new(void)
{
	struct cfg_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	/* keepalived's defaults, so that unchanged configs behave the same */
	m->global.vrrp_version = 2;
	m->global.garp_delay_s = 5;
	m->global.garp_repeat = 5;
	m->global.garp_refresh_s = 0;
	m->global.garp_refresh_repeat = 1;
	m->global.mcast4.family = AF_INET;
	inet_pton(AF_INET, "224.0.0.18", &m->global.mcast4.v4);
	m->global.mcast6.family = AF_INET6;
	inet_pton(AF_INET6, "ff02::12", &m->global.mcast6.v6);
	return m;
}

static void notify_free(struct cfg_notify *n)
{
	free(n->master);
	free(n->backup);
	free(n->fault);
	free(n->stop);
	free(n->any);
}

void cfg_instance_free(struct cfg_instance *vi)
{
	if (!vi)
		return;
	free(vi->vips);
	free(vi->vips_excl);
	free(vi->peers);
	free(vi->track_ifs);
	free(vi->track_scripts);
	notify_free(&vi->notify);
	free(vi);
}

void cfg_model_free(struct cfg_model *m)
{
	if (!m)
		return;
	while (m->instances) {
		struct cfg_instance *n = m->instances->next;

		cfg_instance_free(m->instances);
		m->instances = n;
	}
	while (m->scripts) {
		struct cfg_script *n = m->scripts->next;

		free(m->scripts->script);
		free(m->scripts);
		m->scripts = n;
	}
	while (m->groups) {
		struct cfg_sync_group *n = m->groups->next;

		free(m->groups->members);
		notify_free(&m->groups->notify);
		free(m->groups);
		m->groups = n;
	}
	if (m->free_lb)
		m->free_lb(m);
	while (m->skipped) {
		struct cfg_skipped *n = m->skipped->next;

		free(m->skipped->args);
		free(m->skipped);
		m->skipped = n;
	}
	for (int i = 0; i < m->nfiles; i++)
		free(m->files[i]);
	free(m->files);
	free(m->config_id);
	free(m->global.notify_email_from);
	free(m->global.smtp_server);
	free(m->global.state_dump_file);
	free(m);
}

bool cfg_addr_equal(const struct cfg_addr *a, const struct cfg_addr *b)
{
	return cfg_addr_cmp(a, b) == 0;
}

/* Orders addresses as unsigned big-endian numbers: the VRRP tie-break. */
int cfg_addr_cmp(const struct cfg_addr *a, const struct cfg_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->family == AF_INET)
		return memcmp(&a->v4, &b->v4, sizeof(a->v4));
	if (a->family == AF_INET6)
		return memcmp(&a->v6, &b->v6, sizeof(a->v6));
	return 0;
}

const char *cfg_addr_str(const struct cfg_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, &a->v4, buf, len))
		snprintf(buf, len, "-");
	return buf;
}

const char *cfg_hostport_str(const struct cfg_addr *a, uint16_t port, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	cfg_addr_str(a, s, sizeof(s));
	snprintf(buf, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
	return buf;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool notify_equal(const struct cfg_notify *a, const struct cfg_notify *b)
{
	return str_eq(a->master, b->master) && str_eq(a->backup, b->backup) &&
	       str_eq(a->fault, b->fault) && str_eq(a->stop, b->stop) &&
	       str_eq(a->any, b->any);
}

static bool vips_equal(const struct cfg_vip *a, const struct cfg_vip *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (!cfg_addr_equal(&a[i].addr, &b[i].addr) || a[i].prefix != b[i].prefix ||
		    strcmp(a[i].dev, b[i].dev) || strcmp(a[i].label, b[i].label) ||
		    a[i].scope != b[i].scope || !cfg_addr_equal(&a[i].brd, &b[i].brd))
			return false;
	}
	return true;
}

/*
 * Whether a reload may keep the running instance untouched.  Compares every
 * field that changes behaviour; file and line do not.
 */
bool cfg_instance_equal(const struct cfg_instance *a, const struct cfg_instance *b)
{
	if (strcmp(a->name, b->name) || a->init_master != b->init_master ||
	    strcmp(a->ifname, b->ifname) || a->vrid != b->vrid ||
	    a->priority != b->priority || a->advert_cs != b->advert_cs ||
	    a->version != b->version || a->family != b->family ||
	    a->auth_type != b->auth_type || memcmp(a->auth_pass, b->auth_pass, 8) ||
	    a->nvips != b->nvips || a->nvips_excl != b->nvips_excl ||
	    a->nopreempt != b->nopreempt || a->preempt_delay_ms != b->preempt_delay_ms ||
	    !cfg_addr_equal(&a->unicast_src, &b->unicast_src) || a->npeers != b->npeers ||
	    a->ntrack_ifs != b->ntrack_ifs || a->ntrack_scripts != b->ntrack_scripts ||
	    a->garp_delay_s != b->garp_delay_s || a->garp_repeat != b->garp_repeat ||
	    a->garp_refresh_s != b->garp_refresh_s ||
	    a->garp_refresh_repeat != b->garp_refresh_repeat ||
	    a->native_ipv6 != b->native_ipv6 || a->dont_track_primary != b->dont_track_primary)
		return false;
	if (!vips_equal(a->vips, b->vips, a->nvips) ||
	    !vips_equal(a->vips_excl, b->vips_excl, a->nvips_excl))
		return false;
	for (int i = 0; i < a->npeers; i++)
		if (!cfg_addr_equal(&a->peers[i], &b->peers[i]))
			return false;
	for (int i = 0; i < a->ntrack_ifs; i++)
		if (strcmp(a->track_ifs[i].name, b->track_ifs[i].name) ||
		    a->track_ifs[i].weight != b->track_ifs[i].weight)
			return false;
	for (int i = 0; i < a->ntrack_scripts; i++)
		if (strcmp(a->track_scripts[i].name, b->track_scripts[i].name) ||
		    a->track_scripts[i].weight != b->track_scripts[i].weight ||
		    a->track_scripts[i].has_weight != b->track_scripts[i].has_weight)
			return false;
	return notify_equal(&a->notify, &b->notify);
}

bool cfg_script_equal(const struct cfg_script *a, const struct cfg_script *b)
{
	return !strcmp(a->name, b->name) && str_eq(a->script, b->script) &&
	       a->interval_ms == b->interval_ms && a->timeout_ms == b->timeout_ms &&
	       a->weight == b->weight && a->rise == b->rise && a->fall == b->fall &&
	       !strcmp(a->user, b->user);
}

struct cfg_instance *cfg_find_instance(const struct cfg_model *m, const char *name)
{
	for (struct cfg_instance *vi = m->instances; vi; vi = vi->next)
		if (!strcmp(vi->name, name))
			return vi;
	return NULL;
}

struct cfg_script *cfg_find_script(const struct cfg_model *m, const char *name)
{
	for (struct cfg_script *s = m->scripts; s; s = s->next)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

int cfg_instance_version(const struct cfg_model *m, const struct cfg_instance *vi)
{
	/* VRRPv2 has no IPv6: keepalived also forces v3 there */
	if (vi->family == AF_INET6)
		return 3;
	return vi->version ? vi->version : m->global.vrrp_version;
}
