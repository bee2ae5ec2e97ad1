// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "halbd/cfg_lex.h"
#include "halbd/cfg_model.h"
#include "halbd/cfg_pp.h"

#define CFG_MAX_FILE_SIZE	(16 << 20)
#define CFG_MAX_INCLUDE_DEPTH	8
#define CFG_MAX_NESTING		32
#define CFG_MAX_TOKEN		4096

struct tok {
	char *text;
	const char *file;
	int line;
	bool quoted;
	bool nl;			/* first token of its line */
};

struct lexer {
	struct cfg_model *m;
	struct cfg_diag *d;
	struct cfg_pp *pp;		/* lines reach the lexer through it */
	struct tok *toks;
	int ntoks, cap;
	bool allow_include;
	int depth;			/* includes being read */
};

void cfg_diagf(struct cfg_diag *d, bool error, const char *file, int line,
	       const char *fmt, ...)
{
	char msg[1024];
	int n = 0;
	va_list ap;

	if (file)
		n = snprintf(msg, sizeof(msg), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	if (error)
		d->errors++;
	else
		d->warnings++;
	if (d->fn)
		d->fn(d->arg, error, msg);
}

static const char *intern_file(struct cfg_model *m, const char *name)
{
	char **f = realloc(m->files, (m->nfiles + 1) * sizeof(*f));

	if (!f)
		return NULL;
	m->files = f;
	f[m->nfiles] = strdup(name);
	if (!f[m->nfiles])
		return NULL;
	return f[m->nfiles++];
}

static int push_tok(struct lexer *lx, const char *s, size_t len, const char *file,
		    int line, bool quoted, bool nl)
{
	struct tok *t;

	if (lx->ntoks == lx->cap) {
		int cap = lx->cap ? lx->cap * 2 : 256;

		t = realloc(lx->toks, cap * sizeof(*t));
		if (!t)
			return -1;
		lx->toks = t;
		lx->cap = cap;
	}
	t = &lx->toks[lx->ntoks];
	t->text = strndup(s, len);
	if (!t->text)
		return -1;
	t->file = file;
	t->line = line;
	t->quoted = quoted;
	t->nl = nl;
	lx->ntoks++;
	return 0;
}

static int lex_file(struct lexer *lx, const char *path);

static int do_include(struct lexer *lx, const char *pattern, const char *file, int line)
{
	char full[4096];
	glob_t g;
	int rc, ret = 0;

	if (!lx->allow_include) {
		cfg_diagf(lx->d, true, file, line, "include not allowed here");
		return -1;
	}
	if (lx->depth >= CFG_MAX_INCLUDE_DEPTH) {
		cfg_diagf(lx->d, true, file, line, "includes nested too deeply");
		return -1;
	}
	if (pattern[0] == '/') {
		snprintf(full, sizeof(full), "%s", pattern);
	} else {
		/* relative to the including file, not to the working directory */
		char *dup = strdup(file), *dir;

		if (!dup)
			return -1;
		dir = dirname(dup);
		snprintf(full, sizeof(full), "%s/%s", dir, pattern);
		free(dup);
	}
	rc = glob(full, 0, NULL, &g);
	if (rc == GLOB_NOMATCH || rc == GLOB_ABORTED) {
		globfree(&g);
		if (!strpbrk(full, "*?[")) {
			cfg_diagf(lx->d, true, file, line, "cannot open include file '%s'", full);
			return -1;
		}
		cfg_diagf(lx->d, false, file, line, "include '%s' matches no file", full);
		return 0;
	}
	if (rc) {
		cfg_diagf(lx->d, true, file, line, "include '%s': %s", full, strerror(errno));
		return -1;
	}
	lx->depth++;
	for (size_t i = 0; i < g.gl_pathc && !ret; i++)
		ret = lex_file(lx, g.gl_pathv[i]);
	lx->depth--;
	globfree(&g);
	return ret;
}

/*
 * Tokenise one line that the preprocessor passed on (cfg_pp.c: comments,
 * conditions, definitions and substitutions are done).  '#' and '!' start a
 * comment wherever they stand outside double quotes, even inside a word:
 * keepalived 2.2.7 reads "auth_pass pa!ss" as the password "pa" (measured
 * on the wire), and a node must derive the same key as a keepalived peer
 * from the same text.  The preprocessor removed the file's comments and
 * warned about them; one seen here came from a substitution (${_HASH}),
 * and is a comment all the same, as in keepalived.  Quoting keeps them
 * ("pa!ss").  Braces are words of their own.
 */
static int lex_line(void *arg, const char *buf, size_t len, const char *file, int line)
{
	struct lexer *lx = arg;
	bool nl = true;
	size_t i = 0;
	int first_of_line = lx->ntoks;	/* token index of the line's first word */

	while (i < len) {
		char c = buf[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n') {
			i++;
			continue;
		}
		if (c == '#' || c == '!')
			break;
		if (c == '\0') {
			cfg_diagf(lx->d, true, file, line, "NUL byte in configuration");
			return -1;
		}
		if (c == '{' || c == '}') {
			if (push_tok(lx, &buf[i], 1, file, line, false, nl))
				return -1;
			i++;
		} else if (c == '"') {
			char tmp[CFG_MAX_TOKEN];
			size_t n = 0;

			i++;
			while (i < len && buf[i] != '"') {
				if (buf[i] == '\\' && i + 1 < len &&
				    (buf[i + 1] == '"' || buf[i + 1] == '\\'))
					i++;
				if (n >= sizeof(tmp) - 1) {
					cfg_diagf(lx->d, true, file, line, "quoted string too long");
					return -1;
				}
				tmp[n++] = buf[i++];
			}
			if (i >= len) {
				cfg_diagf(lx->d, true, file, line, "unterminated quoted string");
				return -1;
			}
			i++;
			if (push_tok(lx, tmp, n, file, line, true, nl))
				return -1;
		} else {
			size_t s = i;

			while (i < len && !strchr(" \t\r\f\v\n{}\"#!", buf[i]) && buf[i] != '\0')
				i++;
			if (i - s >= CFG_MAX_TOKEN) {
				cfg_diagf(lx->d, true, file, line, "word too long");
				return -1;
			}
			/* surprising enough to say so; the comment is skipped next round */
			if (i < len && (buf[i] == '#' || buf[i] == '!')) {
				int wl = (int)(i - s);
				char cc = buf[i];

				cfg_diagf(lx->d, false, file, line,
					  "'%c' starts a comment, as in keepalived: '%.*s%c...'"
					  " is read as '%.*s' (quote the word to keep the '%c')",
					  cc, wl, &buf[s], cc, wl, &buf[s], cc);
			}
			if (push_tok(lx, &buf[s], i - s, file, line, false, nl))
				return -1;
		}
		nl = false;
		/* "include PATTERN" on a line of its own is spliced in right here */
		if (lx->ntoks - first_of_line == 2 &&
		    !lx->toks[first_of_line].quoted &&
		    !strcmp(lx->toks[first_of_line].text, "include")) {
			char *pat = lx->toks[lx->ntoks - 1].text;

			lx->ntoks -= 2;
			free(lx->toks[lx->ntoks].text);
			if (do_include(lx, pat, file, line)) {
				free(pat);
				return -1;
			}
			free(pat);
			first_of_line = -2;	/* rest of the line: ordinary words */
			nl = true;
		}
	}
	return 0;
}

/* What ${_PWD} gives in @path: its directory, absolute when it exists. */
static char *dir_of(const char *path)
{
	char *dup = strdup(path), *dir;

	if (!dup)
		return NULL;
	dir = realpath(dirname(dup), NULL);
	if (!dir)
		dir = strdup(dirname(dup));
	free(dup);
	return dir;
}

static int lex_text(struct lexer *lx, const char *buf, size_t len, const char *file)
{
	char *dir = dir_of(file);
	int ret;

	if (!dir)
		return -1;
	ret = cfg_pp_run(lx->pp, buf, len, file, dir);
	free(dir);
	return ret;
}

static int lex_file(struct lexer *lx, const char *path)
{
	const char *file = intern_file(lx->m, path);
	struct stat st;
	char *buf;
	FILE *f;
	size_t n;
	int ret;

	if (!file)
		return -1;
	f = fopen(path, "re");
	if (!f) {
		cfg_diagf(lx->d, true, NULL, 0, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size > CFG_MAX_FILE_SIZE) {
		cfg_diagf(lx->d, true, NULL, 0, "%s: not a regular file of sane size", path);
		fclose(f);
		return -1;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, st.st_size, f);
	fclose(f);
	ret = lex_text(lx, buf, n, file);
	free(buf);
	return ret;
}

static bool is_punct(const struct tok *t, char c)
{
	return !t->quoted && t->text[0] == c && t->text[1] == '\0';
}

static void node_free(struct cfg_node *n)
{
	for (int i = 0; i < n->argc; i++)
		free(n->argv[i]);
	free(n->argv);
	free(n->kw);
	cfg_tree_free(n->child);
	free(n);
}

void cfg_tree_free(struct cfg_node *n)
{
	while (n) {
		struct cfg_node *next = n->next;

		node_free(n);
		n = next;
	}
}

static bool ends_args(const struct tok *t)
{
	return t->nl || is_punct(t, '{') || is_punct(t, '}');
}

/* The words after @n's keyword, up to the end of the line or a brace: one allocation. */
static int take_args(struct lexer *lx, int *pos, struct cfg_node *n)
{
	int count = 0;

	while (*pos + count < lx->ntoks && !ends_args(&lx->toks[*pos + count]))
		count++;
	if (!count)
		return 0;
	n->argv = malloc(count * sizeof(*n->argv));
	if (!n->argv)
		return -1;
	for (; n->argc < count; n->argc++, (*pos)++) {
		n->argv[n->argc] = lx->toks[*pos].text;
		lx->toks[*pos].text = NULL;
	}
	return 0;
}

/* Takes ownership of token texts it uses (sets them to NULL). */
static int build(struct lexer *lx, int *pos, int depth, const struct tok *opener,
		 struct cfg_node **out)
{
	struct cfg_node *head = NULL, **tail = &head;

	if (depth > CFG_MAX_NESTING) {
		cfg_diagf(lx->d, true, opener->file, opener->line, "blocks nested too deeply");
		return -1;
	}
	while (*pos < lx->ntoks) {
		struct tok *t = &lx->toks[*pos];
		struct cfg_node *n;

		if (is_punct(t, '}')) {
			if (!opener) {
				cfg_diagf(lx->d, true, t->file, t->line,
					  "unbalanced braces: '}' without matching '{'");
				goto err;
			}
			(*pos)++;
			*out = head;
			return 0;
		}
		if (is_punct(t, '{')) {
			cfg_diagf(lx->d, true, t->file, t->line, "'{' without a keyword");
			goto err;
		}
		n = calloc(1, sizeof(*n));
		if (!n)
			goto err;
		*tail = n;
		tail = &n->next;
		n->kw = t->text;
		t->text = NULL;
		n->file = t->file;
		n->line = t->line;
		(*pos)++;
		if (take_args(lx, pos, n))
			goto err;
		if (*pos < lx->ntoks && is_punct(&lx->toks[*pos], '{')) {
			struct tok *o = &lx->toks[*pos];

			(*pos)++;
			n->block = true;
			if (build(lx, pos, depth + 1, o, &n->child))
				goto err;
		}
	}
	if (opener) {
		cfg_diagf(lx->d, true, opener->file, opener->line,
			  "unbalanced braces: '{' opened here is never closed");
		goto err;
	}
	*out = head;
	return 0;
err:
	cfg_tree_free(head);
	return -1;
}

static int finish(struct lexer *lx, int ret, struct cfg_node **out)
{
	int pos = 0;

	*out = NULL;
	if (!ret)
		ret = build(lx, &pos, 0, NULL, out);
	for (int i = 0; i < lx->ntoks; i++)
		free(lx->toks[i].text);
	free(lx->toks);
	cfg_pp_free(lx->pp);
	return ret;
}

char *cfg_default_config_id(void)
{
	struct utsname u;

	if (uname(&u))
		return strdup("");
	return strndup(u.nodename, strcspn(u.nodename, "."));
}

/* The lexer, its preprocessor and the model's config id (the default if unset). */
static int start(struct lexer *lx, struct cfg_model *m, struct cfg_diag *d, bool allow_include)
{
	*lx = (struct lexer){ .m = m, .d = d, .allow_include = allow_include };
	if (!m->config_id)
		m->config_id = cfg_default_config_id();
	if (m->config_id)
		lx->pp = cfg_pp_new(m->config_id, d, lex_line, lx);
	if (!lx->pp) {
		cfg_diagf(d, true, NULL, 0, "out of memory");
		return -1;
	}
	return 0;
}

int cfg_read_tree(struct cfg_model *m, const char *path, struct cfg_diag *d,
		  struct cfg_node **out)
{
	struct lexer lx;

	*out = NULL;
	if (start(&lx, m, d, true))
		return -1;
	return finish(&lx, lex_file(&lx, path), out);
}

int cfg_read_tree_buf(struct cfg_model *m, const char *name, const char *buf,
		      size_t len, struct cfg_diag *d, struct cfg_node **out)
{
	const char *file = intern_file(m, name);
	struct lexer lx;

	*out = NULL;
	if (!file || start(&lx, m, d, false))
		return -1;
	return finish(&lx, lex_text(&lx, buf, len, file), out);
}
