/*
 * A traced program with some family: it starts threads that open files, forks children that
 * do the same, one of which executes /bin/true, and waits for all. Exits 0 only when every
 * open succeeded and every child exited 0.
 */

#include <sys/wait.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define THREADS	4
#define CHILDREN 3
#define OPENS	20

static void *
opener(void *arg)
{
	const char	*path = arg;
	int		 i, fd;

	for (i = 0; i < OPENS; i++) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			perror(path);
			return (void *)1;
		}
		close(fd);
	}
	return NULL;
}

static int
threads(void)
{
	pthread_t	 t[THREADS];
	void		*res;
	int		 i, bad = 0;

	for (i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, opener, i % 2 ? "/etc/hostname" : "/etc/passwd"))
			return 1;
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &res);
		bad |= res != NULL;
	}
	return bad;
}

int
main(void)
{
	pid_t	 pids[CHILDREN];
	int	 i, status, bad = 0;

	for (i = 0; i < CHILDREN; i++) {
		if ((pids[i] = fork()) == -1)
			return 1;
		if (pids[i] == 0) {
			if (i == CHILDREN - 1) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			_exit(threads());
		}
	}
	bad |= threads();
	for (i = 0; i < CHILDREN; i++) {
		if (waitpid(pids[i], &status, 0) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			bad = 1;
	}
	printf("forker: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
