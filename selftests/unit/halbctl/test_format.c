// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl formatters: structs -> text, compared byte for byte with the
 * output ipvsadm 1.31 printed for the same table (captured in a guest
 * with ip_vs loaded, kept in expected/), and with the documented JSON.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "halbctl/format.h"
#include "test.h"

static void set_addr(int af, const char *s, union halb_addr *a)
{
	memset(a, 0, sizeof(*a));
	inet_pton(af, s, a);
}

static struct halb_dest mk_dest(int af, const char *addr, uint16_t port,
				uint8_t fwd, uint32_t weight)
{
	struct halb_dest d = { .af = af, .port = port, .fwd = fwd,
			       .weight = weight };

	set_addr(af, addr, &d.addr);
	return d;
}

static struct halb_service mk_svc(int af, uint8_t proto, const char *addr,
				  uint16_t port, const char *sched)
{
	struct halb_service s = { .af = af, .protocol = proto, .port = port };

	set_addr(af, addr, &s.addr);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	return s;
}

/*
 * The table of the ipvsadm reference run (expected/list.txt etc.), given
 * out of order so that the sorting is tested too.
 */
static struct halb_dest a_d443[2], a_d80[1], a_d53[1];
static struct halbctl_svc_entry a_svcs[5];
static struct halbctl_snapshot snap_a = {
	.info = { .version = 0x010201, .conn_tab_size = 4096 },
	.svcs = a_svcs, .n_svcs = 5,
};

static void build_a(void)
{
	struct halb_service s;

	s = mk_svc(AF_INET6, IPPROTO_UDP, "2001:db8::1", 5353, "wlc");
	s.flags = HALB_SVC_F_PERSISTENT;
	s.timeout = 360;
	s.netmask = 64;
	a_svcs[0] = (struct halbctl_svc_entry){ .svc = s };

	a_d443[0] = mk_dest(AF_INET, "198.51.100.250", 4443, HALB_FWD_NAT, 1);
	a_d443[1] = mk_dest(AF_INET, "198.51.100.3", 443, HALB_FWD_DR, 1);
	a_d443[1].u_thresh = 10;
	a_d443[1].l_thresh = 5;
	s = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.10", 443, "wlc");
	s.flags = HALB_SVC_F_PERSISTENT;
	s.timeout = 600;
	s.netmask = 24;
	a_svcs[1] = (struct halbctl_svc_entry){ s, a_d443, 2 };

	a_d53[0] = mk_dest(AF_INET6, "2001:db8::2", 53, HALB_FWD_TUN, 0);
	s = mk_svc(AF_INET6, IPPROTO_UDP, "2001:db8::1", 53, "wrr");
	a_svcs[2] = (struct halbctl_svc_entry){ s, a_d53, 1 };

	s = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.2", 8080, "sh");
	a_svcs[3] = (struct halbctl_svc_entry){ .svc = s };

	a_d80[0] = mk_dest(AF_INET, "198.51.100.2", 8080, HALB_FWD_NAT, 3);
	s = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 80, "rr");
	a_svcs[4] = (struct halbctl_svc_entry){ s, a_d80, 1 };
}

/* The second reference run: traffic through NAT to a local server. */
static struct halb_dest b_d80[1], b_d53[1];
static struct halbctl_svc_entry b_svcs[2];
static struct halbctl_snapshot snap_b = {
	.info = { .version = 0x010201, .conn_tab_size = 4096 },
	.svcs = b_svcs, .n_svcs = 2,
};
static struct halb_conn b_conns[2];

