// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: a fuzzer for the "halb" generic netlink family, run in the guest
 * with services and traffic live.  Plain C over a raw netlink socket, so it
 * can build any byte sequence a library would refuse to.
 *
 *   nlfuzz [--seed N] [--seconds S] [--count N] [--mode mix|valid|structured|raw]
 *          [--protect ADDR]... [--vip ADDR]... [--rs ADDR]... [--bulk N]
 *          [--expect-eperm] [--timeout S] [--verbose-from N] [--quiet]
 *   nlfuzz --list          canonical listing of services and real servers
 *                          (configuration only, no counters), for diffs
 *
 * What it sends.  Messages are generated from the attribute tables below
 * (one line per attribute: a new attribute is one new line), then mutated:
 *   - every command number, the unknown and the reserved ones included,
 *     with every NLM_F_* combination (ACK, ECHO, DUMP on do-only commands,
 *     no REQUEST), random sequence numbers and port ids;
 *   - values from a pool of live keys (so requests succeed and the code
 *     past validation runs: real adds, edits, deletes racing with traffic),
 *     boundary values (0, 1, max, max+1, all ones), every address family,
 *     addresses of the wrong family;
 *   - wrong lengths (short, long, zero, unaligned), attributes of the wrong
 *     set, duplicates, deep nesting, nests longer than the message,
 *     truncated messages, trailing bytes, flipped bytes;
 *   - several messages in one send; dumps of services, real servers and
 *     connections interrupted midway (socket closed after one part, another
 *     request sent on the same socket, the tables changed between parts).
 *
 * What it checks, on every reply.  Every message is well-formed (lengths,
 * the genetlink header, the attribute tree against the tables, sequence
 * number and port id of the request); an error is in the documented set;
 * a rejection by the family carries an extended-ACK message; no request
 * goes unanswered (a NOOP "sync" request with an ACK follows every batch,
 * so a request the kernel silently drops is still accounted for); and, on a
 * sample of rejected requests that would change the tables, that the tables
 * did not change.  With --expect-eperm (a caller without CAP_NET_ADMIN over
 * the namespace) every command must be refused.
 *
 * The generator draws only from a seeded PRNG, never from replies: the same
 * --seed sends the same bytes.  Output: "# " diagnostic lines, a summary,
 * and an errno histogram; exit 0 if nothing failed, 1 if something did.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "uapi/linux/halb.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#define NLMSGERR_ATTR_OFFS 2
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MSG_MAX 16384
#define RBUF_SIZE (256 * 1024)
#define BATCH_MAX 8

/* ------------------------------------------------------------------------
 * PRNG: splitmix64, so a seed reproduces the byte stream.
 */
static uint64_t rng;

static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n) { return n ? (uint32_t)(rnd64() % n) : 0; }
static bool chance(unsigned int pct) { return rnd(1000) < pct * 10; }
/* per mille, for the rarer mutations */
static bool chance_pm(unsigned int pm) { return rnd(1000) < pm; }

/* ------------------------------------------------------------------------
 * Attribute tables.  One line per attribute; a value list gives the values
 * worth trying besides the generic boundaries of the type.
 */
enum vt { V_NONE, V_U8, V_U16, V_U32, V_U64, V_BE16, V_BE32, V_ADDR6, V_STR, V_NEST, V_PAD };
enum role { R_NONE, R_VADDR, R_RADDR, R_SCHED, R_VPORT, R_RPORT };
enum setid { S_TOP, S_SVC, S_DEST, S_STATS, S_INFO, S_CONN, S_NSETS };

struct aspec {
	uint16_t type;
	uint8_t vt;
	uint8_t nest;		/* enum setid, for V_NEST */
	uint8_t role;
	uint8_t reply_only;
	const char *name;
	const uint32_t *vals;
	unsigned int nvals;
};

#define VALS(...) (const uint32_t[]){ __VA_ARGS__ }, \
	sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t)
#define NOVALS NULL, 0

static const struct aspec top_attrs[] = {
	{ HALB_A_SERVICE, V_NEST, S_SVC, 0, 0, "service", NOVALS },
	{ HALB_A_DEST, V_NEST, S_DEST, 0, 0, "dest", NOVALS },
	{ HALB_A_INFO, V_NEST, S_INFO, 0, 1, "info", NOVALS },
	{ HALB_A_CONN, V_NEST, S_CONN, 0, 1, "conn", NOVALS },
};

static const struct aspec svc_attrs[] = {
	{ HALB_SVC_A_PROTOCOL, V_U8, 0, 0, 0, "protocol", VALS(6, 17, 0, 1, 132, 255) },
	{ HALB_SVC_A_ADDR4, V_BE32, 0, R_VADDR, 0, "addr4", NOVALS },
	{ HALB_SVC_A_ADDR6, V_ADDR6, 0, R_VADDR, 0, "addr6", NOVALS },
	{ HALB_SVC_A_PORT, V_BE16, 0, R_VPORT, 0, "port", NOVALS },
	{ HALB_SVC_A_SCHED_NAME, V_STR, 0, R_SCHED, 0, "sched-name", NOVALS },
	{ HALB_SVC_A_FLAGS, V_U32, 0, 0, 0, "flags",
	  VALS(0, 1, 2, 4, 8, 16, 3, 6, 12, 17, HALB_SVC_F_ALL, HALB_SVC_F_ALL + 1, 0x80000000) },
	{ HALB_SVC_A_TIMEOUT, V_U32, 0, 0, 0, "timeout", VALS(0, 1, 300, 2678400, 2678401) },
	{ HALB_SVC_A_NETMASK, V_U8, 0, 0, 0, "netmask", VALS(0, 1, 24, 32, 33, 64, 127, 128, 129) },
	{ HALB_SVC_A_STATS, V_NEST, S_STATS, 0, 1, "stats", NOVALS },
	{ HALB_SVC_A_NUM_DESTS, V_U32, 0, 0, 1, "num-dests", NOVALS },
	{ HALB_SVC_A_FWMARK, V_U32, 0, 0, 0, "fwmark", VALS(0, 1, 7, 1000, 0x7fffffff) },
	{ HALB_SVC_A_AF, V_U16, 0, 0, 0, "af", VALS(2, 10, 0, 1, 17, 28) },
	{ HALB_SVC_A_NODEST_POLICY, V_U8, 0, 0, 0, "nodest-policy", VALS(0, 1, 2, 3, 4, 5) },
	{ HALB_SVC_A_MH_SIZE, V_U32, 0, 0, 0, "mh-size",
	  VALS(251, 250, 249, 253, 65537, 65536, 1048573, 1048574, 1048583, 0, 2) },
};

static const struct aspec dest_attrs[] = {
	{ HALB_DEST_A_ADDR4, V_BE32, 0, R_RADDR, 0, "addr4", NOVALS },
	{ HALB_DEST_A_ADDR6, V_ADDR6, 0, R_RADDR, 0, "addr6", NOVALS },
	{ HALB_DEST_A_PORT, V_BE16, 0, R_RPORT, 0, "port", NOVALS },
	{ HALB_DEST_A_FWD_METHOD, V_U8, 0, 0, 0, "fwd-method", VALS(1, 2, 3, 0, 4, 5) },
	{ HALB_DEST_A_WEIGHT, V_U32, 0, 0, 0, "weight", VALS(0, 1, 2, 5, 100, 65535, 65536) },
	{ HALB_DEST_A_U_THRESH, V_U32, 0, 0, 0, "u-thresh", VALS(0, 1, 2, 10, 1000) },
	{ HALB_DEST_A_L_THRESH, V_U32, 0, 0, 0, "l-thresh", VALS(0, 1, 2, 10, 1000) },
	{ HALB_DEST_A_ACTIVE_CONNS, V_U32, 0, 0, 1, "active-conns", NOVALS },
	{ HALB_DEST_A_INACT_CONNS, V_U32, 0, 0, 1, "inact-conns", NOVALS },
	{ HALB_DEST_A_STATS, V_NEST, S_STATS, 0, 1, "stats", NOVALS },
	{ HALB_DEST_A_PERSIST_CONNS, V_U32, 0, 0, 1, "persist-conns", NOVALS },
};

static const struct aspec stats_attrs[] = {
	{ HALB_STATS_A_PAD, V_PAD, 0, 0, 1, "pad", NOVALS },
	{ HALB_STATS_A_CONNS, V_U64, 0, 0, 1, "conns", NOVALS },
	{ HALB_STATS_A_INPKTS, V_U64, 0, 0, 1, "inpkts", NOVALS },
	{ HALB_STATS_A_OUTPKTS, V_U64, 0, 0, 1, "outpkts", NOVALS },
	{ HALB_STATS_A_INBYTES, V_U64, 0, 0, 1, "inbytes", NOVALS },
	{ HALB_STATS_A_OUTBYTES, V_U64, 0, 0, 1, "outbytes", NOVALS },
	{ HALB_STATS_A_DROPS, V_U64, 0, 0, 1, "drops", NOVALS },
	{ HALB_STATS_A_CPS, V_U64, 0, 0, 1, "cps", NOVALS },
	{ HALB_STATS_A_INPPS, V_U64, 0, 0, 1, "inpps", NOVALS },
	{ HALB_STATS_A_OUTPPS, V_U64, 0, 0, 1, "outpps", NOVALS },
	{ HALB_STATS_A_INBPS, V_U64, 0, 0, 1, "inbps", NOVALS },
	{ HALB_STATS_A_OUTBPS, V_U64, 0, 0, 1, "outbps", NOVALS },
};

static const struct aspec info_attrs[] = {
	{ HALB_INFO_A_PAD, V_PAD, 0, 0, 1, "pad", NOVALS },
	{ HALB_INFO_A_VERSION, V_U32, 0, 0, 1, "version", NOVALS },
	{ HALB_INFO_A_CONN_TAB_SIZE, V_U32, 0, 0, 1, "conn-tab-size", NOVALS },
	{ HALB_INFO_A_CONN_COUNT, V_U32, 0, 0, 1, "conn-count", NOVALS },
	{ HALB_INFO_A_CONN_MAX, V_U32, 0, 0, 1, "conn-max", NOVALS },
	{ HALB_INFO_A_NUM_SERVICES, V_U32, 0, 0, 1, "num-services", NOVALS },
	{ HALB_INFO_A_STATS, V_NEST, S_STATS, 0, 1, "stats", NOVALS },
	{ HALB_INFO_A_CONN_REFUSED, V_U64, 0, 0, 1, "conn-refused", NOVALS },
};

