// SPDX-License-Identifier: GPL-2.0
#include <linux/if_addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "common/log.h"
#include "halbd/vip.h"

struct nl_sock *vip_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return NULL;
	if (nl_connect(sk, NETLINK_ROUTE)) {
		nl_socket_free(sk);
		return NULL;
	}
	/*
	 * rtnetlink handles a request inside sendmsg(), so the ack is queued
	 * before we read: non-blocking never has to wait here.
	 */
	nl_socket_set_nonblocking(sk);
	return sk;
}

void vip_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

static struct rtnl_addr *build(int ifindex, const struct cfg_vip *v)
{
	int full = v->addr.family == AF_INET ? 32 : 128;
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;

	if (!a)
		return NULL;
	local = nl_addr_build(v->addr.family, &v->addr.v4, full / 8);
	if (!local) {
		rtnl_addr_put(a);
		return NULL;
	}
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, v->addr.family);
	rtnl_addr_set_local(a, local);
	nl_addr_put(local);
	rtnl_addr_set_prefixlen(a, v->prefix >= 0 ? v->prefix : full);
	if (v->label[0])
		rtnl_addr_set_label(a, v->label);
	rtnl_addr_set_scope(a, v->scope);
	if (v->brd.family == AF_INET) {
		struct nl_addr *brd = nl_addr_build(AF_INET, &v->brd.v4, 4);

		if (brd) {
			rtnl_addr_set_broadcast(a, brd);
			nl_addr_put(brd);
		}
	}
	/* a VIP must answer at once, not after duplicate address detection */
	if (v->addr.family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	return a;
}

int vip_add(struct nl_sock *sk, int ifindex, const struct cfg_vip *v)
{
	struct rtnl_addr *a = build(ifindex, v);
	char buf[INET6_ADDRSTRLEN];
	int err;

	if (!a)
		return -1;
	err = rtnl_addr_add(sk, a, 0);
	rtnl_addr_put(a);
	if (err && err != -NLE_EXIST) {
		log_err("adding %s: %s", cfg_addr_str(&v->addr, buf, sizeof(buf)),
			nl_geterror(err));
		return -1;
	}
	return 0;
}

int vip_del(struct nl_sock *sk, int ifindex, const struct cfg_vip *v)
{
	struct rtnl_addr *a = build(ifindex, v);
	char buf[INET6_ADDRSTRLEN];
	int err;

	if (!a)
		return -1;
	err = rtnl_addr_delete(sk, a, 0);
	rtnl_addr_put(a);
	if (err && err != -NLE_NOADDR && err != -NLE_OBJ_NOTFOUND && err != -NLE_NODEV) {
		log_err("removing %s: %s", cfg_addr_str(&v->addr, buf, sizeof(buf)),
			nl_geterror(err));
		return -1;
	}
	return 0;
}
