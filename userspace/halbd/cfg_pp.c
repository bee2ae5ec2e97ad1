// SPDX-License-Identifier: GPL-2.0
/*
 * Line preprocessing (see cfg_pp.h).  A line goes through, in order:
 * comment removal (lines of the file only), its '@' conditions, then one
 * of: a definition, a ~SEQ or ~LST block, substitution.  A line that
 * substitution changed goes through all of it again, one level deeper;
 * the further lines of a multiline definition follow it, each read as if
 * it stood in the file (conditions, definitions and blocks work there too).
 *
 * Substitution works as keepalived's does, in place: the value replaces
 * the reference and is scanned again together with what follows it, so
 * "${A}" with A "10.2.${B}" and B "0" gives "10.2.0".  Here the line and
 * the values being scanned are a stack of frames instead of one buffer
 * rewritten over and over, which keeps the cost linear and tells how
 * deeply values nest: a value that uses itself is an error, not a hang.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/sbuf.h"
#include "halbd/cfg_lex.h"
#include "halbd/cfg_pp.h"

#define BLANKS			" \t\r\f\v"
#define RANDOM_MAX_DEFAULT	32767

enum def_kind {
	DEF_TEXT,
	DEF_PWD,		/* the directory of the file being read */
	DEF_RANDOM,		/* a new number at each use */
};

struct def {
	char *name;
	char *value;		/* DEF_TEXT; lines end in '\n' when multiline */
	size_t len;
	bool multiline;
	enum def_kind kind;
};

/* The file being read; cfg_pp_run() nests for includes. */
struct pp_file {
	const char *name, *dir;
	int line;		/* the file's line being read */
	struct def *open_def;	/* a multiline definition that takes the next lines */
};

struct cfg_pp {
	struct cfg_diag *d;
	cfg_pp_emit_fn emit;
	void *arg;
	char *config_id;
	struct def **defs;
	int ndefs;
	struct pp_file *cur;
	unsigned long made_lines, made_bytes, substs;	/* against the CFG_PP_MAX_* */
	unsigned int seed;
};

/* ---- messages ---- */

static int pp_msg(struct cfg_pp *pp, bool error, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	cfg_diagf(pp->d, error, pp->cur->name, pp->cur->line, "%s", msg);
	return -1;
}

static int __attribute__((format(printf, 2, 3))) pp_err(struct cfg_pp *pp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pp_msg(pp, true, fmt, ap);
	va_end(ap);
	return -1;
}

static void __attribute__((format(printf, 2, 3))) pp_warn(struct cfg_pp *pp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pp_msg(pp, false, fmt, ap);
	va_end(ap);
}

static int oom(struct cfg_pp *pp)
{
	return pp_err(pp, "out of memory");
}

/* ---- definitions ---- */

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static size_t name_len(const char *s)
{
	size_t n = 0;

	if (!is_name_start(s[0]))
		return 0;
	while (is_name_char(s[n]))
		n++;
	return n;
}

static struct def *def_find(struct cfg_pp *pp, const char *name, size_t len)
{
	for (int i = 0; i < pp->ndefs; i++)
		if (!strncmp(pp->defs[i]->name, name, len) && !pp->defs[i]->name[len])
			return pp->defs[i];
	return NULL;
}

static struct def *def_add(struct cfg_pp *pp, const char *name, size_t len)
{
	struct def **defs = realloc(pp->defs, (pp->ndefs + 1) * sizeof(*defs));
	struct def *def;

	if (!defs)
		return NULL;
	pp->defs = defs;
	def = calloc(1, sizeof(*def));
	if (!def)
		return NULL;
	def->name = strndup(name, len);
	if (!def->name) {
		free(def);
		return NULL;
	}
	defs[pp->ndefs++] = def;
	return def;
}

