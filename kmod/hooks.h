/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_HOOKS_H
#define _HALB_HOOKS_H

#include <linux/netfilter.h>

extern const struct nf_hook_ops halb_hook_ops[];
extern const unsigned int halb_hook_ops_count;

#endif /* _HALB_HOOKS_H */
