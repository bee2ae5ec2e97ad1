// SPDX-License-Identifier: GPL-2.0
/*
 * halb_toa: for a real server behind a halb FULLNAT director.  The
 * director sends the client's connections from its own local address and
 * carries the client's address and port in a TCP option (TOA) on the
 * packets that complete the handshake.  This module makes getpeername()
 * and accept() of those sockets report the client, so an unmodified
 * server (nginx, busybox httpd) logs and sees the real client.
 *
 * How, without writing to any kernel text or operations table:
 *  - a kretprobe on tcp_v4_syn_recv_sock() and tcp_v6_syn_recv_sock(), the
 *    functions that create the socket of a connection from the ACK that
 *    completes its handshake: if that ACK has the option, the new socket
 *    and the client's address are remembered in a small hash table;
 *  - kretprobes on inet_getname() and inet6_getname(): when a remembered
 *    socket's peer is asked for, the address returned is replaced by the
 *    client's (an IPv4 client of an IPv6 socket as ::ffff:a.b.c.d);
 *  - a kprobe on tcp_v4_destroy_sock(), which every TCP socket (IPv6 ones
 *    too) passes when it is destroyed: the entry is forgotten.
 * An entry also records the peer port the socket had, and is used only
 * while they agree, so a stale entry can never name another connection.
 *
 * Only sockets whose handshake carried the option are touched; everything
 * else costs one hash lookup per getpeername()/accept() with an address.
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/hash.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/spinlock.h>
#include <linux/rculist.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include "algo/caddr.h"

static unsigned char toa_kind = HALB_TOA_KIND_DEFAULT;
module_param(toa_kind, byte, 0644);
MODULE_PARM_DESC(toa_kind, "TCP option kind of TOA (default 254; as the director's)");

static unsigned int max_entries = 65536;
module_param(max_entries, uint, 0644);
MODULE_PARM_DESC(max_entries, "sockets remembered at most (default 65536)");

#define TOA_HASH_BITS	10

struct toa_entry {
	struct hlist_node node;
	const struct sock *sk;
	__be16 peer_port;	/* the socket's peer port when recorded */
	__be16 port;		/* the client's */
	bool v6;
	u8 addr[16];		/* the client's */
	struct rcu_head rcu;
};

static struct hlist_head toa_tab[1 << TOA_HASH_BITS];
static DEFINE_SPINLOCK(toa_lock);
static atomic_t toa_count = ATOMIC_INIT(0);

static struct hlist_head *bucket(const struct sock *sk)
{
	return &toa_tab[hash_ptr(sk, TOA_HASH_BITS)];
}

/* Under rcu_read_lock(). */
static struct toa_entry *toa_find(const struct sock *sk)
{
	struct toa_entry *e;

	hlist_for_each_entry_rcu(e, bucket(sk), node)
		if (e->sk == sk)
			return e;
	return NULL;
}

static void toa_forget(const struct sock *sk)
{
	struct toa_entry *e;
	unsigned long flags;

	if (!atomic_read(&toa_count))
		return;
	spin_lock_irqsave(&toa_lock, flags);
	hlist_for_each_entry(e, bucket(sk), node) {
		if (e->sk == sk) {
			hlist_del_rcu(&e->node);
			atomic_dec(&toa_count);
			kfree_rcu(e, rcu);
			break;
		}
	}
	spin_unlock_irqrestore(&toa_lock, flags);
}

static void toa_remember(const struct sock *sk, const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	unsigned int olen = th->doff * 4 - sizeof(*th);
	struct toa_entry *e;
	unsigned long flags;

	if (th->doff * 4 < sizeof(*th) ||
	    (u8 *)th + th->doff * 4 > skb_tail_pointer(skb))
		return;
	e = kzalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		return;
	if (!halb_toa_find((const u8 *)(th + 1), olen, READ_ONCE(toa_kind), &e->v6,
			   e->addr, (u16 *)&e->port) ||
	    atomic_read(&toa_count) >= READ_ONCE(max_entries)) {
		kfree(e);
		return;
	}
	e->sk = sk;
	e->peer_port = inet_sk(sk)->inet_dport;
	toa_forget(sk);
	spin_lock_irqsave(&toa_lock, flags);
	hlist_add_head_rcu(&e->node, bucket(sk));
	atomic_inc(&toa_count);
	spin_unlock_irqrestore(&toa_lock, flags);
}

/* --- the socket is created from the handshake's last ACK ------------------ */

struct syn_recv_data {
	struct sk_buff *skb;
};

static int syn_recv_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct syn_recv_data *d = (struct syn_recv_data *)ri->data;

	d->skb = (struct sk_buff *)regs_get_kernel_argument(regs, 1);
	return 0;
}

static int syn_recv_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct syn_recv_data *d = (struct syn_recv_data *)ri->data;
	struct sock *child = (struct sock *)regs_return_value(regs);

	if (child && d->skb)
		toa_remember(child, d->skb);
	return 0;
}

