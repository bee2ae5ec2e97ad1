// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl: the ipvsadm command line.
 *
 * ipvsadm parses with popt: short options cluster ("-Ln", "-At addr"),
 * a value is attached or the next word, and -p takes the next word only
 * if it does not start with '-'.  The parser below reproduces that, then
 * checks the option/command combinations the way ipvsadm's
 * commands_v_options table does, so a script written for ipvsadm is
 * accepted or refused alike.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "halbctl/args.h"

enum {
	TAG_STATS = 256,
	TAG_RATE,
	TAG_THRESHOLDS,
	TAG_NOSORT,
	TAG_SORT,
	TAG_NO_BATCH,
	TAG_TUN_TYPE,
	TAG_PERSISTCONN,
	TAG_SCHED_FLAGS,
	TAG_NODEST,
	TAG_MH_SIZE,
	TAG_STANDBY,
	TAG_NO_STANDBY,
	TAG_LADDR,
	TAG_CLIENT_ADDR,
	TAG_UNSUPPORTED,
};

enum arg_kind { ARG_NONE, ARG_REQ, ARG_OPT };

struct opt_def {
	const char *lname;
	int sname;		/* 0: long only */
	enum arg_kind arg;
	int id;
};

static const struct opt_def opt_defs[] = {
	{ "add-service",	'A', ARG_NONE, 'A' },
	{ "edit-service",	'E', ARG_NONE, 'E' },
	{ "delete-service",	'D', ARG_NONE, 'D' },
	{ "clear",		'C', ARG_NONE, 'C' },
	{ "list",		'L', ARG_NONE, 'L' },
	{ "list",		'l', ARG_NONE, 'L' },
	{ "zero",		'Z', ARG_NONE, 'Z' },
	{ "add-server",		'a', ARG_NONE, 'a' },
	{ "edit-server",	'e', ARG_NONE, 'e' },
	{ "delete-server",	'd', ARG_NONE, 'd' },
	{ "help",		'h', ARG_NONE, 'h' },
	{ "version",		'v', ARG_NONE, 'v' },
	{ "restore",		'R', ARG_NONE, 'R' },
	{ "save",		'S', ARG_NONE, 'S' },
	{ "tcp-service",	't', ARG_REQ, 't' },
	{ "udp-service",	'u', ARG_REQ, 'u' },
	{ "fwmark-service",	'f', ARG_REQ, 'f' },
	{ "scheduler",		's', ARG_REQ, 's' },
	{ "persistent",		'p', ARG_OPT, 'p' },
	{ "netmask",		'M', ARG_REQ, 'M' },
	{ "real-server",	'r', ARG_REQ, 'r' },
	{ "masquerading",	'm', ARG_NONE, 'm' },
	{ "ipip",		'i', ARG_NONE, 'i' },
	{ "gatewaying",		'g', ARG_NONE, 'g' },
	/*
	 * -b is ipvsadm's --sched-flags after -A/-E, and halb's --fullnat
	 * after -a/-e (ipvsadm has no FULLNAT): see parse_short().
	 */
	{ "fullnat",		'b', ARG_NONE, 'b' },
	{ "sched-flags",	0, ARG_REQ, TAG_SCHED_FLAGS },
	{ "weight",		'w', ARG_REQ, 'w' },
	{ "u-threshold",	'x', ARG_REQ, 'x' },
	{ "l-threshold",	'y', ARG_REQ, 'y' },
	{ "numeric",		'n', ARG_NONE, 'n' },
	{ "connection",		'c', ARG_NONE, 'c' },
	{ "ipv6",		'6', ARG_NONE, '6' },
	{ "json",		'j', ARG_NONE, 'j' },
	{ "exact",		'X', ARG_NONE, 'X' },
	{ "stats",		0, ARG_NONE, TAG_STATS },
	{ "rate",		0, ARG_NONE, TAG_RATE },
	{ "thresholds",		0, ARG_NONE, TAG_THRESHOLDS },
	{ "nosort",		0, ARG_NONE, TAG_NOSORT },
	{ "sort",		0, ARG_NONE, TAG_SORT },
	{ "ops",		'o', ARG_NONE, 'o' },
	{ "persistent-conn",	0, ARG_NONE, TAG_PERSISTCONN },
	/* halb's own */
	{ "nodest-policy",	0, ARG_REQ, TAG_NODEST },
	{ "mh-size",		0, ARG_REQ, TAG_MH_SIZE },
	{ "standby",		0, ARG_NONE, TAG_STANDBY },
	{ "no-standby",		0, ARG_NONE, TAG_NO_STANDBY },
	{ "laddr",		0, ARG_REQ, TAG_LADDR },
	{ "client-addr",	0, ARG_REQ, TAG_CLIENT_ADDR },
	{ "no-batch",		0, ARG_NONE, TAG_NO_BATCH },
	/* ipvsadm options halb has no counterpart for (yet) */
	{ "pe",			0, ARG_REQ, TAG_UNSUPPORTED },
	{ "timeout",		0, ARG_NONE, TAG_UNSUPPORTED },
	{ "daemon",		0, ARG_NONE, TAG_UNSUPPORTED },
	{ "set",		0, ARG_NONE, TAG_UNSUPPORTED },
	{ "start-daemon",	0, ARG_REQ, TAG_UNSUPPORTED },
	{ "stop-daemon",	0, ARG_REQ, TAG_UNSUPPORTED },
	{ "mcast-interface",	0, ARG_REQ, TAG_UNSUPPORTED },
	{ "syncid",		0, ARG_REQ, TAG_UNSUPPORTED },
	{ "tun-type",		0, ARG_REQ, TAG_TUN_TYPE },
};

