// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "halbd/vrrp_fsm.h"
#include "halbd/vrrp_pkt.h"

/* A master re-announces at most this often when it meets a lower master. */
#define VRRP_REANNOUNCE_MS	1000

const char *vrrp_state_name(enum vrrp_state s)
{
	switch (s) {
	case VRRP_STATE_INIT:	return "INIT";
	case VRRP_STATE_BACKUP:	return "BACKUP";
	case VRRP_STATE_MASTER:	return "MASTER";
	case VRRP_STATE_FAULT:	return "FAULT";
	}
	return "?";
}

/* RFC 5798 6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 */
unsigned int vrrp_skew_ms(const struct vrrp_fsm *f)
{
	return ((256 - f->prio) * f->master_adv_ms) / 256;
}

unsigned int vrrp_master_down_ms(const struct vrrp_fsm *f)
{
	return 3 * f->master_adv_ms + vrrp_skew_ms(f);
}

void vrrp_fsm_init(struct vrrp_fsm *f, int version, uint8_t prio, unsigned int advert_ms,
		   bool preempt, unsigned int preempt_delay_ms, bool init_master)
{
	struct cfg_addr self = f->self;

	memset(f, 0, sizeof(*f));
	f->self = self;
	f->version = version;
	f->prio = prio;
	f->advert_ms = advert_ms;
	f->master_adv_ms = advert_ms;
	f->preempt = preempt;
	f->preempt_delay_ms = preempt_delay_ms;
	f->init_master = init_master;
}

static unsigned int to_master(struct vrrp_fsm *f, uint64_t now)
{
	f->state = VRRP_STATE_MASTER;
	f->down_timer = 0;
	f->adver_timer = now + f->advert_ms;
	f->master = f->self;
	f->preempt_since = 0;
	f->became_master++;
	return VRRP_ACT_SEND_ADVERT | VRRP_ACT_BECOME_MASTER | VRRP_ACT_STATE;
}

static unsigned int to_backup(struct vrrp_fsm *f, uint64_t now, bool was_master)
{
	f->state = VRRP_STATE_BACKUP;
	f->adver_timer = 0;
	f->down_timer = now + vrrp_master_down_ms(f);
	return VRRP_ACT_STATE | (was_master ? VRRP_ACT_LEAVE_MASTER : 0);
}

unsigned int vrrp_fsm_start(struct vrrp_fsm *f, uint64_t now)
{
	if (f->prio == VRRP_PRIO_OWNER)
		return to_master(f, now);
	to_backup(f, now, false);
	/*
	 * "state MASTER": no reason to wait three intervals for a master that
	 * would have spoken within one; a higher one still wins in time.
	 */
	if (f->init_master)
		f->down_timer = now + f->master_adv_ms + vrrp_skew_ms(f);
	return VRRP_ACT_STATE;
}

static void learn_interval(struct vrrp_fsm *f, unsigned int adv_ms)
{
	/* RFC 5798 6.4.2: v3 backups follow the master's interval */
	if (f->version == 3 && adv_ms)
		f->master_adv_ms = adv_ms;
}