static const struct aspec conn_attrs[] = {
	{ HALB_CONN_A_PROTOCOL, V_U8, 0, 0, 1, "protocol", NOVALS },
	{ HALB_CONN_A_CADDR4, V_BE32, 0, 0, 1, "caddr4", NOVALS },
	{ HALB_CONN_A_CADDR6, V_ADDR6, 0, 0, 1, "caddr6", NOVALS },
	{ HALB_CONN_A_CPORT, V_BE16, 0, 0, 1, "cport", NOVALS },
	{ HALB_CONN_A_VADDR4, V_BE32, 0, 0, 1, "vaddr4", NOVALS },
	{ HALB_CONN_A_VADDR6, V_ADDR6, 0, 0, 1, "vaddr6", NOVALS },
	{ HALB_CONN_A_VPORT, V_BE16, 0, 0, 1, "vport", NOVALS },
	{ HALB_CONN_A_DADDR4, V_BE32, 0, 0, 1, "daddr4", NOVALS },
	{ HALB_CONN_A_DADDR6, V_ADDR6, 0, 0, 1, "daddr6", NOVALS },
	{ HALB_CONN_A_DPORT, V_BE16, 0, 0, 1, "dport", NOVALS },
	{ HALB_CONN_A_FWD_METHOD, V_U8, 0, 0, 1, "fwd-method", NOVALS },
	{ HALB_CONN_A_STATE, V_U8, 0, 0, 1, "state", NOVALS },
	{ HALB_CONN_A_EXPIRES, V_U32, 0, 0, 1, "expires", NOVALS },
	{ HALB_CONN_A_FLAGS, V_U32, 0, 0, 1, "flags", NOVALS },
	{ HALB_CONN_A_FWMARK, V_U32, 0, 0, 1, "fwmark", NOVALS },
};

struct aset {
	const char *name;
	unsigned int max;
	const struct aspec *a;
	unsigned int n;
};

static const struct aset sets[S_NSETS] = {
	[S_TOP] = { "top", HALB_A_MAX, top_attrs, ARRAY_SIZE(top_attrs) },
	[S_SVC] = { "service", HALB_SVC_A_MAX, svc_attrs, ARRAY_SIZE(svc_attrs) },
	[S_DEST] = { "dest", HALB_DEST_A_MAX, dest_attrs, ARRAY_SIZE(dest_attrs) },
	[S_STATS] = { "stats", HALB_STATS_A_MAX, stats_attrs, ARRAY_SIZE(stats_attrs) },
	[S_INFO] = { "info", HALB_INFO_A_MAX, info_attrs, ARRAY_SIZE(info_attrs) },
	[S_CONN] = { "conn", HALB_CONN_A_MAX, conn_attrs, ARRAY_SIZE(conn_attrs) },
};

static const struct aspec *spec_of(int set, unsigned int type)
{
	unsigned int i;

	for (i = 0; i < sets[set].n; i++)
		if (sets[set].a[i].type == type)
			return &sets[set].a[i];
	return NULL;
}

/* The commands: which top-level nests a well-formed request carries. */
struct cmdspec {
	const char *name;
	bool svc, dest, dump, doit, mutates;
};

static const struct cmdspec cmds[HALB_CMD_MAX + 1] = {
	[HALB_CMD_NEW_SERVICE] = { "new-service", 1, 0, 0, 1, 1 },
	[HALB_CMD_SET_SERVICE] = { "set-service", 1, 0, 0, 1, 1 },
	[HALB_CMD_DEL_SERVICE] = { "del-service", 1, 0, 0, 1, 1 },
	[HALB_CMD_GET_SERVICE] = { "get-service", 1, 0, 1, 1, 0 },
	[HALB_CMD_NEW_DEST] = { "new-dest", 1, 1, 0, 1, 1 },
	[HALB_CMD_SET_DEST] = { "set-dest", 1, 1, 0, 1, 1 },
	[HALB_CMD_DEL_DEST] = { "del-dest", 1, 1, 0, 1, 1 },
	[HALB_CMD_GET_DEST] = { "get-dest", 1, 0, 1, 0, 0 },
	[HALB_CMD_FLUSH] = { "flush", 0, 0, 0, 1, 1 },
	[HALB_CMD_ZERO] = { "zero", 1, 0, 0, 1, 0 },
	[HALB_CMD_GET_INFO] = { "get-info", 0, 0, 0, 1, 0 },
	[HALB_CMD_GET_CONN] = { "get-conn", 0, 0, 1, 0, 0 },
};

static bool known_cmd(unsigned int c) { return c >= 1 && c <= HALB_CMD_MAX && cmds[c].name; }

/* ------------------------------------------------------------------------
 * Options and the pools of values that make requests hit live objects.
 */
static struct {
	uint64_t seed;
	double seconds;
	unsigned long count;
	int mode;		/* 0 mix, 1 valid, 2 structured, 3 raw */
	bool expect_eperm, quiet, list;
	unsigned int bulk;
	double timeout;
	unsigned long verbose_from;
	unsigned int jobs;
	const char *userns;	/* "own" or "foreign" */
	unsigned int as_uid;
} opt = { .seconds = 10, .bulk = 100, .timeout = 10, .verbose_from = ~0UL,
	.jobs = 1, .as_uid = 65534 };

struct addr { int af; uint8_t b[16]; };

#define POOL_MAX 16
static struct addr vaddrs[POOL_MAX], raddrs[POOL_MAX], protect[POOL_MAX];
static unsigned int nvaddr, nraddr, nprotect;

static const struct addr odd_addrs[] = {
	{ AF_INET, { 0, 0, 0, 0 } }, { AF_INET, { 255, 255, 255, 255 } },
	{ AF_INET, { 127, 0, 0, 1 } }, { AF_INET, { 224, 0, 0, 1 } },
	{ AF_INET6, { 0 } }, { AF_INET6, { [15] = 1 } },
	{ AF_INET6, { 0xff, 0x02, [15] = 1 } },
	{ AF_INET6, { [10] = 0xff, [11] = 0xff, 203, 0, 113, 2 } },
};
static const char *const sched_names[] = {
	"rr", "wrr", "lc", "wlc", "sed", "nq", "mh", "sh", "dh", "lblc", "fo", "ovf",
	"", "RR", "rr ", "xxxxxxxxxxxxxxx", "xxxxxxxxxxxxxxxx",
};
static const uint16_t vports[] = { 53, 80, 8080, 0, 1, 65535 };
#define BULK_PORT 20000
#define BULK_DEST_PORT 30000

static bool parse_addr(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->b) == 1)
		a->af = AF_INET;
	else if (inet_pton(AF_INET6, s, a->b) == 1)
		a->af = AF_INET6;
	return a->af != 0;
}

/* ------------------------------------------------------------------------
 * Counters and failure reports.
 */
static int worker;	/* 0..jobs-1 */

static struct stats {
	unsigned long msgs, batches, sends, replies, acks, data, dump_parts, dones;
	unsigned long intr, specials, skipped_protect, digest_checks, baseline;
	unsigned long errno_hist[256], ok_cmd[HALB_CMD_MAX + 1], timeouts;
	unsigned long failures, noext_warn, unknown_reply_attr;
} st;

static void hexdump(const char *what, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	printf("# %s (%zu bytes):", what, len);
	for (i = 0; i < len && i < 512; i++)
		printf("%s%02x", i % 32 ? "" : "\n#   ", b[i]);
	printf("%s\n", len > 512 ? " ..." : "");
}

static void failure(const char *fmt, ...)
{
	va_list ap;

	st.failures++;
	if (st.failures > 50)
		return;
	printf("# FAIL[w%d]: ", worker);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------
 * Sockets.
 */
static int family, portid;
static uint32_t sync_seq = 0xa5000000;

static int nl_open(int ext_ack, int rcvbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("nlfuzz: netlink socket");
		exit(2);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &ext_ack, sizeof(ext_ack));
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	(void)sl;
	return fd;
}

/* The main socket: replies to it must carry its port id. */
static int main_open(void)
{
	struct sockaddr_nl sa;
	socklen_t sl = sizeof(sa);
	int fd = nl_open(1, 1 << 20);

	getsockname(fd, (struct sockaddr *)&sa, &sl);
	portid = sa.nl_pid;
	return fd;
}

/* ------------------------------------------------------------------------
 * Building messages.
 */
struct msg {
	uint8_t buf[MSG_MAX];
	uint32_t len;		/* bytes built (and sent) */
	uint32_t nest[64];
	int depth;
	bool overflow;
};

static struct nlmsghdr *hdr(struct msg *m) { return (struct nlmsghdr *)m->buf; }

static void msg_start(struct msg *m, uint16_t type, uint8_t cmd, uint16_t flags, uint32_t seq)
{
	struct genlmsghdr *g;

	m->len = NLMSG_LENGTH(GENL_HDRLEN);
	memset(m->buf, 0, m->len);
	m->depth = 0;
	m->overflow = false;
	hdr(m)->nlmsg_type = type;
	hdr(m)->nlmsg_flags = flags;
	hdr(m)->nlmsg_seq = seq;
	g = NLMSG_DATA(hdr(m));
	g->cmd = cmd;
	g->version = HALB_GENL_VERSION;
}

static void msg_finish(struct msg *m)
{
	hdr(m)->nlmsg_len = m->len;
}

/* Append an attribute; @pad false leaves it unaligned (a deliberate flaw). */
static void *put_raw(struct msg *m, uint16_t type, uint16_t nla_len, const void *data,
		     uint32_t dlen, bool pad)
{
	struct nlattr *a;
	uint32_t total = NLA_HDRLEN + dlen;

	if (pad)
		total = NLA_ALIGN(total);
	if (m->len + total > MSG_MAX - 64 || m->overflow) {
		m->overflow = true;
		return NULL;
	}
	a = (struct nlattr *)(m->buf + m->len);
	a->nla_type = type;
	a->nla_len = nla_len;
	if (data)
		memcpy((char *)a + NLA_HDRLEN, data, dlen);
	else
		memset((char *)a + NLA_HDRLEN, 0, dlen);
	memset((char *)a + NLA_HDRLEN + dlen, 0, total - NLA_HDRLEN - dlen);
	m->len += total;
	return a;
}

static void put(struct msg *m, uint16_t type, const void *data, uint32_t dlen)
{
	put_raw(m, type, NLA_HDRLEN + dlen, data, dlen, true);
}

static void nest_start(struct msg *m, uint16_t type)
{
	if (m->depth >= (int)ARRAY_SIZE(m->nest)) {
		m->overflow = true;
		return;
	}
	m->nest[m->depth++] = m->len;
	put_raw(m, type, NLA_HDRLEN, NULL, 0, true);
}

