/*
 * A program tries to hold the supervisor with something it controls: while a child of its
 * own makes a call the supervisor must perform on a file the program set up to make it wait,
 * the program makes a call of its own, which the supervisor must answer at once. Modes:
 *
 *   fifo-interp     the child runs a script whose `#!` interpreter is a FIFO nobody writes;
 *   fifo-exec       the child runs a FIFO itself;
 *   lease-open      the child opens a file the program holds a write lease on (F_SETLEASE,
 *                   which the kernel answers with the lease-break time, 45 s, for a
 *                   blocking open);
 *   lease-truncate  the child truncates that file.
 *
 * An escape is an attempt in which the program's own call (an open of DIR/permit/probe) took
 * more than 2 s: the supervisor was held. The lease is then given up and the child waited
 * for; a child of the FIFO modes is killed (it would wait on the FIFO for ever).
 *
 * Usage: hang MODE DIR ATTEMPTS SECONDS
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include "hostile.h"

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
put(const char *path, const char *text)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755)) == -1)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int
main(int argc, char *argv[])
{
	char		 fifo[PATH_MAX / 2], script[PATH_MAX / 2], leased[PATH_MAX / 2];
	char		 probe[PATH_MAX / 2], line[PATH_MAX];
	char *const	 args[] = { "script", NULL };
	const char	*mode;
	struct budget	 b;
	struct timespec	 settle = { 0, 200 * 1000 * 1000 };
	double		 t0;
	long		 i, escapes = 0, permitted = 0;
	pid_t		 pid;
	struct timespec	 pause = { 0, 10 * 1000 * 1000 };
	int		 status, fd, tries, lease = -1;

	if (argc != 5) {
		fprintf(stderr, "usage: hang MODE DIR ATTEMPTS SECONDS\n");
		return 2;
	}
	mode = argv[1];
	snprintf(fifo, sizeof(fifo), "%s/permit/fifo", argv[2]);
	snprintf(script, sizeof(script), "%s/permit/script", argv[2]);
	snprintf(leased, sizeof(leased), "%s/permit/leased", argv[2]);
	snprintf(probe, sizeof(probe), "%s/permit/probe", argv[2]);
	snprintf(line, sizeof(line), "#!%s\n", fifo);
	/* The lease holder is told of a break by SIGIO, whose default would end it. */
	signal(SIGIO, SIG_IGN);
	if ((mkfifo(fifo, 0777) == -1 && errno != EEXIST) || put(script, line) == -1 ||
	    put(leased, "leased\n") == -1 || put(probe, "probe\n") == -1) {
		perror("setting up");
		return 2;
	}
	budget_start(&b, atol(argv[3]), atof(argv[4]));
	for (i = 0; budget_left(&b, i); i++) {
		if (strncmp(mode, "lease-", 6) == 0) {
			if ((lease = open(leased, O_RDONLY | O_CLOEXEC)) == -1) {
				perror(leased);
				return 2;
			}
			/* Only without another open: the last child's may be closing still. */
			for (tries = 0; fcntl(lease, F_SETLEASE, F_WRLCK) == -1; tries++) {
				if (errno != EAGAIN || tries == 100) {
					perror("F_SETLEASE");
					return 2;
				}
				nanosleep(&pause, NULL);
			}
		}
		if ((pid = fork()) == -1) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
			if (strcmp(mode, "fifo-interp") == 0)
				execve(script, args, NULL);
			else if (strcmp(mode, "fifo-exec") == 0)
				execve(fifo, args, NULL);
			else if (strcmp(mode, "lease-open") == 0)
				close(open(leased, O_RDONLY | O_CLOEXEC));
			else if (strcmp(mode, "lease-truncate") == 0)
				truncate(leased, 7);
			_exit(0);
		}
		/* The child is in its call by now, or done. */
		nanosleep(&settle, NULL);
		t0 = now();
		if ((fd = open(probe, O_RDONLY | O_CLOEXEC)) == -1) {
			perror(probe);
			return 2;
		}
		close(fd);
		if (now() - t0 > 2.0)
			escapes++;
		else
			permitted++;
		if (lease != -1) {
			fcntl(lease, F_SETLEASE, F_UNLCK);
			close(lease);
			lease = -1;
		}
		/* A child waiting on a FIFO waits for ever; one waiting on the lease is done now. */
		if (lease == -1 && strncmp(mode, "fifo-", 5) == 0)
			kill(pid, SIGKILL);
		if (waitpid(pid, &status, 0) == -1) {
			perror("waitpid");
			return 2;
		}
	}
	return report(i, permitted, escapes);
}
