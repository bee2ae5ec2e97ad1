// SPDX-License-Identifier: GPL-2.0
/*
 * What the metrics endpoint shows, in the Prometheus text format (prom.c):
 * halbd itself, its VRRP instances and sync groups (the counters of
 * "halbctl vrrp"), its health checks per real server, and the kernel's
 * services and real servers read through libhalb, as "halbctl -L --stats
 * --rate" reads them.  Everything is built in memory per scrape; the text
 * format wants the samples of one family together, so each family is one
 * pass over the objects.
 *
 * The names, labels and meanings are an interface, listed in halbd(8):
 * families are only ever added.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "halbd/cfg_vs.h"
#include "halbd/check.h"
#include "halbd/halbd.h"
#include "halbd/lvs.h"
#include "halbd/prom.h"
#include "lib/libhalb.h"

#define NL(l)	((int)(sizeof(l) / sizeof((l)[0])))

static const char *family_name(int af)
{
	return af == AF_INET6 ? "inet6" : "inet";
}

/* ---- halbd ---- */

static void collect_daemon(struct sbuf *b, struct halbd *d)
{
	struct prom_label l[] = { { "version", d->version ? d->version : "" } };

	prom_head(b, "halb_daemon_info", "gauge", "halbd's version, as a label; always 1.");
	prom_u64(b, "halb_daemon_info", l, NL(l), 1);
	prom_head(b, "halb_daemon_start_time_seconds", "gauge",
		  "When halbd started, in seconds since the epoch.");
	prom_i64(b, "halb_daemon_start_time_seconds", NULL, 0, d->start_rt);
	prom_head(b, "halb_daemon_uptime_seconds", "gauge", "Seconds since halbd started.");
	prom_f64(b, "halb_daemon_uptime_seconds", NULL, 0, (halbd_now() - d->start_ms) / 1000.0);
}

/* ---- VRRP ---- */

/* Running instances in configuration order, as "halbctl vrrp" lists them. */
static int sorted_insts(struct halbd *d, struct halbd_inst ***out)
{
	struct halbd_inst **v;
	int n = 0, i = 0;

	for (struct halbd_inst *in = d->insts; in; in = in->next)
		n++;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return -1;
	for (struct cfg_instance *c = d->model->instances; c; c = c->next)
		for (struct halbd_inst *in = d->insts; in; in = in->next)
			if (in->cfg == c && i < n)
				v[i++] = in;
	*out = v;
	return i;
}

enum inst_val { IV_PRIO, IV_EPRIO, IV_TX, IV_RX, IV_BECAME, IV_MISMATCH, IV_VIPS };

static uint64_t inst_val(const struct halbd_inst *in, enum inst_val k)
{
	switch (k) {
	case IV_PRIO:		return in->cfg->priority;
	case IV_EPRIO:		return in->fsm.prio;
	case IV_TX:		return in->tx;
	case IV_RX:		return in->rx;
	case IV_BECAME:		return in->fsm.became_master;
	case IV_MISMATCH:	return in->interval_mismatch;
	case IV_VIPS:		return in->vips_up;
	}
	return 0;
}

static const struct {
	const char *name, *type, *help;
	enum inst_val k;
} inst_families[] = {
	{ "halb_vrrp_priority", "gauge", "Configured priority of the VRRP instance.", IV_PRIO },
	{ "halb_vrrp_effective_priority", "gauge",
	  "Priority after track_script and track_interface weights.", IV_EPRIO },
	{ "halb_vrrp_adverts_sent_total", "counter", "VRRP advertisements sent.", IV_TX },
	{ "halb_vrrp_adverts_received_total", "counter",
	  "VRRP advertisements received and accepted.", IV_RX },
	{ "halb_vrrp_became_master_total", "counter",
	  "Transitions of the instance to MASTER.", IV_BECAME },
	{ "halb_vrrp_interval_mismatch_total", "counter",
	  "Advertisements whose interval differed from ours (VRRPv3, accepted).", IV_MISMATCH },
	{ "halb_vrrp_vips_installed", "gauge",
	  "1 while halbd holds the instance's virtual addresses.", IV_VIPS },
};

static const enum vrrp_state all_states[] = {
	VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_STATE_FAULT,
};