#define N_OPT_DEFS	(sizeof(opt_defs) / sizeof(opt_defs[0]))

/* ipvsadm's names, used in its error messages and so in ours. */
static const char *const cmd_names[] = {
	[HALBCTL_CMD_NONE]	= "none",
	[HALBCTL_CMD_ADD_SVC]	= "add-service",
	[HALBCTL_CMD_EDIT_SVC]	= "edit-service",
	[HALBCTL_CMD_DEL_SVC]	= "delete-service",
	[HALBCTL_CMD_FLUSH]	= "flush",
	[HALBCTL_CMD_LIST]	= "list",
	[HALBCTL_CMD_ADD_DEST]	= "add-server",
	[HALBCTL_CMD_DEL_DEST]	= "delete-server",
	[HALBCTL_CMD_EDIT_DEST]	= "edit-server",
	[HALBCTL_CMD_RESTORE]	= "restore",
	[HALBCTL_CMD_SAVE]	= "save",
	[HALBCTL_CMD_ZERO]	= "zero",
	[HALBCTL_CMD_HELP]	= "help",
	[HALBCTL_CMD_VERSION]	= "version",
};

static const char *const opt_names[HALBCTL_OPT_COUNT] = {
	"numeric", "connection", "service-address", "scheduler",
	"persistent", "netmask", "real-server", "forwarding-method",
	"weight", "u-threshold", "l-threshold", "stats", "rate",
	"thresholds", "nosort", "exact", "json", "ipv6", "ops",
	"sched-flags", "persistent-conn", "nodest-policy", "mh-size",
	"standby", "laddr", "client-addr", "no-batch",
};

#define O(x)	HALBCTL_OPT_##x

/* What -A and -E take. */
#define SVC_ATTR_OPTS	(O(SERVICE) | O(SCHEDULER) | O(PERSISTENT) | \
			 O(NETMASK) | O(IPV6) | O(ONEPACKET) | \
			 O(SCHED_FLAGS) | O(NODEST) | O(MH_SIZE) | \
			 O(STANDBY) | O(LADDR) | O(CLIENT_ADDR))

/* Which options each command takes, after ipvsadm's commands_v_options. */
static const struct {
	unsigned int allowed;
	unsigned int required;
} cmd_opts[] = {
	[HALBCTL_CMD_ADD_SVC]	= { SVC_ATTR_OPTS, O(SERVICE) },
	[HALBCTL_CMD_EDIT_SVC]	= { SVC_ATTR_OPTS, O(SERVICE) },
	[HALBCTL_CMD_DEL_SVC]	= { O(SERVICE) | O(IPV6), O(SERVICE) },
	[HALBCTL_CMD_FLUSH]	= { 0, 0 },
	[HALBCTL_CMD_LIST]	= { O(NUMERIC) | O(CONNECTION) | O(SERVICE) |
				    O(STATS) | O(RATE) | O(THRESHOLDS) |
				    O(NOSORT) | O(EXACT) | O(JSON) | O(IPV6) |
				    O(PERSISTCONN), 0 },
	[HALBCTL_CMD_ADD_DEST]	= { O(SERVICE) | O(SERVER) | O(FORWARD) |
				    O(WEIGHT) | O(UTHRESH) | O(LTHRESH) |
				    O(IPV6), O(SERVICE) | O(SERVER) },
	[HALBCTL_CMD_DEL_DEST]	= { O(SERVICE) | O(SERVER) | O(IPV6),
				    O(SERVICE) | O(SERVER) },
	[HALBCTL_CMD_EDIT_DEST]	= { O(SERVICE) | O(SERVER) | O(FORWARD) |
				    O(WEIGHT) | O(UTHRESH) | O(LTHRESH) |
				    O(IPV6), O(SERVICE) | O(SERVER) },
	[HALBCTL_CMD_RESTORE]	= { O(NO_BATCH), 0 },
	[HALBCTL_CMD_SAVE]	= { O(NUMERIC), 0 },
	[HALBCTL_CMD_ZERO]	= { O(SERVICE) | O(IPV6), 0 },
	[HALBCTL_CMD_HELP]	= { ~0U, 0 },
	[HALBCTL_CMD_VERSION]	= { ~0U, 0 },
};

