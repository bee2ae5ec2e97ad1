// SPDX-License-Identifier: GPL-2.0
/*
 * Logging for the halb daemons: syslog by default, stderr on request.
 * Kept tiny so that unit tests can link it without any daemon state.
 */
#ifndef HALB_COMMON_LOG_H
#define HALB_COMMON_LOG_H

#include <syslog.h>
#include <stdbool.h>

void halb_log_open(const char *ident, bool console, int facility, bool detail);
void halb_log_close(void);
bool halb_log_detail(void);
void halb_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int halb_log_facility(const char *name);

#define log_err(...)	halb_log(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	halb_log(LOG_WARNING, __VA_ARGS__)
#define log_info(...)	halb_log(LOG_INFO, __VA_ARGS__)
#define log_dbg(...)	do { if (halb_log_detail()) halb_log(LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
