// SPDX-License-Identifier: GPL-2.0
/*
 * The VRRP state machine of RFC 5798 section 6.4, with keepalived's
 * extensions (nopreempt, preempt_delay).  Pure: time comes in as an
 * argument in milliseconds and what to do comes back as action bits, so
 * unit tests drive it with a fake clock.
 */
#ifndef HALBD_VRRP_FSM_H
#define HALBD_VRRP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "halbd/cfg_model.h"

enum vrrp_state {
	VRRP_STATE_INIT,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
};

/* Returned by every entry point; the caller performs them in this order. */
enum vrrp_action {
	VRRP_ACT_LEAVE_MASTER	= 1 << 0,	/* remove VIPs */
	VRRP_ACT_SEND_STOP	= 1 << 1,	/* send one advert with priority 0 */
	VRRP_ACT_BECOME_MASTER	= 1 << 2,	/* add VIPs, start the GARP batch */
	VRRP_ACT_SEND_ADVERT	= 1 << 3,
	VRRP_ACT_GARP		= 1 << 4,	/* re-announce VIPs (split brain healed) */
	VRRP_ACT_STATE		= 1 << 5,	/* state changed: notify */
};

struct vrrp_fsm {
	enum vrrp_state state;
	uint8_t prio;			/* effective priority, set by the caller */
	unsigned int advert_ms;		/* our Advertisement_Interval */
	unsigned int master_adv_ms;	/* Master_Adver_Interval (learned in v3) */
	int version;
	bool preempt;
	unsigned int preempt_delay_ms;
	bool init_master;
	struct cfg_addr self;		/* our primary address: the tie-break */
	struct cfg_addr master;		/* who we think is master */
	uint64_t adver_timer;		/* 0: not running */
	uint64_t down_timer;		/* 0: not running */
	uint64_t preempt_since;		/* first lower-priority advert since... */
	uint64_t last_reannounce;
	unsigned int became_master;	/* counter */
};

const char *vrrp_state_name(enum vrrp_state s);
unsigned int vrrp_skew_ms(const struct vrrp_fsm *f);
unsigned int vrrp_master_down_ms(const struct vrrp_fsm *f);

void vrrp_fsm_init(struct vrrp_fsm *f, int version, uint8_t prio, unsigned int advert_ms,
		   bool preempt, unsigned int preempt_delay_ms, bool init_master);
unsigned int vrrp_fsm_start(struct vrrp_fsm *f, uint64_t now);
unsigned int vrrp_fsm_rx(struct vrrp_fsm *f, uint64_t now, uint8_t prio,
			 const struct cfg_addr *src, unsigned int adv_ms);
unsigned int vrrp_fsm_timer(struct vrrp_fsm *f, uint64_t now);
unsigned int vrrp_fsm_stop(struct vrrp_fsm *f);
unsigned int vrrp_fsm_fault(struct vrrp_fsm *f, uint64_t now, bool fault);
unsigned int vrrp_fsm_force(struct vrrp_fsm *f, uint64_t now, enum vrrp_state to);
/* Earliest time vrrp_fsm_timer() has work, 0 if none. */
uint64_t vrrp_fsm_next(const struct vrrp_fsm *f);

#endif