static void nest_end(struct msg *m)
{
	struct nlattr *a;

	if (!m->depth)
		return;
	a = (struct nlattr *)(m->buf + m->nest[--m->depth]);
	if (m->nest[m->depth] < m->len)
		a->nla_len = m->len - m->nest[m->depth] > 0xffff ? 0xffff :
			     m->len - m->nest[m->depth];
}

/* ------------------------------------------------------------------------
 * Values.
 */
static uint32_t boundary32(void)
{
	static const uint32_t b[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
		0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};
	return b[rnd(ARRAY_SIZE(b))];
}

static uint32_t pick_value(const struct aspec *s, bool valid)
{
	if (s->nvals && (valid || chance(60)))
		return s->vals[valid ? rnd(s->nvals > 3 ? s->nvals / 2 + 1 : s->nvals)
				     : rnd(s->nvals)];
	if (chance(70))
		return boundary32();
	return (uint32_t)rnd64();
}

static const struct addr *pick_addr(int role, int af_want, bool valid)
{
	static struct addr tmp;
	const struct addr *pool = role == R_VADDR ? vaddrs : raddrs;
	unsigned int n = role == R_VADDR ? nvaddr : nraddr, i, tries;

	if (!valid && chance(20))
		return &odd_addrs[rnd(ARRAY_SIZE(odd_addrs))];
	if (!valid && chance(10)) {
		tmp.af = chance(50) ? AF_INET : AF_INET6;
		for (i = 0; i < 16; i++)
			tmp.b[i] = rnd(256);
		return &tmp;
	}
	for (tries = 0; tries < 8 && n; tries++) {
		const struct addr *a = &pool[rnd(n)];

		if (!af_want || a->af == af_want)
			return a;
	}
	return &odd_addrs[af_want == AF_INET6 ? 4 : 0];
}

static uint16_t pick_port(int role, bool valid)
{
	if (role == R_VPORT) {
		if (opt.bulk && chance(valid ? 15 : 5))
			return BULK_PORT + rnd(opt.bulk);
		return vports[rnd(valid ? 3 : ARRAY_SIZE(vports))];
	}
	if (chance(40))
		return 0;
	if (opt.bulk && chance(10))
		return BULK_DEST_PORT + rnd(100);
	return vports[rnd(valid ? 3 : ARRAY_SIZE(vports))];
}

/*
 * Emit one attribute of @s: a valid-ish value of its type, or (when
 * @mutate) a value of the wrong length, flags, unaligned, or random bytes.
 * @af: the address family wanted for addresses (0: any).
 */
static void gen_nest(struct msg *m, int set, int depth, bool valid, int cmd);

static void gen_attr(struct msg *m, int set, const struct aspec *s, bool valid, int af, int cmd)
{
	uint8_t v[32];
	uint32_t len = 0, x;
	uint16_t type = s->type;
	const struct addr *a;

	memset(v, 0, sizeof(v));
	switch (s->vt) {
	case V_U8:
		v[0] = pick_value(s, valid);
		len = 1;
		break;
	case V_U16:
		x = pick_value(s, valid);
		memcpy(v, &(uint16_t){ x }, 2);
		len = 2;
		break;
	case V_U32:
		x = pick_value(s, valid);
		memcpy(v, &x, 4);
		len = 4;
		break;
	case V_U64:
		memcpy(v, &(uint64_t){ rnd64() }, 8);
		len = 8;
		break;
	case V_BE16:
		x = s->role ? pick_port(s->role, valid) : pick_value(s, valid);
		memcpy(v, &(uint16_t){ htons(x) }, 2);
		len = 2;
		break;
	case V_BE32:
	case V_ADDR6:
		if (s->role) {
			a = pick_addr(s->role, s->vt == V_BE32 ? AF_INET : AF_INET6, valid);
			if (!valid && chance(10))
				a = pick_addr(s->role, s->vt == V_BE32 ? AF_INET6 : AF_INET, valid);
			memcpy(v, a->b, 16);
		} else {
			x = pick_value(s, valid);
			memcpy(v, &x, 4);
		}
		len = s->vt == V_BE32 ? 4 : 16;
		break;
	case V_STR: {
		const char *n = sched_names[rnd(valid ? 6 : ARRAY_SIZE(sched_names))];

		len = strlen(n) + 1;
		memcpy(v, n, len);
		if (!valid && chance(5))
			len--;	/* no terminating NUL */
		break;
	}
	case V_NEST:
		nest_start(m, type | (valid || chance(90) ? NLA_F_NESTED : 0));
		gen_nest(m, s->nest, 1, valid, cmd);
		nest_end(m);
		return;
	case V_PAD:
		len = 0;
		break;
	}
	(void)af;
	(void)set;
	if (!valid && chance(8)) {
		switch (rnd(8)) {
		case 0:		/* short */
			len = len ? rnd(len) : 0;
			break;
		case 1:		/* long: zero bytes after the value */
			len += 1 + rnd(12);
			break;
		case 2:		/* zero */
			len = 0;
			break;
		case 3:		/* nested flag on a scalar */
			type |= NLA_F_NESTED;
			break;
		case 4:		/* byte-order flag */
			type |= NLA_F_NET_BYTEORDER;
			break;
		case 5:		/* unaligned: the next attribute starts mid-padding */
			put_raw(m, type, NLA_HDRLEN + len, v, len, false);
			return;
		case 6:		/* random bytes */
			for (x = 0; x < len; x++)
				v[x] = rnd(256);
			break;
		case 7:		/* nla_len says more than is there */
			put_raw(m, type, NLA_HDRLEN + len + 4 + rnd(64), v, len, true);
			return;
		}
		if (len > sizeof(v))
			len = sizeof(v);
	}
	put(m, type, v, len);
}

/* Deep nesting: a chain of nests of arbitrary type, @levels deep. */
static void gen_deep(struct msg *m, int levels)
{
	int i;
	uint16_t type = 1 + rnd(15);

	for (i = 0; i < levels && !m->overflow; i++)
		nest_start(m, (chance(80) ? type : 1 + rnd(20)) | NLA_F_NESTED);
	if (chance(50))
		put(m, 1 + rnd(15), &(uint32_t){ boundary32() }, 4);
	for (i = 0; i < levels; i++)
		nest_end(m);
}

/* Which attributes a request of @cmd puts in a nest of @set. */
static void gen_svc_key(struct msg *m, bool valid)
{
	const struct aspec *s;
	int kind = rnd(valid ? 4 : 6);
	bool v6 = kind == 1;

	if (kind <= 1 || kind == 4) {
		gen_attr(m, S_SVC, spec_of(S_SVC, HALB_SVC_A_PROTOCOL), valid, 0, 0);
		s = spec_of(S_SVC, v6 ? HALB_SVC_A_ADDR6 : HALB_SVC_A_ADDR4);
		gen_attr(m, S_SVC, s, valid, 0, 0);
		if (kind == 4)	/* both families */
			gen_attr(m, S_SVC, spec_of(S_SVC, v6 ? HALB_SVC_A_ADDR4 : HALB_SVC_A_ADDR6),
				 valid, 0, 0);
		gen_attr(m, S_SVC, spec_of(S_SVC, HALB_SVC_A_PORT), valid, 0, 0);
	} else if (kind == 2 || kind == 3 || kind == 5) {
		gen_attr(m, S_SVC, spec_of(S_SVC, HALB_SVC_A_FWMARK), valid, 0, 0);
		if (kind != 5 || chance(50))
			gen_attr(m, S_SVC, spec_of(S_SVC, HALB_SVC_A_AF), valid, 0, 0);
		if (kind == 5)	/* fwmark plus an address key */
			gen_attr(m, S_SVC, spec_of(S_SVC, HALB_SVC_A_PORT), valid, 0, 0);
	}
}

static void gen_nest(struct msg *m, int set, int depth, bool valid, int cmd)
{
	const struct aset *as = &sets[set];
	unsigned int i, n;

	if (depth > 12 || m->overflow)
		return;
	if (set == S_SVC && (valid || chance(80))) {
		gen_svc_key(m, valid);
		for (i = 0; i < as->n; i++) {
			const struct aspec *s = &as->a[i];

			if (s->type == HALB_SVC_A_PROTOCOL || s->type == HALB_SVC_A_ADDR4 ||
			    s->type == HALB_SVC_A_ADDR6 || s->type == HALB_SVC_A_PORT ||
			    s->type == HALB_SVC_A_FWMARK || s->type == HALB_SVC_A_AF)
				continue;
			if (s->type == HALB_SVC_A_SCHED_NAME && cmd == HALB_CMD_NEW_SERVICE &&
			    (valid || chance(90))) {
				gen_attr(m, set, s, valid, 0, cmd);
				continue;
			}
			if (s->reply_only ? (!valid && chance(2)) : chance(valid ? 15 : 25))
				gen_attr(m, set, s, valid, 0, cmd);
		}
	} else if (set == S_DEST && (valid || chance(80))) {
		const struct aspec *addr = spec_of(S_DEST, chance(80) ? HALB_DEST_A_ADDR4
								   : HALB_DEST_A_ADDR6);

		gen_attr(m, set, addr, valid, 0, cmd);
		if (chance(70))
			gen_attr(m, set, spec_of(S_DEST, HALB_DEST_A_PORT), valid, 0, cmd);
		for (i = 0; i < as->n; i++) {
			const struct aspec *s = &as->a[i];

			if (s->type == HALB_DEST_A_ADDR4 || s->type == HALB_DEST_A_ADDR6 ||
			    s->type == HALB_DEST_A_PORT)
				continue;
			if (s->reply_only ? (!valid && chance(2)) : chance(valid ? 25 : 30))
				gen_attr(m, set, s, valid, 0, cmd);
		}
	} else {
		/* anything of this set, in any order, any number */
		n = rnd(6);
		for (i = 0; i < n; i++)
			gen_attr(m, set, &as->a[rnd(as->n)], valid, 0, cmd);
	}
	if (valid)
		return;
	if (chance(5))		/* an attribute of another set */
		gen_attr(m, set, &sets[1 + rnd(S_NSETS - 1)].a[0], false, 0, cmd);
	if (chance(4)) {	/* a type the set does not have */
		uint16_t t = chance(50) ? as->max + 1 + rnd(3) : (chance(50) ? 0 : rnd(0x4000));

		put(m, t, &(uint32_t){ boundary32() }, rnd(3) * 4);
	}
	if (chance(5)) {	/* duplicate of a key attribute */
		const struct aspec *s = &as->a[rnd(as->n)];

		gen_attr(m, set, s, chance(50), 0, cmd);
		gen_attr(m, set, s, chance(50), 0, cmd);
	}
	if (chance(2))
		gen_deep(m, 1 + rnd(depth < 3 ? 40 : 4));
}

