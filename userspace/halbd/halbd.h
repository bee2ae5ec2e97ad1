// SPDX-License-Identifier: GPL-2.0
/*
 * halbd runtime state: the model being applied and, for each part of it,
 * the live object (instance, script tracker, sync group).  One epoll loop
 * drives everything; every fd in it is a struct halbd_watch.
 */
#ifndef HALBD_HALBD_H
#define HALBD_HALBD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "halbd/cfg_model.h"
#include "halbd/garp.h"
#include "halbd/vrrp_fsm.h"
#include "halbd/vrrp_pkt.h"

struct halbd;
struct nl_sock;
struct lvs;
struct halb_handle;
struct rs_vip;
struct lvs_rs;
struct check;
struct metrics_srv;
struct sbuf;

struct halbd_watch {
	int fd;
	void (*fn)(struct halbd *d, struct halbd_watch *w, uint32_t events);
	void *arg;
};

struct halbd_group {
	struct halbd_group *next;
	struct cfg_sync_group *cfg;
	enum vrrp_state state;
	bool moving;			/* propagating: members do not re-propagate */
};

struct halbd_inst {
	struct halbd_inst *next;
	struct halbd *d;
	struct cfg_instance *cfg;	/* points into d->model */
	struct halbd_group *group;
	struct vrrp_fsm fsm;
	struct halbd_watch w;
	int version;
	int ifindex;
	unsigned char mac[6];
	struct cfg_addr src;		/* our primary address, advert source */
	struct cfg_addr mcast;
	bool vips_up;
	bool src_warned;		/* "no usable source address" logged */
	bool link_fault, script_fault;
	int if_delta, script_delta;
	int garp_left;			/* rounds left in the current burst */
	uint64_t garp_next, garp_second, garp_refresh;
	uint32_t ah_seq;		/* AH: last sequence number sent or accepted */
	bool ah_cycle;			/* AH: ah_seq reached VRRP_AH_SEQ_MAX */
	uint16_t ip_id;			/* AH: IPv4 identification of the last advert */
	uint64_t tx, rx, interval_mismatch;
	uint64_t drops[VRRP_DROP__MAX];
};

struct halbd_script {
	struct halbd_script *next;
	struct halbd *d;
	struct cfg_script *cfg;
	pid_t pid;
	uint64_t next_run;
	bool known, ok;
	int streak;			/* consecutive results against the state */
};

struct halbd {
	const char *conf_path;
	const char *config_id;		/* -i, or the node name: the same for every reload */
	const char *ctl_path;
	struct cfg_model *model;
	struct halbd_inst *insts;
	struct halbd_script *scripts;
	struct halbd_group *groups;
	int epfd;
	struct halbd_watch sig_w, ctl_w, link_w;
	struct nl_sock *rtnl;
	struct garp_socks garp;
	bool running;
	/* LVS side (lvs_run.c, realserver.c) */
	struct lvs *lvs;		/* NULL: no virtual_server, or no halb.ko */
	struct halb_handle *halb;
	bool no_lvs;			/* -P: VRRP only */
	bool no_vrrp;			/* -C: checks and LVS only */
	bool flush_on_exit;		/* --flush-on-exit */
	bool stopping;			/* SIGTERM: no instance counts as MASTER */
	struct rs_vip *rs_vips;		/* VIPs halbd put on lo (standby DR) */
	int nrs_vips;
	bool rs_arp_set;
	/* observability (metrics*.c, statedump.c) */
	const char *version;
	uint64_t start_ms;		/* halbd_now() at start */
	int64_t start_rt;		/* time(NULL) at start */
	const char *metrics_arg;	/* --metrics ADDR:PORT, overrides prometheus_listen */
	struct metrics_srv *metrics;	/* NULL: endpoint off */
	const char *dump_arg;		/* --dump-file PATH, overrides state_dump_file */
};

uint64_t halbd_now(void);
int halbd_watch_add(struct halbd *d, struct halbd_watch *w, uint32_t events);
void halbd_watch_del(struct halbd *d, struct halbd_watch *w);

/* vrrp_inst.c */
struct halbd_inst *inst_start(struct halbd *d, struct cfg_instance *cfg, uint64_t now);
void inst_stop(struct halbd_inst *in);
void inst_timers(struct halbd_inst *in, uint64_t now);
uint64_t inst_next(const struct halbd_inst *in);
void inst_recalc(struct halbd_inst *in, uint64_t now);
void inst_link_changed(struct halbd_inst *in, uint64_t now);

/* track.c */
int track_link_open(struct halbd *d);
void track_link_close(struct halbd *d);
struct halbd_script *script_start(struct halbd *d, struct cfg_script *cfg, uint64_t now);
void script_stop(struct halbd_script *s);
void script_timers(struct halbd *d, uint64_t now);
uint64_t script_next(const struct halbd *d);
struct halbd_script *script_find(struct halbd *d, const char *name);

/* ctl.c */
int ctl_open(struct halbd *d);
void ctl_close(struct halbd *d);
char *ctl_vrrp_json(struct halbd *d);
/* The "instances" array of vrrp-json, for the state dump. */
void ctl_instances_json(struct halbd *d, struct sbuf *b);

/* lvs_run.c: the LVS side, driven by the loop */
int halbd_lvs_start(struct halbd *d);
/* Before the model is swapped: -1 leaves the running configuration. */
int halbd_lvs_reload(struct halbd *d, struct cfg_model *nm);
void halbd_lvs_after_reload(struct halbd *d);
/* After each loop batch: VRRP standby changes, then the kernel diff. */
void halbd_lvs_tick(struct halbd *d);
void halbd_lvs_stop(struct halbd *d);
/* The checks of a real server (one per checker block); an entry may be NULL. */
int halbd_rs_nchecks(const struct lvs_rs *rs);
const struct check *halbd_rs_check(const struct lvs_rs *rs, int i);

/* metrics.c: the Prometheus text exposition of everything below; NULL on ENOMEM. */
char *metrics_collect(struct halbd *d, size_t *len);
/* metrics_http.c: the endpoint, in the loop like every other socket. */
int metrics_open(struct halbd *d);
/* After a reload: follow a changed prometheus_listen (a failure leaves it off). */
void metrics_reconfigure(struct halbd *d);
void metrics_close(struct halbd *d);
uint64_t metrics_next(const struct halbd *d);	/* 0: no deadline */
void metrics_timers(struct halbd *d, uint64_t now);

/* statedump.c: SIGUSR1 */
#define HALBD_DEFAULT_DUMP	"/run/halbd.json"
int statedump_write(struct halbd *d);

/* daemon.c */
int halbd_run(struct halbd *d);
void halbd_diag_log(void *arg, bool error, const char *msg);

#endif