struct parser {
	struct halbctl_args *a;
	char *err;
	size_t errlen;
	const char *svc_arg;	/* for messages */
	const char *dest_arg;
	const char *netmask_arg;
	const char *sched_flags_arg;
	long timeout;
	bool fwmark;
	bool standby;
	int laddr_af[HALB_LADDRS_MAX];	/* family of each --laddr */
};

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Whole-string decimal in [min, max]; no sign, no spaces. */
static int parse_num(const char *s, long long min, long long max, long *out)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int halbctl_parse_addrport(const char *s, int *af, union halb_addr *addr,
			   uint16_t *port, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *pstr = NULL, *end;
	size_t len;
	long v;

	*port = 0;
	memset(addr, 0, sizeof(*addr));
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return errf(err, errlen, "missing ']' in '%s'", s);
		len = end - s - 1;
		if (end[1] == ':')
			pstr = end + 2;
		else if (end[1])
			return errf(err, errlen,
				    "unexpected '%s' after ']' in '%s'",
				    end + 1, s);
		if (len >= sizeof(host) ||
		    (memcpy(host, s + 1, len), host[len] = '\0',
		     inet_pton(AF_INET6, host, &addr->v6) != 1))
			return errf(err, errlen,
				    "invalid IPv6 address in '%s'", s);
		*af = AF_INET6;
	} else {
		end = strchr(s, ':');
		if (end && strchr(end + 1, ':')) {
			/* bare IPv6, no port possible: as ipvsadm */
			if (inet_pton(AF_INET6, s, &addr->v6) != 1)
				return errf(err, errlen,
					    "invalid IPv6 address '%s'", s);
			*af = AF_INET6;
			return 0;
		}
		len = end ? (size_t)(end - s) : strlen(s);
		if (end)
			pstr = end + 1;
		if (len >= sizeof(host))
			len = sizeof(host) - 1;
		memcpy(host, s, len);
		host[len] = '\0';
		if (inet_pton(AF_INET, host, &addr->v4) != 1) {
			if (!host[0])
				return errf(err, errlen,
					    "missing address in '%s'", s);
			return errf(err, errlen,
				    "'%s' is not a numeric IP address (host names are not resolved)",
				    host);
		}
		*af = AF_INET;
	}
	if (pstr) {
		if (parse_num(pstr, 0, 65535, &v) < 0)
			return errf(err, errlen, "invalid port '%s' in '%s'",
				    pstr, s);
		*port = v;
	}
	return 0;
}

static bool is_prime(unsigned long n)
{
	unsigned long i;

	if (n < 2)
		return false;
	for (i = 2; i * i <= n; i++)
		if (n % i == 0)
			return false;
	return true;
}

const char *halbctl_nodest_name(uint8_t policy)
{
	static const char *const names[] = {
		[HALB_NODEST_KEEP]		= "keep",
		[HALB_NODEST_EXPIRE]		= "expire",
		[HALB_NODEST_RESET]		= "reset",
		[HALB_NODEST_RESCHEDULE]	= "reschedule",
	};

	return policy <= HALB_NODEST_MAX ? names[policy] : NULL;
}

/*
 * ipvsadm's scheduler flags.  IPVS has three generic bits, named after
 * what sh and mh make of them; halb has the first two, fallback and port.
 * flag-3 (IP_VS_SVC_F_SCHED3) no IPVS scheduler reads, and halb has not.
 */