/* Defines or redefines @name, a pre-defined one too, as one line of text. */
static struct def *def_set(struct cfg_pp *pp, const char *name, size_t nlen,
			   const char *value, size_t vlen)
{
	struct def *def = def_find(pp, name, nlen);
	char *v = strndup(value, vlen);

	if (!v)
		return NULL;
	if (!def)
		def = def_add(pp, name, nlen);
	if (!def) {
		free(v);
		return NULL;
	}
	free(def->value);
	def->value = v;
	def->len = vlen;
	def->multiline = false;
	def->kind = DEF_TEXT;
	return def;
}

static int def_append(struct def *def, const char *s, size_t n)
{
	char *v = realloc(def->value, def->len + n + 1);

	if (!v)
		return -1;
	memcpy(v + def->len, s, n);
	def->len += n;
	v[def->len] = '\0';
	def->value = v;
	return 0;
}

static int def_predefine(struct cfg_pp *pp, const char *name, const char *value,
			 enum def_kind kind)
{
	struct def *def = def_set(pp, name, strlen(name), value, strlen(value));

	if (!def)
		return -1;
	def->kind = kind;
	return 0;
}

/* ---- substitution ---- */

struct frame {
	const char *s;
	size_t len, pos;
	int depth;		/* 0: the line; n: inside n nested values */
	char *own;		/* freed with the frame */
};

/* One substitution pass over a line: the line, and the values being read in it. */
struct scan {
	struct cfg_pp *pp;
	struct frame f[CFG_PP_MAX_DEPTH + 1];
	int n;
	struct sbuf out;
	char **more;		/* further lines of multiline definitions, in order */
	int nmore;
	bool changed;
	bool verbatim;		/* a value started with '~': the rest is left for ~SEQ */
};

struct ref {
	size_t name_at, name_len;
	size_t len;		/* "$NAME" or "${NAME ...}" */
	unsigned long nums[2];	/* ${_RANDOM MIN MAX} */
	int nnums;
	struct def *def;
};

/* The character @k places ahead, across frames; '\0' past the end of the line. */
static char peek(const struct scan *sc, size_t k)
{
	for (int i = sc->n - 1; i >= 0; i--) {
		size_t avail = sc->f[i].len - sc->f[i].pos;

		if (k < avail)
			return sc->f[i].s[sc->f[i].pos + k];
		k -= avail;
	}
	return '\0';
}

/* Drops the values read to the end; the line itself stays. */
static void pop_done(struct scan *sc)
{
	while (sc->n > 1 && sc->f[sc->n - 1].pos == sc->f[sc->n - 1].len) {
		free(sc->f[sc->n - 1].own);
		sc->n--;
	}
}

static void advance(struct scan *sc, size_t k)
{
	while (k) {
		struct frame *f = &sc->f[sc->n - 1];
		size_t step = f->len - f->pos < k ? f->len - f->pos : k;

		f->pos += step;
		k -= step;
		if (sc->n == 1)
			break;
		pop_done(sc);
	}
	pop_done(sc);
}

/* Takes @own in any case. */
static void push(struct scan *sc, const char *s, size_t len, int depth, char *own)
{
	if (!len) {
		free(own);
		return;
	}
	sc->f[sc->n++] = (struct frame){ .s = s, .len = len, .depth = depth, .own = own };
}

static void scan_free(struct scan *sc)
{
	while (sc->n > 1)
		free(sc->f[--sc->n].own);
	sb_free(&sc->out);
	for (int i = 0; i < sc->nmore; i++)
		free(sc->more[i]);
	free(sc->more);
}

static struct def *def_find_ahead(const struct scan *sc, size_t at, size_t len)
{
	for (int i = 0; i < sc->pp->ndefs; i++) {
		const char *name = sc->pp->defs[i]->name;
		size_t j = 0;

		while (j < len && name[j] == peek(sc, at + j))
			j++;
		if (j == len && !name[len])
			return sc->pp->defs[i];
	}
	return NULL;
}

