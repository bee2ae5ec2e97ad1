// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: where packets enter halb.
 *
 * Requests from clients reach a virtual address that is local to the
 * director, so they are taken at LOCAL_IN, after the filter table's INPUT
 * chain and before the local stack (as IPVS does).  NAT replies from real
 * servers are routed through the director towards the client and are taken
 * at FORWARD, after the filter table.  Both come after defragmentation
 * (NF_IP_PRI_CONNTRACK_DEFRAG, enabled with the hooks in netns.c): a
 * datagram that came in fragments is seen whole.  Lookups are RCU only;
 * nothing here sleeps or takes a lock except when a new connection is
 * created.
 */
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/icmp.h>
#include <net/ipv6.h>
#include "netns.h"
#include "service.h"
#include "dest.h"
#include "sched.h"
#include "conn.h"
#include "packet.h"
#include "xmit.h"
#include "hooks.h"
#include "persist.h"
#include "icmp.h"
#include "fnat.h"
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include "algo/tcp_state.h"

/* Whether the replies of @cp come back through the director. */
static bool sees_replies(const struct halb_conn *cp)
{
	return cp->fwd == HALB_FWD_NAT || cp->fwd == HALB_FWD_FULLNAT;
}

static enum halb_tcp_dir in_dir(const struct halb_conn *cp)
{
	return sees_replies(cp) ? HALB_DIR_IN : HALB_DIR_IN_ONLY;
}

static void track(struct halb_conn *cp, const struct halb_pkt *p,
		  enum halb_tcp_dir dir)
{
	if (p->protocol == IPPROTO_TCP) {
		unsigned int s = halb_tcp_next_state(dir, READ_ONCE(cp->state),
						     p->tcp_flags);

		if (s != READ_ONCE(cp->state))
			halb_conn_set_state(cp, s);
	}
	halb_conn_touch(cp);
}

/*
 * The service a client's packet is for: a firewall-mark service first, as
 * in IPVS, if the packet is marked and the namespace has any.
 */
static struct halb_service *find_service(struct halb_net *hn, const struct sk_buff *skb,
					 const struct halb_pkt *p)
{
	struct halb_svc_key key = { .af = p->af };
	struct halb_service *svc;

	if (skb->mark && READ_ONCE(hn->num_fwmark)) {
		key.fwmark = skb->mark;
		svc = halb_svc_lookup(hn, &key);
		if (svc)
			return svc;
		key.fwmark = 0;
	}
	key.addr = p->daddr;
	key.port = p->dport;
	key.protocol = p->protocol;
	return halb_svc_lookup(hn, &key);
}

static void count_new(struct halb_net *hn, struct halb_dest *dest)
{
	halb_stats_count_conn(&dest->stats);
	halb_stats_count_conn(&dest->svc->stats);
	halb_stats_count_conn(&hn->stats);
}

static unsigned int refuse(struct halb_net *hn, struct halb_service *svc,
			   struct sk_buff *skb, const struct halb_pkt *p, bool unreach)
{
	halb_stats_count_drop(&svc->stats);
	halb_stats_count_drop(&hn->stats);
	/* as IPVS: a service with no server to take it is an unreachable port */
	if (unreach && p->af == AF_INET)
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	else if (unreach)
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
	return NF_DROP;
}

static unsigned int xmit(struct sk_buff *skb, struct halb_conn *cp,
			 const struct halb_pkt *p)
{
	switch (cp->fwd) {
	case HALB_FWD_NAT:
		return halb_xmit_nat_in(skb, cp, p);
	case HALB_FWD_DR:
		return halb_xmit_dr(skb, cp, p);
	case HALB_FWD_TUN:
		return halb_xmit_tun(skb, cp, p);
	case HALB_FWD_FULLNAT:
		return halb_xmit_fnat_in(skb, cp, p);
	default:
		return NF_DROP;
	}
}

/*
 * One-packet scheduling (UDP): the datagram goes to its real server through
 * an entry that lives on the stack and is never hashed, so nothing is
 * allocated, counted against the limit, or left to expire.
 */
static unsigned int one_packet(struct halb_net *hn, struct sk_buff *skb,
			       const struct halb_pkt *p, struct halb_dest *dest)
{
	struct halb_conn c = {
		.caddr = p->saddr, .cport = p->sport,
		.vaddr = p->daddr, .vport = p->dport,
		.daddr = dest->addr, .dport = dest->port ?: p->dport,
		.af = p->af, .protocol = p->protocol,
		.fwd = READ_ONCE(dest->fwd), .state = HALB_CS_UDP,
		.dest = dest, .hn = hn,
	};

	count_new(hn, dest);
	halb_count_in(hn, &c, skb->len);
	return xmit(skb, &c, p);
}

