/*
 * One notified call, from the kernel to the answer. The order matters:
 *
 *   1. find the caller's process (a new one inherits its parent's policy: lineage.c);
 *   2. a detached process is let through, unrecorded;
 *   3. after a permitted execve, see whether the executable changed, and if so give the
 *      process the policy of its new binary (or hold its calls until the host sends it;
 *      exec.c);
 *   4. decode the arguments, evaluate, and answer: the open family is performed here,
 *      everything else permitted is let through with CONTINUE (README: Known gaps);
 *      a call no rule answers is asked (ask mode) or denied and recorded (enforce mode).
 *
 * A question is held in the kernel while every other thread and process goes on.
 */

#include <sys/stat.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "control.h"
#include "counts.h"
#include "decide.h"
#include "decision.generated.h"
#include "evaluate.h"
#include "exec.h"
#include "fstat.h"
#include "index.h"
#include "kill.h"
#include "learn.h"
#include "lineage.h"
#include "names.h"
#include "open.h"
#include "own-files.h"
#include "pending.h"
#include "perform.h"
#include "policy.h"
#include "record.h"
#include "sockets.h"
#include "translate.h"

#define ERRNO_MAX	4095

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER	(1UL << 3)
#endif

static void
verdict(const char *action, int error, const char *by, struct sg_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->action = action;
	v->error = error;
	v->by = by;
}

static void
finish(struct sg_pending *pd)
{
	sg_pending_free(pd);
}

/*
 * Whether what was read from the caller's memory may belong to another process: the caller
 * is gone, its pid perhaps reused. Checked before a decision has any effect but its answer
 * (a question, a record); the answer itself the kernel refuses then. An open performed
 * checks for itself (open.c).
 */
static int
caller_gone(struct sg_supervisor *s, const struct sg_pending *pd)
{
	return pd->call.read_memory && !sg_notif_valid(&s->l, pd->call.id);
}

/*
 * In kernel-speed mode the program runs in a Landlock domain that grants only what its file
 * rules can say on the names that exist at the start, and refuses with EACCES creating,
 * removing, renaming and truncating everywhere: a call of the open family or one that makes,
 * removes or renames a name, let through with CONTINUE, would be decided by Landlock a second
 * time and refused though the policy permits it. (Landlock does not restrict the other calls
 * that name a file: chmod, the xattr calls, the stat family...) The supervisor is not in that domain (only the command's
 * process imposes it on itself, intercept.c), so what it performs for the program is decided
 * by the policy alone. The exec calls are the exception: Landlock's EXECUTE is meant to
 * decide them again, on the file that is about to run.
 */
