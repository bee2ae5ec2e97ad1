// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl_parse_args(): ipvsadm command lines -> parsed struct, rendered
 * to one canonical line so each case is a single readable string; bad
 * lines -> the exact error text.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "halbctl/args.h"
#include "test.h"

static const char *const cmd_words[] = {
	"none", "add-service", "edit-service", "delete-service", "flush",
	"list", "add-server", "delete-server", "edit-server", "restore",
	"save", "zero", "help", "version",
};

static const char *const opt_words[] = {
	"n", "c", "svc", "s", "p", "M", "r", "fwd", "w", "x", "y", "stats",
	"rate", "thresholds", "nosort", "exact", "json", "6",
};

static void cat(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void addr_str(char *buf, size_t len, int af, const union halb_addr *a,
		     uint16_t port)
{
	char s[INET6_ADDRSTRLEN] = "?";

	inet_ntop(af, a, s, sizeof(s));
	snprintf(buf, len, af == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
}

static void describe(const struct halbctl_args *a, char *buf, size_t len)
{
	static const char *const fwd[] = { "-", "nat", "dr", "tun", "fullnat" };
	char addr[64];
	unsigned int i;
	const char *sep = " ";

	buf[0] = '\0';
	cat(buf, len, "%s", cmd_words[a->cmd]);
	for (i = 0; i < HALBCTL_OPT_COUNT; i++) {
		if (a->opts & (1U << i)) {
			cat(buf, len, "%s%s", sep, opt_words[i]);
			sep = ",";
		}
	}
	if (a->opts & HALBCTL_OPT_SERVICE) {
		addr_str(addr, sizeof(addr), a->svc.af, &a->svc.addr,
			 a->svc.port);
		cat(buf, len, " | %s %s", a->svc.protocol == IPPROTO_TCP ?
		    "tcp" : "udp", addr);
	}
	if (a->svc.sched[0])
		cat(buf, len, " sched=%s", a->svc.sched);
	if (a->svc.has & HALB_SVC_HAS_FLAGS)
		cat(buf, len, " flags=%u", a->svc.flags);
	if (a->svc.has & HALB_SVC_HAS_TIMEOUT)
		cat(buf, len, " timeout=%u", a->svc.timeout);
	if (a->svc.has & HALB_SVC_HAS_NETMASK)
		cat(buf, len, " mask=%u", a->svc.netmask);
	if (a->opts & HALBCTL_OPT_SERVER) {
		addr_str(addr, sizeof(addr), a->dest.af, &a->dest.addr,
			 a->dest.port);
		cat(buf, len, " | rs %s", addr);
	}
	if (a->dest.has & HALB_DEST_HAS_FWD)
		cat(buf, len, " %s", fwd[a->dest.fwd]);
	if (a->dest.has & HALB_DEST_HAS_WEIGHT)
		cat(buf, len, " w=%u", a->dest.weight);
	if (a->dest.has & HALB_DEST_HAS_U_THRESH)
		cat(buf, len, " x=%u", a->dest.u_thresh);
	if (a->dest.has & HALB_DEST_HAS_L_THRESH)
		cat(buf, len, " y=%u", a->dest.l_thresh);
}

struct args_case {
	const char *line;	/* words after "halbctl" */
	const char *want;	/* describe() output, or "!" + error text */
};

static const struct args_case cases[] = {
	/* services */
	{ "-A -t 192.0.2.1:80 -s rr",
	  "add-service svc,s | tcp 192.0.2.1:80 sched=rr flags=0" },
	{ "-A -t 192.0.2.1:80",
	  "add-service svc | tcp 192.0.2.1:80 sched=wlc flags=0" },
	{ "--add-service --tcp-service 192.0.2.1:80 --scheduler wrr",
	  "add-service svc,s | tcp 192.0.2.1:80 sched=wrr flags=0" },
	{ "--add-service --tcp-service=192.0.2.1:80 --scheduler=sh",
	  "add-service svc,s | tcp 192.0.2.1:80 sched=sh flags=0" },
	{ "-At 192.0.2.1:80 -s rr",
	  "add-service svc,s | tcp 192.0.2.1:80 sched=rr flags=0" },
	{ "-A -u [2001:db8::1]:53 -s wrr",
	  "add-service svc,s | udp [2001:db8::1]:53 sched=wrr flags=0" },
	{ "-A -t 192.0.2.10:443 -s wlc -p 600 -M 255.255.255.0",
	  "add-service svc,s,p,M | tcp 192.0.2.10:443 sched=wlc flags=1 timeout=600 mask=24" },
	{ "-A -t 192.0.2.10:443 -p",
	  "add-service svc,p | tcp 192.0.2.10:443 sched=wlc flags=1 timeout=360 mask=32" },
	{ "-A -t 192.0.2.10:443 -p -s rr",
	  "add-service svc,s,p | tcp 192.0.2.10:443 sched=rr flags=1 timeout=360 mask=32" },
	{ "-A -t 192.0.2.10:443 -p120",
	  "add-service svc,p | tcp 192.0.2.10:443 sched=wlc flags=1 timeout=120 mask=32" },
	{ "-A -t 192.0.2.10:443 --persistent 30 -M 16",
	  "add-service svc,p,M | tcp 192.0.2.10:443 sched=wlc flags=1 timeout=30 mask=16" },
	{ "-A -u [2001:db8::1]:5353 -p -M 64",
	  "add-service svc,p,M | udp [2001:db8::1]:5353 sched=wlc flags=1 timeout=360 mask=64" },
	{ "-A -6 -u [2001:db8::1]:53",
	  "add-service svc,6 | udp [2001:db8::1]:53 sched=wlc flags=0" },
	{ "-E -t 192.0.2.1:80 -s rr",
	  "edit-service svc,s | tcp 192.0.2.1:80 sched=rr flags=0" },
	{ "-D -t 192.0.2.1:80", "delete-service svc | tcp 192.0.2.1:80" },
	{ "--delete-service --udp-service [2001:db8::1]:53",
	  "delete-service svc | udp [2001:db8::1]:53" },
	{ "-C", "flush" },
	{ "--clear", "flush" },
	/* real servers */
	{ "-a -t 192.0.2.1:80 -r 198.51.100.2:8080 -m -w 3",
	  "add-server svc,r,fwd,w | tcp 192.0.2.1:80 | rs 198.51.100.2:8080 nat w=3 x=0 y=0" },
	{ "-a -t 192.0.2.1:80 -r 198.51.100.2",
	  "add-server svc,r | tcp 192.0.2.1:80 | rs 198.51.100.2:80 dr w=1 x=0 y=0" },
	{ "-a -t 192.0.2.1:80 -r 198.51.100.2 -i -w 0 -x 10 -y 5",
	  "add-server svc,r,fwd,w,x,y | tcp 192.0.2.1:80 | rs 198.51.100.2:80 tun w=0 x=10 y=5" },
	{ "-a -t 192.0.2.1:80 -r 198.51.100.2 -b",
	  "add-server svc,r,fwd | tcp 192.0.2.1:80 | rs 198.51.100.2:80 fullnat w=1 x=0 y=0" },
	{ "--add-server --tcp-service 192.0.2.1:80 --real-server 198.51.100.2:81 --gatewaying --weight 65535",
	  "add-server svc,r,fwd,w | tcp 192.0.2.1:80 | rs 198.51.100.2:81 dr w=65535 x=0 y=0" },
	{ "-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -i -w 0 --tun-type ipip",
	  "add-server svc,r,fwd,w | udp [2001:db8::1]:53 | rs [2001:db8::2]:53 tun w=0 x=0 y=0" },
	{ "-a -u [2001:db8::1]:53 -r [2001:db8::2]",
	  "add-server svc,r | udp [2001:db8::1]:53 | rs [2001:db8::2]:53 dr w=1 x=0 y=0" },
	{ "-a -u [2001:db8::1]:53 -r 2001:db8::3",
	  "add-server svc,r | udp [2001:db8::1]:53 | rs [2001:db8::3]:53 dr w=1 x=0 y=0" },
	{ "-e -t 192.0.2.1:80 -r 198.51.100.2:8080 -m -w 5",
	  "edit-server svc,r,fwd,w | tcp 192.0.2.1:80 | rs 198.51.100.2:8080 nat w=5 x=0 y=0" },
	{ "-d -t 192.0.2.1:80 -r 198.51.100.2:8080",
	  "delete-server svc,r | tcp 192.0.2.1:80 | rs 198.51.100.2:8080" },
	/* listings */
	{ "-L", "list" },
	{ "-Ln", "list n" },
	{ "-l -n", "list n" },
	{ "-L -n --stats", "list n,stats" },
	{ "-Ln --rate", "list n,rate" },
	{ "-Ln --thresholds --exact --nosort", "list n,thresholds,nosort,exact" },
	{ "-Ln --stats -X", "list n,stats,exact" },
	{ "-Lcn", "list n,c" },
	{ "-L -c -n -j", "list n,c,json" },
	{ "--list --numeric --json", "list n,json" },
	{ "-Ln --sort", "list n" },
	{ "-L -n -t 192.0.2.1:80", "list n,svc | tcp 192.0.2.1:80" },
	{ "-S", "save" },
	{ "-S -n", "save n" },
	{ "--save --numeric", "save n" },
	{ "-R", "restore" },
	{ "-Z", "zero" },
	{ "-Z -t 192.0.2.1:80", "zero svc | tcp 192.0.2.1:80" },
	{ "-h", "help" },
	{ "--help", "help" },
	/* usage errors, with ipvsadm's wording where it has one */
	{ "-A -t 192.0.2.1:80 -r 198.51.100.2",
	  "!Illegal 'real-server' option with the 'add-service' command" },
	{ "-a -t 192.0.2.1:80",
	  "!You need to supply the 'real-server' option for the 'add-server' command" },
	{ "-L -c -t 192.0.2.1:80",
	  "!The option 'service-address' conflicts with the 'connection' option in the 'list' command" },
	{ "-A -t 192.0.2.1:80 -m",
	  "!Illegal 'forwarding-method' option with the 'add-service' command" },
	{ "-a -t 192.0.2.1:80 -r 198.51.100.2 -g -m",
	  "!multiple 'forwarding-method' options specified" },
	{ "-A -E -t 192.0.2.1:80", "!multiple commands specified" },
	{ "-n", "!no command specified" },
	{ "-A", "!You need to supply the 'service-address' option for the 'add-service' command" },
	{ "-A -t 192.0.2.1:x", "!invalid port 'x' in '192.0.2.1:x'" },
	{ "-A -t 192.0.2.1:65536", "!invalid port '65536' in '192.0.2.1:65536'" },
	{ "-A -t 192.0.2.1:http", "!invalid port 'http' in '192.0.2.1:http'" },
	{ "-A -t 192.0.2.1", "!missing port in service address '192.0.2.1'" },
	{ "-A -t www.example.com:80",
	  "!'www.example.com' is not a numeric IP address (host names are not resolved)" },
	{ "-A -t 192.0.2.300:80",
	  "!'192.0.2.300' is not a numeric IP address (host names are not resolved)" },
	{ "-A -u [2001:db8::1:53", "!missing ']' in '[2001:db8::1:53'" },
	{ "-A -u [2001:db8::zz]:53", "!invalid IPv6 address in '[2001:db8::zz]:53'" },
	{ "-A -6 -t 192.0.2.1:80", "!-6 given but '192.0.2.1:80' is not an IPv6 address" },
	{ "-A -f 1", "!fwmark services (-f 1) are not supported yet" },
	{ "--add-service --fwmark-service 7", "!fwmark services (-f 7) are not supported yet" },
	{ "-A -t 192.0.2.1:80 -p 0", "!invalid persistence timeout '0' (1-2678400)" },
	{ "-A -t 192.0.2.1:80 -p 2678401", "!invalid persistence timeout '2678401' (1-2678400)" },
	{ "-A -t 192.0.2.1:80 -p -M 255.0.255.0", "!invalid netmask '255.0.255.0'" },
	{ "-A -t 192.0.2.1:80 -p -M 33", "!invalid netmask '33'" },
	{ "-A -t 192.0.2.1:80 -s", "!option '-s' needs a value" },
	{ "-A -t 192.0.2.1:80 -s averyveryverylongname",
	  "!invalid scheduler name 'averyveryverylongname'" },
	{ "-a -t 192.0.2.1:80 -r 198.51.100.2 -w 65536", "!invalid weight '65536' (0-65535)" },
	{ "-a -t 192.0.2.1:80 -r 198.51.100.2 -w -1", "!invalid weight '-1' (0-65535)" },
	{ "-a -t 192.0.2.1:80 -r 198.51.100.2 -x abc", "!invalid upper threshold 'abc'" },
	{ "-a -t 192.0.2.1:80 -r [2001:db8::2]:80",
	  "!real server '[2001:db8::2]:80' and virtual service '192.0.2.1:80' are of different address families" },
	{ "-a -t 192.0.2.1:80 -r 198.51.100.2 --tun-type gre",
	  "!tunnel type 'gre' is not supported yet" },
	{ "-L --timeout", "!option '--timeout' is not supported yet" },
	{ "-A -t 192.0.2.1:80 -o", "!option '-o' is not supported yet" },
	{ "-L --bogus", "!unknown option '--bogus'" },
	{ "-L -q", "!unknown option '-q'" },
	{ "-L extra", "!unexpected argument 'extra'" },
	{ "-L --numeric=1", "!option '--numeric' takes no value" },
	{ "-Ln -n", "!multiple 'numeric' options specified" },
	{ "-S -c", "!Illegal 'connection' option with the 'save' command" },
	{ "-C -t 192.0.2.1:80", "!Illegal 'service-address' option with the 'flush' command" },
	{ "-D -t 192.0.2.1:80 -s rr", "!Illegal 'scheduler' option with the 'delete-service' command" },
};

#define N_CASES	(sizeof(cases) / sizeof(cases[0]))

/* Cases, the split_line checks and the -S -> -R round trip. */
int args_test_count(void)
{
	return N_CASES + 3 + 1;
}

static void run_case(const struct args_case *c)
{
	char line[512], *argv[64], err[256], got[512];
	struct halbctl_args a;
	int argc, ret;

	snprintf(line, sizeof(line), "%s", c->line);
	argc = halbctl_split_line(line, argv, 64);
	ret = halbctl_parse_args(argc, argv, &a, err, sizeof(err));
	if (ret)
		snprintf(got, sizeof(got), "!%s", err);
	else
		describe(&a, got, sizeof(got));
	if (!test_report(!strcmp(got, c->want), "args: %s", c->line)) {
		printf("# want: %s\n# got:  %s\n", c->want, got);
	}
}

static void split_tests(void)
{
	char l1[] = "  -A -t 192.0.2.1:80\t-s rr  # comment\n";
	char l2[] = "# only a comment\n";
	char l3[] = "a b c d";
	char *argv[8];
	int n;

	n = halbctl_split_line(l1, argv, 8);
	test_report(n == 6 && !strcmp(argv[1], "-A") &&
		    !strcmp(argv[3], "192.0.2.1:80") && !strcmp(argv[4], "-s") &&
		    !strcmp(argv[5], "rr"), "split_line: words, tabs, comment");
	n = halbctl_split_line(l2, argv, 8);
	test_report(n == 1, "split_line: comment line is empty");
	n = halbctl_split_line(l3, argv, 4);
	test_report(n == -1, "split_line: too many words");
}

/* Every line ipvsadm -S printed (expected/save.txt) is a valid -R line. */
static void restore_tests(void)
{
	char path[512], line[512], *argv[64], err[256];
	struct halbctl_args a;
	int lines = 0, bad = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/save.txt", test_dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		int argc = halbctl_split_line(line, argv, 64);

		lines++;
		if (halbctl_parse_args(argc, argv, &a, err, sizeof(err))) {
			printf("# line %d: %s\n", lines, err);
			bad++;
		}
	}
	if (f)
		fclose(f);
	test_report(f && lines == 9 && !bad,
		    "args: ipvsadm -S output parses as -R input");
}

void args_tests(void)
{
	size_t i;

	for (i = 0; i < N_CASES; i++)
		run_case(&cases[i]);
	split_tests();
	restore_tests();
}
