/*
 * The open family performed by the supervisor on the program's behalf, so the file opened is
 * the file the policy decided on.
 */

#ifndef SYSGATE_OPEN_H
#define SYSGATE_OPEN_H

#include "credentials.h"
#include "intercept.h"
#include "translate.h"

/*
 * Opens c->path as the caller would (the caller's own nameless descriptor through a copy of
 * it, taken with pidfd: resolve.h) and installs the descriptor as the call's result, or
 * answers with the error the caller's own open would have met. Returns 0 when the call is
 * answered (or will be, by a thread of its own, for a FIFO whose open waits for its other
 * end), 1 when the kernel is to make it itself (CONTINUE: open and openat with O_PATH), -1
 * when the supervisor's own credentials could not be restored (fatal).
 */
int	 sg_open_perform(struct sg_listener *l, const struct sg_syscall *c,
	    const struct sg_status *st, int pidfd);

#endif /* SYSGATE_OPEN_H */
