// SPDX-License-Identifier: GPL-2.0
/*
 * SIGUSR1: the daemon's state as one JSON document, where keepalived
 * writes /tmp/keepalived.data.  The path may be in a directory others can
 * write to (/tmp), so the file is never opened by its name: the document
 * goes to a new file made with O_EXCL (mkostemp, mode 0600) next to it,
 * which rename() then puts in place.  A reader sees the old dump or the
 * new one, never half of one, and a symlink planted at the path is
 * replaced, never followed.
 *
 * The layout is documented in halbd(8); keys are only ever added.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sbuf.h"
#include "halbd/cfg_vs.h"
#include "halbd/check.h"
#include "halbd/halbd.h"
#include "halbd/lvs.h"
#include "lib/libhalb.h"

static void json_bool(struct sbuf *b, const char *key, bool v)
{
	sb_printf(b, "\"%s\":%s", key, v ? "true" : "false");
}

static void dump_daemon(struct sbuf *b, struct halbd *d)
{
	sb_printf(b, "\"halbd\":{\"pid\":%d,\"version\":", (int)getpid());
	sb_json_str(b, d->version ? d->version : "");
	sb_printf(b, ",\"config\":");
	sb_json_str(b, d->conf_path ? d->conf_path : "");
	sb_printf(b, ",\"started\":%lld,\"uptime_s\":%.3f,\"time\":%lld,",
		  (long long)d->start_rt, (halbd_now() - d->start_ms) / 1000.0,
		  (long long)time(NULL));
	json_bool(b, "vrrp", !d->no_vrrp);
	sb_printf(b, ",");
	json_bool(b, "lvs", !d->no_lvs);
	sb_printf(b, ",");
	json_bool(b, "kernel", d->halb != NULL);
	sb_printf(b, "}");
}

static void dump_groups(struct sbuf *b, struct halbd *d)
{
	bool first = true;

	sb_printf(b, "\"sync_groups\":[");
	for (const struct halbd_group *g = d->groups; g; g = g->next) {
		sb_printf(b, "%s{\"name\":", first ? "" : ",");
		sb_json_str(b, g->cfg->name);
		sb_printf(b, ",\"state\":\"%s\",\"members\":[", vrrp_state_name(g->state));
		for (int i = 0; i < g->cfg->nmembers; i++) {
			sb_printf(b, "%s", i ? "," : "");
			sb_json_str(b, g->cfg->members[i]);
		}
		sb_printf(b, "]}");
		first = false;
	}
	sb_printf(b, "]");
}

static void dump_check(struct sbuf *b, const struct check *ck)
{
	struct check_info ci;

	check_info(ck, &ci);
	sb_printf(b, "{\"kind\":\"%s\",\"target\":", check_kind_name(ci.kind));
	sb_json_str(b, ci.target);
	sb_printf(b, ",");
	json_bool(b, "up", ci.up);
	sb_printf(b, ",\"why\":");
	sb_json_str(b, ci.why);
	if (ci.has_result)
		sb_printf(b, ",\"last_ms\":%.3f,\"age_ms\":%llu", ci.last_us / 1000.0,
			  (unsigned long long)ci.age_ms);
	else
		sb_printf(b, ",\"last_ms\":null,\"age_ms\":null");
	sb_printf(b, ",\"fails\":%u,\"runs\":%llu,\"failures\":%llu,\"shared\":%d}", ci.fails,
		  (unsigned long long)ci.runs, (unsigned long long)ci.failures, ci.shared);
}

static void dump_rs(struct sbuf *b, const struct cfg_rs *c, const struct lvs_rs *rs)
{
	char a[INET6_ADDRSTRLEN];
	int n = rs ? halbd_rs_nchecks(rs) : 0;
	bool first = true;

	sb_printf(b, "{\"address\":\"%s\",\"port\":%u,\"configured_weight\":%d,\"weight\":",
		  cfg_addr_str(&c->addr, a, sizeof(a)), c->port, c->weight);
	if (rs)
		sb_printf(b, "%d,\"alive\":%s", rs->weight, rs->alive ? "true" : "false");
	else
		sb_printf(b, "null,\"alive\":null");
	sb_printf(b, ",\"checks\":[");
	for (int i = 0; i < n; i++) {
		const struct check *ck = halbd_rs_check(rs, i);

		if (!ck)
			continue;
		sb_printf(b, "%s", first ? "" : ",");
		dump_check(b, ck);
		first = false;
	}
	sb_printf(b, "]}");
}

static const char *fwd_name(int fwd)
{
	return fwd ? halb_fwd_name(fwd) : "nat";
}

static void dump_vs(struct sbuf *b, const struct cfg_vs *c, const struct lvs_vs *v)
{
	char name[80];
	int af = c->kind == CFG_VS_ADDR ? c->addr.family : c->family;

	sb_printf(b, "{\"name\":");
	sb_json_str(b, cfg_vs_name(c, name, sizeof(name)));
	sb_printf(b, ",\"family\":\"%s\",\"protocol\":\"%s\",\"file\":",
		  af == AF_INET6 ? "inet6" : "inet",
		  c->kind == CFG_VS_FWMARK ? "" : c->protocol == IPPROTO_UDP ? "udp" : "tcp");
	sb_json_str(b, c->file ? c->file : "");
	sb_printf(b, ",\"line\":%d,\"scheduler\":", c->line);
	sb_json_str(b, c->sched);
	sb_printf(b, ",\"forwarding\":\"%s\",\"applied\":%s", fwd_name(c->fwd),
		  v ? "true" : "false");
	if (v) {
		sb_printf(b, ",\"quorum_up\":%s,\"sorry_server_in\":%s,\"standby\":[",
			  v->quorum_up ? "true" : "false", v->sorry_in ? "true" : "false");
		for (int k = 0; k < v->nkeys; k++)
			sb_printf(b, "%s%s", k ? "," : "", v->standby[k] ? "true" : "false");
		sb_printf(b, "]");
	}
	sb_printf(b, ",\"real_servers\":[");
	for (int i = 0; i < c->nrs; i++) {
		sb_printf(b, "%s", i ? "," : "");
		dump_rs(b, &c->rs[i], v && i < v->nrs ? &v->rs[i] : NULL);
	}
	sb_printf(b, "]}");
}

static void dump_vss(struct sbuf *b, struct halbd *d)
{
	struct lvs_vs *vs = NULL;
	int nvs = 0;
	bool first = true;

	if (d->lvs)
		vs = lvs_vs_list(d->lvs, &nvs);
	sb_printf(b, "\"virtual_servers\":[");
	for (const struct cfg_vs *c = d->model->vss; c; c = c->next) {
		const struct lvs_vs *v = NULL;

		for (int i = 0; i < nvs; i++)
			if (vs[i].cfg == c)
				v = &vs[i];
		sb_printf(b, "%s", first ? "" : ",");
		dump_vs(b, c, v);
		first = false;
	}
	sb_printf(b, "]");
}

static char *build(struct halbd *d, size_t *len)
{
	struct sbuf b = { 0 };

	sb_printf(&b, "{");
	dump_daemon(&b, d);
	sb_printf(&b, ",\"instances\":");
	ctl_instances_json(d, &b);
	sb_printf(&b, ",");
	dump_groups(&b, d);
	sb_printf(&b, ",");
	dump_vss(&b, d);
	sb_printf(&b, "}\n");
	return sb_take(&b, len);
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= n;
	}
	return 0;
}

/**
 * statedump_write() - write the state document (SIGUSR1).
 * @d: the running daemon.
 * Return: 0, or -1 after logging what failed.
 */
