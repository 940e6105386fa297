/*
 * The traced processes: which policy each one runs under, its executable, whether it is
 * detached, and which thread belongs to which process.
 */

#ifndef SYSGATE_PROCESS_H
#define SYSGATE_PROCESS_H

#include <limits.h>
#include <sys/types.h>

#include "credentials.h"
#include "policy.h"

struct sg_process {
	pid_t		 pid, ppid;
	int		 pidfd;		/* readable when the process has exited; -1 if none */
	struct sg_policy *policy;	/* NULL while waiting for the host to send it */
	char		 policy_name[PATH_MAX];
	char		 exe[PATH_MAX];
	dev_t		 exe_dev;
	ino_t		 exe_ino;
	int		 detached;	/* answered with CONTINUE, never asked or recorded */
	int		 exec_pending;	/* an execve was permitted: look at the exe again */
	pid_t		 exec_tid;	/* the thread that called it */
	int		 inherit_exec;	/* that execve was permit[inherit] */
	int		 exec_pinned;	/* the exe it must run is known: */
	dev_t		 exec_dev;	/* its device */
	ino_t		 exec_ino;	/* and inode */
	char		*exec_argv;	/* and the arguments decided on, each ending in NUL */
	size_t		 exec_argvlen;	/* (owned, NULL when unchecked), and their length */
	int		 waiting_policy;/* need-policy sent; its calls are held */
	int		 lost;		/* an orphan of unknown lineage: under no policy */
	int		 subreaper;	/* it may be made the parent of others' orphans */
	int		 ids_valid;	/* st below is current */
	struct sg_status st;
	int		 exited;
	int		 status;	/* the wait status, when reaped; -1 if unknown */
	struct sg_process *next;
};

struct sg_process *sg_process_find(pid_t pid);
/* A new entry (an exited one of the same pid is reused); NULL when memory runs out. */
struct sg_process *sg_process_add(pid_t pid, pid_t ppid);
/* Forgets exited entries once there are too many of them to keep as possible parents. */
void		 sg_process_prune(void);
/* Calls fn for every process not yet exited; fn may not add or remove. */
void		 sg_process_each(void (*fn)(struct sg_process *, void *), void *arg);
size_t		 sg_process_live(void);

/* The process of a thread, remembered after the first look at /proc/TID/status. */
pid_t		 sg_tid_process(pid_t tid, struct sg_status *st, int *fresh);
void		 sg_tid_forget(pid_t tgid);

/*
 * Whether a thread's root directory is the supervisor's own ("/"): read from /proc/TID/root
 * once and remembered, until a traced process makes a call that can change a root
 * (sg_roots_changed); from then on it is read every time.
 */
int		 sg_tid_root_is_slash(pid_t tid);
/* A call that can change a root (chroot, pivot_root, setns, unshare, a mount) was made. */
void		 sg_roots_changed(void);

/* Reads where /proc/PID/exe points and its device and inode; -1 if the process is gone. */
int		 sg_exe_read(pid_t pid, char *path, size_t size, dev_t *dev, ino_t *ino);

#endif /* SYSGATE_PROCESS_H */