static void collect_vrrp(struct sbuf *b, struct halbd *d)
{
	struct halbd_inst **v;
	int n = sorted_insts(d, &v);

	if (n < 0) {
		b->oom = true;
		return;
	}
	prom_head(b, "halb_vrrp_instance_info", "gauge",
		  "A configured VRRP instance and its fixed attributes; always 1.");
	for (int i = 0; i < n; i++) {
		const struct cfg_instance *c = v[i]->cfg;
		char vrid[8], ver[8];
		struct prom_label l[] = {
			{ "instance", c->name }, { "vrid", vrid }, { "interface", c->ifname },
			{ "family", family_name(c->family) }, { "version", ver },
		};

		snprintf(vrid, sizeof(vrid), "%d", c->vrid);
		snprintf(ver, sizeof(ver), "%d", v[i]->version);
		prom_u64(b, "halb_vrrp_instance_info", l, NL(l), 1);
	}
	prom_head(b, "halb_vrrp_state", "gauge",
		  "1 for the state the VRRP instance is in (INIT, BACKUP, MASTER, FAULT), else 0.");
	for (int i = 0; i < n; i++)
		for (size_t s = 0; s < sizeof(all_states) / sizeof(all_states[0]); s++) {
			struct prom_label l[] = {
				{ "instance", v[i]->cfg->name },
				{ "state", vrrp_state_name(all_states[s]) },
			};

			prom_u64(b, "halb_vrrp_state", l, NL(l), v[i]->fsm.state == all_states[s]);
		}
	for (size_t f = 0; f < sizeof(inst_families) / sizeof(inst_families[0]); f++) {
		prom_head(b, inst_families[f].name, inst_families[f].type, inst_families[f].help);
		for (int i = 0; i < n; i++) {
			struct prom_label l[] = { { "instance", v[i]->cfg->name } };

			prom_u64(b, inst_families[f].name, l, NL(l),
				 inst_val(v[i], inst_families[f].k));
		}
	}
	prom_head(b, "halb_vrrp_adverts_dropped_total", "counter",
		  "VRRP packets dropped, by reason (as in halbctl vrrp -j).");
	for (int i = 0; i < n; i++)
		for (int r = 1; r < VRRP_DROP__MAX; r++) {
			struct prom_label l[] = {
				{ "instance", v[i]->cfg->name }, { "reason", vrrp_drop_name(r) },
			};

			prom_u64(b, "halb_vrrp_adverts_dropped_total", l, NL(l), v[i]->drops[r]);
		}
	free(v);

	prom_head(b, "halb_vrrp_sync_group_state", "gauge",
		  "1 for the state the sync group is in, else 0.");
	for (const struct halbd_group *g = d->groups; g; g = g->next)
		for (size_t s = 0; s < sizeof(all_states) / sizeof(all_states[0]); s++) {
			struct prom_label l[] = {
				{ "group", g->cfg->name }, { "state", vrrp_state_name(all_states[s]) },
			};

			prom_u64(b, "halb_vrrp_sync_group_state", l, NL(l), g->state == all_states[s]);
		}
}

/* ---- health checks, per virtual server and real server ---- */

struct rs_labels {
	char vs[80], rs[INET6_ADDRSTRLEN + 10];
	struct prom_label l[6];		/* vs, family, protocol, rs, checker, target */
};

static void rs_labels(struct rs_labels *o, const struct lvs_rs *rs)
{
	const struct cfg_vs *vs = rs->vs->cfg;
	int af = vs->kind == CFG_VS_ADDR ? vs->addr.family : vs->family;

	cfg_vs_name(vs, o->vs, sizeof(o->vs));
	cfg_hostport_str(&rs->cfg->addr, rs->cfg->port, o->rs, sizeof(o->rs));
	o->l[0] = (struct prom_label){ "virtual_server", o->vs };
	o->l[1] = (struct prom_label){ "family", family_name(af) };
	o->l[2] = (struct prom_label){ "protocol", vs->kind == CFG_VS_FWMARK ? "" :
				       vs->protocol == IPPROTO_UDP ? "udp" : "tcp" };
	o->l[3] = (struct prom_label){ "real_server", o->rs };
}

