// SPDX-License-Identifier: GPL-2.0
/*
 * Config parser: the seed config, every supported keyword, one-line
 * blocks, comments, quotes, includes with globs, and the exact text of
 * warnings and errors with their FILE:LINE.  Conditional lines and
 * parameters as the model sees them (the preprocessor's own rules are in
 * test_cfg_pp.c).
 */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "halbd/cfg_parse.h"
#include "ut.h"
#include "diag_msgs.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* Parse @text as file "t.conf" in the test directory, with config id @id. */
static struct cfg_model *parse_as(const char *id, const char *text)
{
	struct cfg_diag d = { .fn = collect };
	char path[256];

	reset_msgs();
	put("t.conf", text);
	snprintf(path, sizeof(path), "%s/t.conf", dir);
	return cfg_load(path, id, &d);
}

static struct cfg_model *parse(const char *text)
{
	return parse_as("main", text);
}

static char *at(int line)
{
	static char buf[300];

	snprintf(buf, sizeof(buf), "%s/t.conf:%d", dir, line);
	return buf;
}

static bool msg_at(const char *kind, int line, const char *text)
{
	char want[600];

	snprintf(want, sizeof(want), "%s: %s: %s", kind, at(line), text);
	return has_msg(want);
}

static bool addr_is(const struct cfg_addr *a, const char *s)
{
	char buf[64];

	return !strcmp(cfg_addr_str(a, buf, sizeof(buf)), s);
}

static const char *seed =
	"vrrp_instance VI_1 {\n"
	"    state MASTER #comment\n"
	"    interface eth0\n"
	"    virtual_router_id 51\n"
	"    priority 50\n"
	"    advert_int 1\n"
	"    authentication {\n"
	"      auth_type PASS\n"
	"      auth_pass 1111\n"
	"    }\n"
	"    virtual_ipaddress {\n"
	"      192.0.2.100\n"
	"    }\n"
	" }\n"
	"virtual_server 192.0.2.100 80 {\n"
	"    delay_loop 6\n"
	"    lb_algo rr\n"
	"    lb_kind DR\n"
	"    nat_mask 255.255.255.0\n"
	"   persistence_timeout 50\n"
	"   protocol TCP\n"
	"  real_server 192.0.2.133 80 {\n"
	"     weight 3\n"
	"     TCP_CHECK {\n"
	"        connect_timeout 10\n"
	"        nb_get_retry 3\n"
	"        delay_before_retry 3\n"
	"        connect_port 80\n"
	"        }\n"
	"  }\n"
	"}\n";

static void test_seed_config(void)
{
	struct cfg_model *m = parse(seed);
	struct cfg_instance *vi;

	CHECK(m);
	if (!m)
		return;
	vi = m->instances;
	CHECK(vi && !vi->next);
	CHECK_STR(vi->name, "VI_1");
	CHECK(vi->init_master);
	CHECK_STR(vi->ifname, "eth0");
	CHECK_EQ(vi->vrid, 51);
	CHECK_EQ(vi->priority, 50);
	CHECK_EQ(vi->advert_cs, 100);
	CHECK_EQ(vi->auth_type, CFG_AUTH_PASS);
	CHECK(!memcmp(vi->auth_pass, "1111\0\0\0\0", 8));
	CHECK_EQ(vi->nvips, 1);
	CHECK(addr_is(&vi->vips[0].addr, "192.0.2.100"));
	CHECK_EQ(vi->vips[0].prefix, -1);
	CHECK_EQ(vi->family, AF_INET);
	CHECK_EQ(cfg_instance_version(m, vi), 2);
	CHECK(!vi->nopreempt);
	/* the virtual_server loads; its obsolete keywords warn (test_vs.c has the rest) */
	CHECK(m->vss && !m->vss->next);
	CHECK_EQ(m->vss->nrs, 1);
	CHECK_EQ(m->vss->rs[0].nchecks, 1);
	CHECK_EQ(nmsgs, 2);
	CHECK(msg_at("W", 19, "'nat_mask' is obsolete (LVS no longer uses it), ignored"));
	cfg_model_free(m);
}

