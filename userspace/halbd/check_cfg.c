// SPDX-License-Identifier: GPL-2.0
/*
 * Checker blocks: keyword tables per kind, defaults, copy, compare, free.
 * Pure data: linked into the parser, its unit tests and its fuzz target,
 * so nothing here may need sockets or OpenSSL.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "halbd/cfg_parse_int.h"
#include "halbd/check.h"

static const char *const kind_names[CHECK_KIND_MAX] = {
	[CHECK_TCP] = "TCP_CHECK", [CHECK_HTTP] = "HTTP_GET", [CHECK_SSL] = "SSL_GET",
	[CHECK_MISC] = "MISC_CHECK", [CHECK_UDP] = "UDP_CHECK", [CHECK_PING] = "PING_CHECK",
	[CHECK_DNS] = "DNS_CHECK",
};

const char *check_kind_name(enum check_kind k)
{
	return (unsigned int)k < CHECK_KIND_MAX ? kind_names[k] : "?";
}

static int kind_of(const char *kw)
{
	for (int k = 0; k < CHECK_KIND_MAX; k++)
		if (!strcmp(kw, kind_names[k]))
			return k;
	return -1;
}

bool check_is_checker_kw(const char *kw)
{
	return kind_of(kw) >= 0;
}

bool check_status_match(const struct check_url *u, int status)
{
	if (!u->nstatus)
		return status >= 200 && status <= 299;
	for (int i = 0; i < u->nstatus; i++)
		if (status >= u->status[i].lo && status <= u->status[i].hi)
			return true;
	return false;
}

/* ---- values ---- */

/* TIMER: seconds with up to 3 decimals, as keepalived's read_timer. */
static int timer_ms(struct cfg_pctx *p, struct cfg_node *n, bool zero_ok, uint32_t *out)
{
	unsigned int v;

	if (cfg_decimal(p, n, n->argv[0], 1000, 86400000, &v))
		return -1;
	if (!v && !zero_ok) {
		cfg_err(p, n, "'%s' must be greater than 0", n->kw);
		return -1;
	}
	*out = v;
	return 0;
}

