// SPDX-License-Identifier: GPL-2.0
/*
 * Requests that change services and real servers.  Each one validates all
 * of its input before it changes anything, so a rejected request leaves the
 * tables as they were; every rejection says why in the extended ACK.
 */
#include <linux/in.h>
#include <net/ipv6.h>
#include "compat.h"
#include "genl.h"
#include "netns.h"
#include "service.h"
#include "dest.h"
#include "sched.h"
#include "laddr.h"

static int af_check(struct nlattr *attr, u16 af, struct netlink_ext_ack *extack)
{
	if (af == AF_INET6 && !ipv6_mod_enabled()) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "IPv6 is disabled on this host");
		return -EAFNOSUPPORT;
	}
	return 0;
}

/* A firewall-mark service: FWMARK and AF, nothing of an address key. */
static int fwmark_key(struct nlattr *nest, struct nlattr **tb,
		      struct halb_svc_key *key, struct netlink_ext_ack *extack)
{
	static const int not_with[] = {
		HALB_SVC_A_PROTOCOL, HALB_SVC_A_ADDR4, HALB_SVC_A_ADDR6, HALB_SVC_A_PORT,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(not_with); i++) {
		if (tb[not_with[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[not_with[i]],
					    "a firewall-mark service has no protocol, address or port");
			return -EINVAL;
		}
	}
	key->fwmark = nla_get_u32(tb[HALB_SVC_A_FWMARK]);
	if (!key->fwmark) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_FWMARK],
				    "firewall mark 0 is not valid");
		return -EINVAL;
	}
	if (!tb[HALB_SVC_A_AF]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "firewall-mark service needs its address family");
		return -EINVAL;
	}
	key->af = nla_get_u16(tb[HALB_SVC_A_AF]);
	if (key->af != AF_INET && key->af != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_AF],
				    "address family must be AF_INET or AF_INET6");
		return -EINVAL;
	}
	return af_check(tb[HALB_SVC_A_AF], key->af, extack);
}

static int svc_parse(struct nlattr *nest, struct nlattr **tb,
		     struct halb_svc_key *key, struct netlink_ext_ack *extack)
{
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "service attributes (HALB_A_SERVICE) missing");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, HALB_SVC_A_MAX, nest, halb_svc_policy, extack);
	if (err)
		return err;
	memset(key, 0, sizeof(*key));
	if (tb[HALB_SVC_A_FWMARK])
		return fwmark_key(nest, tb, key, extack);
	if (tb[HALB_SVC_A_AF]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_AF],
				    "address family is given only with a firewall mark");
		return -EINVAL;
	}
	if (!tb[HALB_SVC_A_PROTOCOL]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "service protocol missing");
		return -EINVAL;
	}
	key->protocol = nla_get_u8(tb[HALB_SVC_A_PROTOCOL]);
	if (key->protocol != IPPROTO_TCP && key->protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_PROTOCOL],
				    "service protocol must be TCP or UDP");
		return -EINVAL;
	}
	if (tb[HALB_SVC_A_ADDR4] && tb[HALB_SVC_A_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_ADDR6],
				    "service has both an IPv4 and an IPv6 address");
		return -EINVAL;
	}
	if (tb[HALB_SVC_A_ADDR4]) {
		key->af = AF_INET;
		key->addr.ip = nla_get_in_addr(tb[HALB_SVC_A_ADDR4]);
	} else if (tb[HALB_SVC_A_ADDR6]) {
		if (af_check(tb[HALB_SVC_A_ADDR6], AF_INET6, extack))
			return -EAFNOSUPPORT;
		key->af = AF_INET6;
		key->addr.in6 = nla_get_in6_addr(tb[HALB_SVC_A_ADDR6]);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, nest, "service address missing");
		return -EINVAL;
	}
	if (!tb[HALB_SVC_A_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "service port missing");
		return -EINVAL;
	}
	key->port = nla_get_be16(tb[HALB_SVC_A_PORT]);
	if (!key->port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_PORT],
				    "port 0 is not valid for a TCP or UDP service");
		return -EINVAL;
	}
	return 0;
}