static void test_global_defs(void)
{
	struct cfg_model *m = parse(
		"global_defs {\n"
		"  router_id LVS_1\n"
		"  vrrp_version 3\n"
		"  vrrp_garp_master_delay 2\n"
		"  vrrp_garp_master_repeat 3\n"
		"  vrrp_garp_master_refresh 60\n"
		"  vrrp_garp_master_refresh_repeat 2\n"
		"  vrrp_garp_interval 0.001\n"
		"  vrrp_gna_interval 0.5\n"
		"  vrrp_mcast_group4 224.0.0.19\n"
		"  vrrp_mcast_group6 ff02::13\n"
		"  enable_script_security\n"
		"  script_user nobody\n"
		"  notification_email {\n    root@example.com\n  }\n"
		"  notification_email_from lb@example.com\n"
		"  smtp_server 192.0.2.25\n"
		"  smtp_connect_timeout 30\n"
		"}\n");
	struct cfg_global *g;

	CHECK(m);
	if (!m)
		return;
	g = &m->global;
	CHECK_STR(g->router_id, "LVS_1");
	CHECK_EQ(g->vrrp_version, 3);
	CHECK_EQ(g->garp_delay_s, 2);
	CHECK_EQ(g->garp_repeat, 3);
	CHECK_EQ(g->garp_refresh_s, 60);
	CHECK_EQ(g->garp_refresh_repeat, 2);
	CHECK_EQ(g->garp_interval_us, 1000);
	CHECK_EQ(g->gna_interval_us, 500000);
	CHECK(addr_is(&g->mcast4, "224.0.0.19"));
	CHECK(addr_is(&g->mcast6, "ff02::13"));
	CHECK(g->script_security);
	CHECK_STR(g->script_user, "nobody");
	CHECK_STR(g->smtp_server, "192.0.2.25");
	CHECK_STR(g->notify_email_from, "lb@example.com");
	CHECK(msg_at("W", 14, "'notification_email' accepted, but halbd does not send mail"));
	CHECK_EQ(nmsgs, 4);
	cfg_model_free(m);
	/* multicast groups must be multicast */
	m = parse("global_defs {\n vrrp_mcast_group4 192.0.2.1\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 2, "'192.0.2.1' is not an IPv4 multicast address"));
}

static void test_instance_keywords(void)
{
	struct cfg_model *m = parse(
		"vrrp_script chk {\n script \"/bin/check --flag 'a b'\"\n interval 2\n"
		"  timeout 1.5\n weight -20\n rise 2\n fall 3\n user nobody\n}\n"	/* 1-9 */
		"vrrp_instance VI_6 {\n"						/* 10 */
		"  state BACKUP\n  interface eth1\n  virtual_router_id 7\n  priority 254\n"
		"  advert_int 0.25\n  version 3\n  nopreempt\n  preempt_delay 30\n"
		"  unicast_src_ip 2001:db8::1\n  unicast_peer {\n    2001:db8::2\n    2001:db8::3\n  }\n"
		"  native_ipv6\n  dont_track_primary\n"
		"  virtual_ipaddress {\n"
		"    2001:db8::100/64 dev eth1\n"
		"    2001:db8::101\n"
		"  }\n"
		"  virtual_ipaddress_excluded {\n"
		"    192.0.2.50/24 dev eth2 label eth2:vip scope link brd 192.0.2.255\n"
		"  }\n"
		"  track_interface {\n    eth2\n    eth3 weight -30\n  }\n"
		"  track_script {\n    chk\n    chk2 weight 10\n  }\n"
		"  notify_master \"/etc/n.sh master\"\n  notify_backup /etc/n.sh backup\n"
		"  notify_fault /etc/f.sh\n  notify_stop /etc/s.sh\n  notify /etc/all.sh\n"
		"  garp_master_delay 1\n  garp_master_repeat 2\n  garp_master_refresh 10\n"
		"  garp_master_refresh_repeat 4\n  smtp_alert\n"
		"}\n"
		"vrrp_script chk2 {\n script /bin/true\n}\n");
	struct cfg_instance *vi;
	struct cfg_script *s;

	CHECK(m);
	if (!m)
		return;
	vi = m->instances;
	s = cfg_find_script(m, "chk");
	CHECK(s);
	if (s) {
		CHECK_STR(s->script, "/bin/check --flag 'a b'");
		CHECK_EQ(s->interval_ms, 2000);
		CHECK_EQ(s->timeout_ms, 1500);
		CHECK_EQ(s->weight, -20);
		CHECK_EQ(s->rise, 2);
		CHECK_EQ(s->fall, 3);
		CHECK_STR(s->user, "nobody");
	}
	CHECK(!vi->init_master);
	CHECK_STR(vi->ifname, "eth1");
	CHECK_EQ(vi->vrid, 7);
	CHECK_EQ(vi->priority, 254);
	CHECK_EQ(vi->advert_cs, 25);
	CHECK_EQ(vi->version, 3);
	CHECK(vi->nopreempt);
	CHECK_EQ(vi->preempt_delay_ms, 30000);
	CHECK(addr_is(&vi->unicast_src, "2001:db8::1"));
	CHECK_EQ(vi->npeers, 2);
	CHECK(addr_is(&vi->peers[1], "2001:db8::3"));
	CHECK(vi->native_ipv6 && vi->dont_track_primary && vi->smtp_alert);
	CHECK_EQ(vi->family, AF_INET6);
	CHECK_EQ(vi->nvips, 2);
	CHECK_EQ(vi->vips[0].prefix, 64);
	CHECK_STR(vi->vips[0].dev, "eth1");
	CHECK_EQ(vi->nvips_excl, 1);
	CHECK(addr_is(&vi->vips_excl[0].addr, "192.0.2.50"));
	CHECK_EQ(vi->vips_excl[0].prefix, 24);
	CHECK_STR(vi->vips_excl[0].dev, "eth2");
	CHECK_STR(vi->vips_excl[0].label, "eth2:vip");
	CHECK_EQ(vi->vips_excl[0].scope, RT_SCOPE_LINK);
	CHECK(addr_is(&vi->vips_excl[0].brd, "192.0.2.255"));
	CHECK_EQ(vi->ntrack_ifs, 2);
	CHECK_STR(vi->track_ifs[1].name, "eth3");
	CHECK_EQ(vi->track_ifs[1].weight, -30);
	CHECK_EQ(vi->track_ifs[0].weight, 0);
	CHECK_EQ(vi->ntrack_scripts, 2);
	CHECK(!vi->track_scripts[0].has_weight);
	CHECK(vi->track_scripts[1].has_weight && vi->track_scripts[1].weight == 10);
	CHECK_STR(vi->notify.master, "/etc/n.sh master");
	CHECK_STR(vi->notify.backup, "/etc/n.sh backup");
	CHECK_STR(vi->notify.fault, "/etc/f.sh");
	CHECK_STR(vi->notify.stop, "/etc/s.sh");
	CHECK_STR(vi->notify.any, "/etc/all.sh");
	CHECK_EQ(vi->garp_delay_s, 1);
	CHECK_EQ(vi->garp_repeat, 2);
	CHECK_EQ(vi->garp_refresh_s, 10);
	CHECK_EQ(vi->garp_refresh_repeat, 4);
	CHECK_EQ(cfg_instance_version(m, vi), 3);
	cfg_model_free(m);
}

static void test_sync_group_and_one_line_blocks(void)
{
	struct cfg_model *m = parse(
		"vrrp_sync_group G1 { group { A B } notify_master /bin/gm }\n"
		"vrrp_instance A { interface eth0\n virtual_router_id 1\n"
		"  authentication { auth_type PASS auth_pass secret }\n"
		"  virtual_ipaddress { 192.0.2.1 192.0.2.2/32 }\n}\n"
		"vrrp_instance B\n{\n interface eth0\n virtual_router_id 2 }\n");
	struct cfg_instance *a;

	CHECK(m);
	if (!m) {
		has_msg("-");
		return;
	}
	CHECK_EQ(nmsgs, 0);
	CHECK_EQ(m->groups->nmembers, 2);
	CHECK_STR(m->groups->members[1], "B");
	CHECK_STR(m->groups->notify.master, "/bin/gm");
	a = cfg_find_instance(m, "A");
	CHECK_EQ(a->auth_type, CFG_AUTH_PASS);
	CHECK(!memcmp(a->auth_pass, "secret\0\0", 8));
	CHECK_EQ(a->nvips, 2);
	CHECK_EQ(a->vips[1].prefix, 32);
	CHECK(cfg_find_instance(m, "B"));
	CHECK_EQ(cfg_find_instance(m, "B")->vrid, 2);
	cfg_model_free(m);
}

static void test_comments_and_quotes(void)
{
	struct cfg_model *m = parse(
		"! a comment\n"
		"# another\n"
		"vrrp_instance \"VI 1\" { # trailing\n"
		"  interface eth0 ! bang comment\n"
		"  virtual_router_id 9\n"
		"  authentication {\n auth_type PASS\n auth_pass \"pa!ss\"\n }\n"
		"  notify \"/bin/x \\\"q\\\"\" arg2\n"
		"}\n");

	CHECK(m);
	if (!m)
		return;
	CHECK_STR(m->instances->name, "VI 1");
	CHECK(!memcmp(m->instances->auth_pass, "pa!ss\0\0\0", 8));	/* quoted: kept */
	CHECK_STR(m->instances->notify.any, "\"/bin/x \\\"q\\\"\" arg2");
	CHECK_EQ(nmsgs, 0);
	cfg_model_free(m);
	/* unquoted, '!' and '#' start a comment mid-word too, as keepalived reads it */
	m = parse("vrrp_instance A {\n interface eth0\n virtual_router_id 9\n"
		  " authentication {\n auth_type AH\n auth_pass pa!ss\n }\n"
		  " priority 10#0\n}\n");
	CHECK(m);
	if (!m)
		return;
	CHECK(!memcmp(m->instances->auth_pass, "pa\0\0\0\0\0\0", 8));
	CHECK_EQ(m->instances->priority, 10);
	CHECK(msg_at("W", 6, "'!' starts a comment, as in keepalived: 'pa!...' is read as 'pa'"
		     " (quote the word to keep the '!')"));
	CHECK(msg_at("W", 8, "'#' starts a comment, as in keepalived: '10#...' is read as '10'"
		     " (quote the word to keep the '#')"));
	cfg_model_free(m);
	m = parse("vrrp_instance X {\n interface \"eth0\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 2, "unterminated quoted string"));
}

static void test_includes_with_globs(void)
{
	char sub[128], path[300];
	struct cfg_model *m;

	snprintf(sub, sizeof(sub), "%s/conf.d", dir);
	mkdir(sub, 0755);
	put("conf.d/b.conf", "vrrp_instance B {\n interface eth0\n virtual_router_id 2\n}\n");
	put("conf.d/a.conf", "include ../common/*.inc\n"
			     "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n}\n");
	put("conf.d/skip.txt", "this is not a config {\n");
	snprintf(sub, sizeof(sub), "%s/common", dir);
	mkdir(sub, 0755);
	put("common/g.inc", "global_defs {\n router_id INC\n}\n");
	m = parse("include conf.d/*.conf\ninclude none/*.conf\n");
	CHECK(m);
	if (!m) {
		has_msg("-");
		return;
	}
	/* glob order: a.conf (with its own include) before b.conf */
	CHECK_STR(m->instances->name, "A");
	CHECK_STR(m->instances->next->name, "B");
	CHECK_STR(m->global.router_id, "INC");
	snprintf(path, sizeof(path), "%s/conf.d/a.conf", dir);
	CHECK_STR(m->instances->file, path);
	CHECK_EQ(m->instances->line, 2);
	snprintf(path, sizeof(path), "include '%s/none/*.conf' matches no file", dir);
	CHECK(msg_at("W", 2, path));
	cfg_model_free(m);
	/* errors inside an included file name that file and line */
	put("conf.d/b.conf", "vrrp_instance B {\n interface eth0\n virtual_router_id 0\n}\n");
	m = parse("include conf.d/*.conf\n");
	CHECK(!m);
	snprintf(path, sizeof(path),
		 "E: %s/conf.d/b.conf:3: invalid value '0' for 'virtual_router_id' (expected 1..255)",
		 dir);
	CHECK(has_msg(path));
	/* a plain missing file is an error */
	m = parse("include missing.conf\n");
	CHECK(!m);
	snprintf(path, sizeof(path), "cannot open include file '%s/missing.conf'", dir);
	CHECK(msg_at("E", 1, path));
	/* include loops stop */
	put("loop.conf", "include loop.conf\n");
	m = parse("include loop.conf\n");
	CHECK(!m);
}

static void test_errors_name_file_and_line(void)
{
	struct cfg_model *m;

	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id 256\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 3, "invalid value '256' for 'virtual_router_id' (expected 1..255)"));
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n priority 0\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 4, "invalid value '0' for 'priority' (expected 1..255)"));
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n priority 300\n}\n");
	CHECK(!m);
	m = parse("vrrp_instance X {\n virtual_router_id 1\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 1, "vrrp_instance X: missing 'interface'"));
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
		  " virtual_ipaddress {\n  192.0.2.300/24\n }\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 5, "invalid IP address '192.0.2.300'"));
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
		  " virtual_ipaddress {\n  192.0.2.3/33\n }\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 5, "invalid value '33' for '192.0.2.3/33' (expected 0..32)"));
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n");
	CHECK(!m);
	CHECK(msg_at("E", 1, "unbalanced braces: '{' opened here is never closed"));
	m = parse("vrrp_instance X {\n interface eth0\n}\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 4, "unbalanced braces: '}' without matching '{'"));
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n advert_int 1.x\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 4, "invalid value '1.x' for 'advert_int'"));
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n state MAYBE\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 4, "invalid state 'MAYBE' (expected MASTER or BACKUP)"));
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
		  " virtual_ipaddress {\n 192.0.2.1\n 2001:db8::1\n }\n}\n");
	CHECK(!m);
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n}\n"
		  "vrrp_instance Y {\n interface eth0\n virtual_router_id 1\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 5, "vrrp_instance Y: VRID 1 already used by X on eth0"));
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 3, "'virtual_router_id' needs an argument"));
}