static const struct {
	const char *name;
	const char *sched;	/* NULL: any scheduler */
	uint32_t flag;
} sched_flag_names[] = {
	{ "sh-fallback",	"sh", HALB_SVC_F_HASH_FALLBACK },
	{ "sh-port",		"sh", HALB_SVC_F_HASH_PORT },
	{ "mh-fallback",	"mh", HALB_SVC_F_HASH_FALLBACK },
	{ "mh-port",		"mh", HALB_SVC_F_HASH_PORT },
	{ "flag-1",		NULL, HALB_SVC_F_HASH_FALLBACK },
	{ "flag-2",		NULL, HALB_SVC_F_HASH_PORT },
};

#define N_SCHED_FLAG_NAMES \
	(sizeof(sched_flag_names) / sizeof(sched_flag_names[0]))

/* As ipvsadm's print_sched_flags(): sh and mh names, else flag-N. */
void halbctl_sched_flags_str(const char *sched, uint32_t flags, char *buf,
			     size_t len)
{
	bool own = !strcmp(sched, "sh") || !strcmp(sched, "mh");
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < N_SCHED_FLAG_NAMES; i++) {
		const char *fs = sched_flag_names[i].sched;

		if (!(flags & sched_flag_names[i].flag) ||
		    (own ? !fs || strcmp(fs, sched) : fs != NULL))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%s", used ? "," : "",
				 sched_flag_names[i].name);
	}
}

/* -b LIST, for scheduler @sched, as ipvsadm's parse_sched_flags(). */
static int parse_sched_flags(struct parser *p, const char *arg,
			     const char *sched, uint32_t *out)
{
	const char *s = arg;
	size_t i, len;

	*out = 0;
	while (*s) {
		len = strcspn(s, ",");
		if (!len) {
			s++;
			continue;
		}
		for (i = 0; i < N_SCHED_FLAG_NAMES; i++)
			if (strlen(sched_flag_names[i].name) == len &&
			    !strncmp(s, sched_flag_names[i].name, len))
				break;
		if (i == N_SCHED_FLAG_NAMES) {
			if (len == 6 && !strncmp(s, "flag-3", 6))
				return fail(p, "scheduler flag 'flag-3' in '--sched-flags %s' is not supported by halb",
					    arg);
			return fail(p, "invalid scheduler flag '%.*s' in '--sched-flags %s' (sh-fallback, sh-port, mh-fallback, mh-port, flag-1, flag-2)",
				    (int)len, s, arg);
		}
		if (sched_flag_names[i].sched &&
		    strcmp(sched_flag_names[i].sched, sched))
			return fail(p, "incompatible scheduler flag '%s' in '--sched-flags %s' (scheduler is '%s')",
				    sched_flag_names[i].name, arg, sched);
		*out |= sched_flag_names[i].flag;
		s += len;
		if (*s == ',')
			s++;
	}
	if (!*out)
		return fail(p, "invalid --sched-flags '%s': no flag given", arg);
	return 0;
}

static int set_cmd(struct parser *p, enum halbctl_cmd cmd)
{
	if (p->a->cmd != HALBCTL_CMD_NONE && p->a->cmd != cmd)
		return fail(p, "multiple commands specified");
	p->a->cmd = cmd;
	return 0;
}

static int set_opt(struct parser *p, unsigned int opt)
{
	unsigned int i;

	if (p->a->opts & opt) {
		for (i = 0; !(opt & (1U << i)); i++)
			;
		return fail(p, "multiple '%s' options specified",
			    opt_names[i]);
	}
	p->a->opts |= opt;
	return 0;
}

static int set_fwd(struct parser *p, uint8_t fwd)
{
	if (set_opt(p, O(FORWARD)))
		return -1;
	p->a->dest.fwd = fwd;
	return 0;
}

/* -M: dotted IPv4 mask (contiguous) or a prefix length. */
static int parse_netmask(struct parser *p, const char *s, int af)
{
	struct in_addr m;
	uint32_t h;
	long v;

	/* ipvsadm takes 1-128 for IPv6 */
	if (parse_num(s, af == AF_INET6 ? 1 : 0, af == AF_INET6 ? 128 : 32,
		      &v) == 0) {
		p->a->svc.netmask = v;
		return 0;
	}
	if (af == AF_INET && inet_pton(AF_INET, s, &m) == 1) {
		h = ntohl(m.s_addr);
		/* contiguous (ones then zeros) iff ~h + 1 is a power of 2 */
		if ((~h & (~h + 1)) == 0) {
			for (v = 0; h & 0x80000000U; h <<= 1)
				v++;
			p->a->svc.netmask = v;
			return 0;
		}
	}
	return fail(p, "invalid netmask '%s'", s);
}

