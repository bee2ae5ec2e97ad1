// SPDX-License-Identifier: GPL-2.0
/*
 * Child processes: vrrp_script checks and notify scripts.  Commands are
 * split into argv here and run with execve, never through a shell, with a
 * deadline after which the whole process group is killed.
 */
#ifndef HALBD_PROC_H
#define HALBD_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef void (*proc_done_fn)(void *arg, int status, bool timed_out);

/*
 * proc_split() - split @cmd into words: whitespace separates, "..." and
 * '...' group, backslash escapes the next character outside '...'.
 * Returns a NULL-terminated argv (free with proc_argv_free) or NULL on a
 * syntax error such as an unterminated quote.
 */
char **proc_split(const char *cmd, int *argc);
void proc_argv_free(char **argv);

pid_t proc_spawn(const char *cmd, char *const extra[], const char *user,
		 unsigned int timeout_ms, uint64_t now, proc_done_fn done, void *arg);
void proc_reap(void);
void proc_timeouts(uint64_t now);
uint64_t proc_next_deadline(void);
/* The owner of @arg goes away: keep reaping its children, drop the callback. */
void proc_forget(void *arg);
void proc_set_quiet(bool quiet);
/* enable_script_security: refuse scripts non-root users could modify */
void proc_set_security(bool on);

#endif