static void test_unknown_keywords_warn(void)
{
	struct cfg_model *m = parse(
		"vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
		" use_vmac\n"
		" frobnicate { a { b } c }\n"
		" virtual_ipaddress {\n  192.0.2.1 dev eth0 flavour x\n }\n"
		"}\n"
		"virtual_server_group VSG {\n 192.0.2.1 80\n}\n"
		"static_routes {\n 192.0.2.0/24 via 192.0.2.254\n}\n"
		"vrrp_instance Y {\n interface eth0\n virtual_router_id 2\n track_script {\n nope\n }\n}\n");

	CHECK(m);
	if (!m)
		return;
	CHECK(msg_at("W", 4, "unknown keyword 'use_vmac' in vrrp_instance, ignored"));
	CHECK(msg_at("W", 5, "unknown keyword 'frobnicate' in vrrp_instance, ignored"));
	CHECK(msg_at("W", 7, "unknown option 'flavour' of virtual address 192.0.2.1, ignored"));
	CHECK(msg_at("W", 13, "unknown keyword 'static_routes' in top level, ignored"));
	CHECK(msg_at("W", 16, "vrrp_instance Y tracks unknown vrrp_script 'nope', ignored"));
	CHECK_EQ(nmsgs, 5);
	CHECK_EQ(m->instances->nvips, 1);
	cfg_model_free(m);
}

