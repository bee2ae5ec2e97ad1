// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl_exec() and halbctl_restore() against a fake module: the libhalb
 * calls below keep a table in memory the way the module keeps it (keys,
 * EEXIST/ESRCH, attributes replaced only when sent, defaults reported
 * back), so that -S -> -R -> -S is tested through the real code paths,
 * and so is what a bad -R line sends (nothing).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "halbctl/exec.h"
#include "test.h"

#define FAKE_MAX	64

static struct fake_svc {
	struct halb_service svc;
	struct halb_dest dests[FAKE_MAX];
	size_t n_dests;
} fake[FAKE_MAX];
static size_t n_fake;
static unsigned int fake_changes;	/* requests that change the table */

static bool same_key(const struct halb_service *a, const struct halb_service *b)
{
	if (a->af != b->af || a->fwmark != b->fwmark)
		return false;
	if (a->fwmark)
		return true;
	return a->protocol == b->protocol && a->port == b->port &&
	       !memcmp(&a->addr, &b->addr, a->af == AF_INET6 ?
		       sizeof(a->addr.v6) : sizeof(a->addr.v4));
}

static struct fake_svc *find_svc(const struct halb_service *key)
{
	size_t i;

	for (i = 0; i < n_fake; i++)
		if (same_key(&fake[i].svc, key))
			return &fake[i];
	return NULL;
}

static struct halb_dest *find_dest(struct fake_svc *f,
				   const struct halb_dest *d)
{
	size_t i;

	for (i = 0; i < f->n_dests; i++)
		if (f->dests[i].port == d->port &&
		    !memcmp(&f->dests[i].addr, &d->addr, sizeof(d->addr)))
			return &f->dests[i];
	return NULL;
}

/* The attributes a request carries, as the module applies them. */
static void apply_svc(struct halb_service *to, const struct halb_service *s)
{
	if (s->sched[0])
		memcpy(to->sched, s->sched, sizeof(to->sched));
	if (s->has & HALB_SVC_HAS_FLAGS)
		to->flags = s->flags;
	if (s->has & HALB_SVC_HAS_TIMEOUT)
		to->timeout = s->timeout;
	if (s->has & HALB_SVC_HAS_NETMASK)
		to->netmask = s->netmask;
	if (s->has & HALB_SVC_HAS_NODEST)
		to->nodest = s->nodest;
	if (s->has & HALB_SVC_HAS_MH_SIZE)
		to->mh_size = s->mh_size;
	if (!strcmp(to->sched, "mh") && !to->mh_size)
		to->mh_size = HALB_MH_SIZE_DEFAULT;
	/* a query reports every attribute */
	to->has = HALB_SVC_HAS_FLAGS | HALB_SVC_HAS_TIMEOUT |
		  HALB_SVC_HAS_NETMASK | HALB_SVC_HAS_NODEST |
		  HALB_SVC_HAS_MH_SIZE;
}

static void fake_reset(void)
{
	memset(fake, 0, sizeof(fake));
	n_fake = 0;
	fake_changes = 0;
}

const char *halb_last_error(const struct halb_handle *h)
{
	(void)h;
	return "";
}

int halb_get_info(struct halb_handle *h, struct halb_info *info)
{
	(void)h;
	memset(info, 0, sizeof(*info));
	info->version = 0x010201;
	info->conn_tab_size = 4096;
	info->num_services = n_fake;
	return 0;
}

int halb_add_service(struct halb_handle *h, const struct halb_service *svc)
{
	struct fake_svc *f;

	(void)h;
	fake_changes++;
	if (find_svc(svc))
		return -EEXIST;
	if (n_fake == FAKE_MAX)
		return -ENOMEM;
	f = &fake[n_fake++];
	memset(f, 0, sizeof(*f));
	f->svc.af = svc->af;
	f->svc.fwmark = svc->fwmark;
	f->svc.protocol = svc->protocol;
	f->svc.addr = svc->addr;
	f->svc.port = svc->port;
	apply_svc(&f->svc, svc);
	return 0;
}

int halb_edit_service(struct halb_handle *h, const struct halb_service *svc)
{
	struct fake_svc *f = find_svc(svc);

	(void)h;
	fake_changes++;
	if (!f)
		return -ESRCH;
	apply_svc(&f->svc, svc);
	return 0;
}

int halb_del_service(struct halb_handle *h, const struct halb_service *key)
{
	struct fake_svc *f = find_svc(key);

	(void)h;
	fake_changes++;
	if (!f)
		return -ESRCH;
	*f = fake[--n_fake];
	return 0;
}

int halb_get_service(struct halb_handle *h, struct halb_service *svc)
{
	struct fake_svc *f = find_svc(svc);

	(void)h;
	if (!f)
		return -ESRCH;
	*svc = f->svc;
	svc->num_dests = f->n_dests;
	return 0;
}

