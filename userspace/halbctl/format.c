// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl: ipvsadm's text listings.
 *
 * Widths, truncations and number formats follow ipvsadm 1.31's
 * print_title(), print_service_entry(), print_largenum() and print_conn()
 * so that scripts parsing "ipvsadm -Ln" parse "halbctl -Ln" too.
 * Addresses are always printed numerically: halbctl never resolves names.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "halbctl/args.h"
#include "halbctl/format.h"

void halbctl_addrport(char *buf, size_t len, int af,
		      const union halb_addr *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(af, addr, a, sizeof(a));
	if (af == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

/*
 * ipvsadm (libipvs ipvs_cmp_services) orders by fwmark first, as the int
 * difference of the two marks: marks from 2^31 up come before the
 * services without one (mark 0), the smaller marks after them.  Comparing
 * the marks as signed 32-bit numbers gives that order and stays a total
 * order; then family, protocol, address and port.
 */
static int svc_cmp(const void *a, const void *b)
{
	const struct halb_service *x = &((const struct halbctl_svc_entry *)a)->svc;
	const struct halb_service *y = &((const struct halbctl_svc_entry *)b)->svc;
	int32_t mx = (int32_t)x->fwmark, my = (int32_t)y->fwmark;

	if (mx != my)
		return mx < my ? -1 : 1;
	return halb_service_cmp(x, y);
}

static int dest_cmp(const void *a, const void *b)
{
	return halb_dest_cmp(a, b);
}

void halbctl_sort(struct halbctl_snapshot *snap)
{
	size_t i;

	if (snap->n_svcs > 1)
		qsort(snap->svcs, snap->n_svcs, sizeof(*snap->svcs), svc_cmp);
	for (i = 0; i < snap->n_svcs; i++)
		if (snap->svcs[i].n_dests > 1)
			qsort(snap->svcs[i].dests, snap->svcs[i].n_dests,
			      sizeof(struct halb_dest), dest_cmp);
}

static void print_largenum(FILE *f, uint64_t i, unsigned int fmt)
{
	char tmp[32];
	int len;

	if (fmt & HALBCTL_FMT_EXACT) {
		len = snprintf(tmp, sizeof(tmp), "%" PRIu64, i);
		fprintf(f, "%*" PRIu64, len <= 8 ? 9 : len + 1, i);
		return;
	}
	if (i < 100000000ULL)
		fprintf(f, "%9" PRIu64, i);
	else if (i < 1000000000ULL)
		fprintf(f, "%8" PRIu64 "K", i / 1000);
	else if (i < 100000000000ULL)
		fprintf(f, "%8" PRIu64 "M", i / 1000000);
	else if (i < 100000000000000ULL)
		fprintf(f, "%8" PRIu64 "G", i / UINT64_C(1000000000));
	else
		fprintf(f, "%8" PRIu64 "T", i / UINT64_C(1000000000000));
}

static void print_title(FILE *f, unsigned int fmt)
{
	/* ipvsadm's precedence: stats, rate, thresholds, persistent-conn */
	if (fmt & HALBCTL_FMT_STATS)
		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n"
			"  -> RemoteAddress:Port\n",
			"Prot LocalAddress:Port",
			"Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
	else if (fmt & HALBCTL_FMT_RATE)
		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n"
			"  -> RemoteAddress:Port\n",
			"Prot LocalAddress:Port",
			"CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
	else if (fmt & HALBCTL_FMT_THRESHOLDS)
		fprintf(f, "%-33s %-10s %-10s %-10s %-10s\n"
			"  -> RemoteAddress:Port\n",
			"Prot LocalAddress:Port",
			"Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
	else if (fmt & HALBCTL_FMT_PERSISTCONN)
		fprintf(f, "%-33s %-9s %-11s %-10s %-10s\n"
			"  -> RemoteAddress:Port\n",
			"Prot LocalAddress:Port",
			"Weight", "PersistConn", "ActiveConn", "InActConn");
	else if (!(fmt & HALBCTL_FMT_RULE))
		fprintf(f, "Prot LocalAddress:Port Scheduler Flags\n"
			"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

static const char *fwd_word(uint8_t fwd)
{
	switch (fwd) {
	case HALB_FWD_NAT:
		return "Masq";
	case HALB_FWD_DR:
		return "Route";
	case HALB_FWD_TUN:
		return "Tunnel";
	case HALB_FWD_FULLNAT:
		return "FullNat";
	}
	return "(null)";
}

static const char *fwd_switch(uint8_t fwd)
{
	switch (fwd) {
	case HALB_FWD_NAT:
		return "-m";
	case HALB_FWD_TUN:
		return "-i";
	case HALB_FWD_FULLNAT:
		return "-b";
	}
	return "-g";
}

/* " mask 255.255.255.0" / " -M 64": only when not the full length */
static void print_mask(FILE *f, const struct halb_service *s,
		       const char *word)
{
	struct in_addr m;

	if (s->af == AF_INET && s->netmask < 32) {
		m.s_addr = htonl(s->netmask ? ~0U << (32 - s->netmask) : 0);
		fprintf(f, " %s %s", word, inet_ntoa(m));
	} else if (s->af == AF_INET6 && s->netmask < 128) {
		fprintf(f, " %s %i", word, s->netmask);
	}
}

static void print_stats5(FILE *f, const struct halb_stats *st,
			 unsigned int fmt)
{
	print_largenum(f, st->conns, fmt);
	print_largenum(f, st->inpkts, fmt);
	print_largenum(f, st->outpkts, fmt);
	print_largenum(f, st->inbytes, fmt);
	print_largenum(f, st->outbytes, fmt);
}

static void print_rates5(FILE *f, const struct halb_stats *st,
			 unsigned int fmt)
{
	print_largenum(f, st->cps, fmt);
	print_largenum(f, st->inpps, fmt);
	print_largenum(f, st->outpps, fmt);
	print_largenum(f, st->inbps, fmt);
	print_largenum(f, st->outbps, fmt);
}

static void print_dest(FILE *f, const char *svc_name,
		       const struct halb_service *s, const struct halb_dest *d,
		       unsigned int fmt)
{
	char dname[64];

	halbctl_addrport(dname, sizeof(dname), s->af, &d->addr, d->port);
	if (!(fmt & HALBCTL_FMT_RULE) && s->af != AF_INET6)
		dname[28] = '\0';

	if (fmt & HALBCTL_FMT_RULE) {
		fprintf(f, "-a %s -r %s %s -w %u%s\n", svc_name, dname,
			fwd_switch(d->fwd), d->weight,
			d->fwd == HALB_FWD_TUN ? " --tun-type ipip" : "");
	} else if (fmt & HALBCTL_FMT_STATS) {
		fprintf(f, "  -> %-28s", dname);
		print_stats5(f, &d->stats, fmt);
		fprintf(f, "\n");
	} else if (fmt & HALBCTL_FMT_RATE) {
		/* as ipvsadm: the three small rates never scaled */
		fprintf(f, "  -> %-28s %8" PRIu64 " %8" PRIu64 " %8" PRIu64,
			dname, d->stats.cps, d->stats.inpps, d->stats.outpps);
		print_largenum(f, d->stats.inbps, fmt);
		print_largenum(f, d->stats.outbps, fmt);
		fprintf(f, "\n");
	} else if (fmt & HALBCTL_FMT_THRESHOLDS) {
		fprintf(f, "  -> %-28s %-10u %-10u %-10u %-10u\n", dname,
			d->u_thresh, d->l_thresh, d->active_conns,
			d->inact_conns);
	} else if (fmt & HALBCTL_FMT_PERSISTCONN) {
		fprintf(f, "  -> %-28s %-9u %-11u %-10u %-10u\n", dname,
			d->weight, d->persist_conns, d->active_conns,
			d->inact_conns);
	} else {
		fprintf(f, "  -> %-28s %-7s %-6u %-10u %-10u\n", dname,
			fwd_word(d->fwd), d->weight, d->active_conns,
			d->inact_conns);
	}
}

/* "FWM  1 IPv6" / "TCP  192.0.2.1:80", or "-f 1 -6" / "-t 192.0.2.1:80" */
static void service_name(char *buf, size_t len, const struct halb_service *s,
			 unsigned int fmt)
{
	bool rule = fmt & HALBCTL_FMT_RULE;
	bool v6 = s->af == AF_INET6;
	char vname[64];

	if (s->fwmark) {
		/*
		 * ipvsadm prints the mark with %d, so a mark from 2^31 up
		 * shows negative, and its own -R refuses that: halbctl
		 * prints it unsigned.
		 */
		if (rule)
			snprintf(buf, len, "-f %u%s", s->fwmark,
				 v6 ? " -6" : "");
		else
			snprintf(buf, len, "FWM  %u%s", s->fwmark,
				 v6 ? " IPv6" : "");
		return;
	}
	halbctl_addrport(vname, sizeof(vname), s->af, &s->addr, s->port);
	if (rule) {
		snprintf(buf, len, "%s %s",
			 s->protocol == IPPROTO_TCP ? "-t" : "-u", vname);
	} else {
		snprintf(buf, len, "%s  %s",
			 s->protocol == IPPROTO_TCP ? "TCP" : "UDP", vname);
		if (!v6 && len > 33)
			buf[33] = '\0';
	}
}

/*
 * FULLNAT settings, halb's own: "--laddr A --laddr B --client-addr toa"
 * (-S) or "laddr A,B client-addr toa" (-L); nothing when unset.
 */
static void print_fullnat(FILE *f, const struct halb_service *s, bool rule)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; i < s->num_laddrs; i++) {
		inet_ntop(s->af, &s->laddrs[i], a, sizeof(a));
		if (rule)
			fprintf(f, " --laddr %s", a);
		else
			fprintf(f, "%s%s", i ? "," : " laddr ", a);
	}
	if (s->client_addr != HALB_CLIENT_ADDR_NONE)
		fprintf(f, rule ? " --client-addr %s" : " client-addr %s",
			halb_client_addr_name(s->client_addr));
}

/* ipvsadm's -S: -p, -M, --pe, -o, -b; then halb's own when not default */
static void print_rule_attrs(FILE *f, const struct halb_service *s)
{
	char sflags[64];

	if (s->flags & HALB_SVC_F_PERSISTENT) {
		fprintf(f, " -p %u", s->timeout);
		print_mask(f, s, "-M");
	}
	if (s->flags & HALB_SVC_F_ONEPACKET)
		fprintf(f, " -o");
	halbctl_sched_flags_str(s->sched, s->flags, sflags, sizeof(sflags));
	if (sflags[0])
		fprintf(f, " -b %s", sflags);
	if ((s->has & HALB_SVC_HAS_NODEST) && s->nodest != HALBCTL_DEF_NODEST &&
	    halbctl_nodest_name(s->nodest))
		fprintf(f, " --nodest-policy %s",
			halbctl_nodest_name(s->nodest));
	if ((s->has & HALB_SVC_HAS_MH_SIZE) && s->mh_size &&
	    s->mh_size != HALB_MH_SIZE_DEFAULT)
		fprintf(f, " --mh-size %u", s->mh_size);
	if (s->flags & HALB_SVC_F_STANDBY)
		fprintf(f, " --standby");
	print_fullnat(f, s, true);
}

/* ipvsadm -L: "rr (sh-port) persistent 300 mask 64 ops"; then " standby" */
static void print_list_attrs(FILE *f, const struct halb_service *s)
{
	char sflags[64];

	fprintf(f, " %s", s->sched);
	halbctl_sched_flags_str(s->sched, s->flags, sflags, sizeof(sflags));
	if (sflags[0])
		fprintf(f, " (%s)", sflags);
	if (s->flags & HALB_SVC_F_PERSISTENT) {
		fprintf(f, " persistent %u", s->timeout);
		print_mask(f, s, "mask");
	}
	if (s->flags & HALB_SVC_F_ONEPACKET)
		fprintf(f, " ops");
	if (s->flags & HALB_SVC_F_STANDBY)
		fprintf(f, " standby");
	print_fullnat(f, s, false);
}

static void print_service(FILE *f, const struct halbctl_svc_entry *e,
			  unsigned int fmt)
{
	const struct halb_service *s = &e->svc;
	char svc_name[80];
	size_t i;

	service_name(svc_name, sizeof(svc_name), s, fmt);
	if (fmt & HALBCTL_FMT_RULE) {
		fprintf(f, "-A %s -s %s", svc_name, s->sched);
		print_rule_attrs(f, s);
	} else if (fmt & HALBCTL_FMT_STATS) {
		fprintf(f, "%-33s", svc_name);
		print_stats5(f, &s->stats, fmt);
	} else if (fmt & HALBCTL_FMT_RATE) {
		fprintf(f, "%-33s", svc_name);
		print_rates5(f, &s->stats, fmt);
	} else {
		fprintf(f, "%s", svc_name);
		print_list_attrs(f, s);
	}
	fprintf(f, "\n");

	for (i = 0; i < e->n_dests; i++)
		print_dest(f, svc_name, s, &e->dests[i], fmt);
}

void halbctl_print_list(FILE *f, const struct halbctl_snapshot *snap,
			unsigned int fmt)
{
	uint32_t v = snap->info.version;
	size_t i;

	if (!(fmt & (HALBCTL_FMT_RULE | HALBCTL_FMT_ONE)))
		fprintf(f, "IP Virtual Server version %u.%u.%u (size=%u)\n",
			(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff,
			snap->info.conn_tab_size);
	print_title(f, fmt);
	for (i = 0; i < snap->n_svcs; i++)
		print_service(f, &snap->svcs[i], fmt);
}

void halbctl_print_conns(FILE *f, const struct halb_conn *c, size_t n,
			 unsigned int fmt)
{
	char cname[64], vname[64], dname[64], expire[16];
	size_t i;

	fprintf(f, "IPVS connection entries\n");
	if (fmt & HALBCTL_FMT_PERSISTCONN)
		/* halb has no persistence engines: the pe columns stay empty */
		fprintf(f, "pro expire %-11s %-18s %-18s %-18s %-16s %s\n",
			"state", "source", "virtual", "destination",
			"pe name", "pe_data");
	else
		fprintf(f, "pro expire %-11s %-18s %-18s %s\n",
			"state", "source", "virtual", "destination");
	for (i = 0; i < n; i++, c++) {
		unsigned int secs = c->expires_ms / 1000;
		const char *proto = c->protocol == IPPROTO_TCP ? "TCP" :
				    c->protocol == IPPROTO_UDP ? "UDP" : "IP";
		union halb_addr vaddr = c->vaddr;
		uint16_t vport = c->vport;

		if ((c->flags & HALB_CONN_F_TEMPLATE) && c->fwmark) {
			/*
			 * IPVS keys a fwmark service's template by
			 * <IPPROTO_IP, client, 0, mark, 0>, the mark
			 * standing in the first 32 bits of the virtual
			 * address: ipvsadm shows "IP ... 0.0.0.1:0".
			 */
			proto = "IP";
			memset(&vaddr, 0, sizeof(vaddr));
			vaddr.v4.s_addr = htonl(c->fwmark);
			vport = 0;
		}
		halbctl_addrport(cname, sizeof(cname), c->af, &c->caddr,
				 c->cport);
		halbctl_addrport(vname, sizeof(vname), c->af, &vaddr, vport);
		halbctl_addrport(dname, sizeof(dname), c->af, &c->daddr,
				 c->dport);
		snprintf(expire, sizeof(expire), "%02u:%02u", secs / 60,
			 secs % 60);
		fprintf(f, "%-3s %-6s %-11s %-18s %-18s %s\n", proto, expire,
			(c->flags & HALB_CONN_F_ASSURED) ? "ASSURED" :
			halb_conn_state_name(c->state), cname, vname, dname);
	}
}
