// SPDX-License-Identifier: GPL-2.0
/*
 * Parameter substitution in a line (see cfg_pp.h): $NAME, ${NAME} and the
 * pre-defined ${_PWD} and ${_RANDOM [MIN [MAX]]}.
 *
 * Substitution works as keepalived's does, in place: the value replaces
 * the reference and is scanned again together with what follows it, so
 * "${A}" with A "10.2.${B}" and B "0" gives "10.2.0".  Here the line and
 * the values being scanned are a stack of frames instead of one buffer
 * rewritten over and over, which keeps the cost linear and tells how
 * deeply values nest: a value that uses itself is an error, not a hang.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sbuf.h"
#include "halbd/cfg_pp_int.h"

#define RANDOM_MAX_DEFAULT	32767

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

void cfg_pp_scan_free(struct scan *sc)
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
	return cfg_pp_err(sc->pp, "unterminated '%s%s': no '}' before the end of the line",
			  text, peek(sc, n) ? "..." : "");
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
		cfg_pp_warn(sc->pp, "multiline definition '$%s' is only substituted at the end"
			    " of a line, left as it is", r->def->name);
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
		return cfg_pp_err(sc->pp, "${_RANDOM MIN MAX} takes two numbers at most");
	if (min > max)
		return cfg_pp_err(sc->pp, "${_RANDOM %lu %lu}: MIN is greater than MAX", min, max);
	if (asprintf(out, "%lu", min + (span ? pp_random(sc->pp) % span : pp_random(sc->pp))) < 0) {
		*out = NULL;
		return cfg_pp_oom(sc->pp);
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
		return cfg_pp_oom(pp);
	for (const char *p = rest; *p; at++) {
		size_t len = strcspn(p, "\n");

		more[at] = strndup(p, len);
		if (!more[at]) {
			while (at--)
				free(more[at]);
			free(more);
			return cfg_pp_oom(pp);
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
		return cfg_pp_err(pp, "expansion makes more than %d lines", CFG_PP_MAX_LINES);
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
		return cfg_pp_err(pp, "parameter substitution nested more than %d deep:"
				  " does '$%s' use itself?", CFG_PP_MAX_DEPTH, r->def->name);
	if (++pp->substs > CFG_PP_MAX_SUBST)
		return cfg_pp_err(pp, "more than %d parameter substitutions", CFG_PP_MAX_SUBST);
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

int cfg_pp_scan_line(struct scan *sc, const char *line)
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
			return cfg_pp_err(sc->pp,
					  "line longer than %d bytes after parameter substitution",
					  CFG_PP_MAX_LINE);
	}
	return sc->out.oom ? cfg_pp_oom(sc->pp) : 0;
}
