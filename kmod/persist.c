// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent services: a client, its address masked to the service's
 * netmask, keeps its real server across connections.  The binding is a
 * template entry in the connection table (struct halb_conn), found with the
 * same RCU lookup as a connection, refreshed to the service's timeout by
 * every new connection it decides, and kept while connections it decided
 * are alive, as in IPVS.  A template whose real server was removed is
 * dropped and the client scheduled afresh; a quiesced (weight 0) server
 * keeps its persistent clients, as in IPVS.
 */
#include "netns.h"
#include "service.h"
#include "dest.h"
#include "sched.h"
#include "conn.h"
#include "packet.h"
#include "persist.h"

/* The template key of flow @p for @svc, laid out as a flow. */
static void tmpl_key(const struct halb_service *svc, const struct halb_pkt *p,
		     struct halb_pkt *key)
{
	unsigned int i;

	memset(key, 0, sizeof(*key));
	key->af = p->af;
	if (p->af == AF_INET)
		key->saddr.ip = p->saddr.ip & svc->pmask.ip;
	else
		for (i = 0; i < 4; i++)
			key->saddr.ip6[i] = p->saddr.ip6[i] & svc->pmask.ip6[i];
	if (svc->key.fwmark) {
		key->daddr.ip = htonl(svc->key.fwmark);
		key->protocol = IPPROTO_IP;
	} else {
		key->daddr = p->daddr;
		key->dport = p->dport;
		key->protocol = p->protocol;
	}
}

/**
 * halb_persist_schedule - real server of a new connection to a persistent service
 * @hn: the namespace
 * @svc: the service (HALB_SVC_F_PERSISTENT)
 * @p: the connection's first packet
 * @flow: the same, as the scheduler sees it
 * @tmpl: set to the template that decided, for the connection to hold
 *
 * Packet path, RCU held.
 *
 * Return: the real server, or NULL (none available, or no template could
 * be made: the connection is refused, as in IPVS).
 */
struct halb_dest *halb_persist_schedule(struct halb_net *hn, struct halb_service *svc,
					const struct halb_pkt *p,
					const struct halb_flow *flow,
					struct halb_conn **tmpl)
{
	unsigned long timeout = (unsigned long)READ_ONCE(svc->timeout) * HZ;
	struct halb_sched_state *st;
	struct halb_dest *dest;
	struct halb_conn *ct;
	struct halb_pkt key;

	tmpl_key(svc, p, &key);
	ct = halb_conn_tmpl_get(hn, &key);
	if (ct && READ_ONCE(ct->dest->removed)) {
		halb_conn_expire_now(ct);
		ct = NULL;
	}
	if (!ct) {
		st = rcu_dereference(svc->sched_state);
		dest = st ? st->ops->schedule(st, flow) : NULL;
		if (!dest)
			return NULL;
		ct = halb_conn_tmpl_new(hn, &key, dest, timeout);
		if (!ct)
			return NULL;
	}
	halb_conn_tmpl_refresh(ct, timeout);
	*tmpl = ct;
	return ct->dest;
}
