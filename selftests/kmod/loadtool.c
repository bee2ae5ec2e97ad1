// SPDX-License-Identifier: GPL-2.0
/*
 * loadtool: TCP load, SYN floods and a user-namespace launcher for the guest
 * selftests (test_churn.sh, test_exhaust.sh, test_security.sh).  One
 * process does what would otherwise take hundreds: starting processes is
 * what costs most under TCG.
 *
 *   loadtool server PORT...
 *	TCP server on every address (IPv4 and IPv6) of each PORT.  A client
 *	sends requests of 12 bytes ("HLB1", u32 size, u32 seed, network
 *	order); each is answered with a 48-byte header holding the address
 *	the server was reached at, then SIZE bytes of a pattern that depends
 *	on SEED and the offset.  A connection carries any number of requests
 *	until the client closes it.
 *
 *   loadtool client [options] ADDR PORT
 *	--workers N	N threads of short connections, one request each
 *	--count N	stop after N short connections in all (default: no limit)
 *	--size N	bytes asked per request (default 2000)
 *	--long N	N long-lived connections, each asking for --long-size bytes
 *			again and again until the end (default 0)
 *	--long-size N	bytes per request of a long-lived connection (65536)
 *	--rate BPS	read each long-lived connection at most BPS bytes/s
 *	--duration S	stop after S seconds (default: until --count or --stop)
 *	--stop FILE	stop once FILE exists
 *	--pause MS	each short-connection thread rests MS between connections
 *	--ctimeout MS	connect timeout (default 3000); --timeout MS for data
 *	--log FILE	one line per short connection:
 *			"T0 T1 T2 SERVER STATUS BYTES" (CLOCK_REALTIME ns: before
 *			connect(), connected, done; STATUS ok, connect, short,
 *			corrupt, reset)
 *	--status FILE	rewritten every 200 ms: "short_ok=N short_fail=N
 *			long_bytes=N long_fail=N long_reqs=N"
 *	At the end one summary line per long-lived connection and per server,
 *	and the totals, on stdout.  Exit 0 if nothing failed.
 *
 *   loadtool synflood [--v6] [--pps N] DST DPORT SRC NSRC COUNT
 *	COUNT TCP SYNs from raw sockets to DST:DPORT, from NSRC addresses
 *	counting up from SRC (SRC + i % NSRC, source port 1024 + i / NSRC,
 *	so no two share a flow), paced to N packets/s if given.
 *
 *   loadtool userns [--as UID] [--net] -- CMD...
 *	Run CMD as root of a new user namespace created by UID (default
 *	65534, the uid mapped to 0 inside), in a new network namespace with
 *	--net: what "setpriv --reuid=UID unshare -Urn CMD" does on a host.
 *	The guest runs the tests in a chroot, and the kernel refuses a new
 *	user namespace to a chrooted process, so the namespace is made from
 *	pid 1's root and the chroot entered again inside it (as nlfuzz does).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>

#define HDR_LEN		48
#define REQ_LEN		12
#define MAX_SERVERS	256

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void nap_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The byte at @off of the answer to a request with @seed. */
static inline uint8_t pattern(uint32_t seed, uint64_t off)
{
	uint32_t x = (uint32_t)off * 2654435761u + seed + (uint32_t)(off >> 32);

	return (uint8_t)(x >> 24 ^ x >> 11);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* 1: all of it; 0: EOF before any byte; -1: error or EOF midway */
static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, p + got, len - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 && got == 0)
			return 0;
		if (n <= 0)
			return -1;
		got += n;
	}
	return 1;
}

/* --- server -------------------------------------------------------------- */

static void *serve_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char hdr[HDR_LEN] = "", host[INET6_ADDRSTRLEN];
	unsigned char req[REQ_LEN], buf[16384];

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
				inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], host, sizeof(host));
			else
				inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
			snprintf(hdr, sizeof(hdr), "%s", host);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
			snprintf(hdr, sizeof(hdr), "%s", host);
		}
	}
	while (read_all(fd, req, REQ_LEN) == 1 && !memcmp(req, "HLB1", 4)) {
		uint32_t size, seed;
		uint64_t off = 0;

		memcpy(&size, req + 4, 4);
		memcpy(&seed, req + 8, 4);
		size = ntohl(size);
		seed = ntohl(seed);
		if (write_all(fd, hdr, HDR_LEN))
			break;
		while (off < size) {
			size_t n = size - off < sizeof(buf) ? size - off : sizeof(buf), i;

			for (i = 0; i < n; i++)
				buf[i] = pattern(seed, off + i);
			if (write_all(fd, buf, n))
				goto out;
			off += n;
		}
	}
