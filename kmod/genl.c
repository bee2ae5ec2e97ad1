// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "halb": policies and the operations table.
 * Every operation has its own top-level policy, so an attribute a command
 * does not take is rejected by the core with an extack pointing at it.
 * Every operation needs CAP_NET_ADMIN over the namespace.
 */
#include "genl.h"
#include "netns.h"

/* FULLNAT local addresses: each attribute may repeat. */
static const struct nla_policy halb_laddr_policy[HALB_LADDR_A_MAX + 1] = {
	[HALB_LADDR_A_ADDR4]	= { .type = NLA_BE32 },
	[HALB_LADDR_A_ADDR6]	= NLA_POLICY_EXACT_LEN(16),
};

const struct nla_policy halb_svc_policy[HALB_SVC_A_MAX + 1] = {
	[HALB_SVC_A_PROTOCOL]	= { .type = NLA_U8 },
	[HALB_SVC_A_ADDR4]	= { .type = NLA_BE32 },
	[HALB_SVC_A_ADDR6]	= NLA_POLICY_EXACT_LEN(16),
	[HALB_SVC_A_PORT]	= { .type = NLA_BE16 },
	[HALB_SVC_A_SCHED_NAME]	= { .type = NLA_NUL_STRING,
				    .len = HALB_SCHED_NAME_MAX - 1 },
	[HALB_SVC_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, HALB_SVC_F_ALL),
	[HALB_SVC_A_TIMEOUT]	= { .type = NLA_U32 },
	[HALB_SVC_A_NETMASK]	= NLA_POLICY_MAX(NLA_U8, 128),
	[HALB_SVC_A_STATS]	= { .type = NLA_REJECT },
	[HALB_SVC_A_NUM_DESTS]	= { .type = NLA_REJECT },
	[HALB_SVC_A_FWMARK]	= { .type = NLA_U32 },
	[HALB_SVC_A_AF]		= { .type = NLA_U16 },
	[HALB_SVC_A_NODEST_POLICY] = NLA_POLICY_MAX(NLA_U8, HALB_NODEST_MAX),
	[HALB_SVC_A_MH_SIZE]	= { .type = NLA_U32 },
	[HALB_SVC_A_LADDRS]	= NLA_POLICY_NESTED(halb_laddr_policy),
	[HALB_SVC_A_CLIENT_ADDR] = NLA_POLICY_MAX(NLA_U8, HALB_CLIENT_ADDR_MAX),
	[HALB_SVC_A_LPORTS_USED] = { .type = NLA_REJECT },
};

/* Weights go up to 65535, beyond the s16 bounds of a plain range policy. */
static struct netlink_range_validation weight_range __ro_after_init = {
	.max = HALB_WEIGHT_MAX,
};

const struct nla_policy halb_dest_policy[HALB_DEST_A_MAX + 1] = {
	[HALB_DEST_A_ADDR4]	= { .type = NLA_BE32 },
	[HALB_DEST_A_ADDR6]	= NLA_POLICY_EXACT_LEN(16),
	[HALB_DEST_A_PORT]	= { .type = NLA_BE16 },
	[HALB_DEST_A_FWD_METHOD] = NLA_POLICY_RANGE(NLA_U8, HALB_FWD_NAT, HALB_FWD_MAX),
	[HALB_DEST_A_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &weight_range),
	[HALB_DEST_A_U_THRESH]	= { .type = NLA_U32 },
	[HALB_DEST_A_L_THRESH]	= { .type = NLA_U32 },
	[HALB_DEST_A_ACTIVE_CONNS] = { .type = NLA_REJECT },
	[HALB_DEST_A_INACT_CONNS] = { .type = NLA_REJECT },
	[HALB_DEST_A_STATS]	= { .type = NLA_REJECT },
	[HALB_DEST_A_PERSIST_CONNS] = { .type = NLA_REJECT },
};

/* Requests that name a service, and maybe a real server. */
static const struct nla_policy svc_req_policy[HALB_A_MAX + 1] = {
	[HALB_A_SERVICE]	= NLA_POLICY_NESTED(halb_svc_policy),
};

static const struct nla_policy dest_req_policy[HALB_A_MAX + 1] = {
	[HALB_A_SERVICE]	= NLA_POLICY_NESTED(halb_svc_policy),
	[HALB_A_DEST]		= NLA_POLICY_NESTED(halb_dest_policy),
};

/* Requests that take no attribute at all. */
static const struct nla_policy empty_policy[HALB_A_MAX + 1] = {
	[HALB_A_SERVICE]	= { .type = NLA_REJECT },
	[HALB_A_DEST]		= { .type = NLA_REJECT },
	[HALB_A_INFO]		= { .type = NLA_REJECT },
	[HALB_A_CONN]		= { .type = NLA_REJECT },
};

#define HALB_OP(_cmd, _doit, _dumpit, _policy)				\
	{								\
		.cmd = _cmd,						\
		.doit = _doit,						\
		.dumpit = _dumpit,					\
		.policy = _policy,					\
		.maxattr = HALB_A_MAX,					\
		.flags = GENL_UNS_ADMIN_PERM,				\
	}

static const struct genl_ops halb_genl_ops[] = {
	HALB_OP(HALB_CMD_NEW_SERVICE, halb_nl_new_service, NULL, svc_req_policy),
	HALB_OP(HALB_CMD_SET_SERVICE, halb_nl_set_service, NULL, svc_req_policy),
	HALB_OP(HALB_CMD_DEL_SERVICE, halb_nl_del_service, NULL, svc_req_policy),
	HALB_OP(HALB_CMD_GET_SERVICE, halb_nl_get_service,
		halb_nl_dump_services, svc_req_policy),
	HALB_OP(HALB_CMD_NEW_DEST, halb_nl_new_dest, NULL, dest_req_policy),
	HALB_OP(HALB_CMD_SET_DEST, halb_nl_set_dest, NULL, dest_req_policy),
	HALB_OP(HALB_CMD_DEL_DEST, halb_nl_del_dest, NULL, dest_req_policy),
	HALB_OP(HALB_CMD_GET_DEST, NULL, halb_nl_dump_dests, svc_req_policy),
	HALB_OP(HALB_CMD_FLUSH, halb_nl_flush, NULL, empty_policy),
	HALB_OP(HALB_CMD_ZERO, halb_nl_zero, NULL, svc_req_policy),
	HALB_OP(HALB_CMD_GET_INFO, halb_nl_get_info, NULL, empty_policy),
	HALB_OP(HALB_CMD_GET_CONN, NULL, halb_nl_dump_conns, empty_policy),
};

struct genl_family halb_genl_family __ro_after_init = {
	.name = HALB_GENL_NAME,
	.version = HALB_GENL_VERSION,
	.maxattr = HALB_A_MAX,
	.netnsok = true,
	/* halb_ctl_lock serialises what needs it; dumps may run in parallel */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = halb_genl_ops,
	.n_ops = ARRAY_SIZE(halb_genl_ops),
	.resv_start_op = HALB_CMD_GET_CONN + 1,
};

int halb_genl_init(void)
{
	return genl_register_family(&halb_genl_family);
}

void halb_genl_exit(void)
{
	genl_unregister_family(&halb_genl_family);
}
