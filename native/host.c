/*
 * Runs the host for a run plan. The supervisor forks it from a decision, with a second thread
 * alive, so everything the child needs is made before the fork and the child calls nothing
 * but system calls until its exec.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "intercept.h"
#include "search.h"

#define HOST_FD		3
#define HOST_FD_VAR	"SYSGATE_HOST_FD="

/* <root>/bin/sysgate.js. */
static int
script_path(char *path, size_t size)
{
	char	 root[PATH_MAX];
	int	 len;

	if (sg_install_root(root, sizeof(root)) == -1)
		return -1;
	len = snprintf(path, size, "%s/bin/sysgate.js", root);
	if (len < 0 || (size_t)len >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

char **
sg_host_argv(int argc, char *argv[])
{
	static char	 script[PATH_MAX], node[] = "node";
	char		*program = getenv("SYSGATE_NODE"), **hv;
	int		 i;

	if (script_path(script, sizeof(script)) == -1)
		return NULL;
	if ((hv = calloc((size_t)argc + 2, sizeof(*hv))) == NULL)
		return NULL;
	hv[0] = program != NULL && program[0] != '\0' ? program : node;
	hv[1] = script;
	for (i = 1; i < argc; i++)
		hv[i + 1] = argv[i];
	return hv;
}

/* The environment with SYSGATE_HOST_FD=3 in place of any SYSGATE_HOST_FD it had. */
static char **
host_environment(void)
{
	extern char	**environ;
	static char	 var[] = HOST_FD_VAR "3";
	char		**envp;
	size_t		 n, i, j;

	for (n = 0; environ[n] != NULL; n++)
		continue;
	if ((envp = calloc(n + 2, sizeof(*envp))) == NULL)
		return NULL;
	for (i = j = 0; i < n; i++)
		if (strncmp(environ[i], HOST_FD_VAR, strlen(HOST_FD_VAR)) != 0)
			envp[j++] = environ[i];
	envp[j] = var;
	return envp;
}

static void
host_child(const char *path, char *const argv[], char *const envp[], int fd,
    const char *failed, size_t failedlen)
{
	int	 null;

	sg_signals_reset();
	/* fd first: it may be 0 itself when the front door was started without a stdin. */
	if (fd == HOST_FD) {
		if (fcntl(fd, F_SETFD, 0) == -1)
			_exit(127);
	} else if (dup2(fd, HOST_FD) == -1) {
		_exit(127);
	}
	if ((null = open("/dev/null", O_RDONLY)) == -1 || dup2(null, STDIN_FILENO) == -1)
		_exit(127);
	if (null != STDIN_FILENO)
		close(null);
	execve(path, argv, envp);
	(void)!write(STDERR_FILENO, failed, failedlen);
	_exit(127);
}

pid_t
sg_host_start(char *const argv[], int fd)
{
	char	 path[PATH_MAX], failed[PATH_MAX + 64], **envp;
	pid_t	 pid;
	int	 n;

	sg_search_path(argv[0], path, sizeof(path));
	n = snprintf(failed, sizeof(failed), "sysgate: cannot execute the host %s\n", path);
	if (n < 0 || (size_t)n >= sizeof(failed))
		n = 0;
	if ((envp = host_environment()) == NULL)
		return -1;
	if ((pid = fork()) == 0)
		host_child(path, argv, envp, fd, failed, (size_t)n);
	free(envp);
	return pid;
}
