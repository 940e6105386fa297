/*
 * The calls that name a file, but for the open family, performed by the supervisor on the
 * program's behalf, so that the file acted on is the file the policy decided on.
 */

#ifndef SYSGATE_PERFORM_H
#define SYSGATE_PERFORM_H

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
 * For a permitted execve or execveat decided on its name: the device and inode that
 * /proc/PID/exe must show once the exec is done, from the file decided on, opened without
 * following a link (for a script, its interpreter's). 1 when they are known (2: a script's
 * interpreter's); 0 when the executable cannot be foretold (binfmt_misc, an interpreter that
 * is a script); -errno when the file cannot be opened so (a link swapped in: ELOOP), and the
 * exec must fail.
 */
int	 sg_exec_pin(const struct sg_syscall *c, int pidfd, dev_t *dev, ino_t *ino);

#endif /* SYSGATE_PERFORM_H */