int statedump_write(struct halbd *d)
{
	const char *path = d->dump_arg ? d->dump_arg :
			   d->model->global.state_dump_file ? d->model->global.state_dump_file :
			   HALBD_DEFAULT_DUMP;
	size_t len, plen = strlen(path);
	char *doc, *tmp;
	int fd, err, ret = -1;

	doc = build(d, &len);
	tmp = malloc(plen + sizeof(".XXXXXX"));
	if (!doc || !tmp) {
		log_err("state dump %s: out of memory", path);
		goto out;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", sizeof(".XXXXXX"));
	/* O_EXCL, 0600: a new file of ours, whatever the directory holds */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		log_err("state dump %s: cannot create a file next to it: %s", path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) || write_all(fd, doc, len)) {
		err = errno;
		close(fd);
		goto fail;
	}
	if (close(fd)) {
		err = errno;
		goto fail;
	}
	/* rename replaces whatever is at @path, a symlink included, without following it */
	if (rename(tmp, path)) {
		log_err("state dump %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	log_info("state dumped to %s (%zu bytes)", path, len);
	ret = 0;
	goto out;
fail:
	log_err("state dump %s: writing %s: %s", path, tmp, strerror(err));
	unlink(tmp);
out:
	free(doc);
	free(tmp);
	return ret;
}
