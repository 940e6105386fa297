/*
 * sysgate's own processes, attacked from outside the traced tree by a process of their own
 * user: the Node.js host (bin/sysgate.js, the desktop app's main process) and the supervisor.
 * A traced program has these calls refused by the supervisor (routes.c, `host`); a process
 * that is not traced (started by the user, or by a service the program asked) meets only the
 * kernel's own checks, and a process of the same user may ptrace every process of that user
 * that is dumpable. Neither sysgate process may be: their memory holds the decisions, the
 * control socket's token and the answers a user gives.
 *
 * Usage:
 *   host-dump hold			prints "ready", then reads standard input to its end (the
 *					traced program that keeps sysgate running meanwhile)
 *   host-dump attack PID ATTEMPTS SECONDS
 *					attacks PID and each descendant of it that is not under a
 *					seccomp filter (the supervisor; the traced programs are the
 *					user's own): PTRACE_ATTACH, PTRACE_SEIZE, process_vm_readv,
 *					/proc/PID/mem, environ and fd/, pidfd_getfd of its descriptor
 *					0. One that succeeds (for process_vm_readv: anything but EPERM
 *					and ESRCH, EFAULT being a check passed) is an escape.
 */

#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "hostile.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd		438
#endif

#define TARGETS_MAX	16

/* A field of /proc/PID/status as a number; -1 when missing. */
static long
status_field(pid_t pid, const char *field)
{
	char	 path[64], line[256];
	size_t	 len = strlen(field);
	FILE	*f;
	long	 v = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, len) == 0 && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Whether pid descends from top. */
static int
descends(pid_t pid, pid_t top)
{
	int	 depth;

	for (depth = 0; depth < 64 && pid > 1; depth++) {
		if (pid == top)
			return 1;
		pid = (pid_t)status_field(pid, "PPid");
	}
	return 0;
}

/* top, and every process below it without a seccomp filter. */
static int
targets(pid_t top, pid_t *out)
{
	struct dirent	*e;
	DIR		*d;
	pid_t		 pid;
	int		 n = 0;

	out[n++] = top;
	if ((d = opendir("/proc")) == NULL)
		return n;
	while ((e = readdir(d)) != NULL && n < TARGETS_MAX) {
		if ((pid = (pid_t)atoi(e->d_name)) <= 0 || pid == top || pid == getpid())
			continue;
		if (descends(pid, top) && status_field(pid, "Seccomp") == 0)
			out[n++] = pid;
	}
	closedir(d);
	return n;
}

static void
detach(pid_t pid)
{
	ptrace(PTRACE_INTERRUPT, pid, 0, 0);
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, 0, 0);
}

static int
opens(pid_t pid, const char *what, int flags)
{
	char	 path[64];
	int	 fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	if ((fd = open(path, flags | O_CLOEXEC)) == -1)
		return 0;
	close(fd);
	return 1;
}

/* Attempt i on pid: 1 when it reached into it. */
static int
attempt(pid_t pid, long i)
{
	char		 byte;
	struct iovec	 local = { &byte, 1 }, remote = { (void *)0x10000, 1 };
	int		 pidfd, fd;

	switch (i % 7) {
	case 0:
		if (ptrace(PTRACE_ATTACH, pid, 0, 0) == -1)
			return 0;
		detach(pid);
		return 1;
	case 1:
		if (ptrace(PTRACE_SEIZE, pid, 0, 0) == -1)
			return 0;
		detach(pid);
		return 1;
	case 2:
		return process_vm_readv(pid, &local, 1, &remote, 1, 0) != -1 ||
		    (errno != EPERM && errno != ESRCH);
	case 3:
		return opens(pid, "mem", O_RDONLY);
	case 4:
		return opens(pid, "environ", O_RDONLY);
	case 5:
		return opens(pid, "fd", O_RDONLY | O_DIRECTORY);
	default:
		if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
			return 0;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, 0, 0);
		close(pidfd);
		if (fd == -1)
			return 0;
		close(fd);
		return 1;
	}
}

int
main(int argc, char *argv[])
{
	struct budget	 b;
	pid_t		 target[TARGETS_MAX];
	char		 buf[64];
	long		 i, escapes = 0;
	int		 n;

	if (argc == 2 && strcmp(argv[1], "hold") == 0) {
		printf("ready\n");
		fflush(stdout);
		while (read(0, buf, sizeof(buf)) > 0)
			;
		return 0;
	}
	if (argc != 5 || strcmp(argv[1], "attack") != 0) {
		fprintf(stderr, "usage: host-dump hold | attack PID ATTEMPTS SECONDS\n");
		return 2;
	}
	n = targets((pid_t)atoi(argv[2]), target);
	if (n < 2) {
		fprintf(stderr, "host-dump: no supervisor below %s\n", argv[2]);
		return 2;
	}
	budget_start(&b, atol(argv[3]), atof(argv[4]));
	for (i = 0; budget_left(&b, i); i++)
		escapes += attempt(target[(i / 7) % n], i);
	fprintf(stderr, "host-dump: %d processes attacked\n", n);
	return report(i, -1, escapes);
}