static int
in_landlock(const struct sg_supervisor *s, const struct sg_syscall *c)
{
	/* The calls Landlock restricts besides the open family and execve. */
	static const char *const names[] = { "truncate", "unlink", "unlinkat", "rmdir",
	    "mkdir", "mkdirat", "mknod", "mknodat", "rename", "renameat", "renameat2",
	    "link", "linkat", "symlink", "symlinkat", NULL };
	size_t	 i;

	if (!s->kernel)
		return 0;
	if (c->is_open)
		return 1;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(c->name, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * Whether a permitted open is left to the kernel in kernel-speed mode (CONTINUE), Landlock
 * deciding it again, rather than performed here. Only where the host vouched that Landlock
 * grants reading nothing the run's policies do not permit (`reads=exact`, session.c): then
 * whatever name the kernel reads again, another thread having rewritten it since, it opens
 * only what a policy permits, as a reading open the filter lets through would. So only an
 * open or openat (flags in a register, read once by the kernel) that only reads (none of
 * the flags the filter sends here: writing, creating, truncating, O_TMPFILE, O_PATH), and
 * only of a name within those grants now: a name Landlock does not grant (a file the run
 * made) would meet its EACCES, and is performed here, outside Landlock, as before.
 */
static int
kernel_reads(const struct sg_supervisor *s, const struct sg_syscall *c)
{
	static int	 open_nr = -2, openat_nr = -2;

	if (!s->kernel || !s->reads_exact || !c->is_open)
		return 0;
	if (open_nr == -2) {
		open_nr = sg_call_number("open");
		openat_nr = sg_call_number("openat");
	}
	if (c->nr != open_nr && c->nr != openat_nr)
		return 0;
	if ((c->oflags & (O_ACCMODE | O_CREAT | O_TRUNC | O_PATH | __O_TMPFILE)) != 0)
		return 0;
	return c->path_errors[0] == 0 && c->path_own_fd < 0 && c->paths[0] != NULL &&
	    sg_read_grants_cover(&s->reads, c->paths[0]);
}

static void	decide_call(struct sg_supervisor *, struct sg_process *, struct sg_pending *);

/*
 * What a permitted exec will run (sg_exec_target), noted in pd->exec. A script runs its
 * interpreter, an execution of its own: the call becomes the execve of the interpreter and is
 * decided again as one, by the same policy, asked and recorded as one (permit comes back
 * here with pd->exec known). Otherwise a program writing its own script could run any
 * binary by rewriting its `#!` line. 1: go on permitting; 0: decided elsewhere (pd is no
 * longer the caller's); -errno: the exec fails so.
 */
static int
exec_target(struct sg_supervisor *s, struct sg_process *p, struct sg_pending *pd, int inherit,
    int detach)
{
	struct sg_exec_target	*t;
	int			 rc;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -ENOMEM;
	pd->exec = t;
	if ((rc = sg_exec_target(&pd->call, p->pidfd, t)) < 0) {
		if (t->nested) {
			syslog(LOG_WARNING, "deny prog: %s, pid: %d, policy: %s, syscall: %s: its "
			    "interpreter %s is not a program", p->exe, (int)p->pid, p->policy_name,
			    pd->call.name, t->interpreter);
			fprintf(stderr, "sysgate: %s denied to %s (pid %d): its interpreter %s is no "
			    "program (a script or binfmt_misc): not run\n", pd->call.name, p->exe,
			    (int)p->pid, t->interpreter);
		}
		return rc;
	}
	if (t->kind != SG_EXEC_SCRIPT)
		return 1;
	t->inherit = inherit;
	t->detach = detach;
	if (sg_exec_as_interpreter(&pd->call, t) == -1)
		return -ENOMEM;
	decide_call(s, p, pd);
	return 0;
}

/*
 * Lets a permitted call happen: the open family (open.c) and the other calls that name a file
 * (perform.c) here when the decision rests on what was read from the caller's memory (the
 * kernel would read it again, and could find something else), the rest with CONTINUE.
 */
static void
permit(struct sg_supervisor *s, struct sg_process *p, struct sg_pending *pd,
    const struct sg_verdict *v, int inherit, int detach, int on_memory)
{
	struct sg_syscall	*c = &pd->call;
	int			 rc = 1;

	if (in_landlock(s, c))
		on_memory = 1;

	/* Both change what the process is to the supervisor from now on. */
	if ((detach || c->is_exec) && caller_gone(s, pd)) {
		finish(pd);
		return;
	}
	if (c->is_exec) {
		/* Decided on its name: the file decided on is the one that must run. */
		sg_exec_forget(p);
		if (on_memory && !p->detached && pd->exec == NULL) {
			if ((rc = exec_target(s, p, pd, inherit, detach)) <= 0) {
				if (rc < 0) {
					sg_notif_fail(&s->l, c->id, -rc);
					finish(pd);
				}
				return;
			}
		}
		if (pd->exec != NULL) {
			inherit = inherit || pd->exec->inherit;
			detach = detach || pd->exec->detach;
		}
		rc = 1;
		sg_exec_pin(p, c, pd->exec, inherit);
	}
	/* openat2's flags, and so its alias, are in memory too. */
	if (c->is_open && !p->detached && kernel_reads(s, c)) {
		rc = 1;
	} else if (c->is_open && !p->detached && (on_memory || strcmp(c->name, "openat2") == 0)) {
		/* A create needs the umask as it is now; the calling thread's own status says. */
		if ((c->oflags & O_CREAT) && sg_status_read(c->tid, &p->st) == 0)
			p->ids_valid = 1;
		rc = sg_open_perform(&s->l, c, &p->st, p->pidfd);
		if (rc == -1)
			s->fatal = 1;
	} else if (on_memory && !p->detached && sg_perform_handles(c->name)) {
		rc = sg_perform(&s->l, c, &p->st, p->pidfd);
		if (rc == -1)
			s->fatal = 1;
	} else if (on_memory && !p->detached && sg_socket_handles(c->name)) {
		rc = sg_socket_perform(&s->l, c, &p->st, p->pidfd);
		if (rc == -1)
			s->fatal = 1;
	}
	if (rc == 1)
		sg_notif_continue(&s->l, c->id);
	s->permitted++;
	sg_count(p, c, "permit", v->by, v->line, v->col);
	if (detach)
		p->detached = 1;
	sg_note_subreaper(p, c);
	finish(pd);
}

static void
deny(struct sg_supervisor *s, struct sg_process *p, struct sg_pending *pd,
    const struct sg_verdict *v)
{
	struct sg_verdict	 w;

	if (caller_gone(s, pd)) {
		finish(pd);
		return;
	}
	/* A script's interpreter refused is refused as the kernel refuses one it may not run. */
	if (pd->exec != NULL) {
		w = *v;
		w.error = EACCES;
		v = &w;
	}
	/* Recorded first: the record reads the caller's argv, gone once a denied exit(2) runs. */
	sg_send_record(p, &pd->call, v);
	/* No host to record it after sysgate returned: the log has it (host-gone says itself). */
	if (s->host_left && strcmp(v->by, "host-gone") != 0)
		syslog(LOG_WARNING, "deny prog: %s, pid: %d, policy: %s, syscall: %s(%d), "
		    "filename: %s: after the command's end", p->exe, (int)p->pid, p->policy_name,
		    pd->call.name, pd->call.nr, pd->call.path ? pd->call.path : "-");
	sg_notif_fail(&s->l, pd->call.id, v->error);
	s->denied++;
	sg_count(p, &pd->call, "deny", v->by, v->line, v->col);
	finish(pd);
}

/* What an elevated call acted on, for its log line: the resolved name, or the address. */
static const char *
elevated_object(const struct sg_syscall *c)
{
	size_t	 i;

	if (c->is_open)
		return c->path != NULL ? c->path : "-";
	for (i = 0; i < c->ntargs; i++)
		if (strcmp(c->targs[i].name, "sockaddr") == 0)
			return c->targs[i].value;
	return "-";
}

/*
 * Why `permit as` cannot be kept exactly as wide as its rule for this call (NULL: it can).
 * The call must be performed here, on what was decided, with the rule's credentials: the
 * open family on its resolved name (not O_PATH, which open and openat leave to the kernel;
 * not the caller's own nameless descriptor, which no name decided), bind and connect on a
 * copy of an IP socket (sockets.c checks the socket). A supervisor that is not root has no
 * credentials to lend.
 */
static const char *
elevation_refused(const struct sg_syscall *c)
{
	if (geteuid() != 0)
		return "the supervisor is not root";
	if (c->is_open)
		return (c->oflags & O_PATH) ? "an O_PATH open is the kernel's" :
		    c->path_own_fd >= 0 ? "a descriptor of its own, not a name" : NULL;
	if (strcmp(c->name, "bind") == 0 || strcmp(c->name, "connect") == 0)
		return NULL;
	return "the supervisor does not perform this call";
}

/*
 * `permit as uid:gid` (DESIGN §8: the one privilege the supervisor lends, as wide as its rule
 * and no wider): the call is performed here with those credentials, on exactly what was
 * decided (the resolved name, the address read once), and its result installed in the
 * caller; never CONTINUE, whose kernel would read the arguments again. Each one is recorded
 * (as=), logged to syslog, and counts as a permit; one that cannot be kept so is denied.
 */
static void
permit_as(struct sg_supervisor *s, struct sg_process *p, struct sg_pending *pd,
    const struct sg_decision *d)
{
	struct sg_syscall	*c = &pd->call;
	struct sg_status	 as;
	struct sg_verdict	 v;
	const char		*why;
	int			 rc;

	if (caller_gone(s, pd)) {
		finish(pd);
		return;
	}
	if ((why = elevation_refused(c)) != NULL) {
		syslog(LOG_WARNING, "deny prog: %s, pid: %d, policy: %s, syscall: %s(%d), "
		    "line: %u: cannot run it as %u:%u: %s", p->exe, (int)p->pid, p->policy_name,
		    c->name, c->nr, d->line, (unsigned)d->as_uid, (unsigned)d->as_gid, why);
		verdict("deny", EPERM, "rule", &v);
		v.line = d->line;
		v.col = d->col;
		deny(s, p, pd, &v);
		return;
	}
	verdict("permit", 0, "rule", &v);
	v.line = d->line;
	v.col = d->col;
	v.log = 1;
	v.elevated = 1;
	v.as_uid = (unsigned)d->as_uid;
	v.as_gid = (unsigned)d->as_gid;
	sg_send_record(p, c, &v);
	sg_count(p, c, "permit", v.by, v.line, v.col);
	syslog(LOG_NOTICE, "permit as %u:%u prog: %s, pid: %d, uid: %u, policy: %s, "
	    "syscall: %s(%d), line: %u, %s: %s", v.as_uid, v.as_gid, p->exe, (int)p->pid,
	    (unsigned)p->st.euid, p->policy_name, c->name, c->nr, d->line,
	    c->is_open ? "filename" : "sockaddr", elevated_object(c));
	/* A create needs the umask as it is now; the calling thread's own status says. */
	if (c->is_open && (c->oflags & O_CREAT) && sg_status_read(c->tid, &p->st) == 0)
		p->ids_valid = 1;
	sg_creds_as(&p->st, d->as_uid, d->as_gid, &as);
	rc = c->is_open ? sg_open_perform(&s->l, c, &as, p->pidfd) :
	    sg_socket_perform_as(&s->l, c, &as, p->pidfd);
	if (rc == -1)
		s->fatal = 1;
	else if (rc == 1)
		sg_notif_fail(&s->l, c->id, EPERM);	/* never the kernel's */
	s->permitted++;
	finish(pd);
}

static void
deny_host_gone(struct sg_supervisor *s, struct sg_process *p, struct sg_pending *pd)
{
	struct sg_verdict	 v;

	if (caller_gone(s, pd)) {
		finish(pd);
		return;
	}
	verdict("deny", EPERM, "host-gone", &v);
	syslog(LOG_WARNING, "deny prog: %s, pid: %d, policy: %s, syscall: %s(%d): host gone",
	    p->exe, (int)p->pid, p->policy_name, pd->call.name, pd->call.nr);
	deny(s, p, pd, &v);
}

static void
learn(struct sg_supervisor *s, struct sg_process *p, struct sg_pending *pd)
{
	struct sg_verdict	 v;

	if (caller_gone(s, pd)) {
		finish(pd);
		return;
	}
	verdict("permit", 0, "learn", &v);
	if (sg_learn_first(p->policy_name, &pd->call))
		sg_send_record(p, &pd->call, &v);
	/* What learning records must be what the program did: its opens are performed. */
	permit(s, p, pd, &v, 0, 0, 1);
}

static void
ask(struct sg_supervisor *s, struct sg_process *p, struct sg_pending *pd)
{
	struct sg_verdict	 v;

	if (s->host_gone) {
		deny_host_gone(s, p, pd);
		return;
	}
	if (s->opt->mode == SG_MODE_ENFORCE) {
		verdict("deny", EPERM, "default", &v);
		deny(s, p, pd, &v);
		return;
	}
	if (caller_gone(s, pd)) {
		finish(pd);
		return;
	}
	pd->qid = ++s->next_qid;
	pd->pid = p->pid;
	s->asked++;
	sg_pending_add(pd);
	sg_send_ask(pd->qid, p, &pd->call);
}

/*
 * A filter of the program's own that returns USER_NOTIF would take precedence over ours (the
 * newest filter's listener gets the call) and let the program answer its own calls. No policy
 * may permit that: installing a filter with a listener is always denied. (The kernel refuses
 * a second listener in one filter chain too, with EBUSY; this does not rely on it.) The
 * kernel reads the operation and the flags as unsigned ints: so does this check, or a program
 * could set the high bits to get past it.
 */
static int
installs_listener(const struct sg_syscall *c)
{
	return strcmp(c->name, "seccomp") == 0 && (uint32_t)c->args[0] == SECCOMP_SET_MODE_FILTER &&
	    ((uint32_t)c->args[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0;
}

/*
 * TIOCSTI puts a byte into a terminal's input as if typed there, and TIOCLINUX can paste the
 * console's selection: a program could type commands into the shell that started it, which
 * runs them outside every policy. No rule, answer or learning permits them (as for a
 * listener). The kernel reads the command as an unsigned int.
 */
static int
types_into_terminal(const struct sg_syscall *c)
{
	static const unsigned	 never[] = SG_NEVER_PERMITTED_IOCTLS;
	size_t			 i;

	if (strcmp(c->name, "ioctl") != 0)
		return 0;
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if ((uint32_t)c->args[1] == never[i])
			return 1;
	return 0;
}

/* Whether tid's pid numbers are the supervisor's: it is in the supervisor's pid namespace. */
static int
same_pid_namespace(pid_t tid)
{
	struct stat	 a, b;
	char		 path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)tid);
	if (stat(path, &a) == -1 || stat("/proc/self/ns/pid", &b) == -1)
		return 0;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * Whether the thread target belongs to the traced tree now: its process, or an ancestor of
 * it, is a live traced process. Every process a traced one creates runs its filter (seccomp
 * filters are inherited and cannot be removed), so a descendant of a traced process is
 * traced, and the walk stops at the supervisor and at init (sg_known_ancestor). The entry
 * found is checked alive through its pidfd: an exit not yet read from epoll must not leave
 * its pid, free for reuse, counted as traced.
 */
static int
traced_target(struct sg_supervisor *s, pid_t target)
{
	struct sg_status	 st;
	struct sg_process	*p;
	struct pollfd		 pfd;

	if (target <= 0 || target == s->self || sg_status_read(target, &st) == -1)
		return 0;
	if ((p = sg_known_ancestor(s, st.tgid)) == NULL)
		return 0;
	if (p->pidfd != -1) {
		pfd.fd = p->pidfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 0) != 0)
			return 0;
	}
	return 1;
}

/*
 * The calls that reach into another process named by a pid register: ptrace (every request
 * but PTRACE_TRACEME, which hands the caller to its parent), process_vm_readv/writev, kcmp,
 * and pidfd_open, the only way a program gets a pidfd of a process it did not create (so
 * pidfd_getfd, process_madvise and pidfd_send_signal reach only what pidfd_open reached, a
 * child made with CLONE_PIDFD, or what another process chose to send it). A traced program
 * may use them only on the traced tree: sysgate's own processes (the supervisor, the Node.js
 * host that started it, the front door) and everything else outside are never its targets,
 * whatever its policy says. The supervisor and the host are not dumpable (the host was, and a
 * program that attached to it ran a shell outside sysgate), which does not stop root.
 *
 * Deciding on a pid is sound although pids are reused. The pid is a register, read once by
 * the kernel: no thread can change it after this decision. It names a traced process when
 * decided (checked alive through its pidfd), and a traced process never becomes untraced. It
 * could name another process by the time the kernel acts only if that traced process were
 * reaped and pid_max (4 million by default) pids were handed out while the caller waits.
 *
 * A caller in another pid namespace counts pids in that namespace, which are not the
 * supervisor's: its calls are refused (failing closed; a debugger in a pid namespace of its
 * own is out of reach).
 */
static int
reaches_outside(struct sg_supervisor *s, pid_t caller, int nr, const uint64_t *args)
{
	static const char *const names[] = { "ptrace", "process_vm_readv", "process_vm_writev",
	    "kcmp", "pidfd_open", NULL };
	static int	 nrs[5], n = -1;
	int		 i;

	if (n == -1)
		for (n = 0, i = 0; names[i] != NULL; i++)
			nrs[i] = sg_call_number(names[i]);
	for (i = 0; names[i] != NULL && nrs[i] != nr; i++)
		;
	if (names[i] == NULL || nrs[i] < 0)
		return 0;
	if (i == 0 && args[0] == 0)	/* PTRACE_TRACEME: the kernel reads a long */
		return 0;
	if (!same_pid_namespace(caller))
		return 1;
	if (i == 0)
		return !traced_target(s, (pid_t)args[1]);
	if (i == 3 && !traced_target(s, (pid_t)args[1]))
		return 1;
	return !traced_target(s, (pid_t)args[0]);
}

/* Whether name (up to its end or a slash) is one of the list. */
static int
named(const char *name, const char *const *list)
{
	size_t	 len = strcspn(name, "/");
	int	 i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == len && strncmp(name, list[i], len) == 0)
			return 1;
	return 0;
}

