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
	"rate", "thresholds", "nosort", "exact", "json", "6", "o", "b",
	"pc", "nodest", "mh", "standby", "laddr", "caddr",
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
	if ((a->opts & HALBCTL_OPT_SERVICE) && a->svc.fwmark) {
		cat(buf, len, " | fwm %u %s%s", a->svc.fwmark,
		    a->svc.af == AF_INET6 ? "inet6" : a->svc.af == AF_INET ?
		    "inet" : "?", a->svc.protocol ? " proto!" : "");
	} else if (a->opts & HALBCTL_OPT_SERVICE) {
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
	if (a->svc.has & HALB_SVC_HAS_NODEST)
		cat(buf, len, " nodest=%u", a->svc.nodest);
	if (a->svc.has & HALB_SVC_HAS_MH_SIZE)
		cat(buf, len, " mh=%u", a->svc.mh_size);
	if (a->svc.has & HALB_SVC_HAS_LADDRS) {
		cat(buf, len, " laddrs=");
		for (i = 0; i < a->svc.num_laddrs; i++) {
			addr_str(addr, sizeof(addr), a->svc.af, &a->svc.laddrs[i], 0);
			cat(buf, len, "%s%s", i ? "," : "", addr);
		}
	}
	if (a->svc.has & HALB_SVC_HAS_CLIENT_ADDR)
		cat(buf, len, " caddr=%u", a->svc.client_addr);
	if (a->keep_flags)
		cat(buf, len, " keep=%u", a->keep_flags);
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
	  "edit-service svc,s | tcp 192.0.2.1:80 sched=rr flags=0 keep=16" },
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
	{ "-L --pe sip", "!option '--pe' is not supported yet" },
	{ "-L --bogus", "!unknown option '--bogus'" },
	{ "-L -q", "!unknown option '-q'" },
	{ "-L extra", "!unexpected argument 'extra'" },
	{ "-L --numeric=1", "!option '--numeric' takes no value" },
	{ "-Ln -n", "!multiple 'numeric' options specified" },
	{ "-S -c", "!Illegal 'connection' option with the 'save' command" },
	{ "-C -t 192.0.2.1:80", "!Illegal 'service-address' option with the 'flush' command" },

	/* firewall-mark services (flags: 1 persistent, 2 ops, 4 fallback,
	 * 8 port, 16 standby) */
	{ "-A -f 1 -s rr", "add-service svc,s | fwm 1 inet sched=rr flags=0" },
	{ "-A -f 1", "add-service svc | fwm 1 inet sched=wlc flags=0" },
	{ "--add-service --fwmark-service 7 --scheduler=wrr",
	  "add-service svc,s | fwm 7 inet sched=wrr flags=0" },
	{ "--add-service --fwmark-service=7",
	  "add-service svc | fwm 7 inet sched=wlc flags=0" },
	{ "-Af 4294967295", "add-service svc | fwm 4294967295 inet sched=wlc flags=0" },
	{ "-A -f 2 -6 -s sh", "add-service svc,s,6 | fwm 2 inet6 sched=sh flags=0" },
	{ "-A -6 -f 2", "add-service svc,6 | fwm 2 inet6 sched=wlc flags=0" },
	{ "-A -f 1 -s rr -p 600 -M 255.255.255.0",
	  "add-service svc,s,p,M | fwm 1 inet sched=rr flags=1 timeout=600 mask=24" },
	{ "-A -f 2 -6 -s rr -p -M 64",
	  "add-service svc,s,p,M,6 | fwm 2 inet6 sched=rr flags=1 timeout=360 mask=64" },
	{ "-A -f 6 -6 -p", "add-service svc,p,6 | fwm 6 inet6 sched=wlc flags=1 timeout=360 mask=128" },
	{ "-E -f 3 -s wlc -o", "edit-service svc,s,o | fwm 3 inet sched=wlc flags=2 keep=16" },
	{ "-D -f 3", "delete-service svc | fwm 3 inet" },
	{ "-D -f 3 -6", "delete-service svc,6 | fwm 3 inet6" },
	{ "-a -f 1 -r 127.0.0.1:0 -m -w 1",
	  "add-server svc,r,fwd,w | fwm 1 inet | rs 127.0.0.1:0 nat w=1 x=0 y=0" },
	{ "-a -f 1 -r 198.51.100.2",
	  "add-server svc,r | fwm 1 inet | rs 198.51.100.2:0 dr w=1 x=0 y=0" },
	{ "-a -f 2 -6 -r [2001:db8::2]:0 -g -w 2",
	  "add-server svc,r,fwd,w,6 | fwm 2 inet6 | rs [2001:db8::2]:0 dr w=2 x=0 y=0" },
	{ "-e -f 2 -6 -r [2001:db8::2] -b -w 0",
	  "edit-server svc,r,fwd,w,6 | fwm 2 inet6 | rs [2001:db8::2]:0 fullnat w=0 x=0 y=0" },
	{ "-d -f 1 -r 198.51.100.2", "delete-server svc,r | fwm 1 inet | rs 198.51.100.2:0" },
	{ "-L -n -f 1", "list n,svc | fwm 1 inet" },
	{ "-Ln -f 2 -6", "list n,svc,6 | fwm 2 inet6" },
	{ "-Z -f 1", "zero svc | fwm 1 inet" },
	{ "-A -f 0", "!invalid fwmark value '0' (1-4294967295)" },
	{ "-A -f 4294967296", "!invalid fwmark value '4294967296' (1-4294967295)" },
	{ "-A -f -1", "!invalid fwmark value '-1' (1-4294967295)" },
	{ "-A -f 0x10", "!invalid fwmark value '0x10' (1-4294967295)" },
	{ "-A -f 1 -t 192.0.2.1:80", "!multiple 'service-address' options specified" },
	{ "-A -f 2 -6 -p -M 0", "!invalid netmask '0'" },
	{ "-A -f 2 -6 -p -M 129", "!invalid netmask '129'" },
	{ "-A -f 2 -6 -p -M 255.255.255.0", "!invalid netmask '255.255.255.0'" },
	{ "-a -f 1 -r [2001:db8::2]",
	  "!real server '[2001:db8::2]' and virtual service '-f 1' are of different address families" },
	{ "-a -f 1 -6 -r 198.51.100.2",
	  "!real server '198.51.100.2' and virtual service '-f 1' are of different address families" },

	/* -o: UDP and fwmark services only, as ipvsadm */
	{ "-A -u 192.0.2.1:53 -s rr -o", "add-service svc,s,o | udp 192.0.2.1:53 sched=rr flags=2" },
	{ "-A -u 192.0.2.1:54 --ops -p", "add-service svc,p,o | udp 192.0.2.1:54 sched=wlc flags=3 timeout=360 mask=32" },
	{ "-A -f 3 -o", "add-service svc,o | fwm 3 inet sched=wlc flags=2" },
	{ "-A -t 192.0.2.1:80 -o",
	  "!One-Packet Scheduling is only for UDP virtual services (-o with -t 192.0.2.1:80)" },
	{ "-E -t 192.0.2.1:80 --ops",
	  "!One-Packet Scheduling is only for UDP virtual services (-o with -t 192.0.2.1:80)" },
	{ "-L -o", "!Illegal 'ops' option with the 'list' command" },
	{ "-a -u 192.0.2.1:53 -r 198.51.100.2 -o",
	  "!Illegal 'ops' option with the 'add-server' command" },
	{ "-A -u 192.0.2.1:53 -o -o", "!multiple 'ops' options specified" },

	/* -b: sched flags after -A/-E, FULLNAT after -a/-e */
	{ "-A -t 192.0.2.1:80 -s sh -b sh-port",
	  "add-service svc,s,b | tcp 192.0.2.1:80 sched=sh flags=8" },
	{ "-A -t 192.0.2.1:80 -b sh-fallback,sh-port -s sh",
	  "add-service svc,s,b | tcp 192.0.2.1:80 sched=sh flags=12" },
	{ "-At 192.0.2.1:80 -ssh -bsh-fallback",
	  "add-service svc,s,b | tcp 192.0.2.1:80 sched=sh flags=4" },
	{ "-A -t 192.0.2.1:80 -s mh --sched-flags mh-fallback,mh-port",
	  "add-service svc,s,b | tcp 192.0.2.1:80 sched=mh flags=12" },
	{ "-A -t 192.0.2.1:80 -s mh --sched-flags=mh-port",
	  "add-service svc,s,b | tcp 192.0.2.1:80 sched=mh flags=8" },
	{ "-A -u 192.0.2.1:54 -s wrr -b flag-1,flag-2 -p -o",
	  "add-service svc,s,p,o,b | udp 192.0.2.1:54 sched=wrr flags=15 timeout=360 mask=32" },
	{ "-E -f 2 -6 -s sh -p 300 -M 64 -b sh-fallback,sh-port",
	  "edit-service svc,s,p,M,6,b | fwm 2 inet6 sched=sh flags=13 timeout=300 mask=64 keep=16" },
	{ "-A -t 192.0.2.1:80 -s sh -b flag-1",
	  "add-service svc,s,b | tcp 192.0.2.1:80 sched=sh flags=4" },
	{ "-A -t 192.0.2.1:80 -b sh-port",
	  "!incompatible scheduler flag 'sh-port' in '--sched-flags sh-port' (scheduler is 'wlc')" },
	{ "-A -t 192.0.2.1:80 -s sh -b mh-port",
	  "!incompatible scheduler flag 'mh-port' in '--sched-flags mh-port' (scheduler is 'sh')" },
	{ "-A -t 192.0.2.1:80 -s sh -b sh-port,bogus",
	  "!invalid scheduler flag 'bogus' in '--sched-flags sh-port,bogus' (sh-fallback, sh-port, mh-fallback, mh-port, flag-1, flag-2)" },
	{ "-A -t 192.0.2.1:80 -s sh -b flag-3",
	  "!scheduler flag 'flag-3' in '--sched-flags flag-3' is not supported by halb" },
	{ "-A -t 192.0.2.1:80 -s sh -b ,", "!invalid --sched-flags ',': no flag given" },
	{ "-A -t 192.0.2.1:80 -s sh -b", "!option '-b' needs a value" },
	{ "-a -t 192.0.2.1:80 -r 198.51.100.2 --sched-flags sh-port",
	  "!Illegal 'sched-flags' option with the 'add-server' command" },
	{ "-L --sched-flags sh-port", "!Illegal 'sched-flags' option with the 'list' command" },
	{ "-A -t 192.0.2.1:80 -s sh -b sh-port -b sh-fallback",
	  "!multiple 'sched-flags' options specified" },

	/* halb's own: FULLNAT --laddr (repeated), --client-addr */
	{ "-A -t 203.0.113.1:80 -s rr --laddr 192.0.2.10 --laddr 192.0.2.11 --client-addr toa",
	  "add-service svc,s,laddr,caddr | tcp 203.0.113.1:80 sched=rr flags=0 laddrs=192.0.2.10:0,192.0.2.11:0 caddr=1" },
	{ "-E -t [2001:db8:100::1]:80 --laddr 2001:db8:2::10 --client-addr=ppv2",
	  "edit-service svc,laddr,caddr | tcp [2001:db8:100::1]:80 sched=wlc flags=0 laddrs=[2001:db8:2::10]:0 caddr=2 keep=16" },
	{ "-A -t 203.0.113.1:80 --client-addr none",
	  "add-service svc,caddr | tcp 203.0.113.1:80 sched=wlc flags=0 caddr=0" },
	{ "-A -t 203.0.113.1:80 --laddr 2001:db8:2::10",
	  "!local address 1 and virtual service '203.0.113.1:80' are of different address families" },
	{ "-A -t 203.0.113.1:80 --laddr 192.0.2.10:5",
	  "!--laddr '192.0.2.10:5' takes an address, not a port" },
	{ "-A -t 203.0.113.1:80 --laddr host.example",
	  "!invalid --laddr: 'host.example' is not a numeric IP address (host names are not resolved)" },
	{ "-A -t 203.0.113.1:80 --client-addr proxy",
	  "!invalid --client-addr 'proxy' (toa, ppv2 or none)" },
	{ "-a -t 203.0.113.1:80 -r 192.0.2.131 -b --laddr 192.0.2.10",
	  "!Illegal 'laddr' option with the 'add-server' command" },
	{ "-a -t 203.0.113.1:80 -r 192.0.2.131:8080 -b",
	  "add-server svc,r,fwd | tcp 203.0.113.1:80 | rs 192.0.2.131:8080 fullnat w=1 x=0 y=0" },

	/* halb's own: --nodest-policy, --mh-size, --standby */
	{ "-A -u 192.0.2.1:53 --nodest-policy reschedule",
	  "add-service svc,nodest | udp 192.0.2.1:53 sched=wlc flags=0 nodest=3" },
	{ "-A -t 192.0.2.1:80 --nodest-policy=keep",
	  "add-service svc,nodest | tcp 192.0.2.1:80 sched=wlc flags=0 nodest=0" },
	{ "-E -t 192.0.2.1:80 --nodest-policy expire",
	  "edit-service svc,nodest | tcp 192.0.2.1:80 sched=wlc flags=0 nodest=1 keep=16" },
	{ "-A -t 192.0.2.1:80 --nodest-policy reset",
	  "add-service svc,nodest | tcp 192.0.2.1:80 sched=wlc flags=0 nodest=2" },
	{ "-A -t 192.0.2.1:80 --nodest-policy drop",
	  "!invalid --nodest-policy 'drop' (keep, expire, reset or reschedule)" },
	{ "-A -t 192.0.2.1:80 --nodest-policy Keep",
	  "!invalid --nodest-policy 'Keep' (keep, expire, reset or reschedule)" },
	{ "-L --nodest-policy keep", "!Illegal 'nodest-policy' option with the 'list' command" },
	{ "-A -t 192.0.2.1:80 -s mh --mh-size 251",
	  "add-service svc,s,mh | tcp 192.0.2.1:80 sched=mh flags=0 mh=251" },
	{ "-A -t 192.0.2.1:80 -s mh --mh-size=1048573",
	  "add-service svc,s,mh | tcp 192.0.2.1:80 sched=mh flags=0 mh=1048573" },
	{ "-A -f 9 -s mh --mh-size 65537 -b mh-port",
	  "add-service svc,s,b,mh | fwm 9 inet sched=mh flags=8 mh=65537" },
	{ "-A -t 192.0.2.1:80 -s mh --mh-size 250",
	  "!invalid --mh-size '250' (a prime from 251 to 1048573)" },
	{ "-A -t 192.0.2.1:80 -s mh --mh-size 241",
	  "!invalid --mh-size '241' (a prime from 251 to 1048573)" },
	{ "-A -t 192.0.2.1:80 -s mh --mh-size 1048583",
	  "!invalid --mh-size '1048583' (a prime from 251 to 1048573)" },
	{ "-A -t 192.0.2.1:80 -s mh --mh-size 65536",
	  "!invalid --mh-size '65536' (a prime from 251 to 1048573)" },
	{ "-A -t 192.0.2.1:80 -s mh --mh-size 1e5",
	  "!invalid --mh-size '1e5' (a prime from 251 to 1048573)" },
	{ "-A -t 192.0.2.1:80 --mh-size 251",
	  "!--mh-size 251 is for the mh scheduler only (scheduler is 'wlc')" },
	{ "-A -t 192.0.2.1:80 --standby",
	  "add-service svc,standby | tcp 192.0.2.1:80 sched=wlc flags=16" },
	{ "-A -t 192.0.2.1:80 --no-standby",
	  "add-service svc,standby | tcp 192.0.2.1:80 sched=wlc flags=0" },
	{ "-E -t 192.0.2.1:80 -s rr --standby",
	  "edit-service svc,s,standby | tcp 192.0.2.1:80 sched=rr flags=16" },
	{ "-E -t 192.0.2.1:80 -s rr --no-standby",
	  "edit-service svc,s,standby | tcp 192.0.2.1:80 sched=rr flags=0" },
	{ "-E -t 192.0.2.1:80 -s rr --persistent",
	  "edit-service svc,s,p | tcp 192.0.2.1:80 sched=rr flags=1 timeout=360 mask=32 keep=16" },
	{ "-A -t 192.0.2.1:80 --standby --no-standby",
	  "!more than one of --standby and --no-standby given" },
	{ "-A -t 192.0.2.1:80 --standby=yes", "!option '--standby' takes no value" },
	{ "-L --standby", "!Illegal 'standby' option with the 'list' command" },

	/* listings */
	{ "-Ln --persistent-conn", "list n,pc" },
	{ "-Lnc --persistent-conn", "list n,c,pc" },
	{ "-Ln --rate --exact", "list n,rate,exact" },
	{ "-Lnc --stats", "!options conflicts in the list command" },
	{ "-Lc --rate", "!options conflicts in the list command" },
	{ "-Lc --thresholds", "!options conflicts in the list command" },
	{ "-S --persistent-conn", "!Illegal 'persistent-conn' option with the 'save' command" },
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