/* ------------------------------------------------------------------------
 * Whole requests.
 */
static uint32_t fuzz_seq = 1;

static uint16_t pick_flags(int cmd, bool valid)
{
	uint16_t f = NLM_F_REQUEST | NLM_F_ACK;
	bool dumpable = known_cmd(cmd) && cmds[cmd].dump;

	if (dumpable && (!cmds[cmd].doit || chance(60)))
		f |= NLM_F_DUMP;
	if (valid)
		return f;
	if (chance(10))
		f &= ~NLM_F_ACK;
	if (chance(5))
		f |= NLM_F_DUMP;	/* DUMP on a do-only command */
	if (chance(5))
		f &= ~NLM_F_DUMP;	/* do on a dump-only command */
	if (chance(8))
		f |= NLM_F_ECHO;
	if (chance(3))
		f |= chance(50) ? NLM_F_ROOT : NLM_F_MATCH;	/* half a dump */
	if (chance(3))
		f |= NLM_F_EXCL | NLM_F_CREATE | NLM_F_APPEND;
	if (chance(2))
		f &= ~NLM_F_REQUEST;
	if (chance(2))
		f = rnd(0x10000);
	return f;
}

static int pick_cmd(bool valid)
{
	if (valid || chance(92)) {
		/* the commands that change things are worth more */
		static const uint8_t w[] = {
			HALB_CMD_NEW_SERVICE, HALB_CMD_NEW_SERVICE, HALB_CMD_SET_SERVICE,
			HALB_CMD_SET_SERVICE, HALB_CMD_DEL_SERVICE, HALB_CMD_GET_SERVICE,
			HALB_CMD_NEW_DEST, HALB_CMD_NEW_DEST, HALB_CMD_NEW_DEST,
			HALB_CMD_SET_DEST, HALB_CMD_SET_DEST, HALB_CMD_DEL_DEST,
			HALB_CMD_DEL_DEST, HALB_CMD_GET_DEST, HALB_CMD_FLUSH, HALB_CMD_ZERO,
			HALB_CMD_GET_INFO, HALB_CMD_GET_CONN,
		};
		int c = w[rnd(ARRAY_SIZE(w))];

		/* a full dump costs hundreds of replies: keep most of them short */
		if ((c == HALB_CMD_GET_CONN || c == HALB_CMD_GET_SERVICE) && !chance(40))
			c = HALB_CMD_SET_SERVICE;

		/* flushing undoes everything else: keep it rare */
		if (c == HALB_CMD_FLUSH && !chance(10))
			c = HALB_CMD_GET_INFO;
		return c;
	}
	switch (rnd(4)) {
	case 0: return 0;				/* HALB_CMD_UNSPEC */
	case 1: return HALB_CMD_MAX + 1 + rnd(4);	/* reserved */
	case 2: return rnd(256);
	default: return 255;
	}
}

/* A request of @cmd into @m; @valid: from the pools, no flaw. */
static void gen_request(struct msg *m, int cmd, bool valid)
{
	uint16_t type = family;
	uint32_t seq = fuzz_seq++;
	const struct cmdspec *c = known_cmd(cmd) ? &cmds[cmd] : NULL;

	if (!valid) {
		if (chance(3))
			seq = chance(50) ? 0 : (uint32_t)rnd64();
		if (chance_pm(5))
			type = chance(50) ? 0x7f00 + rnd(0x100) : rnd(NLMSG_MIN_TYPE);
	}
	if ((seq & 0xff000000) == (sync_seq & 0xff000000))
		seq ^= 0x10000000;
	msg_start(m, type, cmd, pick_flags(cmd, valid), seq);
	if (!valid && chance(3))
		hdr(m)->nlmsg_pid = chance(50) ? (uint32_t)rnd64() : 1;
	if (!valid && chance(3)) {
		struct genlmsghdr *g = NLMSG_DATA(hdr(m));

		g->version = rnd(256);
		g->reserved = chance(50) ? rnd(0x10000) : 0;
	}
	if (c ? (c->svc && (valid || chance(92))) : chance(50)) {
		nest_start(m, HALB_A_SERVICE | (valid || chance(95) ? NLA_F_NESTED : 0));
		gen_nest(m, S_SVC, 1, valid, cmd);
		nest_end(m);
	}
	if (c ? (c->dest && (valid || chance(92))) : chance(30)) {
		nest_start(m, HALB_A_DEST | (valid || chance(95) ? NLA_F_NESTED : 0));
		gen_nest(m, S_DEST, 1, valid, cmd);
		nest_end(m);
	}
	if (!valid) {
		if (chance(5))
			gen_attr(m, S_TOP, &top_attrs[rnd(ARRAY_SIZE(top_attrs))], false, 0, cmd);
		if (chance(3))
			put(m, HALB_A_MAX + 1 + rnd(20), &(uint32_t){ 1 }, 4);
		if (chance(2))
			gen_deep(m, 1 + rnd(60));
	}
	msg_finish(m);
}

/* Byte-level flaws of a whole message: truncation, overlong nests, flips. */
static void mutate_bytes(struct msg *m)
{
	uint32_t base = NLMSG_LENGTH(GENL_HDRLEN), i, n;

	switch (rnd(7)) {
	case 0:		/* truncate inside the attributes */
		if (m->len > base)
			m->len = base + rnd(m->len - base);
		hdr(m)->nlmsg_len = m->len;
		break;
	case 1:		/* a nest longer than the message */
		if (m->len >= base + NLA_HDRLEN) {
			struct nlattr *a = (struct nlattr *)(m->buf + base);

			a->nla_len = chance(50) ? 0xffff : a->nla_len + 4 + rnd(256);
		}
		break;
	case 2:		/* flip bytes after the netlink header */
		n = 1 + rnd(4);
		for (i = 0; i < n && m->len > NLMSG_HDRLEN; i++)
			m->buf[NLMSG_HDRLEN + rnd(m->len - NLMSG_HDRLEN)] = rnd(256);
		break;
	case 3:		/* trailing bytes too short for an attribute */
		n = 1 + rnd(3);
		memset(m->buf + m->len, 0xa5, n);
		m->len += n;
		hdr(m)->nlmsg_len = m->len;
		break;
	case 4:		/* genetlink header cut short */
		m->len = NLMSG_HDRLEN + rnd(GENL_HDRLEN);
		hdr(m)->nlmsg_len = m->len;
		break;
	case 5:		/* nlmsg_len disagrees with what is sent */
		hdr(m)->nlmsg_len = chance(50) ? m->len + 4 + rnd(64) : m->len - rnd(8);
		break;
	case 6:		/* a random attribute length field */
		if (m->len >= base + NLA_HDRLEN) {
			uint32_t off = base + 4 * rnd((m->len - base) / 4);

			if (off + 2 <= m->len)
				memcpy(m->buf + off, &(uint16_t){ rnd(0x10000) }, 2);
		}
		break;
	}
}

/* Does @m name a protected address, anywhere in its bytes? */
static bool touches_protected(const struct msg *m)
{
	unsigned int i, j, n;

	for (i = 0; i < nprotect; i++) {
		n = protect[i].af == AF_INET ? 4 : 16;
		for (j = NLMSG_HDRLEN; j + n <= m->len; j++)
			if (!memcmp(m->buf + j, protect[i].b, n))
				return true;
	}
	return false;
}

static bool mutating(const struct msg *m)
{
	const struct genlmsghdr *g = (const void *)(m->buf + NLMSG_HDRLEN);

	if (m->len < NLMSG_HDRLEN + GENL_HDRLEN)
		return false;
	return !known_cmd(g->cmd) || cmds[g->cmd].mutates || g->cmd == HALB_CMD_ZERO;
}

/* ------------------------------------------------------------------------
 * Checking replies.
 */
static bool errno_allowed(int e)
{
	switch (e) {
	case 0: case EPERM: case EINVAL: case EAFNOSUPPORT: case EEXIST: case ESRCH:
	case ENOENT: case ENOMEM: case EOPNOTSUPP:
	/* from the netlink core: range policies (ERANGE), one dump at a time */
	case ERANGE: case EBUSY:
		return true;
	}
	return false;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case EMSGSIZE: return "EMSGSIZE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case ENOBUFS: return "ENOBUFS";
	}
	return NULL;
}

