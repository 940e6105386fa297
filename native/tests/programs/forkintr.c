/*
 * Forks many children while a SIGCHLD handler installed without SA_RESTART runs as each ends,
 * the way a shell does. Natively fork never fails with EINTR (the kernel restarts it); under
 * a supervisor that is notified of fork, a signal reaching the caller before the notification
 * is read ended the wait with EINTR. Prints how many forks failed and exits 1 if any did.
 * Usage: forkintr [count] (2000 by default).
 */

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t reaped;

static void
on_child(int sig)
{
	int	 saved = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		reaped++;
	errno = saved;
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	long		 i, count = argc > 1 ? atol(argv[1]) : 2000, failed = 0, other = 0;
	pid_t		 pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: an interrupted call fails with EINTR */
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		return 2;
	/* One call a policy must permit: learning writes one, enforcing reads it. */
	if ((i = open("/etc/hostname", O_RDONLY | O_CLOEXEC)) == -1)
		return 2;
	close((int)i);
	for (i = 0; i < count; i++) {
		if ((pid = fork()) == 0)
			_exit(0);
		if (pid == -1) {
			if (errno == EINTR)
				failed++;
			else
				other++;
		}
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	printf("forks: %ld, EINTR: %ld, other failures: %ld\n", count, failed, other);
	return failed || other ? 1 : 0;
}