static void build_b(void)
{
	static const struct halb_stats tcp = { .conns = 1, .inpkts = 6, .outpkts = 6,
		.inbytes = 393, .outbytes = 530 };
	static const struct halb_stats udp = { .conns = 1, .inpkts = 1, .outpkts = 1,
		.inbytes = 30, .outbytes = 58 };
	struct halb_service s;

	b_d80[0] = mk_dest(AF_INET, "127.0.0.1", 8080, HALB_FWD_NAT, 1);
	b_d80[0].inact_conns = 1;
	b_d80[0].stats = tcp;
	s = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 80, "rr");
	s.stats = tcp;
	b_svcs[0] = (struct halbctl_svc_entry){ s, b_d80, 1 };

	b_d53[0] = mk_dest(AF_INET, "127.0.0.1", 5353, HALB_FWD_NAT, 1);
	b_d53[0].inact_conns = 1;
	b_d53[0].stats = udp;
	s = mk_svc(AF_INET, IPPROTO_UDP, "192.0.2.1", 53, "rr");
	s.stats = udp;
	b_svcs[1] = (struct halbctl_svc_entry){ s, b_d53, 1 };

	b_conns[0] = (struct halb_conn){ .af = AF_INET,
		.protocol = IPPROTO_TCP, .cport = 54166, .vport = 80,
		.dport = 8080, .fwd = HALB_FWD_NAT,
		.state = HALB_CS_TIME_WAIT, .expires_ms = 116999 };
	set_addr(AF_INET, "192.0.2.1", &b_conns[0].caddr);
	set_addr(AF_INET, "192.0.2.1", &b_conns[0].vaddr);
	set_addr(AF_INET, "127.0.0.1", &b_conns[0].daddr);
	b_conns[1] = (struct halb_conn){ .af = AF_INET,
		.protocol = IPPROTO_UDP, .cport = 59297, .vport = 53,
		.dport = 5353, .fwd = HALB_FWD_NAT,
		.state = HALB_CS_UDP, .expires_ms = 297000 };
	set_addr(AF_INET, "192.0.2.1", &b_conns[1].caddr);
	set_addr(AF_INET, "192.0.2.1", &b_conns[1].vaddr);
	set_addr(AF_INET, "127.0.0.1", &b_conns[1].daddr);
}

/*
 * The third reference run (capture-ipvsadm.sh): firewall-mark services,
 * -o, -b and persistence templates, traffic through NAT to 127.0.0.1.
 * ipvsadm's own run also had "-f 4294967295", which it prints as "-1"
 * (see mark_tests()); it is left out here so the files stay verbatim.
 */
static struct halb_dest c_d81[1], c_dfw1[1], c_dfw2[1];
static struct halbctl_svc_entry c_svcs[9];
static struct halbctl_snapshot snap_c = {
	.info = { .version = 0x010201, .conn_tab_size = 4096 },
	.svcs = c_svcs, .n_svcs = 9,
};
static struct halb_conn c_conns[4];

static struct halb_service mk_fwm(int af, uint32_t mark, const char *sched)
{
	struct halb_service s = { .af = af, .fwmark = mark };

	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	return s;
}

static struct halb_conn mk_conn(uint8_t proto, const char *c, uint16_t cport,
				const char *v, uint16_t vport, const char *d,
				uint16_t dport, uint8_t state, uint32_t ms)
{
	struct halb_conn k = { .af = AF_INET, .protocol = proto,
		.cport = cport, .vport = vport, .dport = dport,
		.fwd = HALB_FWD_NAT, .state = state, .expires_ms = ms };

	set_addr(AF_INET, c, &k.caddr);
	set_addr(AF_INET, v, &k.vaddr);
	set_addr(AF_INET, d, &k.daddr);
	return k;
}