unsigned int vrrp_fsm_rx(struct vrrp_fsm *f, uint64_t now, uint8_t prio,
			 const struct cfg_addr *src, unsigned int adv_ms)
{
	if (f->state == VRRP_STATE_BACKUP) {
		if (prio == VRRP_PRIO_STOP) {
			/* master is leaving: take over after Skew_Time, not Master_Down */
			f->down_timer = now + vrrp_skew_ms(f);
			return 0;
		}
		if (f->preempt && prio < f->prio) {
			if (!f->preempt_delay_ms)
				return 0;	/* let Master_Down_Timer expire */
			if (!f->preempt_since)
				f->preempt_since = now;
			if (now - f->preempt_since >= f->preempt_delay_ms)
				return 0;
		} else {
			f->preempt_since = 0;
		}
		learn_interval(f, adv_ms);
		f->master = *src;
		f->down_timer = now + vrrp_master_down_ms(f);
		return 0;
	}
	if (f->state != VRRP_STATE_MASTER)
		return 0;
	if (prio == VRRP_PRIO_STOP) {
		f->adver_timer = now + f->advert_ms;
		return VRRP_ACT_SEND_ADVERT;
	}
	if (prio > f->prio || (prio == f->prio && cfg_addr_cmp(src, &f->self) > 0)) {
		learn_interval(f, adv_ms);
		f->master = *src;
		/*
		 * One last advert as the master we were: after a partition heals
		 * the winner's advert often reaches us before ours reaches it, and
		 * then it would never learn that hosts may have our MAC for the
		 * VIPs.  This advert makes it re-announce (see below); an
		 * established master ignores it, a backup just resets its timer.
		 */
		return to_backup(f, now, true) | VRRP_ACT_SEND_ADVERT;
	}
	/*
	 * Another master with lower precedence: a partition has healed.  It
	 * steps down on our next advert; send it now, and re-announce the VIPs
	 * because switches may have learned them on the other node meanwhile.
	 */
	f->adver_timer = now + f->advert_ms;
	if (!f->last_reannounce || now - f->last_reannounce >= VRRP_REANNOUNCE_MS) {
		f->last_reannounce = now;
		return VRRP_ACT_SEND_ADVERT | VRRP_ACT_GARP;
	}
	return VRRP_ACT_SEND_ADVERT;
}

unsigned int vrrp_fsm_timer(struct vrrp_fsm *f, uint64_t now)
{
	if (f->state == VRRP_STATE_BACKUP && f->down_timer && now >= f->down_timer)
		return to_master(f, now);
	if (f->state == VRRP_STATE_MASTER && f->adver_timer && now >= f->adver_timer) {
		f->adver_timer += f->advert_ms;
		if (f->adver_timer <= now)	/* we were stalled: do not burst */
			f->adver_timer = now + f->advert_ms;
		return VRRP_ACT_SEND_ADVERT;
	}
	return 0;
}

unsigned int vrrp_fsm_stop(struct vrrp_fsm *f)
{
	unsigned int act = 0;

	if (f->state == VRRP_STATE_MASTER)
		act = VRRP_ACT_SEND_STOP | VRRP_ACT_LEAVE_MASTER;
	f->state = VRRP_STATE_INIT;
	f->adver_timer = f->down_timer = 0;
	return act | VRRP_ACT_STATE;
}

unsigned int vrrp_fsm_fault(struct vrrp_fsm *f, uint64_t now, bool fault)
{
	if (fault) {
		unsigned int act = 0;

		if (f->state == VRRP_STATE_FAULT || f->state == VRRP_STATE_INIT)
			return 0;
		if (f->state == VRRP_STATE_MASTER)
			act = VRRP_ACT_SEND_STOP | VRRP_ACT_LEAVE_MASTER;
		f->state = VRRP_STATE_FAULT;
		f->adver_timer = f->down_timer = 0;
		return act | VRRP_ACT_STATE;
	}
	if (f->state != VRRP_STATE_FAULT)
		return 0;
	f->master_adv_ms = f->advert_ms;
	if (f->prio == VRRP_PRIO_OWNER)
		return to_master(f, now);
	return to_backup(f, now, false);
}

/* Sync groups: move this member to the state its group moved to. */
unsigned int vrrp_fsm_force(struct vrrp_fsm *f, uint64_t now, enum vrrp_state to)
{
	if (f->state == to || f->state == VRRP_STATE_INIT)
		return 0;
	switch (to) {
	case VRRP_STATE_MASTER:
		if (f->state == VRRP_STATE_FAULT)
			return 0;
		return to_master(f, now);
	case VRRP_STATE_BACKUP:
		if (f->state == VRRP_STATE_FAULT)
			return 0;
		return to_backup(f, now, f->state == VRRP_STATE_MASTER);
	case VRRP_STATE_FAULT:
		return vrrp_fsm_fault(f, now, true);
	default:
		return 0;
	}
}

uint64_t vrrp_fsm_next(const struct vrrp_fsm *f)
{
	if (f->state == VRRP_STATE_BACKUP)
		return f->down_timer;
	if (f->state == VRRP_STATE_MASTER)
		return f->adver_timer;
	return 0;
}
