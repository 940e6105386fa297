/*
 * sysgate-shell: a login shell confined by sysgate (systrace's stsh). login, sshd and su run it
 * as the user, from /etc/shells and the user's entry in /etc/passwd. It runs the shell that
 * the settings (SG_SHELL_CONF, /etc/sysgate/shell.conf) name, as a login shell or with -c CMD,
 * under sysgate's command line in login-shell mode (a login shell's argv[0] starting with '-'): `sysgate -a -i -U` with the system's
 * policies alone, enforced, and every program the session runs held to the shell's policy.
 *
 * Nothing the user chose decides how: not $SHELL, not argv beyond a leading '-' and -c, not
 * the user's files, not the environment. The user sets the environment a login shell starts
 * with (sshd's AcceptEnv, ~/.ssh/environment) and every variable that Node.js, the dynamic
 * loader or sysgate reads would otherwise steer the supervision (NODE_OPTIONS, LD_PRELOAD,
 * SYSGATE_*, XDG_*, HOME): so only a short list of harmless variables is kept, and HOME, USER,
 * LOGNAME, SHELL and PATH are set from the account and the settings. The shell gets the same
 * environment; what the user sets in it later, the shell's policy holds.
 *
 * It is linked statically, so that no dynamic loader reads LD_PRELOAD or LD_AUDIT into it before
 * main; and before anything looks up the account (the C library's NSS may load a module, by
 * LD_LIBRARY_PATH too in a static program), it runs itself again with the harmless variables
 * alone.
 *
 * Every failure ends the login with a message: a session is never started unconfined.
 */

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SG_SHELL_CONF
#define SG_SHELL_CONF	"/etc/sysgate/shell.conf"
#endif

#define SAFE_PATH	"/usr/local/bin:/usr/bin:/bin"
#define MAX_ENV		64

struct settings {
	char	shell[PATH_MAX];
	char	node[PATH_MAX];
	char	policies[PATH_MAX];
	char	syslog[PATH_MAX];
};

static void __attribute__((noreturn))
die(const char *what, const char *detail)
{
	fprintf(stderr, "sysgate-shell: %s%s%s; the session does not start\n", what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	exit(1);
}

/* Root's, and writable by root alone (a sticky directory such as /tmp is fine). */
static int
trusted(const struct stat *st, int dir)
{
	if (st->st_uid != 0)
		return 0;
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return 1;
	return dir && (st->st_mode & S_ISVTX);
}

/* The settings file and the folder it is in must be root's alone: else anyone could name the shell. */
static void
check_settings_file(const char *path)
{
	char		 dir[PATH_MAX];
	char		*slash;
	struct stat	 st;

	if (lstat(path, &st) == -1)
		die(path, strerror(errno));
	if (!S_ISREG(st.st_mode) || !trusted(&st, 0))
		die(path, "not a regular file of root's that only root may write");
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		die(path, "name too long");
	if ((slash = strrchr(dir, '/')) == NULL)
		die(path, "not an absolute name");
	*(slash == dir ? slash + 1 : slash) = '\0';
	if (stat(dir, &st) == -1)
		die(dir, strerror(errno));
	if (!trusted(&st, 1))
		die(dir, "the settings' folder is not root's alone");
}

static void
set_value(char *dst, const char *value, int line)
{
	char	 where[64];

	snprintf(where, sizeof(where), "%s:%d", SG_SHELL_CONF, line);
	if (value[0] != '/')
		die(where, "a value must be an absolute file name");
	if (strlen(value) >= PATH_MAX)
		die(where, "the name is too long");
	strcpy(dst, value);
}

/* Lines `key value`; `#` starts a comment. Keys: shell (required), node, policies, syslog. */
static void
read_settings(struct settings *s)
{
	FILE	*f;
	char	 buf[PATH_MAX + 64], where[64], *key, *value, *end;
	int	 line = 0;

	check_settings_file(SG_SHELL_CONF);
	if ((f = fopen(SG_SHELL_CONF, "re")) == NULL)
		die(SG_SHELL_CONF, strerror(errno));
	while (fgets(buf, sizeof(buf), f) != NULL) {
		line++;
		snprintf(where, sizeof(where), "%s:%d", SG_SHELL_CONF, line);
		if (strchr(buf, '\n') == NULL && !feof(f))
			die(where, "the line is too long");
		if ((end = strchr(buf, '#')) != NULL)
			*end = '\0';
		key = strtok(buf, " \t\r\n");
		if (key == NULL)
			continue;
		value = strtok(NULL, " \t\r\n");
		if (value == NULL || strtok(NULL, " \t\r\n") != NULL)
			die(where, "expected `key value`");
		if (strcmp(key, "shell") == 0)
			set_value(s->shell, value, line);
		else if (strcmp(key, "node") == 0)
			set_value(s->node, value, line);
		else if (strcmp(key, "policies") == 0)
			set_value(s->policies, value, line);
		else if (strcmp(key, "syslog") == 0)
			set_value(s->syslog, value, line);
		else
			die(where, "unknown key (shell, node, policies, syslog)");
	}
	fclose(f);
	if (s->shell[0] == '\0')
		die(SG_SHELL_CONF, "no `shell` line names the shell to run");
	if (access(s->shell, X_OK) == -1)
		die(s->shell, strerror(errno));
}

static void
find_node(struct settings *s)
{
	static const char *const candidates[] = { "/usr/local/bin/node", "/usr/bin/node" };
	size_t	 i;

	if (s->node[0] != '\0') {
		if (access(s->node, X_OK) == -1)
			die(s->node, strerror(errno));
		return;
	}
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		if (access(candidates[i], X_OK) == 0) {
			strcpy(s->node, candidates[i]);
			return;
		}
	}
	die("Node.js is not in /usr/local/bin or /usr/bin", "name it with `node` in " SG_SHELL_CONF);
}