/* Walk an attribute area against set @set; false (and a report) if malformed. */
static bool check_attrs(const uint8_t *p, int len, int set, int depth, char *why, size_t wl)
{
	const struct nlattr *a;
	bool seen_key = false;

	if (depth > 8) {
		snprintf(why, wl, "reply nested deeper than 8");
		return false;
	}
	while (len >= (int)NLA_HDRLEN) {
		const struct aspec *s;
		unsigned int type, plen;
		static const int want[] = {
			[V_U8] = 1, [V_U16] = 2, [V_U32] = 4, [V_U64] = 8, [V_BE16] = 2,
			[V_BE32] = 4, [V_ADDR6] = 16, [V_PAD] = 0,
		};

		a = (const struct nlattr *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len) {
			snprintf(why, wl, "%s attribute length %u of %d left", sets[set].name,
				 a->nla_len, len);
			return false;
		}
		type = a->nla_type & NLA_TYPE_MASK;
		plen = a->nla_len - NLA_HDRLEN;
		if (type == 0 || type > sets[set].max) {
			snprintf(why, wl, "%s attribute type %u beyond the uapi", sets[set].name, type);
			return false;
		}
		s = spec_of(set, type);
		if (!s) {
			st.unknown_reply_attr++;
		} else if (s->vt == V_NEST) {
			if (!(a->nla_type & NLA_F_NESTED)) {
				snprintf(why, wl, "%s.%s lacks NLA_F_NESTED", sets[set].name, s->name);
				return false;
			}
			if (!check_attrs(p + NLA_HDRLEN, plen, s->nest, depth + 1, why, wl))
				return false;
		} else if (s->vt == V_STR) {
			if (!plen || plen > HALB_SCHED_NAME_MAX || p[a->nla_len - 1] != 0 ||
			    strlen((const char *)p + NLA_HDRLEN) != plen - 1) {
				snprintf(why, wl, "%s.%s is not a string", sets[set].name, s->name);
				return false;
			}
		} else if ((int)plen != want[s->vt]) {
			snprintf(why, wl, "%s.%s has %u bytes, not %d", sets[set].name, s->name,
				 plen, want[s->vt]);
			return false;
		}
		if (set == S_SVC && (type == HALB_SVC_A_PORT || type == HALB_SVC_A_FWMARK))
			seen_key = true;
		if (set == S_DEST && type == HALB_DEST_A_PORT)
			seen_key = true;
		if (set == S_CONN && type == HALB_CONN_A_PROTOCOL)
			seen_key = true;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	if (len > 0 && len < (int)NLA_HDRLEN && depth == 0) {
		snprintf(why, wl, "%d bytes left after the attributes", len);
		return false;
	}
	if ((set == S_SVC || set == S_DEST || set == S_CONN) && !seen_key) {
		snprintf(why, wl, "%s without its key", sets[set].name);
		return false;
	}
	return true;
}

struct pending {
	const struct msg *m;
	bool terminal_due;	/* a reply that ends it is guaranteed */
	bool done;
	bool is_dump;
	int err;		/* last error seen (0 none) */
	bool ext;
	unsigned long data;
};

static struct msg *batch_msgs[BATCH_MAX];

static void report_batch(struct pending *pd, int n)
{
	int i;

	for (i = 0; i < n; i++)
		hexdump("request", pd[i].m->buf, pd[i].m->len);
	fflush(stdout);
}

/* Parse extack TLVs of an NLMSG_ERROR; returns true if a message is there. */
static bool check_error(const struct nlmsghdr *h, const struct msg *req, char *why, size_t wl,
			bool *ext)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	const uint8_t *p;
	int left;

	*ext = false;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
		snprintf(why, wl, "NLMSG_ERROR of %u bytes", h->nlmsg_len);
		return false;
	}
	if (e->error > 0) {
		snprintf(why, wl, "positive error %d", e->error);
		return false;
	}
	p = (const uint8_t *)e + sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->error && req && e->msg.nlmsg_len != hdr((struct msg *)req)->nlmsg_len) {
			snprintf(why, wl, "echoed request length %u, sent %u",
				 e->msg.nlmsg_len, hdr((struct msg *)req)->nlmsg_len);
			return false;
		}
		if (e->error)
			p += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	left = (const uint8_t *)h + h->nlmsg_len - p;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return true;
	while (left >= (int)NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > left) {
			snprintf(why, wl, "extack TLV length %u of %d", a->nla_len, left);
			return false;
		}
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			if (a->nla_len == NLA_HDRLEN || p[a->nla_len - 1] != 0) {
				snprintf(why, wl, "extack message not a string");
				return false;
			}
			*ext = true;
		}
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_OFFS && req) {
			uint32_t off;

			memcpy(&off, p + NLA_HDRLEN, 4);
			if (off >= hdr((struct msg *)req)->nlmsg_len) {
				snprintf(why, wl, "extack offset %u beyond the request", off);
				return false;
			}
		}
		left -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return true;
}

/* An NLMSG_DONE that ends a failed dump may carry extack TLVs after its int. */
static bool done_has_ext(const struct nlmsghdr *h)
{
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(h) + NLA_ALIGN(sizeof(int));
	int left = (const uint8_t *)h + h->nlmsg_len - p;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return false;
	while (left >= (int)NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > left)
			return false;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG && a->nla_len > NLA_HDRLEN)
			return true;
		left -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return false;
}

/*
 * Read until the sync ACK and every guaranteed terminal reply came back.
 * Returns false on a timeout (the socket must then be replaced).
 */
static uint8_t rbuf[RBUF_SIZE];

static bool collect(int fd, struct pending *pd, int n, uint32_t sseq, bool *dump_intr,
		    bool framed)
{
	double deadline = now() + opt.timeout;
	bool sync_seen = sseq == 0;
	char why[256];
	int i;

	for (;;) {
		bool due = false;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;
		int left;
		struct nlmsghdr *h;

		for (i = 0; i < n; i++)
			if (pd[i].terminal_due && !pd[i].done)
				due = true;
		if (sync_seen && !due)
			return true;
		left = (int)((deadline - now()) * 1000);
		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			st.timeouts++;
			failure("no reply for %.0f s (sync %s)", opt.timeout,
				sync_seen ? "seen" : "missing");
			report_batch(pd, n);
			return false;
		}
		r = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT | MSG_TRUNC);
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			failure("recv: %s", strerror(errno));
			report_batch(pd, n);
			return false;
		}
		/*
		 * The timeout is for a kernel that stops answering, not for a
		 * slow one: a batch of full dumps on a loaded emulated guest may
		 * take longer than it, reply after reply.
		 */
		deadline = now() + opt.timeout;
		if (r > (ssize_t)sizeof(rbuf)) {
			failure("reply of %zd bytes truncated", r);
			r = sizeof(rbuf);
		}
		st.replies++;
		left = r;
		for (h = (struct nlmsghdr *)rbuf; left > 0; h = NLMSG_NEXT(h, left)) {
			struct pending *p = NULL;

			if (!NLMSG_OK(h, left)) {
				failure("malformed netlink header in reply (%d bytes left)", left);
				report_batch(pd, n);
				break;
			}
			if (h->nlmsg_pid != (uint32_t)portid) {
				failure("reply to port %u, we are %d", h->nlmsg_pid, portid);
				report_batch(pd, n);
			}
			if (sseq && h->nlmsg_seq == sseq) {
				if (h->nlmsg_type != NLMSG_ERROR ||
				    ((struct nlmsgerr *)NLMSG_DATA(h))->error) {
					failure("sync request answered with type %u", h->nlmsg_type);
					report_batch(pd, n);
				}
				sync_seen = true;
				continue;
			}
			for (i = 0; i < n; i++)
				if (hdr((struct msg *)pd[i].m)->nlmsg_seq == h->nlmsg_seq &&
				    !pd[i].done) {
					p = &pd[i];
					break;
				}
			if (!p)
				for (i = 0; i < n; i++)
					if (hdr((struct msg *)pd[i].m)->nlmsg_seq == h->nlmsg_seq)
						p = &pd[i];
			if (!p) {
				/*
				 * A length flaw in a joint send makes the kernel read
				 * a message out of the middle of another: its reply
				 * may carry any sequence number.
				 */
				if (framed) {
					failure("reply with sequence number %u matches no request",
						h->nlmsg_seq);
					report_batch(pd, n);
				}
				continue;
			}
			if (h->nlmsg_flags & NLM_F_DUMP_INTR) {
				st.intr++;
				if (dump_intr)
					*dump_intr = true;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				bool ext;

				if (!check_error(h, p->m, why, sizeof(why), &ext)) {
					failure("malformed error reply: %s", why);
					report_batch(p, 1);
				}
				p->err = h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) ? -e->error : 0;
				p->ext = ext;
				p->done = true;
				st.acks++;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(int))) {
					failure("NLMSG_DONE of %u bytes", h->nlmsg_len);
				} else {
					memcpy(&err, NLMSG_DATA(h), sizeof(err));
					if (err > 0)
						failure("NLMSG_DONE carries %d", err);
					p->ext = done_has_ext(h);
				}
				p->err = -err;
				p->done = true;
				st.dones++;
			} else if (h->nlmsg_type == family) {
				const struct genlmsghdr *g = NLMSG_DATA(h);
				const struct genlmsghdr *rg = NLMSG_DATA(hdr((struct msg *)p->m));

				st.data++;
				p->data++;
				if (h->nlmsg_flags & NLM_F_MULTI)
					st.dump_parts++;
				if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
					failure("data reply of %u bytes", h->nlmsg_len);
				} else if (g->cmd != rg->cmd) {
					failure("reply command %u to request command %u", g->cmd, rg->cmd);
				} else if (!check_attrs((const uint8_t *)g + GENL_HDRLEN,
							h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
							S_TOP, 0, why, sizeof(why))) {
					failure("malformed reply to %s: %s",
						known_cmd(g->cmd) ? cmds[g->cmd].name : "?", why);
					hexdump("reply", h, h->nlmsg_len);
					report_batch(p, 1);
				}
			} else {
				failure("reply of type %u", h->nlmsg_type);
				report_batch(p, 1);
			}
		}
	}
}

/* Is a reply that ends @m guaranteed, given the messages before it in the send? */
static bool terminal_guaranteed(const struct msg *m, bool prev_ok)
{
	const struct nlmsghdr *h = (const void *)m->buf;

	if (!prev_ok || h->nlmsg_len != m->len || m->len < NLMSG_HDRLEN)
		return false;
	if (!(h->nlmsg_flags & NLM_F_REQUEST) || h->nlmsg_type < NLMSG_MIN_TYPE)
		return !!(h->nlmsg_flags & NLM_F_ACK);
	/* dumps always end with DONE or an error; the rest with the ACK */
	if ((h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP && h->nlmsg_type == family)
		return true;
	return !!(h->nlmsg_flags & NLM_F_ACK) || h->nlmsg_type != family;
}

/* Judge the outcome of one request after collect(). */
static void judge(struct pending *p, bool eperm_only, bool dump_running)
{
	const struct nlmsghdr *h = (const void *)p->m->buf;
	const struct genlmsghdr *g = (const void *)(p->m->buf + NLMSG_HDRLEN);
	bool full = h->nlmsg_len == p->m->len && p->m->len >= NLMSG_LENGTH(GENL_HDRLEN) &&
		    h->nlmsg_type == family && (h->nlmsg_flags & NLM_F_REQUEST);
	int cmd = full ? g->cmd : -1;
	int e = p->err;

	st.msgs++;
	if (!p->done)
		return;
	st.errno_hist[e & 0xff]++;
	if (!errno_allowed(e) || (e == EBUSY && !dump_running && !p->is_dump)) {
		failure("errno %d (%s) not in the documented set", e, errname(e) ?: "?");
		report_batch(p, 1);
		return;
	}
	if (e == 0 && cmd >= 0 && known_cmd(cmd))
		st.ok_cmd[cmd]++;
	if (eperm_only && full && known_cmd(cmd) && (e == 0 || p->data)) {
		failure("%s succeeded without CAP_NET_ADMIN over the namespace", cmds[cmd].name);
		report_batch(p, 1);
	}
	if (eperm_only && full && known_cmd(cmd) && e != EPERM && e != EOPNOTSUPP) {
		failure("%s refused with %s, not EPERM", cmds[cmd].name, errname(e) ?: "?");
		report_batch(p, 1);
	}
	/* the family's own rejections say why */
	if (full && known_cmd(cmd) && !p->ext && e && e != EPERM && e != EOPNOTSUPP &&
	    e != EBUSY && e != ENOMEM) {
		st.noext_warn++;
		if (st.noext_warn <= 5) {
			failure("%s rejected with %s and no extack message", cmds[cmd].name,
				errname(e) ?: "?");
			report_batch(p, 1);
		}
	}
}

/* ------------------------------------------------------------------------
 * A configuration digest: services and real servers, without counters.
 */
struct line { char s[200]; };
static struct line *lines;
static size_t nlines, cap;

static void add_line(const char *s)
{
	if (nlines == cap) {
		cap = cap ? cap * 2 : 256;
		lines = realloc(lines, cap * sizeof(*lines));
		if (!lines)
			exit(2);
	}
	snprintf(lines[nlines++].s, sizeof(lines[0].s), "%s", s);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->s, ((const struct line *)b)->s);
}