static struct kretprobe syn_recv4_probe = {
	.kp.symbol_name = "tcp_v4_syn_recv_sock",
	.entry_handler = syn_recv_entry,
	.handler = syn_recv_ret,
	.data_size = sizeof(struct syn_recv_data),
	.maxactive = 256,
};

static struct kretprobe syn_recv6_probe = {
	.kp.symbol_name = "tcp_v6_syn_recv_sock",
	.entry_handler = syn_recv_entry,
	.handler = syn_recv_ret,
	.data_size = sizeof(struct syn_recv_data),
	.maxactive = 256,
};

/* --- getpeername(), accept() --------------------------------------------- */

struct getname_data {
	struct socket *sock;
	struct sockaddr *uaddr;
	int peer;
};

static int getname_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct getname_data *d = (struct getname_data *)ri->data;

	d->sock = (struct socket *)regs_get_kernel_argument(regs, 0);
	d->uaddr = (struct sockaddr *)regs_get_kernel_argument(regs, 1);
	d->peer = (int)regs_get_kernel_argument(regs, 2);
	return 0;
}

static int getname_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct getname_data *d = (struct getname_data *)ri->data;
	int len = (int)regs_return_value(regs);
	struct toa_entry *e;
	struct sock *sk;

	if (!d->peer || len <= 0 || !d->sock || !atomic_read(&toa_count))
		return 0;
	sk = d->sock->sk;
	if (!sk || sk->sk_protocol != IPPROTO_TCP)
		return 0;
	rcu_read_lock();
	e = toa_find(sk);
	if (e && e->peer_port == inet_sk(sk)->inet_dport) {
		if (d->uaddr->sa_family == AF_INET && !e->v6 &&
		    len >= (int)sizeof(struct sockaddr_in)) {
			struct sockaddr_in *sin = (struct sockaddr_in *)d->uaddr;

			sin->sin_port = e->port;
			memcpy(&sin->sin_addr, e->addr, 4);
		} else if (d->uaddr->sa_family == AF_INET6 &&
			   len >= (int)sizeof(struct sockaddr_in6)) {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)d->uaddr;

			sin6->sin6_port = e->port;
			if (e->v6)
				memcpy(&sin6->sin6_addr, e->addr, 16);
			else
				ipv6_addr_set_v4mapped(*(__be32 *)e->addr, &sin6->sin6_addr);
		}
	}
	rcu_read_unlock();
	return 0;
}

static struct kretprobe getname4_probe = {
	.kp.symbol_name = "inet_getname",
	.entry_handler = getname_entry,
	.handler = getname_ret,
	.data_size = sizeof(struct getname_data),
	.maxactive = 256,
};

static struct kretprobe getname6_probe = {
	.kp.symbol_name = "inet6_getname",
	.entry_handler = getname_entry,
	.handler = getname_ret,
	.data_size = sizeof(struct getname_data),
	.maxactive = 256,
};

/* --- the socket goes ---------------------------------------------------- */

static int destroy_pre(struct kprobe *kp, struct pt_regs *regs)
{
	toa_forget((const struct sock *)regs_get_kernel_argument(regs, 0));
	return 0;
}

static struct kprobe destroy_probe = {
	.symbol_name = "tcp_v4_destroy_sock",
	.pre_handler = destroy_pre,
};

/* Needed: IPv4 (and IPv4-mapped IPv6) sockets.  IPv6 ones: if present. */
static struct kretprobe *rps4[] = { &syn_recv4_probe, &getname4_probe };
static struct kretprobe *rps6[] = { &syn_recv6_probe, &getname6_probe };
static bool have6;

static void toa_flush(void)
{
	struct toa_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(toa_tab); i++) {
		hlist_for_each_entry_safe(e, tmp, &toa_tab[i], node) {
			hlist_del(&e->node);
			kfree(e);
		}
	}
}

static int __init halb_toa_init(void)
{
	int err;

	/* forgetting first, so nothing is remembered that cannot be forgotten */
	err = register_kprobe(&destroy_probe);
	if (err) {
		pr_err("halb_toa: cannot probe %s: %d\n", destroy_probe.symbol_name, err);
		return err;
	}
	err = register_kretprobes(rps4, ARRAY_SIZE(rps4));
	if (err) {
		pr_err("halb_toa: cannot probe the IPv4 socket functions: %d\n", err);
		unregister_kprobe(&destroy_probe);
		return err;
	}
	have6 = !register_kretprobes(rps6, ARRAY_SIZE(rps6));
	if (!have6)
		pr_info("halb_toa: no IPv6 socket functions to probe: IPv4 only\n");
	return 0;
}

static void __exit halb_toa_exit(void)
{
	if (have6)
		unregister_kretprobes(rps6, ARRAY_SIZE(rps6));
	unregister_kretprobes(rps4, ARRAY_SIZE(rps4));
	unregister_kprobe(&destroy_probe);
	/* no handler runs any more; readers of entries were under RCU */
	synchronize_rcu();
	rcu_barrier();
	toa_flush();
}

module_init(halb_toa_init);
module_exit(halb_toa_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("halb_toa: client address of halb FULLNAT connections (TOA) for applications");
