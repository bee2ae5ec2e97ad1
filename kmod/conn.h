/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_CONN_H
#define _HALB_CONN_H

#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/refcount.h>
#include <linux/netfilter.h>
#include "params.h"

struct halb_net;
struct halb_dest;
struct halb_pkt;

#define HALB_CONN_F_OUT_HASHED	0x1	/* replies are looked up (NAT) */
#define HALB_CONN_F_DEAD	0x2	/* expiring; timer must not re-arm */
#define HALB_CONN_F_TMPL	0x4	/* persistence template */
#define HALB_CONN_F_ASSURED	0x8	/* template: decided an established one */

/*
 * One connection through a virtual service.  Looked up under RCU only: an
 * entry is unhashed by its own timer and freed through call_rcu(), so a
 * packet that found it may use it until rcu_read_unlock().  The reference
 * count is 1 for the table's own reference, plus one per connection a
 * persistence template controls: a template outlives its connections.
 *
 * A persistence template (HALB_CONN_F_TMPL) binds a client to a real
 * server: caddr is the client's address masked to the service's netmask,
 * cport is 0; for a firewall-mark service vaddr holds the mark, vport is 0
 * and protocol IPPROTO_IP, so no packet's flow can match it.  Packets
 * only refresh @expires; the timer, when it fires early, re-arms itself for
 * the new expiry (no mod_timer() per packet).
 */
struct halb_conn {
	struct hlist_node in_node;	/* keyed client -> virtual */
	struct hlist_node out_node;	/* keyed real server -> client */
	union nf_inet_addr caddr;	/* client */
	union nf_inet_addr vaddr;	/* virtual address */
	union nf_inet_addr daddr;	/* real server */
	__be16 cport;
	__be16 vport;
	__be16 dport;
	u16 af;
	u8 protocol;
	u8 fwd;				/* enum halb_fwd_method, fixed */
	u8 state;			/* enum halb_conn_state */
	u8 flags;			/* HALB_CONN_F_* */
	spinlock_t lock;		/* state changes, timer re-arm */
	u32 timeout;			/* jiffies, of the current state */
	unsigned long expires;		/* jiffies; written without lock */
	struct timer_list timer;
	refcount_t refcnt;
	struct halb_dest *dest;		/* holds a reference */
	struct halb_conn *control;	/* template, holds a reference */
	struct halb_net *hn;
	struct rcu_head rcu;
	/* FULLNAT (laddr.c, xmit_fnat.c); for other methods laddr = caddr */
	union nf_inet_addr laddr;	/* local address: the reply's target */
	__be16 lport;			/* local port */
	u8 caddr_mode;			/* enum halb_client_addr, fixed */
	u8 caddr_done;			/* the server has the client's address */
	u8 ppv2;			/* enum halb_ppv2_state */
	u32 isn;			/* client's initial sequence number */
	struct halb_laddr *lp;		/* holds @lport of it, or NULL */
};

int halb_conn_cache_init(void);
void halb_conn_cache_exit(void);
void halb_conn_tab_init(struct halb_net *hn);
int halb_conn_tab_alloc(struct halb_net *hn);
void halb_conn_tab_exit(struct halb_net *hn);
void halb_conn_flush(struct halb_net *hn);

struct halb_conn *halb_conn_in_get(struct halb_net *hn, const struct halb_pkt *p);
struct halb_conn *halb_conn_out_get(struct halb_net *hn, const struct halb_pkt *p);
struct halb_conn *halb_conn_new(struct halb_net *hn, const struct halb_pkt *p,
				struct halb_dest *dest, unsigned int state,
				struct halb_conn *control);
struct halb_conn *halb_conn_tmpl_get(struct halb_net *hn, const struct halb_pkt *key);
struct halb_conn *halb_conn_tmpl_new(struct halb_net *hn, const struct halb_pkt *key,
				     struct halb_dest *dest, unsigned long timeout);
void halb_conn_set_state(struct halb_conn *cp, unsigned int state);
bool halb_conn_expire_now(struct halb_conn *cp);

/* A template is used by a new connection: it lasts @timeout from now. */
static inline void halb_conn_tmpl_refresh(struct halb_conn *ct, unsigned long timeout)
{
	WRITE_ONCE(ct->timeout, timeout);
	WRITE_ONCE(ct->expires, jiffies + timeout);
}

/* A packet of the connection was seen: push expiry out. */
static inline void halb_conn_touch(struct halb_conn *cp)
{
	unsigned long exp = jiffies + cp->timeout;

	/* Avoid dirtying the cache line when nothing would change. */
	if (READ_ONCE(cp->expires) != exp)
		WRITE_ONCE(cp->expires, exp);
}

/*
 * Reply lookups hash the real server as source, the client (FULLNAT: the
 * local address) as target.
 */
#endif /* _HALB_CONN_H */