static void build_c(void)
{
	static const struct halb_stats tcp = { .conns = 1, .inpkts = 1,
		.outpkts = 1, .inbytes = 60, .outbytes = 40, .inbps = 7,
		.outbps = 5 };
	static const struct halb_stats fw1 = { .conns = 1, .inpkts = 1,
		.outpkts = 1, .inbytes = 33, .outbytes = 61, .inbps = 4,
		.outbps = 8 };
	struct halb_service s;
	int i = 0;

	/* given out of ipvsadm's order: the sort is tested too */
	s = mk_fwm(AF_INET6, 6, "rr");
	s.flags = HALB_SVC_F_PERSISTENT;
	s.timeout = 360;
	s.netmask = 128;
	c_svcs[i++] = (struct halbctl_svc_entry){ .svc = s };

	c_dfw1[0] = mk_dest(AF_INET, "127.0.0.1", 0, HALB_FWD_NAT, 1);
	c_dfw1[0].inact_conns = 1;
	c_dfw1[0].stats = fw1;
	s = mk_fwm(AF_INET, 1, "rr");
	s.flags = HALB_SVC_F_PERSISTENT;
	s.timeout = 600;
	s.netmask = 24;
	s.stats = fw1;
	c_svcs[i++] = (struct halbctl_svc_entry){ s, c_dfw1, 1 };

	s = mk_svc(AF_INET, IPPROTO_UDP, "192.0.2.1", 54, "wrr");
	s.flags = HALB_SVC_F_PERSISTENT | HALB_SVC_F_ONEPACKET |
		  HALB_SVC_F_HASH_FALLBACK | HALB_SVC_F_HASH_PORT;
	s.timeout = 360;
	s.netmask = 32;
	c_svcs[i++] = (struct halbctl_svc_entry){ .svc = s };

	s = mk_fwm(AF_INET, 3, "wlc");
	s.flags = HALB_SVC_F_ONEPACKET;
	c_svcs[i++] = (struct halbctl_svc_entry){ .svc = s };

	c_d81[0] = mk_dest(AF_INET, "127.0.0.1", 8081, HALB_FWD_NAT, 1);
	c_d81[0].inact_conns = 1;
	c_d81[0].stats = tcp;
	s = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 81, "rr");
	s.flags = HALB_SVC_F_PERSISTENT;
	s.timeout = 300;
	s.netmask = 32;
	s.stats = tcp;
	c_svcs[i++] = (struct halbctl_svc_entry){ s, c_d81, 1 };

	c_dfw2[0] = mk_dest(AF_INET6, "2001:db8::2", 0, HALB_FWD_DR, 2);
	s = mk_fwm(AF_INET6, 2, "sh");
	s.flags = HALB_SVC_F_PERSISTENT | HALB_SVC_F_HASH_FALLBACK |
		  HALB_SVC_F_HASH_PORT;
	s.timeout = 300;
	s.netmask = 64;
	c_svcs[i++] = (struct halbctl_svc_entry){ s, c_dfw2, 1 };

	s = mk_svc(AF_INET, IPPROTO_UDP, "192.0.2.1", 53, "rr");
	s.flags = HALB_SVC_F_ONEPACKET;
	c_svcs[i++] = (struct halbctl_svc_entry){ .svc = s };

	s = mk_fwm(AF_INET6, 5, "rr");
	c_svcs[i++] = (struct halbctl_svc_entry){ .svc = s };

	s = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 80, "sh");
	s.flags = HALB_SVC_F_HASH_PORT;
	c_svcs[i++] = (struct halbctl_svc_entry){ .svc = s };

	/* the TCP service's template and connection */
	c_conns[0] = mk_conn(IPPROTO_TCP, "192.0.2.1", 0, "192.0.2.1", 81,
			     "127.0.0.1", 8081, HALB_CS_NONE, 296000);
	c_conns[0].flags = HALB_CONN_F_TEMPLATE;
	c_conns[1] = mk_conn(IPPROTO_TCP, "192.0.2.1", 58252, "192.0.2.1", 81,
			     "127.0.0.1", 8081, HALB_CS_CLOSE, 6999);
	/* its real server since removed: no trace in ipvsadm's text */
	c_conns[1].flags = HALB_CONN_F_NODEST;
	/* a UDP flow of fwmark 1 and its template */
	c_conns[2] = mk_conn(IPPROTO_UDP, "192.0.2.1", 45137, "192.0.2.1",
			     5353, "127.0.0.1", 5353, HALB_CS_UDP, 296500);
	c_conns[2].fwmark = 1;
	/*
	 * However the module fills in a fwmark template's protocol and
	 * virtual address, ipvsadm shows IPVS's <IP, mark as address, 0>.
	 */
	c_conns[3] = mk_conn(IPPROTO_UDP, "192.0.2.0", 0, "192.0.2.1", 5353,
			     "127.0.0.1", 0, HALB_CS_NONE, 596000);
	c_conns[3].flags = HALB_CONN_F_TEMPLATE;
	c_conns[3].fwmark = 1;
}