static void fmt_addr(char *o, size_t ol, const uint8_t *p, int len)
{
	inet_ntop(len == 4 ? AF_INET : AF_INET6, p, o, ol);
}

struct svc_ent { char line[200]; uint8_t key[128]; uint32_t keylen; unsigned int ndests; };

/* One service or dest nest as a text line; @e (services) gets the key attrs. */
static void describe(const uint8_t *p, int len, int set, char *o, size_t ol,
		     struct svc_ent *e)
{
	size_t off = 0;

	off += snprintf(o + off, ol - off, "%s", set == S_SVC ? "svc" : "  dest");
	while (len >= (int)NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		unsigned int type = a->nla_type & NLA_TYPE_MASK, plen = a->nla_len - NLA_HDRLEN;
		const struct aspec *s = spec_of(set, type);
		const uint8_t *d = p + NLA_HDRLEN;
		char v[64] = "";

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			break;
		if (s && (!s->reply_only || (set == S_SVC && type == HALB_SVC_A_NUM_DESTS))) {
			if (s->vt == V_BE32 || s->vt == V_ADDR6)
				fmt_addr(v, sizeof(v), d, plen);
			else if (s->vt == V_STR)
				snprintf(v, sizeof(v), "%.*s", (int)plen, d);
			else if (s->vt == V_BE16 && plen == 2)
				snprintf(v, sizeof(v), "%u", ntohs(*(const uint16_t *)d));
			else if (plen == 1)
				snprintf(v, sizeof(v), "%u", *d);
			else if (plen == 2)
				snprintf(v, sizeof(v), "%u", *(const uint16_t *)d);
			else if (plen == 4)
				snprintf(v, sizeof(v), "%u", *(const uint32_t *)d);
			if (off < ol)
				off += snprintf(o + off, ol - off, " %s=%s", s->name, v);
			if (e && (type == HALB_SVC_A_PROTOCOL || type == HALB_SVC_A_ADDR4 ||
				  type == HALB_SVC_A_ADDR6 || type == HALB_SVC_A_PORT ||
				  type == HALB_SVC_A_FWMARK || type == HALB_SVC_A_AF) &&
			    e->keylen + NLA_ALIGN(a->nla_len) <= sizeof(e->key)) {
				memcpy(e->key + e->keylen, p, a->nla_len);
				e->keylen += NLA_ALIGN(a->nla_len);
			}
		}
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

/* Dump @cmd (dests: of service @key) into lines or @svcs; 0 or -errno. */
static int dump_into(int fd, int cmd, const struct svc_ent *key, struct svc_ent **svcs,
		     size_t *nsvc, bool *intr)
{
	struct msg *m = calloc(1, sizeof(*m));
	uint32_t seq = 0x5a000000 | (fuzz_seq++ & 0xffffff);
	ssize_t r;
	int rc = -EIO;

	msg_start(m, family, cmd, NLM_F_REQUEST | NLM_F_DUMP, seq);
	if (key) {
		nest_start(m, HALB_A_SERVICE | NLA_F_NESTED);
		memcpy(m->buf + m->len, key->key, key->keylen);
		m->len += key->keylen;
		nest_end(m);
	}
	msg_finish(m);
	if (send(fd, m->buf, m->len, 0) < 0)
		goto out;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *h;
		int left;

		if (poll(&pfd, 1, (int)(opt.timeout * 1000)) <= 0)
			goto out;
		r = recv(fd, rbuf, sizeof(rbuf), 0);
		if (r <= 0)
			goto out;
		left = r;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			const struct nlattr *a;
			char line[200];

			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				memcpy(&rc, NLMSG_DATA(h), sizeof(rc));
				goto out;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				rc = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				rc = rc ? rc : -EIO;
				goto out;
			}
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			a = (const void *)((const uint8_t *)NLMSG_DATA(h) + GENL_HDRLEN);
			if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) + NLA_HDRLEN)
				continue;
			if (cmd == HALB_CMD_GET_SERVICE && svcs) {
				struct svc_ent *e;

				*svcs = realloc(*svcs, (*nsvc + 1) * sizeof(**svcs));
				e = &(*svcs)[(*nsvc)++];
				memset(e, 0, sizeof(*e));
				describe((const uint8_t *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN,
					 S_SVC, e->line, sizeof(e->line), e);
				{
					const char *nd = strstr(e->line, "num-dests=");

					e->ndests = nd ? atoi(nd + 10) : 0;
				}
			} else {
				describe((const uint8_t *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN,
					 S_DEST, line, sizeof(line), NULL);
				add_line(line);
			}
		}
	}
out:
	free(m);
	return rc;
}

static int cmp_svc(const void *a, const void *b)
{
	return strcmp(((const struct svc_ent *)a)->line, ((const struct svc_ent *)b)->line);
}

/* The canonical listing into lines[]; 0 or -errno.  Retries interrupted dumps. */
static int listing(int fd)
{
	int tries;

	for (tries = 0; tries < 10; tries++) {
		struct svc_ent *svcs = NULL;
		size_t nsvc = 0, i, first;
		bool intr = false;
		int rc;

		nlines = 0;
		rc = dump_into(fd, HALB_CMD_GET_SERVICE, NULL, &svcs, &nsvc, &intr);
		if (rc) {
			free(svcs);
			return rc;
		}
		qsort(svcs, nsvc, sizeof(*svcs), cmp_svc);
		for (i = 0; i < nsvc && rc == 0; i++) {
			add_line(svcs[i].line);
			first = nlines;
			if (svcs[i].ndests)
				rc = dump_into(fd, HALB_CMD_GET_DEST, &svcs[i], NULL, NULL, &intr);
			qsort(lines + first, nlines - first, sizeof(*lines), cmp_line);
		}
		free(svcs);
		if (rc)
			return rc;
		if (!intr)
			return 0;
	}
	return -EIO;
}

static uint64_t digest(int fd)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;
	const char *c;

	if (listing(fd))
		return 0;
	for (i = 0; i < nlines; i++)
		for (c = lines[i].s; *c; c++)
			h = (h ^ (uint8_t)*c) * 1099511628211ULL;
	return h;
}

/* ------------------------------------------------------------------------
 * Sending.
 */
static unsigned long msgno;

static void maybe_verbose(const struct msg *m)
{
	if (msgno >= opt.verbose_from) {
		char what[48];

		snprintf(what, sizeof(what), "message %lu", msgno);
		hexdump(what, m->buf, m->len);
	}
}

/*
 * Send @n messages (in one send if @together), then a NOOP sync request,
 * and check every reply.  Returns false if the socket must be replaced.
 */
static bool transact(int fd, struct msg **ms, int n, bool together, bool eperm_only,
		     bool digest_check)
{
	struct pending pd[BATCH_MAX + 1];
	static uint8_t sbuf[BATCH_MAX * MSG_MAX];
	struct nlmsghdr sync = {
		.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
	};
	uint64_t before = 0, after;
	bool prev_ok = true, ok;
	size_t off = 0;
	int i;

	if (digest_check)
		before = digest(fd);
	for (i = 0; i < n; i++) {
		struct nlmsghdr *h = (void *)ms[i]->buf;
		int j;

		/*
		 * Replies are matched to requests by sequence number: a flawed
		 * one (0, random) must not be another's of the same batch, or a
		 * dump's parts or an error would be judged against the wrong one.
		 */
		for (j = 0; j < i; j++) {
			if (hdr(ms[j])->nlmsg_seq != h->nlmsg_seq)
				continue;
			h->nlmsg_seq = fuzz_seq++;
			if ((h->nlmsg_seq & 0xff000000) == (sync_seq & 0xff000000))
				h->nlmsg_seq ^= 0x10000000;
			j = -1;
		}
		memset(&pd[i], 0, sizeof(pd[i]));
		pd[i].m = ms[i];
		pd[i].is_dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
		pd[i].terminal_due = terminal_guaranteed(ms[i], prev_ok);
		maybe_verbose(ms[i]);
		msgno++;
		if (together) {
			/* a message whose length is off ends the kernel's walk of the send */
			if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > ms[i]->len ||
			    NLMSG_ALIGN(ms[i]->len) != NLMSG_ALIGN(h->nlmsg_len))
				prev_ok = false;
			memcpy(sbuf + off, ms[i]->buf, ms[i]->len);
			off += NLMSG_ALIGN(ms[i]->len);
		} else if (send(fd, ms[i]->buf, ms[i]->len, 0) < 0) {
			failure("send: %s", strerror(errno));
			return false;
		} else {
			st.sends++;
		}
	}
	if (together) {
		if (send(fd, sbuf, off, 0) < 0) {
			failure("send: %s", strerror(errno));
			return false;
		}
		st.sends++;
	}
	/* a sync request only where some request may go unanswered */
	for (i = 0; i < n; i++)
		if (!pd[i].terminal_due)
			break;
	if (i < n) {
		sync.nlmsg_seq = ++sync_seq;
		if (send(fd, &sync, sizeof(sync), 0) < 0) {
			failure("send sync: %s", strerror(errno));
			return false;
		}
	}
	ok = collect(fd, pd, n, i < n ? sync.nlmsg_seq : 0, NULL, prev_ok);
	for (i = 0; i < n; i++)
		judge(&pd[i], eperm_only, n > 1);
	st.batches++;
	if (ok && digest_check && n == 1 && pd[0].done && pd[0].err) {
		st.digest_checks++;
		after = digest(fd);
		if (before && after && before != after) {
			failure("a request rejected with %s changed the tables",
				errname(pd[0].err) ?: "?");
			report_batch(pd, 1);
		}
	}
	/* after a mis-framed send, a fresh socket: no stray reply can follow */
	return ok && prev_ok;
}