out:
	close(fd);
	return NULL;
}

static void *accept_loop(void *arg)
{
	int lfd = (int)(intptr_t)arg;

	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		pthread_attr_t at;
		pthread_t t;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				nap_ms(50);
			continue;
		}
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&at, 64 * 1024);
		if (pthread_create(&t, &at, serve_conn, (void *)(intptr_t)fd))
			close(fd);
		pthread_attr_destroy(&at);
	}
	return NULL;
}

static int server(int argc, char **argv)
{
	pthread_t t;
	int i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < argc; i++) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
		int fd = socket(AF_INET6, SOCK_STREAM, 0), off = 0, on = 1;

		a.sin6_port = htons(atoi(argv[i]));
		if (fd < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1024)) {
			perror("loadtool server");
			return 1;
		}
		if (pthread_create(&t, NULL, accept_loop, (void *)(intptr_t)fd))
			return 1;
	}
	for (;;)
		pause();
}

/* --- client -------------------------------------------------------------- */

static struct {
	struct sockaddr_storage dst;
	socklen_t dstlen;
	int workers, longs;
	long count;			/* short connections in all, -1: no limit */
	uint32_t size, long_size;
	uint64_t rate;			/* bytes/s per long connection, 0: any */
	uint64_t deadline;		/* CLOCK_MONOTONIC ns, 0: none */
	const char *stop_file, *log_file, *status_file;
	int ctimeout, timeout;		/* ms */
	int pause;			/* ms between short connections */
} copt = {
	.count = -1, .size = 2000, .long_size = 65536, .ctimeout = 3000, .timeout = 10000,
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int stopping;
static long started;			/* short connections begun */
static FILE *logf;

struct server_count {
	char name[HDR_LEN];
	unsigned long ok, fail;
};

static struct {
	unsigned long short_ok, short_fail, long_fail, long_reqs;
	uint64_t long_bytes;
	struct server_count srv[MAX_SERVERS];
	int nsrv;
} tot;

static void count_server(const char *name, bool ok)
{
	int i;

	for (i = 0; i < tot.nsrv; i++)
		if (!strcmp(tot.srv[i].name, name))
			break;
	if (i == tot.nsrv) {
		if (tot.nsrv == MAX_SERVERS)
			return;
		snprintf(tot.srv[tot.nsrv++].name, HDR_LEN, "%s", name);
	}
	if (ok)
		tot.srv[i].ok++;
	else
		tot.srv[i].fail++;
}

static bool should_stop(void)
{
	if (stopping)
		return true;
	if (copt.deadline && mono_ns() >= copt.deadline)
		stopping = 1;
	else if (copt.stop_file && access(copt.stop_file, F_OK) == 0)
		stopping = 1;
	return stopping;
}

/* A connected TCP socket, or -1 with errno set. */
static int connect_to(void)
{
	int fd = socket(copt.dst.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0;
	struct timeval tv = { copt.timeout / 1000, (copt.timeout % 1000) * 1000 };
	struct pollfd p;
	socklen_t el = sizeof(err);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&copt.dst, copt.dstlen) && errno != EINPROGRESS)
		goto fail;
	p.fd = fd;
	p.events = POLLOUT;
	if (poll(&p, 1, copt.ctimeout) != 1) {
		errno = ETIMEDOUT;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) || err) {
		errno = err ? err : EIO;
		goto fail;
	}
	fcntl(fd, F_SETFL, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/*
 * One request on @fd; the server's name goes to @name.  Reads at most
 * @rate bytes/s if non-zero.  Returns the status word of the log.
 */
static const char *request(int fd, uint32_t size, uint32_t seed, uint64_t rate,
			   char *name, uint64_t *bytes)
{
	unsigned char req[REQ_LEN], buf[16384];
	uint32_t v;
	uint64_t off = 0, t0 = mono_ns();

	*bytes = 0;
	memcpy(req, "HLB1", 4);
	v = htonl(size);
	memcpy(req + 4, &v, 4);
	v = htonl(seed);
	memcpy(req + 8, &v, 4);
	if (write_all(fd, req, REQ_LEN))
		return errno == ECONNRESET ? "reset" : "short";
	switch (read_all(fd, name, HDR_LEN)) {
	case 1:
		break;
	case 0:
		return "short";
	default:
		return errno == ECONNRESET ? "reset" : "short";
	}
	name[HDR_LEN - 1] = 0;
	while (off < size) {
		size_t want = size - off < sizeof(buf) ? size - off : sizeof(buf), i;
		ssize_t n;

		if (rate && want > rate / 10 + 1)
			want = rate / 10 + 1;
		n = recv(fd, buf, want, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 && errno == ECONNRESET ? "reset" : "short";
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pattern(seed, off + i))
				return "corrupt";
		off += n;
		*bytes = off;
		if (rate) {
			/* sleep until the bytes so far are due */
			uint64_t due = t0 + off * 1000000000ull / rate, t = mono_ns();

			if (due > t)
				nap_ms((due - t) / 1000000);
		}
	}
	return "ok";
}

static void *short_worker(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg * 7919u;

	while (!should_stop()) {
		char name[HDR_LEN] = "-";
		const char *st;
		uint64_t t0, t1 = 0, t2, bytes = 0;
		int fd;

		pthread_mutex_lock(&lock);
		if (copt.count >= 0 && started >= copt.count) {
			pthread_mutex_unlock(&lock);
			break;
		}
		started++;
		pthread_mutex_unlock(&lock);
		seed = seed * 1103515245u + 12345u;
		t0 = now_ns();
		fd = connect_to();
		if (fd < 0) {
			st = "connect";
		} else {
			t1 = now_ns();
			st = request(fd, copt.size, seed, 0, name, &bytes);
			close(fd);
		}
		t2 = now_ns();
		pthread_mutex_lock(&lock);
		if (!strcmp(st, "ok"))
			tot.short_ok++;
		else
			tot.short_fail++;
		if (fd >= 0)
			count_server(name, !strcmp(st, "ok"));
		if (logf)
			fprintf(logf, "%llu %llu %llu %s %s %llu\n", (unsigned long long)t0,
				(unsigned long long)t1, (unsigned long long)t2, name, st,
				(unsigned long long)bytes);
		pthread_mutex_unlock(&lock);
		if (fd < 0 && !should_stop())
			nap_ms(100);
		else if (copt.pause && !should_stop())
			nap_ms(copt.pause);
	}
	return NULL;
}

struct long_flow {
	pthread_t t;
	int id;
	char name[HDR_LEN];
	unsigned long reqs, fails;
	uint64_t bytes, asked;
	const char *last;
};

static void *long_worker(void *arg)
{
	struct long_flow *lf = arg;
	uint32_t seed = 0x9e3779b9u * (lf->id + 1);
	int fd = connect_to();

	snprintf(lf->name, HDR_LEN, "-");
	lf->last = "connect";
	if (fd < 0) {
		pthread_mutex_lock(&lock);
		tot.long_fail++;
		pthread_mutex_unlock(&lock);
		lf->fails++;
		return NULL;
	}
	lf->last = "ok";
	while (!should_stop()) {
		char name[HDR_LEN];
		uint64_t bytes;
		const char *st;

		seed += 0x6d2b79f5u;
		st = request(fd, copt.long_size, seed, copt.rate, name, &bytes);
		pthread_mutex_lock(&lock);
		lf->asked += copt.long_size;
		lf->bytes += bytes;
		tot.long_bytes += bytes;
		if (strcmp(st, "ok")) {
			tot.long_fail++;
			lf->fails++;
			lf->last = st;
			pthread_mutex_unlock(&lock);
			break;
		}
		tot.long_reqs++;
		lf->reqs++;
		snprintf(lf->name, HDR_LEN, "%s", name);
		pthread_mutex_unlock(&lock);
	}
	close(fd);
	return NULL;
}

static void write_status(void)
{
	char tmp[512], buf[256];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", copt.status_file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	pthread_mutex_lock(&lock);
	snprintf(buf, sizeof(buf), "short_ok=%lu short_fail=%lu long_bytes=%llu long_fail=%lu long_reqs=%lu",
		 tot.short_ok, tot.short_fail, (unsigned long long)tot.long_bytes,
		 tot.long_fail, tot.long_reqs);
	pthread_mutex_unlock(&lock);
	fprintf(f, "%s\n", buf);
	fclose(f);
	rename(tmp, copt.status_file);
}

static int parse_addr(const char *addr, const char *port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&copt.dst;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&copt.dst;

	memset(&copt.dst, 0, sizeof(copt.dst));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(atoi(port));
		copt.dstlen = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(atoi(port));
		copt.dstlen = sizeof(*s6);
		return 0;
	}
	fprintf(stderr, "loadtool: bad address %s\n", addr);
	return -1;
}

