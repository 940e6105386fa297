/*
 * A file without a name: open(DIR, O_TMPFILE | O_RDWR), written, then given a name with
 * linkat of its /proc/self/fd link (as the open(2) manual page does it). Prints "ok", or the
 * step that failed. Usage: tmpfile DIR NAME
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char	 link[64];
	int	 fd;

	if (argc != 3) {
		fprintf(stderr, "usage: tmpfile DIR NAME\n");
		return 2;
	}
	if ((fd = open(argv[1], O_TMPFILE | O_RDWR, 0600)) == -1) {
		printf("open O_TMPFILE: %s\n", strerror(errno));
		return 1;
	}
	if (write(fd, "hello", 5) != 5) {
		printf("write: %s\n", strerror(errno));
		return 1;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, link, AT_FDCWD, argv[2], AT_SYMLINK_FOLLOW) == -1) {
		printf("linkat: %s\n", strerror(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}