/* --laddr ADDR, any number of times: the FULLNAT local address list. */
static int add_laddr(struct parser *p, const char *val)
{
	struct halb_service *s = &p->a->svc;
	char err[128];
	uint16_t port;
	int af;

	if (s->num_laddrs >= HALB_LADDRS_MAX)
		return fail(p, "more than %d --laddr options", HALB_LADDRS_MAX);
	if (halbctl_parse_addrport(val, &af, &s->laddrs[s->num_laddrs], &port,
				   err, sizeof(err)) < 0)
		return fail(p, "invalid --laddr: %s", err);
	if (port)
		return fail(p, "--laddr '%s' takes an address, not a port", val);
	p->laddr_af[s->num_laddrs++] = af;
	s->has |= HALB_SVC_HAS_LADDRS;
	p->a->opts |= O(LADDR);
	return 0;
}

static int handle_opt(struct parser *p, const struct opt_def *d,
		      const char *val, const char *shown)
{
	struct halbctl_args *a = p->a;
	long v;

	switch (d->id) {
	case 'A': return set_cmd(p, HALBCTL_CMD_ADD_SVC);
	case 'E': return set_cmd(p, HALBCTL_CMD_EDIT_SVC);
	case 'D': return set_cmd(p, HALBCTL_CMD_DEL_SVC);
	case 'C': return set_cmd(p, HALBCTL_CMD_FLUSH);
	case 'L': return set_cmd(p, HALBCTL_CMD_LIST);
	case 'Z': return set_cmd(p, HALBCTL_CMD_ZERO);
	case 'a': return set_cmd(p, HALBCTL_CMD_ADD_DEST);
	case 'e': return set_cmd(p, HALBCTL_CMD_EDIT_DEST);
	case 'd': return set_cmd(p, HALBCTL_CMD_DEL_DEST);
	case 'h': return set_cmd(p, HALBCTL_CMD_HELP);
	case 'v': return set_cmd(p, HALBCTL_CMD_VERSION);
	case 'R': return set_cmd(p, HALBCTL_CMD_RESTORE);
	case 'S': return set_cmd(p, HALBCTL_CMD_SAVE);
	case 'f':
		if (set_opt(p, O(SERVICE)))
			return -1;
		p->svc_arg = val;
		p->fwmark = true;
		/* ipvsadm: 1 to UINT_MAX, decimal */
		if (parse_num(val, 1, UINT32_MAX, &v) < 0)
			return fail(p, "invalid fwmark value '%s' (1-%u)", val,
				    UINT32_MAX);
		a->svc.fwmark = v;
		return 0;
	case 't':
	case 'u':
		if (set_opt(p, O(SERVICE)))
			return -1;
		p->svc_arg = val;
		a->svc.protocol = d->id == 't' ? IPPROTO_TCP : IPPROTO_UDP;
		return halbctl_parse_addrport(val, &a->svc.af, &a->svc.addr,
					      &a->svc.port, p->err, p->errlen);
	case 's':
		if (set_opt(p, O(SCHEDULER)))
			return -1;
		if (!val[0] || strlen(val) >= sizeof(a->svc.sched))
			return fail(p, "invalid scheduler name '%s'", val);
		strcpy(a->svc.sched, val);
		return 0;
	case 'p':
		if (set_opt(p, O(PERSISTENT)))
			return -1;
		p->timeout = HALBCTL_DEF_PERSIST;
		if (val && parse_num(val, 1, HALBCTL_MAX_TIMEOUT,
				     &p->timeout) < 0)
			return fail(p, "invalid persistence timeout '%s' (1-%d)",
				    val, HALBCTL_MAX_TIMEOUT);
		return 0;
	case 'M':
		p->netmask_arg = val;
		return set_opt(p, O(NETMASK));
	case 'r':
		if (set_opt(p, O(SERVER)))
			return -1;
		p->dest_arg = val;
		return halbctl_parse_addrport(val, &a->dest.af, &a->dest.addr,
					      &a->dest.port, p->err,
					      p->errlen);
	case 'm': return set_fwd(p, HALB_FWD_NAT);
	case 'i': return set_fwd(p, HALB_FWD_TUN);
	case 'g': return set_fwd(p, HALB_FWD_DR);
	case 'b': return set_fwd(p, HALB_FWD_FULLNAT);
	case 'w':
		if (set_opt(p, O(WEIGHT)))
			return -1;
		if (parse_num(val, 0, HALB_WEIGHT_MAX, &v) < 0)
			return fail(p, "invalid weight '%s' (0-%d)", val,
				    HALB_WEIGHT_MAX);
		a->dest.weight = v;
		return 0;
	case 'x':
	case 'y':
		if (set_opt(p, d->id == 'x' ? O(UTHRESH) : O(LTHRESH)))
			return -1;
		if (parse_num(val, 0, 0x7fffffff, &v) < 0)
			return fail(p, "invalid %s threshold '%s'",
				    d->id == 'x' ? "upper" : "lower", val);
		if (d->id == 'x')
			a->dest.u_thresh = v;
		else
			a->dest.l_thresh = v;
		return 0;
	case 'o': return set_opt(p, O(ONEPACKET));
	case TAG_SCHED_FLAGS:
		p->sched_flags_arg = val;
		return set_opt(p, O(SCHED_FLAGS));
	case TAG_PERSISTCONN: return set_opt(p, O(PERSISTCONN));
	case TAG_NODEST:
		if (set_opt(p, O(NODEST)))
			return -1;
		for (v = 0; v <= HALB_NODEST_MAX; v++)
			if (!strcmp(val, halbctl_nodest_name(v)))
				break;
		if (v > HALB_NODEST_MAX)
			return fail(p, "invalid --nodest-policy '%s' (keep, expire, reset or reschedule)",
				    val);
		a->svc.nodest = v;
		a->svc.has |= HALB_SVC_HAS_NODEST;
		return 0;
	case TAG_MH_SIZE:
		if (set_opt(p, O(MH_SIZE)))
			return -1;
		if (parse_num(val, HALB_MH_SIZE_MIN, HALB_MH_SIZE_MAX, &v) < 0 ||
		    !is_prime(v))
			return fail(p, "invalid --mh-size '%s' (a prime from %d to %d)",
				    val, HALB_MH_SIZE_MIN, HALB_MH_SIZE_MAX);
		a->svc.mh_size = v;
		a->svc.has |= HALB_SVC_HAS_MH_SIZE;
		return 0;
	case TAG_STANDBY:
	case TAG_NO_STANDBY:
		if (a->opts & O(STANDBY))
			return fail(p, "more than one of --standby and --no-standby given");
		p->standby = d->id == TAG_STANDBY;
		return set_opt(p, O(STANDBY));
	case TAG_LADDR:
		return add_laddr(p, val);
	case TAG_CLIENT_ADDR:
		if (set_opt(p, O(CLIENT_ADDR)))
			return -1;
		for (v = 0; v <= HALB_CLIENT_ADDR_MAX; v++)
			if (!strcmp(val, halb_client_addr_name(v)))
				break;
		if (v > HALB_CLIENT_ADDR_MAX)
			return fail(p, "invalid --client-addr '%s' (toa, ppv2 or none)", val);
		a->svc.client_addr = v;
		a->svc.has |= HALB_SVC_HAS_CLIENT_ADDR;
		return 0;
	case 'n': return set_opt(p, O(NUMERIC));
	case 'c': return set_opt(p, O(CONNECTION));
	case '6': return set_opt(p, O(IPV6));
	case 'j': return set_opt(p, O(JSON));
	case 'X': return set_opt(p, O(EXACT));
	case TAG_STATS: return set_opt(p, O(STATS));
	case TAG_RATE: return set_opt(p, O(RATE));
	case TAG_THRESHOLDS: return set_opt(p, O(THRESHOLDS));
	case TAG_NOSORT: return set_opt(p, O(NOSORT));
	case TAG_SORT: return 0;	/* ipvsadm: "does nothing" */
	case TAG_NO_BATCH: return set_opt(p, O(NO_BATCH));
	case TAG_TUN_TYPE:
		/* ipvsadm -S writes "--tun-type ipip"; halb only has ipip */
		if (strcmp(val, "ipip"))
			return fail(p, "tunnel type '%s' is not supported yet",
				    val);
		return 0;
	}
	return fail(p, "option '%s' is not supported yet", shown);
}

