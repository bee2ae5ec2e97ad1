// SPDX-License-Identifier: LGPL-2.1
/*
 * libhalb: virtual services and their real servers, both directions
 * (struct <-> HALB_A_SERVICE / HALB_A_DEST nests).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "lib/internal.h"

/* Dumps retried this often when a concurrent change interrupts them. */
#define HALB_DUMP_TRIES	8

static int put_addr(struct nl_msg *msg, int af, const union halb_addr *addr,
		    int a4, int a6)
{
	if (af == AF_INET)
		return nla_put(msg, a4, 4, &addr->v4);
	if (af == AF_INET6)
		return nla_put(msg, a6, 16, &addr->v6);
	return -NLE_INVAL;
}

/* The whole local address list; an empty nest clears it. */
static int put_laddrs(struct nl_msg *msg, const struct halb_service *s)
{
	struct nlattr *nest = nla_nest_start(msg, HALB_SVC_A_LADDRS);
	unsigned int i;

	if (!nest || s->num_laddrs > HALB_LADDRS_MAX)
		return -1;
	for (i = 0; i < s->num_laddrs; i++)
		if (put_addr(msg, s->af, &s->laddrs[i], HALB_LADDR_A_ADDR4,
			     HALB_LADDR_A_ADDR6) < 0)
			return -1;
	nla_nest_end(msg, nest);
	return 0;
}

static void parse_laddrs(struct nlattr *nest, struct halb_service *s)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (s->num_laddrs >= HALB_LADDRS_MAX)
			break;
		if (nla_type(a) == HALB_LADDR_A_ADDR4 && nla_len(a) == 4)
			memcpy(&s->laddrs[s->num_laddrs++].v4, nla_data(a), 4);
		else if (nla_type(a) == HALB_LADDR_A_ADDR6 && nla_len(a) == 16)
			memcpy(&s->laddrs[s->num_laddrs++].v6, nla_data(a), 16);
	}
}

