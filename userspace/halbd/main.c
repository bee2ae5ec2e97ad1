// SPDX-License-Identifier: GPL-2.0
/*
 * halbd: command line, pid file, daemonizing; then halbd_run().
 * Options follow keepalived's so existing unit files and habits work.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "uapi/linux/halb.h"
#include "halbd/cfg_parse.h"
#include "halbd/cfg_vs.h"
#include "halbd/halbd.h"
#include "halbd/proc.h"

#define HALBD_VERSION		"0.1"
#define DEFAULT_CONF		"/etc/halb/keepalived.conf"
#define DEFAULT_PID		"/run/halbd.pid"
#define DEFAULT_CTL		"/run/halbd.sock"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: halbd [OPTION]...\n"
		"  -f, --use-file FILE      configuration file (default " DEFAULT_CONF ")\n"
		"  -i, --config-id ID       keep the configuration's '@ID' lines (default: the\n"
		"                           node name up to its first '.')\n"
		"  -n, --dont-fork          stay in the foreground\n"
		"  -l, --log-console        log to stderr instead of syslog\n"
		"  -D, --log-detail         detailed (debug) logging\n"
		"  -S, --log-facility N     syslog facility local0..local7 (0-7) or daemon\n"
		"  -p, --pid FILE           pid file (default " DEFAULT_PID ")\n"
		"  -t, --config-test        check the configuration and exit 0 or 1\n"
		"  -P, --vrrp               run VRRP only: no health checks, no virtual servers\n"
		"  -C, --check              run health checks and virtual servers only, no VRRP\n"
		"      --flush-on-exit      remove the configured virtual servers at exit\n"
		"                           (default: leave them; same as lvs_flush_onstop)\n"
		"      --control PATH       control socket (default $HALBD_CONTROL or " DEFAULT_CTL ")\n"
		"      --metrics ADDR:PORT  serve Prometheus metrics at http://ADDR:PORT/metrics\n"
		"                           ([ADDR]:PORT for IPv6; overrides prometheus_listen)\n"
		"      --dump-file PATH     where SIGUSR1 writes the JSON state (default\n"
		"                           state_dump_file, else " HALBD_DEFAULT_DUMP ")\n"
		"  -v, --version            print the version\n"
		"  -h, --help               this help\n");
}

/* -t: what the configuration holds, one line per part. */
static void print_summary(const struct cfg_model *m)
{
	struct cfg_vs_counts c;
	int ni = 0, ns = 0, ng = 0;
	char name[80];

	for (const struct cfg_instance *i = m->instances; i; i = i->next)
		ni++;
	for (const struct cfg_script *s = m->scripts; s; s = s->next)
		ns++;
	for (const struct cfg_sync_group *g = m->groups; g; g = g->next)
		ng++;
	cfg_vs_count(m, &c);
	printf("config id: %s\n", m->config_id);
	printf("vrrp: %d instance(s), %d script(s), %d sync group(s)\n", ni, ns, ng);
	for (const struct cfg_instance *i = m->instances; i; i = i->next)
		printf("  %s:%d: vrrp_instance %s: %s, vrid %d, priority %d\n", i->file, i->line,
		       i->name, i->ifname, i->vrid, i->priority);
	for (const struct cfg_script *s = m->scripts; s; s = s->next)
		printf("  %s:%d: vrrp_script %s: %s\n", s->file, s->line, s->name, s->script);
	printf("lvs: %d virtual_server(s) = %d kernel service(s), %d real server(s), %d checker(s)\n",
	       c.vs, c.services, c.rs, c.checkers);
	for (const struct cfg_vs *vs = m->vss; vs; vs = vs->next)
		printf("  %s:%d: %s %s %s %s, %d real server(s)%s\n", vs->file, vs->line,
		       vs->kind == CFG_VS_FWMARK ? "FWM" : vs->protocol == IPPROTO_UDP ? "UDP" : "TCP",
		       cfg_vs_name(vs, name, sizeof(name)), vs->sched,
		       vs->fwd == HALB_FWD_DR ? "DR" : vs->fwd == HALB_FWD_TUN ? "TUN" :
		       vs->fwd == HALB_FWD_FULLNAT ? "FNAT" : "NAT", vs->nrs,
		       vs->has_sorry ? ", sorry_server" : "");
}

static void diag_stderr(void *arg, bool error, const char *msg)
{
	(void)arg;
	/* exactly "FILE:LINE: message", for editors and for scripts */
	(void)error;
	fprintf(stderr, "%s\n", msg);
}

/* -t: exit status 0 or 1, messages on stderr, the summary on stdout. */
static int config_test(const char *conf, const char *config_id)
{
	struct cfg_diag diag = { .fn = diag_stderr };
	struct cfg_model *m = cfg_load(conf, config_id, &diag);

	if (!m) {
		fprintf(stderr, "%s: configuration has %d error(s)\n", conf, diag.errors);
		return 1;
	}
	print_summary(m);
	printf("%s: configuration OK (%d warning(s))\n", conf, diag.warnings);
	cfg_model_free(m);
	return 0;
}