static void test_versions_and_intervals(void)
{
	struct cfg_model *m = parse(
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n advert_int 1.5\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n version 3\n"
		" advert_int 0.01\n authentication {\n auth_type PASS\n auth_pass x\n }\n}\n"
		"vrrp_instance C {\n interface eth0\n virtual_router_id 3\n version 2\n"
		" virtual_ipaddress {\n 2001:db8::1\n }\n}\n");

	CHECK(m);
	if (!m)
		return;
	CHECK_EQ(m->instances->advert_cs, 200);	/* v2: whole seconds, rounded up */
	CHECK(msg_at("W", 1, "vrrp_instance A: VRRPv2 advert_int is whole seconds, rounded up"));
	CHECK_EQ(m->instances->next->advert_cs, 1);
	CHECK_EQ(m->instances->next->auth_type, CFG_AUTH_NONE);
	CHECK(msg_at("W", 6, "vrrp_instance B: VRRPv3 has no authentication, ignored"));
	CHECK_EQ(cfg_instance_version(m, m->instances->next->next), 3);
	CHECK(msg_at("W", 16, "vrrp_instance C: VRRPv2 has no IPv6, using version 3"));
	cfg_model_free(m);
	m = parse("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n advert_int 0.001\n}\n");
	CHECK(!m);
	m = parse("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n version 3\n"
		  " advert_int 41\n}\n");
	CHECK(!m);
}

