// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "common/realserver.h"

int rs_vip_parse(const char *s, struct rs_vip *v)
{
	memset(v, 0, sizeof(*v));
	if (inet_pton(AF_INET, s, &v->v4) == 1)
		v->family = AF_INET;
	else if (inet_pton(AF_INET6, s, &v->v6) == 1)
		v->family = AF_INET6;
	else
		return -1;
	return 0;
}

const char *rs_vip_str(const struct rs_vip *v, char *buf, size_t len)
{
	if (!inet_ntop(v->family, &v->v4, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

struct nl_sock *rs_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return NULL;
	if (nl_connect(sk, NETLINK_ROUTE)) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void rs_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

static struct rtnl_addr *build(const struct rs_vip *v)
{
	int full = v->family == AF_INET ? 32 : 128;
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;
	int lo = (int)if_nametoindex("lo");

	if (!a || lo <= 0) {
		if (a)
			rtnl_addr_put(a);
		return NULL;
	}
	local = nl_addr_build(v->family, &v->v4, full / 8);
	if (!local) {
		rtnl_addr_put(a);
		return NULL;
	}
	rtnl_addr_set_ifindex(a, lo);
	rtnl_addr_set_family(a, v->family);
	rtnl_addr_set_local(a, local);
	nl_addr_put(local);
	rtnl_addr_set_prefixlen(a, full);
	/* answer at once: a DR real server must not wait for DAD */
	if (v->family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	return a;
}

int rs_vip_set(struct nl_sock *sk, const struct rs_vip *v, bool up, char *err, size_t len)
{
	struct rtnl_addr *a = build(v);
	char b[INET6_ADDRSTRLEN];
	int e;

	if (!a) {
		snprintf(err, len, "%s: cannot build the request (no lo?)", rs_vip_str(v, b, sizeof(b)));
		return -1;
	}
	e = up ? rtnl_addr_add(sk, a, 0) : rtnl_addr_delete(sk, a, 0);
	rtnl_addr_put(a);
	if (!e || (up && e == -NLE_EXIST) ||
	    (!up && (e == -NLE_NOADDR || e == -NLE_OBJ_NOTFOUND || e == -NLE_NODEV)))
		return 0;
	snprintf(err, len, "%s %s on lo: %s", up ? "adding" : "removing",
		 rs_vip_str(v, b, sizeof(b)), nl_geterror(e));
	return -1;
}

bool rs_vip_present(struct nl_sock *sk, const struct rs_vip *v)
{
	struct nl_cache *cache;
	struct rtnl_addr *a = build(v);
	bool found = false;

	if (!a)
		return false;
	if (!rtnl_addr_alloc_cache(sk, &cache)) {
		found = nl_cache_search(cache, (struct nl_object *)a) != NULL;
		if (!found) {
			/* search by the key only: ifindex, family, local, prefix */
			for (struct nl_object *o = nl_cache_get_first(cache); o;
			     o = nl_cache_get_next(o)) {
				struct rtnl_addr *c = (struct rtnl_addr *)o;

				if (rtnl_addr_get_ifindex(c) == rtnl_addr_get_ifindex(a) &&
				    rtnl_addr_get_family(c) == v->family &&
				    !nl_addr_cmp(rtnl_addr_get_local(c), rtnl_addr_get_local(a))) {
					found = true;
					break;
				}
			}
		}
		nl_cache_free(cache);
	}
	rtnl_addr_put(a);
	return found;
}

static int write_sysctl(const char *path, int val, char *err, size_t len)
{
	char buf[8];
	int fd = open(path, O_WRONLY | O_CLOEXEC), n;

	if (fd < 0) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", val);
	if (write(fd, buf, n) != n) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int rs_arp_set(bool on, char *err, size_t len)
{
	static const char *const devs[] = { "all", "lo" };

	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		char p[96];

		snprintf(p, sizeof(p), "/proc/sys/net/ipv4/conf/%s/arp_ignore", devs[i]);
		if (write_sysctl(p, on ? 1 : 0, err, len))
			return -1;
		snprintf(p, sizeof(p), "/proc/sys/net/ipv4/conf/%s/arp_announce", devs[i]);
		if (write_sysctl(p, on ? 2 : 0, err, len))
			return -1;
	}
	return 0;
}
