// SPDX-License-Identifier: GPL-2.0
/*
 * The state machine against a fake clock: every time below is exact
 * milliseconds, so the RFC 5798 formulas are checked, not approximated.
 */
#include <arpa/inet.h>

#include "halbd/vrrp_fsm.h"
#include "ut.h"

static struct cfg_addr A(const char *s)
{
	struct cfg_addr a = { .family = AF_INET };

	inet_pton(AF_INET, s, &a.v4);
	return a;
}

static void mk(struct vrrp_fsm *f, int version, int prio, unsigned int adv_ms, bool preempt,
	       unsigned int delay, bool init_master, const char *self)
{
	f->self = A(self);
	vrrp_fsm_init(f, version, prio, adv_ms, preempt, delay, init_master);
}

/* Advance the clock in 1 ms steps until an action; returns when it fired. */
static uint64_t run_until(struct vrrp_fsm *f, uint64_t now, uint64_t limit, unsigned int want,
			  unsigned int *got)
{
	for (; now <= limit; now++) {
		unsigned int a = vrrp_fsm_timer(f, now);

		if (a & want) {
			*got = a;
			return now;
		}
	}
	*got = 0;
	return 0;
}

static void test_skew_and_master_down(void)
{
	struct vrrp_fsm f;

	mk(&f, 2, 100, 1000, true, 0, false, "192.0.2.2");
	CHECK_EQ(vrrp_skew_ms(&f), 609);		/* (256-100)*1000/256 */
	CHECK_EQ(vrrp_master_down_ms(&f), 3609);
	f.prio = 254;
	CHECK_EQ(vrrp_skew_ms(&f), 7);
	mk(&f, 3, 150, 300, true, 0, false, "192.0.2.2");
	CHECK_EQ(vrrp_skew_ms(&f), 124);		/* (106*300)/256 */
	CHECK_EQ(vrrp_master_down_ms(&f), 1024);
}

static void test_backup_becomes_master_after_master_down(void)
{
	struct vrrp_fsm f;
	unsigned int a;
	uint64_t t;

	mk(&f, 2, 100, 1000, true, 0, false, "192.0.2.2");
	a = vrrp_fsm_start(&f, 1000);
	CHECK_EQ(f.state, VRRP_STATE_BACKUP);
	CHECK(a & VRRP_ACT_STATE);
	t = run_until(&f, 1000, 10000, VRRP_ACT_BECOME_MASTER, &a);
	CHECK_EQ(t, 1000 + 3609);
	CHECK(a & VRRP_ACT_SEND_ADVERT);
	CHECK_EQ(f.state, VRRP_STATE_MASTER);
	CHECK_EQ(f.became_master, 1);
	/* then adverts every Advertisement_Interval */
	CHECK_EQ(run_until(&f, t + 1, 20000, VRRP_ACT_SEND_ADVERT, &a), t + 1000);
	CHECK_EQ(run_until(&f, t + 1001, 20000, VRRP_ACT_SEND_ADVERT, &a), t + 2000);
}

static void test_adverts_hold_backup(void)
{
	struct vrrp_fsm f;
	struct cfg_addr m = A("192.0.2.1");
	unsigned int a;

	mk(&f, 2, 100, 1000, true, 0, false, "192.0.2.2");
	vrrp_fsm_start(&f, 0);
	for (uint64_t now = 1000; now < 20000; now += 1000) {
		CHECK_EQ(vrrp_fsm_rx(&f, now, 150, &m, 1000), 0);
		CHECK_EQ(vrrp_fsm_timer(&f, now + 999), 0);
	}
	CHECK_EQ(f.state, VRRP_STATE_BACKUP);
	CHECK(cfg_addr_equal(&f.master, &m));
	/* the master dies after its advert at 19000 */
	CHECK_EQ(run_until(&f, 19000, 30000, VRRP_ACT_BECOME_MASTER, &a), 19000 + 3609);
}

static void test_owner_is_master_at_once(void)
{
	struct vrrp_fsm f;
	unsigned int a;

	mk(&f, 2, 255, 1000, true, 0, false, "192.0.2.1");
	a = vrrp_fsm_start(&f, 5);
	CHECK(a & VRRP_ACT_BECOME_MASTER);
	CHECK(a & VRRP_ACT_SEND_ADVERT);
	CHECK_EQ(f.state, VRRP_STATE_MASTER);
}