/* ipvsadm's generic_opt_check(), with its wording. */
static int check_opts(struct parser *p)
{
	struct halbctl_args *a = p->a;
	unsigned int allowed = cmd_opts[a->cmd].allowed;
	unsigned int required = cmd_opts[a->cmd].required;
	unsigned int i;

	for (i = 0; i < HALBCTL_OPT_COUNT; i++) {
		unsigned int o = 1U << i;

		if ((a->opts & o) && !(allowed & o))
			return fail(p, "Illegal '%s' option with the '%s' command",
				    opt_names[i], cmd_names[a->cmd]);
		if (!(a->opts & o) && (required & o))
			return fail(p, "You need to supply the '%s' option for the '%s' command",
				    opt_names[i], cmd_names[a->cmd]);
	}
	if (a->cmd == HALBCTL_CMD_LIST && (a->opts & O(CONNECTION)) &&
	    (a->opts & O(SERVICE)))
		return fail(p, "The option 'service-address' conflicts with the 'connection' option in the 'list' command");
	if (a->cmd == HALBCTL_CMD_LIST && (a->opts & O(CONNECTION)) &&
	    (a->opts & (O(STATS) | O(RATE) | O(THRESHOLDS))))
		return fail(p, "options conflicts in the list command");
	return 0;
}