static int unterminated(struct scan *sc)
{
	char text[48];
	size_t n = 0;

	while (n < sizeof(text) - 1 && peek(sc, n))
		text[n] = peek(sc, n), n++;
	text[n] = '\0';
	return pp_err(sc->pp, "unterminated '%s%s': no '}' before the end of the line", text,
		      peek(sc, n) ? "..." : "");
}

/*
 * After "${NAME": optional numbers for ${_RANDOM MIN MAX}, then '}'.
 * Returns 1 with *@k past the '}', 0 when this is not a reference
 * (keepalived leaves "${HOME:-/}" and the like alone), -1 on error.
 */
static int parse_braced(struct scan *sc, struct ref *r, size_t *k)
{
	bool in_num = false, trailing_blank = false;
	char c;

	while ((c = peek(sc, *k)) == ' ' || isdigit((unsigned char)c)) {
		if (c != ' ' && !in_num && r->nnums < 3)
			r->nnums++;	/* 3: too many, said when it is _RANDOM */
		if (c != ' ' && r->nnums <= 2) {
			unsigned long *v = &r->nums[r->nnums - 1];

			*v = *v > (~0UL - 9) / 10 ? ~0UL : *v * 10 + (c - '0');
		}
		in_num = c != ' ';
		trailing_blank = c == ' ' && r->nnums;
		(*k)++;
	}
	if (!c)
		return unterminated(sc);
	if (c != '}' || trailing_blank)
		return 0;
	(*k)++;
	return 1;
}

/* Whether the '$' just ahead starts a reference to something defined. */
static int parse_ref(struct scan *sc, struct ref *r)
{
	bool braces = peek(sc, 1) == '{';
	size_t k = 1 + braces;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!is_name_start(peek(sc, k)))
		return braces && !peek(sc, k) ? unterminated(sc) : 0;
	r->name_at = k;
	while (is_name_char(peek(sc, k)))
		k++;
	r->name_len = k - r->name_at;
	if (braces) {
		rc = parse_braced(sc, r, &k);
		if (rc <= 0)
			return rc;
	} else if (peek(sc, k) && !strchr(BLANKS ",)", peek(sc, k))) {
		return 0;	/* "$NAME" ends at a blank, ',', ')' or the end of the line */
	}
	r->len = k;
	r->def = def_find_ahead(sc, r->name_at, r->name_len);
	if (!r->def || (r->nnums && r->def->kind != DEF_RANDOM))
		return 0;
	if (r->def->multiline && peek(sc, k)) {
		pp_warn(sc->pp, "multiline definition '$%s' is only substituted at the end of a line,"
			" left as it is", r->def->name);
		return 0;
	}
	return 1;
}

static unsigned long pp_random(struct cfg_pp *pp)
{
	unsigned long r = 0;

	for (int i = 0; i < 3; i++)
		r = (r << 31) ^ (unsigned long)rand_r(&pp->seed);
	return r;
}

static int random_value(struct scan *sc, const struct ref *r, char **out)
{
	unsigned long min = r->nnums > 0 ? r->nums[0] : 0;
	unsigned long max = r->nnums > 1 ? r->nums[1] : RANDOM_MAX_DEFAULT;
	unsigned long span = max - min + 1;	/* 0: the whole range */

	if (r->nnums > 2)
		return pp_err(sc->pp, "${_RANDOM MIN MAX} takes two numbers at most");
	if (min > max)
		return pp_err(sc->pp, "${_RANDOM %lu %lu}: MIN is greater than MAX", min, max);
	if (asprintf(out, "%lu", min + (span ? pp_random(sc->pp) % span : pp_random(sc->pp))) < 0) {
		*out = NULL;
		return oom(sc->pp);
	}
	return 0;
}

static int count_lines(const char *s)
{
	int n = 0;

	while (*s) {
		s += strcspn(s, "\n");
		s += *s == '\n';
		n++;
	}
	return n;
}

