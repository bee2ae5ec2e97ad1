// SPDX-License-Identifier: GPL-2.0
/*
 * The LVS side of halbd: from the model's virtual servers and the run-time
 * state of their real servers (health, dynamic weight, quorum, VRRP
 * standby) to the kernel's table, applied as a minimal diff.
 *
 * Three steps, kept apart so that a host unit test can drive them with a
 * fake kernel:
 *  - lvs_load() builds the run-time objects from a model, carrying the
 *    state of real servers and virtual servers that survive a reload;
 *  - state changes (lvs_rs_set_alive(), lvs_rs_set_weight(), standby)
 *    update quorum and mark the table dirty, running notify scripts;
 *  - lvs_apply() computes the desired table and issues only the calls
 *    that make the last applied table (seeded from the kernel at start)
 *    equal to it.  Unchanged services and real servers are never touched.
 * The kernel is reached only through struct lvs_ops; lvs_nl.c implements
 * it on libhalb.
 */
#ifndef HALBD_LVS_H
#define HALBD_LVS_H

#include <stdbool.h>
#include <stddef.h>

#include "halbd/cfg_model.h"
#include "halbd/cfg_vs.h"
#include "lib/libhalb.h"

/* The kernel, as libhalb's calls: 0 or -errno. */
struct lvs_ops {
	int (*list_services)(void *ctx, struct halb_service **svcs, size_t *n);
	int (*list_dests)(void *ctx, const struct halb_service *key, struct halb_dest **dests,
			  size_t *n);
	int (*add_service)(void *ctx, const struct halb_service *svc);
	int (*edit_service)(void *ctx, const struct halb_service *svc);
	int (*del_service)(void *ctx, const struct halb_service *key);
	int (*add_dest)(void *ctx, const struct halb_service *key, const struct halb_dest *d);
	int (*edit_dest)(void *ctx, const struct halb_service *key, const struct halb_dest *d);
	int (*del_dest)(void *ctx, const struct halb_service *key, const struct halb_dest *d);
	const char *(*last_error)(void *ctx);	/* the kernel's extack message */
};

struct lvs;
struct lvs_vs;

struct lvs_rs {
	struct lvs_vs *vs;
	const struct cfg_rs *cfg;	/* into the current model */
	bool alive;			/* every checker up (no checker: always) */
	int weight;			/* configured, or MISC_CHECK's dynamic weight */
	void *priv;			/* the daemon's: its checks */
};

struct lvs_vs {
	struct lvs *l;
	const struct cfg_vs *cfg;
	struct lvs_rs *rs;
	int nrs;
	struct cfg_svc_key *keys;	/* the kernel services it stands for */
	int nkeys;
	bool *standby;			/* per key: VIP held by a non-MASTER instance */
	bool quorum_up;
	bool sorry_in;			/* sorry server in the pool (quorum lost) */
};

struct lvs_hooks {
	void *arg;
	/*
	 * Who holds @a: -1 no VRRP instance has it among its virtual
	 * addresses, 0 the instance that has it is not MASTER, 1 it is MASTER.
	 */
	int (*vip_state)(void *arg, const struct cfg_addr *a);
	/* Run a notify_up/notify_down/quorum_up/quorum_down command. */
	void (*run)(void *arg, const char *cmd);
	/*
	 * lvs_load() made @rs; @old is the same real server under the
	 * previous model (its state is already carried over), or NULL.
	 */
	void (*rs_update)(void *arg, struct lvs_rs *rs, struct lvs_rs *old);
	/* lvs_load() dropped @old (no longer configured), or lvs_free(). */
	void (*rs_gone)(void *arg, struct lvs_rs *old);
};

struct lvs_stats {
	unsigned int add_svc, edit_svc, del_svc, add_dest, edit_dest, del_dest, errors;
};

struct lvs *lvs_new(const struct lvs_ops *ops, void *ctx, const struct lvs_hooks *hooks);
void lvs_free(struct lvs *l);

/*
 * lvs_load() - (re)build the run-time objects from @m.
 * Real servers and virtual servers present before keep their state.  The
 * kernel is not touched: call lvs_apply() after.
 * Return: 0, or -1 on allocation failure (the previous objects stay).
 */
int lvs_load(struct lvs *l, const struct cfg_model *m);

/*
 * lvs_start() - learn the kernel's table for the configured services (they
 * are adopted: real servers not in the configuration are removed by the
 * first lvs_apply()), and with @flush_others delete every other service
 * (global_defs lvs_flush).  Services halbd does not own are otherwise left
 * alone.  Then evaluates quorum as at start-up.
 */
int lvs_start(struct lvs *l, bool flush_others);

/* Make the kernel match the desired state.  Returns the number of errors. */
int lvs_apply(struct lvs *l);
bool lvs_dirty(const struct lvs *l);

/* Run-time state changes; they run notify scripts and mark the table dirty. */
void lvs_rs_set_alive(struct lvs_rs *rs, bool alive, const char *why);
void lvs_rs_set_weight(struct lvs_rs *rs, int weight);
/* Re-read VRRP states through hooks.vip_state; true if a standby changed. */
bool lvs_poll_standby(struct lvs *l);

/*
 * lvs_stop() - at exit: 'omega' notifications, then with @flush the
 * services this run applied are deleted (--flush-on-exit, lvs_flush_onstop).
 */
void lvs_stop(struct lvs *l, bool flush);

const struct lvs_stats *lvs_stats(const struct lvs *l);
struct lvs_vs *lvs_vs_list(const struct lvs *l, int *n);

/* The effective inhibit_on_failure of a real server. */
bool lvs_rs_inhibit(const struct lvs_rs *rs);

#endif
