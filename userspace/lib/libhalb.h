/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libhalb: the userspace client of the "halb" generic netlink family.
 *
 * This is the only code that speaks the family; halbctl and halbd use the
 * plain structs and calls below and never see a netlink message.  The
 * header deliberately includes no libnl header, so that code which only
 * handles the structs (argument parsers, formatters, config models, their
 * unit tests) can include it without linking libnl.
 *
 * Conventions:
 *  - every call returns 0 or a negative errno (the kernel's, see
 *    include/uapi/linux/halb.h "Errors"); after a failure
 *    halb_last_error() gives the kernel's extended ACK message, or "" if
 *    the kernel sent none;
 *  - addresses are in network byte order, ports and everything else in
 *    host byte order;
 *  - lists are returned as malloc()ed arrays that the caller free()s.
 */
#ifndef HALB_LIBHALB_H
#define HALB_LIBHALB_H

#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <netinet/in.h>
#include <uapi/linux/halb.h>

/* Returned by halb_open() when the family is not registered. */
#define HALB_ENOFAMILY	ENOPKG

union halb_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

struct halb_stats {
	uint64_t conns;
	uint64_t inpkts;
	uint64_t outpkts;
	uint64_t inbytes;
	uint64_t outbytes;
	uint64_t drops;
	/* estimated rates, per second (queries only) */
	uint64_t cps;
	uint64_t inpps;
	uint64_t outpps;
	uint64_t inbps;
	uint64_t outbps;
};

/*
 * Optional fields of a service.  Add and edit send only the fields whose
 * bit is set in @has (the scheduler is sent whenever @sched is not empty),
 * so that a daemon applying a diff changes exactly what it means to.
 */
enum halb_svc_has {
	HALB_SVC_HAS_FLAGS	= 1U << 0,
	HALB_SVC_HAS_TIMEOUT	= 1U << 1,
	HALB_SVC_HAS_NETMASK	= 1U << 2,
	HALB_SVC_HAS_NODEST	= 1U << 3,
	HALB_SVC_HAS_MH_SIZE	= 1U << 4,
	/* the whole FULLNAT local address list (num_laddrs 0: clear it) */
	HALB_SVC_HAS_LADDRS	= 1U << 5,
	HALB_SVC_HAS_CLIENT_ADDR = 1U << 6,
};

struct halb_service {
	/* key: af and either fwmark, or protocol, addr and port */
	int af;				/* AF_INET or AF_INET6 */
	uint32_t fwmark;		/* non-zero: a firewall-mark service */
	uint8_t protocol;		/* IPPROTO_TCP or IPPROTO_UDP */
	union halb_addr addr;
	uint16_t port;
	/* attributes */
	char sched[HALB_SCHED_NAME_MAX];
	uint32_t flags;			/* enum halb_svc_flags */
	uint32_t timeout;		/* persistence, seconds */
	uint8_t netmask;		/* persistence prefix length */
	uint8_t nodest;			/* enum halb_nodest_policy */
	uint32_t mh_size;		/* Maglev table size (prime) */
	uint8_t client_addr;		/* enum halb_client_addr (FULLNAT) */
	unsigned int num_laddrs;	/* FULLNAT local addresses, service af */
	union halb_addr laddrs[HALB_LADDRS_MAX];
	unsigned int has;		/* enum halb_svc_has */
	/* filled in by queries only */
	uint32_t lports_used;		/* FULLNAT local ports held */
	uint32_t num_dests;
	struct halb_stats stats;
};

enum halb_dest_has {
	HALB_DEST_HAS_FWD	= 1U << 0,
	HALB_DEST_HAS_WEIGHT	= 1U << 1,
	HALB_DEST_HAS_U_THRESH	= 1U << 2,
	HALB_DEST_HAS_L_THRESH	= 1U << 3,
};

struct halb_dest {
	/* key (af is the service's) */
	int af;
	union halb_addr addr;
	uint16_t port;
	/* attributes */
	uint8_t fwd;			/* enum halb_fwd_method */
	uint32_t weight;
	uint32_t u_thresh;
	uint32_t l_thresh;
	unsigned int has;		/* enum halb_dest_has */
	/* filled in by queries only */
	uint32_t active_conns;
	uint32_t inact_conns;
	uint32_t persist_conns;
	struct halb_stats stats;
};

