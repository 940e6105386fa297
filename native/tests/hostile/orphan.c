/*
 * An orphan running under an inherited policy: the program execs a copy of itself, PROG,
 * which a `permit[inherit]` rule (or -i) lets run under the program's own, stricter policy;
 * PROG's own policy permits what the program's forbids. PROG then forks children that fork a
 * grandchild and exit at once, before either made a notified call (fork runs in the kernel).
 * Each grandchild waits until it has another parent (the subreaper), then opens
 * DIR/forbid/secret for reading and chmods it (to the mode it has: nothing changes), and opens
 * DIR/permit/secret, which both policies permit. An escape is a forbidden call that
 * succeeded: the orphan got PROG's own policy instead of the one it inherited.
 *
 * Usage: orphan exec PROG DIR ATTEMPTS SECONDS	exec PROG run DIR ATTEMPTS SECONDS
 *        orphan both PROG DIR ATTEMPTS SECONDS	the same, after running `PROG idle` in a
 *						child first (PROG under its own policy too:
 *						an orphan's lineage cannot be told)
 *        orphan subreaper PROG DIR ATTEMPTS SECONDS	becomes a child subreaper, and runs
 *						`PROG run ...` in a child: the orphans come
 *						to it, whose policy is wider than PROG's own
 *        orphan run DIR ATTEMPTS SECONDS		the attack itself
 *        orphan idle					nothing
 */

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hostile.h"

struct shared {
	atomic_long	 done, permitted, escapes;
};

static void
orphan(const char *dir, struct shared *sh, pid_t parent)
{
	struct timespec	 tick = { 0, 100000 };
	char		 path[4096];
	int		 fd, i;

	/* Only getppid and nanosleep until the parent is gone: neither is notified. */
	for (i = 0; i < 20000 && getppid() == parent; i++)
		nanosleep(&tick, NULL);
	snprintf(path, sizeof(path), "%s/forbid/secret", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		atomic_fetch_add(&sh->escapes, 1);
		close(fd);
	}
	if (chmod(path, 0644) == 0)
		atomic_fetch_add(&sh->escapes, 1);
	snprintf(path, sizeof(path), "%s/permit/secret", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		atomic_fetch_add(&sh->permitted, 1);
		close(fd);
	}
	atomic_fetch_add(&sh->done, 1);
	_exit(0);
}

static int
attack(const char *dir, long max, double seconds)
{
	struct timespec	 tick = { 0, 100000 };
	struct budget	 b;
	struct shared	*sh;
	pid_t		 child, self;
	long		 i;
	int		 status, w;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	budget_start(&b, max, seconds);
	for (i = 0; budget_left(&b, i); i++) {
		if ((child = fork()) == -1) {
			perror("fork");
			return 2;
		}
		if (child == 0) {
			self = getpid();
			if (fork() == 0)
				orphan(dir, sh, self);
			_exit(0);
		}
		if (waitpid(child, &status, 0) == -1)
			return 2;
		/* One orphan at a time: each is a new process the supervisor has not seen. */
		for (w = 0; w < 50000 && atomic_load(&sh->done) <= i; w++)
			nanosleep(&tick, NULL);
	}
	return report(i, atomic_load(&sh->permitted), atomic_load(&sh->escapes));
}

/* The subreaper: PROG in a child, every orphan reaped; PROG's status. */
static int
subreaper(char *argv[])
{
	pid_t	 child, pid;
	int	 status, result = 2;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1) {
		perror("prctl");
		return 2;
	}
	if ((child = fork()) == 0) {
		execl(argv[2], argv[2], "run", argv[3], argv[4], argv[5], (char *)NULL);
		_exit(2);
	}
	if (child == -1)
		return 2;
	while ((pid = waitpid(-1, &status, 0)) != -1 || errno == EINTR)
		if (pid == child)
			result = WIFEXITED(status) ? WEXITSTATUS(status) : 2;
	return result;
}

int
main(int argc, char *argv[])
{
	pid_t	 child;

	if (argc == 2 && strcmp(argv[1], "idle") == 0)
		return 0;
	if (argc == 6 && strcmp(argv[1], "both") == 0) {
		if ((child = fork()) == 0) {
			execl(argv[2], argv[2], "idle", (char *)NULL);
			_exit(2);
		}
		if (child == -1 || waitpid(child, NULL, 0) == -1)
			return 2;
		argv[1] = "exec";
	}
	if (argc == 6 && strcmp(argv[1], "subreaper") == 0)
		return subreaper(argv);
	if (argc == 6 && strcmp(argv[1], "exec") == 0) {
		execl(argv[2], argv[2], "run", argv[3], argv[4], argv[5], (char *)NULL);
		perror("execl");
		return 2;
	}
	if (argc == 5 && strcmp(argv[1], "run") == 0)
		return attack(argv[2], atol(argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: orphan exec PROG DIR ATTEMPTS SECONDS | run DIR ATTEMPTS SECONDS\n");
	return 2;
}