static char *read_expected(const char *name)
{
	char path[512];
	char *buf = NULL;
	size_t len = 0;
	FILE *f, *m;
	int c;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

enum what { LIST, CONNS, JSON_LIST, JSON_ONE, JSON_CONNS, CONNS_C,
	    JSON_CONNS_C };

static void check(const char *name, enum what w,
		  const struct halbctl_snapshot *snap, unsigned int fmt)
{
	char *got = NULL, *want = read_expected(name);
	size_t len = 0;
	FILE *m = open_memstream(&got, &len);
	bool ok;

	switch (w) {
	case LIST:
		halbctl_print_list(m, snap, fmt);
		break;
	case CONNS:
		halbctl_print_conns(m, b_conns, snap ? 2 : 0, fmt);
		break;
	case CONNS_C:
		halbctl_print_conns(m, c_conns, 4, fmt);
		break;
	case JSON_CONNS_C:
		halbctl_json_conns(m, c_conns, 4);
		break;
	case JSON_LIST:
		halbctl_json_list(m, snap, true);
		break;
	case JSON_ONE:
		halbctl_json_list(m, snap, false);
		break;
	case JSON_CONNS:
		halbctl_json_conns(m, b_conns, 2);
		break;
	}
	fclose(m);
	/*
	 * HALBCTL_UNIT_REGEN=1 rewrites the expected files that are not
	 * ipvsadm's (JSON, halb's own): review the diff before committing.
	 */
	if (getenv("HALBCTL_UNIT_REGEN") &&
	    (strstr(name, ".json") || strstr(name, "-halb."))) {
		char path[512];
		FILE *o;

		snprintf(path, sizeof(path), "%s/%s", test_dir, name);
		o = fopen(path, "w");
		if (o) {
			fputs(got, o);
			fclose(o);
		}
	}
	ok = want && !strcmp(got, want);
	if (!test_report(ok, "format: %s", name)) {
		if (!want)
			printf("# cannot read expected/%s\n", name);
		else
			printf("# got:\n%s# want:\n%s", got, want);
	}
	free(got);
	free(want);
}

static void largenum_tests(void)
{
	static const struct halb_stats big = {
		.conns = 123456789, .inpkts = 99999999, .outpkts = 100000000,
		.inbytes = 123456789012ULL, .outbytes = 123456789012345ULL };
	struct halbctl_svc_entry e = {
		.svc = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 80, "rr") };
	struct halbctl_snapshot s = { .svcs = &e, .n_svcs = 1 };
	char *got = NULL;
	size_t len = 0;
	FILE *m;

	e.svc.stats = big;
	m = open_memstream(&got, &len);
	halbctl_print_list(m, &s, HALBCTL_FMT_STATS | HALBCTL_FMT_ONE);
	fclose(m);
	/* 123456789012 >= 100e9: G, 123456789012345 >= 100e12: T */
	test_report(strstr(got, "\nTCP  192.0.2.1:80                 "
			   " 123456K 99999999  100000K     123G     123T\n") != NULL,
		    "format: stats K/M/G suffixes (ipvsadm print_largenum)");
	free(got);
	got = NULL;
	m = open_memstream(&got, &len);
	halbctl_print_list(m, &s, HALBCTL_FMT_STATS | HALBCTL_FMT_ONE |
			   HALBCTL_FMT_EXACT);
	fclose(m);
	test_report(strstr(got, "\nTCP  192.0.2.1:80                 "
			   "123456789 99999999 100000000 123456789012 123456789012345\n") != NULL,
		    "format: --exact widths");
	free(got);
}

static void escape_test(void)
{
	struct halbctl_svc_entry e = {
		.svc = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 80,
			      "a\"b\\c\n\x01") };
	struct halbctl_snapshot s = { .svcs = &e, .n_svcs = 1 };
	char *got = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&got, &len);

	halbctl_json_list(m, &s, false);
	fclose(m);
	test_report(strstr(got, "\"scheduler\": \"a\\\"b\\\\c\\n\\u0001\",") != NULL,
		    "format: JSON string escaping");
	free(got);
}

/* Marks from 2^31 up: ipvsadm sorts them first and prints them signed. */
static void mark_tests(void)
{
	struct halbctl_svc_entry e[3] = {
		{ .svc = mk_fwm(AF_INET, 1, "rr") },
		{ .svc = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 80, "sh") },
		{ .svc = mk_fwm(AF_INET, 4294967295U, "mh") },
	};
	struct halbctl_snapshot s = { .svcs = e, .n_svcs = 3 };
	char *got = NULL;
	size_t len = 0;
	FILE *m;

	e[2].svc.flags = HALB_SVC_F_HASH_PORT;
	halbctl_sort(&s);
	m = open_memstream(&got, &len);
	halbctl_print_list(m, &s, HALBCTL_FMT_ONE);
	halbctl_print_list(m, &s, HALBCTL_FMT_RULE);
	fclose(m);
	/* ipvsadm: "FWM  -1 mh (mh-port)", "-A -f -1 -s mh -b mh-port" */
	test_report(got && !strcmp(got,
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		"FWM  4294967295 mh (mh-port)\n"
		"TCP  192.0.2.1:80 sh\n"
		"FWM  1 rr\n"
		"-A -f 4294967295 -s mh -b mh-port\n"
		"-A -t 192.0.2.1:80 -s sh\n"
		"-A -f 1 -s rr\n"),
		    "format: fwmark 4294967295 sorted as ipvsadm, printed unsigned");
	if (got && strstr(got, "FWM  4294967295") == NULL)
		printf("# got:\n%s", got);
	free(got);
}

