/*
 * A directory swapped for a symbolic link in a tight loop: DIR/permit/d is a real directory
 * holding a decoy `secret`, DIR/permit/l a link to DIR/forbid, and a second thread exchanges
 * the two names (renameat2 RENAME_EXCHANGE) as fast as it can while the main thread makes the
 * call on DIR/permit/d/secret. A supervisor that checks the name and lets the kernel look it up
 * again may have checked the decoy and let the kernel reach DIR/forbid/secret.
 *
 * Usage: symlink-swap CALL DIR INODE ATTEMPTS SECONDS; CALL one of open, stat, unlink, rename,
 * chmod, truncate; INODE is DIR/forbid/secret's inode number.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "hostile.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE	(1 << 1)
#endif

static char	 d[PATH_MAX / 2], l[PATH_MAX / 2], path[PATH_MAX], place[PATH_MAX];
static atomic_int stop;

static void *
swap_loop(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		renameat2(AT_FDCWD, d, AT_FDCWD, l, RENAME_EXCHANGE);
	return NULL;
}

/* The decoy, found through a descriptor of the real directory wherever its name is now. */
static int	 real;

static void
restore_decoy(void)
{
	int	 fd;

	if ((fd = openat(real, "secret", O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    write(fd, "x", 1) != 1 || close(fd) == -1) {
		perror("decoy");
		exit(2);
	}
}

static int
decoy(struct stat *st)
{
	return fstatat(real, "secret", st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* As race-path's: 1 escaped, 0 succeeded on the permitted side, -1 failed. */
static int
attempt(const char *call, ino_t forbidden)
{
	struct stat	 st;
	int		 fd, escaped = -1;

	if (strcmp(call, "open") == 0) {
		if ((fd = open(path, O_RDONLY)) != -1) {
			escaped = fstat(fd, &st) == 0 && st.st_ino == forbidden;
			close(fd);
		}
	} else if (strcmp(call, "stat") == 0) {
		if (stat(path, &st) == 0)
			escaped = st.st_ino == forbidden;
	} else if (strcmp(call, "unlink") == 0) {
		if (unlink(path) == 0) {
			escaped = decoy(&st);
			restore_decoy();
		}
	} else if (strcmp(call, "rename") == 0) {
		if (rename(path, place) == 0) {
			escaped = decoy(&st);
			if (!escaped && renameat(AT_FDCWD, place, real, "secret") == -1)
				perror("rename back");
		}
	} else if (strcmp(call, "chmod") == 0) {
		if (fchmodat(real, "secret", 0644, 0) == -1)
			perror("fchmodat");
		if (chmod(path, 0600) == 0)
			escaped = decoy(&st) && (st.st_mode & 0777) == 0644;
	} else if (strcmp(call, "truncate") == 0) {
		if (truncate(path, 0) == 0) {
			escaped = decoy(&st) && st.st_size != 0;
			restore_decoy();
		}
	} else {
		fprintf(stderr, "symlink-swap: no such call: %s\n", call);
		exit(2);
	}
	return escaped;
}

int
main(int argc, char *argv[])
{
	struct budget	 b;
	pthread_t	 t;
	long		 i, escapes = 0, permitted = 0;
	ino_t		 forbidden;
	int		 rc;

	if (argc != 6) {
		fprintf(stderr, "usage: symlink-swap CALL DIR INODE ATTEMPTS SECONDS\n");
		return 2;
	}
	snprintf(d, sizeof(d), "%s/permit/d", argv[2]);
	snprintf(l, sizeof(l), "%s/permit/l", argv[2]);
	snprintf(path, sizeof(path), "%s/secret", d);
	snprintf(place, sizeof(place), "%s/permit/placed", argv[2]);
	forbidden = (ino_t)strtoull(argv[3], NULL, 10);
	if ((real = open(d, O_RDONLY | O_DIRECTORY)) == -1) {
		perror(d);
		return 2;
	}
	budget_start(&b, atol(argv[4]), atof(argv[5]));
	if (pthread_create(&t, NULL, swap_loop, NULL) != 0) {
		perror("pthread_create");
		return 2;
	}
	for (i = 0; budget_left(&b, i); i++) {
		if ((rc = attempt(argv[1], forbidden)) == 1)
			escapes++;
		else if (rc == 0)
			permitted++;
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	return report(i, permitted, escapes);
}