/**
 * halb_nl_svc_key - read a service key from a HALB_A_SERVICE nest
 * @nest: the nest (may be NULL: error)
 * @key: filled in
 * @extack: for the reason of a rejection
 *
 * Return: 0 or -errno.
 */
int halb_nl_svc_key(struct nlattr *nest, struct halb_svc_key *key,
		    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[HALB_SVC_A_MAX + 1];

	return svc_parse(nest, tb, key, extack);
}

/**
 * halb_nl_find_service - the existing service a request names
 * @hn: namespace
 * @attrs: the request's top-level attributes
 * @extack: for the reason of a rejection
 *
 * Return: the service or ERR_PTR(-errno).  Call with halb_ctl_lock held.
 */
struct halb_service *halb_nl_find_service(struct halb_net *hn,
					  struct nlattr **attrs,
					  struct netlink_ext_ack *extack)
{
	struct halb_svc_key key;
	struct halb_service *svc;
	int err;

	err = halb_nl_svc_key(attrs[HALB_A_SERVICE], &key, extack);
	if (err)
		return ERR_PTR(err);
	svc = halb_svc_lookup(hn, &key);
	if (!svc) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[HALB_A_SERVICE], "no such service");
		return ERR_PTR(-ESRCH);
	}
	return svc;
}

static bool is_prime(u32 m)
{
	u32 d;

	if (m < 2)
		return false;
	for (d = 2; d * d <= m; d++)
		if (m % d == 0)
			return false;
	return true;
}

/*
 * Settings of a service other than its key: @cfg holds the current ones
 * (or the defaults) and gets those the request gives; all are checked
 * before anything is changed.
 */
static int svc_options(struct nlattr **tb, const struct halb_svc_key *key,
		       const struct halb_sched_ops **sched, struct halb_svc_cfg *cfg,
		       struct netlink_ext_ack *extack)
{
	u8 maxmask = key->af == AF_INET ? 32 : 128;

	if (tb[HALB_SVC_A_SCHED_NAME]) {
		const char *name = nla_data(tb[HALB_SVC_A_SCHED_NAME]);

		*sched = halb_sched_find(name);
		if (!*sched) {
			NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_SCHED_NAME],
					    "unknown scheduler");
			return -ENOENT;
		}
	}
	if (tb[HALB_SVC_A_FLAGS]) {
		u32 flags = nla_get_u32(tb[HALB_SVC_A_FLAGS]);

		if ((flags & HALB_SVC_F_ONEPACKET) && key->protocol == IPPROTO_TCP) {
			NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_FLAGS],
					    "one-packet scheduling is for UDP only");
			return -EINVAL;
		}
		if ((flags & HALB_SVC_F_PERSISTENT) && !(cfg->flags & HALB_SVC_F_PERSISTENT) &&
		    !cfg->timeout)
			cfg->timeout = HALB_PERSIST_DEFAULT;
		cfg->flags = flags;
	}
	if (tb[HALB_SVC_A_TIMEOUT]) {
		cfg->timeout = nla_get_u32(tb[HALB_SVC_A_TIMEOUT]);
		if (!cfg->timeout || cfg->timeout > HALB_PERSIST_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_TIMEOUT],
					    "persistence timeout must be 1 s to 31 days");
			return -EINVAL;
		}
	}
	if (tb[HALB_SVC_A_NETMASK]) {
		cfg->netmask = nla_get_u8(tb[HALB_SVC_A_NETMASK]);
		if (cfg->netmask > maxmask) {
			NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_NETMASK],
					    "persistence prefix longer than the address");
			return -EINVAL;
		}
	}
	if (tb[HALB_SVC_A_NODEST_POLICY])
		cfg->nodest = nla_get_u8(tb[HALB_SVC_A_NODEST_POLICY]);
	if (tb[HALB_SVC_A_CLIENT_ADDR])
		cfg->client_addr = nla_get_u8(tb[HALB_SVC_A_CLIENT_ADDR]);
	if (tb[HALB_SVC_A_MH_SIZE]) {
		cfg->mh_size = nla_get_u32(tb[HALB_SVC_A_MH_SIZE]);
		if (cfg->mh_size < HALB_MH_SIZE_MIN || cfg->mh_size > HALB_MH_SIZE_MAX ||
		    !is_prime(cfg->mh_size)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[HALB_SVC_A_MH_SIZE],
					    "Maglev table size must be a prime from 251 to 1048573");
			return -EINVAL;
		}
	}
	return 0;
}

