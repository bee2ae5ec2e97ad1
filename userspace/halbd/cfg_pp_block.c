// SPDX-License-Identifier: GPL-2.0
/*
 * Block expansion (see cfg_pp.h): ~SEQ(VAR, [[START,] STEP,] END), ~SEQx
 * and ~LST(VAR, VALUE, ...).  A block sets its parameters for each value
 * in turn and passes the rest of its line on each time, one expansion
 * deeper, as if that stood in the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sbuf.h"
#include "halbd/cfg_pp_int.h"

struct seq {
	const char *var;
	size_t var_len;
	long start, step, end;
	bool hex;
	const char *rest;	/* the text after ')', read once for each value */
	unsigned long count;
};

static int block_err(struct cfg_pp *pp, const char *text, const char *why)
{
	size_t len = strcspn(text, ")");

	len += text[len] == ')';
	return cfg_pp_err(pp, "invalid '%.*s%s': %s", len > 80 ? 80 : (int)len, text,
			  len > 80 ? "..." : "", why);
}

/* The numbers between ',' and ')', after substitution (keepalived allows $N there). */
static int seq_numbers(struct cfg_pp *pp, const char *text, const char *args, size_t len,
		       long *num, int *n)
{
	struct scan sc = { .pp = pp };
	char *copy = strndup(args, len), *p;
	int rc = -1;

	if (!copy)
		return cfg_pp_oom(pp);
	if (cfg_pp_scan_line(&sc, copy))
		goto out;
	if (sc.nmore) {
		block_err(pp, text, "a multiline definition in the arguments");
		goto out;
	}
	p = !sc.changed ? copy : sc.out.s ? sc.out.s : "";
	for (*n = 0; ; (*n)++) {
		char *end;

		if (*n == 3) {
			block_err(pp, text, "more than 4 arguments");
			goto out;
		}
		errno = 0;
		num[*n] = strtol(p, &end, 0);
		end += strspn(end, BLANKS);
		if (end == p + strspn(p, BLANKS) || errno || (*end && *end != ',')) {
			block_err(pp, text, "the arguments after the variable must be integers");
			goto out;
		}
		if (!*end)
			break;
		p = end + 1;
	}
	(*n)++;
	rc = 0;
out:
	cfg_pp_scan_free(&sc);
	free(copy);
	return rc;
}

static int seq_bounds(struct cfg_pp *pp, const char *text, struct seq *sq, const long *num,
		      int n)
{
	unsigned long dist, step;

	sq->start = n == 1 ? (num[0] < 0 ? -1 : 1) : num[0];
	sq->end = num[n - 1];
	sq->step = n == 3 ? num[1] : n == 1 ? (sq->end < 1 ? -1 : 1) :
		   (sq->start <= sq->end ? 1 : -1);
	if (!sq->step || (sq->start < sq->end && sq->step < 0) ||
	    (sq->start > sq->end && sq->step > 0))
		return block_err(pp, text, "STEP does not lead from START to END");
	if (sq->hex && (sq->start < 0 || sq->end < 0))
		return block_err(pp, text, "~SEQx takes no negative numbers");
	dist = sq->step > 0 ? (unsigned long)sq->end - (unsigned long)sq->start :
			      (unsigned long)sq->start - (unsigned long)sq->end;
	step = sq->step > 0 ? (unsigned long)sq->step : -(unsigned long)sq->step;
	if (dist / step >= CFG_PP_MAX_LINES)
		return cfg_pp_err(pp, "expansion makes more than %d lines", CFG_PP_MAX_LINES);
	sq->count = dist / step + 1;
	return 0;
}

static int parse_seq(struct cfg_pp *pp, const char *text, struct seq *sq)
{
	const char *p = text + 4, *close;
	long num[3];
	int n;

	sq->hex = *p == 'x';
	p += sq->hex;
	p += strspn(p, BLANKS);
	if (*p++ != '(')
		return block_err(pp, text, "'(' expected after ~SEQ");
	p += strspn(p, BLANKS);
	sq->var = p;
	sq->var_len = name_len(p);
	p += sq->var_len;
	p += strspn(p, BLANKS);
	if (!sq->var_len || *p != ',')
		return block_err(pp, text, "a parameter name and ',' expected first");
	close = strchr(++p, ')');
	if (!close)
		return block_err(pp, text, "no ')'");
	if (seq_numbers(pp, text, p, close - p, num, &n) ||
	    seq_bounds(pp, text, sq, num, n))
		return -1;
	sq->rest = close + 1 + strspn(close + 1, BLANKS);
	return 0;
}

int cfg_pp_run_seq(struct cfg_pp *pp, const char *text, int depth)
{
	struct seq sq = { 0 };

	if (parse_seq(pp, text, &sq))
		return -1;
	for (unsigned long i = 0; i < sq.count; i++) {
		long v = (long)((unsigned long)sq.start + i * (unsigned long)sq.step);
		char val[24];

		if (++pp->made_lines > CFG_PP_MAX_LINES)
			return cfg_pp_err(pp, "expansion makes more than %d lines",
					  CFG_PP_MAX_LINES);
		snprintf(val, sizeof(val), sq.hex ? "%lx" : "%ld", v);
		if (!cfg_pp_def_set(pp, sq.var, sq.var_len, val, strlen(val)))
			return cfg_pp_oom(pp);
		if (cfg_pp_process_line(pp, sq.rest, depth + 1))
			return -1;
	}
	return 0;
}

