/*
 * bench/programs/asker.c — the prompt-latency workload of bench/desktop.mjs.
 *
 * usage: asker DIR N [GAP_MS]
 *
 * N times: writes "sysgate-bench T <i> <ms>\n" to standard output (CLOCK_REALTIME in
 * milliseconds, the clock Date.now() reads in the browser), then opens DIR/sysgate-bench-<i>,
 * a file that does not exist in a directory the program's policy does not permit: every open is
 * a new question, and the program waits in the kernel until it is answered. Then it sleeps
 * GAP_MS (default 30) so that the next question reaches a window that is at rest.
 * Only write, clock_gettime, nanosleep and exit besides the opens: all in sysgate's baseline.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
main(int argc, char *argv[])
{
	char		 path[4096], line[128];
	struct timespec	 gap;
	long		 n, gap_ms, i;
	int		 fd, len;

	if (argc < 3) {
		fprintf(stderr, "usage: asker DIR N [GAP_MS]\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 10);
	gap_ms = argc > 3 ? strtol(argv[3], NULL, 10) : 30;
	gap.tv_sec = gap_ms / 1000;
	gap.tv_nsec = (gap_ms % 1000) * 1000000L;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/sysgate-bench-%ld", argv[1], i);
		len = snprintf(line, sizeof(line), "sysgate-bench T %ld %.3f\n", i, now_ms());
		if (write(STDOUT_FILENO, line, (size_t)len) != len)
			return 1;
		fd = open(path, O_RDONLY);
		if (fd >= 0)
			close(fd);
		if (gap_ms > 0)
			nanosleep(&gap, NULL);
	}
	len = snprintf(line, sizeof(line), "sysgate-bench done\n");
	if (write(STDOUT_FILENO, line, (size_t)len) != len)
		return 1;
	return 0;
}
