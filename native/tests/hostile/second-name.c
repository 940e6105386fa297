/*
 * The second name of a call that names two files: with a policy that permits writing under
 * DIR/permit alone (as learned for a program that writes there), tries to rename a permitted
 * file over DIR/forbid/secret, to exchange the two (RENAME_EXCHANGE), and to link a permitted
 * file into DIR/forbid. Each is decided by its first name, which the policy permits, unless
 * its second name is decided too. A rename within DIR/permit, which the policy permits, is
 * counted as permitted. An escape is an attempt after which DIR/forbid is not as it was.
 *
 * Usage: second-name DIR ATTEMPTS SECONDS
 */

#include <sys/stat.h>
#include <sys/syscall.h>

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "hostile.h"

#ifndef SYS_renameat2
#define SYS_renameat2		316
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE		(1 << 1)
#endif

static char	 permitted_file[PATH_MAX], moved[PATH_MAX], secret[PATH_MAX], linked[PATH_MAX];
static ino_t	 forbidden;

/* Whether DIR/forbid is not as it was: its secret replaced, or a name linked into it. */
static int
changed(void)
{
	struct stat	 st;

	return stat(secret, &st) == -1 || st.st_ino != forbidden || lstat(linked, &st) == 0;
}

int
main(int argc, char **argv)
{
	struct budget	 b;
	struct stat	 st;
	long		 i, permitted = 0, escapes = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: second-name DIR ATTEMPTS SECONDS\n");
		return 2;
	}
	snprintf(permitted_file, sizeof(permitted_file), "%s/permit/secret", argv[1]);
	snprintf(moved, sizeof(moved), "%s/permit/moved", argv[1]);
	snprintf(secret, sizeof(secret), "%s/forbid/secret", argv[1]);
	snprintf(linked, sizeof(linked), "%s/forbid/linked", argv[1]);
	if (stat(secret, &st) == -1) {
		perror("stat");
		return 2;
	}
	forbidden = st.st_ino;
	budget_start(&b, atol(argv[2]), atof(argv[3]));
	for (i = 0; budget_left(&b, i); i++) {
		switch (i % 4) {
		case 0:
			rename(permitted_file, secret);
			break;
		case 1:
			syscall(SYS_renameat2, AT_FDCWD, permitted_file, AT_FDCWD, secret,
			    RENAME_EXCHANGE);
			break;
		case 2:
			link(permitted_file, linked);
			break;
		case 3:
			if (rename(permitted_file, moved) == 0 && rename(moved, permitted_file) == 0)
				permitted++;
			break;
		}
		if (changed()) {
			escapes++;
			i++;
			break;
		}
	}
	return report(i, permitted, escapes);
}