/* --rate: ipvsadm scales the service's five and the dest's bps only. */
static void rate_tests(void)
{
	static const struct halb_stats r = { .cps = 123456789,
		.inpps = 234567890, .outpps = 99999999,
		.inbps = 123456789012ULL, .outbps = 100000000 };
	struct halb_dest d = mk_dest(AF_INET, "198.51.100.2", 80,
				     HALB_FWD_DR, 1);
	struct halbctl_svc_entry e = {
		.svc = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 80, "rr"),
		.dests = &d, .n_dests = 1 };
	struct halbctl_snapshot s = { .svcs = &e, .n_svcs = 1 };
	char *got = NULL;
	size_t len = 0;
	FILE *m;

	e.svc.stats = r;
	d.stats = r;
	m = open_memstream(&got, &len);
	halbctl_print_list(m, &s, HALBCTL_FMT_RATE | HALBCTL_FMT_ONE);
	halbctl_print_list(m, &s, HALBCTL_FMT_RATE | HALBCTL_FMT_ONE |
			   HALBCTL_FMT_EXACT);
	fclose(m);
	if (!test_report(got && !strcmp(got,
		"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
		"  -> RemoteAddress:Port\n"
		"TCP  192.0.2.1:80                  123456K  234567K 99999999     123G  100000K\n"
		"  -> 198.51.100.2:80              123456789 234567890 99999999     123G  100000K\n"
		"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
		"  -> RemoteAddress:Port\n"
		"TCP  192.0.2.1:80                 123456789 234567890 99999999 123456789012 100000000\n"
		"  -> 198.51.100.2:80              123456789 234567890 99999999 123456789012 100000000\n"),
		    "format: --rate scaling and --exact (ipvsadm's widths)"))
		printf("# got:\n%s", got);
	free(got);
}

/*
 * halb's own attributes: -L shows " standby" last, -S writes each only
 * when not the default.  No ipvsadm to compare with: expected/list-halb.txt etc.
 * (written by hand from halbctl(8)).
 */
static struct halbctl_svc_entry h_svcs[4];
static struct halbctl_snapshot snap_h = {
	.info = { .version = 0x010201, .conn_tab_size = 4096 },
	.svcs = h_svcs, .n_svcs = 4,
};

static void build_h(void)
{
	struct halb_service s;

	s = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 80, "mh");
	s.flags = HALB_SVC_F_STANDBY | HALB_SVC_F_HASH_PORT |
		  HALB_SVC_F_PERSISTENT;
	s.timeout = 60;
	s.netmask = 16;
	s.nodest = HALB_NODEST_RESET;
	s.mh_size = 251;
	s.has = HALB_SVC_HAS_FLAGS | HALB_SVC_HAS_TIMEOUT |
		HALB_SVC_HAS_NETMASK | HALB_SVC_HAS_NODEST |
		HALB_SVC_HAS_MH_SIZE;
	h_svcs[0] = (struct halbctl_svc_entry){ .svc = s };

	/* all defaults, as the module reports them */
	s = mk_svc(AF_INET, IPPROTO_TCP, "192.0.2.1", 81, "mh");
	s.mh_size = HALB_MH_SIZE_DEFAULT;
	s.nodest = HALB_NODEST_KEEP;
	s.has = HALB_SVC_HAS_FLAGS | HALB_SVC_HAS_NODEST |
		HALB_SVC_HAS_MH_SIZE;
	h_svcs[1] = (struct halbctl_svc_entry){ .svc = s };

	s = mk_svc(AF_INET, IPPROTO_UDP, "192.0.2.1", 53, "rr");
	s.flags = HALB_SVC_F_ONEPACKET | HALB_SVC_F_STANDBY;
	s.nodest = HALB_NODEST_RESCHEDULE;
	s.has = HALB_SVC_HAS_FLAGS | HALB_SVC_HAS_NODEST;
	h_svcs[2] = (struct halbctl_svc_entry){ .svc = s };

	s = mk_fwm(AF_INET6, 7, "wlc");
	s.nodest = HALB_NODEST_EXPIRE;
	s.has = HALB_SVC_HAS_NODEST;
	h_svcs[3] = (struct halbctl_svc_entry){ .svc = s };
}

