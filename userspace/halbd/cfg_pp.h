// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived.conf syntax, stage zero: lines, before words.  keepalived's
 * "advanced configuration" as 2.2.7 reads it: conditional lines (@ID,
 * @^ID against the config id), parameters ($NAME=VALUE, over several lines
 * when each but the last ends in '\'), their substitution ($NAME, ${NAME};
 * pre-defined ${_PWD}, ${_INSTANCE}, ${_HASH}, ${_BANG} and
 * ${_RANDOM [MIN [MAX]]}), sequence blocks (~SEQ, ~SEQx) and list blocks
 * (~LST).  Comments are removed first, as keepalived does, so '#' and '!'
 * end a definition.
 *
 * Each resulting line goes to a callback with the file and the line it
 * comes from; a line made by an expansion names the line that used it.
 * The callback may run another file through the same preprocessor (an
 * include): definitions carry on across files, in reading order.
 */
#ifndef HALBD_CFG_PP_H
#define HALBD_CFG_PP_H

#include <stddef.h>

#define CFG_PP_MAX_DEPTH	32		/* substitutions and expansions, nested */
#define CFG_PP_MAX_LINE		65536		/* bytes in one line after substitution */
#define CFG_PP_MAX_LINES	100000		/* lines made by blocks and multiline definitions */
#define CFG_PP_MAX_BYTES	(1 << 20)	/* bytes in the lines expansions make */
#define CFG_PP_MAX_SUBST	1000000		/* substitutions in one configuration */

struct cfg_diag;
struct cfg_pp;

/* Returns 0, or -1 to stop the run (after reporting why). */
typedef int (*cfg_pp_emit_fn)(void *arg, const char *line, size_t len, const char *file,
			      int line_no);

struct cfg_pp *cfg_pp_new(const char *config_id, struct cfg_diag *d, cfg_pp_emit_fn emit,
			  void *arg);
/*
 * cfg_pp_run() - preprocess @buf, the text of @file, line by line.  @dir is
 * what ${_PWD} gives in it.  @file is handed to the callback and must
 * outlive the run.  Returns 0, or -1 after reporting errors through the
 * cfg_diag: the first error stops the run.
 */
int cfg_pp_run(struct cfg_pp *pp, const char *buf, size_t len, const char *file,
	       const char *dir);
void cfg_pp_free(struct cfg_pp *pp);

#endif
