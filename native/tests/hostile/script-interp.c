/*
 * A program that may write and run a script tries to run a program the policy does not let
 * it run, by naming it in the script's `#!` line: the interpreter is an execution of its own.
 * DIR/permit/prog and DIR/forbid/prog are copies of interp-target (42: the forbidden one
 * ran); the policy permits running DIR/permit/script, DIR/permit/inner and DIR/permit/prog.
 * Each attempt forks a child that runs DIR/permit/script, whose first line is, by mode:
 *
 *   line    #!DIR/permit/prog and #!DIR/forbid/prog in turn, written before each attempt,
 *           the forbidden line every other time without its newline (the kernel reads
 *           the name up to the end of the file);
 *   race    #!DIR/permit/prog, replaced by a script whose line is #!DIR/forbid/prog and
 *           back by a second thread all the time (renamed over it: a script open for
 *           writing cannot be run, ETXTBSY), so that the kernel reads another first line
 *           than the one checked;
 *   nested  #!DIR/permit/prog and #!DIR/permit/inner in turn, inner a script itself whose
 *           line is #!DIR/forbid/prog (an interpreter that is a script).
 *
 * An attempt whose child exits 42 is an escape; 0 ran the permitted interpreter; a child
 * killed, or whose exec failed, is neither.
 *
 * Usage: script-interp line|race|nested DIR ATTEMPTS SECONDS
 */

#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include "hostile.h"

static char	 permit_line[PATH_MAX / 2], forbid_line[PATH_MAX / 2], inner_line[PATH_MAX / 2];
static char	 script[PATH_MAX / 2], bare[PATH_MAX / 2];
static atomic_int stop;

static int
put(const char *path, const char *line)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755)) == -1) {
		perror(path);
		return -1;
	}
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		perror("write");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The second thread of the race: the script replaced by one or the other, over and over. */
static void *
rewrite_loop(void *arg)
{
	char	 tmp[PATH_MAX / 2 + 8];

	(void)arg;
	snprintf(tmp, sizeof(tmp), "%s.new", script);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		if (put(tmp, forbid_line) == 0)
			rename(tmp, script);
		if (put(tmp, permit_line) == 0)
			rename(tmp, script);
	}
	return NULL;
}

int
main(int argc, char *argv[])
{
	char *const	 args[] = { "script", NULL };
	char		 inner[PATH_MAX / 2];
	const char	*mode;
	struct budget	 b;
	pthread_t	 writer;
	long		 i, escapes = 0, permitted = 0;
	pid_t		 pid;
	int		 status, racing = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: script-interp line|race|nested DIR ATTEMPTS SECONDS\n");
		return 2;
	}
	mode = argv[1];
	/* Lines of the same length: a rewrite in place leaves no tail of the other. */
	snprintf(permit_line, sizeof(permit_line), "#!%s/permit/prog\n", argv[2]);
	snprintf(forbid_line, sizeof(forbid_line), "#!%s/forbid/prog\n", argv[2]);
	snprintf(inner_line, sizeof(inner_line), "#!%s/permit/inner\n", argv[2]);
	snprintf(bare, sizeof(bare), "#!%s/forbid/prog", argv[2]);
	snprintf(script, sizeof(script), "%s/permit/script", argv[2]);
	snprintf(inner, sizeof(inner), "%s/permit/inner", argv[2]);
	if (put(script, permit_line) == -1 || put(inner, forbid_line) == -1)
		return 2;
	if (strcmp(mode, "race") == 0) {
		if (pthread_create(&writer, NULL, rewrite_loop, NULL) != 0) {
			perror("race");
			return 2;
		}
		racing = 1;
	}
	budget_start(&b, atol(argv[3]), atof(argv[4]));
	for (i = 0; budget_left(&b, i); i++) {
		if (strcmp(mode, "line") == 0 &&
		    put(script, i % 2 == 0 ? permit_line : i % 4 == 1 ? forbid_line : bare) == -1)
			return 2;
		if (strcmp(mode, "nested") == 0 &&
		    put(script, i % 2 == 0 ? permit_line : inner_line) == -1)
			return 2;
		if ((pid = fork()) == -1) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
			execve(script, args, NULL);
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
	if (racing) {
		atomic_store(&stop, 1);
		pthread_join(writer, NULL);
	}
	return report(i, permitted, escapes);
}
