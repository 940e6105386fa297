/*
 * Lineage: which process a notified call comes from and which policy it runs under. Process
 * creation is not notified, so a process is first seen at its first notified call, and
 * inherits the policy of its nearest known ancestor; an orphan whose chain of parents is
 * broken is given the one policy its executable ran under (the runs noted here), or none.
 * The process table itself is process.c's.
 */

#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "exec.h"
#include "lineage.h"
#include "policy.h"
#include "record.h"

#define RUN_BUCKETS	1024

/*
 * The policies each executable ran under. Never forgotten (an orphan can turn up long after
 * its ancestors are gone, and pruned from the table); bounded, and once full every orphan's
 * lineage is lost (after an inherited policy: sg_runs_lineage).
 */
#define RUNS_MAX	65536

struct run {
	dev_t		 dev;
	ino_t		 ino;
	char		*policy;	/* NULL: the executable's own */
	struct run	*next;
};
static struct run *runs[RUN_BUCKETS];
static size_t nruns;
static int runs_full, runs_inherited;

static unsigned
run_bucket(dev_t dev, ino_t ino)
{
	return (unsigned)((uint64_t)dev * 31 + (uint64_t)ino) % RUN_BUCKETS;
}

static int
same_policy(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

void
sg_runs_note(dev_t dev, ino_t ino, const char *exe, const char *policy)
{
	struct run	*r;
	unsigned	 b = run_bucket(dev, ino);

	if (policy != NULL && exe != NULL && strcmp(policy, exe) == 0)
		policy = NULL;
	if (policy != NULL)
		runs_inherited = 1;
	for (r = runs[b]; r != NULL; r = r->next)
		if (r->dev == dev && r->ino == ino && same_policy(r->policy, policy))
			return;
	if (nruns >= RUNS_MAX || (r = calloc(1, sizeof(*r))) == NULL ||
	    (policy != NULL && (r->policy = strdup(policy)) == NULL)) {
		free(r);
		runs_full = 1;
		return;
	}
	r->dev = dev;
	r->ino = ino;
	r->next = runs[b];
	runs[b] = r;
	nruns++;
}

/* Adds the policies noted for (dev, ino) to the one found so far; -1 on a second one. */
static int
lineage_of(dev_t dev, ino_t ino, const char *own_name, const char **found)
{
	struct run	*r;
	const char	*policy;

	for (r = runs[run_bucket(dev, ino)]; r != NULL; r = r->next) {
		if (r->dev != dev || r->ino != ino)
			continue;
		policy = r->policy != NULL ? r->policy : own_name;
		if (*found != NULL && strcmp(*found, policy) != 0)
			return -1;
		*found = policy;
	}
	return 0;
}

int
sg_runs_lineage(dev_t dev, ino_t ino, const char *own_name, const char **policy)
{
	const char	*found = NULL;

	/* Every process has had its executable's own policy: so has this one's ancestor. */
	if (!runs_inherited) {
		*policy = own_name;
		return 0;
	}
	if (runs_full || own_name[0] == '\0' || lineage_of(dev, ino, own_name, &found) == -1 ||
	    lineage_of(0, 0, own_name, &found) == -1 || found == NULL)
		return -1;
	*policy = found;
	return 0;
}

void
sg_give_policy(struct sg_supervisor *s, struct sg_process *p, const char *name)
{
	struct sg_policy *pol;

	snprintf(p->policy_name, sizeof(p->policy_name), "%s", name);
	if ((pol = sg_policy_find(name)) != NULL) {
		p->policy = pol;
		p->waiting_policy = 0;
		if (pol->detached)
			p->detached = 1;
		return;
	}
	p->policy = NULL;
	/* Learning needs no policy; without a host, none will come. */
	if (s->opt->mode == SG_MODE_LEARN || s->host_gone)
		return;
	p->waiting_policy = 1;
	sg_send_need_policy(p, name);
}

static void
watch_exit(struct sg_supervisor *s, struct sg_process *p)
{
	struct epoll_event	 ev;

	if ((p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0)) == -1)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = (SG_TAG_PROCESS << 32) | (uint32_t)p->pid;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, p->pidfd, &ev) == -1) {
		close(p->pidfd);
		p->pidfd = -1;
	}
}

/*
 * The nearest process known to the supervisor among pid and its ancestors. Process creation
 * is not notified (filter.c): a process may have been created, and may have created, without
 * the supervisor seeing it, but it ran no other program (execve is notified) and so had the
 * policy of the process it came from. An exited entry whose pid is a live parent's is
 * history (the pid was reused): a child's parent, once gone, is no longer its parent. NULL
 * when the walk reaches the supervisor or init: the chain was broken by an unseen process's
 * exit (its children went to the subreaper).
 */
struct sg_process *
sg_known_ancestor(struct sg_supervisor *s, pid_t pid)
{
	struct sg_status	 st;
	struct sg_process	*p;
	int			 depth;

	for (depth = 0; depth < 256 && pid > 1 && pid != s->self; depth++) {
		if ((p = sg_process_find(pid)) != NULL && !p->exited)
			return p;
		if (sg_status_read(pid, &st) == -1)
			return NULL;
		pid = st.ppid;
	}
	return NULL;
}

