// SPDX-License-Identifier: GPL-2.0
/*
 * halbctl -R: apply rules in ipvsadm -S format from stdin.
 *
 * Each line is parsed by the same parser as the command line, so a line
 * means exactly what it would mean as "halbctl <line>".  The whole input
 * is parsed before anything is sent: a line that does not parse changes
 * nothing.  The operations then go to the kernel in batches (libhalb's
 * halb_batch_*), many to a message.  The first operation the kernel
 * refuses stops the restore: what came before it stays applied, as with
 * ipvsadm -R; the kernel has already carried out the lines sent after it
 * in the same batch (at most 127), and the report names them.
 * --no-batch sends one line at a time and stops exactly at the first
 * failure, as ipvsadm does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "halbctl/exec.h"
#include "lib/libhalb.h"

#define RESTORE_MAX_WORDS	64

struct restore_input {
	char *text;		/* all of stdin, lines NUL-terminated */
	size_t len;
};

static int read_all(FILE *in, struct restore_input *ri)
{
	size_t cap = 1 << 16;
	size_t r;

	ri->len = 0;
	ri->text = malloc(cap);
	if (!ri->text)
		return -ENOMEM;
	while ((r = fread(ri->text + ri->len, 1, cap - ri->len - 1, in)) > 0) {
		ri->len += r;
		if (cap - ri->len - 1 == 0) {
			char *t = realloc(ri->text, cap * 2);

			if (!t)
				return -ENOMEM;
			ri->text = t;
			cap *= 2;
		}
	}
	if (ferror(in))
		return -EIO;
	ri->text[ri->len] = '\0';
	return 0;
}

/*
 * Parse line @lineno (a copy of it: splitting is in place) into @a.
 * Return: 1 for a blank or comment line, 0 for an operation, or an exit
 * code with the problem reported.
 */
static int parse_line(const char *line, unsigned long lineno,
		      struct halbctl_args *a)
{
	char *argv[RESTORE_MAX_WORDS], err[256];
	char *copy = strdup(line);
	int argc, ret = 0;

	if (!copy) {
		fprintf(stderr, "halbctl: line %lu: out of memory\n", lineno);
		return HALBCTL_EXIT_FAIL;
	}
	argc = halbctl_split_line(copy, argv, RESTORE_MAX_WORDS);
	if (argc == 1) {
		ret = 1;
	} else if (argc < 0) {
		fprintf(stderr, "halbctl: line %lu: too many words\n", lineno);
		ret = HALBCTL_EXIT_USAGE;
	} else if (halbctl_parse_args(argc, argv, a, err, sizeof(err))) {
		fprintf(stderr, "halbctl: line %lu: %s\n", lineno, err);
		ret = HALBCTL_EXIT_USAGE;
	} else if (a->cmd == HALBCTL_CMD_RESTORE || a->cmd == HALBCTL_CMD_HELP ||
		   a->cmd == HALBCTL_CMD_VERSION) {
		fprintf(stderr, "halbctl: line %lu: '%s' is not allowed in a restore\n",
			lineno, argv[1]);
		ret = HALBCTL_EXIT_USAGE;
	}
	free(copy);
	return ret;
}

/* Calls @fn for each line of @ri; stops at its first non-zero return. */
static int for_each_line(struct restore_input *ri,
			 int (*fn)(const char *line, unsigned long lineno,
				   void *arg),
			 void *arg)
{
	unsigned long lineno = 0;
	char *p = ri->text, *nl;
	int ret;

	while (p < ri->text + ri->len) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		ret = fn(p, ++lineno, arg);
		if (nl)
			*nl = '\n';
		if (ret)
			return ret;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

static int check_line(const char *line, unsigned long lineno, void *arg)
{
	struct halbctl_args a;
	int ret = parse_line(line, lineno, &a);

	(void)arg;
	return ret == 1 ? 0 : ret;
}

struct restore_ctx {
	struct halb_handle *h;
	bool batch;
};

/* Where a batch failed, and what the kernel did after that. */
static void report_batch(struct halb_handle *h, int err,
			 const struct halb_batch_result *res)
{
	char where[32];

	snprintf(where, sizeof(where), "line %lu", res->failed_tag);
	halbctl_report(h, err, where);
	if (res->done_after == 1)
		fprintf(stderr, "halbctl: line %lu, sent in the same batch, was applied all the same\n",
			res->first_after_tag);
	else if (res->done_after)
		fprintf(stderr, "halbctl: %lu lines from %lu to %lu, sent in the same batch, were applied all the same\n",
			res->done_after, res->first_after_tag,
			res->last_after_tag);
}

static int apply_line(const char *line, unsigned long lineno, void *arg)
{
	struct restore_ctx *c = arg;
	struct halb_batch_result res;
	struct halbctl_args a;
	char where[32];
	int ret = parse_line(line, lineno, &a);

	if (ret)
		return ret == 1 ? 0 : ret;
	if (c->batch)
		halb_batch_tag(c->h, lineno);
	ret = halbctl_exec(c->h, &a);
	if (!ret)
		return 0;
	/* a queued line may have failed first; else it was this one */
	if (c->batch && halb_batch_end(c->h, &res)) {
		report_batch(c->h, res.err, &res);
		return HALBCTL_EXIT_FAIL;
	}
	snprintf(where, sizeof(where), "line %lu", lineno);
	halbctl_report(c->h, ret, where);
	return HALBCTL_EXIT_FAIL;
}

int halbctl_restore(struct halb_handle *h, FILE *in, bool batch)
{
	struct restore_ctx c = { .h = h, .batch = batch };
	struct halb_batch_result res;
	struct restore_input ri;
	int ret;

	ret = read_all(in, &ri);
	if (ret) {
		fprintf(stderr, "halbctl: reading the rules: %s\n", strerror(-ret));
		free(ri.text);
		return HALBCTL_EXIT_FAIL;
	}
	/* nothing is sent unless every line parses */
	ret = for_each_line(&ri, check_line, NULL);
	if (!ret && batch) {
		ret = halb_batch_begin(h);
		if (ret) {
			fprintf(stderr, "halbctl: %s\n", strerror(-ret));
			ret = HALBCTL_EXIT_FAIL;
		}
	}
	if (!ret)
		ret = for_each_line(&ri, apply_line, &c);
	if (!ret && batch && halb_batch_end(h, &res)) {
		report_batch(h, res.err, &res);
		ret = HALBCTL_EXIT_FAIL;
	}
	halb_batch_end(h, NULL);
	free(ri.text);
	return ret;
}