static void test_auth_ah(void)
{
	struct cfg_model *m = parse(
		"vrrp_instance A {\n state MASTER\n interface eth0\n virtual_router_id 1\n"
		" authentication {\n auth_type AH\n auth_pass longer-than-8\n }\n}\n"
		"vrrp_instance B {\n state BACKUP\n interface eth0\n virtual_router_id 2\n"
		" authentication {\n auth_type ah\n auth_pass k\n }\n}\n"
		"vrrp_instance C {\n state MASTER\n interface eth0\n virtual_router_id 3\n"
		" priority 255\n authentication {\n auth_type AH\n auth_pass k\n }\n}\n");
	struct cfg_instance *a, *b, *c;

	CHECK(m);
	if (!m)
		return;
	a = m->instances;
	b = a->next;
	c = b->next;
	/* AH is kept (no "not implemented, without authentication" any more) */
	CHECK_EQ(a->auth_type, CFG_AUTH_AH);
	CHECK(!memcmp(a->auth_pass, "longer-t", 8));
	CHECK(msg_at("W", 7, "auth_pass longer than 8 characters, truncated like keepalived"));
	/* like keepalived, state MASTER gives way to learning the sequence number */
	CHECK(!a->init_master);
	CHECK(msg_at("W", 1, "vrrp_instance A: 'state MASTER' with auth_type AH starts as BACKUP,"
		     " like keepalived, to learn the AH sequence number first"));
	CHECK_EQ(b->auth_type, CFG_AUTH_AH);
	CHECK(!memcmp(b->auth_pass, "k\0\0\0\0\0\0\0", 8));	/* NUL padded: the HMAC key */
	/* the address owner is master at once anyway: nothing to warn about */
	CHECK(c->init_master);
	CHECK_EQ(m->nwarnings, 2);
	cfg_model_free(m);
}