static void svc_defaults(const struct halb_svc_key *key, struct halb_svc_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->netmask = key->af == AF_INET ? 32 : 128;
	cfg->nodest = HALB_NODEST_KEEP;
	cfg->mh_size = HALB_MH_SIZE_DEFAULT;
}

static void svc_current(const struct halb_service *svc, struct halb_svc_cfg *cfg)
{
	cfg->flags = svc->flags;
	cfg->timeout = svc->timeout;
	cfg->netmask = svc->netmask;
	cfg->nodest = svc->nodest;
	cfg->mh_size = svc->mh_size;
	cfg->client_addr = svc->client_addr;
}

int halb_nl_new_service(struct sk_buff *skb, struct genl_info *info)
{
	struct halb_net *hn = halb_net(genl_info_net(info));
	struct nlattr *tb[HALB_SVC_A_MAX + 1];
	const struct halb_sched_ops *sched = NULL;
	struct halb_laddr_pool *pool = NULL;
	struct halb_service *svc;
	struct halb_svc_key key;
	struct halb_svc_cfg cfg;
	int err;

	err = svc_parse(info->attrs[HALB_A_SERVICE], tb, &key, info->extack);
	if (err)
		return err;
	if (!tb[HALB_SVC_A_SCHED_NAME]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[HALB_A_SERVICE],
				    "scheduler name missing");
		return -EINVAL;
	}
	svc_defaults(&key, &cfg);
	err = svc_options(tb, &key, &sched, &cfg, info->extack);
	if (err)
		return err;

	mutex_lock(&halb_ctl_lock);
	if (halb_svc_lookup(hn, &key)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[HALB_A_SERVICE],
				    "service already exists");
		err = -EEXIST;
		goto out;
	}
	if (tb[HALB_SVC_A_LADDRS]) {
		pool = halb_laddr_pool_build(hn, key.af, tb[HALB_SVC_A_LADDRS],
					     info->extack);
		if (IS_ERR(pool)) {
			err = PTR_ERR(pool);
			pool = NULL;
			goto out;
		}
	}
	err = halb_net_hooks_enable(hn);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "cannot register netfilter hooks");
		goto out;
	}
	svc = halb_svc_create(hn, &key, sched, &cfg);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		NL_SET_ERR_MSG(info->extack, "out of memory creating the service");
		goto out;
	}
	halb_laddr_pool_install(svc, pool);
	pool = NULL;
out:
	mutex_unlock(&halb_ctl_lock);
	halb_laddr_pool_drop(pool);
	return err;
}

int halb_nl_set_service(struct sk_buff *skb, struct genl_info *info)
{
	struct halb_net *hn = halb_net(genl_info_net(info));
	struct nlattr *tb[HALB_SVC_A_MAX + 1];
	const struct halb_sched_ops *sched = NULL, *old;
	struct halb_laddr_pool *pool = NULL;
	struct halb_svc_cfg cfg, was;
	struct halb_service *svc;
	struct halb_svc_key key;
	int err;

	err = svc_parse(info->attrs[HALB_A_SERVICE], tb, &key, info->extack);
	if (err)
		return err;

	mutex_lock(&halb_ctl_lock);
	svc = halb_svc_lookup(hn, &key);
	if (!svc) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[HALB_A_SERVICE],
				    "no such service");
		err = -ESRCH;
		goto out;
	}
	svc_current(svc, &was);
	cfg = was;
	err = svc_options(tb, &key, &sched, &cfg, info->extack);
	if (err)
		goto out;
	if (tb[HALB_SVC_A_LADDRS]) {
		pool = halb_laddr_pool_build(hn, key.af, tb[HALB_SVC_A_LADDRS],
					     info->extack);
		if (IS_ERR(pool)) {
			err = PTR_ERR(pool);
			pool = NULL;
			goto out;
		}
	}
	old = svc->sched;
	halb_svc_set_cfg(svc, &cfg);
	if (sched)
		svc->sched = sched;
	/* schedulers read the flags and the Maglev size when they build */
	if (svc->sched != old || cfg.flags != was.flags || cfg.mh_size != was.mh_size) {
		err = halb_svc_resched(svc);
		if (err) {
			svc->sched = old;
			halb_svc_set_cfg(svc, &was);
			NL_SET_ERR_MSG(info->extack, "out of memory rebuilding the scheduler");
			goto out;
		}
	}
	if (tb[HALB_SVC_A_LADDRS]) {
		halb_laddr_pool_install(svc, pool);
		pool = NULL;
	}
	hn->gen++;
