// SPDX-License-Identifier: GPL-2.0
/*
 * MISC_CHECK: run misc_path (split into argv, no shell; proc.c) and judge
 * its exit status: 0 up, anything else down; with misc_dynamic, 1 is down
 * and 2..255 is up with weight status-2.  misc_timeout kills the process
 * group (proc.c) and counts as a failure.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "halbd/check_int.h"
#include "halbd/proc.h"

static void misc_done(void *arg, int status, bool timed_out)
{
	struct probe *p = arg;
	int code;

	if (timed_out) {
		probe_done(p, false, "timed out after %u ms", p->misc_timeout_ms);
		return;
	}
	if (!WIFEXITED(status)) {
		probe_done(p, false, "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		return;
	}
	code = WEXITSTATUS(status);
	if (code == 0) {
		probe_done(p, true, "exit 0");
	} else if (p->conf->misc_dynamic && code >= 2) {
		probe_weight(p, code - 2);
		probe_done(p, true, "exit %d, weight %d", code, code - 2);
	} else {
		probe_done(p, false, "exit %d%s", code, code == 127 ? " (cannot execute)" : "");
	}
}

static int misc_start(struct probe *p, uint64_t now)
{
	const char *user = p->conf->user;
	pid_t pid;

	if (!user[0] && p->d && p->d->model)
		user = p->d->model->global.script_user;
	/* proc.c kills it at misc_timeout; our own deadline only backs that up */
	p->tmo_why = "timed out";
	p->attempt_hard = now + p->misc_timeout_ms + 5000;
	probe_arm(p, now, p->misc_timeout_ms + 5000);
	pid = proc_spawn(p->conf->misc_path, NULL, user, p->misc_timeout_ms, now, misc_done, p);
	if (pid < 0) {
		snprintf(p->why, sizeof(p->why), "cannot run %.80s", p->conf->misc_path);
		return -1;
	}
	return 0;
}

static void misc_event(struct probe *p, uint32_t events)
{
	(void)p;
	(void)events;
}

static void misc_stop(struct probe *p)
{
	proc_forget(p);
}

const struct check_ops check_misc_ops = {
	.start = misc_start,
	.event = misc_event,
	.stop = misc_stop,
};
