// SPDX-License-Identifier: GPL-2.0
/*
 * The neutral configuration model.  The parser fills it in from
 * keepalived.conf syntax; the daemon applies it.  Nothing here knows about
 * sockets or netlink, so two models can be compared for a reload diff and
 * unit tests can inspect exactly what was parsed.
 */
#ifndef HALBD_CFG_MODEL_H
#define HALBD_CFG_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <net/if.h>

#define CFG_NAME_MAX	64

struct cfg_addr {
	int family;			/* AF_INET, AF_INET6 or 0 when unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct cfg_vip {
	struct cfg_addr addr;
	int prefix;			/* -1: not given (32 or 128 is used) */
	char dev[IFNAMSIZ];		/* empty: the instance's interface */
	char label[IFNAMSIZ];
	int scope;			/* RT_SCOPE_*, default universe (0) */
	struct cfg_addr brd;		/* family 0: none */
	int line;
};

struct cfg_track_if {
	char name[IFNAMSIZ];
	int weight;			/* 0: link down means FAULT */
};

struct cfg_track_script {
	char name[CFG_NAME_MAX];
	int weight;
	bool has_weight;		/* else the vrrp_script's own weight */
};

enum cfg_auth {
	CFG_AUTH_NONE,
	CFG_AUTH_PASS,
	CFG_AUTH_AH,
};

struct cfg_notify {
	char *master, *backup, *fault, *stop, *any;
};

struct cfg_instance {
	struct cfg_instance *next;
	char name[CFG_NAME_MAX];
	const char *file;		/* for diagnostics; owned by the model */
	int line;
	bool init_master;		/* "state MASTER" */
	char ifname[IFNAMSIZ];
	int vrid;
	int priority;
	unsigned int advert_cs;		/* advert interval, centiseconds */
	int version;			/* 0: global default */
	int family;			/* derived from the VIPs / native_ipv6 */
	enum cfg_auth auth_type;
	char auth_pass[9];		/* NUL padded, 8 bytes on the wire */
	struct cfg_vip *vips;
	int nvips;
	struct cfg_vip *vips_excl;	/* added, but not carried in adverts */
	int nvips_excl;
	bool nopreempt;
	unsigned int preempt_delay_ms;
	struct cfg_addr unicast_src;
	struct cfg_addr *peers;
	int npeers;
	struct cfg_track_if *track_ifs;
	int ntrack_ifs;
	struct cfg_track_script *track_scripts;
	int ntrack_scripts;
	struct cfg_notify notify;
	int garp_delay_s;		/* -1: global */
	int garp_repeat;		/* -1: global */
	int garp_refresh_s;		/* -1: global; 0: off */
	int garp_refresh_repeat;
	bool native_ipv6;
	bool dont_track_primary;
	bool smtp_alert;
};

struct cfg_script {
	struct cfg_script *next;
	char name[CFG_NAME_MAX];
	const char *file;
	int line;
	char *script;			/* command line, split into argv by halbd */
	unsigned int interval_ms;
	unsigned int timeout_ms;	/* 0: interval */
	int weight;
	int rise, fall;
	char user[CFG_NAME_MAX];
};

struct cfg_sync_group {
	struct cfg_sync_group *next;
	char name[CFG_NAME_MAX];
	const char *file;
	int line;
	char (*members)[CFG_NAME_MAX];
	int nmembers;
	struct cfg_notify notify;
};

struct cfg_global {
	char router_id[CFG_NAME_MAX];
	int vrrp_version;		/* 2 or 3, default 2 like keepalived */
	int garp_delay_s;		/* vrrp_garp_master_delay, default 5 */
	int garp_repeat;		/* vrrp_garp_master_repeat, default 5 */
	int garp_refresh_s;		/* vrrp_garp_master_refresh, default 0 */
	int garp_refresh_repeat;
	unsigned int garp_interval_us;	/* between GARPs of one batch */
	unsigned int gna_interval_us;
	struct cfg_addr mcast4, mcast6;
	bool script_security;
	char script_user[CFG_NAME_MAX];
	bool lvs_flush;			/* at start, remove services not configured */
	bool lvs_flush_onstop;		/* at exit, remove the configured services */
	char *notify_email_from, *smtp_server;
	int smtp_timeout;
	/* prometheus_listen ADDR:PORT: the metrics endpoint, off when family is 0 */
	struct cfg_addr prom_addr;
	uint16_t prom_port;
	const char *prom_file;		/* where it was set, for bind errors */
	int prom_line;
	char *state_dump_file;		/* NULL: halbd's default */
};

/* ---- load balancing: virtual_server, virtual_server_group ---- */

struct check_conf;			/* checker block, owned by check.h */

enum cfg_vs_kind {
	CFG_VS_ADDR,			/* virtual_server ADDR PORT */
	CFG_VS_FWMARK,			/* virtual_server fwmark N */
	CFG_VS_GROUP,			/* virtual_server group NAME */
};

/*
 * Checker settings keepalived also accepts at real_server and
 * virtual_server level; the checker's own keywords override them.
 */
