// SPDX-License-Identifier: GPL-2.0
/*
 * Command splitting for execve: config text must never reach a shell, so
 * the split itself decides what the words are.  Also runs a real child.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "halbd/proc.h"
#include "ut.h"

static char **split(const char *s, int *n)
{
	return proc_split(s, n);
}

static void test_split_words_and_quotes(void)
{
	int n = 0;
	char **v = split("  /bin/check  --flag 'a b' \"c \\\"d\\\"\" e\\ f ", &n);

	CHECK(v);
	if (!v)
		return;
	CHECK_EQ(n, 5);
	CHECK_STR(v[0], "/bin/check");
	CHECK_STR(v[1], "--flag");
	CHECK_STR(v[2], "a b");
	CHECK_STR(v[3], "c \"d\"");
	CHECK_STR(v[4], "e f");
	CHECK(v[5] == NULL);
	proc_argv_free(v);
}

static void test_split_no_shell_meaning(void)
{
	int n = 0;
	char **v = split("/bin/echo $(reboot) ; rm -rf / | x && y `z`", &n);

	/* metacharacters are plain words: there is no shell to interpret them */
	CHECK(v);
	if (!v)
		return;
	CHECK_EQ(n, 11);
	CHECK_STR(v[1], "$(reboot)");
	CHECK_STR(v[2], ";");
	CHECK_STR(v[10], "`z`");
	proc_argv_free(v);
}

static void test_split_errors(void)
{
	CHECK(split("", NULL) == NULL);
	CHECK(split("   ", NULL) == NULL);
	CHECK(split("/bin/x 'open", NULL) == NULL);
	CHECK(split("/bin/x \"open", NULL) == NULL);
}

static int done_status = -1;
static bool done_timeout;

static void done(void *arg, int status, bool timed_out)
{
	(void)arg;
	done_status = status;
	done_timeout = timed_out;
}

static void test_spawn_exit_status_and_timeout(void)
{
	char *extra[] = { "-c", "exit 3", NULL };
	pid_t pid;

	/* the extra argv is appended verbatim; sh here is the test's choice */
	pid = proc_spawn("sh", extra, NULL, 5000, 0, done, NULL);
	CHECK(pid > 0);
	for (int i = 0; i < 500 && done_status < 0; i++) {
		usleep(10000);
		proc_reap();
	}
	CHECK(WIFEXITED(done_status) && WEXITSTATUS(done_status) == 3);
	CHECK(!done_timeout);
	done_status = -1;
	pid = proc_spawn("sleep 10", NULL, NULL, 100, 0, done, NULL);
	CHECK(pid > 0);
	CHECK_EQ(proc_next_deadline(), 100);
	proc_timeouts(200);
	for (int i = 0; i < 500 && done_status < 0; i++) {
		usleep(10000);
		proc_reap();
	}
	CHECK(done_timeout);
	CHECK(WIFSIGNALED(done_status) && WTERMSIG(done_status) == SIGKILL);
	/* an unknown program is refused before fork, not a crash */
	CHECK_EQ(proc_spawn("no-such-program-halbd", NULL, NULL, 5000, 0, done, NULL), -1);
	CHECK_EQ(proc_spawn("/nonexistent/x", NULL, NULL, 5000, 0, done, NULL), -1);
	CHECK_EQ(proc_spawn("'unbalanced", NULL, NULL, 5000, 0, done, NULL), -1);
}

static void test_script_security(void)
{
	char dir[] = "/tmp/halbd-proc.XXXXXX", path[64];
	pid_t pid;
	FILE *f;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	chmod(dir, 0755);
	snprintf(path, sizeof(path), "%s/chk", dir);
	f = fopen(path, "w");
	if (!f) {
		CHECK(0);
		return;
	}
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	chmod(path, 0777);
	proc_set_security(true);
	/* world-writable: anyone could make root run anything */
	CHECK_EQ(proc_spawn(path, NULL, NULL, 5000, 0, done, NULL), -1);
	chmod(path, 0755);
	if (geteuid() == 0) {
		done_status = -1;
		pid = proc_spawn(path, NULL, NULL, 5000, 0, done, NULL);
		CHECK(pid > 0);
		for (int i = 0; i < 500 && done_status < 0; i++) {
			usleep(10000);
			proc_reap();
		}
		CHECK(WIFEXITED(done_status) && WEXITSTATUS(done_status) == 0);
	}
	/* a group-writable directory is as bad */
	chmod(dir, 0777);
	CHECK_EQ(proc_spawn(path, NULL, NULL, 5000, 0, done, NULL), -1);
	proc_set_security(false);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	RUN(test_split_words_and_quotes);
	RUN(test_split_no_shell_meaning);
	RUN(test_split_errors);
	RUN(test_spawn_exit_status_and_timeout);
	RUN(test_script_security);
	return ut_total_fail ? 1 : 0;
}