int halb_list_services(struct halb_handle *h, struct halb_service **svcs,
		       size_t *n)
{
	size_t i;

	(void)h;
	*svcs = calloc(n_fake ? n_fake : 1, sizeof(**svcs));
	if (!*svcs)
		return -ENOMEM;
	for (i = 0; i < n_fake; i++)
		(*svcs)[i] = fake[i].svc;
	*n = n_fake;
	return 0;
}

int halb_add_dest(struct halb_handle *h, const struct halb_service *key,
		  const struct halb_dest *dest)
{
	struct fake_svc *f = find_svc(key);

	(void)h;
	fake_changes++;
	if (!f)
		return -ESRCH;
	if (find_dest(f, dest))
		return -EEXIST;
	if (f->n_dests == FAKE_MAX)
		return -ENOMEM;
	f->dests[f->n_dests++] = *dest;
	return 0;
}

int halb_edit_dest(struct halb_handle *h, const struct halb_service *key,
		   const struct halb_dest *dest)
{
	struct fake_svc *f = find_svc(key);
	struct halb_dest *d;

	(void)h;
	fake_changes++;
	if (!f)
		return -ESRCH;
	d = find_dest(f, dest);
	if (!d)
		return -ENOENT;
	*d = *dest;
	return 0;
}

int halb_del_dest(struct halb_handle *h, const struct halb_service *key,
		  const struct halb_dest *dest)
{
	struct fake_svc *f = find_svc(key);
	struct halb_dest *d;

	(void)h;
	fake_changes++;
	if (!f)
		return -ESRCH;
	d = find_dest(f, dest);
	if (!d)
		return -ENOENT;
	*d = f->dests[--f->n_dests];
	return 0;
}

int halb_list_dests(struct halb_handle *h, const struct halb_service *key,
		    struct halb_dest **dests, size_t *n)
{
	struct fake_svc *f = find_svc(key);

	(void)h;
	if (!f)
		return -ESRCH;
	*dests = calloc(f->n_dests ? f->n_dests : 1, sizeof(**dests));
	if (!*dests)
		return -ENOMEM;
	memcpy(*dests, f->dests, f->n_dests * sizeof(**dests));
	*n = f->n_dests;
	return 0;
}

int halb_list_conns(struct halb_handle *h, struct halb_conn **conns,
		    size_t *n)
{
	(void)h;
	*conns = NULL;
	*n = 0;
	return 0;
}

int halb_flush(struct halb_handle *h)
{
	(void)h;
	fake_changes++;
	n_fake = 0;
	return 0;
}

int halb_zero(struct halb_handle *h, const struct halb_service *key)
{
	(void)h;
	fake_changes++;
	return key && !find_svc(key) ? -ESRCH : 0;
}

/*
 * Batches: the fake carries out each request at once, so a batch fails at
 * the line that failed, with nothing applied after it.
 */
static unsigned int fake_batches;

int halb_batch_begin(struct halb_handle *h)
{
	(void)h;
	fake_batches++;
	return 0;
}

void halb_batch_tag(struct halb_handle *h, unsigned long tag)
{
	(void)h;
	(void)tag;
}

int halb_batch_end(struct halb_handle *h, struct halb_batch_result *res)
{
	(void)h;
	if (res)
		memset(res, 0, sizeof(*res));
	return 0;
}

/* Run one command line through parse + exec; its stdout in *out. */
static int run_line(const char *line, char **out)
{
	char buf[512], *argv[64], err[256];
	struct halbctl_args a;
	FILE *saved = stdout;
	size_t len = 0;
	int argc, ret;

	snprintf(buf, sizeof(buf), "%s", line);
	argc = halbctl_split_line(buf, argv, 64);
	if (halbctl_parse_args(argc, argv, &a, err, sizeof(err))) {
		printf("# %s: %s\n", line, err);
		return -1;
	}
	*out = NULL;
	stdout = open_memstream(out, &len);
	ret = halbctl_exec(NULL, &a);
	fclose(stdout);
	stdout = saved;
	return ret;
}

/* halbctl -R with @text on stdin; its stderr in *errout. */
static bool restore_batch = true;

static int run_restore(const char *text, char **errout)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *saved = stderr;
	size_t len = 0;
	int ret;

	*errout = NULL;
	stderr = open_memstream(errout, &len);
	ret = halbctl_restore(NULL, in, restore_batch);
	fclose(stderr);
	stderr = saved;
	fclose(in);
	return ret;
}