/* O_EXCL|O_NOFOLLOW: never follow a planted link; a stale file is replaced. */
static int write_pidfile(const char *path)
{
	char buf[32];
	int fd, n;

	for (int tries = 0; tries < 2; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0)
			break;
		if (errno == EEXIST) {
			FILE *f = fopen(path, "re");
			long pid = 0;

			if (f) {
				if (fscanf(f, "%ld", &pid) != 1)
					pid = 0;
				fclose(f);
			}
			if (pid > 0 && pid != getpid() && !kill(pid, 0)) {
				log_err("halbd already running (pid %ld, %s)", pid, path);
				return -1;
			}
			unlink(path);
			continue;
		}
		break;
	}
	if (fd < 0) {
		log_err("pid file %s: %s", path, strerror(errno));
		return -1;
	}
	fchmod(fd, 0644);
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, n) != n) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static int daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	setsid();
	if (chdir("/"))
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "use-file", required_argument, NULL, 'f' },
		{ "config-id", required_argument, NULL, 'i' },
		{ "dont-fork", no_argument, NULL, 'n' },
		{ "log-console", no_argument, NULL, 'l' },
		{ "log-detail", no_argument, NULL, 'D' },
		{ "log-facility", required_argument, NULL, 'S' },
		{ "pid", required_argument, NULL, 'p' },
		{ "config-test", no_argument, NULL, 't' },
		{ "vrrp", no_argument, NULL, 'P' },
		{ "check", no_argument, NULL, 'C' },
		{ "control", required_argument, NULL, 'c' },
		{ "flush-on-exit", no_argument, NULL, 'F' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "dump-file", required_argument, NULL, 'U' },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = DEFAULT_CONF, *pidfile = DEFAULT_PID;
	const char *ctl = getenv("HALBD_CONTROL");
	const char *metrics = NULL, *dump = NULL, *config_id = NULL;
	char *default_id = NULL;
	bool nofork = false, console = false, detail = false, test = false;
	bool vrrp_only = false, check_only = false, flush = false;
	int facility = LOG_DAEMON, c, ret;
	struct cfg_diag diag = { 0 };
	struct halbd d = { 0 };

	while ((c = getopt_long(argc, argv, "f:i:nlDS:p:tPCvh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': conf = optarg; break;
		case 'i': config_id = optarg; break;
		case 'n': nofork = true; break;
		case 'l': console = true; break;
		case 'D': detail = true; break;
		case 'S':
			facility = halb_log_facility(optarg);
			if (facility < 0) {
				fprintf(stderr, "halbd: invalid log facility '%s'\n", optarg);
				return 1;
			}
			break;
		case 'p': pidfile = optarg; break;
		case 't': test = true; break;
		case 'P': vrrp_only = true; break;
		case 'C': check_only = true; break;
		case 'F': flush = true; break;
		case 'c': ctl = optarg; break;
		case 'M': {
			struct cfg_addr a;
			const char *why;
			uint16_t port;

			if (cfg_parse_hostport(optarg, &a, &port, &why)) {
				fprintf(stderr, "halbd: invalid --metrics '%s': %s\n", optarg, why);
				return 1;
			}
			metrics = optarg;
			break;
		}
		case 'U':
			if (optarg[0] != '/') {
				fprintf(stderr, "halbd: --dump-file needs an absolute path\n");
				return 1;
			}
			dump = optarg;
			break;
		case 'v': printf("halbd %s\n", HALBD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "halbd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 1;
	}
	if (!ctl || !*ctl)
		ctl = DEFAULT_CTL;
	/* worked out once: a reload reads '@' lines as the start did */
	if (!config_id) {
		default_id = cfg_default_config_id();
		if (!default_id) {
			fprintf(stderr, "halbd: out of memory\n");
			return 1;
		}
		config_id = default_id;
	}
	if (test) {
		ret = config_test(conf, config_id);
		free(default_id);
		return ret;
	}
	halb_log_open("halbd", console, facility, detail);
	proc_set_quiet(!console);
	diag.fn = halbd_diag_log;
	d.model = cfg_load(conf, config_id, &diag);
	if (!d.model) {
		log_err("%s: configuration has %d error(s), not starting", conf, diag.errors);
		free(default_id);
		return 1;
	}
	if (geteuid() != 0)
		log_warn("not running as root: raw sockets and addresses will fail");
	if (!nofork && daemonize()) {
		log_err("cannot daemonize: %s", strerror(errno));
		return 1;
	}
	if (write_pidfile(pidfile)) {
		cfg_model_free(d.model);
		free(default_id);
		return 1;
	}
	d.conf_path = conf;
	d.config_id = config_id;
	d.ctl_path = ctl;
	d.no_lvs = vrrp_only && !check_only;
	d.no_vrrp = check_only && !vrrp_only;
	d.flush_on_exit = flush;
	d.version = HALBD_VERSION;
	d.metrics_arg = metrics;
	d.dump_arg = dump;
	ret = halbd_run(&d);
	unlink(pidfile);
	cfg_model_free(d.model);
	free(default_id);
	halb_log_close();
	return ret;
}
