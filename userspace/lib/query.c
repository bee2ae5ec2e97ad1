// SPDX-License-Identifier: LGPL-2.1
/*
 * libhalb: module information and the connection table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "lib/internal.h"

#define HALB_DUMP_TRIES	8

static int info_cb(struct nlattr **top, void *arg)
{
	struct nlattr *tb[HALB_INFO_A_MAX + 1];
	struct halb_info *info = arg;

	if (!top[HALB_A_INFO] ||
	    nla_parse_nested(tb, HALB_INFO_A_MAX, top[HALB_A_INFO], NULL) < 0)
		return -EPROTO;
	halb_nla_u32(tb[HALB_INFO_A_VERSION], &info->version);
	halb_nla_u32(tb[HALB_INFO_A_CONN_TAB_SIZE], &info->conn_tab_size);
	halb_nla_u32(tb[HALB_INFO_A_CONN_COUNT], &info->conn_count);
	halb_nla_u32(tb[HALB_INFO_A_CONN_MAX], &info->conn_max);
	halb_nla_u32(tb[HALB_INFO_A_NUM_SERVICES], &info->num_services);
	halb_nla_u64(tb[HALB_INFO_A_CONN_REFUSED], &info->conn_refused);
	halb_nla_u64(tb[HALB_INFO_A_LPORT_EXHAUSTED], &info->lport_exhausted);
	halb_nla_u32(tb[HALB_INFO_A_LPORTS_USED], &info->lports_used);
	halb_parse_stats(tb[HALB_INFO_A_STATS], &info->stats);
	return 0;
}

/** halb_get_info() - module version, table sizes, namespace counters. */
int halb_get_info(struct halb_handle *h, struct halb_info *info)
{
	struct nl_msg *msg = halb_msg_new(h, HALB_CMD_GET_INFO, 0);

	if (!msg)
		return -ENOMEM;
	memset(info, 0, sizeof(*info));
	return halb_request(h, msg, false, info_cb, info);
}

/* One of the three address/port pairs of a connection. */
static bool conn_ep(struct nlattr **tb, int a4, int a6, int p, int *af,
		    union halb_addr *addr, uint16_t *port)
{
	uint16_t be;

	if (halb_nla_bin(tb[a4], &addr->v4, 4))
		*af = AF_INET;
	else if (halb_nla_bin(tb[a6], &addr->v6, 16))
		*af = AF_INET6;
	else
		return false;
	if (!halb_nla_u16(tb[p], &be))
		return false;
	*port = ntohs(be);
	return true;
}

static int conn_cb(struct nlattr **top, void *arg)
{
	struct nlattr *tb[HALB_CONN_A_MAX + 1];
	struct halb_conn *c;
	int af;

	if (!top[HALB_A_CONN] ||
	    nla_parse_nested(tb, HALB_CONN_A_MAX, top[HALB_A_CONN], NULL) < 0)
		return -EPROTO;
	c = halb_vec_push(arg);
	if (!c)
		return -ENOMEM;
	if (!halb_nla_u8(tb[HALB_CONN_A_PROTOCOL], &c->protocol) ||
	    !conn_ep(tb, HALB_CONN_A_CADDR4, HALB_CONN_A_CADDR6,
		     HALB_CONN_A_CPORT, &c->af, &c->caddr, &c->cport) ||
	    !conn_ep(tb, HALB_CONN_A_VADDR4, HALB_CONN_A_VADDR6,
		     HALB_CONN_A_VPORT, &af, &c->vaddr, &c->vport) ||
	    !conn_ep(tb, HALB_CONN_A_DADDR4, HALB_CONN_A_DADDR6,
		     HALB_CONN_A_DPORT, &af, &c->daddr, &c->dport))
		return -EPROTO;
	halb_nla_u8(tb[HALB_CONN_A_FWD_METHOD], &c->fwd);
	halb_nla_u8(tb[HALB_CONN_A_STATE], &c->state);
	halb_nla_u32(tb[HALB_CONN_A_EXPIRES], &c->expires_ms);
	halb_nla_u32(tb[HALB_CONN_A_FLAGS], &c->flags);
	halb_nla_u32(tb[HALB_CONN_A_FWMARK], &c->fwmark);
	c->fullnat = conn_ep(tb, HALB_CONN_A_LADDR4, HALB_CONN_A_LADDR6,
			     HALB_CONN_A_LPORT, &af, &c->laddr, &c->lport);
	return 0;
}

/** halb_list_conns() - every connection entry of the netns. */
int halb_list_conns(struct halb_handle *h, struct halb_conn **conns,
		    size_t *n)
{
	struct halb_vec v = { .size = sizeof(struct halb_conn) };
	int ret = -EINTR, i;

	/*
	 * Connections come and go all the time, so an interrupted dump is
	 * only retried a few times and then returned as it is: a listing of
	 * a busy table is a sample anyway.
	 */
	for (i = 0; i < HALB_DUMP_TRIES && ret == -EINTR; i++) {
		struct nl_msg *msg = halb_msg_new(h, HALB_CMD_GET_CONN,
						  NLM_F_DUMP);

		if (!msg) {
			ret = -ENOMEM;
			break;
		}
		v.n = 0;
		ret = halb_request(h, msg, true, conn_cb, &v);
	}
	if (ret && ret != -EINTR) {
		free(v.items);
		return ret;
	}
	*conns = v.items;
	*n = v.n;
	return 0;
}
