// SPDX-License-Identifier: GPL-2.0
/*
 * Checker blocks: every keyword of every kind, keepalived's defaults, the
 * exact errors and warnings with FILE:LINE, status_code ranges, and the
 * copy/compare used by reload and by probe sharing.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "halbd/cfg_parse_int.h"
#include "halbd/check.h"
#include "ut.h"
#include "diag_msgs.h"

/* Parse the first block of @text as a checker; NULL when it had errors. */
static struct check_conf *parse(const char *text, int *errors)
{
	struct cfg_diag d = { .fn = collect };
	struct cfg_model *m = cfg_model_new();
	struct cfg_pctx p = { .m = m, .d = &d };
	struct cfg_node *tree = NULL;
	struct check_conf *c = NULL;

	reset_msgs();
	if (!cfg_read_tree_buf(m, "t.conf", text, strlen(text), &d, &tree) && tree) {
		if (check_conf_parse(&p, tree, &c))
			c = NULL;
	}
	cfg_tree_free(tree);
	if (c)
		c->file = NULL;		/* interned in the model freed below */
	cfg_model_free(m);
	if (errors)
		*errors = d.errors;
	return c;
}

static void test_defaults(void)
{
	static const char *const kinds[] = {
		"TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "UDP_CHECK", "PING_CHECK",
		"DNS_CHECK",
	};
	char buf[128];

	for (int k = 0; k < 7; k++) {
		struct check_conf *c;

		CHECK(check_is_checker_kw(kinds[k]));
		if (k == 1 || k == 2)
			snprintf(buf, sizeof(buf), "%s {\n url {\n path /\n }\n}\n", kinds[k]);
		else if (k == 3)
			snprintf(buf, sizeof(buf), "%s {\n misc_path /bin/true\n}\n", kinds[k]);
		else
			snprintf(buf, sizeof(buf), "%s {\n}\n", kinds[k]);
		c = parse(buf, NULL);
		CHECK(c);
		if (!c)
			continue;
		CHECK_EQ(c->kind, k);
		CHECK_STR(check_kind_name(c->kind), kinds[k]);
		CHECK_EQ(c->line, 1);
		CHECK_EQ(c->connect_ip.family, 0);
		CHECK_EQ(c->connect_port, CHECK_UNSET);
		CHECK_EQ(c->connect_timeout_ms, CHECK_UNSET);
		CHECK_EQ(c->retry, CHECK_UNSET);
		CHECK_EQ(c->delay_before_retry_ms, CHECK_UNSET);
		CHECK_EQ(c->warmup_ms, CHECK_UNSET);
		CHECK_EQ(c->delay_loop_ms, CHECK_UNSET);
		CHECK_EQ(c->misc_timeout_ms, CHECK_UNSET);
		CHECK_EQ(c->alpha, -1);
		CHECK_EQ(c->http_proto, CHECK_HTTP_10);
		CHECK_EQ(c->dns_type, CHECK_DNS_SOA);
		CHECK(c->dns_name == NULL);
		CHECK_EQ(c->min_reply_len, 0);
		CHECK_EQ(c->max_reply_len, 255);
		CHECK_EQ(nmsgs, 0);
		check_conf_free(c);
	}
	CHECK(!check_is_checker_kw("SMTP_CHECK"));
	CHECK(!check_is_checker_kw("real_server"));
}

