// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by the preprocessor's files; not used outside them.  cfg_pp.c
 * reads lines, conditions and definitions and drives each line through;
 * cfg_pp_subst.c substitutes parameters in a line; cfg_pp_block.c expands
 * ~SEQ and ~LST blocks, each line they make going back to
 * cfg_pp_process_line().
 */
#ifndef HALBD_CFG_PP_INT_H
#define HALBD_CFG_PP_INT_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/sbuf.h"
#include "halbd/cfg_pp.h"

#define BLANKS			" \t\r\f\v"

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

/* A message about the line being read; returns -1. */
int cfg_pp_msg(struct cfg_pp *pp, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define cfg_pp_err(pp, ...)	cfg_pp_msg(pp, true, __VA_ARGS__)
#define cfg_pp_warn(pp, ...)	cfg_pp_msg(pp, false, __VA_ARGS__)
#define cfg_pp_oom(pp)		cfg_pp_err(pp, "out of memory")

/* ---- names and definitions (cfg_pp.c) ---- */

static inline bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static inline bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static inline size_t name_len(const char *s)
{
	size_t n = 0;

	if (!is_name_start(s[0]))
		return 0;
	while (is_name_char(s[n]))
		n++;
	return n;
}

/* Defines or redefines @name, a pre-defined one too, as one line of text. */
struct def *cfg_pp_def_set(struct cfg_pp *pp, const char *name, size_t nlen,
			   const char *value, size_t vlen);

/* ---- lines (cfg_pp.c) ---- */

/* A line as if it stood in the file, @depth expansions deep. */
int cfg_pp_process_line(struct cfg_pp *pp, const char *text, int depth);

/* ---- substitution (cfg_pp_subst.c) ---- */

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

/*
 * Substitutes the parameters in @line: 0 with the result in @sc->out when
 * @sc->changed, and the further lines of multiline values in @sc->more;
 * -1 after reporting an error.  Either way cfg_pp_scan_free() follows.
 */
int cfg_pp_scan_line(struct scan *sc, const char *line);
void cfg_pp_scan_free(struct scan *sc);

/* ---- blocks (cfg_pp_block.c) ---- */

/* Expand the block that @text starts, ~SEQ or ~SEQx, ~LST, @depth expansions deep. */
int cfg_pp_run_seq(struct cfg_pp *pp, const char *text, int depth);
int cfg_pp_run_lst(struct cfg_pp *pp, const char *text, int depth);

#endif