/* ------------------------------------------------------------------------
 * The baseline: live services and real servers kept in place so that the
 * requests that pass validation have something to act on.
 */
static void valid_svc(struct msg *m, int cmd, const struct addr *va, int proto, uint16_t port,
		      const char *sched)
{
	msg_start(m, family, cmd, NLM_F_REQUEST | NLM_F_ACK, fuzz_seq++);
	nest_start(m, HALB_A_SERVICE | NLA_F_NESTED);
	put(m, HALB_SVC_A_PROTOCOL, &(uint8_t){ proto }, 1);
	put(m, va->af == AF_INET ? HALB_SVC_A_ADDR4 : HALB_SVC_A_ADDR6, va->b,
	    va->af == AF_INET ? 4 : 16);
	put(m, HALB_SVC_A_PORT, &(uint16_t){ htons(port) }, 2);
	if (sched)
		put(m, HALB_SVC_A_SCHED_NAME, sched, strlen(sched) + 1);
	nest_end(m);
}

static void valid_dest(struct msg *m, const struct addr *ra, uint16_t port, uint8_t fwd,
		       uint32_t weight)
{
	nest_start(m, HALB_A_DEST | NLA_F_NESTED);
	put(m, ra->af == AF_INET ? HALB_DEST_A_ADDR4 : HALB_DEST_A_ADDR6, ra->b,
	    ra->af == AF_INET ? 4 : 16);
	put(m, HALB_DEST_A_PORT, &(uint16_t){ htons(port) }, 2);
	put(m, HALB_DEST_A_FWD_METHOD, &fwd, 1);
	put(m, HALB_DEST_A_WEIGHT, &weight, 4);
	nest_end(m);
}

static struct msg *scratch[BATCH_MAX];

static int baseline(int fd, bool full)
{
	unsigned int i, j, k;
	int sent = 0;

	for (i = 0; i < nvaddr; i++) {
		for (k = 0; k < 2; k++) {
			int proto = k ? IPPROTO_UDP : IPPROTO_TCP;
			uint16_t port = k ? 53 : 80;

			valid_svc(scratch[0], HALB_CMD_NEW_SERVICE, &vaddrs[i], proto, port,
				  k ? "wrr" : "rr");
			msg_finish(scratch[0]);
			if (!transact(fd, scratch, 1, false, false, false))
				return -1;
			for (j = 0; j < nraddr; j++) {
				if (raddrs[j].af != vaddrs[i].af)
					continue;
				valid_svc(scratch[0], HALB_CMD_NEW_DEST, &vaddrs[i], proto, port, NULL);
				valid_dest(scratch[0], &raddrs[j], port,
					   j % 2 ? HALB_FWD_NAT : HALB_FWD_DR, 1 + j);
				msg_finish(scratch[0]);
				if (!transact(fd, scratch, 1, false, false, false))
					return -1;
				sent++;
			}
		}
	}
	if (!full || !nvaddr)
		return sent;
	/* many services, one with many real servers: dumps of several parts */
	for (i = 0; i < opt.bulk; i++) {
		valid_svc(scratch[i % BATCH_MAX], HALB_CMD_NEW_SERVICE, &vaddrs[0], IPPROTO_UDP,
			  BULK_PORT + i, "rr");
		msg_finish(scratch[i % BATCH_MAX]);
		if (i % BATCH_MAX == BATCH_MAX - 1 || i == opt.bulk - 1) {
			if (!transact(fd, scratch, i % BATCH_MAX + 1, true, false, false))
				return -1;
		}
	}
	for (i = 0; opt.bulk && i < 100; i++) {
		const struct addr *ra = &raddrs[0];

		valid_svc(scratch[0], HALB_CMD_NEW_DEST, &vaddrs[0], IPPROTO_UDP, BULK_PORT, NULL);
		valid_dest(scratch[0], ra, BULK_DEST_PORT + i, HALB_FWD_NAT, 1 + i);
		msg_finish(scratch[0]);
		if (!transact(fd, scratch, 1, false, false, false))
			return -1;
	}
	return sent;
}

/* ------------------------------------------------------------------------
 * Dumps interrupted midway.
 */
static int dump_cmd(void)
{
	static const int d[] = { HALB_CMD_GET_SERVICE, HALB_CMD_GET_DEST, HALB_CMD_GET_CONN };

	return d[rnd(3)];
}

static void dump_request(struct msg *m, int cmd)
{
	if (cmd == HALB_CMD_GET_DEST && nvaddr) {
		valid_svc(m, cmd, &vaddrs[0], IPPROTO_UDP, chance(50) ? BULK_PORT : 53, NULL);
		hdr(m)->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	} else {
		msg_start(m, family, cmd, NLM_F_REQUEST | NLM_F_DUMP, fuzz_seq++);
	}
	msg_finish(m);
}

/* Returns the (possibly new) main socket. */
static int special(int fd, bool eperm_only)
{
	struct msg *m = scratch[0];
	int kind = rnd(5), cmd = dump_cmd(), s2, i;
	ssize_t r;

	st.specials++;
	dump_request(m, cmd);
	maybe_verbose(m);
	msgno++;
	switch (kind) {
	case 0:		/* read one part, close the socket */
	case 1:		/* close without reading anything */
		s2 = nl_open(1, chance(50) ? 4096 : 0);
		if (send(s2, m->buf, m->len, 0) < 0)
			failure("send: %s", strerror(errno));
		if (kind == 0) {
			struct pollfd pfd = { .fd = s2, .events = POLLIN };

			if (poll(&pfd, 1, (int)(opt.timeout * 1000)) <= 0) {
				failure("no first part of an interrupted %s dump", cmds[cmd].name);
				hexdump("request", m->buf, m->len);
			} else {
				r = recv(s2, rbuf, chance(50) ? 256 : sizeof(rbuf), MSG_DONTWAIT);
				(void)r;
			}
		}
		close(s2);
		return fd;
	case 2:		/* another request on the socket while the dump is running */
	case 3:		/* the tables change between two parts */
	case 4: {	/* two dumps on one socket */
		struct pending pd[2];
		struct msg *m2 = scratch[1];
		bool intr = false, ok;

		memset(pd, 0, sizeof(pd));
		if (send(fd, m->buf, m->len, 0) < 0)
			failure("send: %s", strerror(errno));
		pd[0].m = m;
		pd[0].is_dump = true;
		pd[0].terminal_due = true;
		if (kind == 4)
			dump_request(m2, dump_cmd());
		else
			gen_request(m2, kind == 3 ? (chance(50) ? HALB_CMD_NEW_SERVICE :
						     HALB_CMD_DEL_SERVICE) : pick_cmd(false),
				    kind == 3);
		if (kind == 3 && nvaddr && chance(70)) {
			/* a bulk service: certain to sit inside a services dump */
			int c = chance(50) ? HALB_CMD_NEW_SERVICE : HALB_CMD_DEL_SERVICE;

			valid_svc(m2, c, &vaddrs[0], IPPROTO_UDP, BULK_PORT + rnd(opt.bulk ?: 1),
				  c == HALB_CMD_NEW_SERVICE ? "rr" : NULL);
			msg_finish(m2);
		}
		if (nprotect && mutating(m2) && (touches_protected(m2) ||
		    (m2->len >= NLMSG_LENGTH(GENL_HDRLEN) &&
		     ((struct genlmsghdr *)NLMSG_DATA(hdr(m2)))->cmd == HALB_CMD_FLUSH))) {
			st.skipped_protect++;
			dump_request(m2, HALB_CMD_GET_CONN);
		}
		/* let the first part arrive, but read nothing yet */
		{
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			poll(&pfd, 1, (int)(opt.timeout * 1000));
		}
		maybe_verbose(m2);
		msgno++;
		if (send(fd, m2->buf, m2->len, 0) < 0)
			failure("send: %s", strerror(errno));
		pd[1].m = m2;
		pd[1].is_dump = (hdr(m2)->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
		pd[1].terminal_due = terminal_guaranteed(m2, true);
		{
			struct nlmsghdr sync = {
				.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP,
				.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = ++sync_seq,
			};

			if (send(fd, &sync, sizeof(sync), 0) < 0)
				failure("send: %s", strerror(errno));
			ok = collect(fd, pd, 2, sync.nlmsg_seq, &intr, true);
		}
		for (i = 0; i < 2; i++)
			judge(&pd[i], eperm_only, true);
		if (!ok) {
			close(fd);
			return main_open();
		}
		return fd;
	}
	}
	return fd;
}

/* ------------------------------------------------------------------------
 * Setup and the main loop.
 */
static int resolve_family(int fd)
{
	struct msg m;
	struct nlmsghdr *h;
	ssize_t n;
	int left;

	msg_start(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST, 1);
	put(&m, CTRL_ATTR_FAMILY_NAME, HALB_GENL_NAME, sizeof(HALB_GENL_NAME));
	msg_finish(&m);
	if (send(fd, m.buf, m.len, 0) < 0)
		return -1;
	n = recv(fd, rbuf, sizeof(rbuf), 0);
	if (n < 0)
		return -1;
	for (h = (struct nlmsghdr *)rbuf, left = n; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
		int al = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		if (h->nlmsg_type != GENL_ID_CTRL)
			return -1;
		while (al >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN) {
			if (a->nla_type == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)a + NLA_HDRLEN);
			al -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
		}
	}
	return -1;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * --userns: become an unprivileged user (uid --as, when started as root),
 * then root of a new user namespace, in a new network namespace ("own") or
 * in the one we are in ("foreign", which that user namespace does not own).
 * create_user_ns() refuses a chrooted caller, and the guest runs the tests
 * in a chroot: root leaves it for pid 1's root first and comes back to it
 * once inside the user namespace.
 */
static int enter_userns(void)
{
	bool own = !strcmp(opt.userns, "own");
	int rootfd = -1;
	char map[64];
	uid_t uid;
	gid_t gid;

	if (!own && strcmp(opt.userns, "foreign"))
		return -1;
	if (getuid() == 0) {
		rootfd = open("/", O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0 || chroot("/proc/1/root") ||
		    setgroups(0, NULL) || setgid(opt.as_uid) || setuid(opt.as_uid)) {
			perror("nlfuzz: dropping to an unprivileged user");
			return -1;
		}
		/* setuid() made us undumpable: the id map files would be root's */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	}
	uid = getuid();
	gid = getgid();
	if (unshare(CLONE_NEWUSER | (own ? CLONE_NEWNET : 0))) {
		perror("nlfuzz: unshare");
		return -1;
	}
	if (rootfd >= 0 && (fchdir(rootfd) || chroot(".") || chdir("/"))) {
		perror("nlfuzz: back to the test root");
		return -1;
	}
	if (rootfd >= 0)
		close(rootfd);
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", map)) {
		perror("nlfuzz: uid_map");
		return -1;
	}
	snprintf(map, sizeof(map), "0 %u 1", gid);
	if (write_file("/proc/self/gid_map", map)) {
		perror("nlfuzz: gid_map");
		return -1;
	}
	printf("# nlfuzz: uid %u (%u outside), a new user namespace, %s network namespace\n",
	       getuid(), uid, own ? "a new" : "the caller's");
	return 0;
}

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void usage(void)
{
	fprintf(stderr,
		"usage: nlfuzz [--seed N] [--seconds S] [--count N] [--mode mix|valid|structured|raw]\n"
		"              [--vip ADDR]... [--rs ADDR]... [--protect ADDR]... [--bulk N]\n"
		"              [--expect-eperm] [--timeout S] [--verbose-from N] [--quiet]\n"
		"              [--jobs N] [--userns own|foreign [--as UID]]\n"
		"       nlfuzz --list\n");
	exit(2);
}