/*
 * A client's packet that belongs to no connection.  Returns the new
 * connection, or NULL with *verdict saying what becomes of the packet.
 */
static struct halb_conn *new_conn(struct halb_net *hn, struct sk_buff *skb,
				  const struct halb_pkt *p, unsigned int *verdict)
{
	struct halb_flow flow = {
		.saddr = p->saddr, .daddr = p->daddr,
		.sport = p->sport, .dport = p->dport,
		.af = p->af, .protocol = p->protocol,
	};
	struct halb_service *svc;
	struct halb_sched_state *st;
	struct halb_dest *dest = NULL;
	struct halb_conn *cp, *tmpl = NULL;
	unsigned int state = HALB_CS_UDP;
	u32 flags;

	*verdict = NF_ACCEPT;
	svc = find_service(hn, skb, p);
	if (!svc)
		return NULL;
	flags = READ_ONCE(svc->flags);
	/* standby director: the packet is for this node as a real server */
	if (flags & HALB_SVC_F_STANDBY)
		return NULL;
	if (p->protocol == IPPROTO_TCP) {
		/* only a SYN opens a connection; the rest is the stack's */
		if ((p->tcp_flags & (HALB_TCP_SYN | HALB_TCP_RST)) != HALB_TCP_SYN)
			return NULL;
		state = halb_tcp_next_state(HALB_DIR_IN, HALB_CS_NONE, p->tcp_flags);
	}
	if (flags & HALB_SVC_F_PERSISTENT) {
		dest = halb_persist_schedule(hn, svc, p, &flow, &tmpl);
	} else {
		st = rcu_dereference(svc->sched_state);
		if (st)
			dest = st->ops->schedule(st, &flow);
	}
	if (!dest) {
		*verdict = refuse(hn, svc, skb, p, true);
		return NULL;
	}
	/* FULLNAT needs the entry to match the reply: no one-packet */
	if ((flags & HALB_SVC_F_ONEPACKET) && p->protocol == IPPROTO_UDP &&
	    READ_ONCE(dest->fwd) != HALB_FWD_FULLNAT) {
		*verdict = one_packet(hn, skb, p, dest);
		return NULL;
	}
	cp = halb_conn_new(hn, p, dest, state, tmpl);
	if (!cp) {
		*verdict = refuse(hn, svc, skb, p, false);
		return NULL;
	}
	count_new(hn, dest);
	return cp;
}

/*
 * A SYN for a connection that is closing or closed is a client reusing its
 * source port: the old entry must not send the new connection to the old
 * (maybe removed or quiesced) server, nor hold it until the old timeout.
 * As IPVS with conn_reuse_mode 1: TIME_WAIT and CLOSE always, FIN_WAIT when
 * replies bypass the director (then it is all that is ever seen).
 */
static bool reused_port(const struct halb_conn *cp, const struct halb_pkt *p)
{
	unsigned int state = READ_ONCE(cp->state);

	if (p->protocol != IPPROTO_TCP ||
	    (p->tcp_flags & (HALB_TCP_SYN | HALB_TCP_ACK | HALB_TCP_RST)) != HALB_TCP_SYN)
		return false;
	return state == HALB_CS_TIME_WAIT || state == HALB_CS_CLOSE ||
	       (state == HALB_CS_FIN_WAIT && !sees_replies(cp));
}

enum nodest_action { NODEST_FORWARD, NODEST_RESCHEDULE, NODEST_DROP };

/*
 * A packet of a connection whose real server was removed: the service's
 * policy decides whether it still goes there, is scheduled afresh, or is
 * dropped (with a reset to a TCP client under HALB_NODEST_RESET).
 */
static enum nodest_action removed_server(struct halb_conn *cp, struct sk_buff *skb,
					 const struct halb_pkt *p)
{
	u8 policy = READ_ONCE(cp->dest->svc->nodest);

	if (policy == HALB_NODEST_KEEP)
		return NODEST_FORWARD;
	halb_conn_expire_now(cp);
	if (policy == HALB_NODEST_RESCHEDULE && p->protocol == IPPROTO_UDP)
		return NODEST_RESCHEDULE;
	if (policy == HALB_NODEST_RESET && p->protocol == IPPROTO_TCP &&
	    !(p->tcp_flags & HALB_TCP_RST)) {
		if (p->af == AF_INET)
			nf_send_reset(cp->hn->net, NULL, skb, NF_INET_LOCAL_IN);
		else
			nf_send_reset6(cp->hn->net, NULL, skb, NF_INET_LOCAL_IN);
	}
	return NODEST_DROP;
}

