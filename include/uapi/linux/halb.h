/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * halb: layer-4 load balancer, generic netlink interface.
 *
 * The documented source of this ABI is include/uapi/linux/halb.yaml; this
 * header and that spec are kept in agreement by a test (make spec-check).
 *
 * ------------------------------------------------------------------------
 * Family
 * ------------------------------------------------------------------------
 * Generic netlink family HALB_GENL_NAME ("halb"), version HALB_GENL_VERSION.
 * The family is network-namespace aware: every request acts on the tables of
 * the network namespace of the netlink socket that sent it, and sees nothing
 * of any other namespace.
 *
 * Permissions: every command, including the GET commands, requires
 * CAP_NET_ADMIN in the user namespace that owns the network namespace
 * (GENL_UNS_ADMIN_PERM).  A refused request fails with EPERM.  Reads need
 * it as changes do, as in IPVS: the tables name the real servers and, in
 * the connection entries, every client.  The capability must be held both
 * by the process that sends the request and by the one that opened the
 * netlink socket: a socket kept across a drop of privileges, or passed to
 * another process, carries no privilege of its opener.  So the root of an
 * unprivileged user namespace administers the network namespaces that
 * user namespace owns (a container runs its own load balancer) and can
 * neither read nor change any other.
 *
 * ------------------------------------------------------------------------
 * Objects
 * ------------------------------------------------------------------------
 * A virtual service is identified by its key:
 *     HALB_SVC_A_PROTOCOL, one of HALB_SVC_A_ADDR4 / HALB_SVC_A_ADDR6,
 *     HALB_SVC_A_PORT.
 * Exactly one address attribute is given; it fixes the service's address
 * family.  PORT must be non-zero for TCP and UDP.
 * A firewall-mark service is identified instead by HALB_SVC_A_FWMARK (non-
 * zero) and HALB_SVC_A_AF; it takes every TCP and UDP packet of that
 * family carrying the mark (set e.g. by an nftables "meta mark set" rule
 * before the mark is read at LOCAL_IN / FORWARD), and is given neither
 * PROTOCOL, nor an address, nor PORT.
 *
 * A real server ("destination", dest) belongs to one service and is
 * identified within it by HALB_DEST_A_ADDR4 / HALB_DEST_A_ADDR6 and
 * HALB_DEST_A_PORT.  Its address family must be the service's.  The
 * forwarding method is per real server, as in IPVS (ipvsadm -g/-m/-i/-b).
 *
 * Addresses are typed: ADDR4 is 4 bytes, ADDR6 is 16 bytes, both in
 * network byte order.  Ports are 16 bits in network byte order.  Counters
 * are u64 and never wrap in practice.
 *
 * ------------------------------------------------------------------------
 * Commands (requests carry a top-level HALB_A_* attribute set)
 * ------------------------------------------------------------------------
 * HALB_CMD_NEW_SERVICE  HALB_A_SERVICE{key, SCHED_NAME, [FLAGS],
 *                       [TIMEOUT, NETMASK], [NODEST_POLICY], [MH_SIZE],
 *                       [LADDRS], [CLIENT_ADDR]} - create.  EEXIST if the
 *                       key is taken; ENOENT if the scheduler is unknown.
 * HALB_CMD_SET_SERVICE  HALB_A_SERVICE{key, [SCHED_NAME], [FLAGS], ...} -
 *                       edit the attributes given; ESRCH if no such service.
 * HALB_CMD_DEL_SERVICE  HALB_A_SERVICE{key} - delete the service and its
 *                       real servers; its connections expire on their own
 *                       timers (packets of them are dropped meanwhile).
 * HALB_CMD_GET_SERVICE  do: HALB_A_SERVICE{key} -> one HALB_A_SERVICE.
 *                       dump: no attribute -> one message per service.
 * HALB_CMD_NEW_DEST     HALB_A_SERVICE{key} + HALB_A_DEST{addr, PORT,
 *                       [FWD_METHOD], [WEIGHT], [U_THRESH], [L_THRESH]} -
 *                       add a real server.  EEXIST if already present.
 * HALB_CMD_SET_DEST     same attributes; edits an existing real server
 *                       (ENOENT if absent).  Connections already made keep
 *                       their real server.
 * HALB_CMD_DEL_DEST     HALB_A_SERVICE{key} + HALB_A_DEST{addr, PORT}.
 *                       Existing connections keep flowing until they expire.
 * HALB_CMD_GET_DEST     dump only: HALB_A_SERVICE{key} -> one message per
 *                       real server of that service, each HALB_A_DEST.
 * HALB_CMD_FLUSH        no attribute: delete every service of the netns.
 * HALB_CMD_ZERO         [HALB_A_SERVICE{key}]: zero the counters of one
 *                       service and its real servers, or of everything.
 * HALB_CMD_GET_INFO     do: no attribute -> HALB_A_INFO.
 * HALB_CMD_GET_CONN     dump only: -> one message per connection entry,
 *                       each HALB_A_CONN.
 *
 * Replies to GET commands use the same command number as the request.
 *
 * ------------------------------------------------------------------------
 * FULLNAT
 * ------------------------------------------------------------------------
 * A real server with HALB_FWD_FULLNAT gets each client's packets with the
 * destination rewritten to the real server and the source rewritten to a
 * local address of the service (laddr) and a port the director allocates
 * for the connection (lport).  The real server answers laddr:lport; the
 * director matches the reply by (real server, its port, laddr, lport),
 * whether it arrives for the local stack (laddr is an address of the
 * director) or is forwarded (laddr routed to the director), and rewrites
 * it back to VIP:vport -> client.  The client, director and real servers
 * may be in any subnets; the real servers need a route to laddr only.
 *
 * HALB_SVC_A_LADDRS is a nest holding one HALB_LADDR_A_ADDR4 or
 * HALB_LADDR_A_ADDR6 per local address (at most HALB_LADDRS_MAX, all of the
 * service's family, no duplicates).  In NEW_SERVICE and SET_SERVICE it
 * gives the whole list: SET replaces the list, and an empty nest clears
 * it.  Addresses kept across a SET keep their allocated ports; connections
 * of a removed address keep it until they end.  A FULLNAT real server of a
 * service without local addresses takes no new connection (counted as a
 * port exhaustion).  Local ports come from the range of the module
 * parameters fnat_lport_min..fnat_lport_max (ports are unique per local
 * address across all services), picked from a hash of the client's flow
 * with a bounded search; when none is free in the search window of any
 * local address, the connection is refused and HALB_INFO_A_LPORT_EXHAUSTED
 * counts it.  A port is given back when its connection entry expires.
 * The local addresses should be dedicated to halb: a local socket bound to
 * one of them within the port range could have its packets taken.
 *
 * HALB_SVC_A_CLIENT_ADDR tells a FULLNAT real server who the client is
 * (TCP only; UDP and the other methods ignore it):
 *   HALB_CLIENT_ADDR_TOA   a TCP option (kind from the module parameter
 *       toa_kind, default 254; length 8: port, IPv4 address, or length 20:
 *       port, IPv6 address, all in network byte order) added to the
 *       client's packets from the one completing the handshake until the
 *       real server is seen acknowledging past it.  The MSS the real server
 *       announces is lowered by the option's length, so it always fits.
 *       halb_toa.ko on the real server reports the address to
 *       getpeername() and accept().
 *   HALB_CLIENT_ADDR_PPV2  a PROXY protocol version 2 header (PROXY
 *       command, TCP over IPv4 or IPv6, source = client, destination =
 *       virtual service; 28 or 52 bytes) put before the first byte of the
 *       client's stream; sequence and acknowledgement numbers (and SACK
 *       blocks) are shifted by its length for the rest of the connection.
 *       The MSS the real server announces is lowered by the header length.
 *
 * ------------------------------------------------------------------------
 * Dumps
 * ------------------------------------------------------------------------
 * A dump is split over as many messages as the socket's buffer needs and
 * resumes where the previous part stopped.  Every change to the tables of a
 * namespace increments a generation counter; a dump that observes a change
 * between two of its parts sets NLM_F_DUMP_INTR on the following messages,
 * and the caller should retry it if it needs a consistent snapshot.
 *
 * ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 * Every rejected request carries an extended ACK message (and, where one
 * attribute is to blame, its offset) and changes nothing.
 *   EPERM       caller lacks CAP_NET_ADMIN over the namespace
 *   EINVAL      an attribute is missing, malformed, out of range, or
 *               inconsistent with another (e.g. two address families)
 *   EAFNOSUPPORT address family not supported (IPv6 disabled)
 *   EEXIST      the service or real server already exists
 *   ESRCH       no such service
 *   ENOENT      no such real server; unknown scheduler
 *   ENOMEM      out of memory; nothing was changed
 *   EOPNOTSUPP  valid attribute, value not supported by this module
 *   ERANGE      an attribute's value is outside its policy's range or
 *               length (e.g. a weight above HALB_WEIGHT_MAX)
 *   EBUSY       a dump was requested while one is still running on the
 *               same socket
 */
