/*
 * Opens files with the flags named, and says what came of each: `opener ro+t FILE` opens FILE
 * O_RDONLY|O_TRUNC. Flags: ro, wo, rw, then c (O_CREAT), t (O_TRUNC), x (O_EXCL). Prints
 * "FILE: ok" or "FILE: " and the error, one line each; exits 1 when any open failed.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
flags_of(const char *s)
{
	int	 flags;

	if (strncmp(s, "ro", 2) == 0)
		flags = O_RDONLY;
	else if (strncmp(s, "wo", 2) == 0)
		flags = O_WRONLY;
	else if (strncmp(s, "rw", 2) == 0)
		flags = O_RDWR;
	else
		return -1;
	for (s += 2; *s != '\0'; s++) {
		if (*s == 'c')
			flags |= O_CREAT;
		else if (*s == 't')
			flags |= O_TRUNC;
		else if (*s == 'x')
			flags |= O_EXCL;
		else if (*s != '+')
			return -1;
	}
	return flags;
}

int
main(int argc, char *argv[])
{
	int	 i, fd, flags, failed = 0;

	for (i = 1; i + 1 < argc; i += 2) {
		if ((flags = flags_of(argv[i])) == -1) {
			fprintf(stderr, "opener: %s: not flags\n", argv[i]);
			return 2;
		}
		if ((fd = open(argv[i + 1], flags, 0644)) == -1) {
			printf("%s: %s\n", argv[i + 1], strerror(errno));
			failed = 1;
			continue;
		}
		printf("%s: ok\n", argv[i + 1]);
		close(fd);
	}
	return failed;
}