/*
 * What the session's supervision is started from must be root's alone, as the settings are: a
 * checkout the user could write would let the user rewrite sysgate.
 */
static void
check_install(const char *checkout)
{
	static const char *const parts[] = { "", "/bin", "/bin/sysgate.js", "/build", "/build/app",
		"/build/app/bundle", "/build/app/bundle/main.mjs", "/native", "/native/build",
		"/native/build/sysgate-supervisor" };
	char		 path[PATH_MAX];
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (snprintf(path, sizeof(path), "%s%s", checkout, parts[i]) >= (int)sizeof(path))
			die(checkout, "name too long");
		if (stat(path, &st) == -1)
			die(path, strerror(errno));
		if (!trusted(&st, 0))
			die(path, "not root's, or writable by others than root: install sysgate as root");
	}
}

/* bin/sysgate.js of the checkout this program was built in (build/ → native/ → the checkout). */
static void
find_cli(char *cli, size_t size)
{
	char	 self[PATH_MAX];
	ssize_t	 n;
	int	 i;
	char	*slash;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		die("/proc/self/exe", strerror(errno));
	self[n] = '\0';
	for (i = 0; i < 3; i++) {
		if ((slash = strrchr(self, '/')) == NULL || slash == self)
			die(self, "not in sysgate's native/build folder");
		*slash = '\0';
	}
	check_install(self);
	if (snprintf(cli, size, "%s/bin/sysgate.js", self) >= (int)size)
		die(self, "name too long");
	if (access(cli, R_OK) == -1)
		die(cli, strerror(errno));
}

