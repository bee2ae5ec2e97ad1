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
	static const struct halb_stats tcp = { 1, 6, 6, 393, 530, 0 };
	static const struct halb_stats udp = { 1, 1, 1, 30, 58, 0 };
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

enum what { LIST, CONNS, JSON_LIST, JSON_ONE, JSON_CONNS };

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
		halbctl_print_conns(m, b_conns, snap ? 2 : 0);
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
		123456789, 99999999, 100000000, 123456789012ULL,
		123456789012345ULL, 0 };
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

int format_test_count(void)
{
	return 18;
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
}
