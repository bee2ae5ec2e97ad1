// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters.  Table sizes apply to network namespaces created (or,
 * for init_net, the module loaded) after they are set; limits and timeouts
 * are read on the packet path with READ_ONCE() and take effect at once.
 * Defaults follow IPVS where IPVS has the same knob.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/jiffies.h>
#include "params.h"

unsigned int halb_conn_tab_bits = 16;
unsigned int halb_conn_max = 1U << 20;

static int set_tab_bits(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err)
		return err;
	if (v < 8 || v > 22)
		return -ERANGE;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops tab_bits_ops = {
	.set = set_tab_bits,
	.get = param_get_uint,
};

module_param_cb(conn_tab_bits, &tab_bits_ops, &halb_conn_tab_bits, 0644);
MODULE_PARM_DESC(conn_tab_bits,
		 "log2 of connection hash buckets per netns, 8..22 (default 16; new netns only)");
module_param_named(conn_max, halb_conn_max, uint, 0644);
MODULE_PARM_DESC(conn_max, "connection entries allowed per netns (default 1048576)");

/* Seconds, indexed by enum halb_conn_state. */
static unsigned int timeouts[HALB_CS_MAX + 1] = {
	[HALB_CS_NONE]		= 2,
	[HALB_CS_ESTABLISHED]	= 900,
	[HALB_CS_SYN_SENT]	= 120,
	[HALB_CS_SYN_RECV]	= 60,
	[HALB_CS_FIN_WAIT]	= 120,
	[HALB_CS_TIME_WAIT]	= 120,
	[HALB_CS_CLOSE]		= 10,
	[HALB_CS_CLOSE_WAIT]	= 60,
	[HALB_CS_LAST_ACK]	= 30,
	[HALB_CS_UDP]		= 300,
};

static int set_timeout(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err)
		return err;
	/* At least a second, at most a day: longer would pin memory. */
	if (v < 1 || v > 86400)
		return -ERANGE;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops timeout_ops = {
	.set = set_timeout,
	.get = param_get_uint,
};

#define HALB_TIMEOUT_PARAM(name, state, desc)				\
	module_param_cb(name, &timeout_ops, &timeouts[state], 0644);	\
	MODULE_PARM_DESC(name, desc)

HALB_TIMEOUT_PARAM(tcp_timeout_established, HALB_CS_ESTABLISHED,
		   "seconds, TCP established (default 900)");
HALB_TIMEOUT_PARAM(tcp_timeout_syn_recv, HALB_CS_SYN_RECV,
		   "seconds, TCP SYN seen (default 60)");
HALB_TIMEOUT_PARAM(tcp_timeout_syn_sent, HALB_CS_SYN_SENT,
		   "seconds, TCP SYN sent (default 120)");
HALB_TIMEOUT_PARAM(tcp_timeout_fin_wait, HALB_CS_FIN_WAIT,
		   "seconds, TCP FIN_WAIT (default 120)");
HALB_TIMEOUT_PARAM(tcp_timeout_time_wait, HALB_CS_TIME_WAIT,
		   "seconds, TCP TIME_WAIT (default 120)");
HALB_TIMEOUT_PARAM(tcp_timeout_close, HALB_CS_CLOSE,
		   "seconds, TCP CLOSE after RST or both FINs (default 10)");
HALB_TIMEOUT_PARAM(tcp_timeout_close_wait, HALB_CS_CLOSE_WAIT,
		   "seconds, TCP CLOSE_WAIT (default 60)");
HALB_TIMEOUT_PARAM(tcp_timeout_last_ack, HALB_CS_LAST_ACK,
		   "seconds, TCP LAST_ACK (default 30)");
HALB_TIMEOUT_PARAM(udp_timeout, HALB_CS_UDP, "seconds, UDP (default 300)");

unsigned long halb_state_timeout(unsigned int state)
{
	if (state > HALB_CS_MAX)
		state = HALB_CS_NONE;
	return READ_ONCE(timeouts[state]) * (unsigned long)HZ;
}
