/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels halb supports (6.1 LTS .. 6.12 LTS and
 * later) live here and nowhere else.
 */
#ifndef _HALB_COMPAT_H
#define _HALB_COMPAT_H

#include <linux/version.h>
#include <linux/timer.h>

/* from_timer() was renamed timer_container_of() in 6.16. */
#ifndef from_timer
#define from_timer(var, callback_timer, timer_fieldname) \
	timer_container_of(var, callback_timer, timer_fieldname)
#endif

/* Request attributes of a dump: the dumpit info changed shape in 6.2. */
#include <net/genetlink.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define halb_dump_attrs(cb)	(genl_dumpit_info(cb)->info.attrs)
#else
#define halb_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/* The GSO helpers moved from linux/skbuff.h to net/gso.h in 6.5. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#include <net/gso.h>
#endif

/* The unaligned access helpers moved to <linux/unaligned.h> in 6.12. */
#if __has_include(<linux/unaligned.h>)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _HALB_COMPAT_H */