static int put_svc(struct nl_msg *msg, const struct halb_service *s,
		   bool key_only)
{
	struct nlattr *nest = nla_nest_start(msg, HALB_A_SERVICE);

	if (!nest)
		return -ENOMEM;
	if (s->af != AF_INET && s->af != AF_INET6)
		return -EAFNOSUPPORT;
	if (s->fwmark) {
		if (nla_put_u32(msg, HALB_SVC_A_FWMARK, s->fwmark) < 0 ||
		    nla_put_u16(msg, HALB_SVC_A_AF, s->af) < 0)
			return -ENOMEM;
	} else if (nla_put_u8(msg, HALB_SVC_A_PROTOCOL, s->protocol) < 0 ||
		   put_addr(msg, s->af, &s->addr, HALB_SVC_A_ADDR4,
			    HALB_SVC_A_ADDR6) < 0 ||
		   nla_put_u16(msg, HALB_SVC_A_PORT, htons(s->port)) < 0) {
		return -ENOMEM;
	}
	if (!key_only) {
		if (s->sched[0] &&
		    nla_put_string(msg, HALB_SVC_A_SCHED_NAME, s->sched) < 0)
			return -ENOMEM;
		if ((s->has & HALB_SVC_HAS_FLAGS) &&
		    nla_put_u32(msg, HALB_SVC_A_FLAGS, s->flags) < 0)
			return -ENOMEM;
		if ((s->has & HALB_SVC_HAS_TIMEOUT) &&
		    nla_put_u32(msg, HALB_SVC_A_TIMEOUT, s->timeout) < 0)
			return -ENOMEM;
		if ((s->has & HALB_SVC_HAS_NETMASK) &&
		    nla_put_u8(msg, HALB_SVC_A_NETMASK, s->netmask) < 0)
			return -ENOMEM;
		if ((s->has & HALB_SVC_HAS_NODEST) &&
		    nla_put_u8(msg, HALB_SVC_A_NODEST_POLICY, s->nodest) < 0)
			return -ENOMEM;
		if ((s->has & HALB_SVC_HAS_MH_SIZE) &&
		    nla_put_u32(msg, HALB_SVC_A_MH_SIZE, s->mh_size) < 0)
			return -ENOMEM;
		if ((s->has & HALB_SVC_HAS_CLIENT_ADDR) &&
		    nla_put_u8(msg, HALB_SVC_A_CLIENT_ADDR, s->client_addr) < 0)
			return -ENOMEM;
		if ((s->has & HALB_SVC_HAS_LADDRS) && put_laddrs(msg, s) < 0)
			return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int put_dest(struct nl_msg *msg, int af, const struct halb_dest *d,
		    bool key_only)
{
	struct nlattr *nest = nla_nest_start(msg, HALB_A_DEST);

	if (!nest)
		return -ENOMEM;
	if (put_addr(msg, af, &d->addr, HALB_DEST_A_ADDR4,
		     HALB_DEST_A_ADDR6) < 0 ||
	    nla_put_u16(msg, HALB_DEST_A_PORT, htons(d->port)) < 0)
		return -ENOMEM;
	if (!key_only) {
		if ((d->has & HALB_DEST_HAS_FWD) &&
		    nla_put_u8(msg, HALB_DEST_A_FWD_METHOD, d->fwd) < 0)
			return -ENOMEM;
		if ((d->has & HALB_DEST_HAS_WEIGHT) &&
		    nla_put_u32(msg, HALB_DEST_A_WEIGHT, d->weight) < 0)
			return -ENOMEM;
		if ((d->has & HALB_DEST_HAS_U_THRESH) &&
		    nla_put_u32(msg, HALB_DEST_A_U_THRESH, d->u_thresh) < 0)
			return -ENOMEM;
		if ((d->has & HALB_DEST_HAS_L_THRESH) &&
		    nla_put_u32(msg, HALB_DEST_A_L_THRESH, d->l_thresh) < 0)
			return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* One request with an optional service and an optional real server. */
static int svc_cmd(struct halb_handle *h, uint8_t cmd,
		   const struct halb_service *svc, bool svc_key_only,
		   const struct halb_dest *dest, bool dest_key_only)
{
	struct nl_msg *msg = halb_msg_new(h, cmd, 0);
	int ret = 0;

	if (!msg)
		return -ENOMEM;
	if (svc)
		ret = put_svc(msg, svc, svc_key_only);
	if (!ret && dest)
		ret = put_dest(msg, svc->af, dest, dest_key_only);
	if (ret) {
		nlmsg_free(msg);
		h->errmsg[0] = '\0';
		return ret;
	}
	return halb_request(h, msg, false, NULL, NULL);
}

/** halb_add_service() - create @svc (HALB_CMD_NEW_SERVICE). */
int halb_add_service(struct halb_handle *h, const struct halb_service *svc)
{
	return svc_cmd(h, HALB_CMD_NEW_SERVICE, svc, false, NULL, false);
}

/** halb_edit_service() - change the fields of @svc it has (SET_SERVICE). */
int halb_edit_service(struct halb_handle *h, const struct halb_service *svc)
{
	return svc_cmd(h, HALB_CMD_SET_SERVICE, svc, false, NULL, false);
}

/** halb_del_service() - delete the service with @key's key. */
int halb_del_service(struct halb_handle *h, const struct halb_service *key)
{
	return svc_cmd(h, HALB_CMD_DEL_SERVICE, key, true, NULL, false);
}

/** halb_add_dest() - add @dest to the service @key. */
int halb_add_dest(struct halb_handle *h, const struct halb_service *key,
		  const struct halb_dest *dest)
{
	return svc_cmd(h, HALB_CMD_NEW_DEST, key, true, dest, false);
}

/** halb_edit_dest() - change the fields @dest has. */
int halb_edit_dest(struct halb_handle *h, const struct halb_service *key,
		   const struct halb_dest *dest)
{
	return svc_cmd(h, HALB_CMD_SET_DEST, key, true, dest, false);
}

/** halb_del_dest() - remove @dest from the service @key. */
int halb_del_dest(struct halb_handle *h, const struct halb_service *key,
		  const struct halb_dest *dest)
{
	return svc_cmd(h, HALB_CMD_DEL_DEST, key, true, dest, true);
}

/** halb_zero() - zero the counters of service @key, or of all if NULL. */
int halb_zero(struct halb_handle *h, const struct halb_service *key)
{
	return svc_cmd(h, HALB_CMD_ZERO, key, true, NULL, false);
}

/** halb_flush() - delete every service of the netns. */
int halb_flush(struct halb_handle *h)
{
	return svc_cmd(h, HALB_CMD_FLUSH, NULL, false, NULL, false);
}

static bool get_addr(struct nlattr *a4, struct nlattr *a6, int *af,
		     union halb_addr *addr)
{
	if (halb_nla_bin(a4, &addr->v4, 4)) {
		*af = AF_INET;
		return true;
	}
	if (halb_nla_bin(a6, &addr->v6, 16)) {
		*af = AF_INET6;
		return true;
	}
	return false;
}

static int parse_svc(struct nlattr **top, struct halb_service *s)
{
	struct nlattr *tb[HALB_SVC_A_MAX + 1];
	uint16_t port, af;

	memset(s, 0, sizeof(*s));
	if (!top[HALB_A_SERVICE] ||
	    nla_parse_nested(tb, HALB_SVC_A_MAX, top[HALB_A_SERVICE], NULL) < 0)
		return -EPROTO;
	if (halb_nla_u32(tb[HALB_SVC_A_FWMARK], &s->fwmark)) {
		if (!halb_nla_u16(tb[HALB_SVC_A_AF], &af))
			return -EPROTO;
		s->af = af;
	} else if (!halb_nla_u8(tb[HALB_SVC_A_PROTOCOL], &s->protocol) ||
		   !get_addr(tb[HALB_SVC_A_ADDR4], tb[HALB_SVC_A_ADDR6], &s->af,
			     &s->addr) ||
		   !halb_nla_u16(tb[HALB_SVC_A_PORT], &port)) {
		return -EPROTO;
	} else {
		s->port = ntohs(port);
	}
	if (tb[HALB_SVC_A_SCHED_NAME])
		snprintf(s->sched, sizeof(s->sched), "%.*s",
			 nla_len(tb[HALB_SVC_A_SCHED_NAME]),
			 (const char *)nla_data(tb[HALB_SVC_A_SCHED_NAME]));
	if (halb_nla_u32(tb[HALB_SVC_A_FLAGS], &s->flags))
		s->has |= HALB_SVC_HAS_FLAGS;
	if (halb_nla_u32(tb[HALB_SVC_A_TIMEOUT], &s->timeout))
		s->has |= HALB_SVC_HAS_TIMEOUT;
	if (halb_nla_u8(tb[HALB_SVC_A_NETMASK], &s->netmask))
		s->has |= HALB_SVC_HAS_NETMASK;
	if (halb_nla_u8(tb[HALB_SVC_A_NODEST_POLICY], &s->nodest))
		s->has |= HALB_SVC_HAS_NODEST;
	if (halb_nla_u32(tb[HALB_SVC_A_MH_SIZE], &s->mh_size))
		s->has |= HALB_SVC_HAS_MH_SIZE;
	if (halb_nla_u8(tb[HALB_SVC_A_CLIENT_ADDR], &s->client_addr))
		s->has |= HALB_SVC_HAS_CLIENT_ADDR;
	if (tb[HALB_SVC_A_LADDRS]) {
		parse_laddrs(tb[HALB_SVC_A_LADDRS], s);
		s->has |= HALB_SVC_HAS_LADDRS;
	}
	halb_nla_u32(tb[HALB_SVC_A_LPORTS_USED], &s->lports_used);
	halb_nla_u32(tb[HALB_SVC_A_NUM_DESTS], &s->num_dests);
	halb_parse_stats(tb[HALB_SVC_A_STATS], &s->stats);
	return 0;
}

static int svc_one_cb(struct nlattr **tb, void *arg)
{
	return parse_svc(tb, arg);
}

/**
 * halb_get_service() - fill @svc (whose key is set) from the kernel.
 */
int halb_get_service(struct halb_handle *h, struct halb_service *svc)
{
	struct halb_service out;
	struct nl_msg *msg;
	int ret;

	msg = halb_msg_new(h, HALB_CMD_GET_SERVICE, 0);
	if (!msg)
		return -ENOMEM;
	ret = put_svc(msg, svc, true);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	memset(&out, 0, sizeof(out));
	ret = halb_request(h, msg, false, svc_one_cb, &out);
	if (!ret && !out.af)
		ret = -EPROTO;
	if (!ret)
		*svc = out;
	return ret;
}

static int svc_dump_cb(struct nlattr **tb, void *arg)
{
	struct halb_service *s = halb_vec_push(arg);

	return s ? parse_svc(tb, s) : -ENOMEM;
}

/*
 * Run a dump until one pass sees no concurrent change, so callers always
 * get a consistent snapshot (see "Dumps" in the uapi header).
 */
static int dump_all(struct halb_handle *h, uint8_t cmd,
		    const struct halb_service *key, halb_reply_fn fn,
		    struct halb_vec *v, void **out, size_t *n)
{
	int ret = -EINTR, i;

	for (i = 0; i < HALB_DUMP_TRIES && ret == -EINTR; i++) {
		struct nl_msg *msg = halb_msg_new(h, cmd, NLM_F_DUMP);

		v->n = 0;
		if (!msg) {
			ret = -ENOMEM;
			break;
		}
		if (key && (ret = put_svc(msg, key, true))) {
			nlmsg_free(msg);
			break;
		}
		ret = halb_request(h, msg, true, fn, v);
	}
	if (ret) {
		free(v->items);
		return ret;
	}
	*out = v->items;
	*n = v->n;
	return 0;
}

/** halb_list_services() - every service of the netns, in kernel order. */
int halb_list_services(struct halb_handle *h, struct halb_service **svcs,
		       size_t *n)
{
	struct halb_vec v = { .size = sizeof(struct halb_service) };

	return dump_all(h, HALB_CMD_GET_SERVICE, NULL, svc_dump_cb, &v,
			(void **)svcs, n);
}

static int dest_dump_cb(struct nlattr **top, void *arg)
{
	struct nlattr *tb[HALB_DEST_A_MAX + 1];
	struct halb_dest *d;
	uint16_t port;

	if (!top[HALB_A_DEST] ||
	    nla_parse_nested(tb, HALB_DEST_A_MAX, top[HALB_A_DEST], NULL) < 0)
		return -EPROTO;
	d = halb_vec_push(arg);
	if (!d)
		return -ENOMEM;
	if (!get_addr(tb[HALB_DEST_A_ADDR4], tb[HALB_DEST_A_ADDR6], &d->af,
		      &d->addr) || !halb_nla_u16(tb[HALB_DEST_A_PORT], &port))
		return -EPROTO;
	d->port = ntohs(port);
	if (halb_nla_u8(tb[HALB_DEST_A_FWD_METHOD], &d->fwd))
		d->has |= HALB_DEST_HAS_FWD;
	if (halb_nla_u32(tb[HALB_DEST_A_WEIGHT], &d->weight))
		d->has |= HALB_DEST_HAS_WEIGHT;
	if (halb_nla_u32(tb[HALB_DEST_A_U_THRESH], &d->u_thresh))
		d->has |= HALB_DEST_HAS_U_THRESH;
	if (halb_nla_u32(tb[HALB_DEST_A_L_THRESH], &d->l_thresh))
		d->has |= HALB_DEST_HAS_L_THRESH;
	halb_nla_u32(tb[HALB_DEST_A_ACTIVE_CONNS], &d->active_conns);
	halb_nla_u32(tb[HALB_DEST_A_INACT_CONNS], &d->inact_conns);
	halb_nla_u32(tb[HALB_DEST_A_PERSIST_CONNS], &d->persist_conns);
	halb_parse_stats(tb[HALB_DEST_A_STATS], &d->stats);
	return 0;
}

/** halb_list_dests() - the real servers of service @key. */
int halb_list_dests(struct halb_handle *h, const struct halb_service *key,
		    struct halb_dest **dests, size_t *n)
{
	struct halb_vec v = { .size = sizeof(struct halb_dest) };

	return dump_all(h, HALB_CMD_GET_DEST, key, dest_dump_cb, &v,
			(void **)dests, n);
}