/* Queues the lines after the first of a multiline value, before those queued already. */
static int queue_more(struct scan *sc, const char *rest)
{
	struct cfg_pp *pp = sc->pp;
	int n = count_lines(rest), at = 0;
	char **more;

	if (!n)
		return 0;
	more = malloc((n + sc->nmore) * sizeof(*more));
	if (!more)
		return oom(pp);
	for (const char *p = rest; *p; at++) {
		size_t len = strcspn(p, "\n");

		more[at] = strndup(p, len);
		if (!more[at]) {
			while (at--)
				free(more[at]);
			free(more);
			return oom(pp);
		}
		p += len;
		p += *p == '\n';
	}
	if (sc->nmore)
		memcpy(more + n, sc->more, sc->nmore * sizeof(*more));
	free(sc->more);
	sc->more = more;
	sc->nmore += n;
	pp->made_lines += n;
	if (pp->made_lines > CFG_PP_MAX_LINES)
		return pp_err(pp, "expansion makes more than %d lines", CFG_PP_MAX_LINES);
	return 0;	/* their bytes count when they are passed on */
}

static int substitute(struct scan *sc, const struct ref *r)
{
	struct cfg_pp *pp = sc->pp;
	int depth = sc->f[sc->n - 1].depth + 1;
	const char *val = r->def->value;
	size_t len = r->def->len;
	char *own = NULL;

	if (depth > CFG_PP_MAX_DEPTH)
		return pp_err(pp, "parameter substitution nested more than %d deep: does '$%s' use itself?",
			      CFG_PP_MAX_DEPTH, r->def->name);
	if (++pp->substs > CFG_PP_MAX_SUBST)
		return pp_err(pp, "more than %d parameter substitutions", CFG_PP_MAX_SUBST);
	if (r->def->kind == DEF_PWD) {
		val = pp->cur->dir;
		len = strlen(val);
	} else if (r->def->kind == DEF_RANDOM) {
		if (random_value(sc, r, &own))
			return -1;
		val = own;
		len = strlen(val);
	} else if (r->def->multiline) {
		len = strcspn(val, "\n");
		if (val[len] && queue_more(sc, val + len + 1))
			return -1;
	}
	advance(sc, r->len);
	push(sc, val, len, depth, own);
	sc->changed = true;
	if (val[strspn(val, BLANKS)] == '~')
		sc->verbatim = true;	/* keepalived: "$S=~SEQ(...) ..." keeps its $s for ~SEQ */
	return 0;
}

/* Copies what is ahead up to the next '$' (all of it, once verbatim). */
static void copy_run(struct scan *sc)
{
	struct frame *f = &sc->f[sc->n - 1];
	const char *start = f->s + f->pos, *end = f->s + f->len;
	const char *dollar = sc->verbatim ? NULL : memchr(start + 1, '$', end - start - 1);

	if (dollar)
		end = dollar;
	sb_putn(&sc->out, start, end - start);
	advance(sc, end - start);
}

static int scan_line(struct scan *sc, const char *line)
{
	struct ref r;

	sc->f[0] = (struct frame){ .s = line, .len = strlen(line) };
	sc->n = 1;
	while (peek(sc, 0)) {
		if (!sc->verbatim && peek(sc, 0) == '$') {
			int rc = parse_ref(sc, &r);

			if (rc < 0 || (rc > 0 && substitute(sc, &r)))
				return -1;
			if (rc > 0)
				continue;
		}
		copy_run(sc);
		if (sc->out.len > CFG_PP_MAX_LINE)
			return pp_err(sc->pp, "line longer than %d bytes after parameter substitution",
				      CFG_PP_MAX_LINE);
	}
	return sc->out.oom ? oom(sc->pp) : 0;
}

/* ---- lines ---- */

static int process_line(struct cfg_pp *pp, const char *text, int depth);

