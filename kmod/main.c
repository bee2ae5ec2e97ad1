// SPDX-License-Identifier: GPL-2.0
/*
 * halb: a layer-4 load balancer.  This file only runs the init steps in
 * order and unwinds them.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include "netns.h"
#include "conn.h"
#include "dest.h"
#include "service.h"
#include "genl.h"

static int __init halb_init(void)
{
	int err;

	err = halb_conn_cache_init();
	if (err)
		return err;
	err = halb_dest_cache_init();
	if (err)
		goto err_conn_cache;
	err = halb_svc_cache_init();
	if (err)
		goto err_dest_cache;
	err = halb_net_init();
	if (err)
		goto err_caches;
	err = halb_genl_init();
	if (err)
		goto err_net;
	return 0;

err_net:
	halb_net_exit();
err_caches:
	rcu_barrier();
	rcu_barrier();
	halb_svc_cache_exit();
err_dest_cache:
	halb_dest_cache_exit();
err_conn_cache:
	halb_conn_cache_exit();
	return err;
}

static void __exit halb_exit(void)
{
	halb_genl_exit();
	halb_net_exit();
	/* connection and real-server frees, then the service frees they queue */
	rcu_barrier();
	rcu_barrier();
	halb_svc_cache_exit();
	halb_dest_cache_exit();
	halb_conn_cache_exit();
}

module_init(halb_init);
module_exit(halb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("halb: layer-4 load balancer (NAT, DR) with generic netlink control");
MODULE_ALIAS_GENL_FAMILY(HALB_GENL_NAME);
