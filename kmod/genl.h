/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_GENL_H
#define _HALB_GENL_H

#include <net/genetlink.h>
#include <uapi/linux/halb.h>

struct halb_net;
struct halb_service;
struct halb_svc_key;

extern struct genl_family halb_genl_family;
extern const struct nla_policy halb_svc_policy[HALB_SVC_A_MAX + 1];
extern const struct nla_policy halb_dest_policy[HALB_DEST_A_MAX + 1];

int halb_genl_init(void);
void halb_genl_exit(void);

/* genl_service.c */
int halb_nl_new_service(struct sk_buff *skb, struct genl_info *info);
int halb_nl_set_service(struct sk_buff *skb, struct genl_info *info);
int halb_nl_del_service(struct sk_buff *skb, struct genl_info *info);
int halb_nl_new_dest(struct sk_buff *skb, struct genl_info *info);
int halb_nl_set_dest(struct sk_buff *skb, struct genl_info *info);
int halb_nl_del_dest(struct sk_buff *skb, struct genl_info *info);
int halb_nl_flush(struct sk_buff *skb, struct genl_info *info);
int halb_nl_zero(struct sk_buff *skb, struct genl_info *info);
int halb_nl_svc_key(struct nlattr *nest, struct halb_svc_key *key,
		    struct netlink_ext_ack *extack);
struct halb_service *halb_nl_find_service(struct halb_net *hn,
					  struct nlattr **attrs,
					  struct netlink_ext_ack *extack);

/* genl_dump.c */
int halb_nl_get_service(struct sk_buff *skb, struct genl_info *info);
int halb_nl_dump_services(struct sk_buff *skb, struct netlink_callback *cb);
int halb_nl_dump_dests(struct sk_buff *skb, struct netlink_callback *cb);
int halb_nl_get_info(struct sk_buff *skb, struct genl_info *info);
int halb_nl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _HALB_GENL_H */