#ifndef _UAPI_LINUX_HALB_H
#define _UAPI_LINUX_HALB_H

#include <linux/types.h>

#define HALB_GENL_NAME		"halb"
#define HALB_GENL_VERSION	1

/* Longest scheduler name, including the terminating NUL. */
#define HALB_SCHED_NAME_MAX	16

enum halb_cmd {
	HALB_CMD_UNSPEC,
	HALB_CMD_NEW_SERVICE,
	HALB_CMD_SET_SERVICE,
	HALB_CMD_DEL_SERVICE,
	HALB_CMD_GET_SERVICE,
	HALB_CMD_NEW_DEST,
	HALB_CMD_SET_DEST,
	HALB_CMD_DEL_DEST,
	HALB_CMD_GET_DEST,
	HALB_CMD_FLUSH,
	HALB_CMD_ZERO,
	HALB_CMD_GET_INFO,
	HALB_CMD_GET_CONN,

	__HALB_CMD_MAX,
	HALB_CMD_MAX = __HALB_CMD_MAX - 1
};

/* Top-level attributes of every request and reply. */
enum halb_attr {
	HALB_A_UNSPEC,
	HALB_A_SERVICE,		/* nest, enum halb_svc_attr */
	HALB_A_DEST,		/* nest, enum halb_dest_attr */
	HALB_A_INFO,		/* nest, enum halb_info_attr (reply only) */
	HALB_A_CONN,		/* nest, enum halb_conn_attr (reply only) */