/* The service key: -t/-u address and port, or -f mark and -6. */
static int finish_key(struct parser *p)
{
	struct halbctl_args *a = p->a;
	struct halb_service *s = &a->svc;

	if (!(a->opts & O(SERVICE)))
		return 0;
	if (p->fwmark) {
		/* as ipvsadm: an IPv4 fwmark service unless -6 */
		s->af = (a->opts & O(IPV6)) ? AF_INET6 : AF_INET;
		s->protocol = 0;
		return 0;
	}
	if (!s->port)
		return fail(p, "missing port in service address '%s'",
			    p->svc_arg);
	if ((a->opts & O(IPV6)) && s->af != AF_INET6)
		return fail(p, "-6 given but '%s' is not an IPv6 address",
			    p->svc_arg);
	return 0;
}

/* -A/-E: every attribute, as ipvsadm sends them, and halb's own. */
static int finish_svc_attrs(struct parser *p)
{
	struct halbctl_args *a = p->a;
	struct halb_service *s = &a->svc;
	uint32_t sflags;

	/* as ipvsadm: -E sets every attribute, omitted ones to defaults */
	if (!(a->opts & O(SCHEDULER)))
		strcpy(s->sched, HALBCTL_DEF_SCHED);
	s->has |= HALB_SVC_HAS_FLAGS;
	s->netmask = s->af == AF_INET6 ? 128 : 32;
	if (p->netmask_arg && parse_netmask(p, p->netmask_arg, s->af) < 0)
		return -1;
	if (a->opts & O(PERSISTENT)) {
		s->flags |= HALB_SVC_F_PERSISTENT;
		s->timeout = p->timeout;
		s->has |= HALB_SVC_HAS_TIMEOUT | HALB_SVC_HAS_NETMASK;
	} else {
		s->netmask = 0;
	}
	if (a->opts & O(ONEPACKET)) {
		/* ipvsadm's check and wording; fwmark services may have it */
		if (!p->fwmark && s->protocol != IPPROTO_UDP)
			return fail(p, "One-Packet Scheduling is only for UDP virtual services (-o with -t %s)",
				    p->svc_arg);
		s->flags |= HALB_SVC_F_ONEPACKET;
	}
	if (p->sched_flags_arg) {
		if (parse_sched_flags(p, p->sched_flags_arg, s->sched,
				      &sflags) < 0)
			return -1;
		s->flags |= sflags;
	}
	for (unsigned int i = 0; i < s->num_laddrs; i++)
		if (p->laddr_af[i] != s->af)
			return fail(p, "local address %u and virtual service '%s%s' are of different address families",
				    i + 1, p->fwmark ? "-f " : "", p->svc_arg);
	if ((a->opts & O(MH_SIZE)) && strcmp(s->sched, "mh"))
		return fail(p, "--mh-size %u is for the mh scheduler only (scheduler is '%s')",
			    s->mh_size, s->sched);
	if (a->opts & O(STANDBY)) {
		if (p->standby)
			s->flags |= HALB_SVC_F_STANDBY;
	} else if (a->cmd == HALBCTL_CMD_EDIT_SVC) {
		a->keep_flags = HALB_SVC_F_STANDBY;
	}
	return 0;
}