/* A second checker of one real server with the same kind and target is not shown. */
static bool dup_check(const struct lvs_rs *rs, int i, const struct check_info *ci)
{
	for (int j = 0; j < i; j++) {
		const struct check *o = halbd_rs_check(rs, j);
		struct check_info oi;

		if (!o)
			continue;
		check_info(o, &oi);
		if (oi.kind == ci->kind && !strcmp(oi.target, ci->target))
			return true;
	}
	return false;
}

enum ck_val { CV_UP, CV_RUNS, CV_FAILS, CV_CONSEC, CV_LAST, CV_HIST };

static const struct {
	const char *name, *type, *help;
	enum ck_val k;
} ck_families[] = {
	{ "halb_check_up", "gauge", "1 while the checker passes for this real server.", CV_UP },
	{ "halb_check_runs_total", "counter",
	  "Completed probes of the checker (shared by real servers with the same checker and target).",
	  CV_RUNS },
	{ "halb_check_failures_total", "counter", "Probes of the checker that failed.", CV_FAILS },
	{ "halb_check_consecutive_failures", "gauge",
	  "Failures counted toward retry since the last success.", CV_CONSEC },
	{ "halb_check_last_duration_seconds", "gauge",
	  "Duration of the checker's last completed probe.", CV_LAST },
	{ "halb_check_duration_seconds", "histogram", "Durations of the checker's probes.",
	  CV_HIST },
};

static void check_sample(struct sbuf *b, const char *name, enum ck_val k,
			 const struct prom_label *l, int nl, const struct check_info *ci)
{
	double bounds[CHECK_HIST_BOUNDS];

	switch (k) {
	case CV_UP:
		prom_u64(b, name, l, nl, ci->up);
		break;
	case CV_RUNS:
		prom_u64(b, name, l, nl, ci->runs);
		break;
	case CV_FAILS:
		prom_u64(b, name, l, nl, ci->failures);
		break;
	case CV_CONSEC:
		prom_u64(b, name, l, nl, ci->fails);
		break;
	case CV_LAST:
		if (ci->has_result)
			prom_f64(b, name, l, nl, ci->last_us / 1e6);
		break;
	case CV_HIST:
		for (int i = 0; i < CHECK_HIST_BOUNDS; i++)
			bounds[i] = check_hist_bounds_us[i] / 1e6;
		prom_histogram(b, name, l, nl, bounds, CHECK_HIST_BOUNDS, ci->hist,
			       ci->sum_us / 1e6);
		break;
	}
}

static void collect_checks(struct sbuf *b, struct halbd *d)
{
	struct lvs_vs *vs = NULL;
	int nvs = 0;

	if (d->lvs)
		vs = lvs_vs_list(d->lvs, &nvs);
	prom_head(b, "halb_check_real_server_up", "gauge",
		  "1 while every checker of the real server passes (it is in the pool).");
	for (int i = 0; i < nvs; i++)
		for (int j = 0; j < vs[i].nrs; j++) {
			struct rs_labels rl;

			rs_labels(&rl, &vs[i].rs[j]);
			prom_u64(b, "halb_check_real_server_up", rl.l, 4, vs[i].rs[j].alive);
		}
	prom_head(b, "halb_check_real_server_weight", "gauge",
		  "Weight halbd gives the real server: configured, or MISC_CHECK's dynamic one.");
	for (int i = 0; i < nvs; i++)
		for (int j = 0; j < vs[i].nrs; j++) {
			struct rs_labels rl;

			rs_labels(&rl, &vs[i].rs[j]);
			prom_u64(b, "halb_check_real_server_weight", rl.l, 4, vs[i].rs[j].weight);
		}
	for (size_t f = 0; f < sizeof(ck_families) / sizeof(ck_families[0]); f++) {
		prom_head(b, ck_families[f].name, ck_families[f].type, ck_families[f].help);
		for (int i = 0; i < nvs; i++)
			for (int j = 0; j < vs[i].nrs; j++) {
				const struct lvs_rs *rs = &vs[i].rs[j];
				struct rs_labels rl;

				rs_labels(&rl, rs);
				for (int k = 0; k < halbd_rs_nchecks(rs); k++) {
					const struct check *ck = halbd_rs_check(rs, k);
					struct check_info ci;

					if (!ck)
						continue;
					check_info(ck, &ci);
					if (dup_check(rs, k, &ci))
						continue;
					rl.l[4] = (struct prom_label){ "checker",
								       check_kind_name(ci.kind) };
					rl.l[5] = (struct prom_label){ "target", ci.target };
					check_sample(b, ck_families[f].name, ck_families[f].k,
						     rl.l, 6, &ci);
				}
			}
	}
}