	__HALB_A_MAX,
	HALB_A_MAX = __HALB_A_MAX - 1
};

/* Service flags (HALB_SVC_A_FLAGS). */
enum halb_svc_flags {
	/*
	 * Persistent service: a client (its address masked to NETMASK) keeps
	 * its real server for TIMEOUT seconds after its last connection ends.
	 */
	HALB_SVC_F_PERSISTENT	= 1U << 0,
	/* UDP: schedule every datagram on its own, keep no connection entry. */
	HALB_SVC_F_ONEPACKET	= 1U << 1,
	/*
	 * sh, mh: when the hashed real server has weight 0 or is overloaded,
	 * take the next one that is not (ipvsadm sh-fallback, mh-fallback).
	 */
	HALB_SVC_F_HASH_FALLBACK = 1U << 2,
	/* sh, mh: hash the client's port too (ipvsadm sh-port, mh-port). */
	HALB_SVC_F_HASH_PORT	= 1U << 3,
	/*
	 * Standby director: packets to the service that belong to no
	 * connection of this director are passed to the local stack, as on
	 * a DR real server, instead of being scheduled.  A daemon sets it on
	 * nodes that do not hold the virtual address, so a packet another
	 * director has scheduled to this node is never scheduled again.
	 */
	HALB_SVC_F_STANDBY	= 1U << 4,
};
#define HALB_SVC_F_ALL	(HALB_SVC_F_PERSISTENT | HALB_SVC_F_ONEPACKET | \
			 HALB_SVC_F_HASH_FALLBACK | HALB_SVC_F_HASH_PORT | \
			 HALB_SVC_F_STANDBY)

