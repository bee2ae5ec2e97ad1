// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl: JSON listings (-j/--json), written by hand.
 *
 * The layout is documented in halbctl(8) and is an interface: keys are
 * only ever added, never renamed or removed.  Output is indented with two
 * spaces, one key per line, so that it diffs well and any JSON parser
 * reads it.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "halbctl/args.h"
#include "halbctl/format.h"

#define JW_DEPTH	16

/* A minimal streaming writer: it only tracks commas and indentation. */
struct jw {
	FILE *f;
	int depth;
	bool first[JW_DEPTH];
};

static void jw_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Comma, newline and indent before a member; then its key if any. */
static void jw_member(struct jw *w, const char *key)
{
	if (w->depth > 0) {
		if (!w->first[w->depth])
			fputc(',', w->f);
		w->first[w->depth] = false;
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	}
	if (key) {
		jw_string(w->f, key);
		fputs(": ", w->f);
	}
}

static void jw_open(struct jw *w, const char *key, char c)
{
	jw_member(w, key);
	fputc(c, w->f);
	w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
	bool empty = w->first[w->depth];

	w->depth--;
	if (!empty)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	fputc(c, w->f);
	if (!w->depth)
		fputc('\n', w->f);
}

static void jw_str(struct jw *w, const char *key, const char *v)
{
	jw_member(w, key);
	jw_string(w->f, v);
}

static void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_member(w, key);
	fprintf(w->f, "%" PRIu64, v);
}

static void jw_null(struct jw *w, const char *key)
{
	jw_member(w, key);
	fputs("null", w->f);
}

static void jw_addr(struct jw *w, const char *key, int af,
		    const union halb_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(af, a, buf, sizeof(buf));
	jw_str(w, key, buf);
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : "unknown";
}

static void jw_stats(struct jw *w, const struct halb_stats *st)
{
	jw_open(w, "stats", '{');
	jw_u64(w, "conns", st->conns);
	jw_u64(w, "inpkts", st->inpkts);
	jw_u64(w, "outpkts", st->outpkts);
	jw_u64(w, "inbytes", st->inbytes);
	jw_u64(w, "outbytes", st->outbytes);
	jw_u64(w, "drops", st->drops);
	jw_u64(w, "cps", st->cps);
	jw_u64(w, "inpps", st->inpps);
	jw_u64(w, "outpps", st->outpps);
	jw_u64(w, "inbps", st->inbps);
	jw_u64(w, "outbps", st->outbps);
	jw_close(w, '}');
}

static void jw_info(struct jw *w, const struct halb_info *in)
{
	char ver[32];

	snprintf(ver, sizeof(ver), "%u.%u.%u", (in->version >> 16) & 0xff,
		 (in->version >> 8) & 0xff, in->version & 0xff);
	jw_open(w, "info", '{');
	jw_str(w, "version", ver);
	jw_u64(w, "conn_tab_size", in->conn_tab_size);
	jw_u64(w, "conn_count", in->conn_count);
	jw_u64(w, "conn_max", in->conn_max);
	jw_u64(w, "num_services", in->num_services);
	jw_u64(w, "conn_refused", in->conn_refused);
	jw_u64(w, "lport_exhausted", in->lport_exhausted);
	jw_u64(w, "lports_used", in->lports_used);
	jw_stats(w, &in->stats);
	jw_close(w, '}');
}

static void jw_dest(struct jw *w, int af, const struct halb_dest *d)
{
	jw_open(w, NULL, '{');
	jw_addr(w, "address", af, &d->addr);
	jw_u64(w, "port", d->port);
	jw_str(w, "forward", halb_fwd_name(d->fwd));
	jw_u64(w, "weight", d->weight);
	jw_u64(w, "u_threshold", d->u_thresh);
	jw_u64(w, "l_threshold", d->l_thresh);
	jw_u64(w, "active_conns", d->active_conns);
	jw_u64(w, "inactive_conns", d->inact_conns);
	jw_stats(w, &d->stats);
	jw_close(w, '}');
}

/* Names of the bits of a flags word, in bit order. */
static void jw_flags(struct jw *w, const char *key, uint32_t flags,
		     const char *const *names, unsigned int n)
{
	unsigned int i;

	jw_open(w, key, '[');
	for (i = 0; i < n; i++)
		if (flags & (1U << i))
			jw_str(w, NULL, names[i]);
	jw_close(w, ']');
}

