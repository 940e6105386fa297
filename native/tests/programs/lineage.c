/*
 * A grandchild created without a notified call between: the program forks a child that makes
 * no notified call and forks a grandchild, which opens FILE and prints whether it could.
 *
 * Usage: lineage walk FILE	the child waits for the grandchild (the chain is alive: the
 *				grandchild's parent is unknown to the supervisor, its grandparent
 *				known)
 *        lineage orphan FILE	the child exits at once; the grandchild waits until it has
 *				another parent (the subreaper), then opens (the chain is broken)
 *
 * Prints "grandchild: opened" or "grandchild: refused (ERRNO)"; exits 0 when that line was
 * printed.
 */

#include <sys/mman.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
grandchild(const char *file, volatile int *done)
{
	char	 line[128];
	int	 fd, n;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) != -1)
		n = snprintf(line, sizeof(line), "grandchild: opened\n");
	else
		n = snprintf(line, sizeof(line), "grandchild: refused (%s)\n", strerror(errno));
	if (write(1, line, (size_t)n) != n)
		_exit(1);
	*done = 1;
	_exit(0);
}

int
main(int argc, char *argv[])
{
	struct timespec	 tick = { 0, 1000000 };
	volatile int	*done;
	pid_t		 child, parent;
	int		 orphan, status, i;

	if (argc != 3 || (strcmp(argv[1], "walk") != 0 && strcmp(argv[1], "orphan") != 0)) {
		fprintf(stderr, "usage: lineage walk|orphan FILE\n");
		return 2;
	}
	orphan = strcmp(argv[1], "orphan") == 0;
	done = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (done == MAP_FAILED)
		return 2;
	fflush(stdout);
	/* Only fork, getppid, nanosleep, wait4 and exit below: none of them is notified. */
	if ((child = fork()) == 0) {
		parent = getppid();
		if (fork() == 0) {
			while (orphan && getppid() == parent)
				nanosleep(&tick, NULL);
			grandchild(argv[2], done);
		}
		if (!orphan)
			wait(NULL);
		_exit(0);
	}
	if (child == -1 || waitpid(child, &status, 0) == -1)
		return 2;
	for (i = 0; i < 5000 && !*done; i++)
		nanosleep(&tick, NULL);
	return *done ? 0 : 1;
}