static void test_common_keywords(void)
{
	struct check_conf *c = parse("TCP_CHECK {\n"
				     "  connect_ip 192.0.2.7\n"
				     "  connect_port 8080\n"
				     "  bindto 192.0.2.1\n"
				     "  bind_port 4000\n"
				     "  bind_if eth1\n"
				     "  fwmark 0x10\n"
				     "  connect_timeout 2.5\n"
				     "  retry 4\n"
				     "  delay_before_retry 0.25\n"
				     "  warmup 0\n"
				     "  delay_loop 3\n"
				     "  alpha\n"
				     "  log_all_failures on\n"
				     "}\n", NULL);
	char a[64];

	CHECK(c);
	if (!c)
		return;
	CHECK_STR(cfg_addr_str(&c->connect_ip, a, sizeof(a)), "192.0.2.7");
	CHECK_EQ(c->connect_port, 8080);
	CHECK_STR(cfg_addr_str(&c->bindto, a, sizeof(a)), "192.0.2.1");
	CHECK_EQ(c->bind_port, 4000);
	CHECK_STR(c->bind_if, "eth1");
	CHECK_EQ(c->fwmark, 16);
	CHECK_EQ(c->connect_timeout_ms, 2500);
	CHECK_EQ(c->retry, 4);
	CHECK_EQ(c->delay_before_retry_ms, 250);
	CHECK_EQ(c->warmup_ms, 0);
	CHECK_EQ(c->delay_loop_ms, 3000);
	CHECK_EQ(c->alpha, 1);
	CHECK(c->log_all_failures);
	CHECK_EQ(nmsgs, 0);
	check_conf_free(c);

	c = parse("PING_CHECK {\n alpha no\n nb_get_retry 2\n connect_ip 2001:db8::5\n}\n", NULL);
	CHECK(c);
	if (!c)
		return;
	CHECK_EQ(c->alpha, 0);
	CHECK_EQ(c->retry, 2);
	CHECK_EQ(c->connect_ip.family, AF_INET6);
	CHECK(has_msg("W: t.conf:3: 'nb_get_retry' is deprecated, use 'retry'"));
	check_conf_free(c);
}

static void test_http_keywords(void)
{
	struct check_conf *c = parse("HTTP_GET {\n"
				     "  url {\n"
				     "    path /health?x=1\n"
				     "    digest 9B3A0C85A887A256D6939DA88AABD8CD\n"
				     "    status_code 200 301-302 400-499\n"
				     "    virtualhost www.example.org\n"
				     "  }\n"
				     "  url { path /second status_code 204 }\n"
				     "  virtualhost block.example.org\n"
				     "  http_protocol 1.0C\n"
				     "  fast_recovery\n"
				     "}\n", NULL);
	static const uint8_t md[16] = { 0x9b, 0x3a, 0x0c, 0x85, 0xa8, 0x87, 0xa2, 0x56,
					0xd6, 0x93, 0x9d, 0xa8, 0x8a, 0xab, 0xd8, 0xcd };

	CHECK(c);
	if (!c)
		return;
	CHECK_EQ(c->nurls, 2);
	CHECK_STR(c->urls[0].path, "/health?x=1");
	CHECK(c->urls[0].has_digest);
	CHECK(!memcmp(c->urls[0].digest, md, 16));
	CHECK_EQ(c->urls[0].nstatus, 3);
	CHECK_EQ(c->urls[0].status[1].lo, 301);
	CHECK_EQ(c->urls[0].status[1].hi, 302);
	CHECK_STR(c->urls[0].virtualhost, "www.example.org");
	CHECK_EQ(c->urls[0].line, 2);
	CHECK_STR(c->urls[1].path, "/second");
	CHECK(!c->urls[1].has_digest);
	CHECK_EQ(c->urls[1].nstatus, 1);
	CHECK(c->urls[1].virtualhost == NULL);
	CHECK_STR(c->virtualhost, "block.example.org");
	CHECK_EQ(c->http_proto, CHECK_HTTP_10C);
	CHECK(c->fast_recovery);
	CHECK(!c->enable_sni);
	CHECK_EQ(nmsgs, 0);
	check_conf_free(c);

	c = parse("SSL_GET {\n url {\n path /\n regex ^ok\n }\n enable_sni\n http_protocol 1.1\n}\n",
		  NULL);
	CHECK(c);
	if (!c)
		return;
	CHECK(c->enable_sni);
	CHECK_EQ(c->http_proto, CHECK_HTTP_11);
	CHECK(has_msg("W: t.conf:4: 'regex' is not supported by halbd, ignored"));
	check_conf_free(c);

	c = parse("HTTP_GET {\n url {\n path /\n }\n enable_sni\n}\n", NULL);
	CHECK(c && !c->enable_sni);
	CHECK(has_msg("W: t.conf:5: 'enable_sni' only applies to SSL_GET, ignored"));
	check_conf_free(c);
}