/*
 * What happens to a connection whose real server was removed
 * (HALB_SVC_A_NODEST_POLICY), decided when its next packet arrives.
 */
enum halb_nodest_policy {
	/* Keep forwarding to the removed server until the connection ends. */
	HALB_NODEST_KEEP,
	/*
	 * Drop the packet and expire the connection, so that the client's
	 * retransmission is scheduled afresh (IPVS expire_nodest_conn=1).
	 */
	HALB_NODEST_EXPIRE,
	/* As EXPIRE, and answer a TCP packet with a reset to the client. */
	HALB_NODEST_RESET,
	/*
	 * Schedule the packet afresh to a live real server at once; meant
	 * for UDP, where no handshake ties the flow to its first server.
	 */
	HALB_NODEST_RESCHEDULE,

	__HALB_NODEST_MAX,
	HALB_NODEST_MAX = __HALB_NODEST_MAX - 1
};

/* Maglev (mh) lookup table size: a prime in this range; default 65537. */
#define HALB_MH_SIZE_MIN	251
#define HALB_MH_SIZE_MAX	1048573
#define HALB_MH_SIZE_DEFAULT	65537

enum halb_svc_attr {
	HALB_SVC_A_UNSPEC,
	HALB_SVC_A_PROTOCOL,	/* u8: IPPROTO_TCP or IPPROTO_UDP (key) */
	HALB_SVC_A_ADDR4,	/* be32: IPv4 virtual address (key) */
	HALB_SVC_A_ADDR6,	/* binary[16]: IPv6 virtual address (key) */
	HALB_SVC_A_PORT,	/* be16: virtual port, non-zero (key) */
	HALB_SVC_A_SCHED_NAME,	/* string: scheduler, e.g. "rr", "wrr" */
	HALB_SVC_A_FLAGS,	/* u32: enum halb_svc_flags; others EINVAL */
	HALB_SVC_A_TIMEOUT,	/* u32: persistence timeout, seconds */
	HALB_SVC_A_NETMASK,	/* u8: persistence prefix length (/32, /128) */
	HALB_SVC_A_STATS,	/* nest, enum halb_stats_attr (reply only) */
	HALB_SVC_A_NUM_DESTS,	/* u32: number of real servers (reply only) */
	HALB_SVC_A_FWMARK,	/* u32: firewall mark, non-zero (key) */
	HALB_SVC_A_AF,		/* u16: AF_INET or AF_INET6 (key with FWMARK) */
	HALB_SVC_A_NODEST_POLICY, /* u8: enum halb_nodest_policy */
	HALB_SVC_A_MH_SIZE,	/* u32: mh table size, prime, see HALB_MH_* */
	HALB_SVC_A_LADDRS,	/* nest, enum halb_laddr_attr: FULLNAT pool */
	HALB_SVC_A_CLIENT_ADDR,	/* u8: enum halb_client_addr; default none */
	HALB_SVC_A_LPORTS_USED,	/* u32: local ports held (reply only) */

	__HALB_SVC_A_MAX,
	HALB_SVC_A_MAX = __HALB_SVC_A_MAX - 1
};

/* Most local addresses of a service (FULLNAT). */
#define HALB_LADDRS_MAX		64

/*
 * The FULLNAT local address list (HALB_SVC_A_LADDRS): one attribute per
 * address, repeated; all of the service's family.
 */
enum halb_laddr_attr {
	HALB_LADDR_A_UNSPEC,
	HALB_LADDR_A_ADDR4,	/* be32: IPv4 local address */
	HALB_LADDR_A_ADDR6,	/* binary[16]: IPv6 local address */