/* Defaults as ipvsadm applies them, and checks the kernel would make. */
static int finish(struct parser *p)
{
	struct halbctl_args *a = p->a;
	struct halb_service *s = &a->svc;
	struct halb_dest *d = &a->dest;

	if (finish_key(p))
		return -1;
	if ((a->cmd == HALBCTL_CMD_ADD_SVC || a->cmd == HALBCTL_CMD_EDIT_SVC) &&
	    finish_svc_attrs(p))
		return -1;
	if (a->opts & O(SERVER)) {
		if (d->af != s->af)
			return fail(p, "real server '%s' and virtual service '%s%s' are of different address families",
				    p->dest_arg,
				    p->fwmark ? "-f " : "", p->svc_arg);
		if (!d->port)
			d->port = s->port;
	}
	if (a->cmd == HALBCTL_CMD_ADD_DEST || a->cmd == HALBCTL_CMD_EDIT_DEST) {
		if (!(a->opts & O(FORWARD)))
			d->fwd = HALB_FWD_DR;
		if (!(a->opts & O(WEIGHT)))
			d->weight = 1;
		d->has = HALB_DEST_HAS_FWD | HALB_DEST_HAS_WEIGHT |
			 HALB_DEST_HAS_U_THRESH | HALB_DEST_HAS_L_THRESH;
	}
	return 0;
}

static const struct opt_def *find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_OPT_DEFS; i++)
		if (strlen(opt_defs[i].lname) == len &&
		    !strncmp(opt_defs[i].lname, name, len))
			return &opt_defs[i];
	return NULL;
}

static const struct opt_def *find_short(int c)
{
	size_t i;

	for (i = 0; i < N_OPT_DEFS; i++)
		if (opt_defs[i].sname == c)
			return &opt_defs[i];
	return NULL;
}

static int parse_long(struct parser *p, int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	const struct opt_def *d;
	const char *val = NULL;
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	char shown[40];

	d = find_long(name, len);
	if (!d)
		return fail(p, "unknown option '--%.*s'", (int)len, name);
	snprintf(shown, sizeof(shown), "--%s", d->lname);
	if (eq) {
		if (d->arg == ARG_NONE)
			return fail(p, "option '--%s' takes no value",
				    d->lname);
		val = eq + 1;
	} else if (d->arg == ARG_REQ) {
		if (*i + 1 >= argc)
			return fail(p, "option '--%s' needs a value", d->lname);
		val = argv[++*i];
	} else if (d->arg == ARG_OPT && *i + 1 < argc &&
		   argv[*i + 1][0] != '-') {
		val = argv[++*i];
	}
	return handle_opt(p, d, val, shown);
}

static int parse_short(struct parser *p, int argc, char **argv, int *i)
{
	const char *s = argv[*i] + 1;
	char shown[3] = "-?";

	for (; *s; s++) {
		const struct opt_def *d = find_short((unsigned char)*s);
		const char *val = NULL;

		/* ipvsadm's -b (--sched-flags) on services, FULLNAT on servers */
		if (*s == 'b' && (p->a->cmd == HALBCTL_CMD_ADD_SVC ||
				  p->a->cmd == HALBCTL_CMD_EDIT_SVC))
			d = find_long("sched-flags", 11);

		shown[1] = *s;
		if (!d)
			return fail(p, "unknown option '-%c'", *s);
		if (d->arg != ARG_NONE && s[1]) {
			val = s + 1;
		} else if (d->arg == ARG_REQ) {
			if (*i + 1 >= argc)
				return fail(p, "option '-%c' needs a value",
					    *s);
			val = argv[++*i];
		} else if (d->arg == ARG_OPT && *i + 1 < argc &&
			   argv[*i + 1][0] != '-') {
			val = argv[++*i];
		}
		if (handle_opt(p, d, val, shown))
			return -1;
		if (val && val == s + 1)
			break;
	}
	return 0;
}

int halbctl_parse_args(int argc, char **argv, struct halbctl_args *a,
		       char *err, size_t errlen)
{
	struct parser p = { .a = a, .err = err, .errlen = errlen };
	int i;

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];
		int ret;

		if (w[0] == '-' && w[1] == '-' && w[2])
			ret = parse_long(&p, argc, argv, &i);
		else if (w[0] == '-' && w[1] && w[1] != '-')
			ret = parse_short(&p, argc, argv, &i);
		else
			ret = fail(&p, "unexpected argument '%s'", w);
		if (ret)
			return -1;
	}
	/* no word at all lists (main() does that); options alone do not */
	if (a->cmd == HALBCTL_CMD_NONE && argc > 1)
		return fail(&p, "no command specified");
	if (a->cmd == HALBCTL_CMD_NONE)
		a->cmd = HALBCTL_CMD_LIST;
	if (check_opts(&p) || finish(&p))
		return -1;
	return 0;
}

int halbctl_split_line(char *line, char **argv, int max)
{
	int n = 0;
	char *s = line;

	if (max < 1)
		return -1;
	argv[n++] = "halbctl";
	for (;;) {
		while (*s && isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			break;
		if (n >= max)
			return -1;
		argv[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}