out:
	mutex_unlock(&halb_ctl_lock);
	halb_laddr_pool_drop(pool);
	return err;
}

int halb_nl_del_service(struct sk_buff *skb, struct genl_info *info)
{
	struct halb_net *hn = halb_net(genl_info_net(info));
	struct halb_service *svc;
	int err = 0;

	mutex_lock(&halb_ctl_lock);
	svc = halb_nl_find_service(hn, info->attrs, info->extack);
	if (IS_ERR(svc))
		err = PTR_ERR(svc);
	else
		halb_svc_delete(svc);
	mutex_unlock(&halb_ctl_lock);
	return err;
}

/*
 * Read a HALB_A_DEST nest into @cfg.  With @d (an existing real server) the
 * attributes given override its settings; without, defaults apply.
 */
static int dest_parse(struct halb_service *svc, struct nlattr *nest,
		      struct halb_dest_cfg *cfg, struct halb_dest *d,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[HALB_DEST_A_MAX + 1];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "real server attributes (HALB_A_DEST) missing");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, HALB_DEST_A_MAX, nest, halb_dest_policy, extack);
	if (err)
		return err;

	memset(cfg, 0, sizeof(*cfg));
	if (tb[HALB_DEST_A_ADDR4] && tb[HALB_DEST_A_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HALB_DEST_A_ADDR6],
				    "real server has both an IPv4 and an IPv6 address");
		return -EINVAL;
	}
	if (tb[HALB_DEST_A_ADDR4]) {
		if (svc->key.af != AF_INET)
			goto wrong_family;
		cfg->addr.ip = nla_get_in_addr(tb[HALB_DEST_A_ADDR4]);
	} else if (tb[HALB_DEST_A_ADDR6]) {
		if (svc->key.af != AF_INET6)
			goto wrong_family;
		cfg->addr.in6 = nla_get_in6_addr(tb[HALB_DEST_A_ADDR6]);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, nest, "real server address missing");
		return -EINVAL;
	}
	cfg->port = tb[HALB_DEST_A_PORT] ? nla_get_be16(tb[HALB_DEST_A_PORT]) : 0;
	if (!cfg->port)
		cfg->port = svc->key.port;

	cfg->fwd = d ? d->fwd : HALB_FWD_NAT;
	cfg->weight = d ? d->weight : 1;
	cfg->u_thresh = d ? d->u_thresh : 0;
	cfg->l_thresh = d ? d->l_thresh : 0;
	if (tb[HALB_DEST_A_FWD_METHOD])
		cfg->fwd = nla_get_u8(tb[HALB_DEST_A_FWD_METHOD]);
	if (tb[HALB_DEST_A_WEIGHT])
		cfg->weight = nla_get_u32(tb[HALB_DEST_A_WEIGHT]);
	if (tb[HALB_DEST_A_U_THRESH])
		cfg->u_thresh = nla_get_u32(tb[HALB_DEST_A_U_THRESH]);
	if (tb[HALB_DEST_A_L_THRESH])
		cfg->l_thresh = nla_get_u32(tb[HALB_DEST_A_L_THRESH]);

	if ((cfg->fwd == HALB_FWD_DR || cfg->fwd == HALB_FWD_TUN) &&
	    cfg->port != svc->key.port && !svc->key.fwmark) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HALB_DEST_A_PORT],
				    "direct routing and tunnelling cannot change the port: the real server port must be the service port");
		return -EINVAL;
	}
	if (cfg->u_thresh && cfg->l_thresh > cfg->u_thresh) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HALB_DEST_A_L_THRESH],
				    "lower threshold is above the upper threshold");
		return -EINVAL;
	}
	return 0;