static int client(int argc, char **argv)
{
	pthread_t *w;
	struct long_flow *lf;
	int i, rc = 0;

	signal(SIGPIPE, SIG_IGN);
	copt.workers = 1;
	for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			goto usage;
		i++;
		if (!strcmp(o, "--workers"))
			copt.workers = atoi(v);
		else if (!strcmp(o, "--count"))
			copt.count = atol(v);
		else if (!strcmp(o, "--size"))
			copt.size = strtoul(v, NULL, 0);
		else if (!strcmp(o, "--long"))
			copt.longs = atoi(v);
		else if (!strcmp(o, "--long-size"))
			copt.long_size = strtoul(v, NULL, 0);
		else if (!strcmp(o, "--rate"))
			copt.rate = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--duration"))
			copt.deadline = mono_ns() + strtoull(v, NULL, 0) * 1000000000ull;
		else if (!strcmp(o, "--stop"))
			copt.stop_file = v;
		else if (!strcmp(o, "--log"))
			copt.log_file = v;
		else if (!strcmp(o, "--status"))
			copt.status_file = v;
		else if (!strcmp(o, "--pause"))
			copt.pause = atoi(v);
		else if (!strcmp(o, "--ctimeout"))
			copt.ctimeout = atoi(v);
		else if (!strcmp(o, "--timeout"))
			copt.timeout = atoi(v);
		else
			goto usage;
	}
	if (argc - i != 2 || parse_addr(argv[i], argv[i + 1]))
		goto usage;
	if (copt.count == 0)
		copt.workers = 0;
	if (copt.log_file) {
		logf = fopen(copt.log_file, "w");
		if (!logf) {
			perror(copt.log_file);
			return 2;
		}
	}
	w = calloc(copt.workers + 1, sizeof(*w));
	lf = calloc(copt.longs + 1, sizeof(*lf));
	for (i = 0; i < copt.longs; i++) {
		lf[i].id = i;
		pthread_create(&lf[i].t, NULL, long_worker, &lf[i]);
	}
	for (i = 0; i < copt.workers; i++)
		pthread_create(&w[i], NULL, short_worker, (void *)(uintptr_t)(i + 1));
	/* the short workers end by count; long flows by time or stop file */
	for (;;) {
		bool busy;

		if (copt.status_file)
			write_status();
		pthread_mutex_lock(&lock);
		busy = copt.count < 0 || started < copt.count ||
		       tot.short_ok + tot.short_fail < (unsigned long)copt.count;
		pthread_mutex_unlock(&lock);
		if (should_stop() || (!busy && !copt.longs))
			break;
		if (!busy && !copt.deadline && !copt.stop_file)
			break;
		nap_ms(200);
	}
	stopping = 1;
	for (i = 0; i < copt.workers; i++)
		pthread_join(w[i], NULL);
	for (i = 0; i < copt.longs; i++)
		pthread_join(lf[i].t, NULL);
	if (copt.status_file)
		write_status();
	for (i = 0; i < copt.longs; i++) {
		printf("long %d server=%s reqs=%lu asked=%llu bytes=%llu status=%s\n", i,
		       lf[i].name, lf[i].reqs, (unsigned long long)lf[i].asked,
		       (unsigned long long)lf[i].bytes, lf[i].last);
		if (lf[i].fails)
			rc = 1;
	}
	for (i = 0; i < tot.nsrv; i++)
		printf("server %s ok=%lu fail=%lu\n", tot.srv[i].name, tot.srv[i].ok,
		       tot.srv[i].fail);
	printf("total short_ok=%lu short_fail=%lu long_reqs=%lu long_bytes=%llu long_fail=%lu\n",
	       tot.short_ok, tot.short_fail, tot.long_reqs,
	       (unsigned long long)tot.long_bytes, tot.long_fail);
	if (tot.short_fail)
		rc = 1;
	if (logf)
		fclose(logf);
	return rc;
