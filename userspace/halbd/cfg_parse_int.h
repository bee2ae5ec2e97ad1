// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by the keyword handlers of the parser; not used outside it.
 * Handlers are table driven: a keyword, its argument count and a function.
 */
#ifndef HALBD_CFG_PARSE_INT_H
#define HALBD_CFG_PARSE_INT_H

#include "halbd/cfg_parse.h"

struct cfg_pctx {
	struct cfg_model *m;
	struct cfg_diag *d;
	/* where the next virtual_server goes (NULL: not looked up yet), so
	 * that a config of 10,000 of them is not a quadratic walk */
	struct cfg_vs **vss_tail;
};

struct cfg_kw {
	const char *name;
	int min, max;			/* word counts; max -1: rest of the line */
	int (*fn)(struct cfg_pctx *p, void *obj, struct cfg_node *n);
	bool block;			/* expects { ... } */
};

#define cfg_err(p, n, ...)	cfg_diagf((p)->d, true, (n)->file, (n)->line, __VA_ARGS__)
#define cfg_warn(p, n, ...)	cfg_diagf((p)->d, false, (n)->file, (n)->line, __VA_ARGS__)

void cfg_walk(struct cfg_pctx *p, const struct cfg_kw *tab, void *obj,
	      const char *where, struct cfg_node *first);
int cfg_int(struct cfg_pctx *p, struct cfg_node *n, const char *s, long min, long max,
	    int *out);
int cfg_decimal(struct cfg_pctx *p, struct cfg_node *n, const char *s, unsigned int scale,
		unsigned long max, unsigned int *out);
int cfg_parse_addr(const char *s, struct cfg_addr *a);
int cfg_addr_arg(struct cfg_pctx *p, struct cfg_node *n, const char *s, struct cfg_addr *a);
int cfg_name(struct cfg_pctx *p, struct cfg_node *n, const char *s, char *dst, size_t len);
char *cfg_join(struct cfg_node *n);
int cfg_set_str(struct cfg_pctx *p, struct cfg_node *n, char **dst);
void *cfg_grow(void *arr, int *n, size_t size);

int cfg_parse_instance(struct cfg_pctx *p, struct cfg_node *n);

#endif