/*
 * --persistent-conn: the module counts templates per real server; the
 * capture had one template on the first real server of TCP :81 and FWM 1.
 */
static void persist_counts(void)
{
	/* after the sort: TCP :81 is svcs[1], FWM 1 svcs[4] */
	c_svcs[1].dests[0].persist_conns = 1;
	c_svcs[4].dests[0].persist_conns = 1;
}

int format_test_count(void)
{
	return 18 + 19;
}

void format_tests(void)
{
	struct halbctl_snapshot one = snap_a;

	build_a();
	build_b();
	halbctl_sort(&snap_a);
	halbctl_sort(&snap_b);
	test_report(!strcmp(a_svcs[0].svc.sched, "rr") &&
		    a_svcs[2].svc.port == 443 &&
		    a_d443[0].port == 443,
		    "format: ipvsadm sort order");

	check("list.txt", LIST, &snap_a, 0);
	check("stats.txt", LIST, &snap_a, HALBCTL_FMT_STATS);
	check("rate.txt", LIST, &snap_a, HALBCTL_FMT_RATE);
	check("thresholds.txt", LIST, &snap_a, HALBCTL_FMT_THRESHOLDS);
	check("exact.txt", LIST, &snap_a,
	      HALBCTL_FMT_STATS | HALBCTL_FMT_EXACT);
	one.svcs = &a_svcs[2];
	one.n_svcs = 1;
	check("one.txt", LIST, &one, HALBCTL_FMT_ONE);
	check("save.txt", LIST, &snap_a, HALBCTL_FMT_RULE);
	check("list2.txt", LIST, &snap_b, 0);
	check("stats2.txt", LIST, &snap_b, HALBCTL_FMT_STATS);
	check("conns.txt", CONNS, &snap_b, 0);
	check("conns-empty.txt", CONNS, NULL, 0);
	check("list.json", JSON_LIST, &snap_a, 0);
	check("one.json", JSON_ONE, &one, 0);
	check("conns.json", JSON_CONNS, NULL, 0);
	largenum_tests();
	escape_test();

	/* fwmark, -o, -b, templates: ipvsadm's own output */
	build_c();
	halbctl_sort(&snap_c);
	test_report(c_svcs[0].svc.port == 80 && c_svcs[3].svc.port == 54 &&
		    c_svcs[4].svc.fwmark == 1 && c_svcs[8].svc.fwmark == 6,
		    "format: ipvsadm sort order with fwmark services");
	persist_counts();
	check("list-fwm.txt", LIST, &snap_c, 0);
	check("save-fwm.txt", LIST, &snap_c, HALBCTL_FMT_RULE);
	check("stats-fwm.txt", LIST, &snap_c, HALBCTL_FMT_STATS);
	check("rate-fwm.txt", LIST, &snap_c, HALBCTL_FMT_RATE);
	check("rate-fwm.txt", LIST, &snap_c, HALBCTL_FMT_RATE | HALBCTL_FMT_EXACT);
	check("thresholds-fwm.txt", LIST, &snap_c, HALBCTL_FMT_THRESHOLDS);
	check("pconn-fwm.txt", LIST, &snap_c, HALBCTL_FMT_PERSISTCONN);
	one.svcs = &c_svcs[4];
	one.n_svcs = 1;
	check("one-fwm.txt", LIST, &one, HALBCTL_FMT_ONE);
	one.svcs = &c_svcs[5];
	check("one-fwm6.txt", LIST, &one, HALBCTL_FMT_ONE);
	check("conns-tpl.txt", CONNS_C, NULL, 0);
	check("conns-pc.txt", CONNS_C, NULL, HALBCTL_FMT_PERSISTCONN);
	check("list-fwm.json", JSON_LIST, &snap_c, 0);
	check("conns-tpl.json", JSON_CONNS_C, NULL, 0);
	mark_tests();
	rate_tests();

	/* halb's own attributes */
	build_h();
	halbctl_sort(&snap_h);
	check("list-halb.txt", LIST, &snap_h, 0);
	check("save-halb.txt", LIST, &snap_h, HALBCTL_FMT_RULE);
	check("list-halb.json", JSON_ONE, &snap_h, 0);
}
