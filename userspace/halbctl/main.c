// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl: administration of the halb load balancer.
 *
 * "halbctl -..." is ipvsadm's command line (so existing scripts keep
 * working with halbctl in ipvsadm's place); "halbctl WORD ..." runs a
 * subcommand from the table below.  Only libhalb talks to the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halbctl/args.h"
#include "halbctl/cmd_realserver.h"
#include "halbctl/exec.h"

#ifdef HALBCTL_HAVE_VRRP
#include "halbctl/cmd_vrrp.h"
#else
/* The vrrp subcommand lives in its own file, built when it exists. */
static int halbctl_cmd_vrrp(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "halbctl vrrp: not built\n");
	return 1;
}
#endif

#define HALBCTL_VERSION	"0.1.0"

static void usage(FILE *f);

static int open_handle(struct halb_handle **h)
{
	int ret = halb_open(h);

	if (ret == -HALB_ENOFAMILY) {
		fprintf(stderr, "halbctl: the halb kernel module is not loaded (modprobe halb)\n");
		return HALBCTL_EXIT_FAIL;
	}
	if (ret) {
		fprintf(stderr, "halbctl: cannot open the halb netlink family: %s\n",
			strerror(-ret));
		return HALBCTL_EXIT_FAIL;
	}
	return 0;
}

/* The ipvsadm-compatible command line. */
static int cmd_ipvsadm(int argc, char **argv)
{
	struct halb_handle *h = NULL;
	struct halbctl_args a;
	char err[256];
	int ret;

	if (halbctl_parse_args(argc, argv, &a, err, sizeof(err))) {
		fprintf(stderr, "halbctl: %s\n", err);
		fprintf(stderr, "Try 'halbctl -h' for more information.\n");
		return HALBCTL_EXIT_USAGE;
	}
	if (a.cmd == HALBCTL_CMD_HELP) {
		usage(stdout);
		return 0;
	}
	if (a.cmd == HALBCTL_CMD_VERSION) {
		printf("halbctl " HALBCTL_VERSION "\n");
		return 0;
	}
	ret = open_handle(&h);
	if (ret)
		return ret;
	if (a.cmd == HALBCTL_CMD_RESTORE) {
		ret = halbctl_restore(h, stdin,
				      !(a.opts & HALBCTL_OPT_NO_BATCH));
	} else {
		ret = halbctl_exec(h, &a);
		if (ret) {
			halbctl_report(h, ret, NULL);
			ret = HALBCTL_EXIT_FAIL;
		}
	}
	if (fflush(stdout) && !ret) {
		fprintf(stderr, "halbctl: write error: %s\n", strerror(errno));
		ret = HALBCTL_EXIT_FAIL;
	}
	halb_close(h);
	return ret;
}