wrong_family:
	NL_SET_ERR_MSG_ATTR(extack, nest,
			    "real server address family differs from the service's");
	return -EINVAL;
}

int halb_nl_new_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct halb_net *hn = halb_net(genl_info_net(info));
	struct halb_service *svc;
	struct halb_dest_cfg cfg;
	int err;

	mutex_lock(&halb_ctl_lock);
	svc = halb_nl_find_service(hn, info->attrs, info->extack);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	err = dest_parse(svc, info->attrs[HALB_A_DEST], &cfg, NULL, info->extack);
	if (err)
		goto out;
	if (halb_dest_find(svc, &cfg.addr, cfg.port)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[HALB_A_DEST],
				    "real server already exists");
		err = -EEXIST;
		goto out;
	}
	err = halb_dest_add(svc, &cfg);
	if (err)
		NL_SET_ERR_MSG(info->extack, "out of memory adding the real server");
out:
	mutex_unlock(&halb_ctl_lock);
	return err;
}

/* The existing real server a request names. */
static struct halb_dest *find_dest(struct halb_service *svc, struct nlattr *nest,
				   struct netlink_ext_ack *extack)
{
	struct halb_dest_cfg key;
	struct halb_dest *d;
	int err;

	err = dest_parse(svc, nest, &key, NULL, extack);
	if (err)
		return ERR_PTR(err);
	d = halb_dest_find(svc, &key.addr, key.port);
	if (!d) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "no such real server");
		return ERR_PTR(-ENOENT);
	}
	return d;
}

int halb_nl_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct halb_net *hn = halb_net(genl_info_net(info));
	struct halb_service *svc;
	struct halb_dest_cfg cfg;
	struct halb_dest *d;
	int err;

	mutex_lock(&halb_ctl_lock);
	svc = halb_nl_find_service(hn, info->attrs, info->extack);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	/* look up by address and port alone; then apply what was given */
	d = find_dest(svc, info->attrs[HALB_A_DEST], info->extack);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}
	err = dest_parse(svc, info->attrs[HALB_A_DEST], &cfg, d, info->extack);
	if (!err)
		halb_dest_edit(svc, d, &cfg);
out:
	mutex_unlock(&halb_ctl_lock);
	return err;
}

int halb_nl_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct halb_net *hn = halb_net(genl_info_net(info));
	struct halb_service *svc;
	struct halb_dest *d;
	int err = 0;

	mutex_lock(&halb_ctl_lock);
	svc = halb_nl_find_service(hn, info->attrs, info->extack);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	d = find_dest(svc, info->attrs[HALB_A_DEST], info->extack);
	if (IS_ERR(d))
		err = PTR_ERR(d);
	else
		halb_dest_unlink(d);
out:
	mutex_unlock(&halb_ctl_lock);
	return err;
}

int halb_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	mutex_lock(&halb_ctl_lock);
	halb_svc_flush(halb_net(genl_info_net(info)));
	mutex_unlock(&halb_ctl_lock);
	return 0;
}

static void zero_service(struct halb_service *svc)
{
	struct halb_dest *d;

	halb_stats_zero(&svc->stats);
	list_for_each_entry(d, &svc->dests, list)
		halb_stats_zero(&d->stats);
}

int halb_nl_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct halb_net *hn = halb_net(genl_info_net(info));
	struct halb_service *svc;
	int err = 0;

	mutex_lock(&halb_ctl_lock);
	if (info->attrs[HALB_A_SERVICE]) {
		svc = halb_nl_find_service(hn, info->attrs, info->extack);
		if (IS_ERR(svc))
			err = PTR_ERR(svc);
		else
			zero_service(svc);
	} else {
		list_for_each_entry(svc, &hn->svc_list, list)
			zero_service(svc);
		halb_stats_zero(&hn->stats);
	}
	mutex_unlock(&halb_ctl_lock);
	return err;
}
