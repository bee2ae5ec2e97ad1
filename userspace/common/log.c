// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/log.h"

static bool log_console = true;	/* until halb_log_open() says otherwise */
static bool log_verbose;

void halb_log_open(const char *ident, bool console, int facility, bool detail)
{
	log_console = console;
	log_verbose = detail;
	if (!console)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void halb_log_close(void)
{
	if (!log_console)
		closelog();
}

bool halb_log_detail(void)
{
	return log_verbose;
}

void halb_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_console) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(stderr, "%ld.%03ld ", (long)ts.tv_sec, ts.tv_nsec / 1000000);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

/* "daemon", "local0".."local7" or a number 0..7 meaning local0..local7 like keepalived's -S. */
int halb_log_facility(const char *name)
{
	static const int local[] = { LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
				     LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7 };

	if (!strcasecmp(name, "daemon"))
		return LOG_DAEMON;
	if (!strncasecmp(name, "local", 5))
		name += 5;
	if (name[0] >= '0' && name[0] <= '7' && name[1] == '\0')
		return local[name[0] - '0'];
	return -1;
}
