// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived.conf syntax, first stage: files to tokens (comments, quotes,
 * includes) and tokens to a tree of statements.  A statement is a keyword,
 * the words after it on the same line, and an optional { block }.  The tree
 * knows no keyword, so unknown blocks can be skipped safely as a whole.
 */
#ifndef HALBD_CFG_LEX_H
#define HALBD_CFG_LEX_H

#include <stdbool.h>

struct cfg_model;

struct cfg_node {
	struct cfg_node *next;
	struct cfg_node *child;		/* first statement of the block */
	char *kw;
	char **argv;			/* words after the keyword */
	int argc;
	bool block;			/* had a { ... } */
	const char *file;
	int line;
};

/* Where messages go: the daemon logs them, unit tests collect them. */
struct cfg_diag {
	void (*fn)(void *arg, bool error, const char *msg);
	void *arg;
	int errors, warnings;
};

void cfg_diagf(struct cfg_diag *d, bool error, const char *file, int line,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * cfg_read_tree() - read @path and its includes into a statement tree.
 * File names are interned in @m so nodes and the model may point at them.
 * Lines go through the preprocessor first (cfg_pp.h), with @m->config_id
 * for '@' lines; when it is NULL it is set to cfg_default_config_id().
 * Returns 0, or -1 after reporting errors through @d.
 */
int cfg_read_tree(struct cfg_model *m, const char *path, struct cfg_diag *d,
		  struct cfg_node **out);
/* Same, from a buffer: used by the fuzz target (includes are refused). */
int cfg_read_tree_buf(struct cfg_model *m, const char *name, const char *buf,
		      size_t len, struct cfg_diag *d, struct cfg_node **out);
void cfg_tree_free(struct cfg_node *n);
/* keepalived's default config id: the node name up to its first '.' (malloc'd). */
char *cfg_default_config_id(void);

#endif
