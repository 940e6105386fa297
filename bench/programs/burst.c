/*
 * bench/programs/burst.c — the burst workload of bench/desktop.mjs.
 *
 * usage: burst DIR THREADS
 *
 * Starts THREADS threads (small stacks), holds them at a barrier until every one exists, writes
 * "sysgate-bench B <threads> <ms>\n" (CLOCK_REALTIME in milliseconds) and lets them go: each
 * opens its own missing file DIR/burst-<i>, so THREADS different questions arrive at once and
 * each thread waits in the kernel for its answer. The threads need clone/clone3 permitted by the
 * program's policy (bench/desktop.mjs writes one); the opens are left to ask. The program ends
 * when every open is answered, or when it is killed.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_barrier_t	 go;
static const char		*dir;

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void *
opener(void *arg)
{
	char	 path[4096];
	long	 i = (long)arg;
	int	 fd;

	snprintf(path, sizeof(path), "%s/burst-%ld", dir, i);
	pthread_barrier_wait(&go);
	fd = open(path, O_RDONLY);
	if (fd >= 0)
		close(fd);
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_attr_t	 attr;
	pthread_t	*threads;
	char		 line[128];
	long		 n, i, made;
	int		 len, error;

	if (argc < 3) {
		fprintf(stderr, "usage: burst DIR THREADS\n");
		return 2;
	}
	dir = argv[1];
	n = strtol(argv[2], NULL, 10);
	if (n < 1 || (threads = calloc((size_t)n, sizeof(*threads))) == NULL)
		return 2;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_barrier_init(&go, NULL, (unsigned)n + 1);
	for (made = 0; made < n; made++) {
		if ((error = pthread_create(&threads[made], &attr, opener, (void *)made)) != 0) {
			len = snprintf(line, sizeof(line), "sysgate-bench E thread %ld: %s\n", made,
			    strerror(error));
			(void)!write(STDERR_FILENO, line, (size_t)len);
			return 1;
		}
	}
	len = snprintf(line, sizeof(line), "sysgate-bench B %ld %.3f\n", n, now_ms());
	(void)!write(STDOUT_FILENO, line, (size_t)len);
	pthread_barrier_wait(&go);
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	len = snprintf(line, sizeof(line), "sysgate-bench done\n");
	(void)!write(STDOUT_FILENO, line, (size_t)len);
	return 0;
}