/* A reply from a real server: count it, send it on to the client. */
static unsigned int reply(struct halb_net *hn, struct sk_buff *skb,
			  const struct halb_pkt *p, struct halb_conn *cp)
{
	track(cp, p, HALB_DIR_OUT);
	halb_count_out(hn, cp, skb->len);
	if (cp->fwd == HALB_FWD_FULLNAT)
		return halb_xmit_fnat_out(skb, cp, p);
	return halb_xmit_nat_out(skb, cp, p);
}

/*
 * A FULLNAT reply to a local address of the director arrives here, not
 * at FORWARD; looked for only in namespaces that have local addresses.
 */
static struct halb_conn *fnat_reply(struct halb_net *hn, const struct halb_pkt *p)
{
	struct halb_conn *cp;

	if (!READ_ONCE(hn->num_laddrs))
		return NULL;
	cp = halb_conn_out_get(hn, p);
	return cp && cp->fwd == HALB_FWD_FULLNAT ? cp : NULL;
}

static unsigned int halb_in(struct halb_net *hn, struct sk_buff *skb,
			    const struct halb_pkt *p)
{
	unsigned int verdict;
	struct halb_conn *cp;

	cp = halb_conn_in_get(hn, p);
	if (!cp) {
		cp = fnat_reply(hn, p);
		if (cp)
			return reply(hn, skb, p, cp);
	}
	if (cp && reused_port(cp, p)) {
		halb_conn_expire_now(cp);
		cp = NULL;
	}
	if (cp && unlikely(READ_ONCE(cp->dest->removed))) {
		switch (removed_server(cp, skb, p)) {
		case NODEST_FORWARD:
			break;
		case NODEST_RESCHEDULE:
			cp = NULL;
			break;
		case NODEST_DROP:
			return NF_DROP;
		}
	}
	if (cp) {
		track(cp, p, in_dir(cp));
	} else {
		cp = new_conn(hn, skb, p, &verdict);
		if (!cp)
			return verdict;
		halb_conn_touch(cp);
	}
	halb_count_in(hn, cp, skb->len);
	return xmit(skb, cp, p);
}

static unsigned int halb_out(struct halb_net *hn, struct sk_buff *skb,
			     const struct halb_pkt *p)
{
	struct halb_conn *cp = halb_conn_out_get(hn, p);

	if (!cp)
		return NF_ACCEPT;
	return reply(hn, skb, p, cp);
}

/*
 * The packet path: parse, then a TCP/UDP packet goes to halb_in/out and an
 * ICMP error to its ICMP counterpart; nothing else is halb's.
 */
static unsigned int hook(struct sk_buff *skb, const struct nf_hook_state *state,
			 u16 af, bool in)
{
	struct halb_net *hn = halb_net(state->net);
	struct halb_pkt p;
	int err;

	err = af == AF_INET ? halb_pkt_parse4(skb, &p) : halb_pkt_parse6(skb, &p);
	if (!err)
		return in ? halb_in(hn, skb, &p) : halb_out(hn, skb, &p);
	if (err != -EPROTONOSUPPORT ||
	    p.protocol != (af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6))
		return NF_ACCEPT;
	return in ? halb_icmp_in(hn, skb, &p) : halb_icmp_out(hn, skb, &p);
}

static unsigned int hook_in4(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	return hook(skb, state, AF_INET, true);
}

static unsigned int hook_out4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	return hook(skb, state, AF_INET, false);
}

static unsigned int hook_in6(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	return hook(skb, state, AF_INET6, true);
}

static unsigned int hook_out6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	return hook(skb, state, AF_INET6, false);
}

const struct nf_hook_ops halb_hook_ops[] = {
	/* client requests: after filter INPUT (0), before the local stack */
	{
		.hook = hook_in4, .pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN, .priority = NF_IP_PRI_NAT_SRC - 2,
	},
	/* NAT replies: after filter FORWARD (0) */
	{
		.hook = hook_out4, .pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD, .priority = NF_IP_PRI_NAT_SRC - 1,
	},
	{
		.hook = hook_in6, .pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN, .priority = NF_IP6_PRI_NAT_SRC - 2,
	},
	{
		.hook = hook_out6, .pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD, .priority = NF_IP6_PRI_NAT_SRC - 1,
	},
};

const unsigned int halb_hook_ops_count = ARRAY_SIZE(halb_hook_ops);
