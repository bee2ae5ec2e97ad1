// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl: one ipvsadm-style command -> libhalb calls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "halbctl/exec.h"
#include "halbctl/format.h"

void halbctl_report(struct halb_handle *h, int err, const char *where)
{
	const char *msg = halb_last_error(h);

	fprintf(stderr, "halbctl: %s%s", where ? where : "",
		where ? ": " : "");
	if (msg && msg[0])
		fprintf(stderr, "%s (%s)\n", msg, strerror(-err));
	else
		fprintf(stderr, "%s\n", strerror(-err));
}

static void free_snapshot(struct halbctl_snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->n_svcs; i++) {
		free(snap->svcs[i].dests);
	}
	free(snap->svcs);
}

/*
 * All services (or the one of @key) with their real servers.  A service
 * deleted between the two dumps is left out rather than failing the
 * listing: the result is what a moment later would show anyway.
 */
static int load_snapshot(struct halb_handle *h, const struct halb_service *key,
			 struct halbctl_snapshot *snap)
{
	struct halb_service *svcs = NULL;
	size_t n = 0, i, kept = 0;
	int ret;

	memset(snap, 0, sizeof(*snap));
	if (!key) {
		ret = halb_get_info(h, &snap->info);
		if (ret)
			return ret;
		ret = halb_list_services(h, &svcs, &n);
		if (ret)
			return ret;
	} else {
		svcs = malloc(sizeof(*svcs));
		if (!svcs)
			return -ENOMEM;
		*svcs = *key;
		n = 1;
		ret = halb_get_service(h, svcs);
		if (ret) {
			free(svcs);
			return ret;
		}
	}
	snap->svcs = calloc(n ? n : 1, sizeof(*snap->svcs));
	if (!snap->svcs) {
		free(svcs);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct halbctl_svc_entry *e = &snap->svcs[kept];

		e->svc = svcs[i];
		ret = halb_list_dests(h, &svcs[i], &e->dests, &e->n_dests);
		if (ret == -ESRCH && !key)
			continue;
		if (ret) {
			snap->n_svcs = kept;
			free_snapshot(snap);
			free(svcs);
			return ret;
		}
		kept++;
	}
	snap->n_svcs = kept;
	free(svcs);
	return 0;
}

static unsigned int list_fmt(const struct halbctl_args *a)
{
	unsigned int fmt = 0;

	if (a->opts & HALBCTL_OPT_STATS)
		fmt |= HALBCTL_FMT_STATS;
	if (a->opts & HALBCTL_OPT_RATE)
		fmt |= HALBCTL_FMT_RATE;
	if (a->opts & HALBCTL_OPT_THRESHOLDS)
		fmt |= HALBCTL_FMT_THRESHOLDS;
	if (a->opts & HALBCTL_OPT_EXACT)
		fmt |= HALBCTL_FMT_EXACT;
	if (a->opts & HALBCTL_OPT_NOSORT)
		fmt |= HALBCTL_FMT_NOSORT;
	if (a->opts & HALBCTL_OPT_PERSISTCONN)
		fmt |= HALBCTL_FMT_PERSISTCONN;
	if (a->opts & HALBCTL_OPT_SERVICE)
		fmt |= HALBCTL_FMT_ONE;
	if (a->cmd == HALBCTL_CMD_SAVE)
		fmt |= HALBCTL_FMT_RULE;
	return fmt;
}

static int do_list(struct halb_handle *h, const struct halbctl_args *a)
{
	const struct halb_service *key = NULL;
	struct halbctl_snapshot snap;
	unsigned int fmt = list_fmt(a);
	int ret;

	if (a->opts & HALBCTL_OPT_SERVICE)
		key = &a->svc;
	ret = load_snapshot(h, key, &snap);
	if (ret)
		return ret;
	if (!(fmt & HALBCTL_FMT_NOSORT))
		halbctl_sort(&snap);
	if (a->opts & HALBCTL_OPT_JSON)
		halbctl_json_list(stdout, &snap, !key);
	else
		halbctl_print_list(stdout, &snap, fmt);
	free_snapshot(&snap);
	return 0;
}

static int do_conns(struct halb_handle *h, const struct halbctl_args *a)
{
	struct halb_conn *c = NULL;
	size_t n = 0;
	int ret;

	ret = halb_list_conns(h, &c, &n);
	if (ret)
		return ret;
	if (a->opts & HALBCTL_OPT_JSON)
		halbctl_json_conns(stdout, c, n);
	else
		halbctl_print_conns(stdout, c, n, list_fmt(a));
	free(c);
	return 0;
}

/*
 * -E: HALB_SVC_A_FLAGS replaces the whole word, but --standby is halb's and
 * an ipvsadm-style -E that does not mention it must not clear it (halbd
 * sets it): take the bits of @a->keep_flags from the service as it is.
 */
static int edit_service(struct halb_handle *h, const struct halbctl_args *a)
{
	struct halb_service svc = a->svc, cur = a->svc;
	int ret;

	if (a->keep_flags) {
		ret = halb_get_service(h, &cur);
		if (ret)
			return ret;
		svc.flags = (svc.flags & ~a->keep_flags) |
			    (cur.flags & a->keep_flags);
	}
	return halb_edit_service(h, &svc);
}

int halbctl_exec(struct halb_handle *h, const struct halbctl_args *a)
{
	bool svc = a->opts & HALBCTL_OPT_SERVICE;

	switch (a->cmd) {
	case HALBCTL_CMD_ADD_SVC:
		return halb_add_service(h, &a->svc);
	case HALBCTL_CMD_EDIT_SVC:
		return edit_service(h, a);
	case HALBCTL_CMD_DEL_SVC:
		return halb_del_service(h, &a->svc);
	case HALBCTL_CMD_FLUSH:
		return halb_flush(h);
	case HALBCTL_CMD_ADD_DEST:
		return halb_add_dest(h, &a->svc, &a->dest);
	case HALBCTL_CMD_EDIT_DEST:
		return halb_edit_dest(h, &a->svc, &a->dest);
	case HALBCTL_CMD_DEL_DEST:
		return halb_del_dest(h, &a->svc, &a->dest);
	case HALBCTL_CMD_ZERO:
		return halb_zero(h, svc ? &a->svc : NULL);
	case HALBCTL_CMD_LIST:
		if (a->opts & HALBCTL_OPT_CONNECTION)
			return do_conns(h, a);
		return do_list(h, a);
	case HALBCTL_CMD_SAVE:
		return do_list(h, a);
	default:
		return -EINVAL;
	}
}