/*
 * Opening /proc/PID/... of a process outside the traced tree (reaches_outside, for pids).
 * What ps, top and pgrep read of any process stays open: the directory itself, its task/
 * list, and these files, each a read-out the kernel shows every user. Everything else gives
 * control or secrets and is refused: mem, environ, auxv, maps and smaps (addresses, the
 * way to aim at mem), pagemap, syscall, stack, fd/ and fdinfo/ (another's descriptors),
 * map_files/, root/, cwd/, and the writable tunables (attr/, oom_adj, coredump_filter,
 * clear_refs, setgroups, uid_map...). The name is the one resolution found (resolve.c):
 * /proc/PID/root/... and fd/N were followed to what they lead to, and the open is performed
 * on that name (permit), so the name checked is the name opened. A caller's own /proc/PID
 * is /proc/self there, and passes as its own.
 */
static int
opens_outside(struct sg_supervisor *s, const struct sg_syscall *c)
{
	static const char *const public[] = { "stat", "statm", "status", "cmdline", "comm",
	    "cgroup", "oom_score", "loginuid", "sessionid", "wchan", "schedstat", "limits",
	    "cpuset", "mountinfo", "mounts", "mountstats", NULL };
	const char	*rest;
	char		*end;
	long		 pid;

	if (!c->is_open || c->path == NULL || strncmp(c->path, "/proc/", 6) != 0)
		return 0;
	pid = strtol(c->path + 6, &end, 10);
	if (end == c->path + 6 || (*end != '/' && *end != '\0') || pid <= 0 || pid > INT_MAX)
		return 0;
	rest = end;
	/* /proc/PID/task/TID/...: a thread's directory, the same files. */
	if (strncmp(rest, "/task", 5) == 0 && (rest[5] == '\0' || rest[5] == '/')) {
		rest += 5;
		if (*rest == '/') {
			pid = strtol(rest + 1, &end, 10);
			if (end == rest + 1 || (*end != '/' && *end != '\0') || pid <= 0 ||
			    pid > INT_MAX)
				return 1;
			rest = end;
		}
	}
	while (*rest == '/')
		rest++;
	if (*rest == '\0' || (named(rest, public) && strchr(rest, '/') == NULL))
		return 0;
	if (!same_pid_namespace(c->tid))
		return 1;
	return !traced_target(s, (pid_t)pid);
}