/* ---- the kernel, through libhalb ---- */

struct kstate {
	struct halb_info info;
	struct halb_service *svcs;
	size_t nsvcs;
	struct halb_dest **dests;
	size_t *ndests;
};

static void kstate_free(struct kstate *k)
{
	for (size_t i = 0; k->dests && i < k->nsvcs; i++)
		free(k->dests[i]);
	free(k->dests);
	free(k->ndests);
	free(k->svcs);
}

static int kstate_read(struct halb_handle *h, struct kstate *k)
{
	int err = halb_get_info(h, &k->info);

	if (!err)
		err = halb_list_services(h, &k->svcs, &k->nsvcs);
	if (err)
		return err;
	k->dests = calloc(k->nsvcs ? k->nsvcs : 1, sizeof(*k->dests));
	k->ndests = calloc(k->nsvcs ? k->nsvcs : 1, sizeof(*k->ndests));
	if (!k->dests || !k->ndests)
		return -ENOMEM;
	for (size_t i = 0; i < k->nsvcs; i++) {
		err = halb_list_dests(h, &k->svcs[i], &k->dests[i], &k->ndests[i]);
		if (err)
			return err;
	}
	return 0;
}

struct svc_labels {
	char addr[INET6_ADDRSTRLEN], port[8], mark[12], raddr[INET6_ADDRSTRLEN], rport[8];
	struct prom_label l[8];		/* family, proto, local x3, remote x2, extra */
};

static void svc_labels(struct svc_labels *o, const struct halb_service *s)
{
	o->addr[0] = o->mark[0] = '\0';
	if (s->fwmark)
		snprintf(o->mark, sizeof(o->mark), "%u", s->fwmark);
	else
		inet_ntop(s->af, &s->addr, o->addr, sizeof(o->addr));
	snprintf(o->port, sizeof(o->port), "%u", s->fwmark ? 0 : s->port);
	o->l[0] = (struct prom_label){ "family", family_name(s->af) };
	o->l[1] = (struct prom_label){ "proto", s->fwmark ? "" :
				       s->protocol == IPPROTO_UDP ? "udp" : "tcp" };
	o->l[2] = (struct prom_label){ "local_address", o->addr };
	o->l[3] = (struct prom_label){ "local_port", o->port };
	o->l[4] = (struct prom_label){ "local_mark", o->mark };
}

static void dest_labels(struct svc_labels *o, const struct halb_service *s,
			const struct halb_dest *d)
{
	svc_labels(o, s);
	inet_ntop(s->af, &d->addr, o->raddr, sizeof(o->raddr));
	snprintf(o->rport, sizeof(o->rport), "%u", d->port);
	o->l[5] = (struct prom_label){ "remote_address", o->raddr };
	o->l[6] = (struct prom_label){ "remote_port", o->rport };
}

/* The struct halb_stats fields, as counters (totals) and gauges (estimated rates). */
static const struct {
	const char *suffix, *type, *help;
	size_t off;
} stat_fields[] = {
	{ "connections_total", "counter", "Connections scheduled.",
	  offsetof(struct halb_stats, conns) },
	{ "packets_in_total", "counter", "Packets from clients.",
	  offsetof(struct halb_stats, inpkts) },
	{ "packets_out_total", "counter", "Packets to clients.",
	  offsetof(struct halb_stats, outpkts) },
	{ "bytes_in_total", "counter", "Bytes from clients.",
	  offsetof(struct halb_stats, inbytes) },
	{ "bytes_out_total", "counter", "Bytes to clients.",
	  offsetof(struct halb_stats, outbytes) },
	{ "connections_per_second", "gauge", "Estimated rate of new connections.",
	  offsetof(struct halb_stats, cps) },
	{ "packets_in_per_second", "gauge", "Estimated rate of packets from clients.",
	  offsetof(struct halb_stats, inpps) },
	{ "packets_out_per_second", "gauge", "Estimated rate of packets to clients.",
	  offsetof(struct halb_stats, outpps) },
	{ "bytes_in_per_second", "gauge", "Estimated rate of bytes from clients.",
	  offsetof(struct halb_stats, inbps) },
	{ "bytes_out_per_second", "gauge", "Estimated rate of bytes to clients.",
	  offsetof(struct halb_stats, outbps) },
};

