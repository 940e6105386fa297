/*
 * The cost of a stat call: N calls, timed, of one of
 *   name	fstatat(AT_FDCWD, path, &st, 0), a stat by name;
 *   empty	fstatat(fd, "", &st, AT_EMPTY_PATH), what the C library's fstat() makes;
 *   null	newfstatat(fd, NULL, &st, AT_EMPTY_PATH), the form the kernel (6.11 and later)
 *		takes for an fstat, and the one the filter can allow by itself;
 *   statx	statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx).
 * Prints microseconds per call, and the last call's inode number, so that a test can compare
 * it with the file's. Usage: statloop N path name|empty|null|statx
 */

#include <sys/stat.h>
#include <sys/syscall.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec	 a, b;
	struct stat	 st;
	struct statx	 stx;
	const char	*path, *how;
	int		 n, i, fd, rc = 0;
	double		 us;

	if (argc != 4) {
		fprintf(stderr, "usage: statloop N path name|empty|null|statx\n");
		return 2;
	}
	n = atoi(argv[1]);
	path = argv[2];
	how = argv[3];
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		perror(path);
		return 1;
	}
	memset(&st, 0, sizeof(st));
	memset(&stx, 0, sizeof(stx));
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n && rc == 0; i++) {
		if (strcmp(how, "name") == 0)
			rc = fstatat(AT_FDCWD, path, &st, 0);
		else if (strcmp(how, "empty") == 0)
			rc = fstatat(fd, "", &st, AT_EMPTY_PATH);
		else if (strcmp(how, "statx") == 0)
			rc = statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx);
		else
			rc = (int)syscall(SYS_newfstatat, fd, NULL, &st, AT_EMPTY_PATH);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (rc == -1) {
		perror("statloop");
		return 1;
	}
	us = ((double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3) / n;
	printf("statloop: %d %s stats of %s: %.2f us each, inode %llu\n", n, how, path, us,
	    strcmp(how, "statx") == 0 ? (unsigned long long)stx.stx_ino :
	    (unsigned long long)st.st_ino);
	return 0;
}