static int emit(struct cfg_pp *pp, const char *text, int depth)
{
	size_t len = strlen(text);

	if (depth > 0) {
		pp->made_bytes += len;
		if (pp->made_bytes > CFG_PP_MAX_BYTES)
			return pp_err(pp, "expansion makes more than %d MiB", CFG_PP_MAX_BYTES >> 20);
	}
	return pp->emit(pp->arg, text, len, pp->cur->name, pp->cur->line);
}

static size_t trimmed_len(const char *s)
{
	size_t len = strlen(s);

	while (len && strchr(BLANKS, s[len - 1]))
		len--;
	return len;
}

static void close_def(struct cfg_pp *pp)
{
	struct def *def = pp->cur->open_def;

	if (!def->len)
		def->multiline = false;
	pp->cur->open_def = NULL;
}

/* A line of a multiline definition: one ending in '\' asks for one more. */
static int continue_def(struct cfg_pp *pp, const char *text)
{
	struct def *def = pp->cur->open_def;
	size_t len;

	text += strspn(text, BLANKS);
	len = trimmed_len(text);
	if (len && text[len - 1] == '\\') {
		len--;
		while (len && strchr(BLANKS, text[len - 1]))
			len--;
		if (len && (def_append(def, text, len) || def_append(def, "\n", 1)))
			return oom(pp);
		return 0;
	}
	if (len && def_append(def, text, len))
		return oom(pp);
	close_def(pp);		/* a blank line ends it too */
	return 0;
}

/* A line of the file, or one that a multiline definition added. */
static int feed_line(struct cfg_pp *pp, const char *text, int depth)
{
	if (pp->cur->open_def)
		return continue_def(pp, text);
	return process_line(pp, text, depth);
}

/* "@ID rest" keeps rest when ID is the config id, "@^ID rest" when it is not. */
static bool condition_holds(struct cfg_pp *pp, const char **text)
{
	const char *id = *text + 1;
	bool negated = *id == '^';
	size_t len;
	bool match;

	id += negated;
	len = strcspn(id, BLANKS);
	if (!id[len])
		return false;	/* nothing to keep */
	match = !strncmp(id, pp->config_id, len) && !pp->config_id[len];
	*text = id + len + strspn(id + len, BLANKS);
	return match != negated;
}

/* "$NAME=VALUE": no blank before '='. */
static bool is_definition(const char *text)
{
	size_t len;

	if (text[0] != '$')
		return false;
	len = name_len(text + 1);
	return len && text[1 + len] == '=';
}

static int define(struct cfg_pp *pp, const char *text)
{
	const char *name = text + 1, *eq = strchr(text, '=');
	const char *v = eq + 1 + strspn(eq + 1, BLANKS);
	size_t vlen = trimmed_len(v);
	bool multiline = vlen && v[vlen - 1] == '\\';
	struct def *def;

	if (multiline) {
		vlen--;
		while (vlen && strchr(BLANKS, v[vlen - 1]))
			vlen--;
	}
	def = def_set(pp, name, eq - name, v, vlen);
	if (!def || (multiline && vlen && def_append(def, "\n", 1)))
		return oom(pp);
	if (multiline) {
		def->multiline = true;
		pp->cur->open_def = def;
	}
	return 0;
}

