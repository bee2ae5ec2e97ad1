/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_PARAMS_H
#define _HALB_PARAMS_H

#include <linux/types.h>
#include <uapi/linux/halb.h>

/*
 * Tunables, all under /sys/module/halb/parameters/.  See params.c and
 * README.md for defaults and which ones are writable at run time.
 */
extern unsigned int halb_conn_tab_bits;
extern unsigned int halb_conn_max;

/* Timeout in jiffies for a connection in @state (enum halb_conn_state). */
unsigned long halb_state_timeout(unsigned int state);

#endif /* _HALB_PARAMS_H */
