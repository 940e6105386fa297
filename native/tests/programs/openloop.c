/*
 * The cost of one notified call: N open+close pairs of one file, timed. Prints microseconds
 * per pair, so the same binary measures native and supervised runs.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec	 a, b;
	int		 n = argc > 1 ? atoi(argv[1]) : 20000, i, fd;
	const char	*path = argc > 2 ? argv[2] : "/etc/hostname";
	double		 us;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		if ((fd = open(path, O_RDONLY)) == -1) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	us = ((double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3) / n;
	printf("openloop: %d open+close of %s: %.2f us each\n", n, path, us);
	return 0;
}