/* ---- ~SEQ(VAR, [[START,] STEP,] END) and ~LST(VAR, VALUE, ...) ---- */

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
	return pp_err(pp, "invalid '%.*s%s': %s", len > 80 ? 80 : (int)len, text,
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
		return oom(pp);
	if (scan_line(&sc, copy))
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
	scan_free(&sc);
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
		return pp_err(pp, "expansion makes more than %d lines", CFG_PP_MAX_LINES);
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

static int run_seq(struct cfg_pp *pp, const char *text, int depth)
{
	struct seq sq = { 0 };

	if (parse_seq(pp, text, &sq))
		return -1;
	for (unsigned long i = 0; i < sq.count; i++) {
		long v = (long)((unsigned long)sq.start + i * (unsigned long)sq.step);
		char val[24];

		if (++pp->made_lines > CFG_PP_MAX_LINES)
			return pp_err(pp, "expansion makes more than %d lines", CFG_PP_MAX_LINES);
		snprintf(val, sizeof(val), sq.hex ? "%lx" : "%ld", v);
		if (!def_set(pp, sq.var, sq.var_len, val, strlen(val)))
			return oom(pp);
		if (process_line(pp, sq.rest, depth + 1))
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
	int nnames, nsets;
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

/* "VAR" or "{VAR, ...}", then ','. */
static const char *lst_names(struct cfg_pp *pp, const char *text, const char *p, struct lst *l)
{
	bool braced = *p == '{';

	p = skip_blanks(p + braced);
	for (;;) {
		size_t len = word_len(p);

		if (!len || name_len(p) != len)
			return block_err(pp, text, "parameter names expected first"), NULL;
		if (add_word(&l->names, l->nnames++, p, len))
			return oom(pp), NULL;
		p = skip_blanks(p + len);
		if (!braced || *p != ',')
			break;
		p = skip_blanks(p + 1);
	}
	if (braced && *p++ != '}')
		return block_err(pp, text, "'}' expected after the parameter names"), NULL;
	p = skip_blanks(p);
	if (*p != ',')
		return block_err(pp, text, "no values"), NULL;
	return skip_blanks(p + 1);
}

/* "V" or "{V, ...}": one set. */
static const char *lst_set(struct cfg_pp *pp, const char *text, const char *p, struct lst *l)
{
	bool braced = *p == '{';
	int n = 0;

	p = skip_blanks(p + braced);
	for (;;) {
		size_t len = word_len(p);

		if (n == l->nnames)
			return block_err(pp, text, "more values in a set than parameter names"), NULL;
		if (add_word(&l->values, l->nsets * l->nnames + n++, p, len))
			return oom(pp), NULL;
		p = skip_blanks(p + len);
		if (!braced || *p != ',')
			break;
		p = skip_blanks(p + 1);
	}
	if (braced && *p++ != '}')
		return block_err(pp, text, "'}' expected after a set of values"), NULL;
	for (; n < l->nnames; n++)
		if (add_word(&l->values, l->nsets * l->nnames + n, "", 0))
			return oom(pp), NULL;
	l->nsets++;
	return skip_blanks(p);
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

static int run_lst(struct cfg_pp *pp, const char *text, int depth)
{
	struct lst l = { 0 };
	int rc = parse_lst(pp, text, &l);

	for (int i = 0; !rc && i < l.nsets; i++) {
		const struct word *v = &l.values[i * l.nnames];

		if (++pp->made_lines > CFG_PP_MAX_LINES) {
			rc = pp_err(pp, "expansion makes more than %d lines", CFG_PP_MAX_LINES);
			break;
		}
		for (int j = 0; !rc && j < l.nnames; j++)
			if (!def_set(pp, l.names[j].s, l.names[j].len, v[j].s, v[j].len))
				rc = oom(pp);
		if (!rc)
			rc = process_line(pp, l.rest, depth + 1);
	}
	free(l.names);
	free(l.values);
	return rc;
}

/* ---- one line ---- */

static int substitute_line(struct cfg_pp *pp, const char *text, int depth)
{
	struct scan sc = { .pp = pp };
	int rc = scan_line(&sc, text);
	char *line;

	if (!rc && !sc.changed)
		rc = emit(pp, text, depth);
	else if (!rc) {
		line = sb_take(&sc.out, NULL);
		rc = line ? process_line(pp, line, depth + 1) : oom(pp);
		free(line);
		for (int i = 0; !rc && i < sc.nmore; i++)
			rc = feed_line(pp, sc.more[i], depth + 1);
	}
	scan_free(&sc);
	return rc;
}

static int process_line(struct cfg_pp *pp, const char *text, int depth)
{
	if (depth > CFG_PP_MAX_DEPTH)
		return pp_err(pp, "expansion nested more than %d deep: a definition that uses itself?",
			      CFG_PP_MAX_DEPTH);
	text += strspn(text, BLANKS);
	while (*text == '@')
		if (!condition_holds(pp, &text))
			return 0;
	if (!*text)
		return 0;
	if (is_definition(text))
		return define(pp, text);
	if (!strncmp(text, "~SEQ", 4))
		return run_seq(pp, text, depth);
	if (!strncmp(text, "~LST", 4))
		return run_lst(pp, text, depth);
	if (!strchr(text, '$'))
		return emit(pp, text, depth);
	return substitute_line(pp, text, depth);
}

/*
 * '#' and '!' outside double quotes start a comment, even inside a word:
 * keepalived reads "auth_pass pa!ss" as "pa".  The quoting rules are the
 * lexer's: inside quotes, \" and \\ are escapes.
 */
static void strip_comment(struct cfg_pp *pp, char *line)
{
	bool quoted = false;

	for (char *p = line; *p; p++) {
		if (quoted) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			else if (*p == '"')
				quoted = false;
		} else if (*p == '"') {
			quoted = true;
		} else if (*p == '#' || *p == '!') {
			const char *w = p;

			while (w > line && !strchr(BLANKS "{}\"", w[-1]))
				w--;
			if (w < p)
				pp_warn(pp, "'%c' starts a comment, as in keepalived: '%.*s%c...'"
					" is read as '%.*s' (quote the word to keep the '%c')",
					*p, (int)(p - w), w, *p, (int)(p - w), w, *p);
			*p = '\0';
			return;
		}
	}
}

static int read_line(struct cfg_pp *pp, const char *s, size_t len)
{
	char *line;
	int rc;

	if (memchr(s, '\0', len))
		return pp_err(pp, "NUL byte in configuration");
	line = strndup(s, len);
	if (!line)
		return oom(pp);
	strip_comment(pp, line);
	line[trimmed_len(line)] = '\0';
	rc = feed_line(pp, line + strspn(line, BLANKS), 0);
	free(line);
	return rc;
}

int cfg_pp_run(struct cfg_pp *pp, const char *buf, size_t len, const char *file,
	       const char *dir)
{
	struct pp_file f = { .name = file, .dir = dir }, *outer = pp->cur;
	size_t at = 0;
	int rc = 0;

	pp->cur = &f;
	while (!rc && at < len) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (buf + at)) : len - at;

		f.line++;
		rc = read_line(pp, buf + at, n);
		at += n + 1;
	}
	if (f.open_def)
		close_def(pp);	/* the end of the file ends a multiline definition */
	pp->cur = outer;
	return rc;
}

struct cfg_pp *cfg_pp_new(const char *config_id, struct cfg_diag *d, cfg_pp_emit_fn emit,
			  void *arg)
{
	struct cfg_pp *pp = calloc(1, sizeof(*pp));

	if (!pp)
		return NULL;
	pp->d = d;
	pp->emit = emit;
	pp->arg = arg;
	pp->seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	pp->config_id = strdup(config_id);
	if (!pp->config_id ||
	    def_predefine(pp, "_PWD", "", DEF_PWD) ||
	    def_predefine(pp, "_INSTANCE", config_id, DEF_TEXT) ||
	    def_predefine(pp, "_RANDOM", "", DEF_RANDOM) ||
	    def_predefine(pp, "_HASH", "#", DEF_TEXT) ||
	    def_predefine(pp, "_BANG", "!", DEF_TEXT)) {
		cfg_pp_free(pp);
		return NULL;
	}
	return pp;
}

void cfg_pp_free(struct cfg_pp *pp)
{
	if (!pp)
		return;
	for (int i = 0; i < pp->ndefs; i++) {
		free(pp->defs[i]->name);
		free(pp->defs[i]->value);
		free(pp->defs[i]);
	}
	free(pp->defs);
	free(pp->config_id);
	free(pp);
}