struct cfg_check_dflt {
	unsigned int delay_loop_ms;	/* 0: not given */
	unsigned int warmup_ms;
	bool has_warmup;
	unsigned int connect_timeout_ms;	/* 0: not given */
	bool has_retry, has_delay_before_retry;
	unsigned int retry, delay_before_retry_ms;
};

struct cfg_rs {
	struct cfg_addr addr;
	uint16_t port;			/* 0 only for fwmark services */
	int weight;			/* 0..65535, default 1 */
	int fwd;			/* enum halb_fwd_method; 0: the virtual_server's */
	bool inhibit;			/* inhibit_on_failure: weight 0, not removed */
	bool has_inhibit;		/* else the virtual_server's */
	unsigned int u_thresh, l_thresh;
	struct cfg_check_dflt dflt;	/* else the virtual_server's */
	char *virtualhost;		/* NULL: the virtual_server's */
	char *notify_up, *notify_down;
	struct check_conf *checks;	/* checker blocks, linked by ->next */
	int nchecks;
	const char *file;
	int line;
};

enum cfg_vsg_kind {
	CFG_VSG_RANGE,			/* ADDR[-LAST] PORT */
	CFG_VSG_FWMARK,			/* fwmark N */
};

struct cfg_vsg_entry {
	int kind;			/* enum cfg_vsg_kind */
	struct cfg_addr addr;		/* first address of the range */
	unsigned int count;		/* addresses in the range, >= 1 */
	uint16_t port;
	uint32_t fwmark;
	int line;
};

struct cfg_vsg {
	struct cfg_vsg *next;
	char name[CFG_NAME_MAX];
	const char *file;
	int line;
	struct cfg_vsg_entry *entries;
	int nentries;
};

struct cfg_vs {
	struct cfg_vs *next;
	const char *file;
	int line;
	int kind;			/* enum cfg_vs_kind */
	struct cfg_addr addr;
	uint16_t port;
	uint32_t fwmark;
	char group[CFG_NAME_MAX];
	int family;			/* fwmark/group: ip_family or the real servers' */
	uint8_t protocol;		/* IPPROTO_TCP (default) or IPPROTO_UDP */
	char sched[16];			/* lb_algo, default "wlc" as keepalived */
	int fwd;			/* lb_kind, enum halb_fwd_method, default NAT */
	struct cfg_check_dflt dflt;	/* delay_loop (default 60 s), warmup, ... */
	bool persistent;
	unsigned int persistence_s;
	int persistence_prefix;		/* -1: host (32 or 128) */
	bool hash_port, hash_fallback;	/* sh-port/mh-port, sh-fallback/mh-fallback */
	bool ops;			/* one-packet scheduling */
	struct cfg_addr *laddrs;	/* FULLNAT local addresses (model only) */
	int nladdrs;
	bool has_sorry;
	struct cfg_rs sorry;		/* sorry_server ADDR PORT */
	bool sorry_inhibit;		/* sorry_server_inhibit */
	unsigned int quorum;		/* default 1 */
	unsigned int hysteresis;
	char *quorum_up, *quorum_down;
	bool alpha, omega, ha_suspend;
	bool inhibit_default;		/* inhibit_on_failure at this level */
	char *virtualhost;
	struct cfg_rs *rs;
	int nrs;
};

/*
 * Blocks the model knows about but this version does not apply yet.  They
 * are kept so that a later part can fill them in without reshaping.
 */
struct cfg_skipped {
	struct cfg_skipped *next;
	char kind[32];			/* "virtual_server", "virtual_server_group" */
	char *args;
	const char *file;
	int line;
};

struct cfg_model {
	struct cfg_global global;
	struct cfg_instance *instances;
	struct cfg_script *scripts;
	struct cfg_sync_group *groups;
	struct cfg_skipped *skipped;
	struct cfg_vs *vss;
	struct cfg_vsg *vsgs;
	/*
	 * Frees vss and vsgs; set by the virtual_server parser so that this
	 * file (linked by tests that know no checker) needs no checker code.
	 */
	void (*free_lb)(struct cfg_model *m);
	char *config_id;		/* what '@ID' lines were read against */
	char **files;			/* every file read, for diagnostics */
	int nfiles;
	int nwarnings;
};

struct cfg_model *cfg_model_new(void);
void cfg_model_free(struct cfg_model *m);
void cfg_instance_free(struct cfg_instance *vi);
bool cfg_instance_equal(const struct cfg_instance *a, const struct cfg_instance *b);
bool cfg_script_equal(const struct cfg_script *a, const struct cfg_script *b);
struct cfg_instance *cfg_find_instance(const struct cfg_model *m, const char *name);
struct cfg_script *cfg_find_script(const struct cfg_model *m, const char *name);
bool cfg_addr_equal(const struct cfg_addr *a, const struct cfg_addr *b);
int cfg_addr_cmp(const struct cfg_addr *a, const struct cfg_addr *b);
const char *cfg_addr_str(const struct cfg_addr *a, char *buf, size_t len);
/* "192.0.2.1:80" or "[2001:db8::1]:80" */
const char *cfg_hostport_str(const struct cfg_addr *a, uint16_t port, char *buf, size_t len);

/* Effective values once global defaults are folded in. */
int cfg_instance_version(const struct cfg_model *m, const struct cfg_instance *vi);

#endif