static int port_arg(struct cfg_pctx *p, struct cfg_node *n, uint32_t *out)
{
	int v;

	if (cfg_int(p, n, n->argv[0], 1, 65535, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* keepalived's <BOOL>: absent means true. */
static int bool_arg(struct cfg_pctx *p, struct cfg_node *n, bool *out)
{
	static const char *const yes[] = { "on", "true", "yes" };
	static const char *const no[] = { "off", "false", "no" };

	if (!n->argc) {
		*out = true;
		return 0;
	}
	for (int i = 0; i < 3; i++) {
		if (!strcasecmp(n->argv[0], yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(n->argv[0], no[i])) {
			*out = false;
			return 0;
		}
	}
	cfg_err(p, n, "invalid value '%s' for '%s' (expected on/off, true/false, yes/no)",
		n->argv[0], n->kw);
	return -1;
}

static int str_arg(struct cfg_pctx *p, struct cfg_node *n, char **dst)
{
	if (!*n->argv[0]) {
		cfg_err(p, n, "'%s' needs a non-empty value", n->kw);
		return -1;
	}
	return cfg_set_str(p, n, dst);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * keepalived's HEX_STR: words of hex digits taken two at a time, a lone last
 * digit of a word being a byte of its own ("Ab12f 3" is AB 12 0F 03).  With
 * @mask, an x nibble matches anything.
 */
static int hex_words(struct cfg_pctx *p, struct cfg_node *n, uint8_t **bytes, uint8_t **mask,
		     int *len)
{
	size_t cap = 0;
	uint8_t *b, *m;
	int o = 0;

	for (int i = 0; i < n->argc; i++)
		cap += strlen(n->argv[i]) / 2 + 1;
	b = calloc(cap + 1, 1);
	m = calloc(cap + 1, 1);
	if (!b || !m)
		goto err;
	for (int i = 0; i < n->argc; i++) {
		const char *w = n->argv[i];
		size_t wl = strlen(w);

		for (size_t j = 0; j < wl; j += 2) {
			int nib[2], mk[2], cnt = j + 1 < wl ? 2 : 1;

			for (int k = 0; k < cnt; k++) {
				int c = w[j + k];

				mk[k] = 0xf;
				if (mask && (c == 'x' || c == 'X')) {
					nib[k] = 0;
					mk[k] = 0;
				} else if ((nib[k] = hexval(c)) < 0) {
					cfg_err(p, n, "invalid hex digit '%c' in '%s'", c, n->kw);
					goto err;
				}
			}
			if (cnt == 1) {
				b[o] = nib[0];
				m[o] = mk[0];
			} else {
				b[o] = nib[0] << 4 | nib[1];
				m[o] = mk[0] << 4 | mk[1];
			}
			o++;
		}
	}
	if (!o) {
		cfg_err(p, n, "'%s' needs hex bytes", n->kw);
		goto err;
	}
	free(*bytes);
	*bytes = b;
	if (mask) {
		free(*mask);
		*mask = m;
	} else {
		free(m);
	}
	*len = o;
	return 0;
err:
	free(b);
	free(m);
	return -1;
}

/* ---- keywords every checker has ---- */

#define C(o) ((struct check_conf *)(o))

static int k_connect_ip(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_addr_arg(p, n, n->argv[0], &C(o)->connect_ip);
}

static int k_connect_port(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return port_arg(p, n, &C(o)->connect_port);
}

static int k_bindto(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_addr_arg(p, n, n->argv[0], &C(o)->bindto);
}

static int k_bind_port(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	uint32_t v;

	if (port_arg(p, n, &v))
		return -1;
	C(o)->bind_port = (uint16_t)v;
	return 0;
}

static int k_bind_if(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return cfg_name(p, n, n->argv[0], C(o)->bind_if, IFNAMSIZ);
}

static int k_fwmark(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	char *end;
	unsigned long v = strtoul(n->argv[0], &end, 0);

	if (!*n->argv[0] || *end || n->argv[0][0] == '-' || v > UINT32_MAX) {
		cfg_err(p, n, "invalid value '%s' for 'fwmark' (expected 0..4294967295)", n->argv[0]);
		return -1;
	}
	C(o)->fwmark = (uint32_t)v;
	return 0;
}

static int k_connect_timeout(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return timer_ms(p, n, false, &C(o)->connect_timeout_ms);
}

static int k_retry(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	int v;

	if (!strcmp(n->kw, "nb_get_retry"))
		cfg_warn(p, n, "'nb_get_retry' is deprecated, use 'retry'");
	if (cfg_int(p, n, n->argv[0], 0, 1000000, &v))
		return -1;
	C(o)->retry = (uint32_t)v;
	return 0;
}

static int k_delay_before_retry(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return timer_ms(p, n, true, &C(o)->delay_before_retry_ms);
}

static int k_warmup(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return timer_ms(p, n, true, &C(o)->warmup_ms);
}

static int k_delay_loop(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return timer_ms(p, n, false, &C(o)->delay_loop_ms);
}

static int k_alpha(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	bool b;

	if (bool_arg(p, n, &b))
		return -1;
	C(o)->alpha = b;
	return 0;
}

static int k_log_all(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return bool_arg(p, n, &C(o)->log_all_failures);
}

#define COMMON_TIMING_KWS \
	{ "alpha", 0, 1, k_alpha, false }, \
	{ "connect_timeout", 1, 1, k_connect_timeout, false }, \
	{ "retry", 1, 1, k_retry, false }, \
	{ "nb_get_retry", 1, 1, k_retry, false }, \
	{ "delay_before_retry", 1, 1, k_delay_before_retry, false }, \
	{ "warmup", 1, 1, k_warmup, false }, \
	{ "delay_loop", 1, 1, k_delay_loop, false }, \
	{ "log_all_failures", 0, 1, k_log_all, false }

#define COMMON_CONN_KWS \
	{ "connect_ip", 1, 1, k_connect_ip, false }, \
	{ "connect_port", 1, 1, k_connect_port, false }, \
	{ "bindto", 1, 1, k_bindto, false }, \
	{ "bind_port", 1, 1, k_bind_port, false }, \
	{ "bind_if", 1, 1, k_bind_if, false }, \
	{ "fwmark", 1, 1, k_fwmark, false }, \
	COMMON_TIMING_KWS

static const struct cfg_kw plain_kws[] = {
	COMMON_CONN_KWS,
	{ NULL, 0, 0, NULL, false },
};

/* ---- HTTP_GET, SSL_GET ---- */

#define U(o) ((struct check_url *)(o))

static int u_path(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	const char *s = n->argv[0];

	for (const char *c = s; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f) {
			cfg_err(p, n, "'path' must not contain spaces or control characters");
			return -1;
		}
	if (*s != '/' && strncmp(s, "http://", 7) && strncmp(s, "https://", 8))
		cfg_warn(p, n, "'path' '%s' does not start with '/'", s);
	return str_arg(p, n, &U(o)->path);
}

static int u_digest(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	const char *s = n->argv[0];
	uint8_t d[16];

	if (strlen(s) != 32)
		goto bad;
	for (int i = 0; i < 16; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			goto bad;
		d[i] = hi << 4 | lo;
	}
	memcpy(U(o)->digest, d, 16);
	U(o)->has_digest = true;
	return 0;
bad:
	cfg_err(p, n, "invalid 'digest' '%.40s' (expected 32 hex digits, an MD5 sum)", s);
	return -1;
}

static int code_arg(const char *s, char **end)
{
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, end, 10);
	return v >= 100 && v <= 599 ? (int)v : -1;
}

static int u_status(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct check_url *u = o;

	for (int i = 0; i < n->argc; i++) {
		const char *s = n->argv[i];
		char *end;
		int lo = code_arg(s, &end), hi = lo;
		void *arr;

		if (lo >= 0 && *end == '-')
			hi = code_arg(end + 1, &end);
		if (lo < 0 || hi < 0 || *end || hi < lo) {
			cfg_err(p, n, "invalid 'status_code' '%s' (expected 100..599 or a range like 200-299)",
				s);
			return -1;
		}
		arr = cfg_grow(u->status, &u->nstatus, sizeof(*u->status));
		if (!arr)
			return -1;
		u->status = arr;
		u->status[u->nstatus - 1].lo = lo;
		u->status[u->nstatus - 1].hi = hi;
	}
	return 0;
}

static int host_arg(struct cfg_pctx *p, struct cfg_node *n, char **dst)
{
	for (const char *c = n->argv[0]; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f) {
			cfg_err(p, n, "'%s' must not contain spaces or control characters", n->kw);
			return -1;
		}
	return str_arg(p, n, dst);
}

static int u_vhost(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return host_arg(p, n, &U(o)->virtualhost);
}

static int u_regex(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	(void)o;
	cfg_warn(p, n, "'%s' is not supported by halbd, ignored", n->kw);
	return 0;
}

static const struct cfg_kw url_kws[] = {
	{ "path", 1, 1, u_path, false },
	{ "digest", 1, 1, u_digest, false },
	{ "status_code", 1, -1, u_status, false },
	{ "virtualhost", 1, 1, u_vhost, false },
	{ "regex", 0, -1, u_regex, false },
	{ "regex_no_match", 0, -1, u_regex, false },
	{ "regex_options", 0, -1, u_regex, false },
	{ "regex_stack", 0, -1, u_regex, false },
	{ "regex_min_offset", 0, -1, u_regex, false },
	{ "regex_max_offset", 0, -1, u_regex, false },
	{ NULL, 0, 0, NULL, false },
};

static void url_clear(struct check_url *u)
{
	free(u->path);
	free(u->virtualhost);
	free(u->status);
}

static int h_url(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	struct check_conf *c = o;
	struct check_url *u;
	void *arr;
	int errors = p->d->errors;

	arr = cfg_grow(c->urls, &c->nurls, sizeof(*c->urls));
	if (!arr)
		return -1;
	c->urls = arr;
	u = &c->urls[c->nurls - 1];
	u->line = n->line;
	cfg_walk(p, url_kws, u, "url", n->child);
	if (!u->path && p->d->errors == errors) {
		cfg_err(p, n, "'url' has no 'path'");
		return -1;
	}
	return 0;
}

static int h_vhost(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return host_arg(p, n, &C(o)->virtualhost);
}

static int h_proto(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	const char *s = n->argv[0];

	if (!strcmp(s, "1.0"))
		C(o)->http_proto = CHECK_HTTP_10;
	else if (!strcasecmp(s, "1.0C"))
		C(o)->http_proto = CHECK_HTTP_10C;
	else if (!strcmp(s, "1.1"))
		C(o)->http_proto = CHECK_HTTP_11;
	else {
		cfg_err(p, n, "invalid 'http_protocol' '%s' (expected 1.0, 1.0C or 1.1)", s);
		return -1;
	}
	return 0;
}

static int h_sni(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	if (C(o)->kind != CHECK_SSL) {
		cfg_warn(p, n, "'enable_sni' only applies to SSL_GET, ignored");
		return 0;
	}
	return bool_arg(p, n, &C(o)->enable_sni);
}

static int h_fast(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return bool_arg(p, n, &C(o)->fast_recovery);
}

static const struct cfg_kw http_kws[] = {
	COMMON_CONN_KWS,
	{ "url", 0, 0, h_url, true },
	{ "virtualhost", 1, 1, h_vhost, false },
	{ "http_protocol", 1, 1, h_proto, false },
	{ "enable_sni", 0, 1, h_sni, false },
	{ "fast_recovery", 0, 1, h_fast, false },
	{ NULL, 0, 0, NULL, false },
};

/* ---- MISC_CHECK ---- */

static int m_path(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return str_arg(p, n, &C(o)->misc_path);
}

static int m_timeout(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return timer_ms(p, n, false, &C(o)->misc_timeout_ms);
}

static int m_dynamic(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return bool_arg(p, n, &C(o)->misc_dynamic);
}

static int m_user(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	if (n->argc > 1)
		cfg_warn(p, n, "group of 'user' ignored, the user's primary group is used");
	return cfg_name(p, n, n->argv[0], C(o)->user, CFG_NAME_MAX);
}

static const struct cfg_kw misc_kws[] = {
	COMMON_TIMING_KWS,
	{ "misc_path", 1, -1, m_path, false },
	{ "misc_timeout", 1, 1, m_timeout, false },
	{ "misc_dynamic", 0, 1, m_dynamic, false },
	{ "user", 1, 2, m_user, false },
	{ NULL, 0, 0, NULL, false },
};

/* ---- UDP_CHECK ---- */

static int d_payload(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	return hex_words(p, n, &C(o)->payload, NULL, &C(o)->payload_len);
}

static int d_require(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	C(o)->require_reply = true;
	if (!n->argc)
		return 0;
	return hex_words(p, n, &C(o)->reply, &C(o)->reply_mask, &C(o)->reply_len);
}

static int d_len(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	int *dst = !strcmp(n->kw, "min_reply_length") ? &C(o)->min_reply_len :
		   &C(o)->max_reply_len;

	return cfg_int(p, n, n->argv[0], 0, 65507, dst);
}

static const struct cfg_kw udp_kws[] = {
	COMMON_CONN_KWS,
	{ "payload", 1, -1, d_payload, false },
	{ "require_reply", 0, -1, d_require, false },
	{ "min_reply_length", 1, 1, d_len, false },
	{ "max_reply_length", 1, 1, d_len, false },
	{ NULL, 0, 0, NULL, false },
};

/* ---- DNS_CHECK ---- */

static const struct { const char *name; enum check_dns_type t; } dns_types[] = {
	{ "A", CHECK_DNS_A }, { "NS", CHECK_DNS_NS }, { "CNAME", CHECK_DNS_CNAME },
	{ "SOA", CHECK_DNS_SOA }, { "PTR", CHECK_DNS_PTR }, { "MX", CHECK_DNS_MX },
	{ "TXT", CHECK_DNS_TXT }, { "AAAA", CHECK_DNS_AAAA }, { "SRV", CHECK_DNS_SRV },
};

static int n_type(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
		if (!strcasecmp(n->argv[0], dns_types[i].name)) {
			C(o)->dns_type = dns_types[i].t;
			return 0;
		}
	cfg_err(p, n, "invalid DNS 'type' '%s' (expected A, NS, CNAME, SOA, PTR, MX, TXT, AAAA or SRV)",
		n->argv[0]);
	return -1;
}

static int n_name(struct cfg_pctx *p, void *o, struct cfg_node *n)
{
	const char *s = n->argv[0];
	size_t len = strlen(s), label = 0;

	if (!len || len > 253)
		goto bad;
	for (const char *c = s; *c; c++) {
		if (*c == '.') {
			if (!label && (c != s || c[1]))
				goto bad;	/* empty label, except the root "." */
			label = 0;
		} else if ((unsigned char)*c <= ' ' || *c == 0x7f || ++label > 63) {
			goto bad;
		}
	}
	return str_arg(p, n, &C(o)->dns_name);
bad:
	cfg_err(p, n, "invalid DNS 'name' '%.64s'", s);
	return -1;
}

static const struct cfg_kw dns_kws[] = {
	COMMON_CONN_KWS,
	{ "type", 1, 1, n_type, false },
	{ "name", 1, 1, n_name, false },
	{ NULL, 0, 0, NULL, false },
};

static const struct cfg_kw *const kind_kws[CHECK_KIND_MAX] = {
	[CHECK_TCP] = plain_kws, [CHECK_HTTP] = http_kws, [CHECK_SSL] = http_kws,
	[CHECK_MISC] = misc_kws, [CHECK_UDP] = udp_kws, [CHECK_PING] = plain_kws,
	[CHECK_DNS] = dns_kws,
};

/* ---- the block ---- */

static void conf_clear(struct check_conf *c)
{
	for (int i = 0; i < c->nurls; i++)
		url_clear(&c->urls[i]);
	free(c->urls);
	free(c->virtualhost);
	free(c->misc_path);
	free(c->payload);
	free(c->reply);
	free(c->reply_mask);
	free(c->dns_name);
}

void check_conf_free(struct check_conf *c)
{
	while (c) {
		struct check_conf *next = c->next;

		conf_clear(c);
		free(c);
		c = next;
	}
}

/* After the keywords: what only the whole block can tell. */
static int validate(struct cfg_pctx *p, struct cfg_node *n, struct check_conf *c)
{
	const char *kw = n->kw;

	if ((c->kind == CHECK_HTTP || c->kind == CHECK_SSL) && !c->nurls) {
		cfg_err(p, n, "%s has no 'url' block", kw);
		return -1;
	}
	if (c->kind == CHECK_MISC && !c->misc_path) {
		cfg_err(p, n, "MISC_CHECK has no 'misc_path'");
		return -1;
	}
	if (c->connect_ip.family && c->bindto.family && c->connect_ip.family != c->bindto.family) {
		cfg_err(p, n, "%s: 'bindto' and 'connect_ip' are of different address families", kw);
		return -1;
	}
	if (c->kind == CHECK_UDP && c->min_reply_len > c->max_reply_len) {
		cfg_err(p, n, "UDP_CHECK: 'min_reply_length' %d is above 'max_reply_length' %d",
			c->min_reply_len, c->max_reply_len);
		return -1;
	}
	if (c->kind == CHECK_PING && (c->connect_port != CHECK_UNSET || c->bind_port))
		cfg_warn(p, n, "PING_CHECK: ports have no meaning for ICMP, ignored");
	return 0;
}

int check_conf_parse(struct cfg_pctx *p, struct cfg_node *n, struct check_conf **out)
{
	int kind = kind_of(n->kw), errors = p->d->errors;
	struct check_conf *c;

	if (kind < 0) {
		cfg_err(p, n, "'%s' is not a checker", n->kw);
		return -1;
	}
	if (n->argc)
		cfg_warn(p, n, "words after '%s' ignored", n->kw);
	c = calloc(1, sizeof(*c));
	if (!c) {
		cfg_err(p, n, "out of memory");
		return -1;
	}
	c->kind = kind;
	c->file = n->file;
	c->line = n->line;
	c->connect_port = CHECK_UNSET;
	c->connect_timeout_ms = CHECK_UNSET;
	c->retry = CHECK_UNSET;
	c->delay_before_retry_ms = CHECK_UNSET;
	c->warmup_ms = CHECK_UNSET;
	c->delay_loop_ms = CHECK_UNSET;
	c->misc_timeout_ms = CHECK_UNSET;
	c->alpha = -1;
	c->http_proto = CHECK_HTTP_10;
	c->max_reply_len = 255;
	c->dns_type = CHECK_DNS_SOA;
	cfg_walk(p, kind_kws[kind], c, n->kw, n->child);
	if (p->d->errors != errors || validate(p, n, c)) {
		check_conf_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

/* ---- compare, copy ---- */

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool mem_eq(const void *a, const void *b, int len)
{
	return (!a && !b) || (a && b && !memcmp(a, b, len));
}

static bool url_equal(const struct check_url *a, const struct check_url *b)
{
	return str_eq(a->path, b->path) && str_eq(a->virtualhost, b->virtualhost) &&
	       a->has_digest == b->has_digest &&
	       (!a->has_digest || !memcmp(a->digest, b->digest, 16)) &&
	       a->nstatus == b->nstatus &&
	       mem_eq(a->status, b->status, a->nstatus * sizeof(*a->status));
}

bool check_conf_equal(const struct check_conf *a, const struct check_conf *b)
{
	if (a->kind != b->kind || !cfg_addr_equal(&a->connect_ip, &b->connect_ip) ||
	    a->connect_port != b->connect_port || !cfg_addr_equal(&a->bindto, &b->bindto) ||
	    a->bind_port != b->bind_port || strcmp(a->bind_if, b->bind_if) ||
	    a->fwmark != b->fwmark || a->connect_timeout_ms != b->connect_timeout_ms ||
	    a->retry != b->retry || a->delay_before_retry_ms != b->delay_before_retry_ms ||
	    a->warmup_ms != b->warmup_ms || a->delay_loop_ms != b->delay_loop_ms ||
	    a->alpha != b->alpha || a->log_all_failures != b->log_all_failures)
		return false;
	if (a->nurls != b->nurls || !str_eq(a->virtualhost, b->virtualhost) ||
	    a->http_proto != b->http_proto || a->enable_sni != b->enable_sni ||
	    a->fast_recovery != b->fast_recovery)
		return false;
	for (int i = 0; i < a->nurls; i++)
		if (!url_equal(&a->urls[i], &b->urls[i]))
			return false;
	if (!str_eq(a->misc_path, b->misc_path) || a->misc_timeout_ms != b->misc_timeout_ms ||
	    a->misc_dynamic != b->misc_dynamic || strcmp(a->user, b->user))
		return false;
	if (a->payload_len != b->payload_len || !mem_eq(a->payload, b->payload, a->payload_len) ||
	    a->require_reply != b->require_reply || a->reply_len != b->reply_len ||
	    !mem_eq(a->reply, b->reply, a->reply_len) ||
	    !mem_eq(a->reply_mask, b->reply_mask, a->reply_len) ||
	    a->min_reply_len != b->min_reply_len || a->max_reply_len != b->max_reply_len)
		return false;
	return a->dns_type == b->dns_type && str_eq(a->dns_name, b->dns_name);
}

static bool dup_str(char **s)
{
	return !*s || (*s = strdup(*s));
}

static bool dup_mem(void *pp, size_t len)
{
	void **p = pp, *n;

	if (!*p)
		return true;
	n = malloc(len ? len : 1);
	if (n)
		memcpy(n, *p, len);
	*p = n;
	return n;
}

struct check_conf *check_conf_dup(const struct check_conf *src)
{
	struct check_conf *c = malloc(sizeof(*c));
	bool ok;

	if (!c)
		return NULL;
	*c = *src;
	c->next = NULL;
	/* pointers still alias @src: clear the ones not yet copied before any free */
	ok = dup_mem(&c->urls, c->nurls * sizeof(*c->urls));
	if (!ok)
		c->nurls = 0;
	for (int i = 0; i < c->nurls; i++) {
		struct check_url *u = &c->urls[i];
		bool p = dup_str(&u->path), v = dup_str(&u->virtualhost);
		bool s = dup_mem(&u->status, u->nstatus * sizeof(*u->status));

		if (!p || !v || !s) {
			ok = false;
			if (!s)
				u->nstatus = 0;
		}
	}
	ok &= dup_str(&c->virtualhost);
	ok &= dup_str(&c->misc_path);
	ok &= dup_mem(&c->payload, c->payload_len);
	ok &= dup_mem(&c->reply, c->reply_len);
	ok &= dup_mem(&c->reply_mask, c->reply_len);
	ok &= dup_str(&c->dns_name);
	if (!ok) {
		check_conf_free(c);
		return NULL;
	}
	return c;
}