	__HALB_LADDR_A_MAX,
	HALB_LADDR_A_MAX = __HALB_LADDR_A_MAX - 1
};

/* How a FULLNAT real server learns the client (HALB_SVC_A_CLIENT_ADDR). */
enum halb_client_addr {
	HALB_CLIENT_ADDR_NONE,	/* not at all */
	HALB_CLIENT_ADDR_TOA,	/* TCP option (TOA) in the first packets */
	HALB_CLIENT_ADDR_PPV2,	/* PROXY protocol v2 header before the data */

	__HALB_CLIENT_ADDR_MAX,
	HALB_CLIENT_ADDR_MAX = __HALB_CLIENT_ADDR_MAX - 1
};

/* Forwarding methods, per real server. */
enum halb_fwd_method {
	HALB_FWD_UNSPEC,
	HALB_FWD_NAT,		/* DNAT to the real server, SNAT replies */
	HALB_FWD_DR,		/* direct routing: rewrite MAC only */
	HALB_FWD_TUN,		/* IP-in-IP to the real server */
	HALB_FWD_FULLNAT,	/* DNAT + SNAT from a local address pool */

	__HALB_FWD_MAX,
	HALB_FWD_MAX = __HALB_FWD_MAX - 1
};

/* Largest real-server weight; 0 quiesces the server. */
#define HALB_WEIGHT_MAX		65535

enum halb_dest_attr {
	HALB_DEST_A_UNSPEC,
	HALB_DEST_A_ADDR4,	/* be32: IPv4 address (key) */
	HALB_DEST_A_ADDR6,	/* binary[16]: IPv6 address (key) */
	HALB_DEST_A_PORT,	/* be16: port (key); 0 means the service port */
	HALB_DEST_A_FWD_METHOD,	/* u8: enum halb_fwd_method; default NAT */
	HALB_DEST_A_WEIGHT,	/* u32: 0..HALB_WEIGHT_MAX; default 1 */
	HALB_DEST_A_U_THRESH,	/* u32: upper connection threshold, 0 = none */
	HALB_DEST_A_L_THRESH,	/* u32: lower connection threshold */
	HALB_DEST_A_ACTIVE_CONNS, /* u32: established connections (reply) */
	HALB_DEST_A_INACT_CONNS, /* u32: other connections (reply) */
	HALB_DEST_A_STATS,	/* nest, enum halb_stats_attr (reply only) */
	HALB_DEST_A_PERSIST_CONNS, /* u32: persistence templates (reply) */

	__HALB_DEST_A_MAX,
	HALB_DEST_A_MAX = __HALB_DEST_A_MAX - 1
};

/* Counters of a service, a real server or a whole namespace. */
enum halb_stats_attr {
	HALB_STATS_A_UNSPEC,
	HALB_STATS_A_PAD,	/* alignment padding for the u64s */
	HALB_STATS_A_CONNS,	/* u64: connections scheduled */
	HALB_STATS_A_INPKTS,	/* u64: packets client -> real server */
	HALB_STATS_A_OUTPKTS,	/* u64: packets real server -> client */
	HALB_STATS_A_INBYTES,	/* u64: bytes client -> real server */
	HALB_STATS_A_OUTBYTES,	/* u64: bytes real server -> client */
	HALB_STATS_A_DROPS,	/* u64: packets dropped (no dest, limits) */
	HALB_STATS_A_CPS,	/* u64: estimated connections per second */
	HALB_STATS_A_INPPS,	/* u64: estimated packets/s client -> server */
	HALB_STATS_A_OUTPPS,	/* u64: estimated packets/s server -> client */
	HALB_STATS_A_INBPS,	/* u64: estimated bytes/s client -> server */
	HALB_STATS_A_OUTBPS,	/* u64: estimated bytes/s server -> client */

	__HALB_STATS_A_MAX,
	HALB_STATS_A_MAX = __HALB_STATS_A_MAX - 1
};