static int cmd_version(int argc, char **argv)
{
	struct halb_handle *h;
	struct halb_info info;
	int ret;

	(void)argc;
	(void)argv;
	printf("halbctl %s (genl family %s version %d)\n", HALBCTL_VERSION,
	       HALB_GENL_NAME, HALB_GENL_VERSION);
	if (halb_open(&h)) {
		printf("halb module: not loaded\n");
		return 0;
	}
	ret = halb_get_info(h, &info);
	if (ret)
		halbctl_report(h, ret, "module version");
	else
		printf("halb module: %u.%u.%u\n", (info.version >> 16) & 0xff,
		       (info.version >> 8) & 0xff, info.version & 0xff);
	halb_close(h);
	return ret ? HALBCTL_EXIT_FAIL : 0;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} subcommands[] = {
	{ "vrrp", halbctl_cmd_vrrp, "show or change halbd's VRRP instances" },
	{ "realserver", halbctl_cmd_realserver, "up|down|status VIP...: DR real-server set-up" },
	{ "version", cmd_version, "print the versions of halbctl and of the module" },
	{ "help", cmd_help, "print this help" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
"Usage: halbctl COMMAND [ARGS...]       (subcommands)\n"
"       halbctl -OPTION ...             (ipvsadm's command line)\n"
"\n"
"Subcommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name,
			subcommands[i].help);
	fprintf(f,
"\n"
"ipvsadm syntax:\n"
"  halbctl -A|E -t|u|f service-address [-s scheduler] [-p [timeout]] [-M netmask]\n"
"          [-o] [-b sched-flags] [--nodest-policy P] [--mh-size N] [--[no-]standby]\n"
"  halbctl -D -t|u|f service-address\n"
"  halbctl -C\n"
"  halbctl -R\n"
"  halbctl -S [-n]\n"
"  halbctl -a|e -t|u service-address -r server-address [-g|i|m|b] [-w weight]\n"
"          [-x upper] [-y lower]\n"
"  halbctl -d -t|u service-address -r server-address\n"
"  halbctl -L|l [-t|u service-address] [-n] [-c] [--stats|--rate|--thresholds]\n"
"          [--exact] [--nosort] [-j]\n"
"  halbctl -Z [-t|u service-address]\n"
"  halbctl -h\n"
"\n"
"Commands:\n"
"  --add-service     -A        add virtual service with options\n"
"  --edit-service    -E        edit virtual service with options\n"
"  --delete-service  -D        delete virtual service\n"
"  --clear           -C        clear the whole table\n"
"  --restore         -R        restore rules from stdin\n"
"  --save            -S        save rules to stdout\n"
"  --add-server      -a        add real server with options\n"
"  --edit-server     -e        edit real server with options\n"
"  --delete-server   -d        delete real server\n"
"  --list            -L|-l     list the table\n"
"  --zero            -Z        zero counters in a service or all services\n"
"  --help            -h        display this help message\n"
"\n"
"Options:\n"
"  --tcp-service  -t service-address   service-address is IP:port or [IPv6]:port\n"
"  --udp-service  -u service-address   service-address is IP:port or [IPv6]:port\n"
"  --fwmark-service -f fwmark          service by firewall mark (with -6: IPv6)\n"
"  --ipv6         -6                   the service is IPv6\n"
"  --scheduler    -s scheduler         the default scheduler is " HALBCTL_DEF_SCHED "\n"
"  --persistent   -p [timeout]         persistent service (default 360 s)\n"
"  --netmask      -M netmask           persistent granularity mask or prefix\n"
"  --real-server  -r server-address    server-address is IP[:port]\n"
"  --gatewaying   -g                   gatewaying (direct routing) (default)\n"
"  --ipip         -i                   ipip encapsulation (tunneling)\n"
"  --masquerading -m                   masquerading (NAT)\n"
"  --fullnat      -b                   full NAT (DNAT + SNAT), after -a/-e\n"
"  --sched-flags  -b flags             after -A/-E: sh-fallback,sh-port,mh-fallback,\n"
"                                      mh-port (or flag-1,flag-2)\n"
"  --ops          -o                   one-packet scheduling (UDP)\n"
"  --nodest-policy keep|expire|reset|reschedule\n"
"                                      fate of a removed server's connections\n"
"  --mh-size      prime                Maglev table size (mh; default 65537)\n"
"  --standby / --no-standby            standby director: pass packets to the\n"
"                                      local stack instead of scheduling\n"
"  --weight       -w weight            capacity of real server (default 1)\n"
"  --u-threshold  -x uthreshold        upper threshold of connections\n"
"  --l-threshold  -y lthreshold        lower threshold of connections\n"
"  --connection   -c                   output of current connections\n"
"  --stats                             output of statistics information\n"
"  --rate                              output of rate information\n"
"  --thresholds                        output of thresholds information\n"
"  --persistent-conn                   output of persistent connection info\n"
"  --exact        -X                   expand numbers (display exact values)\n"
"  --nosort                            disable sorting of services/servers\n"
"  --numeric      -n                   numeric output (always the case)\n"
"  --json         -j                   JSON output of listings\n"
"\n"
"Exit status: 0 success, 1 the operation failed, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	/* ipvsadm with no argument lists the table */
	if (argc < 2 || argv[1][0] == '-')
		return cmd_ipvsadm(argc, argv);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "halbctl: unknown command '%s'; try 'halbctl help'\n",
		argv[1]);
	return HALBCTL_EXIT_USAGE;
}