static void test_misc_keywords(void)
{
	struct check_conf *c = parse("MISC_CHECK {\n"
				     "  misc_path \"/usr/local/bin/check web 1\"\n"
				     "  misc_timeout 7\n"
				     "  misc_dynamic\n"
				     "  user nobody nogroup\n"
				     "  retry 2\n"
				     "}\n", NULL);

	CHECK(c);
	if (!c)
		return;
	CHECK_STR(c->misc_path, "/usr/local/bin/check web 1");
	CHECK_EQ(c->misc_timeout_ms, 7000);
	CHECK(c->misc_dynamic);
	CHECK_STR(c->user, "nobody");
	CHECK_EQ(c->retry, 2);
	CHECK(has_msg("W: t.conf:5: group of 'user' ignored, the user's primary group is used"));
	check_conf_free(c);

	/* connection keywords do not belong to MISC_CHECK */
	c = parse("MISC_CHECK {\n misc_path /bin/true\n connect_port 80\n}\n", NULL);
	CHECK(c);
	CHECK(has_msg("W: t.conf:3: unknown keyword 'connect_port' in MISC_CHECK, ignored"));
	check_conf_free(c);
}

static void test_udp_dns_keywords(void)
{
	struct check_conf *c = parse("UDP_CHECK {\n"
				     "  payload Ab12f 3 456 546443123\n"
				     "  require_reply 4x X0\n"
				     "  min_reply_length 2\n"
				     "  max_reply_length 100\n"
				     "}\n", NULL);
	static const uint8_t want[] = { 0xab, 0x12, 0x0f, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43,
					0x12, 0x03 };

	CHECK(c);
	if (!c)
		return;
	CHECK_EQ(c->payload_len, (int)sizeof(want));
	CHECK(!memcmp(c->payload, want, sizeof(want)));
	CHECK(c->require_reply);
	CHECK_EQ(c->reply_len, 2);
	CHECK_EQ(c->reply[0], 0x40);
	CHECK_EQ(c->reply_mask[0], 0xf0);
	CHECK_EQ(c->reply[1], 0x00);
	CHECK_EQ(c->reply_mask[1], 0x0f);
	CHECK_EQ(c->min_reply_len, 2);
	CHECK_EQ(c->max_reply_len, 100);
	check_conf_free(c);

	c = parse("UDP_CHECK {\n require_reply\n}\n", NULL);
	CHECK(c && c->require_reply && !c->reply);
	check_conf_free(c);

	c = parse("DNS_CHECK {\n type aaaa\n name www.example.org.\n}\n", NULL);
	CHECK(c);
	if (!c)
		return;
	CHECK_EQ(c->dns_type, CHECK_DNS_AAAA);
	CHECK_STR(c->dns_name, "www.example.org.");
	check_conf_free(c);
}

struct bad {
	const char *text, *msg;
};