enum halb_info_attr {
	HALB_INFO_A_UNSPEC,
	HALB_INFO_A_PAD,
	HALB_INFO_A_VERSION,	/* u32: module version, 0xMMmmpp */
	HALB_INFO_A_CONN_TAB_SIZE, /* u32: connection hash buckets */
	HALB_INFO_A_CONN_COUNT,	/* u32: live connection entries */
	HALB_INFO_A_CONN_MAX,	/* u32: connection limit of the namespace */
	HALB_INFO_A_NUM_SERVICES, /* u32 */
	HALB_INFO_A_STATS,	/* nest, enum halb_stats_attr: namespace */
	HALB_INFO_A_CONN_REFUSED, /* u64: new connections refused (limit) */
	HALB_INFO_A_LPORT_EXHAUSTED, /* u64: refused, no FULLNAT local port */
	HALB_INFO_A_LPORTS_USED, /* u32: FULLNAT local ports held */

	__HALB_INFO_A_MAX,
	HALB_INFO_A_MAX = __HALB_INFO_A_MAX - 1
};

/* Connection states, as in IPVS for TCP; UDP uses HALB_CS_UDP. */
enum halb_conn_state {
	HALB_CS_NONE,
	HALB_CS_ESTABLISHED,
	HALB_CS_SYN_SENT,
	HALB_CS_SYN_RECV,
	HALB_CS_FIN_WAIT,
	HALB_CS_TIME_WAIT,
	HALB_CS_CLOSE,
	HALB_CS_CLOSE_WAIT,
	HALB_CS_LAST_ACK,
	HALB_CS_UDP,

	__HALB_CS_MAX,
	HALB_CS_MAX = __HALB_CS_MAX - 1
};

/* Connection entry flags (HALB_CONN_A_FLAGS). */
enum halb_conn_flags {
	/*
	 * Persistence template: binds a client (address masked to the
	 * service's NETMASK; CPORT 0) to a real server for the service's
	 * TIMEOUT.  Its state is HALB_CS_NONE.
	 */
	HALB_CONN_F_TEMPLATE	= 1U << 0,
	/* The real server of this entry has been removed from its service. */
	HALB_CONN_F_NODEST	= 1U << 1,
	/*
	 * Template only: a connection it decided has been established
	 * (ipvsadm shows the template's state as ASSURED).
	 */
	HALB_CONN_F_ASSURED	= 1U << 2,
};

enum halb_conn_attr {
	HALB_CONN_A_UNSPEC,
	HALB_CONN_A_PROTOCOL,	/* u8 */
	HALB_CONN_A_CADDR4,	/* be32: client address */
	HALB_CONN_A_CADDR6,	/* binary[16] */
	HALB_CONN_A_CPORT,	/* be16 */
	HALB_CONN_A_VADDR4,	/* be32: virtual address */
	HALB_CONN_A_VADDR6,	/* binary[16] */
	HALB_CONN_A_VPORT,	/* be16 */
	HALB_CONN_A_DADDR4,	/* be32: real server address */
	HALB_CONN_A_DADDR6,	/* binary[16] */
	HALB_CONN_A_DPORT,	/* be16 */
	HALB_CONN_A_FWD_METHOD,	/* u8: enum halb_fwd_method */
	HALB_CONN_A_STATE,	/* u8: enum halb_conn_state */
	HALB_CONN_A_EXPIRES,	/* u32: milliseconds until expiry */
	HALB_CONN_A_FLAGS,	/* u32: enum halb_conn_flags */
	HALB_CONN_A_FWMARK,	/* u32: mark of the service, if a fwmark one */
	HALB_CONN_A_LADDR4,	/* be32: FULLNAT local address */
	HALB_CONN_A_LADDR6,	/* binary[16] */
	HALB_CONN_A_LPORT,	/* be16: FULLNAT local port */

	__HALB_CONN_A_MAX,
	HALB_CONN_A_MAX = __HALB_CONN_A_MAX - 1
};

#endif /* _UAPI_LINUX_HALB_H */
