/*
 * The race on execve: in a fresh child each time, a second thread flips the name given to
 * execve between DIR/permit/prog and DIR/forbid/prog (copies of exec-target, a dynamic
 * program) while the child's main thread calls execve. The target exits with 42 when it is
 * the forbidden one: an escape. A child killed before its main() ran (the supervisor saw that
 * the program that ran was not the one permitted) is neither. With `argv`, the name stays
 * DIR/permit/prog and the flipped thing is its argument, "permit" or "forbid".
 *
 * Usage: race-exec path|argv DIR ATTEMPTS SECONDS
 */

#include <sys/wait.h>

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include "hostile.h"

int
main(int argc, char *argv[])
{
	static char	 permit_path[PATH_MAX / 2], forbid_path[PATH_MAX / 2], buf[PATH_MAX / 2];
	static char	 arg[8] = "permit";
	char *const	 args[] = { "prog", arg, NULL };
	int		 by_argv;
	struct budget	 b;
	struct flipper	 f;
	long		 i, escapes = 0, permitted = 0;
	pid_t		 pid;
	int		 status;

	if (argc != 5) {
		fprintf(stderr, "usage: race-exec path|argv DIR ATTEMPTS SECONDS\n");
		return 2;
	}
	by_argv = strcmp(argv[1], "argv") == 0;
	snprintf(permit_path, sizeof(permit_path), "%s/permit/prog", argv[2]);
	snprintf(forbid_path, sizeof(forbid_path), "%s/forbid/prog", argv[2]);
	budget_start(&b, atol(argv[3]), atof(argv[4]));
	for (i = 0; budget_left(&b, i); i++) {
		if ((pid = fork()) == -1) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
			memcpy(buf, permit_path, strlen(permit_path) + 1);
			if (by_argv)
				flip_start(&f, arg, "permit", "forbid", 7);
			else
				flip_start(&f, buf, permit_path, forbid_path, strlen(permit_path) + 1);
			execve(buf, args, NULL);
			_exit(1);
		}
		if (waitpid(pid, &status, 0) == -1) {
			perror("waitpid");
			return 2;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 42)
			escapes++;
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			permitted++;
	}
	return report(i, permitted, escapes);
}
