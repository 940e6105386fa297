/*
 * An exec, from its decision to the program it ran (exec.c).
 */

#ifndef SYSGATE_EXEC_H
#define SYSGATE_EXEC_H

#include <limits.h>
#include <sys/types.h>

#include "decide.h"
#include "process.h"
#include "translate.h"

/*
 * What a permitted execve or execveat decided on its name will run: the file decided on,
 * opened without following a link, or for a script (`#!`) its interpreter. dev and ino are
 * what /proc/PID/exe must show once the exec is done (a program's own; a script's
 * interpreter's).
 */
enum sg_exec_kind {
	SG_EXEC_UNKNOWN,	/* cannot be foretold (binfmt_misc): not checked */
	SG_EXEC_PROGRAM,	/* an ELF program */
	SG_EXEC_SCRIPT		/* a `#!` script: its interpreter runs, and is decided too */
};

struct sg_exec_target {
	enum sg_exec_kind kind;
	dev_t		 dev;
	ino_t		 ino;
	char		 interpreter[PATH_MAX];	/* a script's, resolved as the caller sees it */
	int		 nested;	/* refused: the interpreter is no program itself */
	int		 inherit, detach;	/* the script's own decision said so */
};

/*
 * Fills t; 0, or -errno when the exec must fail: the file cannot be opened so (a link
 * swapped in: ELOOP), is no regular file (EACCES), is leased (EAGAIN: the supervisor does
 * not wait on it), or is a script whose interpreter is missing (ENOENT) or not a program
 * (EACCES, nested set).
 */
int	 sg_exec_target(const struct sg_syscall *c, int pidfd, struct sg_exec_target *t);
/* Makes c the execve of t's interpreter, to be decided as one; -1 (ENOMEM) on failure. */
int	 sg_exec_as_interpreter(struct sg_syscall *c, const struct sg_exec_target *t);

/*
 * Pins the exec of c permitted to p: t's file (NULL or SG_EXEC_UNKNOWN: none) and a program's
 * arguments (taken from c) must be what runs; inherit: the policy is kept.
 */
void	 sg_exec_pin(struct sg_process *p, struct sg_syscall *c, const struct sg_exec_target *t,
	    int inherit);
/* Forgets what p's last exec was pinned to. */
void	 sg_exec_forget(struct sg_process *p);
/*
 * After a permitted exec, at p's next notified call (thread tid): the exec done gives p its
 * new executable's policy; another file or other arguments than pinned get it killed: -1.
 */
int	 sg_exec_check(struct sg_supervisor *s, struct sg_process *p, pid_t tid);
/* A child p seen before its parent's exec was checked takes on that check. */
void	 sg_exec_inherit(struct sg_process *p, const struct sg_process *parent);

#endif /* SYSGATE_EXEC_H */