static char *read_file(const char *name)
{
	char path[512], *buf = NULL;
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

/*
 * A save restores to the same table: ipvsadm's own -S output (and halb's)
 * through halbctl -R into an empty table, then halbctl -S: the same bytes.
 */
static void round_trip(const char *name)
{
	char *want = read_file(name), *err = NULL, *got = NULL;
	int rret = -1, sret = -1;

	fake_reset();
	if (want) {
		rret = run_restore(want, &err);
		sret = run_line("-S -n", &got);
	}
	if (!test_report(want && rret == 0 && sret == 0 && got &&
			 !strcmp(got, want),
			 "exec: -R %s then -S gives it back", name))
		printf("# restore %d %s# save %d:\n%s", rret, err ? err : "",
		       sret, got ? got : "");
	free(want);
	free(err);
	free(got);
}

/*
 * -R parses everything first: a bad line names itself and nothing at all
 * is sent; a line the module refuses stops the restore there.  Both with
 * and without batches.
 */
static void restore_errors(bool batch)
{
	const char *mode = batch ? "batched" : "--no-batch";
	unsigned int batches = fake_batches;
	char *err = NULL;
	int ret;

	restore_batch = batch;
	fake_reset();
	fake_changes = 0;
	ret = run_restore("-A -f 1 -s rr\n"
			  "-a -f 1 -r 198.51.100.2 -m\n"
			  "# comment\n"
			  "-A -f 2 -s sh -b sh-port,bogus\n"
			  "-A -f 3\n", &err);
	test_report(ret == HALBCTL_EXIT_USAGE && err &&
		    !strcmp(err, "halbctl: line 4: invalid scheduler flag 'bogus' in '--sched-flags sh-port,bogus' (sh-fallback, sh-port, mh-fallback, mh-port, flag-1, flag-2)\n") &&
		    fake_changes == 0 && n_fake == 0,
		    "exec: -R (%s) usage error names line 4, nothing at all sent", mode);
	if (err && strstr(err, "line 4") == NULL)
		printf("# %s", err);
	free(err);

	ret = run_restore("-A -u 192.0.2.1:53 -o --nodest-policy reset\n"
			  "-A -f 1 -s wlc\n"
			  "-A -f 1 -s wlc\n"
			  "-A -f 4 -s wlc\n", &err);
	test_report(ret == HALBCTL_EXIT_FAIL && err &&
		    !strcmp(err, "halbctl: line 3: File exists\n") &&
		    n_fake == 2,
		    "exec: -R (%s) module error names line 3, stops there", mode);
	free(err);

	fake_changes = 0;
	ret = run_restore("-A -t 192.0.2.9:80 --mh-size 251\n", &err);
	test_report(ret == HALBCTL_EXIT_USAGE && fake_changes == 0 &&
		    n_fake == 2,
		    "exec: -R (%s) bad --mh-size sends nothing", mode);
	free(err);
	test_report(fake_batches == batches + (batch ? 1 : 0),
		    "exec: -R (%s) opened %s batch", mode, batch ? "one" : "no");
	restore_batch = true;
}

/* -E keeps halb's standby unless told; --no-standby clears it. */
static void edit_standby(void)
{
	char *out = NULL;
	int r1, r2, r3;
	bool ok;

	fake_reset();
	r1 = run_line("-A -t 192.0.2.1:80 -s sh --standby --nodest-policy expire",
		      &out);
	free(out);
	r2 = run_line("-E -t 192.0.2.1:80 -s sh -b sh-port", &out);
	free(out);
	ok = r1 == 0 && r2 == 0 && n_fake == 1 &&
	     fake[0].svc.flags == (HALB_SVC_F_STANDBY | HALB_SVC_F_HASH_PORT) &&
	     fake[0].svc.nodest == HALB_NODEST_EXPIRE;
	test_report(ok, "exec: -E without --standby keeps it (and the nodest policy)");
	r3 = run_line("-E -t 192.0.2.1:80 -s sh --no-standby", &out);
	free(out);
	test_report(r3 == 0 && fake[0].svc.flags == 0,
		    "exec: -E --no-standby clears it, and the sched flags as ipvsadm");
	r3 = run_line("-E -t 192.0.2.1:81 -s rr", &out);
	free(out);
	test_report(r3 == -ESRCH, "exec: -E of a missing service fails (ESRCH)");
}

/* -L of one fwmark service finds it by mark and family. */
static void list_one(void)
{
	char *out = NULL, *want = read_file("one-fwm6.txt");
	int ret;

	fake_reset();
	ret = run_restore("-A -f 2 -s rr\n"
			  "-A -f 2 -6 -s sh -p 300 -M 64 -b sh-fallback,sh-port\n"
			  "-a -f 2 -6 -r [2001:db8::2]:0 -g -w 2\n", &out);
	free(out);
	if (!ret)
		ret = run_line("-L -n -f 2 -6", &out);
	test_report(!ret && want && out && !strcmp(out, want),
		    "exec: -L -f 2 -6 lists the IPv6 service of mark 2");
	free(out);
	free(want);
}

int exec_test_count(void)
{
	return 4 + 4 + 4 + 3 + 1;
}

void exec_tests(void)
{
	round_trip("save.txt");
	round_trip("save-fwm.txt");
	round_trip("save-halb.txt");
	round_trip("save-all.txt");
	restore_errors(true);
	restore_errors(false);
	edit_standby();
	list_one();
}
