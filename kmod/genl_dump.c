// SPDX-License-Identifier: GPL-2.0
/*
 * Requests that read: services, real servers, connections, module info.
 * Dumps resume from the position kept in cb->args[] and set
 * NLM_F_DUMP_INTR when the tables changed between two parts.
 */
#include <linux/jiffies.h>
#include <net/sock.h>
#include "compat.h"
#include "genl.h"
#include "netns.h"
#include "service.h"
#include "dest.h"
#include "sched.h"
#include "conn.h"
#include "laddr.h"

#define HALB_VERSION_CODE	0x000100	/* 0.1.0 */

static int put_addr(struct sk_buff *skb, int a4, int a6, u16 af,
		    const union nf_inet_addr *addr)
{
	if (af == AF_INET)
		return nla_put_in_addr(skb, a4, addr->ip);
	return nla_put_in6_addr(skb, a6, &addr->in6);
}

static int put_stats(struct sk_buff *skb, int type, const struct halb_stats *s)
{
	struct halb_counters c;
	struct halb_rates r;
	struct nlattr *nest;

	halb_stats_read(s, &c);
	halb_stats_rates(s, &r);
	nest = nla_nest_start(skb, type);
	if (!nest ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_CONNS, c.conns, HALB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_INPKTS, c.inpkts, HALB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_OUTPKTS, c.outpkts, HALB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_INBYTES, c.inbytes, HALB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_OUTBYTES, c.outbytes, HALB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_DROPS, c.drops, HALB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_CPS, r.cps, HALB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_INPPS, r.inpps, HALB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_OUTPPS, r.outpps, HALB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_INBPS, r.inbps, HALB_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, HALB_STATS_A_OUTBPS, r.outbps, HALB_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_svc_key(struct sk_buff *skb, const struct halb_service *svc)
{
	if (svc->key.fwmark)
		return nla_put_u32(skb, HALB_SVC_A_FWMARK, svc->key.fwmark) ||
		       nla_put_u16(skb, HALB_SVC_A_AF, svc->key.af) ? -EMSGSIZE : 0;
	if (nla_put_u8(skb, HALB_SVC_A_PROTOCOL, svc->key.protocol) ||
	    put_addr(skb, HALB_SVC_A_ADDR4, HALB_SVC_A_ADDR6, svc->key.af,
		     &svc->key.addr) ||
	    nla_put_be16(skb, HALB_SVC_A_PORT, svc->key.port))
		return -EMSGSIZE;
	return 0;
}

static int fill_service(struct sk_buff *skb, struct halb_service *svc)
{
	struct nlattr *nest = nla_nest_start(skb, HALB_A_SERVICE);

	if (!nest || put_svc_key(skb, svc) ||
	    nla_put_string(skb, HALB_SVC_A_SCHED_NAME, svc->sched->name) ||
	    nla_put_u32(skb, HALB_SVC_A_FLAGS, svc->flags) ||
	    nla_put_u32(skb, HALB_SVC_A_TIMEOUT, svc->timeout) ||
	    nla_put_u8(skb, HALB_SVC_A_NETMASK, svc->netmask) ||
	    nla_put_u8(skb, HALB_SVC_A_NODEST_POLICY, svc->nodest) ||
	    nla_put_u32(skb, HALB_SVC_A_MH_SIZE, svc->mh_size) ||
	    nla_put_u32(skb, HALB_SVC_A_NUM_DESTS, svc->num_dests) ||
	    nla_put_u8(skb, HALB_SVC_A_CLIENT_ADDR, svc->client_addr) ||
	    nla_put_u32(skb, HALB_SVC_A_LPORTS_USED, atomic_read(&svc->lports_used)) ||
	    halb_laddr_pool_put(skb, svc) ||
	    put_stats(skb, HALB_SVC_A_STATS, &svc->stats))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_dest(struct sk_buff *skb, struct halb_dest *d)
{
	struct nlattr *nest = nla_nest_start(skb, HALB_A_DEST);

	if (!nest ||
	    put_addr(skb, HALB_DEST_A_ADDR4, HALB_DEST_A_ADDR6, d->af, &d->addr) ||
	    nla_put_be16(skb, HALB_DEST_A_PORT, d->port) ||
	    nla_put_u8(skb, HALB_DEST_A_FWD_METHOD, d->fwd) ||
	    nla_put_u32(skb, HALB_DEST_A_WEIGHT, d->weight) ||
	    nla_put_u32(skb, HALB_DEST_A_U_THRESH, d->u_thresh) ||
	    nla_put_u32(skb, HALB_DEST_A_L_THRESH, d->l_thresh) ||
	    nla_put_u32(skb, HALB_DEST_A_ACTIVE_CONNS, atomic_read(&d->activeconns)) ||
	    nla_put_u32(skb, HALB_DEST_A_INACT_CONNS, atomic_read(&d->inactconns)) ||
	    nla_put_u32(skb, HALB_DEST_A_PERSIST_CONNS, atomic_read(&d->persistconns)) ||
	    put_stats(skb, HALB_DEST_A_STATS, &d->stats))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int halb_nl_get_service(struct sk_buff *skb, struct genl_info *info)
{
	struct halb_net *hn = halb_net(genl_info_net(info));
	struct halb_service *svc;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&halb_ctl_lock);
	svc = halb_nl_find_service(hn, info->attrs, info->extack);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto err_unlock;
	}
	hdr = genlmsg_put_reply(msg, info, &halb_genl_family, 0,
				HALB_CMD_GET_SERVICE);
	err = -EMSGSIZE;
	if (!hdr || fill_service(msg, svc))
		goto err_unlock;
	mutex_unlock(&halb_ctl_lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&halb_ctl_lock);
	nlmsg_free(msg);
	return err;
}

static void *dump_hdr(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &halb_genl_family,
				NLM_F_MULTI, cmd);

	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

int halb_nl_dump_services(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct halb_net *hn = halb_net(sock_net(skb->sk));
	struct halb_service *svc;
	long idx = 0, start = cb->args[0];
	void *hdr;

	mutex_lock(&halb_ctl_lock);
	cb->seq = hn->gen;
	list_for_each_entry(svc, &hn->svc_list, list) {
		if (idx++ < start)
			continue;
		hdr = dump_hdr(skb, cb, HALB_CMD_GET_SERVICE);
		if (!hdr)
			goto full;
		if (fill_service(skb, svc)) {
			genlmsg_cancel(skb, hdr);
			goto full;
		}
		genlmsg_end(skb, hdr);
	}
	idx++;
full:
	cb->args[0] = idx - 1;
	mutex_unlock(&halb_ctl_lock);
	return skb->len;
}

int halb_nl_dump_dests(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct halb_net *hn = halb_net(sock_net(skb->sk));
	struct nlattr **attrs = halb_dump_attrs(cb);
	struct halb_service *svc;
	struct halb_dest *d;
	long idx = 0, start = cb->args[0];
	int err = 0;
	void *hdr;

	mutex_lock(&halb_ctl_lock);
	cb->seq = hn->gen;
	svc = halb_nl_find_service(hn, attrs, cb->extack);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	list_for_each_entry(d, &svc->dests, list) {
		if (idx++ < start)
			continue;
		hdr = dump_hdr(skb, cb, HALB_CMD_GET_DEST);
		if (!hdr)
			goto full;
		if (fill_dest(skb, d)) {
			genlmsg_cancel(skb, hdr);
			goto full;
		}
		genlmsg_end(skb, hdr);
	}
	idx++;
full:
	cb->args[0] = idx - 1;
	err = skb->len;
out:
	mutex_unlock(&halb_ctl_lock);
	return err;
}

int halb_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct halb_net *hn = halb_net(genl_info_net(info));
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &halb_genl_family, 0, HALB_CMD_GET_INFO);
	if (!hdr)
		goto err;
	nest = nla_nest_start(msg, HALB_A_INFO);
	mutex_lock(&halb_ctl_lock);
	if (!nest ||
	    nla_put_u32(msg, HALB_INFO_A_VERSION, HALB_VERSION_CODE) ||
	    nla_put_u32(msg, HALB_INFO_A_CONN_TAB_SIZE, 1U << hn->conn_tab_bits) ||
	    nla_put_u32(msg, HALB_INFO_A_CONN_COUNT, atomic_read(&hn->conn_count)) ||
	    nla_put_u32(msg, HALB_INFO_A_CONN_MAX, READ_ONCE(halb_conn_max)) ||
	    nla_put_u32(msg, HALB_INFO_A_NUM_SERVICES, hn->num_services) ||
	    put_stats(msg, HALB_INFO_A_STATS, &hn->stats) ||
	    nla_put_u64_64bit(msg, HALB_INFO_A_CONN_REFUSED,
			      atomic64_read(&hn->conn_refused), HALB_INFO_A_PAD) ||
	    nla_put_u64_64bit(msg, HALB_INFO_A_LPORT_EXHAUSTED,
			      atomic64_read(&hn->lport_exhausted), HALB_INFO_A_PAD) ||
	    nla_put_u32(msg, HALB_INFO_A_LPORTS_USED, atomic_read(&hn->lports_used))) {
		mutex_unlock(&halb_ctl_lock);
		goto err;
	}
	mutex_unlock(&halb_ctl_lock);
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int fill_conn(struct sk_buff *skb, const struct halb_conn *cp)
{
	long left = (long)(READ_ONCE(cp->expires) - jiffies);
	struct nlattr *nest = nla_nest_start(skb, HALB_A_CONN);
	u32 fwmark = cp->dest->svc->key.fwmark;
	bool tmpl = cp->flags & HALB_CONN_F_TMPL;
	static const union nf_inet_addr none;
	u32 flags = 0;

	if (tmpl)
		flags |= HALB_CONN_F_TEMPLATE;
	if (READ_ONCE(cp->dest->removed))
		flags |= HALB_CONN_F_NODEST;
	if (READ_ONCE(cp->flags) & HALB_CONN_F_ASSURED)
		flags |= HALB_CONN_F_ASSURED;
	if (!nest ||
	    nla_put_u8(skb, HALB_CONN_A_PROTOCOL, cp->protocol) ||
	    put_addr(skb, HALB_CONN_A_CADDR4, HALB_CONN_A_CADDR6, cp->af, &cp->caddr) ||
	    nla_put_be16(skb, HALB_CONN_A_CPORT, cp->cport) ||
	    /* a firewall-mark template keeps the mark where the address goes */
	    put_addr(skb, HALB_CONN_A_VADDR4, HALB_CONN_A_VADDR6, cp->af,
		     tmpl && fwmark ? &none : &cp->vaddr) ||
	    nla_put_u32(skb, HALB_CONN_A_FLAGS, flags) ||
	    (fwmark && nla_put_u32(skb, HALB_CONN_A_FWMARK, fwmark)) ||
	    nla_put_be16(skb, HALB_CONN_A_VPORT, cp->vport) ||
	    put_addr(skb, HALB_CONN_A_DADDR4, HALB_CONN_A_DADDR6, cp->af, &cp->daddr) ||
	    nla_put_be16(skb, HALB_CONN_A_DPORT, cp->dport) ||
	    nla_put_u8(skb, HALB_CONN_A_FWD_METHOD, cp->fwd) ||
	    (cp->fwd == HALB_FWD_FULLNAT && !tmpl &&
	     (put_addr(skb, HALB_CONN_A_LADDR4, HALB_CONN_A_LADDR6, cp->af,
		       &cp->laddr) ||
	      nla_put_be16(skb, HALB_CONN_A_LPORT, cp->lport))) ||
	    nla_put_u8(skb, HALB_CONN_A_STATE, READ_ONCE(cp->state)) ||
	    nla_put_u32(skb, HALB_CONN_A_EXPIRES,
			left > 0 ? jiffies_to_msecs(left) : 0))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Connections are dumped bucket by bucket under RCU: args[0] is the
 * bucket, args[1] how many entries of it were already sent.  Entries come
 * and go all the time, so this dump is a best-effort view, as IPVS's.
 */
int halb_nl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct halb_net *hn = halb_net(sock_net(skb->sk));
	/* allocated with the namespace's first service, if ever */
	struct hlist_head *tab = smp_load_acquire(&hn->conn_in_tab);
	unsigned long b, n = 1UL << hn->conn_tab_bits;
	long skip = cb->args[1];
	struct halb_conn *cp;
	void *hdr;

	if (!tab)
		return 0;
	rcu_read_lock();
	for (b = cb->args[0]; b < n; b++, skip = 0) {
		long i = 0;

		hlist_for_each_entry_rcu(cp, &tab[b], in_node) {
			if (i++ < skip)
				continue;
			hdr = dump_hdr(skb, cb, HALB_CMD_GET_CONN);
			if (!hdr)
				goto full;
			if (fill_conn(skb, cp)) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			genlmsg_end(skb, hdr);
			cb->args[1] = i;
		}
		cb->args[1] = 0;
	}
full:
	cb->args[0] = b;
	rcu_read_unlock();
	return skb->len;
}