usage:
	fprintf(stderr, "usage: loadtool client [--workers N] [--count N] [--size N] [--long N]\n"
		"	[--long-size N] [--rate BPS] [--duration S] [--stop FILE] [--log FILE]\n"
		"	[--status FILE] [--pause MS] [--ctimeout MS] [--timeout MS] ADDR PORT\n");
	return 2;
}

/* --- SYN flood ------------------------------------------------------------- */

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

static int synflood(int argc, char **argv)
{
	bool v6 = false;
	long pps = 0, count, nsrc, i;
	struct in_addr s4, d4;
	struct in6_addr s6, d6;
	int fd, i0 = 0, dport;
	uint64_t t0 = mono_ns();
	long sent = 0, errs = 0;

	while (i0 < argc && argv[i0][0] == '-') {
		if (!strcmp(argv[i0], "--v6")) {
			v6 = true;
			i0++;
		} else if (!strcmp(argv[i0], "--pps") && i0 + 1 < argc) {
			pps = atol(argv[i0 + 1]);
			i0 += 2;
		} else {
			break;
		}
	}
	if (argc - i0 != 5)
		goto usage;
	dport = atoi(argv[i0 + 1]);
	nsrc = atol(argv[i0 + 3]);
	count = atol(argv[i0 + 4]);
	if (nsrc < 1 || count < 0)
		goto usage;
	if (v6 ? inet_pton(AF_INET6, argv[i0], &d6) != 1 || inet_pton(AF_INET6, argv[i0 + 2], &s6) != 1
	       : inet_pton(AF_INET, argv[i0], &d4) != 1 || inet_pton(AF_INET, argv[i0 + 2], &s4) != 1)
		goto usage;
	/* IPPROTO_RAW: we write the IP header ourselves (IP(V6)_HDRINCL) */
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("loadtool synflood: socket");
		return 1;
	}
	for (i = 0; i < count; i++) {
		unsigned char pkt[80];
		struct tcphdr *th;
		uint32_t sum;
		size_t iplen = v6 ? sizeof(struct ip6_hdr) : sizeof(struct iphdr);
		size_t tlen = sizeof(struct tcphdr) + 4;	/* + MSS option */
		struct sockaddr_storage to;
		socklen_t tolen;
		uint16_t sport = 1024 + i / nsrc;

		memset(pkt, 0, sizeof(pkt));
		memset(&to, 0, sizeof(to));
		th = (struct tcphdr *)(pkt + iplen);
		th->source = htons(sport);
		th->dest = htons(dport);
		th->seq = htonl(0x10000000u + (uint32_t)i * 7777u);
		th->doff = tlen / 4;
		th->syn = 1;
		th->window = htons(64240);
		pkt[iplen + sizeof(struct tcphdr)] = 2;		/* MSS 1460 */
		pkt[iplen + sizeof(struct tcphdr) + 1] = 4;
		pkt[iplen + sizeof(struct tcphdr) + 2] = 1460 >> 8;
		pkt[iplen + sizeof(struct tcphdr) + 3] = 1460 & 0xff;
		if (v6) {
			struct ip6_hdr *ip6 = (struct ip6_hdr *)pkt;
			struct sockaddr_in6 *t6 = (struct sockaddr_in6 *)&to;
			uint32_t n = ntohl(s6.s6_addr32[3]) + i % nsrc;
			uint8_t ph[4] = { 0, 0, 0, IPPROTO_TCP };

			ip6->ip6_flow = htonl(6u << 28);
			ip6->ip6_plen = htons(tlen);
			ip6->ip6_nxt = IPPROTO_TCP;
			ip6->ip6_hlim = 64;
			ip6->ip6_src = s6;
			ip6->ip6_src.s6_addr32[3] = htonl(n);
			ip6->ip6_dst = d6;
			sum = csum_add(0, &ip6->ip6_src, 32);
			sum += tlen;
			sum = csum_add(sum, ph, 4);
			sum = csum_add(sum, th, tlen);
			th->check = csum_fold(sum);
			t6->sin6_family = AF_INET6;
			t6->sin6_addr = d6;
			tolen = sizeof(*t6);
		} else {
			struct iphdr *ip = (struct iphdr *)pkt;
			struct sockaddr_in *t4 = (struct sockaddr_in *)&to;
			uint8_t ph[4] = { 0, IPPROTO_TCP, 0, (uint8_t)tlen };

			ip->version = 4;
			ip->ihl = 5;
			ip->tot_len = htons(iplen + tlen);
			ip->id = htons(i & 0xffff);
			ip->ttl = 64;
			ip->protocol = IPPROTO_TCP;
			ip->saddr = htonl(ntohl(s4.s_addr) + i % nsrc);
			ip->daddr = d4.s_addr;
			/* the kernel fills in the IP header checksum */
			sum = csum_add(0, &ip->saddr, 8);
			sum = csum_add(sum, ph, 4);
			sum = csum_add(sum, th, tlen);
			th->check = csum_fold(sum);
			t4->sin_family = AF_INET;
			t4->sin_addr = d4;
			tolen = sizeof(*t4);
		}
		while (sendto(fd, pkt, iplen + tlen, 0, (struct sockaddr *)&to, tolen) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN) {
				errs++;
				break;
			}
			sched_yield();
		}
		sent++;
		if (pps && (i & 15) == 15) {
			uint64_t due = t0 + (uint64_t)(i + 1) * 1000000000ull / pps, t = mono_ns();

			if (due > t)
				nap_ms((due - t) / 1000000);
		}
	}
	printf("synflood sent=%ld errors=%ld seconds=%.1f\n", sent - errs, errs,
	       (mono_ns() - t0) / 1e9);
	close(fd);
	return errs ? 1 : 0;