static void test_priority_zero_handover_after_skew(void)
{
	struct vrrp_fsm f;
	struct cfg_addr m = A("192.0.2.1");
	unsigned int a;

	mk(&f, 2, 100, 1000, true, 0, false, "192.0.2.2");
	vrrp_fsm_start(&f, 0);
	vrrp_fsm_rx(&f, 500, 150, &m, 1000);
	CHECK_EQ(vrrp_fsm_rx(&f, 1200, 0, &m, 1000), 0);
	CHECK_EQ(run_until(&f, 1200, 10000, VRRP_ACT_BECOME_MASTER, &a), 1200 + 609);
	/* a master that hears priority 0 answers at once */
	CHECK(vrrp_fsm_rx(&f, 3000, 0, &m, 1000) & VRRP_ACT_SEND_ADVERT);
	CHECK_EQ(f.state, VRRP_STATE_MASTER);
	/* and a stopping master sends priority 0 and leaves */
	a = vrrp_fsm_stop(&f);
	CHECK(a & VRRP_ACT_SEND_STOP);
	CHECK(a & VRRP_ACT_LEAVE_MASTER);
	CHECK_EQ(f.state, VRRP_STATE_INIT);
}

static void test_preempt(void)
{
	struct vrrp_fsm f;
	struct cfg_addr low = A("192.0.2.3");
	unsigned int a;

	/* we are 150, a master at 100 is running: we take over after Master_Down */
	mk(&f, 2, 150, 1000, true, 0, false, "192.0.2.1");
	vrrp_fsm_start(&f, 0);
	for (uint64_t now = 100; now < 3000; now += 1000)
		CHECK_EQ(vrrp_fsm_rx(&f, now, 100, &low, 1000), 0);
	/* lower adverts do not reset the timer: master at 0 + 3000 + 414 */
	CHECK_EQ(run_until(&f, 0, 10000, VRRP_ACT_BECOME_MASTER, &a), 3000 + 414);
	/* as master, a lower one is told off: advert now, and the VIPs re-announced */
	a = vrrp_fsm_rx(&f, 4000, 100, &low, 1000);
	CHECK(a & VRRP_ACT_SEND_ADVERT);
	CHECK(a & VRRP_ACT_GARP);
	CHECK_EQ(f.state, VRRP_STATE_MASTER);
	/* re-announcements are rate limited */
	a = vrrp_fsm_rx(&f, 4100, 100, &low, 1000);
	CHECK(!(a & VRRP_ACT_GARP));
}

static void test_nopreempt(void)
{
	struct vrrp_fsm f;
	struct cfg_addr low = A("192.0.2.3");
	unsigned int a;

	mk(&f, 2, 150, 1000, false, 0, false, "192.0.2.1");
	vrrp_fsm_start(&f, 0);
	for (uint64_t now = 100; now < 20000; now += 1000)
		vrrp_fsm_rx(&f, now, 100, &low, 1000);
	CHECK_EQ(run_until(&f, 0, 19100, VRRP_ACT_BECOME_MASTER, &a), 0);
	CHECK_EQ(f.state, VRRP_STATE_BACKUP);
	CHECK(cfg_addr_equal(&f.master, &low));
}

static void test_preempt_delay(void)
{
	struct vrrp_fsm f;
	struct cfg_addr low = A("192.0.2.3");
	unsigned int a;
	uint64_t t = 0;

	mk(&f, 2, 150, 1000, true, 5000, false, "192.0.2.1");
	vrrp_fsm_start(&f, 0);
	/* lower adverts are obeyed for preempt_delay, then ignored */
	for (uint64_t now = 100; now < 20000 && !t; now += 1000) {
		vrrp_fsm_rx(&f, now, 100, &low, 1000);
		t = run_until(&f, now, now + 999, VRRP_ACT_BECOME_MASTER, &a);
	}
	/* the first lower advert at 100 starts the delay; from 5100 they are ignored */
	CHECK_EQ(t, 4100 + 3414);
}

