/*
 * The descriptor's form of systrace's classic attack: a second thread keeps putting the
 * permitted file (DIR/permit/secret) and then the forbidden one (DIR/forbid/secret) on one
 * descriptor number with dup2 while the main thread changes the file behind that number,
 * hoping that the supervisor decides on one file and the kernel acts on the other.
 *
 * Usage: race-fd CALL DIR ATTEMPTS SECONDS, CALL one of
 *   fchmod	fchmod(N, 0600 or 0640): the forbidden file must keep its mode, 0644
 *   futimens	futimens(N, a time in 1980): the forbidden file must keep its times
 *   utimensat	utimensat(N, "", a time in 1980, AT_EMPTY_PATH): the same, by "" (named so)
 * An attempt seen to change the permitted file counts as permitted; one seen to change the
 * forbidden file is an escape.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "hostile.h"

#define SLOT	100

static int		 permit_fd, forbid_fd;
static atomic_int	 stop;

static void *
swap_files(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		dup2(permit_fd, SLOT);
		dup2(forbid_fd, SLOT);
	}
	return NULL;
}

static int
open_side(const char *dir, const char *side)
{
	char	 path[PATH_MAX];
	int	 fd;

	snprintf(path, sizeof(path), "%s/%s/secret", dir, side);
	if ((fd = open(path, O_RDONLY)) == -1) {
		perror(path);
		exit(2);
	}
	return fd;
}

int
main(int argc, char *argv[])
{
	struct timespec	 old[2] = { { 315532800, 0 }, { 315532800, 0 } };
	struct budget	 b;
	struct stat	 before, st;
	pthread_t	 thread;
	const char	*call;
	long		 i, escapes = 0, permitted = 0;
	mode_t		 mode;

	if (argc != 5) {
		fprintf(stderr, "usage: race-fd CALL DIR ATTEMPTS SECONDS\n");
		return 2;
	}
	call = argv[1];
	if (strcmp(call, "fchmod") != 0 && strcmp(call, "futimens") != 0 &&
	    strcmp(call, "utimensat") != 0) {
		fprintf(stderr, "race-fd: no such call: %s\n", call);
		return 2;
	}
	permit_fd = open_side(argv[2], "permit");
	forbid_fd = open_side(argv[2], "forbid");
	if (fstat(forbid_fd, &before) == -1 || dup2(permit_fd, SLOT) == -1) {
		perror("race-fd");
		return 2;
	}
	if (pthread_create(&thread, NULL, swap_files, NULL) != 0) {
		fprintf(stderr, "race-fd: pthread_create failed\n");
		return 2;
	}
	budget_start(&b, atol(argv[3]), atof(argv[4]));
	for (i = 0; budget_left(&b, i); i++) {
		mode = i % 2 == 0 ? 0600 : 0640;
		if (strcmp(call, "fchmod") == 0) {
			if (fchmod(SLOT, mode) == 0 && fstat(permit_fd, &st) == 0 &&
			    (st.st_mode & 07777) == mode)
				permitted++;
		} else if ((strcmp(call, "futimens") == 0 ? futimens(SLOT, old) :
		    utimensat(SLOT, "", old, AT_EMPTY_PATH)) == 0 && fstat(permit_fd, &st) == 0 &&
		    st.st_mtim.tv_sec == old[0].tv_sec) {
			permitted++;
		}
		if (fstat(forbid_fd, &st) == 0 && (st.st_mode != before.st_mode ||
		    st.st_mtim.tv_sec != before.st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != before.st_mtim.tv_nsec)) {
			escapes++;
			break;
		}
	}
	atomic_store(&stop, 1);
	pthread_join(thread, NULL);
	return report(i + (escapes > 0), permitted, escapes);
}