usage:
	fprintf(stderr, "usage: loadtool synflood [--v6] [--pps N] DST DPORT SRC NSRC COUNT\n");
	return 2;
}

/* --- user namespace launcher ------------------------------------------------ */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

static int userns(int argc, char **argv)
{
	uid_t as = 65534;
	bool net = false;
	int i = 0, rootfd;
	char map[64];

	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--as") && i + 1 < argc)
			as = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--net"))
			net = true;
		else
			goto usage;
	}
	if (i + 1 >= argc)
		goto usage;
	argv += i + 1;
	if (getuid() != 0) {
		fprintf(stderr, "loadtool userns: run me as root; I become uid %u\n", as);
		return 2;
	}
	rootfd = open("/", O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || chroot("/proc/1/root") ||
	    setgroups(0, NULL) || setgid(as) || setuid(as)) {
		perror("loadtool userns: dropping to an unprivileged user");
		return 1;
	}
	/* setuid() made us undumpable: the id map files would be root's */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (unshare(CLONE_NEWUSER | (net ? CLONE_NEWNET : 0))) {
		perror("loadtool userns: unshare");
		return 1;
	}
	if (fchdir(rootfd) || chroot(".") || chdir("/")) {
		perror("loadtool userns: back to the test root");
		return 1;
	}
	close(rootfd);
	snprintf(map, sizeof(map), "0 %u 1", as);
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", map)) {
		perror("loadtool userns: uid_map");
		return 1;
	}
	snprintf(map, sizeof(map), "0 %u 1", as);
	if (write_file("/proc/self/gid_map", map)) {
		perror("loadtool userns: gid_map");
		return 1;
	}
	execvp(argv[0], argv);
	perror(argv[0]);
	return 127;
usage:
	fprintf(stderr, "usage: loadtool userns [--as UID] [--net] -- CMD...\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "server"))
		return server(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "client"))
		return client(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "synflood"))
		return synflood(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "userns"))
		return userns(argc - 2, argv + 2);
	fprintf(stderr, "usage: loadtool server PORT... | client ... | synflood ... | userns ...\n");
	return 2;
}