/*
 * ~LST(VAR, V1, V2 ...) or ~LST({VAR1, VAR2 ...}, {V1, V2 ...}, ...): the
 * values of one set go to the variables in order, missing ones empty.
 * Values are words, as in keepalived; they are substituted when used.
 */
struct word {
	const char *s;
	size_t len;
};

struct lst {
	struct word *names, *values;	/* values: nnames for each set */
	int nnames, nvalues, nsets;
	const char *rest;
};

static size_t word_len(const char *p)
{
	return strcspn(p, BLANKS ",{})");
}

static const char *skip_blanks(const char *p)
{
	return p + strspn(p, BLANKS);
}

static int add_word(struct word **v, int n, const char *s, size_t len)
{
	struct word *w = realloc(*v, (n + 1) * sizeof(*w));

	if (!w)
		return -1;
	w[n] = (struct word){ .s = s, .len = len };
	*v = w;
	return 0;
}

/* Takes one word of a list into @l: 0, or -1 after saying why not. */
typedef int (*lst_take_fn)(struct cfg_pp *pp, const char *text, struct lst *l, const char *w,
			   size_t len);

static int take_name(struct cfg_pp *pp, const char *text, struct lst *l, const char *w,
		     size_t len)
{
	if (!len || name_len(w) != len)
		return block_err(pp, text, "parameter names expected first");
	if (add_word(&l->names, l->nnames++, w, len))
		return cfg_pp_oom(pp);
	return 0;
}

static int take_value(struct cfg_pp *pp, const char *text, struct lst *l, const char *w,
		      size_t len)
{
	if (l->nvalues == (l->nsets + 1) * l->nnames)
		return block_err(pp, text, "more values in a set than parameter names");
	if (add_word(&l->values, l->nvalues++, w, len))
		return cfg_pp_oom(pp);
	return 0;
}

/* "W" or "{W, ...}", each word through @take; what follows, or NULL after an error. */
static const char *lst_words(struct cfg_pp *pp, const char *text, const char *p, struct lst *l,
			     lst_take_fn take, const char *no_brace)
{
	bool braced = *p == '{';

	p = skip_blanks(p + braced);
	for (;;) {
		size_t len = word_len(p);

		if (take(pp, text, l, p, len))
			return NULL;
		p = skip_blanks(p + len);
		if (!braced || *p != ',')
			break;
		p = skip_blanks(p + 1);
	}
	if (braced && *p++ != '}')
		return block_err(pp, text, no_brace), NULL;
	return skip_blanks(p);
}

/* "VAR" or "{VAR, ...}", then ','. */
static const char *lst_names(struct cfg_pp *pp, const char *text, const char *p, struct lst *l)
{
	p = lst_words(pp, text, p, l, take_name, "'}' expected after the parameter names");
	if (p && *p != ',')
		return block_err(pp, text, "no values"), NULL;
	return p ? skip_blanks(p + 1) : NULL;
}

/* "V" or "{V, ...}": one set. */
static const char *lst_set(struct cfg_pp *pp, const char *text, const char *p, struct lst *l)
{
	p = lst_words(pp, text, p, l, take_value, "'}' expected after a set of values");
	if (!p)
		return NULL;
	while (l->nvalues < (l->nsets + 1) * l->nnames)
		if (add_word(&l->values, l->nvalues++, "", 0))
			return cfg_pp_oom(pp), NULL;
	l->nsets++;
	return p;
}

static int parse_lst(struct cfg_pp *pp, const char *text, struct lst *l)
{
	const char *p = skip_blanks(text + 4);

	if (*p != '(')
		return block_err(pp, text, "'(' expected after ~LST");
	p = lst_names(pp, text, skip_blanks(p + 1), l);
	while (p && *p != ')') {
		p = lst_set(pp, text, p, l);
		if (p && *p == ',')
			p = skip_blanks(p + 1);
		else if (p && *p != ')')
			return block_err(pp, text, *p ? "',' or ')' expected after a value" : "no ')'");
	}
	if (!p)
		return -1;
	if (!l->nsets)
		return block_err(pp, text, "no values");
	l->rest = skip_blanks(p + 1);
	return 0;
}

int cfg_pp_run_lst(struct cfg_pp *pp, const char *text, int depth)
{
	struct lst l = { 0 };
	int rc = parse_lst(pp, text, &l);

	for (int i = 0; !rc && i < l.nsets; i++) {
		const struct word *v = &l.values[i * l.nnames];

		if (++pp->made_lines > CFG_PP_MAX_LINES) {
			rc = cfg_pp_err(pp, "expansion makes more than %d lines", CFG_PP_MAX_LINES);
			break;
		}
		for (int j = 0; !rc && j < l.nnames; j++)
			if (!cfg_pp_def_set(pp, l.names[j].s, l.names[j].len, v[j].s, v[j].len))
				rc = cfg_pp_oom(pp);
		if (!rc)
			rc = cfg_pp_process_line(pp, l.rest, depth + 1);
	}
	free(l.names);
	free(l.values);
	return rc;
}
