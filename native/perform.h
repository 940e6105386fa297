/*
 * The calls that name a file, but for the open family, performed by the supervisor on the
 * program's behalf, so that the file acted on is the file the policy decided on.
 */

#ifndef SYSGATE_PERFORM_H
#define SYSGATE_PERFORM_H

#include <limits.h>

#include "credentials.h"
#include "intercept.h"
#include "translate.h"

/* Whether the supervisor performs this call itself when its decision rests on its names. */
int	 sg_perform_handles(const char *name);

/*
 * Performs c as its caller would (credentials st, process descriptor pidfd) and answers the
 * kernel: returns 0. Returns 1 when c names no file here (utimensat(fd, NULL, ...)) and may
 * be let through with CONTINUE, -1 when the supervisor's own credentials could not be
 * restored (fatal).
 */
int	 sg_perform(struct sg_listener *l, const struct sg_syscall *c, const struct sg_status *st,
	    int pidfd);

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

#endif /* SYSGATE_PERFORM_H */
