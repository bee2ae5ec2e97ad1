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
 * @config_id is what "@ID" lines are kept for (halbd -i); NULL: the node
 * name up to its first '.', as keepalived.
 * Warnings and errors are reported through @d as "FILE:LINE: message".
 * Returns NULL if any error was found: a half-understood config never runs.
 */
struct cfg_model *cfg_load(const char *path, const char *config_id, struct cfg_diag *d);
/*
 * cfg_parse_hostport() - "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6), port
 * 1..65535.  Returns 0, or -1 with a short reason in *@why.
 */
int cfg_parse_hostport(const char *s, struct cfg_addr *a, uint16_t *port, const char **why);
struct cfg_model *cfg_load_buf(const char *name, const char *buf, size_t len,
			       const char *config_id, struct cfg_diag *d);

#endif