/* The routes around every policy: denied before any rule, in every mode. */
static int
always_denied(struct sg_supervisor *s, const struct sg_syscall *c)
{
	return installs_listener(c) || types_into_terminal(c) ||
	    reaches_outside(s, c->tid, c->nr, c->args) || opens_outside(s, c) ||
	    sg_own_touched(c);
}

/* The translations read from the caller's memory (openat2's flags too: see permit). */
static const char *const from_memory[] = { "filename", "sockaddr", "argv", "string", "oflags",
    "mode", NULL };

/* Whether a rule tried on the way to the decision compared `argv`. */
static int
compared_argv(const struct sg_process *p, const struct sg_request *req)
{
	static const char *const argv_only[] = { "argv", NULL };
	struct sg_request	 r = *req;
	struct sg_decision	 d;

	r.memory = argv_only;
	sg_evaluate(p->policy, &r, &d);
	return d.memory;
}

/*
 * An exec whose arguments the argv translation could not hold in full (more than
 * SG_ARGV_ENTRIES or SG_ARGV_MAX), decided by a rule that compared argv: what that rule saw
 * is not what would run, so neither its permit nor its denial decides. Denied with E2BIG,
 * said on standard error and in the log, and recorded.
 */
static void
deny_cut_argv(struct sg_supervisor *s, struct sg_process *p, struct sg_pending *pd)
{
	struct sg_verdict	 v;

	if (caller_gone(s, pd)) {
		finish(pd);
		return;
	}
	fprintf(stderr, "sysgate: %s denied to %s (pid %d): its arguments (%zu bytes) are more "
	    "than the %d arguments or %d bytes a rule's argv can see, and a rule compares argv\n",
	    pd->call.name, p->exe, (int)p->pid, pd->call.argv_rawlen, SG_ARGV_ENTRIES,
	    SG_ARGV_MAX);
	syslog(LOG_WARNING, "deny prog: %s, pid: %d, policy: %s, syscall: %s(%d): arguments "
	    "longer than the argv translation holds", p->exe, (int)p->pid, p->policy_name,
	    pd->call.name, pd->call.nr);
	verdict("deny", E2BIG, "default", &v);
	deny(s, p, pd, &v);
}