static const char *const svc_flag_names[] = {
	"persistent",		/* HALB_SVC_F_PERSISTENT */
	"ops",			/* HALB_SVC_F_ONEPACKET */
	"hash-fallback",	/* HALB_SVC_F_HASH_FALLBACK */
	"hash-port",		/* HALB_SVC_F_HASH_PORT */
	"standby",		/* HALB_SVC_F_STANDBY */
};

static const char *const conn_flag_names[] = {
	"template",		/* HALB_CONN_F_TEMPLATE */
	"nodest",		/* HALB_CONN_F_NODEST */
	"assured",		/* HALB_CONN_F_ASSURED */
};

#define N_NAMES(a)	(sizeof(a) / sizeof((a)[0]))

static void jw_service(struct jw *w, const struct halbctl_svc_entry *e)
{
	const struct halb_service *s = &e->svc;
	const char *nodest = halbctl_nodest_name(s->nodest);
	size_t i;

	jw_open(w, NULL, '{');
	if (s->fwmark) {
		/* matched by mark, any protocol, no address, no port */
		jw_str(w, "protocol", "fwmark");
		jw_str(w, "family", s->af == AF_INET6 ? "inet6" : "inet");
		jw_null(w, "address");
		jw_null(w, "port");
	} else {
		jw_str(w, "protocol", proto_name(s->protocol));
		jw_str(w, "family", s->af == AF_INET6 ? "inet6" : "inet");
		jw_addr(w, "address", s->af, &s->addr);
		jw_u64(w, "port", s->port);
	}
	jw_u64(w, "fwmark", s->fwmark);
	jw_str(w, "scheduler", s->sched);
	jw_flags(w, "flags", s->flags, svc_flag_names, N_NAMES(svc_flag_names));
	jw_u64(w, "timeout", s->timeout);
	jw_u64(w, "netmask", s->netmask);
	jw_str(w, "nodest_policy", nodest ? nodest : "unknown");
	jw_u64(w, "mh_size", s->mh_size);
	jw_open(w, "laddrs", '[');
	for (i = 0; i < s->num_laddrs; i++)
		jw_addr(w, NULL, s->af, &s->laddrs[i]);
	jw_close(w, ']');
	jw_str(w, "client_addr", halb_client_addr_name(s->client_addr));
	jw_u64(w, "lports_used", s->lports_used);
	jw_stats(w, &s->stats);
	jw_open(w, "dests", '[');
	for (i = 0; i < e->n_dests; i++)
		jw_dest(w, s->af, &e->dests[i]);
	jw_close(w, ']');
	jw_close(w, '}');
}

void halbctl_json_list(FILE *f, const struct halbctl_snapshot *snap,
		       bool with_info)
{
	struct jw w = { .f = f };
	size_t i;

	jw_open(&w, NULL, '{');
	if (with_info)
		jw_info(&w, &snap->info);
	jw_open(&w, "services", '[');
	for (i = 0; i < snap->n_svcs; i++)
		jw_service(&w, &snap->svcs[i]);
	jw_close(&w, ']');
	jw_close(&w, '}');
}

void halbctl_json_conns(FILE *f, const struct halb_conn *c, size_t n)
{
	struct jw w = { .f = f };
	size_t i;

	jw_open(&w, NULL, '{');
	jw_open(&w, "connections", '[');
	for (i = 0; i < n; i++, c++) {
		jw_open(&w, NULL, '{');
		jw_str(&w, "protocol", proto_name(c->protocol));
		jw_str(&w, "family", c->af == AF_INET6 ? "inet6" : "inet");
		jw_addr(&w, "client_address", c->af, &c->caddr);
		jw_u64(&w, "client_port", c->cport);
		jw_addr(&w, "virtual_address", c->af, &c->vaddr);
		jw_u64(&w, "virtual_port", c->vport);
		jw_addr(&w, "dest_address", c->af, &c->daddr);
		jw_u64(&w, "dest_port", c->dport);
		jw_str(&w, "forward", halb_fwd_name(c->fwd));
		jw_str(&w, "state", halb_conn_state_name(c->state));
		jw_u64(&w, "expires_ms", c->expires_ms);
		jw_flags(&w, "flags", c->flags, conn_flag_names,
			 N_NAMES(conn_flag_names));
		jw_u64(&w, "fwmark", c->fwmark);
		if (c->fullnat) {
			jw_addr(&w, "local_address", c->af, &c->laddr);
			jw_u64(&w, "local_port", c->lport);
		}
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_close(&w, '}');
}
