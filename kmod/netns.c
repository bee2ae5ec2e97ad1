// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace state.  Hooks are registered in a namespace when its first
 * service is created, so namespaces that never use halb pay nothing per
 * packet, and are removed when the namespace goes away.
 *
 * With the hooks comes IP defragmentation at PRE_ROUTING (nf_defrag_ipv4/6,
 * as IPVS has it): a fragmented datagram reaches halb whole, whether it is
 * for a virtual address (IPv6 reassembles only after LOCAL_IN otherwise) or
 * a NAT reply on its way through FORWARD (never reassembled otherwise), so
 * every fragment gets the addresses of the first.  The output path
 * fragments it again, no larger than it came (frag_max_size).
 */
#include <linux/mutex.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include "netns.h"
#include "service.h"
#include "conn.h"
#include "hooks.h"
#include "dest.h"
#include "laddr.h"

unsigned int halb_net_id __read_mostly;
DEFINE_MUTEX(halb_ctl_lock);

#define HALB_EST_INTERVAL	(2 * HZ)

/*
 * Rates of the namespace, its services and real servers, every two
 * seconds, as IPVS estimates them.  Control path: it never touches what
 * the packet path writes except through per-CPU sums.
 */
static void est_work_fn(struct work_struct *work)
{
	struct halb_net *hn = container_of(to_delayed_work(work), struct halb_net, est_work);
	unsigned long now = jiffies, elapsed = now - hn->est_last ?: 1;
	struct halb_service *svc;
	struct halb_dest *d;

	mutex_lock(&halb_ctl_lock);
	hn->est_last = now;
	halb_stats_estimate(&hn->stats, elapsed);
	list_for_each_entry(svc, &hn->svc_list, list) {
		halb_stats_estimate(&svc->stats, elapsed);
		list_for_each_entry(d, &svc->dests, list)
			halb_stats_estimate(&d->stats, elapsed);
	}
	mutex_unlock(&halb_ctl_lock);
	schedule_delayed_work(&hn->est_work, HALB_EST_INTERVAL);
}

static int __net_init net_init(struct net *net)
{
	struct halb_net *hn = halb_net(net);
	unsigned int i;

	hn->net = net;
	for (i = 0; i < ARRAY_SIZE(hn->svc_tab); i++)
		INIT_HLIST_HEAD(&hn->svc_tab[i]);
	INIT_LIST_HEAD(&hn->svc_list);
	INIT_DELAYED_WORK(&hn->est_work, est_work_fn);
	halb_laddr_net_init(hn);
	halb_conn_tab_init(hn);
	return halb_stats_init(&hn->stats);
}

static void __net_exit net_exit(struct net *net)
{
	struct halb_net *hn = halb_net(net);

	cancel_delayed_work_sync(&hn->est_work);
	mutex_lock(&halb_ctl_lock);
	/* no packet is inside halb once this returns (synchronize_net) */
	if (hn->hooks_registered) {
		nf_unregister_net_hooks(net, halb_hook_ops, halb_hook_ops_count);
		nf_defrag_ipv6_disable(net);
		nf_defrag_ipv4_disable(net);
	}
	hn->hooks_registered = false;
	halb_svc_flush(hn);
	mutex_unlock(&halb_ctl_lock);

	halb_conn_flush(hn);
	halb_conn_tab_exit(hn);
	halb_stats_free(&hn->stats);
}

static struct pernet_operations halb_net_ops = {
	.init = net_init,
	.exit = net_exit,
	.id = &halb_net_id,
	.size = sizeof(struct halb_net),
};

/**
 * halb_net_hooks_enable - make sure the namespace's packets reach halb
 * @hn: the namespace (control path)
 *
 * The connection tables are allocated first: the packet path finds them
 * once it runs.
 *
 * Return: 0, -ENOMEM or an error from netfilter.
 */
int halb_net_hooks_enable(struct halb_net *hn)
{
	int err;

	if (hn->hooks_registered)
		return 0;
	err = halb_conn_tab_alloc(hn);
	if (err)
		return err;
	err = nf_defrag_ipv4_enable(hn->net);
	if (err)
		return err;
	err = nf_defrag_ipv6_enable(hn->net);
	if (err)
		goto err_v4;
	err = nf_register_net_hooks(hn->net, halb_hook_ops, halb_hook_ops_count);
	if (err)
		goto err_v6;
	hn->hooks_registered = true;
	hn->est_last = jiffies;
	schedule_delayed_work(&hn->est_work, HALB_EST_INTERVAL);
	return 0;

err_v6:
	nf_defrag_ipv6_disable(hn->net);
err_v4:
	nf_defrag_ipv4_disable(hn->net);
	return err;
}

int halb_net_init(void)
{
	return register_pernet_subsys(&halb_net_ops);
}

void halb_net_exit(void)
{
	unregister_pernet_subsys(&halb_net_ops);
}