static uint64_t stat_of(const struct halb_stats *s, size_t off)
{
	return *(const uint64_t *)((const char *)s + off);
}

enum dest_val { DV_ACTIVE, DV_INACT, DV_PERSIST, DV_WEIGHT };

static const struct {
	const char *name, *help;
	enum dest_val k;
} dest_gauges[] = {
	{ "halb_real_server_active_connections", "Connections in an active state (TCP established).",
	  DV_ACTIVE },
	{ "halb_real_server_inactive_connections", "Connections in any other state.", DV_INACT },
	{ "halb_real_server_persistent_connections", "Persistence templates.", DV_PERSIST },
	{ "halb_real_server_weight", "Weight in the kernel's table.", DV_WEIGHT },
};

static uint64_t dest_val(const struct halb_dest *d, enum dest_val k)
{
	switch (k) {
	case DV_ACTIVE:		return d->active_conns;
	case DV_INACT:		return d->inact_conns;
	case DV_PERSIST:	return d->persist_conns;
	case DV_WEIGHT:		return d->weight;
	}
	return 0;
}

static void kernel_globals(struct sbuf *b, const struct halb_info *in)
{
	char ver[16];
	struct prom_label l[] = { { "version", ver } };

	snprintf(ver, sizeof(ver), "%u.%u.%u", in->version >> 16, (in->version >> 8) & 0xff,
		 in->version & 0xff);
	prom_head(b, "halb_kernel_info", "gauge", "halb.ko's version, as a label; always 1.");
	prom_u64(b, "halb_kernel_info", l, NL(l), 1);
	prom_head(b, "halb_kernel_connection_entries", "gauge",
		  "Connection entries in this namespace.");
	prom_u64(b, "halb_kernel_connection_entries", NULL, 0, in->conn_count);
	prom_head(b, "halb_kernel_connection_entries_max", "gauge",
		  "Connection entries allowed (module parameter conn_max).");
	prom_u64(b, "halb_kernel_connection_entries_max", NULL, 0, in->conn_max);
	prom_head(b, "halb_kernel_connection_table_buckets", "gauge",
		  "Buckets of the connection hash table.");
	prom_u64(b, "halb_kernel_connection_table_buckets", NULL, 0, in->conn_tab_size);
	prom_head(b, "halb_kernel_services", "gauge", "Virtual services in this namespace.");
	prom_u64(b, "halb_kernel_services", NULL, 0, in->num_services);
	prom_head(b, "halb_kernel_connections_refused_total", "counter",
		  "New connections refused, the table being full (conn_max).");
	prom_u64(b, "halb_kernel_connections_refused_total", NULL, 0, in->conn_refused);
	prom_head(b, "halb_kernel_fullnat_lport_exhausted_total", "counter",
		  "FULLNAT connections refused for want of a local port.");
	prom_u64(b, "halb_kernel_fullnat_lport_exhausted_total", NULL, 0, in->lport_exhausted);
	prom_head(b, "halb_kernel_fullnat_lports_used", "gauge", "FULLNAT local ports held.");
	prom_u64(b, "halb_kernel_fullnat_lports_used", NULL, 0, in->lports_used);
}