static void summary(double t)
{
	unsigned int e, c;

	printf("# nlfuzz: seed %llu (%u workers): %lu messages in %lu batches (%lu sends, %lu special) "
	       "in %.1f s: %.0f msg/s\n", (unsigned long long)opt.seed, opt.jobs, st.msgs, st.batches,
	       st.sends, st.specials, t, t > 0 ? st.msgs / t : 0.0);
	printf("# nlfuzz: replies: %lu acks/errors, %lu data (%lu dump parts, %lu interrupted), "
	       "%lu done; %lu timeouts; %lu digest checks; %lu skipped (protected); "
	       "%lu baseline requests\n", st.acks, st.data, st.dump_parts, st.intr, st.dones,
	       st.timeouts, st.digest_checks, st.skipped_protect, st.baseline);
	printf("# nlfuzz: errno:");
	for (e = 0; e < 256; e++)
		if (st.errno_hist[e]) {
			const char *n = errname(e);

			if (n)
				printf(" %s=%lu", n, st.errno_hist[e]);
			else
				printf(" %u=%lu", e, st.errno_hist[e]);
		}
	printf("\n# nlfuzz: succeeded:");
	for (c = 1; c <= HALB_CMD_MAX; c++)
		if (known_cmd(c))
			printf(" %s=%lu", cmds[c].name, st.ok_cmd[c]);
	printf("\n");
	if (st.unknown_reply_attr)
		printf("# nlfuzz: %lu reply attributes have no line in nlfuzz's tables\n",
		       st.unknown_reply_attr);
	printf("# nlfuzz: %lu failures\n", st.failures);
}

/* The main loop of one worker; returns its (maybe new) socket. */
static int fuzz(int fd, double *elapsed)
{
	double start, t, last_progress;
	unsigned long iter;

	start = last_progress = now();
	for (iter = 0; !stop; iter++) {
		int n = 1, k, mode = opt.mode;
		bool together = false, dig = false;

		t = now() - start;
		if ((opt.count && st.msgs >= opt.count) || (!opt.count && t >= opt.seconds))
			break;
		if (!opt.quiet && !worker && now() - last_progress >= 10) {
			last_progress = now();
			printf("# nlfuzz: %.0f s, %lu messages, %lu failures\n", t, st.msgs,
			       st.failures);
			fflush(stdout);
		}
		/* keep the baseline alive: the valid requests then have targets */
		if (!opt.expect_eperm && iter % 2000 == 1999) {
			int b = baseline(fd, false);

			if (b < 0) {
				close(fd);
				fd = main_open();
			} else {
				st.baseline += b;
			}
			continue;
		}
		if (chance(2)) {
			fd = special(fd, opt.expect_eperm);
			continue;
		}
		if (chance(15)) {
			n = 2 + rnd(BATCH_MAX - 1);
			together = chance(80);
		}
		for (k = 0; k < n; k++) {
			struct msg *m = batch_msgs[k];
			bool valid;
			int cmd;

			if (mode == 0)
				mode = chance(45) ? 1 : chance(75) ? 2 : 3;
			/* a length flaw inside a joint send could hide a FLUSH */
			if (mode == 3 && together && nprotect)
				mode = 2;
			valid = mode == 1;
			cmd = pick_cmd(valid);
			gen_request(m, cmd, valid);
			if (mode == 3)
				mutate_bytes(m);
			mode = opt.mode;
			if (nprotect && mutating(m) &&
			    (touches_protected(m) || (m->len >= NLMSG_LENGTH(GENL_HDRLEN) &&
			     ((struct genlmsghdr *)NLMSG_DATA(hdr(m)))->cmd == HALB_CMD_FLUSH))) {
				st.skipped_protect++;
				k--;
				continue;
			}
		}
		/* a sample of single requests that would change things */
		if (n == 1 && !opt.expect_eperm && opt.jobs == 1 && mutating(batch_msgs[0]) &&
		    iter % 64 == 7)
			dig = true;
		if (!transact(fd, batch_msgs, n, together, opt.expect_eperm, dig)) {
			close(fd);
			fd = main_open();
		}
	}
	*elapsed = now() - start;
	return fd;
}

int main(int argc, char **argv)
{
	double t;
	int fd, i;

	opt.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		struct addr ad;

		if (!strcmp(a, "--list")) { opt.list = true; continue; }
		if (!strcmp(a, "--expect-eperm")) { opt.expect_eperm = true; continue; }
		if (!strcmp(a, "--quiet")) { opt.quiet = true; continue; }
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--seed"))
			opt.seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--seconds"))
			opt.seconds = atof(v);
		else if (!strcmp(a, "--count"))
			opt.count = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--userns"))
			opt.userns = v;
		else if (!strcmp(a, "--as"))
			opt.as_uid = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--jobs"))
			opt.jobs = atoi(v) < 1 ? 1 : atoi(v) > 16 ? 16 : atoi(v);
		else if (!strcmp(a, "--bulk"))
			opt.bulk = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--timeout"))
			opt.timeout = atof(v);
		else if (!strcmp(a, "--verbose-from"))
			opt.verbose_from = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--mode")) {
			static const char *const modes[] = { "mix", "valid", "structured", "raw" };

			for (opt.mode = 0; opt.mode < 4 && strcmp(modes[opt.mode], v); opt.mode++)
				;
			if (opt.mode == 4)
				usage();
		} else if (!strcmp(a, "--vip") || !strcmp(a, "--rs") || !strcmp(a, "--protect")) {
			if (!parse_addr(v, &ad))
				usage();
			if (a[2] == 'v' && nvaddr < POOL_MAX)
				vaddrs[nvaddr++] = ad;
			else if (a[2] == 'r' && nraddr < POOL_MAX)
				raddrs[nraddr++] = ad;
			else if (a[2] == 'p' && nprotect < POOL_MAX)
				protect[nprotect++] = ad;
		} else {
			usage();
		}
	}
	rng = opt.seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < BATCH_MAX; i++) {
		batch_msgs[i] = calloc(1, sizeof(struct msg));
		scratch[i] = calloc(1, sizeof(struct msg));
		if (!batch_msgs[i] || !scratch[i])
			return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	if (opt.userns && enter_userns())
		return 2;
	fd = main_open();
	family = resolve_family(fd);
	if (family < 0) {
		printf("# nlfuzz: family %s not registered\n", HALB_GENL_NAME);
		return 2;
	}
	if (opt.list) {
		size_t l;

		i = listing(fd);
		if (i) {
			fprintf(stderr, "nlfuzz: listing failed: %s\n", strerror(-i));
			return 1;
		}
		for (l = 0; l < nlines; l++)
			printf("%s\n", lines[l].s);
		return 0;
	}
	if (!nvaddr) {
		parse_addr("203.0.113.2", &vaddrs[nvaddr++]);
		parse_addr("2001:db8:100::2", &vaddrs[nvaddr++]);
	}
	if (!nraddr) {
		static const char *const d[] = {
			"192.0.2.11", "192.0.2.12", "192.0.2.13",
			"2001:db8:2::11", "2001:db8:2::12", "2001:db8:2::13",
		};
		for (i = 0; i < (int)ARRAY_SIZE(d); i++)
			parse_addr(d[i], &raddrs[nraddr++]);
	}
	printf("# nlfuzz: seed %llu, family %d, %s, %.0f s%s\n", (unsigned long long)opt.seed,
	       family, opt.expect_eperm ? "expecting EPERM" : "privileged", opt.seconds,
	       nprotect ? ", protected addresses untouched" : "");
	fflush(stdout);

	if (!opt.expect_eperm) {
		int n = baseline(fd, true);

		if (n < 0) {
			summary(0);
			return 1;
		}
		st.baseline += n;
	}

	if (opt.jobs == 1) {
		fd = fuzz(fd, &t);
	} else {
		struct stats *shared = mmap(NULL, sizeof(*shared) * opt.jobs,
					    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		double t0 = now();
		unsigned int w, j;

		if (shared == MAP_FAILED)
			return 2;
		memset(shared, 0, sizeof(*shared) * opt.jobs);
		fflush(stdout);
		for (w = 0; w < opt.jobs; w++) {
			pid_t pid = fork();

			if (pid < 0)
				return 2;
			if (pid == 0) {
				worker = w;
				rng = opt.seed + w;
				memset(&st, 0, sizeof(st));
				close(fd);
				fd = fuzz(main_open(), &t);
				shared[w] = st;
				_exit(0);
			}
		}
		while (wait(NULL) > 0 || errno == EINTR)
			;
		/* the counters of every worker, added up */
		for (w = 0; w < opt.jobs; w++)
			for (j = 0; j < sizeof(st) / sizeof(unsigned long); j++)
				((unsigned long *)&st)[j] += ((unsigned long *)&shared[w])[j];
		t = now() - t0;
	}
	/* the tables must still answer (and still refuse the unprivileged) */
	i = listing(fd);
	if (opt.expect_eperm && i != -EPERM)
		failure("listing without CAP_NET_ADMIN gave %d, not -EPERM", i);
	else if (!opt.expect_eperm && i)
		failure("the listing fails after fuzzing (%d)", i);
	else if (!opt.expect_eperm)
		printf("# nlfuzz: afterwards %zu lines in the listing\n", nlines);
	summary(t);
	return st.failures ? 1 : 0;
}