static void test_errors(void)
{
	static const struct bad cases[] = {
		{ "TCP_CHECK {\n connect_port 0\n}\n",
		  "E: t.conf:2: invalid value '0' for 'connect_port' (expected 1..65535)" },
		{ "TCP_CHECK {\n\n connect_port 70000\n}\n",
		  "E: t.conf:3: invalid value '70000' for 'connect_port' (expected 1..65535)" },
		{ "TCP_CHECK {\n connect_ip 192.0.2.300\n}\n",
		  "E: t.conf:2: invalid IP address '192.0.2.300'" },
		{ "TCP_CHECK {\n connect_timeout 0\n}\n",
		  "E: t.conf:2: 'connect_timeout' must be greater than 0" },
		{ "TCP_CHECK {\n connect_timeout 1.0005\n}\n",
		  "E: t.conf:2: invalid value '1.0005' for 'connect_timeout'" },
		{ "TCP_CHECK {\n delay_loop 0\n}\n",
		  "E: t.conf:2: 'delay_loop' must be greater than 0" },
		{ "TCP_CHECK {\n retry -1\n}\n",
		  "E: t.conf:2: invalid value '-1' for 'retry' (expected 0..1000000)" },
		{ "TCP_CHECK {\n delay_before_retry x\n}\n",
		  "E: t.conf:2: invalid value 'x' for 'delay_before_retry'" },
		{ "TCP_CHECK {\n warmup -1\n}\n", "E: t.conf:2: invalid value '-1' for 'warmup'" },
		{ "TCP_CHECK {\n fwmark -3\n}\n",
		  "E: t.conf:2: invalid value '-3' for 'fwmark' (expected 0..4294967295)" },
		{ "TCP_CHECK {\n alpha maybe\n}\n",
		  "E: t.conf:2: invalid value 'maybe' for 'alpha' (expected on/off, true/false, yes/no)" },
		{ "TCP_CHECK {\n connect_ip 2001:db8::1\n bindto 192.0.2.1\n}\n",
		  "E: t.conf:1: TCP_CHECK: 'bindto' and 'connect_ip' are of different address families" },
		{ "HTTP_GET {\n connect_port 80\n}\n", "E: t.conf:1: HTTP_GET has no 'url' block" },
		{ "SSL_GET {\n url {\n digest 00\n }\n}\n",
		  "E: t.conf:3: invalid 'digest' '00' (expected 32 hex digits, an MD5 sum)" },
		{ "HTTP_GET {\n url {\n path /\n digest 9b3a0c85a887a256d6939da88aabd8cz\n }\n}\n",
		  "E: t.conf:4: invalid 'digest' '9b3a0c85a887a256d6939da88aabd8cz' (expected 32 hex digits, an MD5 sum)" },
		{ "HTTP_GET {\n url {\n status_code 200\n }\n}\n", "E: t.conf:2: 'url' has no 'path'" },
		{ "HTTP_GET {\n url {\n path /\n status_code 200 99\n }\n}\n",
		  "E: t.conf:4: invalid 'status_code' '99' (expected 100..599 or a range like 200-299)" },
		{ "HTTP_GET {\n url {\n path /\n status_code 300-200\n }\n}\n",
		  "E: t.conf:4: invalid 'status_code' '300-200' (expected 100..599 or a range like 200-299)" },
		{ "HTTP_GET {\n url {\n path /\n status_code 200-\n }\n}\n",
		  "E: t.conf:4: invalid 'status_code' '200-' (expected 100..599 or a range like 200-299)" },
		{ "HTTP_GET {\n url {\n path /\n status_code 2xx\n }\n}\n",
		  "E: t.conf:4: invalid 'status_code' '2xx' (expected 100..599 or a range like 200-299)" },
		{ "HTTP_GET {\n url {\n path /\n }\n http_protocol 2.0\n}\n",
		  "E: t.conf:5: invalid 'http_protocol' '2.0' (expected 1.0, 1.0C or 1.1)" },
		{ "HTTP_GET {\n url {\n path \"/a b\"\n }\n}\n",
		  "E: t.conf:3: 'path' must not contain spaces or control characters" },
		{ "MISC_CHECK {\n misc_timeout 3\n}\n", "E: t.conf:1: MISC_CHECK has no 'misc_path'" },
		{ "MISC_CHECK {\n misc_path /bin/true\n misc_dynamic sometimes\n}\n",
		  "E: t.conf:3: invalid value 'sometimes' for 'misc_dynamic' (expected on/off, true/false, yes/no)" },
		{ "UDP_CHECK {\n payload 12 zz\n}\n", "E: t.conf:2: invalid hex digit 'z' in 'payload'" },
		{ "UDP_CHECK {\n payload 1x\n}\n", "E: t.conf:2: invalid hex digit 'x' in 'payload'" },
		{ "UDP_CHECK {\n min_reply_length 10\n max_reply_length 5\n}\n",
		  "E: t.conf:1: UDP_CHECK: 'min_reply_length' 10 is above 'max_reply_length' 5" },
		{ "DNS_CHECK {\n type HINFO\n}\n",
		  "E: t.conf:2: invalid DNS 'type' 'HINFO' (expected A, NS, CNAME, SOA, PTR, MX, TXT, AAAA or SRV)" },
		{ "DNS_CHECK {\n name a..b\n}\n", "E: t.conf:2: invalid DNS 'name' 'a..b'" },
		{ "TCP_CHECK {\n connect_port\n}\n", "E: t.conf:2: 'connect_port' needs an argument" },
		{ "HTTP_GET {\n url /\n}\n", "E: t.conf:2: 'url' needs a { block }" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int errors = 0;
		struct check_conf *c = parse(cases[i].text, &errors);

		if (c || !errors)
			printf("# case %zu parsed without error\n", i);
		CHECK(!c);
		CHECK(errors > 0);
		CHECK(has_msg(cases[i].msg));
		check_conf_free(c);
	}
}

static void test_unknown_is_warning(void)
{
	int errors = -1;
	struct check_conf *c = parse("TCP_CHECK {\n connect_port 80\n\n  frobnicate 3\n"
				     " helo_name x\n}\n", &errors);

	CHECK(c);
	CHECK_EQ(errors, 0);
	CHECK(has_msg("W: t.conf:4: unknown keyword 'frobnicate' in TCP_CHECK, ignored"));
	CHECK(has_msg("W: t.conf:5: unknown keyword 'helo_name' in TCP_CHECK, ignored"));
	if (c)
		CHECK_EQ(c->connect_port, 80);
	check_conf_free(c);
	c = parse("PING_CHECK {\n connect_port 80\n}\n", &errors);
	CHECK(c);
	CHECK(has_msg("W: t.conf:1: PING_CHECK: ports have no meaning for ICMP, ignored"));
	check_conf_free(c);
}

static void test_status_match(void)
{
	struct check_url u = { 0 };
	struct check_status_range r[] = { { 200, 200 }, { 301, 302 }, { 500, 599 } };

	/* default: 2xx */
	CHECK(!check_status_match(&u, 199));
	CHECK(check_status_match(&u, 200));
	CHECK(check_status_match(&u, 204));
	CHECK(check_status_match(&u, 299));
	CHECK(!check_status_match(&u, 300));
	CHECK(!check_status_match(&u, 503));
	u.status = r;
	u.nstatus = 3;
	CHECK(check_status_match(&u, 200));
	CHECK(!check_status_match(&u, 201));
	CHECK(!check_status_match(&u, 300));
	CHECK(check_status_match(&u, 301));
	CHECK(check_status_match(&u, 302));
	CHECK(!check_status_match(&u, 303));
	CHECK(!check_status_match(&u, 499));
	CHECK(check_status_match(&u, 500));
	CHECK(check_status_match(&u, 599));
}

static void test_equal_and_dup(void)
{
	const char *text = "HTTP_GET {\n url {\n path /\n digest 9b3a0c85a887a256d6939da88aabd8cd\n"
			   " status_code 200-299 404\n }\n connect_port 81\n}\n";
	struct check_conf *a = parse(text, NULL), *b = parse(text, NULL), *d, *e;

	CHECK(a && b);
	if (!a || !b)
		return;
	CHECK(check_conf_equal(a, b));
	d = check_conf_dup(a);
	CHECK(d && check_conf_equal(a, d));
	CHECK(d && d->urls != a->urls && d->urls[0].path != a->urls[0].path);
	check_conf_free(a);		/* the copy must not share memory with it */
	CHECK(d && check_conf_equal(b, d));
	b->urls[0].status[1].lo = 405;
	CHECK(d && !check_conf_equal(b, d));
	check_conf_free(b);
	b = parse("HTTP_GET {\n url {\n path /\n }\n connect_port 81\n}\n", NULL);
	e = parse("HTTP_GET {\n url {\n path /\n }\n connect_port 82\n}\n", NULL);
	CHECK(b && e && !check_conf_equal(b, e));
	check_conf_free(b);
	check_conf_free(e);
	check_conf_free(d);

	a = parse("UDP_CHECK {\n payload 0102\n require_reply 01xx\n}\n", NULL);
	b = parse("UDP_CHECK {\n payload 0102\n require_reply 01XX\n}\n", NULL);
	e = parse("UDP_CHECK {\n payload 0102\n require_reply 0100\n}\n", NULL);
	d = a ? check_conf_dup(a) : NULL;
	CHECK(a && b && e && d);
	if (a && b && e && d) {
		CHECK(check_conf_equal(a, b));
		CHECK(check_conf_equal(a, d));
		CHECK(!check_conf_equal(a, e));		/* same bytes, different mask */
	}
	check_conf_free(a);
	check_conf_free(b);
	check_conf_free(d);
	check_conf_free(e);

	/* a list is freed as a whole */
	a = parse("TCP_CHECK {\n}\n", NULL);
	b = parse("MISC_CHECK {\n misc_path /bin/true\n}\n", NULL);
	if (a)
		a->next = b;
	check_conf_free(a);
}

int main(void)
{
	RUN(test_defaults);
	RUN(test_common_keywords);
	RUN(test_http_keywords);
	RUN(test_misc_keywords);
	RUN(test_udp_dns_keywords);
	RUN(test_errors);
	RUN(test_unknown_is_warning);
	RUN(test_status_match);
	RUN(test_equal_and_dup);
	reset_msgs();
	return ut_total_fail ? 1 : 0;
}
