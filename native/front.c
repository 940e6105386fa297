/*
 * sysgate's front door (PROTOCOL.md, "Run plans"): a run whose plan holds runs here, in C,
 * with the supervisor in this very process; any other run goes to Node.js, as if this program
 * were not there.
 */

#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "options.h"
#include "plan.h"
#include "session.h"

static int	 explain;	/* SYSGATE_EXPLAIN_START=1: say how the run started */

/*
 * The descriptors above the standard three that Node.js will be started with, for it to
 * hand them to the command (SYSGATE_INHERITED_FDS): it marks every descriptor it finds
 * close-on-exec, and then cannot tell them from its own, yet the command must get them as a
 * plan's run gives them. Those open now without close-on-exec are the ones this process was
 * given that survive the exec (its own are all close-on-exec).
 */
static void
note_inherited(void)
{
	static char	 inherited[4096];	/* "3,7" */
	DIR		*d;
	struct dirent	*e;
	size_t		 len = 0;
	int		 fd, n, flags;

	unsetenv("SYSGATE_INHERITED_FDS");
	if ((d = opendir("/proc/self/fd")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd < 3 || fd == dirfd(d) ||
		    (flags = fcntl(fd, F_GETFD)) == -1 || (flags & FD_CLOEXEC))
			continue;
		n = snprintf(inherited + len, sizeof(inherited) - len, "%s%d", len ? "," : "", fd);
		if (n < 0 || (size_t)n >= sizeof(inherited) - len)
			break;
		len += (size_t)n;
	}
	closedir(d);
	if (len > 0)
		setenv("SYSGATE_INHERITED_FDS", inherited, 1);
}

/* Node.js with bin/sysgate.js and the same arguments; never returns. */
static void
fall_back(int argc, char *argv[], const char *why)
{
	char	**hv;

	if (explain)
		fprintf(stderr, "sysgate: start: no plan: %s\n", why);
	note_inherited();
	if ((hv = sg_host_argv(argc, argv)) == NULL) {
		fprintf(stderr, "sysgate: cannot find bin/sysgate.js from /proc/self/exe: %s\n",
		    strerror(errno));
		exit(127);
	}
	execvp(hv[0], hv);
	fprintf(stderr, "sysgate: cannot execute %s (Node.js; SYSGATE_NODE names another): %s\n",
	    hv[0], strerror(errno));
	exit(127);
}

/* The plan's options and command as the supervisor's command line, checked as from a host. */
static int
supervisor_options(const struct sg_plan *plan, int fd, struct sg_options *opt, char *why,
    size_t whysize)
{
	static char	 name[] = "sysgate", control[] = "--control-fd", end[] = "--";
	static char	 fdtext[16];
	char		 err[256], **av;
	size_t		 n = 0, i;

	if ((av = calloc(plan->options.n + plan->command.n + 5, sizeof(*av))) == NULL) {
		snprintf(why, whysize, "%s", strerror(errno));
		return -1;
	}
	snprintf(fdtext, sizeof(fdtext), "%d", fd);
	av[n++] = name;
	for (i = 0; i < plan->options.n; i++)
		av[n++] = plan->options.v[i];
	av[n++] = control;
	av[n++] = fdtext;
	av[n++] = end;
	for (i = 0; i < plan->command.n; i++)
		av[n++] = plan->command.v[i];
	if (sg_options_parse((int)n, av, opt, err, sizeof(err)) == -1) {
		snprintf(why, whysize, "%s: %s", plan->path, err);
		return -1;
	}
	/*
	 * Only what a run takes: the pair, no other socket (a --control-fd of the plan's is
	 * overridden by the pair's, given last), nothing printed instead of a run, and other ids
	 * only for root, as the supervisor's own main checks.
	 */
	if (opt->control_socket != NULL || opt->print_baseline || opt->version ||
	    opt->peer_credentials || (opt->run_as && geteuid() != 0)) {
		snprintf(why, whysize, "%s: options a run from a plan does not take", plan->path);
		return -1;
	}
	return 0;
}

/* The plan's `say` texts, as the host would have written them before the command started. */
static void
say(const struct sg_plan *plan)
{
	const char	*p;
	size_t		 i, left;
	ssize_t		 n;

	for (i = 0; i < plan->nsays; i++) {
		p = plan->says[i].text;
		for (left = plan->says[i].len; left > 0; left -= (size_t)n, p += n) {
			if ((n = write(STDERR_FILENO, p, left)) == -1 && errno == EINTR)
				n = 0;
			else if (n <= 0)
				return;
		}
	}
}

int
main(int argc, char *argv[])
{
	static struct sg_plan	 plan;
	struct sg_options	 opt;
	struct sg_planned	 run;
	char			 why[PATH_MAX + 512];
	const char		*e = getenv("SYSGATE_EXPLAIN_START");
	int			 pair[2];

	explain = e != NULL && strcmp(e, "1") == 0;
	if (sg_plan_load(argc, argv, &plan, why, sizeof(why)) == -1)
		fall_back(argc, argv, why);
	/* Both ends close on exec: the command must never hold the host's end. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == -1) {
		snprintf(why, sizeof(why), "socketpair: %s", strerror(errno));
		fall_back(argc, argv, why);
	}
	if (supervisor_options(&plan, pair[0], &opt, why, sizeof(why)) == -1)
		fall_back(argc, argv, why);
	if ((run.host_argv = sg_host_argv(argc, argv)) == NULL) {
		snprintf(why, sizeof(why), "bin/sysgate.js: %s", strerror(errno));
		fall_back(argc, argv, why);
	}
	run.preamble = plan.preamble;
	run.len = plan.preamble_len;
	run.host_fd = pair[1];
	run.explain = explain;
	if (explain)
		fprintf(stderr, "sysgate: start: from plan %s\n", plan.path);
	say(&plan);
	return sg_session_run(&opt, &run);
}