/* Variables that name nothing the supervision reads: a terminal, a language, an SSH session. */
static int
harmless(const char *var)
{
	static const char *const names[] = { "TERM=", "COLORTERM=", "LANG=", "LANGUAGE=",
		"DISPLAY=", "MAIL=", "SSH_CLIENT=", "SSH_CONNECTION=", "SSH_TTY=",
		"XDG_SESSION_ID=", "XDG_SESSION_TYPE=", "XDG_SESSION_CLASS=" };
	const char	*value = strchr(var, '=');
	size_t		 i;

	if (value == NULL || strlen(var) > 4096)
		return 0;
	/* A locale named by a path would have the C library load the user's file. */
	if ((strncmp(var, "LANG", 4) == 0 || strncmp(var, "LC_", 3) == 0) && strchr(value, '/'))
		return 0;
	if (strncmp(var, "LC_", 3) == 0)
		return 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(var, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

static char *
pair(const char *key, const char *value)
{
	char	*s;

	if (asprintf(&s, "%s=%s", key, value) == -1)
		die("out of memory", NULL);
	return s;
}

/*
 * Runs this program again with the harmless variables alone, when there is anything else: what
 * the C library read at start-up (LD_LIBRARY_PATH for the modules NSS loads) is then gone.
 */
static void
restart_if_unclean(char *argv[])
{
	extern char	**environ;
	char		 *env[MAX_ENV];
	size_t		  n = 0, i;
	int		  unclean = 0;

	for (i = 0; environ[i] != NULL; i++) {
		if (harmless(environ[i]) && n < MAX_ENV - 1)
			env[n++] = environ[i];
		else
			unclean = 1;
	}
	if (!unclean)
		return;
	env[n] = NULL;
	execve("/proc/self/exe", argv, env);
	die("/proc/self/exe", strerror(errno));
}

static void
clean_environment(char **env, const struct passwd *pw, const struct settings *s)
{
	extern char	**environ;
	size_t		  n = 0, i;

	for (i = 0; environ[i] != NULL && n < MAX_ENV - 6; i++)
		if (harmless(environ[i]))
			env[n++] = environ[i];
	env[n++] = pair("HOME", pw->pw_dir);
	env[n++] = pair("USER", pw->pw_name);
	env[n++] = pair("LOGNAME", pw->pw_name);
	env[n++] = pair("SHELL", s->shell);
	env[n++] = pair("PATH", SAFE_PATH);
	env[n] = NULL;
}

int
main(int argc, char *argv[])
{
	struct settings	 s;
	struct passwd	*pw;
	char		 cli[PATH_MAX];
	char		*env[MAX_ENV];
	const char	*args[16];
	int		 n = 0, login;

	if (argc < 1)
		die("no arguments at all", NULL);
	restart_if_unclean(argv);
	memset(&s, 0, sizeof(s));
	login = argc > 0 && argv[0][0] == '-';
	/* login and su: no argument (or -l); sshd, scp, su -c: `-c COMMAND`. Nothing else. */
	if (argc == 2 && (strcmp(argv[1], "-l") == 0 || strcmp(argv[1], "--login") == 0))
		login = 1;
	else if (argc != 1 && !(argc == 3 && strcmp(argv[1], "-c") == 0)) {
		fprintf(stderr, "usage: sysgate-shell [-l | -c command]\n");
		return 2;
	}
	if ((pw = getpwuid(getuid())) == NULL)
		die("no account for this user id", NULL);
	/* The policy permits $HOME: a home of "/" would be the whole file system. */
	if (pw->pw_dir[0] != '/' || strcmp(pw->pw_dir, "/") == 0)
		die("the account's home is not a folder of its own", pw->pw_dir);
	read_settings(&s);
	find_node(&s);
	find_cli(cli, sizeof(cli));
	clean_environment(env, pw, &s);
	args[n++] = s.node;
	args[n++] = cli;
	args[n++] = "--login-shell";
	if (s.policies[0] != '\0') {
		args[n++] = "--policies";
		args[n++] = s.policies;
	}
	if (s.syslog[0] != '\0') {
		args[n++] = "--syslog";
		args[n++] = s.syslog;
	}
	/* A login shell is told so as login(1) tells it: its argv[0] starts with '-'. */
	if (login && argc != 3)
		args[n++] = "--login";
	args[n++] = "--";
	args[n++] = s.shell;
	if (argc == 3) {
		args[n++] = "-c";
		args[n++] = argv[2];
	}
	args[n] = NULL;
	execve(s.node, (char *const *)args, env);
	die(s.node, strerror(errno));
}