struct halb_conn {
	int af;
	uint8_t protocol;
	union halb_addr caddr, vaddr, daddr;
	uint16_t cport, vport, dport;
	uint8_t fwd;			/* enum halb_fwd_method */
	uint8_t state;			/* enum halb_conn_state */
	uint32_t expires_ms;
	uint32_t flags;			/* enum halb_conn_flags */
	uint32_t fwmark;		/* the service's, if a fwmark one */
	bool fullnat;			/* laddr, lport are set */
	union halb_addr laddr;		/* FULLNAT local address */
	uint16_t lport;
};

struct halb_info {
	uint32_t version;		/* 0xMMmmpp */
	uint32_t conn_tab_size;
	uint32_t conn_count;
	uint32_t conn_max;
	uint32_t num_services;
	uint64_t conn_refused;
	uint64_t lport_exhausted;	/* FULLNAT: refused, no local port */
	uint32_t lports_used;		/* FULLNAT local ports held */
	struct halb_stats stats;
};

struct halb_handle;

int halb_open(struct halb_handle **out);
void halb_close(struct halb_handle *h);
const char *halb_last_error(const struct halb_handle *h);

int halb_get_info(struct halb_handle *h, struct halb_info *info);

int halb_add_service(struct halb_handle *h, const struct halb_service *svc);
int halb_edit_service(struct halb_handle *h, const struct halb_service *svc);
int halb_del_service(struct halb_handle *h, const struct halb_service *key);
int halb_get_service(struct halb_handle *h, struct halb_service *svc);
int halb_list_services(struct halb_handle *h, struct halb_service **svcs,
		       size_t *n);

int halb_add_dest(struct halb_handle *h, const struct halb_service *key,
		  const struct halb_dest *dest);
int halb_edit_dest(struct halb_handle *h, const struct halb_service *key,
		   const struct halb_dest *dest);
int halb_del_dest(struct halb_handle *h, const struct halb_service *key,
		  const struct halb_dest *dest);
int halb_list_dests(struct halb_handle *h, const struct halb_service *key,
		    struct halb_dest **dests, size_t *n);

int halb_list_conns(struct halb_handle *h, struct halb_conn **conns,
		    size_t *n);

int halb_flush(struct halb_handle *h);
int halb_zero(struct halb_handle *h, const struct halb_service *key);

/* Helpers that need no kernel. */
const char *halb_fwd_name(uint8_t fwd);		/* "nat", "dr", ... */
const char *halb_conn_state_name(uint8_t state);	/* "ESTABLISHED", ... */
const char *halb_client_addr_name(uint8_t mode);	/* "none", "toa", "ppv2" */
/*
 * Batches: between halb_batch_begin() and halb_batch_end(), the calls that
 * change the tables (add, edit, delete, flush, zero) return 0 at once and
 * are sent many to a message buffer; their ACKs are read a buffer at a
 * time.  A call that reads (get, list) first waits for everything queued.
 * The kernel carries out each request in order and goes on after a failed
 * one, so the result says which request failed first and how many after
 * it were carried out all the same.  Tag each request with halb_batch_tag()
 * (a line number, say) to tell them apart.  Once a request has failed,
 * the calls that follow return its error and send nothing.
 */
struct halb_batch_result {
	int err;			/* 0 or the first failure's -errno */
	unsigned long failed_tag;	/* the tag of that request */
	unsigned long done_after;	/* requests after it that succeeded */
	unsigned long first_after_tag;	/* the first of those, and the last */
	unsigned long last_after_tag;
	unsigned long sent;		/* requests sent in the batch */
};

int halb_batch_begin(struct halb_handle *h);
void halb_batch_tag(struct halb_handle *h, unsigned long tag);
/* Sends what is queued, waits for every ACK, leaves batch mode. */
int halb_batch_end(struct halb_handle *h, struct halb_batch_result *res);

int halb_service_cmp(const struct halb_service *a,
		     const struct halb_service *b);
int halb_dest_cmp(const struct halb_dest *a, const struct halb_dest *b);

#endif /* HALB_LIBHALB_H */
