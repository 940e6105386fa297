/*
 * Killing the traced tree: every process the supervisor knows and every descendant it never
 * saw (process creation is not notified), when the host is lost under --on-host-loss kill,
 * when the supervisor is asked to stop, and when the host says `kill`. Nothing traced may
 * outlive the supervisor's watch.
 */

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>

#include "control.h"
#include "credentials.h"
#include "kill.h"

static void
kill_known(struct sg_process *p, void *arg)
{
	(void)arg;
	kill(p->pid, SIGKILL);
}

static pid_t
parent_of(pid_t pid)
{
	struct sg_status	 st;

	if (sg_status_read(pid, &st) == -1)
		return -1;
	return st.ppid;
}

/*
 * Whether pid descends from the supervisor but not from the host it started (which is not
 * traced); the tree is short, so the walk is bounded.
 */
static int
descends_from(pid_t pid, pid_t ancestor, pid_t host)
{
	int	 depth;

	for (depth = 0; depth < 256 && pid > 1; depth++) {
		if (host > 0 && pid == host)
			return 0;
		if ((pid = parent_of(pid)) == ancestor)
			return 1;
	}
	return 0;
}

void
sg_kill_tree(struct sg_supervisor *s)
{
	sg_process_each(kill_known, NULL);
	/* Descendants that never made a notified call are not in the table: find them. */
	sg_kill_descendants(s);
}

void
sg_kill_descendants(const struct sg_supervisor *s)
{
	DIR		*d;
	struct dirent	*e;
	pid_t		 pid;
	int		 round;

	for (round = 0; round < 3; round++) {
		if ((d = opendir("/proc")) == NULL)
			return;
		while ((e = readdir(d)) != NULL) {
			pid = (pid_t)atoi(e->d_name);
			if (pid > 1 && pid != s->self && descends_from(pid, s->self, s->host))
				kill(pid, SIGKILL);
		}
		closedir(d);
	}
}

/* A signal other than SIGKILL (the desktop's Stop) goes to the processes the supervisor knows. */
static void
signal_known(struct sg_process *p, void *arg)
{
	if (!p->exited)
		kill(p->pid, (int)*(unsigned long *)arg);
}

void
sg_kill_requested(struct sg_supervisor *s, const struct sg_frame *f)
{
	unsigned long		 pid;
	struct sg_process	*p;

	unsigned long		 sig = SIGKILL;

	if (sg_frame_get(f, "signal") != NULL &&
	    (sg_field_ulong(sg_frame_get(f, "signal"), &sig) == -1 || sig == 0 || sig >= NSIG)) {
		sg_control_error("kill: bad signal", 0);
		return;
	}
	if (sg_frame_get(f, "pid") == NULL) {
		if (sig == SIGKILL)
			sg_kill_tree(s);
		else
			sg_process_each(signal_known, &sig);
		return;
	}
	if (sg_field_ulong(sg_frame_get(f, "pid"), &pid) == -1 ||
	    (p = sg_process_find((pid_t)pid)) == NULL || p->exited) {
		sg_control_error("kill: no such traced process", 0);
		return;
	}
	kill(p->pid, (int)sig);
}
