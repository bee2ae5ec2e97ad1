// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived.conf syntax, second stage: statement tree to model.
 */
#ifndef HALBD_CFG_PARSE_H
#define HALBD_CFG_PARSE_H

#include <stddef.h>

#include "halbd/cfg_lex.h"
#include "halbd/cfg_model.h"

/*
 * cfg_load() - parse @path (and its includes) into a new model.
 * Warnings and errors are reported through @d as "FILE:LINE: message".
 * Returns NULL if any error was found: a half-understood config never runs.
 */
struct cfg_model *cfg_load(const char *path, struct cfg_diag *d);
struct cfg_model *cfg_load_buf(const char *name, const char *buf, size_t len,
			       struct cfg_diag *d);

#endif
