// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "halbd/proc.h"

struct child {
	struct child *next;
	pid_t pid;
	uint64_t deadline;
	bool killed;
	proc_done_fn done;
	void *arg;
};

static struct child *children;
static bool quiet = true;
static bool secure;

void proc_set_security(bool on)
{
	secure = on;
}

void proc_set_quiet(bool q)
{
	quiet = q;
}

void proc_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

char **proc_split(const char *cmd, int *argc)
{
	size_t len = strlen(cmd);
	char **argv = calloc(len / 2 + 2, sizeof(char *));
	char *word = malloc(len + 1);
	int n = 0;

	if (!argv || !word)
		goto err;
	while (*cmd) {
		size_t w = 0;
		bool have = false;

		while (*cmd == ' ' || *cmd == '\t' || *cmd == '\n')
			cmd++;
		if (!*cmd)
			break;
		while (*cmd && *cmd != ' ' && *cmd != '\t' && *cmd != '\n') {
			have = true;
			if (*cmd == '\'') {
				for (cmd++; *cmd && *cmd != '\''; cmd++)
					word[w++] = *cmd;
				if (!*cmd)
					goto err;
				cmd++;
			} else if (*cmd == '"') {
				for (cmd++; *cmd && *cmd != '"'; cmd++) {
					if (*cmd == '\\' && (cmd[1] == '"' || cmd[1] == '\\'))
						cmd++;
					word[w++] = *cmd;
				}
				if (!*cmd)
					goto err;
				cmd++;
			} else if (*cmd == '\\' && cmd[1]) {
				word[w++] = cmd[1];
				cmd += 2;
			} else {
				word[w++] = *cmd++;
			}
		}
		if (have) {
			argv[n] = strndup(word, w);
			if (!argv[n++])
				goto err;
		}
	}
	if (!n)
		goto err;
	free(word);
	if (argc)
		*argc = n;
	return argv;
err:
	free(word);
	proc_argv_free(argv);
	return NULL;
}

static const char *const child_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL
};

static const char *const search_dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
					   "/usr/bin", "/sbin", "/bin" };

/* execve needs a path: search PATH ourselves rather than ask a shell. */
static int resolve(const char *name, char *path, size_t len)
{
	if (strchr(name, '/')) {
		snprintf(path, len, "%s", name);
		return access(path, X_OK);
	}
	for (size_t i = 0; i < sizeof(search_dirs) / sizeof(search_dirs[0]); i++) {
		snprintf(path, len, "%s/%s", search_dirs[i], name);
		if (!access(path, X_OK))
			return 0;
	}
	return -1;
}

/*
 * enable_script_security: a script root runs must not be changeable by
 * anyone but root, nor may the directory holding it.
 */
static bool unsafe(const char *path)
{
	char dir[4096], *slash;
	struct stat st;

	if (stat(path, &st) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	else
		strcpy(dir, "/");
	return stat(dir, &st) || st.st_uid != 0 ||
	       ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX));
}

static void child_setup(const char *user)
{
	sigset_t all;
	int fd;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	setpgid(0, 0);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		if (quiet) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
	}
	syscall(SYS_close_range, 3, ~0U, 0);
	if (user && *user) {
		struct passwd *pw = getpwnam(user);

		if (!pw || initgroups(pw->pw_name, pw->pw_gid) || setgid(pw->pw_gid) ||
		    setuid(pw->pw_uid))
			_exit(126);
	}
}

pid_t proc_spawn(const char *cmd, char *const extra[], const char *user,
		 unsigned int timeout_ms, uint64_t now, proc_done_fn done, void *arg)
{
	int argc = 0, nextra = 0;
	char **argv = proc_split(cmd, &argc), **full;
	char path[4096];
	struct child *c;
	pid_t pid;

	if (!argv) {
		log_err("cannot run '%s': empty command or unbalanced quotes", cmd);
		return -1;
	}
	while (extra && extra[nextra])
		nextra++;
	full = realloc(argv, (argc + nextra + 1) * sizeof(char *));
	if (!full) {
		proc_argv_free(argv);
		return -1;
	}
	argv = full;
	for (int i = 0; i < nextra; i++)
		argv[argc + i] = strdup(extra[i]);
	argv[argc + nextra] = NULL;
	if (resolve(argv[0], path, sizeof(path))) {
		log_err("cannot run '%s': '%s' not found", cmd, argv[0]);
		proc_argv_free(argv);
		return -1;
	}
	if (secure && unsafe(path)) {
		log_err("cannot run '%s': %s or its directory is writable by non-root"
			" (enable_script_security)", cmd, path);
		proc_argv_free(argv);
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		proc_argv_free(argv);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		child_setup(user);
		execve(path, argv, (char **)child_env);
		_exit(127);
	}
	proc_argv_free(argv);
	if (pid < 0) {
		log_err("fork for '%s': %s", cmd, strerror(errno));
		free(c);
		return -1;
	}
	c->pid = pid;
	c->deadline = now + timeout_ms;
	c->done = done;
	c->arg = arg;
	c->next = children;
	children = c;
	return pid;
}

void proc_reap(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (struct child **pc = &children; *pc; pc = &(*pc)->next) {
			struct child *c = *pc;

			if (c->pid != pid)
				continue;
			*pc = c->next;
			if (c->done)
				c->done(c->arg, status, c->killed);
			free(c);
			break;
		}
	}
}

void proc_timeouts(uint64_t now)
{
	for (struct child *c = children; c; c = c->next) {
		if (c->killed || now < c->deadline)
			continue;
		log_warn("child %d timed out, killing it", (int)c->pid);
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL);
		c->killed = true;
	}
}

uint64_t proc_next_deadline(void)
{
	uint64_t next = 0;

	for (struct child *c = children; c; c = c->next)
		if (!c->killed && (!next || c->deadline < next))
			next = c->deadline;
	return next;
}

void proc_forget(void *arg)
{
	for (struct child *c = children; c; c = c->next)
		if (c->arg == arg)
			c->done = NULL;
}