static void test_tie_break_on_address(void)
{
	struct vrrp_fsm f;
	struct cfg_addr hi = A("192.0.2.9"), lo = A("192.0.2.1");
	unsigned int a;

	mk(&f, 2, 100, 1000, true, 0, false, "192.0.2.5");
	vrrp_fsm_start(&f, 0);
	run_until(&f, 0, 5000, VRRP_ACT_BECOME_MASTER, &a);
	/* equal priority, lower address: we stay */
	a = vrrp_fsm_rx(&f, 6000, 100, &lo, 1000);
	CHECK_EQ(f.state, VRRP_STATE_MASTER);
	CHECK(a & VRRP_ACT_SEND_ADVERT);
	/* equal priority, higher address: we step down */
	a = vrrp_fsm_rx(&f, 6100, 100, &hi, 1000);
	CHECK_EQ(f.state, VRRP_STATE_BACKUP);
	CHECK(a & VRRP_ACT_LEAVE_MASTER);
	CHECK(a & VRRP_ACT_STATE);
	/* a last advert tells the winner there was a split brain to re-announce */
	CHECK(a & VRRP_ACT_SEND_ADVERT);
	/* higher priority always wins */
	mk(&f, 2, 100, 1000, true, 0, false, "192.0.2.5");
	vrrp_fsm_start(&f, 0);
	run_until(&f, 0, 5000, VRRP_ACT_BECOME_MASTER, &a);
	vrrp_fsm_rx(&f, 6000, 101, &lo, 1000);
	CHECK_EQ(f.state, VRRP_STATE_BACKUP);
}

static void test_v3_learns_master_interval(void)
{
	struct vrrp_fsm f;
	struct cfg_addr m = A("192.0.2.1");
	unsigned int a;

	mk(&f, 3, 100, 1000, true, 0, false, "192.0.2.2");
	vrrp_fsm_start(&f, 0);
	vrrp_fsm_rx(&f, 100, 200, &m, 200);
	CHECK_EQ(f.master_adv_ms, 200);
	/* Master_Down now uses the master's 200 ms: 600 + (156*200)/256 = 721 */
	CHECK_EQ(run_until(&f, 100, 10000, VRRP_ACT_BECOME_MASTER, &a), 100 + 721);
	/* v2 never learns */
	mk(&f, 2, 100, 1000, true, 0, false, "192.0.2.2");
	vrrp_fsm_start(&f, 0);
	vrrp_fsm_rx(&f, 100, 200, &m, 2000);
	CHECK_EQ(f.master_adv_ms, 1000);
}

static void test_fault_and_init_master(void)
{
	struct vrrp_fsm f;
	unsigned int a;

	mk(&f, 2, 100, 1000, true, 0, true, "192.0.2.2");
	vrrp_fsm_start(&f, 0);
	/* "state MASTER": one interval plus skew, not three */
	CHECK_EQ(run_until(&f, 0, 10000, VRRP_ACT_BECOME_MASTER, &a), 1609);
	a = vrrp_fsm_fault(&f, 2000, true);
	CHECK(a & VRRP_ACT_LEAVE_MASTER);
	CHECK(a & VRRP_ACT_SEND_STOP);
	CHECK_EQ(f.state, VRRP_STATE_FAULT);
	CHECK_EQ(vrrp_fsm_timer(&f, 100000), 0);
	a = vrrp_fsm_fault(&f, 3000, false);
	CHECK_EQ(f.state, VRRP_STATE_BACKUP);
	CHECK_EQ(run_until(&f, 3000, 10000, VRRP_ACT_BECOME_MASTER, &a), 3000 + 3609);
	/* sync groups can force a member */
	CHECK(vrrp_fsm_force(&f, 8000, VRRP_STATE_BACKUP) & VRRP_ACT_LEAVE_MASTER);
	CHECK(vrrp_fsm_force(&f, 8100, VRRP_STATE_MASTER) & VRRP_ACT_BECOME_MASTER);
	CHECK_STR(vrrp_state_name(f.state), "MASTER");
}

int main(void)
{
	RUN(test_skew_and_master_down);
	RUN(test_backup_becomes_master_after_master_down);
	RUN(test_adverts_hold_backup);
	RUN(test_owner_is_master_at_once);
	RUN(test_priority_zero_handover_after_skew);
	RUN(test_preempt);
	RUN(test_nopreempt);
	RUN(test_preempt_delay);
	RUN(test_tie_break_on_address);
	RUN(test_v3_learns_master_interval);
	RUN(test_fault_and_init_master);
	return ut_total_fail ? 1 : 0;
}
