// SPDX-License-Identifier: GPL-2.0
/*
 * Line preprocessing (see cfg_pp.h).  A line goes through, in order:
 * comment removal (lines of the file only), its '@' conditions, then one
 * of: a definition, a ~SEQ or ~LST block (cfg_pp_block.c), substitution
 * (cfg_pp_subst.c).  A line that substitution changed goes through all of
 * it again, one level deeper; the further lines of a multiline definition
 * follow it, each read as if it stood in the file (conditions, definitions
 * and blocks work there too).
 */
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
#include "halbd/cfg_pp_int.h"

/* ---- messages ---- */

int cfg_pp_msg(struct cfg_pp *pp, bool error, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_diagf(pp->d, error, pp->cur->name, pp->cur->line, "%s", msg);
	return -1;
}

/* ---- definitions ---- */

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
struct def *cfg_pp_def_set(struct cfg_pp *pp, const char *name, size_t nlen,
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
	struct def *def = cfg_pp_def_set(pp, name, strlen(name), value, strlen(value));

	if (!def)
		return -1;
	def->kind = kind;
	return 0;
}

/* ---- lines ---- */

static int emit(struct cfg_pp *pp, const char *text, int depth)
{
	size_t len = strlen(text);

	if (depth > 0) {
		pp->made_bytes += len;
		if (pp->made_bytes > CFG_PP_MAX_BYTES)
			return cfg_pp_err(pp, "expansion makes more than %d MiB",
					  CFG_PP_MAX_BYTES >> 20);
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
			return cfg_pp_oom(pp);
		return 0;
	}
	if (len && def_append(def, text, len))
		return cfg_pp_oom(pp);
	close_def(pp);		/* a blank line ends it too */
	return 0;
}

/* A line of the file, or one that a multiline definition added. */
static int feed_line(struct cfg_pp *pp, const char *text, int depth)
{
	if (pp->cur->open_def)
		return continue_def(pp, text);
	return cfg_pp_process_line(pp, text, depth);
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
	def = cfg_pp_def_set(pp, name, eq - name, v, vlen);
	if (!def || (multiline && vlen && def_append(def, "\n", 1)))
		return cfg_pp_oom(pp);
	if (multiline) {
		def->multiline = true;
		pp->cur->open_def = def;
	}
	return 0;
}

/* ---- one line ---- */

static int substitute_line(struct cfg_pp *pp, const char *text, int depth)
{
	struct scan sc = { .pp = pp };
	int rc = cfg_pp_scan_line(&sc, text);
	char *line;

	if (!rc && !sc.changed)
		rc = emit(pp, text, depth);
	else if (!rc) {
		line = sb_take(&sc.out, NULL);
		rc = line ? cfg_pp_process_line(pp, line, depth + 1) : cfg_pp_oom(pp);
		free(line);
		for (int i = 0; !rc && i < sc.nmore; i++)
			rc = feed_line(pp, sc.more[i], depth + 1);
	}
	cfg_pp_scan_free(&sc);
	return rc;
}

int cfg_pp_process_line(struct cfg_pp *pp, const char *text, int depth)
{
	if (depth > CFG_PP_MAX_DEPTH)
		return cfg_pp_err(pp, "expansion nested more than %d deep:"
				  " a definition that uses itself?", CFG_PP_MAX_DEPTH);
	text += strspn(text, BLANKS);
	while (*text == '@')
		if (!condition_holds(pp, &text))
			return 0;
	if (!*text)
		return 0;
	if (is_definition(text))
		return define(pp, text);
	if (!strncmp(text, "~SEQ", 4))
		return cfg_pp_run_seq(pp, text, depth);
	if (!strncmp(text, "~LST", 4))
		return cfg_pp_run_lst(pp, text, depth);
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
				cfg_pp_warn(pp, "'%c' starts a comment, as in keepalived:"
					    " '%.*s%c...' is read as '%.*s'"
					    " (quote the word to keep the '%c')",
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
		return cfg_pp_err(pp, "NUL byte in configuration");
	line = strndup(s, len);
	if (!line)
		return cfg_pp_oom(pp);
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