static void test_ipv6_unicast(void)
{
	struct cfg_model *m = parse(
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
		" unicast_src_ip 2001:db8::1\n unicast_peer {\n 2001:db8::2\n 2001:db8::3\n }\n"
		" virtual_ipaddress {\n 2001:db8::100/64\n }\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n"
		" unicast_peer {\n 2001:db8::2\n }\n"
		" virtual_ipaddress {\n 2001:db8::101\n }\n}\n"
		"vrrp_instance C {\n interface eth0\n virtual_router_id 3\n"
		" unicast_peer {\n fe80::2\n }\n"
		" virtual_ipaddress {\n 2001:db8::102\n }\n}\n");
	struct cfg_instance *a;

	CHECK(m);
	if (!m)
		return;
	a = m->instances;
	CHECK_EQ(a->family, AF_INET6);
	CHECK_EQ(cfg_instance_version(m, a), 3);
	CHECK(addr_is(&a->unicast_src, "2001:db8::1"));
	CHECK_EQ(a->npeers, 2);
	CHECK(addr_is(&a->peers[1], "2001:db8::3"));
	/* without a source the link-local one goes out: fine for link-local peers only */
	CHECK(msg_at("W", 13, "vrrp_instance B: IPv6 unicast_peer without unicast_src_ip: adverts go"
		     " out from the link-local address, which peers listing global addresses drop"));
	CHECK_EQ(m->nwarnings, 1);
	cfg_model_free(m);
	/* families do not mix */
	m = parse("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
		  " unicast_src_ip 192.0.2.1\n virtual_ipaddress {\n 2001:db8::100\n }\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 1, "vrrp_instance A: unicast_src_ip family differs from the VIPs"));
}

static void test_model_equal_for_reload(void)
{
	struct cfg_model *a = parse(seed), *b = parse(seed);

	CHECK(a && b);
	if (a && b) {
		CHECK(cfg_instance_equal(a->instances, b->instances));
		b->instances->priority = 51;
		CHECK(!cfg_instance_equal(a->instances, b->instances));
		b->instances->priority = 50;
		b->instances->vips[0].addr.v4.s_addr ^= htonl(1);
		CHECK(!cfg_instance_equal(a->instances, b->instances));
	}
	cfg_model_free(a);
	cfg_model_free(b);
}

/* keepalived's samples/keepalived.conf.conditional_conf, run with -i high or -i low */
static const char *conditional_conf =
	"# Run keepalived with either '-i high' or '-i low'\n"
	"\n"
	"@high net_namespace high\n"
	"@low net_namespace low\n"
	"\n"
	"vrrp_script check_VI_0 {\n"
	"@high\tscript /etc/keepalived/scripts/check_high_VI_0.sh\n"
	"@low\tscript /etc/keepalived/scripts/check_low_VI_0.sh\n"
	"\tinterval 1\n"
	"\ttimeout 10\n"
	"\trise 3\n"
	"\tfall 3\n"
	"}\n"
	"\n"
	"vrrp_instance VI_0 {\n"
	"\tstate BACKUP\n"
	"\tinterface eth0\n"
	"\tvirtual_router_id 1\n"
	"@high\tpriority 170\n"
	"@low\tpriority 85\n"
	"\tadvert_int 12\n"
	"\tversion 3\n"
	"\tuse_vmac\n"
	"\ttrack_script {\n"
	"\t\tcheck_VI_0\n"
	"\t}\n"
	"\ttrack_interface {\n"
	"\t\teth3\n"
	"\t\teth2 weight 20\n"
	"\t}\n"
	"\tvirtual_ipaddress {\n"
	"\t\t10.1.0.254/32\n"
	"\t}\n"
	"}\n";

static void test_conditional_sample(void)
{
	struct cfg_model *m = parse_as("high", conditional_conf);

	CHECK(m);
	if (!m)
		return;
	CHECK_STR(m->config_id, "high");
	CHECK_EQ(m->instances->priority, 170);
	CHECK_STR(m->scripts->script, "/etc/keepalived/scripts/check_high_VI_0.sh");
	CHECK_EQ(m->instances->ntrack_scripts, 1);
	CHECK(msg_at("W", 3, "unknown keyword 'net_namespace' in top level, ignored"));
	CHECK(msg_at("W", 23, "unknown keyword 'use_vmac' in vrrp_instance, ignored"));
	CHECK_EQ(nmsgs, 2);
	cfg_model_free(m);
	m = parse_as("low", conditional_conf);
	CHECK(m);
	if (!m)
		return;
	CHECK_EQ(m->instances->priority, 85);
	CHECK_STR(m->scripts->script, "/etc/keepalived/scripts/check_low_VI_0.sh");
	CHECK(msg_at("W", 4, "unknown keyword 'net_namespace' in top level, ignored"));
	cfg_model_free(m);
	/* neither: no script at all, which is an error, as in keepalived */
	m = parse_as("other", conditional_conf);
	CHECK(!m);
	CHECK(msg_at("E", 6, "vrrp_script 'check_VI_0' has no 'script'"));
}

static void test_config_id_default(void)
{
	char *id = cfg_default_config_id(), text[256];
	struct cfg_model *m;

	CHECK(id && *id && !strchr(id, '.'));
	if (!id)
		return;
	snprintf(text, sizeof(text), "global_defs {\n @%s router_id mine\n @^%s router_id not_mine\n}\n",
		 id, id);
	m = parse_as(NULL, text);
	CHECK(m);
	if (m) {
		CHECK_STR(m->config_id, id);
		CHECK_STR(m->global.router_id, "mine");
	}
	cfg_model_free(m);
	free(id);
}

static const char *multiline_instance =
	"$INSTANCE= \\\n"
	"vrrp_instance VI_${NUM} { \\\n"
	"    interface eth0 \\\n"
	"    virtual_router_id ${NUM} \\\n"
	"    @main priority 130 \\\n"
	"    @^main priority 120 \\\n"
	"    virtual_ipaddress { \\\n"
	"        10.0.${NUM}.254/24 \\\n"
	"    } \\\n"
	"}\n"
	"\n"
	"~SEQ(NUM, 1, 2) $INSTANCE\n"
	"$NUM=3\n"
	"$INSTANCE\n";

static void test_parameters_in_the_model(void)
{
	struct cfg_model *m = parse(multiline_instance);
	struct cfg_instance *vi;

	CHECK(m);
	if (!m)
		return;
	vi = m->instances;
	for (int i = 1; i <= 3; i++, vi = vi ? vi->next : NULL) {
		char name[16], vip[32];

		CHECK(vi);
		if (!vi)
			return;
		snprintf(name, sizeof(name), "VI_%d", i);
		snprintf(vip, sizeof(vip), "10.0.%d.254", i);
		CHECK_STR(vi->name, name);
		CHECK_EQ(vi->vrid, i);
		CHECK_EQ(vi->priority, 130);
		CHECK(addr_is(&vi->vips[0].addr, vip));
		CHECK_EQ(vi->line, i < 3 ? 12 : 14);	/* the line that used $INSTANCE */
	}
	CHECK(!vi);
	CHECK_EQ(nmsgs, 0);
	cfg_model_free(m);
	m = parse_as("backup", multiline_instance);
	CHECK(m && m->instances->priority == 120);
	cfg_model_free(m);
	/* ${_HASH} in quotes is a '#'; unquoted it starts a comment, as in keepalived */
	m = parse("vrrp_script s {\n script \"/bin/echo a${_HASH}b\"\n}\n"
		  "vrrp_script t {\n script /bin/echo${_HASH}b\n}\n");
	CHECK(m);
	if (!m)
		return;
	CHECK_STR(m->scripts->script, "/bin/echo a#b");
	CHECK_STR(m->scripts->next->script, "/bin/echo");
	CHECK(msg_at("W", 5, "'#' starts a comment, as in keepalived: '/bin/echo#...' is read as"
		     " '/bin/echo' (quote the word to keep the '#')"));
	cfg_model_free(m);
}

static void test_parameters_across_includes(void)
{
	struct cfg_model *m;
	char path[300];

	/* definitions carry on from an include to its includer and back, in reading order */
	put("defs.inc", "$PRIO=120\n@main $IF=eth1\n$INST=inst.inc\n");
	put("inst.inc", "vrrp_instance B$VRID {\n interface $IF\n virtual_router_id ${VRID}\n"
			" priority $PRIO\n}\n");
	m = parse("include defs.inc\n$VRID=7\ninclude $INST\n$PRIO=99\n$VRID=8\n"
		  "$INC=include ${_PWD}/inst.inc\n$INC\n");
	CHECK(m);
	if (!m)
		return;
	CHECK_STR(m->instances->name, "B7");
	CHECK_STR(m->instances->ifname, "eth1");
	CHECK_EQ(m->instances->vrid, 7);
	CHECK_EQ(m->instances->priority, 120);
	CHECK_STR(m->instances->next->name, "B8");
	CHECK_EQ(m->instances->next->vrid, 8);
	CHECK_EQ(m->instances->next->priority, 99);
	snprintf(path, sizeof(path), "%s/inst.inc", dir);
	CHECK_STR(m->instances->file, path);
	CHECK_EQ(m->instances->line, 1);
	cfg_model_free(m);
	/* an error inside an include names the include's file and line */
	put("bad.inc", "$R=${R}\nvrrp_script s {\n script ${R}\n}\n");
	m = parse("include bad.inc\n");
	CHECK(!m);
	snprintf(path, sizeof(path),
		 "E: %s/bad.inc:3: parameter substitution nested more than 32 deep: does '$R' use itself?",
		 dir);
	CHECK(has_msg(path));
}

static void test_expansion_errors_name_the_line(void)
{
	struct cfg_model *m;

	/* an error in a line a multiline definition made: the line that used it */
	m = parse("$BAD= \\\nvrrp_instance X { \\\n interface eth0 \\\n virtual_router_id 256 \\\n}\n"
		  "\n$BAD\n");
	CHECK(!m);
	CHECK(msg_at("E", 7, "invalid value '256' for 'virtual_router_id' (expected 1..255)"));
	/* the preprocessor's errors reject the configuration */
	m = parse("vrrp_instance X {\n interface eth0\n virtual_router_id ${_RANDOM 9 1}\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 3, "${_RANDOM 9 1}: MIN is greater than MAX"));
	m = parse("global_defs {\n router_id ${ID\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 2, "unterminated '${ID': no '}' before the end of the line"));
	m = parse("global_defs {\n}\n~SEQ(N, 0, 200000) x\n");
	CHECK(!m);
	CHECK(msg_at("E", 3, "expansion makes more than 100000 lines"));
	m = parse("virtual_ipaddress {\n~SEQ(N, 1, -1, 5) 10.0.0.$N\n}\n");
	CHECK(!m);
	CHECK(msg_at("E", 2, "invalid '~SEQ(N, 1, -1, 5)': STEP does not lead from START to END"));
	CHECK_EQ(nmsgs, 1);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/halbd-ut.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	RUN(test_seed_config);
	RUN(test_global_defs);
	RUN(test_instance_keywords);
	RUN(test_sync_group_and_one_line_blocks);
	RUN(test_comments_and_quotes);
	RUN(test_includes_with_globs);
	RUN(test_errors_name_file_and_line);
	RUN(test_unknown_keywords_warn);
	RUN(test_versions_and_intervals);
	RUN(test_auth_ah);
	RUN(test_ipv6_unicast);
	RUN(test_model_equal_for_reload);
	RUN(test_conditional_sample);
	RUN(test_config_id_default);
	RUN(test_parameters_in_the_model);
	RUN(test_parameters_across_includes);
	RUN(test_expansion_errors_name_the_line);
	reset_msgs();
	if (!getenv("UT_KEEP")) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			return 1;
	}
	return ut_total_fail ? 1 : 0;
}