static void kernel_services(struct sbuf *b, const struct kstate *k)
{
	char name[96];

	prom_head(b, "halb_service_info", "gauge",
		  "A kernel service and its scheduler; always 1.");
	for (size_t i = 0; i < k->nsvcs; i++) {
		struct svc_labels sl;

		svc_labels(&sl, &k->svcs[i]);
		sl.l[5] = (struct prom_label){ "scheduler", k->svcs[i].sched };
		prom_u64(b, "halb_service_info", sl.l, 6, 1);
	}
	prom_head(b, "halb_service_real_servers", "gauge", "Real servers of the service.");
	for (size_t i = 0; i < k->nsvcs; i++) {
		struct svc_labels sl;

		svc_labels(&sl, &k->svcs[i]);
		prom_u64(b, "halb_service_real_servers", sl.l, 5, k->svcs[i].num_dests);
	}
	for (size_t f = 0; f < sizeof(stat_fields) / sizeof(stat_fields[0]); f++) {
		snprintf(name, sizeof(name), "halb_service_%s", stat_fields[f].suffix);
		prom_head(b, name, stat_fields[f].type, stat_fields[f].help);
		for (size_t i = 0; i < k->nsvcs; i++) {
			struct svc_labels sl;

			svc_labels(&sl, &k->svcs[i]);
			prom_u64(b, name, sl.l, 5, stat_of(&k->svcs[i].stats, stat_fields[f].off));
		}
	}
}

static void kernel_dests(struct sbuf *b, const struct kstate *k)
{
	char name[96];

	prom_head(b, "halb_real_server_info", "gauge",
		  "A real server of a kernel service and its forwarding method; always 1.");
	for (size_t i = 0; i < k->nsvcs; i++)
		for (size_t j = 0; j < k->ndests[i]; j++) {
			struct svc_labels sl;

			dest_labels(&sl, &k->svcs[i], &k->dests[i][j]);
			sl.l[7] = (struct prom_label){ "forwarding",
						       halb_fwd_name(k->dests[i][j].fwd) };
			prom_u64(b, "halb_real_server_info", sl.l, 8, 1);
		}
	for (size_t f = 0; f < sizeof(dest_gauges) / sizeof(dest_gauges[0]); f++) {
		prom_head(b, dest_gauges[f].name, "gauge", dest_gauges[f].help);
		for (size_t i = 0; i < k->nsvcs; i++)
			for (size_t j = 0; j < k->ndests[i]; j++) {
				struct svc_labels sl;

				dest_labels(&sl, &k->svcs[i], &k->dests[i][j]);
				prom_u64(b, dest_gauges[f].name, sl.l, 7,
					 dest_val(&k->dests[i][j], dest_gauges[f].k));
			}
	}
	for (size_t f = 0; f < sizeof(stat_fields) / sizeof(stat_fields[0]); f++) {
		snprintf(name, sizeof(name), "halb_real_server_%s", stat_fields[f].suffix);
		prom_head(b, name, stat_fields[f].type, stat_fields[f].help);
		for (size_t i = 0; i < k->nsvcs; i++)
			for (size_t j = 0; j < k->ndests[i]; j++) {
				struct svc_labels sl;

				dest_labels(&sl, &k->svcs[i], &k->dests[i][j]);
				prom_u64(b, name, sl.l, 7,
					 stat_of(&k->dests[i][j].stats, stat_fields[f].off));
			}
	}
}

/*
 * halbd's own libhalb handle when it has one (virtual servers configured);
 * otherwise one just for this scrape, so the kernel's tables show even
 * when halbd programs none of them.
 */
static void collect_kernel(struct sbuf *b, struct halbd *d)
{
	struct halb_handle *h = d->halb;
	struct kstate k = { 0 };
	int err = 0;

	if (!h && (err = halb_open(&h)))
		h = NULL;
	if (h)
		err = kstate_read(h, &k);
	if (err)
		log_dbg("metrics: kernel counters not read: %s", strerror(-err));
	prom_head(b, "halb_kernel_up", "gauge",
		  "1 when halb.ko answered this scrape; without it no other halb_kernel_, "
		  "halb_service_ or halb_real_server_ family is shown.");
	prom_u64(b, "halb_kernel_up", NULL, 0, !err);
	if (!err) {
		kernel_globals(b, &k.info);
		kernel_services(b, &k);
		kernel_dests(b, &k);
	}
	kstate_free(&k);
	if (h && h != d->halb)
		halb_close(h);
}

char *metrics_collect(struct halbd *d, size_t *len)
{
	struct sbuf b = { 0 };

	collect_daemon(&b, d);
	collect_vrrp(&b, d);
	collect_checks(&b, d);
	collect_kernel(&b, d);
	return sb_take(&b, len);
}