/*
 * An orphan whose chain of parents reaches no process seen: its parent exited before it made
 * a notified call, and it went to the subreaper. It runs what its nearest seen ancestor ran
 * when the chain began (every exec is notified), and so has that ancestor's policy: the one
 * every process that ran its executable had (sg_runs_lineage), its own when no policy was
 * ever inherited. Where that is not one policy (the executable ran under its own and an
 * inherited one, or under none seen: its ancestor ran another file than its exec was
 * decided on), its lineage is lost, and it fails closed: no rule permits its calls.
 */
static void
orphan_policy(struct sg_supervisor *s, struct sg_process *p)
{
	const char	*name;

	if (sg_runs_lineage(p->exe_dev, p->exe_ino, p->exe, &name) == 0) {
		sg_give_policy(s, p, name);
		return;
	}
	snprintf(p->policy_name, sizeof(p->policy_name), "%s", p->exe);
	p->policy = NULL;
	p->lost = 1;
	syslog(LOG_WARNING, "prog: %s, pid: %d: its parent exited before it was seen, and which "
	    "policy it inherited cannot be told: no rule permits its calls", p->exe, (int)p->pid);
	fprintf(stderr, "sysgate: %s (pid %d): its parent exited before it was seen, and which "
	    "policy it inherited cannot be told: no rule permits its calls\n", p->exe, (int)p->pid);
}

/*
 * Whether p, whose nearest known ancestor is a traced subreaper (PR_SET_CHILD_SUBREAPER),
 * may be its child: it could be another process's orphan, reparented to it. Only when what
 * p runs had the subreaper's policy alone (sg_runs_lineage); else it is an orphan.
 */
static int
lineage_agrees(const struct sg_process *p, const struct sg_process *parent)
{
	const char	*name;

	return sg_runs_lineage(p->exe_dev, p->exe_ino, p->exe, &name) == 0 &&
	    strcmp(name, parent->policy_name) == 0;
}

static struct sg_process *
new_process(struct sg_supervisor *s, pid_t tgid, const struct sg_status *st)
{
	struct sg_process	*p, *parent;

	if ((p = sg_process_add(tgid, st->ppid)) == NULL)
		return NULL;
	p->st = *st;
	p->ids_valid = 1;
	if (sg_exe_read(tgid, p->exe, sizeof(p->exe), &p->exe_dev, &p->exe_ino) == -1)
		p->exe[0] = '\0';
	parent = tgid == s->command ? NULL : sg_known_ancestor(s, st->ppid);
	if (tgid == s->command) {
		/* Still the supervisor's fork: its first call is the execve of the command. */
		sg_give_policy(s, p, s->command_path);
	} else if (parent != NULL && parent != p && (!parent->subreaper ||
	    parent->exec_pending || lineage_agrees(p, parent))) {
		p->policy = parent->policy;
		p->lost = parent->lost;
		p->detached = parent->detached;
		p->waiting_policy = parent->waiting_policy;
		memcpy(p->policy_name, parent->policy_name, sizeof(p->policy_name));
		p->inherit_exec = 0;
		sg_exec_inherit(p, parent);
	} else if (s->opt->inherit) {
		/* With -i every process has the command's policy: so does an orphan. */
		sg_give_policy(s, p, s->command_path);
	} else {
		orphan_policy(s, p);
	}
	if (!p->exec_pending && p->policy_name[0] != '\0' && tgid != s->command && !p->lost)
		sg_runs_note(p->exe_dev, p->exe_ino, p->exe, p->policy_name);
	watch_exit(s, p);
	sg_send_process("fork", p);
	return p;
}

struct sg_process *
sg_process_of(struct sg_supervisor *s, pid_t tid)
{
	struct sg_status	 st;
	struct sg_process	*p;
	pid_t			 tgid;
	int			 fresh;

	if ((tgid = sg_tid_process(tid, &st, &fresh)) == -1)
		return NULL;
	p = sg_process_find(tgid);
	if (p != NULL && !p->exited) {
		if (fresh) {
			p->st = st;
			p->ids_valid = 1;
		}
		return p;
	}
	if (!fresh && sg_status_read(tid, &st) == -1)
		return NULL;
	return new_process(s, tgid, &st);
}

/*
 * A permitted exec runs its new program under a policy before the process's next notified
 * call says which (sg_exec_check): a child it creates meanwhile has it, the file decided on
 * running under the policy kept (inherit) or its own. Noted for orphans (orphan_policy); an
 * exec not pinned to a file may run any.
 */
void
sg_note_exec(const struct sg_process *p)
{
	const char	*policy = p->inherit_exec ? p->policy_name : NULL;

	if (p->lost)
		return;
	if (p->exec_pinned)
		sg_runs_note(p->exec_dev, p->exec_ino, NULL, policy);
	else
		sg_runs_note(0, 0, NULL, policy);
}

/* From now on orphans may come to it (new_process); whether it got the flag or not. */
void
sg_note_subreaper(struct sg_process *p, const struct sg_syscall *c)
{
	if (strcmp(c->name, "prctl") == 0 && (int)c->args[0] == PR_SET_CHILD_SUBREAPER &&
	    c->args[1] != 0)
		p->subreaper = 1;
}