static void
decide_call(struct sg_supervisor *s, struct sg_process *p, struct sg_pending *pd)
{
	struct sg_syscall	*c = &pd->call;
	struct sg_request	 req;
	struct sg_decision	 d;
	struct sg_verdict	 v;

	if (always_denied(s, c)) {
		verdict("deny", EPERM, "default", &v);
		deny(s, p, pd, &v);
		return;
	}
	/*
	 * After sysgate returned (session.c, hand_over) learning has no host to record to: what
	 * was learned goes on, anything else is decided by the policy, and asking is denying.
	 */
	if (s->opt->mode == SG_MODE_LEARN &&
	    (!s->host_left || sg_learn_seen(p->policy_name, c))) {
		learn(s, p, pd);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.memory = from_memory;
	req.call = c->name;
	req.alias = c->alias;
	req.uid = p->st.euid;
	req.gid = p->st.egid;
	req.args = c->targs;
	req.nargs = c->ntargs;
	sg_evaluate(p->policy, &req, &d);
	if (c->argv_cut && compared_argv(p, &req)) {
		deny_cut_argv(s, p, pd);
		return;
	}
	if (d.action == SG_ACT_ASK) {
		ask(s, p, pd);
		return;
	}
	verdict(d.action == SG_ACT_PERMIT ? "permit" : "deny", d.error, "rule", &v);
	v.line = d.line;
	v.col = d.col;
	v.log = d.log;
	if (d.action == SG_ACT_DENY) {
		deny(s, p, pd, &v);
		return;
	}
	if (d.elevated) {
		permit_as(s, p, pd, &d);
		return;
	}
	if (d.log || s->opt->record_permits) {
		if (caller_gone(s, pd)) {
			finish(pd);
			return;
		}
		sg_send_record(p, c, &v);
	}
	/* Decided on its name (opens_outside, sg_own_touched) even where no rule compared one. */
	permit(s, p, pd, &v, d.inherit || s->opt->inherit, d.detach,
	    d.memory || c->is_open || sg_own_decided_by_name(c->name));
}

/*
 * When no rule of this call (nor of its alias) compares an argument, the registers decide:
 * nothing is read from the caller's memory or from /proc. 1 when that answered the call (a
 * permit without `log`); otherwise the call is translated in full and decided again, the
 * same way, for the record or the question that shows its arguments.
 */
static int
decide_on_registers(struct sg_supervisor *s, struct sg_process *p, struct sg_pending *pd)
{
	struct sg_syscall	*c = &pd->call;
	struct sg_request	 req;
	struct sg_decision	 d;
	struct sg_verdict	 v;

	if (s->opt->mode == SG_MODE_LEARN || p->waiting_policy || p->policy == NULL ||
	    s->host_gone)
		return 0;
	if (sg_translate_registers(&s->l, p->pid, s->opt->no_aliases, c) == -1)
		return 0;
	if (c->changes_ids)
		p->ids_valid = 0;
	/* An open is decided on its name before any rule (opens_outside): never here. */
	if (c->is_open || sg_own_decided_by_name(c->name) || always_denied(s, c) ||
	    sg_index_compares(p->policy->index, c->name, c->alias))
		return 0;
	/* Kernel-speed mode performs every call Landlock restricts: translated (in_landlock). */
	if (in_landlock(s, c))
		return 0;
	memset(&req, 0, sizeof(req));
	req.call = c->name;
	req.alias = c->alias;
	req.uid = p->st.euid;
	req.gid = p->st.egid;
	sg_evaluate(p->policy, &req, &d);
	/*
	 * A permit that must be recorded shows its arguments: it is translated in full; so is
	 * one `as` another user, which is performed on the arguments it decided on (permit_as).
	 */
	if (d.action != SG_ACT_PERMIT || d.log || d.elevated || s->opt->record_permits)
		return 0;
	verdict("permit", 0, "rule", &v);
	v.line = d.line;
	v.col = d.col;
	permit(s, p, pd, &v, d.inherit || s->opt->inherit, d.detach, 0);
	return 1;
}

static void
hold_for_policy(struct sg_process *p, struct sg_pending *pd)
{
	pd->qid = 0;
	pd->pid = p->pid;
	sg_pending_add(pd);
}

/* The calls that can give a process another root directory (or move the one it has). */
static int
changes_root(int nr)
{
	static const char *const names[] = { "chroot", "pivot_root", "setns", "unshare",
	    "mount", "umount2", "move_mount", "mount_setattr", NULL };
	static int	 nrs[8], n = -1;
	int		 i;

	if (n == -1)
		for (n = 0, i = 0; names[i] != NULL; i++)
			if ((nrs[n] = sg_call_number(names[i])) >= 0)
				n++;
	for (i = 0; i < n; i++)
		if (nrs[i] == nr)
			return 1;
	return 0;
}

void
sg_decide_notification(struct sg_supervisor *s)
{
	struct seccomp_notif	*n = s->l.notif;
	struct sg_process	*p;
	struct sg_pending	*pd;
	const char		*root;
	pid_t			 tid = (pid_t)n->pid;

	if (s->killing) {
		/* Nobody may run on without a host: this one was not known yet. */
		kill(tid, SIGKILL);
		sg_notif_fail(&s->l, n->id, EPERM);
		return;
	}
	if ((p = sg_process_of(s, tid)) == NULL) {
		sg_notif_fail(&s->l, n->id, EPERM);
		return;
	}
	/* Whatever is decided, even for a detached process (which may share its root). */
	if (changes_root(n->data.nr))
		sg_roots_changed();
	if (p->exec_pending && sg_exec_check(s, p, tid) == -1) {
		sg_notif_fail(&s->l, n->id, EPERM);
		return;
	}
	if (p->detached) {
		/* Detached from the policy, never from the traced tree (reaches_outside). */
		if (reaches_outside(s, tid, n->data.nr, (const uint64_t *)n->data.args)) {
			syslog(LOG_WARNING, "deny prog: %s, pid: %d, syscall: %d: a process outside "
			    "the traced tree", p->exe, (int)p->pid, n->data.nr);
			sg_notif_fail(&s->l, n->id, EPERM);
			return;
		}
		sg_notif_continue(&s->l, n->id);
		return;
	}
	/* The C library's fstat, which no policy decides. */
	if (sg_fstat_perform(&s->l, p->pid, p->pidfd))
		return;
	if (!p->ids_valid && sg_status_read(tid, &p->st) == 0)
		p->ids_valid = 1;
	if ((pd = sg_pending_new()) == NULL) {
		sg_notif_fail(&s->l, n->id, ENOMEM);
		return;
	}
	if (decide_on_registers(s, p, pd))
		return;
	root = sg_tid_root_is_slash(tid) ? "/" : NULL;
	if (sg_translate(&s->l, p->pid, p->pidfd, s->opt->no_aliases, root,
	    &pd->call) == -1) {
		finish(pd);
		return;
	}
	if (pd->call.changes_ids)
		p->ids_valid = 0;
	if (p->waiting_policy) {
		hold_for_policy(p, pd);
		return;
	}
	decide_call(s, p, pd);
}

static int
answer_errno(const struct sg_frame *f)
{
	unsigned long	 e;

	if (sg_field_ulong(sg_frame_get(f, "errno"), &e) == -1 || e == 0 || e > ERRNO_MAX)
		return EPERM;
	return (int)e;
}

void
sg_decide_answer(struct sg_supervisor *s, const struct sg_frame *f)
{
	unsigned long		 qid;
	char			 action[16];
	struct sg_pending	*pd;
	struct sg_process	*p;
	struct sg_verdict	 v;

	if (sg_field_ulong(sg_frame_get(f, "id"), &qid) == -1 ||
	    sg_field_str(sg_frame_get(f, "action"), action, sizeof(action)) == -1) {
		sg_control_error("answer needs id= and action=", 0);
		return;
	}
	if ((pd = sg_pending_find(qid)) == NULL) {
		/* Already cancelled, or never asked: nothing to do, but say so. */
		sg_control_error("no such question", 0);
		return;
	}
	sg_pending_unlink(pd);
	p = sg_process_find(pd->pid);
	if (p == NULL || !sg_notif_valid(&s->l, pd->call.id)) {
		sg_send_cancel(qid, "exited");
		finish(pd);
		return;
	}
	if (strcmp(action, "permit") == 0 || strcmp(action, "detach") == 0) {
		verdict("permit", 0, "user", &v);
		sg_send_record(p, &pd->call, &v);
		/* The user saw the arguments: the answer rests on them. */
		permit(s, p, pd, &v, s->opt->inherit, strcmp(action, "detach") == 0, 1);
	} else if (strcmp(action, "deny") == 0) {
		verdict("deny", answer_errno(f), "user", &v);
		deny(s, p, pd, &v);
	} else if (strcmp(action, "kill") == 0) {
		kill(p->pid, SIGKILL);
		verdict("deny", EPERM, "user", &v);
		deny(s, p, pd, &v);
	} else {
		/* Unknown answers deny: a malformed message never permits anything. */
		sg_control_error("unknown action; the call was denied", 0);
		verdict("deny", EPERM, "user", &v);
		deny(s, p, pd, &v);
	}
}

void
sg_decide_policy_arrived(struct sg_supervisor *s, const char *name)
{
	struct sg_pending	*pd, *next;
	struct sg_process	*p;

	for (pd = sg_pending_first(); pd != NULL; pd = next) {
		next = pd->next;
		if (pd->qid != 0 || (p = sg_process_find(pd->pid)) == NULL)
			continue;
		if (p->waiting_policy && strcmp(p->policy_name, name) == 0)
			sg_give_policy(s, p, name);
	}
	/* Release held calls in arrival order: the list is newest first. */
	for (;;) {
		struct sg_pending *oldest = NULL;

		for (pd = sg_pending_first(); pd != NULL; pd = pd->next) {
			if (pd->qid != 0 || (p = sg_process_find(pd->pid)) == NULL ||
			    p->waiting_policy)
				continue;
			oldest = pd;
		}
		if (oldest == NULL)
			break;
		sg_pending_unlink(oldest);
		p = sg_process_find(oldest->pid);
		if (!sg_notif_valid(&s->l, oldest->call.id)) {
			finish(oldest);
		} else if (p->detached) {
			/* The policy that came says `detached`: not even this call is decided. */
			sg_notif_continue(&s->l, oldest->call.id);
			finish(oldest);
		} else {
			decide_call(s, p, oldest);
		}
	}
}

void
sg_decide_sweep(struct sg_supervisor *s)
{
	struct sg_pending	*pd, *next;
	unsigned long		 sum = s->permitted + s->denied + s->asked;

	/* The counts go up with the sweep's rhythm, not with every call. */
	if (sum != s->reported) {
		sg_send_stats(s->permitted, s->denied, s->asked);
		s->reported = sum;
	}
	for (pd = sg_pending_first(); pd != NULL; pd = next) {
		next = pd->next;
		if (sg_notif_valid(&s->l, pd->call.id))
			continue;
		sg_pending_unlink(pd);
		if (pd->qid != 0)
			sg_send_cancel(pd->qid, "exited");
		finish(pd);
	}
}

void
sg_decide_process_exited(struct sg_supervisor *s, struct sg_process *p)
{
	if (p->pidfd != -1) {
		close(p->pidfd);
		p->pidfd = -1;
	}
	p->exited = 1;
	sg_tid_forget(p->pid);
	sg_decide_sweep(s);
	sg_send_process("exit", p);
	sg_process_prune();
}

void
sg_decide_host_lost(struct sg_supervisor *s)
{
	struct sg_pending	*pd;
	struct sg_process	*p;

	if (s->host_gone)
		return;
	s->host_gone = 1;
	/* After sysgate returned (host_left), the host's going is no loss: deny, as below. */
	if (s->opt->on_host_loss == SG_LOSS_KILL && !s->host_left) {
		s->killing = 1;
		while ((pd = sg_pending_first()) != NULL) {
			sg_pending_unlink(pd);
			sg_notif_fail(&s->l, pd->call.id, EPERM);
			finish(pd);
		}
		sg_kill_tree(s);
		return;
	}
	/* --on-host-loss deny: questions are denied; held calls run under no policy. */
	while ((pd = sg_pending_first()) != NULL) {
		sg_pending_unlink(pd);
		if ((p = sg_process_find(pd->pid)) == NULL) {
			sg_notif_fail(&s->l, pd->call.id, EPERM);
			finish(pd);
			continue;
		}
		p->waiting_policy = 0;
		if (pd->qid != 0)
			deny_host_gone(s, p, pd);
		else
			decide_call(s, p, pd);
	}
}

